import { isKnownTopic } from '../../protocol/topics';
import { normalizeTokenType } from '../../protocol/tokenType';
import type { GatewayCommand } from './types';

/** Why a text frame is not a command the gateway can act on, and how it answers (§5, §8). @category Testing */
export interface CommandRejection {
  readonly error: 'err_bad_request' | 'invalid_message_type';
  /** The nonce to echo, when one could be read. */
  readonly nonce?: string;
  readonly message: string;
}

/** The outcome of {@link parseCommand}. @category Testing */
export type ParsedCommand = { readonly ok: true; readonly command: GatewayCommand } | ({ readonly ok: false } & CommandRejection);

/** Options of {@link parseCommand}. @category Testing */
export interface ParseCommandConfig {
  /**
   * Whether a subscribe without `token_type` is a bad request (PROTOCOL.md says to always send it).
   * @defaultValue true
   */
  readonly requireTokenType?: boolean;
}

/**
 * Reads one text frame as the gateway does: a JSON object whose `type` is
 * `subscribe` or `unsubscribe` (anything else: `invalid_message_type`), with
 * `data.topic` a documented topic, `data.room` a string when present, and for
 * subscribe `data.token` (+ `data.token_type`); every other problem is
 * `err_bad_request`. Pure: no socket, no clock.
 *
 * @category Testing
 */
export function parseCommand(text: string, config: ParseCommandConfig = {}): ParsedCommand {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return bad(undefined, 'the command is not valid JSON');
  }
  if (!isRecord(value)) return bad(undefined, 'a command must be a JSON object');
  const nonce = typeof value['nonce'] === 'string' ? value['nonce'] : undefined;
  const type = value['type'];
  if (type !== 'subscribe' && type !== 'unsubscribe') {
    const shown = typeof type === 'string' ? JSON.stringify(clip(type)) : 'missing';
    return { ok: false, error: 'invalid_message_type', nonce, message: `invalid message type (${shown}): expected subscribe or unsubscribe` };
  }
  if (value['nonce'] !== undefined && nonce === undefined) return bad(undefined, 'nonce must be a string');
  const data = value['data'];
  if (!isRecord(data)) return bad(nonce, `${type} needs a data object`);
  const target = readTarget(data);
  if (typeof target === 'string') return bad(nonce, target);
  const base: GatewayCommand = { type, ...(nonce !== undefined ? { nonce } : {}), ...target };
  if (type === 'unsubscribe') return { ok: true, command: base };
  return readCredentials(data, base, config.requireTokenType ?? true);
}

/** Whether `value` is a plain JSON object (not null, not an array). @category Testing */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `text` cut to 64 characters, for error messages. @category Testing */
export function clip(text: string): string {
  return text.length > 64 ? `${text.slice(0, 64)}…` : text;
}

function readTarget(data: Record<string, unknown>): { topic: string; room?: string } | string {
  const topic = data['topic'];
  if (typeof topic !== 'string' || topic === '') return 'data.topic is required';
  if (!isKnownTopic(topic)) return `unknown topic ${JSON.stringify(clip(topic))}`;
  const room = data['room'];
  if (room !== undefined && typeof room !== 'string') return 'data.room must be a string';
  return room === undefined ? { topic } : { topic, room };
}

function readCredentials(data: Record<string, unknown>, base: GatewayCommand, requireType: boolean): ParsedCommand {
  const token = data['token'];
  if (typeof token !== 'string' || token === '') return bad(base.nonce, 'data.token is required to subscribe');
  const rawType = data['token_type'];
  if (rawType === undefined && !requireType) return { ok: true, command: { ...base, token } };
  const tokenType = typeof rawType === 'string' ? normalizeTokenType(rawType) : undefined;
  if (tokenType === undefined) return bad(base.nonce, 'data.token_type must be one of jwt, oauth2, apikey');
  return { ok: true, command: { ...base, token, tokenType } };
}

function bad(nonce: string | undefined, message: string): ParsedCommand {
  return { ok: false, error: 'err_bad_request', ...(nonce !== undefined ? { nonce } : {}), message };
}
