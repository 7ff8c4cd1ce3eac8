import type { CommandPriority, QueueInput, QueueOutput, QueuedCommand } from '../../lib/operators/commandQueue';
import { subscribeCommand, unsubscribeCommand } from '../../lib/protocol/commands';

/** A token that must never show up in an error message. */
export const TOKEN = 'secret-jwt-0123456789';

const withPriority = (priority: CommandPriority | undefined) => (priority === undefined ? {} : { priority });

/** A queue entry subscribing `topic` in `room`. */
export function sub(id: number, room = 'r1', priority?: CommandPriority, topic = 'channel.tips'): QueuedCommand {
  return { id, command: subscribeCommand({ topic, room, token: TOKEN }), ...withPriority(priority) };
}

/** A queue entry unsubscribing `topic` from `room`. */
export function unsub(id: number, room = 'r1', priority?: CommandPriority, topic = 'channel.tips'): QueuedCommand {
  return { id, command: unsubscribeCommand({ topic, room }), ...withPriority(priority) };
}

/** A queue entry unsubscribing `topic` from every room (no `room`). */
export function unsubAll(id: number, topic = 'channel.tips'): QueuedCommand {
  return { id, command: unsubscribeCommand({ topic }) };
}

export const enqueue = (entry: QueuedCommand): QueueInput => ({ type: 'enqueue', entry });
export const requeue = (entry: QueuedCommand): QueueInput => ({ type: 'requeue', entry });
export const pause = (ms: number): QueueInput => ({ type: 'pause', ms });
export const clear: QueueInput = { type: 'clear' };

export const send = (entry: QueuedCommand): QueueOutput => ({ type: 'send', entry });
export const superseded = (entry: QueuedCommand): QueueOutput => ({ type: 'cancelled', entry, reason: 'superseded' });
export const cleared = (entry: QueuedCommand): QueueOutput => ({ type: 'cancelled', entry, reason: 'cleared' });
export const duplicate = (entry: QueuedCommand, of: number): QueueOutput => ({
  type: 'cancelled',
  entry,
  reason: 'duplicate',
  duplicateOf: of,
});
