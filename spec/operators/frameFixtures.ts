import type { MessageFrame, ResponseFrame } from '../../lib/protocol/frames';

/** A successful subscribe response echoing `nonce`. */
export const ok = (nonce: string, room = 'r1'): ResponseFrame => ({
  type: 'response',
  nonce,
  data: { message: 'successfully subscribed to topic', topic: 'channel.tips', room },
});

/** An error response echoing `nonce`. */
export const failure = (nonce: string, error: string, message: string): ResponseFrame => ({
  type: 'response',
  nonce,
  error,
  data: { message },
});

/** The gateway's rate-limit answer: no nonce. */
export const rateLimited: ResponseFrame = {
  type: 'response',
  error: 'rate_limit_exceeded',
  data: { message: 'rate limit exceeded' },
};

/** An unrelated event frame. */
export const tip: MessageFrame = { type: 'message', topic: 'channel.tips', room: 'r1', data: { amount: 5 } };
