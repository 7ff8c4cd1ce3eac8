/**
 * Line formatting shared by the `astro-rx` command and the demo. Pure
 * functions: they take the event and options and return one line, no I/O.
 */

/** What the formatters need of an event (a `TopicMessage` fits). */
export interface EventLike {
  readonly id?: string;
  readonly ts?: string;
  readonly topic: string;
  readonly room: string;
  readonly data: unknown;
}

export interface FormatOptions {
  /** ANSI colours (only for a TTY). @defaultValue false */
  readonly color?: boolean;
  /** Put the room in brackets after the time (useful with several rooms). @defaultValue false */
  readonly showRoom?: boolean;
  /** Print the clock in UTC instead of the local time zone (tests). @defaultValue false */
  readonly utc?: boolean;
  /** The time used when the event has no parseable `ts`. @defaultValue `new Date()` */
  readonly now?: Date;
  /** The longest free text (messages, generic JSON) before it is cut with `…`. @defaultValue 120 */
  readonly maxText?: number;
}

const KIND_WIDTH = 10;
const PROVIDER_WIDTH = 8;

type Style = 'dim' | 'bold' | 'red' | 'green' | 'yellow' | 'blue' | 'magenta' | 'cyan';
const ANSI: Record<Style, [number, number]> = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  magenta: [35, 39],
  cyan: [36, 39],
};

/** Wraps `text` in an ANSI style when `on`; otherwise returns it unchanged. */
export function paint(text: string, style: Style, on: boolean | undefined): string {
  if (!on || text === '') return text;
  const [open, close] = ANSI[style];
  return `\u001b[${open}m${text}\u001b[${close}m`;
}

/**
 * Whether output to `stream` should be coloured: only a TTY, and never when
 * `NO_COLOR` is set (https://no-color.org) or `TERM=dumb`.
 */
export function useColor(stream: { isTTY?: boolean }, env: Record<string, string | undefined>): boolean {
  if (!stream.isTTY) return false;
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  if (env['TERM'] === 'dumb') return false;
  return true;
}

/**
 * Makes untrusted text safe for one terminal line: control characters
 * (including ESC, so no escape sequence from the network reaches the terminal)
 * become spaces, runs of white space collapse, and the result is cut to `max`.
 */
export function cleanText(value: unknown, max = 120): string {
  const s = String(value ?? '')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
    .replace(/\s{2,}/g, ' ')
    .trim();
  return s.length > max ? `${s.slice(0, Math.max(1, max - 1))}…` : s;
}

/** `HH:MM:SS` of an RFC 3339 timestamp (or of `fallback` when it does not parse). */
export function clock(ts: string | undefined, options: Pick<FormatOptions, 'utc' | 'now'> = {}): string {
  const parsed = ts === undefined ? NaN : Date.parse(ts);
  const d = Number.isNaN(parsed) ? (options.now ?? new Date()) : new Date(parsed);
  const parts = options.utc ? [d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()] : [d.getHours(), d.getMinutes(), d.getSeconds()];
  return parts.map((n) => String(n).padStart(2, '0')).join(':');
}

/** `$4.20`, `€12.00`, `4.2 XYZ` for an unknown currency, `4.2` without one. */
export function money(amount: unknown, currency: unknown): string {
  if (typeof amount !== 'number' || !Number.isFinite(amount)) return '';
  if (typeof currency === 'string' && /^[A-Za-z]{3}$/.test(currency)) {
    try {
      return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() }).format(amount);
    } catch {
      return `${amount} ${cleanText(currency, 8)}`;
    }
  }
  return String(amount);
}

const KIND_STYLE: Record<string, Style> = {
  follow: 'cyan',
  follower: 'cyan',
  tip: 'green',
  superchat: 'green',
  cheer: 'yellow',
  subscriber: 'magenta',
  sponsor: 'magenta',
  communityGiftPurchase: 'magenta',
  raid: 'blue',
  host: 'blue',
  session: 'dim',
};

