import { Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { AstroError } from '../../lib/errors/astroError';
import { CorrelateConfig, CorrelateInput, CorrelateOutput, correlate } from '../../lib/operators/correlate';
import type { ClientCommand } from '../../lib/protocol/commands';
import { subscribeCommand, unsubscribeCommand } from '../../lib/protocol/commands';
import type { ResponseFrame } from '../../lib/protocol/frames';
import { createTestScheduler } from '../helpers/testScheduler';
import { failure, ok, rateLimited } from './frameFixtures';
import { plain, plainErrors } from './plainErrors';
import { TOKEN } from './queueFixtures';

const tips = subscribeCommand({ topic: 'channel.tips', room: 'r1', token: TOKEN, nonce: 'n1' });
const leave = unsubscribeCommand({ topic: 'channel.activities', room: 'r1', nonce: 'n2' });
const details = (nonce: string) => ({ topic: 'channel.tips', room: 'r1', nonce });

const sent = (nonce: string, command: ClientCommand = tips): CorrelateInput => ({ type: 'sent', nonce, command });
const response = (frame: ResponseFrame): CorrelateInput => ({ type: 'response', frame });
const reset: CorrelateInput = { type: 'reset' };

const answered = (nonce: string, frame: ResponseFrame, command: ClientCommand = tips): CorrelateOutput => ({
  type: 'answered',
  nonce,
  command,
  response: frame,
});
// Expected outputs carry the error in plain form: actual outputs go through plainErrors().
const failed = (nonce: string, error: AstroError, command: ClientCommand = tips) => ({
  type: 'failed',
  nonce,
  command,
  error: plain(error),
});
const unmatched = (frame: ResponseFrame): CorrelateOutput => ({ type: 'unmatched', frame });

describe('correlate', () => {
  let testScheduler: TestScheduler;
  beforeEach(() => {
    testScheduler = createTestScheduler();
  });
  const outcomes = (input: Observable<CorrelateInput>, config: CorrelateConfig = {}) =>
    input.pipe(correlate({ scheduler: testScheduler, ...config }), plainErrors());

  it('answers a sent command when its response arrives among others', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const input = cold('  s--x--r', { s: sent('n1'), x: response(ok('n9')), r: response(ok('n1')) });
      const expected = '    ---U--A';
      expectObservable(outcomes(input)).toBe(expected, {
        U: unmatched(ok('n9')),
        A: answered('n1', ok('n1')),
      });
    });
  });

  it('fails with timeout at exactly requestTimeoutMs', () => {
    testScheduler.run(({ cold, time, expectObservable }) => {
      const input = cold('  s-------', { s: sent('n1') });
      const timeout = time('-----|');
      const expected = '    -----F--';
      const error = new AstroError('timeout', 'subscribe channel.tips in room r1 got no response within 5 ms', details('n1'));
      expectObservable(outcomes(input, { requestTimeoutMs: timeout })).toBe(expected, {
        F: failed('n1', error),
      });
    });
  });

  it('waits 10 s by default', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const input = cold('s', { s: sent('n1') });
      const error = new AstroError('timeout', 'subscribe channel.tips in room r1 got no response within 10000 ms', details('n1'));
      expectObservable(outcomes(input)).toBe('10s F', { F: failed('n1', error) });
    });
  });

  it("fails with the gateway's code for an error response", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const denied = failure('n1', 'err_unauthorized', 'token lacks scope tips:read');
      const input = cold('  s-e', { s: sent('n1'), e: response(denied) });
      const expected = '    --F';
      const error = new AstroError('err_unauthorized', 'subscribe channel.tips in room r1 failed with err_unauthorized: token lacks scope tips:read', {
        ...details('n1'),
        serverMessage: 'token lacks scope tips:read',
      });
      expectObservable(outcomes(input)).toBe(expected, { F: failed('n1', error) });
    });
  });

  it('attributes a nonce-less rate_limit_exceeded to the oldest pending command', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const input = cold('  (st)-l-r', { s: sent('n1'), t: sent('n2', leave), l: response(rateLimited), r: response(ok('n2')) });
      const expected = '    -----F-A';
      const error = new AstroError('rate_limit_exceeded', 'subscribe channel.tips in room r1 failed with rate_limit_exceeded: rate limit exceeded', {
        ...details('n1'),
        serverMessage: 'rate limit exceeded',
      });
      expectObservable(outcomes(input)).toBe(expected, {
        F: failed('n1', error),
        A: answered('n2', ok('n2'), leave),
      });
    });
  });

  it('reports a nonce-less response as unmatched when nothing is pending', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const input = cold('  -l', { l: response(rateLimited) });
      expectObservable(outcomes(input)).toBe('-U', { U: unmatched(rateLimited) });
    });
  });

  it('reports a nonce-less success as unmatched: it cannot say what it answers', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const success = { type: 'response' as const, data: { message: 'successfully subscribed to topic' } };
      const input = cold('  sl', { s: sent('n1'), l: response(success) });
      expectObservable(outcomes(input, { requestTimeoutMs: 10 })).toBe('-U 8ms F', {
        U: unmatched(success),
        F: failed('n1', new AstroError('timeout', 'subscribe channel.tips in room r1 got no response within 10 ms', details('n1'))),
      });
    });
  });

  it('reports a response after the timeout as unmatched', () => {
    testScheduler.run(({ cold, time, expectObservable }) => {
      const input = cold('  s----r', { s: sent('n1'), r: response(ok('n1')) });
      const timeout = time('---|');
      const expected = '    ---F-U';
      const error = new AstroError('timeout', 'subscribe channel.tips in room r1 got no response within 3 ms', details('n1'));
      expectObservable(outcomes(input, { requestTimeoutMs: timeout })).toBe(expected, {
        F: failed('n1', error),
        U: unmatched(ok('n1')),
      });
    });
  });

  it('fails every pending command with closed on reset, oldest first', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const input = cold('  (st)-x', { s: sent('n1'), t: sent('n2', leave), x: reset });
      const expected = '    -----(FG)';
      const closed = (what: string, d: object) => new AstroError('closed', `${what} was not answered: the connection was reset`, d);
      expectObservable(outcomes(input)).toBe(expected, {
        F: failed('n1', closed('subscribe channel.tips in room r1', details('n1'))),
        G: failed('n2', closed('unsubscribe channel.activities in room r1', { topic: 'channel.activities', room: 'r1', nonce: 'n2' }), leave),
      });
    });
  });

  it('fails pending commands with closed and completes when the input completes', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const input = cold('  s-|', { s: sent('n1') });
      const expected = '    --(F|)';
      const error = new AstroError('closed', 'subscribe channel.tips in room r1 was not answered: the response stream ended', details('n1'));
      expectObservable(outcomes(input)).toBe(expected, { F: failed('n1', error) });
    });
  });

  it('fails the earlier command when its nonce is sent again', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const input = cold('  s-t-r', { s: sent('n1'), t: sent('n1', leave), r: response(ok('n1')) });
      const expected = '    --F-A';
      const error = new AstroError('invalid_argument', 'nonce n1 was sent again before subscribe channel.tips in room r1 was answered', details('n1'));
      expectObservable(outcomes(input)).toBe(expected, {
        F: failed('n1', error),
        A: answered('n1', ok('n1'), leave),
      });
    });
  });

  it('keeps the token out of error messages', () => {
    const outputs: CorrelateOutput[] = [];
    testScheduler.run(({ cold }) => {
      const echoed = failure('n1', 'err_unauthorized', `bad token ${TOKEN}`);
      cold('s-e', { s: sent('n1'), e: response(echoed) })
        .pipe(correlate({ scheduler: testScheduler }))
        .subscribe((out) => outputs.push(out));
    });
    const [out] = outputs;
    if (out?.type !== 'failed') throw new Error('expected a failed output');
    expect(out.error.message).toBe('subscribe channel.tips in room r1 failed with err_unauthorized: bad token [redacted]');
    expect(out.error.details.serverMessage).toBe('bad token [redacted]');
  });

  it('clears the timer of a command when it is answered', () => {
    testScheduler.run(({ cold, flush, expectObservable }) => {
      const input = cold('  s-r', { s: sent('n1'), r: response(ok('n1')) });
      expectObservable(outcomes(input, { requestTimeoutMs: 100 })).toBe('--A', {
        A: answered('n1', ok('n1')),
      });
      flush();
      expect(testScheduler.now()).toBe(2);
    });
  });

  it('clears the timers and unsubscribes the input when unsubscribed', () => {
    testScheduler.run(({ cold, flush, expectObservable, expectSubscriptions }) => {
      const input = cold('  (st)---', { s: sent('n1'), t: sent('n2', leave) });
      const unsub = '       10ms !';
      expectObservable(input.pipe(correlate({ requestTimeoutMs: 100, scheduler: testScheduler })), unsub).toBe('-');
      expectSubscriptions(input.subscriptions).toBe('^ 9ms !');
      flush();
      expect(testScheduler.now()).toBe(10);
    });
  });

  it('keeps pending commands per subscription when one operator is reused', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const matching = correlate({ scheduler: testScheduler });
      const first = cold('  s-r', { s: sent('n1'), r: response(ok('n1')) });
      const second = cold(' --r', { r: response(ok('n1')) });
      expectObservable(first.pipe(matching, plainErrors())).toBe('  --A', { A: answered('n1', ok('n1')) });
      expectObservable(second.pipe(matching, plainErrors())).toBe(' --U', { U: unmatched(ok('n1')) });
    });
  });

  it.each([
    [{ requestTimeoutMs: 0 }, 'correlate: option requestTimeoutMs must be a finite number > 0 (or Infinity), got 0'],
    [{ requestTimeoutMs: '5s' }, 'correlate: option requestTimeoutMs must be a finite number > 0 (or Infinity), got "5s"'],
    [{ scheduler: 'async' }, 'correlate: option scheduler must be a SchedulerLike (with now() and schedule()), got "async"'],
  ])('throws a TypeError at creation for %p', (config, message) => {
    expect(() => correlate(config as never)).toThrow(new TypeError(message));
  });
});
