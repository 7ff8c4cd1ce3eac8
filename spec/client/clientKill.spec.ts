import { AstroError } from '../../lib/errors/astroError';
import type { AstroClientOptions } from '../../lib/client/types';
import { createTestScheduler } from '../helpers/testScheduler';
import { clientOnFakeGateway } from '../helpers/clientOnFakeGateway';

/** A logger that keeps every line, as `level: message`. */
function recordingLogger() {
  const lines: string[] = [];
  const logger = {
    debug: (m: string) => lines.push(`debug: ${m}`),
    info: (m: string) => lines.push(`info: ${m}`),
    warn: (m: string) => lines.push(`warn: ${m}`),
  };
  return { lines, logger };
}

/** A client whose gateway never answers by itself: the spec answers each command. */
function silentClient(opts: AstroClientOptions = {}) {
  const scheduler = createTestScheduler();
  const { lines, logger } = recordingLogger();
  const { client, gateway } = clientOnFakeGateway(scheduler, { responseDelay: 1e9 }, { logger, ...opts });
  return { scheduler, lines, client, gateway };
}

describe('createAstroClient: tokens never reach a log line or an error', () => {
  it('a refusal quoting the client token is redacted', () => {
    const { scheduler, lines, client, gateway } = silentClient();
    const errors: AstroError[] = [];
    client.topic('channel.tips', { room: 'r1' }).subscribe({ error: (e: AstroError) => errors.push(e) });
    scheduler.flush();
    const [sent] = gateway.link(0).sent;
    expect(sent?.command.type).toBe('subscribe');
    gateway.link(0).push({ type: 'response', nonce: sent?.command.nonce, error: 'err_bad_request', data: { message: 'bad token secret-token-1' } });
    scheduler.flush();
    expect(errors.map((e) => `${e.code}: ${e.message}`)).toEqual(['err_bad_request: subscribe channel.tips in room r1 failed with err_bad_request: bad token [redacted]']);
    expect(lines.filter((l) => l.startsWith('warn'))).toEqual(['warn: subscription to channel.tips in room "r1" failed: subscribe channel.tips in room r1 failed with err_bad_request: bad token [redacted]']);
    expect(lines.join('\n')).not.toContain('secret-token-1');
    client.close();
  });

  it('the client token is redacted from a frame that cannot be decoded while no topic holds it', () => {
    const { scheduler, lines, client, gateway } = silentClient();
    const warnings: AstroError[] = [];
    client.warnings$.subscribe((w) => warnings.push(w));
    const sub = client.frames$.subscribe();
    scheduler.flush();
    gateway.link(0).push({ type: 'secret-token-1', data: {} });
    scheduler.flush();
    expect(warnings.map((w) => w.code)).toEqual(['decode']);
    expect(warnings[0]?.message).toContain('[redacted]');
    expect(lines.filter((l) => l.startsWith('warn'))).toEqual([`warn: ${warnings[0]?.message}`]);
    expect(lines.join('\n')).not.toContain('secret-token-1');
    sub.unsubscribe();
    client.close();
  });

  it("a topic's own token is redacted from a frame that cannot be decoded while the topic holds it", () => {
    const { scheduler, lines, client, gateway } = silentClient();
    const warnings: AstroError[] = [];
    client.warnings$.subscribe((w) => warnings.push(w));
    const sub = client.topic('channel.tips', { room: 'r1', token: 'topic-token-77' }).subscribe();
    scheduler.flush();
    gateway.link(0).push({ type: 'topic-token-77', data: {} });
    scheduler.flush();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toContain('[redacted]');
    expect(warnings[0]?.message).not.toContain('topic-token-77');
    expect(lines.filter((l) => l.startsWith('warn'))).toHaveLength(1);
    expect(lines.join('\n')).not.toContain('topic-token-77');
    sub.unsubscribe();
    client.close();
  });
});

describe('createAstroClient: token types', () => {
  it.each([
    { title: 'the client default apikey', client: 'apikey', topic: undefined, sent: 'apikey' },
    { title: 'the client default oauth (read as oauth2)', client: 'oauth', topic: undefined, sent: 'oauth2' },
    { title: "the topic's own over the client's", client: 'apikey', topic: 'jwt', sent: 'jwt' },
    { title: 'jwt without either', client: undefined, topic: undefined, sent: 'jwt' },
  ] as const)('a subscribe carries $title', ({ client: clientType, topic: topicType, sent }) => {
    const { scheduler, client, gateway } = silentClient(clientType ? { tokenType: clientType } : {});
    const sub = client.topic('channel.tips', { room: 'r1', ...(topicType ? { tokenType: topicType } : {}) }).subscribe();
    scheduler.flush();
    expect(gateway.link(0).sent.map((s) => `${s.command.type}/${(s.command.data as { token_type?: string }).token_type}`)).toEqual([`subscribe/${sent}`]);
    sub.unsubscribe();
    client.close();
  });
});

describe("createAstroClient: a refusal quoting a topic's own token", () => {
  it('is redacted from the error and the warning, though the failure makes the client forget the token', () => {
    const { scheduler, lines, client, gateway } = silentClient();
    const errors: AstroError[] = [];
    client.topic('channel.tips', { room: 'r1', token: 'topic-token-88' }).subscribe({ error: (e: AstroError) => errors.push(e) });
    scheduler.flush();
    const [sent] = gateway.link(0).sent;
    gateway.link(0).push({ type: 'response', nonce: sent?.command.nonce, error: 'err_bad_request', data: { message: 'bad token topic-token-88' } });
    scheduler.flush();
    const text = 'subscribe channel.tips in room r1 failed with err_bad_request: bad token [redacted]';
    expect(errors.map((e) => [e.code, e.message, e.details])).toEqual([
      ['err_bad_request', text, { topic: 'channel.tips', room: 'r1', serverMessage: 'bad token [redacted]' }],
    ]);
    expect(lines.filter((l) => l.startsWith('warn'))).toEqual([`warn: subscription to channel.tips in room "r1" failed: ${text}`]);
    client.close();
  });
});

describe('createAstroClient: a refusal that crosses the unsubscribe', () => {
  it('is not reported: nobody wants the topic any more', () => {
    const { scheduler, lines, client, gateway } = silentClient({ lazyCloseMs: 100 });
    const errors: AstroError[] = [];
    const sub = client.topic('channel.tips', { room: 'r1' }).subscribe({ error: (e: AstroError) => errors.push(e) });
    const keep = client.frames$.subscribe();
    scheduler.flush();
    sub.unsubscribe();
    scheduler.flush();
    const link = gateway.link(0);
    // the unsubscribe waits for the answer to the subscribe
    expect(link.sent.map((s) => s.command.type)).toEqual(['subscribe']);
    link.push({ type: 'response', nonce: link.sent[0]?.command.nonce, error: 'err_bad_request', data: { message: 'no' } });
    scheduler.flush();
    expect(errors).toEqual([]);
    expect(lines.filter((l) => l.startsWith('warn'))).toEqual([]);
    keep.unsubscribe();
    client.close();
  });
});