const SHORT_KIND: Record<string, string> = { communityGiftPurchase: 'gift subs' };

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function quoted(message: unknown, max: number): string {
  const m = cleanText(message, max);
  return m === '' ? '' : `: "${m}"`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The human sentence of a `channel.activities` payload, e.g. `jtv followed`, `$4.20 from Styler: "GG"`. */
export function describeActivity(payload: unknown, maxText = 120): { kind: string; provider: string; text: string } {
  const p = record(payload);
  const type = str(p['type']) ?? 'activity';
  const provider = str(p['provider']) ?? '';
  const d = record(p['data']);
  const who = cleanText(str(d['displayName']) ?? str(d['username']) ?? 'someone', 40);
  const amount = num(d['amount']);
  const message = d['message'];
  let text: string;
  switch (type) {
    case 'follow':
    case 'follower':
      text = `${who} followed`;
      break;
    case 'tip':
    case 'superchat':
      text = `${money(amount, d['currency']) || 'a tip'} from ${who}${quoted(message, maxText)}`;
      break;
    case 'cheer':
      text = `${who} cheered ${amount === undefined ? 'bits' : plural(amount, 'bit')}${quoted(message, maxText)}`;
      break;
    case 'subscriber': {
      const tier = str(d['tier']);
      const tierText = tier === 'prime' ? ', Prime' : tier && /^\d000$/.test(tier) ? `, tier ${tier.charAt(0)}` : '';
      const months = amount !== undefined && amount > 1 ? `, ${amount} months` : '';
      text = d['gifted'] === true ? `${who} received a gifted sub${tierText}` : `${who} subscribed${tierText}${months}${quoted(message, maxText)}`;
      break;
    }
    case 'sponsor':
      text = `${who} became a member${amount !== undefined && amount > 1 ? ` (${amount} months)` : ''}${quoted(message, maxText)}`;
      break;
    case 'raid':
      text = `${who} raided${amount !== undefined ? ` with ${plural(amount, 'viewer')}` : ''}`;
      break;
    case 'host':
      text = `${who} hosted${amount !== undefined ? ` with ${plural(amount, 'viewer')}` : ''}`;
      break;
    case 'communityGiftPurchase':
      text = `${who} gifted ${amount === undefined ? 'subs' : plural(amount, 'sub')}`;
      break;
    default:
      text = `${who}${amount !== undefined ? ` ${amount}` : ''}${quoted(message, maxText)}`;
  }
  return { kind: SHORT_KIND[type] ?? cleanText(type, 24), provider: cleanText(provider, 16), text };
}

/** `latest_follower = Styler`, `latest_tip = Styler (12.5)` for a `channel.session.update` payload. */
export function describeSessionUpdate(payload: unknown, maxText = 120): string {
  const p = record(payload);
  const key = cleanText(str(p['key']) ?? str(p['name']) ?? '?', 60);
  const data = p['data'];
  const d = record(data);
  const name = str(d['name']) ?? str(d['username']) ?? str(d['displayName']);
  const amount = num(d['amount']) ?? num(d['count']);
  if (name !== undefined) return `${key} = ${cleanText(name, 40)}${amount !== undefined ? ` (${amount})` : ''}`;
  if (amount !== undefined) return `${key} = ${amount}`;
  if (data === undefined) return key;
  return `${key} = ${cleanText(compactJson(data), maxText)}`;
}

function compactJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * One readable line for an event:
 *
 * ```text
 * 12:00:01  follow     twitch   jtv followed
 * 12:00:02  tip        youtube  $4.20 from Styler: "love the stream!"
 * 12:00:02  session             latest_tip = Styler (4.2)
 * 12:00:03  channel.chatbot.counters  {"counter":"deaths","value":3}
 * ```
 */
export function formatEvent(event: EventLike, options: FormatOptions = {}): string {
  const color = options.color;
  const max = options.maxText ?? 120;
  const time = paint(clock(event.ts, options), 'dim', color);
  const room = options.showRoom ? `${paint(`[${cleanText(event.room, 32) || 'global'}]`, 'dim', color)}  ` : '';
  const column = (kind: string, provider: string, text: string, style: Style | undefined) =>
    `${time}  ${room}${paint(kind.padEnd(KIND_WIDTH), style ?? 'bold', color)} ${provider.padEnd(PROVIDER_WIDTH)} ${text}`.trimEnd();

  switch (event.topic) {
    case 'channel.activities': {
      const a = describeActivity(event.data, max);
      return column(a.kind, a.provider, a.text, KIND_STYLE[a.kind]);
    }
    case 'channel.session.update':
      return column('session', '', describeSessionUpdate(event.data, max), 'dim');
    case 'channel.tips':
    case 'channel.tips.moderation': {
      const p = record(event.data);
      const donation = record(p['donation']);
      const who = cleanText(str(record(donation['user'])['username']) ?? 'someone', 40);
      const status = event.topic === 'channel.tips.moderation' ? ` [${cleanText(str(p['approved']) ?? str(p['status']) ?? 'moderation', 16)}]` : '';
      return column('tip', '', `${money(donation['amount'], donation['currency']) || 'a tip'} from ${who}${quoted(donation['message'], max)}${status}`, 'green');
    }
    default:
      return `${time}  ${room}${paint(cleanText(event.topic, 60), 'bold', color)}  ${cleanText(compactJson(event.data), max)}`.trimEnd();
  }
}

/** The `message` frame of an event as one NDJSON line (no trailing newline). */
export function formatNdjson(event: EventLike): string {
  return JSON.stringify({
    ...(event.id !== undefined ? { id: event.id } : {}),
    ...(event.ts !== undefined ? { ts: event.ts } : {}),
    type: 'message',
    topic: event.topic,
    room: event.room,
    data: event.data === undefined ? null : event.data,
  });
}

/** `1.2 s`, `350 ms`. */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}
