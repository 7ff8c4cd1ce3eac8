import type { ClientCommand } from '../protocol/commands';

/**
 * A short, token-free description of a command for error messages, e.g.
 * `subscribe channel.tips in room abc` or `unsubscribe channel.tips in every room`.
 *
 * @internal
 */
export function describeCommand(command: ClientCommand): string {
  const { topic, room } = command.data;
  if (command.type === 'unsubscribe' && (room === undefined || room === '')) return `unsubscribe ${topic} in every room`;
  return `${command.type} ${topic}${room === undefined ? '' : ` in room ${room}`}`;
}

/** The `topic`, `room` and `nonce` of a command, as {@link AstroError} details (never the token). @internal */
export function commandDetails(command: ClientCommand): { topic: string; room?: string; nonce?: string } {
  const { topic, room } = command.data;
  return {
    topic,
    ...(room !== undefined ? { room } : {}),
    ...(command.nonce !== undefined ? { nonce: command.nonce } : {}),
  };
}
