import { ClientOutputs, resolveTokenType } from '../../lib/client/outputs';
import { AstroError } from '../../lib/errors/astroError';
import { safeLogger } from '../../lib/util/logger';
import { describeDecodeFailure, invalidJson } from '../../lib/protocol/decodeFailure';
import type { ConnectionState, Gap } from '../../lib/client/types';

function recording(secrets: string[] = []) {
  const lines: Array<{ level: string; message: string; meta?: unknown }> = [];
  const rec = (level: string) => (message: string, meta?: unknown) => lines.push(meta === undefined ? { level, message } : { level, message, meta });
  const log = safeLogger({ debug: rec('debug'), info: rec('info'), warn: rec('warn') }, secrets);
  return { lines, out: new ClientOutputs(log) };
}

describe('ClientOutputs.topicFailure', () => {
  it.each([
    { title: 'unauthorized on a scoped topic names the scope', topic: 'channel.tips', code: 'err_unauthorized', message: 'no (the topic needs scope tips:read)' },
    { title: 'unauthorized on a scope-less topic adds nothing', topic: 'channel.chatstats', code: 'err_unauthorized', message: 'no' },
    { title: 'unauthorized on an unknown topic adds nothing', topic: 'custom.topic', code: 'err_unauthorized', message: 'no' },
    { title: 'another error on a scoped topic adds nothing', topic: 'channel.tips', code: 'err_bad_request', message: 'no' },
  ] as const)('$title', ({ topic, code, message }) => {
    const { out, lines } = recording();
    const error = out.topicFailure(topic, 'r1', new AstroError(code, 'no'));
    expect(error).toBeInstanceOf(AstroError);
    expect(error.code).toBe(code);
    expect(error.message).toBe(message);
    expect(error.details).toEqual({ topic, room: 'r1' });
    expect(lines).toEqual([{ level: 'warn', message: `subscription to ${topic} in room "r1" failed: ${message}`, meta: { code } }]);
  });

  it("scrubs the token from the gateway's message and server text, keeping the other details", () => {
    const { out, lines } = recording(['secret-token-xyz']);
    const error = out.topicFailure(
      'channel.tips',
      '',
      new AstroError('err_bad_request', 'bad secret-token-xyz', { serverMessage: 'you sent secret-token-xyz', nonce: 'n7' }),
    );
    expect(error.message).toBe('bad [redacted]');
    expect(error.details).toEqual({ serverMessage: 'you sent [redacted]', nonce: 'n7', topic: 'channel.tips', room: '' });
    expect(JSON.stringify(lines)).not.toContain('secret-token-xyz');
    expect(lines[0]?.message).toBe('subscription to channel.tips in room "" failed: bad [redacted]');
  });
});

describe('ClientOutputs streams', () => {
  it('emitGaps counts, logs and emits each gap, and says whether there was any', () => {
    const { out, lines } = recording();
    const gaps: Gap[] = [];
    out.gaps.subscribe((g) => gaps.push(g));
    expect(out.emitGaps([])).toBe(false);
    const g1 = { from: 10, to: 20, cause: 'error' };
    const g2 = { from: 30, to: 45, cause: 'handover_failed' };
    expect(out.emitGaps([g1, g2])).toBe(true);
    expect(gaps).toEqual([g1, g2]);
    expect(out.metrics.gaps).toBe(2);
    expect(lines).toEqual([
      { level: 'info', message: 'events between 10 and 20 may be missing (error)' },
      { level: 'info', message: 'events between 30 and 45 may be missing (handover_failed)' },
    ]);
  });

  it('setState emits only a new state, and nothing once closed', () => {
    const { out } = recording();
    const states: ConnectionState[] = [];
    out.state.subscribe((s) => states.push(s));
    const connecting: ConnectionState = { status: 'connecting', attempt: 0 } as ConnectionState;
    out.setState(connecting);
    out.setState(connecting);
    out.close();
    out.setState(connecting);
    expect(states).toEqual([{ status: 'idle' }, connecting, { status: 'closed' }]);
    expect(out.closed).toBe(true);
  });

  it('close completes every stream', () => {
    const { out } = recording();
    const completed: string[] = [];
    out.state.subscribe({ complete: () => completed.push('state') });
    out.gaps.subscribe({ complete: () => completed.push('gaps') });
    out.warnings.subscribe({ complete: () => completed.push('warnings') });
    out.frames.subscribe({ complete: () => completed.push('frames') });
    out.metrics$.subscribe({ complete: () => completed.push('metrics') });
    out.close();
    expect(completed).toEqual(['state', 'gaps', 'warnings', 'frames', 'metrics']);
  });

  it('metrics$ gives the counters at once and again on each publish, with per-connection counters for a pool', () => {
    const { out } = recording();
    const seen: Array<{ active: number; connections?: number }> = [];
    out.metrics$.subscribe((m) => seen.push({ active: m.activeSubscriptions, ...(m.connections ? { connections: m.connections.length } : {}) }));
    out.publishMetrics(3);
    out.connectionMetrics = () => [];
    out.publishMetrics(4);
    expect(seen).toEqual([{ active: 0 }, { active: 3 }, { active: 4, connections: 0 }]);
  });

  it('warn reaches the subscribers of warnings', () => {
    const { out } = recording();
    const warnings: string[] = [];
    out.warn(new AstroError('decode', 'nobody listens'));
    out.warnings.subscribe((w) => warnings.push(w.message));
    out.warn(new AstroError('decode', 'heard'));
    expect(warnings).toEqual(['heard']);
  });
});

describe('ClientOutputs.decodeFailure', () => {
  it('logs a warning and emits a decode warning, both scrubbed of tokens', () => {
    const { out, lines } = recording(['secret-token-xyz']);
    const warnings: AstroError[] = [];
    out.warnings.subscribe((w) => warnings.push(w));
    out.decodeFailure(invalidJson('{"token":"secret-token-xyz"', 'Unexpected token secret-token-xyz in JSON'));
    const expected = describeDecodeFailure(invalidJson('{"token":"[redacted]"', 'Unexpected token [redacted] in JSON'));
    expect(expected).toContain('[redacted]');
    expect(lines).toEqual([{ level: 'warn', message: expected }]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.code).toBe('decode');
    expect(warnings[0]?.message).toBe(expected);
    expect(warnings[0]?.details.failure).toEqual({ _tag: 'InvalidJson', excerpt: '{"token":"[redacted]"', message: 'Unexpected token [redacted] in JSON' });
  });
});

describe('resolveTokenType', () => {
  it.each([
    { value: undefined, type: 'jwt' },
    { value: 'jwt', type: 'jwt' },
    { value: 'oauth', type: 'oauth2' },
    { value: 'oauth2', type: 'oauth2' },
    { value: 'apikey', type: 'apikey' },
  ])('reads $value as $type', ({ value, type }) => {
    expect(resolveTokenType(value)).toBe(type);
  });

  it('rejects anything else with invalid_argument naming the value', () => {
    expect(() => resolveTokenType('bearer')).toThrow(new AstroError('invalid_argument', `tokenType must be 'jwt', 'oauth2' or 'apikey', got "bearer"`));
    expect(() => resolveTokenType('bearer')).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });
});
