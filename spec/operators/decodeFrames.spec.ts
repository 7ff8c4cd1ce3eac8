import * as E from 'fp-ts/Either';
import { decodeFrames } from '../../lib/operators/decodeFrames';
import { createTestScheduler } from '../helpers/testScheduler';

const welcome = '{"type":"welcome","data":{"client_id":"c1"}}';
const message = '{"type":"message","topic":"channel.stream.status","data":{"isLive":true}}';
const badPayload = '{"type":"message","topic":"channel.stream.status","data":{"isLive":"yes"}}';

describe('decodeFrames', () => {
  it('passes valid frames through and reports failures without ending the stream', () => {
    createTestScheduler().run(({ cold, expectObservable }) => {
      const raw = cold('  -a-x-b-|', { a: welcome, x: '{oops', b: message });
      const expected = '  -A-X-B-|';
      expectObservable(raw.pipe(decodeFrames())).toBe(expected, {
        A: E.right({ type: 'welcome', data: { client_id: 'c1' } }),
        X: expect.objectContaining({ _tag: 'Left', left: expect.objectContaining({ _tag: 'InvalidJson' }) }),
        B: E.right({ type: 'message', topic: 'channel.stream.status', data: { isLive: true } }),
      });
    });
  });

  it('reports a payload mismatch with the frame when payloads are validated', () => {
    createTestScheduler().run(({ cold, expectObservable }) => {
      const raw = cold('  -p-m-|', { p: badPayload, m: message });
      expectObservable(raw.pipe(decodeFrames({ validatePayloads: true }))).toBe('  -P-M-|', {
        P: expect.objectContaining({
          left: expect.objectContaining({ _tag: 'PayloadMismatch', frame: expect.objectContaining({ topic: 'channel.stream.status' }) }),
        }),
        M: E.right({ type: 'message', topic: 'channel.stream.status', data: { isLive: true } }),
      });
    });
  });

  it('reports a binary frame and carries on', () => {
    createTestScheduler().run(({ cold, expectObservable }) => {
      const raw = cold<string | Uint8Array>('  -b-a-|', { b: new Uint8Array(4), a: welcome });
      expectObservable(raw.pipe(decodeFrames())).toBe('  -B-A-|', {
        B: E.left({ _tag: 'BinaryFrame', byteLength: 4 }),
        A: E.right({ type: 'welcome', data: { client_id: 'c1' } }),
      });
    });
  });

  it('unsubscribes from the source when unsubscribed early', () => {
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const raw = cold('  -a-a-a-|', { a: welcome });
      const unsub = '    ---!';
      expectObservable(raw.pipe(decodeFrames()), unsub).toBe('-A-', { A: E.right({ type: 'welcome', data: { client_id: 'c1' } }) });
      expectSubscriptions(raw.subscriptions).toBe('^--!');
    });
  });
});
