import { cleanText, clock, describeActivity, describeSessionUpdate, formatEvent, formatNdjson, money, paint, useColor } from '../../lib/cli/format';
import { Progress, renderBar } from '../../lib/cli/progress';
import { describeSubscribeFailure } from '../../lib/cli/tail';
import { emulatorBanner } from '../../lib/cli/emulatorCommand';
import { AstroError } from '../../lib/errors/astroError';

const TS = '2026-03-19T12:00:01Z';
const opts = { utc: true } as const;
const activity = (type: string, provider: string, data: Record<string, unknown>) => ({
  ts: TS,
  topic: 'channel.activities',
  room: 'r',
  data: { type, provider, data },
});

describe('formatEvent', () => {
  it('activities as readable sentences in aligned columns', () => {
    expect(formatEvent(activity('follow', 'twitch', { username: 'jtv' }), opts)).toBe('12:00:01  follow     twitch   jtv followed');
    expect(formatEvent(activity('tip', 'youtube', { username: 'Styler', amount: 4.2, currency: 'USD', message: 'GG' }), opts)).toBe(
      '12:00:01  tip        youtube  $4.20 from Styler: "GG"',
    );
    expect(formatEvent(activity('cheer', 'twitch', { username: 'a', amount: 1 }), opts)).toBe('12:00:01  cheer      twitch   a cheered 1 bit');
    expect(formatEvent(activity('subscriber', 'twitch', { username: 'a', amount: 3, tier: '2000' }), opts)).toBe(
      '12:00:01  subscriber twitch   a subscribed, tier 2, 3 months',
    );
    expect(formatEvent(activity('subscriber', 'twitch', { username: 'a', gifted: true, tier: 'prime' }), opts)).toBe(
      '12:00:01  subscriber twitch   a received a gifted sub, Prime',
    );
    expect(formatEvent(activity('raid', 'kick', { displayName: 'Raider', username: 'raider', amount: 42 }), opts)).toBe(
      '12:00:01  raid       kick     Raider raided with 42 viewers',
    );
    expect(formatEvent(activity('communityGiftPurchase', 'twitch', { username: 'g', amount: 5 }), opts)).toBe('12:00:01  gift subs  twitch   g gifted 5 subs');
    expect(formatEvent(activity('merch', 'represent', { username: 'm' }), opts)).toBe('12:00:01  merch      represent m');
  });

  it('session updates', () => {
    const e = { ts: TS, topic: 'channel.session.update', room: 'r', data: { key: 'latest_follower', data: { name: 'Styler' } } };
    expect(formatEvent(e, opts)).toBe('12:00:01  session             latest_follower = Styler');
    expect(describeSessionUpdate({ key: 'latest_tip', data: { name: 'a', amount: 4.2 } })).toBe('latest_tip = a (4.2)');
    expect(describeSessionUpdate({ name: 'follower-goal', data: { count: 7 } })).toBe('follower-goal = 7');
    expect(describeSessionUpdate({ key: 'k', data: [1, 2] })).toBe('k = [1,2]');
  });

  it('tips of channel.tips', () => {
    const e = { ts: TS, topic: 'channel.tips', room: 'r', data: { donation: { amount: 10, currency: 'EUR', user: { username: 'x' }, message: 'hi' } } };
    expect(formatEvent(e, opts)).toBe('12:00:01  tip                 €10.00 from x: "hi"');
  });

  it('other topics as compact JSON, cut to maxText; the room with showRoom', () => {
    const e = { ts: TS, topic: 'channel.chatbot.counters', room: 'r1', data: { counter: 'deaths', value: 3 } };
    expect(formatEvent(e, opts)).toBe('12:00:01  channel.chatbot.counters  {"counter":"deaths","value":3}');
    expect(formatEvent(e, { ...opts, showRoom: true, maxText: 10 })).toBe('12:00:01  [r1]  channel.chatbot.counters  {"counter…');
  });

  it('never lets control characters from the network reach the terminal', () => {
    const line = formatEvent(activity('tip', 'twitch', { username: 'evil\u001b]0;pwned\u0007', amount: 1, message: 'a\nb\r\u001b[2Jc' }), opts);
    // eslint-disable-next-line no-control-regex
    expect(line).not.toMatch(/[\u0000-\u001f\u007f]/);
    expect(line).toBe('12:00:01  tip        twitch   1 from evil ]0;pwned: "a b [2Jc"');
  });

  it('colours only when asked', () => {
    const plain = formatEvent(activity('follow', 'twitch', { username: 'jtv' }), opts);
    const coloured = formatEvent(activity('follow', 'twitch', { username: 'jtv' }), { ...opts, color: true });
    expect(coloured).toContain('\u001b[36m');
    // eslint-disable-next-line no-control-regex
    expect(coloured.replace(/\u001b\[\d+m/g, '')).toBe(plain);
    expect(paint('x', 'red', false)).toBe('x');
  });

  it('falls back to the current time without a parseable ts', () => {
    const now = new Date(Date.UTC(2026, 0, 1, 23, 59, 58));
    expect(clock(undefined, { utc: true, now })).toBe('23:59:58');
    expect(clock('not a date', { utc: true, now })).toBe('23:59:58');
  });
});

describe('small formatters', () => {
  it('money', () => {
    expect(money(4.2, 'USD')).toBe('$4.20');
    expect(money(3, 'gbp')).toBe('£3.00');
    expect(money(5, undefined)).toBe('5');
    expect(money('5', 'USD')).toBe('');
  });

  it('cleanText', () => {
    expect(cleanText('  a \t\n b  ')).toBe('a b');
    expect(cleanText('abcdef', 4)).toBe('abc…');
    expect(cleanText(undefined)).toBe('');
  });

  it('describeActivity tolerates junk', () => {
    expect(describeActivity(null)).toEqual({ kind: 'activity', provider: '', text: 'someone' });
    expect(describeActivity({ type: 'tip', provider: 'x', data: { username: 'u' } }).text).toBe('a tip from u');
  });

  it('useColor: a TTY without NO_COLOR or TERM=dumb', () => {
    expect(useColor({ isTTY: true }, {})).toBe(true);
    expect(useColor({ isTTY: false }, {})).toBe(false);
    expect(useColor({}, {})).toBe(false);
    expect(useColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(useColor({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
  });
});

describe('formatNdjson', () => {
  it('is the message frame on one line', () => {
    const line = formatNdjson({ id: '01J', ts: TS, topic: 'channel.tips', room: 'r', data: { a: '\n' } });
    expect(line).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({ id: '01J', ts: TS, type: 'message', topic: 'channel.tips', room: 'r', data: { a: '\n' } });
    expect(JSON.parse(formatNdjson({ topic: 't', room: '', data: undefined }))).toEqual({ type: 'message', topic: 't', room: '', data: null });
  });
});

describe('progress', () => {
  it('renderBar', () => {
    expect(renderBar(0, 4, 8)).toBe('[--------] 0/4');
    expect(renderBar(2, 4, 8)).toBe('[####----] 2/4');
    expect(renderBar(9, 4, 8)).toBe('[########] 4/4');
    expect(renderBar(5, 120, 10)).toBe('[----------]   5/120');
  });

  it('draws on a TTY only, and steps aside for other lines', () => {
    const written: string[] = [];
    const tty = { isTTY: true, columns: 40, write: (s: string) => written.push(s) > 0 };
    let t = 0;
    const p = new Progress(tty, () => t);
    p.update('one');
    p.update('two'); // within 50 ms: skipped
    t += 100;
    p.update('three');
    p.around(() => tty.write('line\n'));
    p.stop();
    p.update('after stop');
    expect(written).toEqual(['\r\u001b[Kone', '\r\u001b[Kthree', '\r\u001b[K', 'line\n', '\r\u001b[Kthree', '\r\u001b[K']);

    const pipe = { isTTY: false, write: (s: string) => written.push(`pipe:${s}`) > 0 };
    const quiet = new Progress(pipe);
    quiet.update('x', true);
    quiet.around(() => undefined);
    expect(quiet.enabled).toBe(false);
    expect(written.filter((w) => w.startsWith('pipe:'))).toEqual([]);
  });
});

describe('describeSubscribeFailure', () => {
  it('names the topic, the room and the scope on err_unauthorized', () => {
    const e = new AstroError('err_unauthorized', 'subscribe failed', { serverMessage: 'the token lacks the scope activities:read' });
    const text = describeSubscribeFailure(e, 'channel.activities', 'demo', '--token-type (jwt)');
    expect(text).toMatch(/not authorized to subscribe to channel\.activities in room "demo" \(err_unauthorized\)/);
    expect(text).toMatch(/channel\.activities needs the scope activities:read/);
    expect(text).toMatch(/and that --token-type \(jwt\) matches the kind of token/);
    expect(describeSubscribeFailure(new AstroError('err_unauthorized', 'x'), 'channel.chatbot.counters', '', 'jwt')).toMatch(/needs no particular scope/);
    expect(describeSubscribeFailure(new AstroError('err_unauthorized', 'x'), 'my.topic', '', 'jwt')).toMatch(/not a documented topic/);
  });

  it('other failures', () => {
    expect(describeSubscribeFailure(new AstroError('err_bad_request', 'x'), 'nope', 'r', 'jwt')).toMatch(/rejected .* is the topic name right\?/);
    expect(describeSubscribeFailure(new Error('boom'), 't', 'r', 'jwt')).toBe('subscription to t in room "r" failed: boom');
  });
});

describe('emulatorBanner', () => {
  it('shows both URLs, the labelled test token once, and curl examples', () => {
    const text = emulatorBanner({ url: 'ws://127.0.0.1:1', httpUrl: 'http://127.0.0.1:1', token: 'TOKEN123' });
    expect(text).toMatch(/WebSocket {2}ws:\/\/127\.0\.0\.1:1/);
    expect(text).toMatch(/HTTP API {3}http:\/\/127\.0\.0\.1:1/);
    expect(text).toMatch(/Emulator test token .*not a StreamElements token/);
    expect(text.split('TOKEN123')).toHaveLength(2);
    expect(text).toMatch(/curl -s -X POST http:\/\/127\.0\.0\.1:1\/publish/);
  });
});
