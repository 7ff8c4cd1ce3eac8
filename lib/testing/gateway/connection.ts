import { parseCommand } from './commands';
import { rateLimitFrame, responseFrame } from './frames';
import { draw } from './switches';
import { applyUnsubscribe, subKey } from './subscriptions';
import type { ConnState, CoreContext } from './context';
import type { GatewayCommand } from './types';

const SUBSCRIBED = 'successfully subscribed to topic';
const UNSUBSCRIBED = 'successfully unsubscribed from topic';
const FAULT_MESSAGES = {
  err_deadline_exceeded: 'authorization timed out, please retry',
  err_internal_error: 'internal error',
} as const;

/**
 * One text frame from the client: recorded on the wire, rate-checked at once
 * (a refusal is a nonce-less `rate_limit_exceeded`), then parsed and handled.
 * Every answer leaves later, on the scheduler — never inside the client's `send`.
 *
 * @internal
 */
export function receiveText(ctx: CoreContext, conn: ConnState, text: string): void {
  const parsed = parseCommand(text, { requireTokenType: ctx.requireTokenType });
  const command = parsed.ok ? parsed.command : undefined;
  const limited = rateLimited(ctx, conn);
  if (ctx.record) ctx.wire.push({ at: ctx.scheduler.now(), conn: conn.index, text, ...(command ? { command } : {}), rateLimited: limited });
  ctx.emit({ type: 'command', conn: conn.index });
  if (limited) return rejectRate(ctx, conn);
  if (!parsed.ok) return answer(ctx, conn, 0, parsed.nonce, parsed.error, parsed.message);
  if (parsed.command.type === 'subscribe') subscribe(ctx, conn, parsed.command);
  else unsubscribe(ctx, conn, parsed.command);
}

function rejectRate(ctx: CoreContext, conn: ConnState): void {
  ctx.rejections++;
  ctx.emit({ type: 'rate_limited', conn: conn.index });
  ctx.later(conn, 0, () => ctx.send(conn, rateLimitFrame(ctx.stamp())));
}

function rateLimited(ctx: CoreContext, conn: ConnState): boolean {
  if (ctx.forcedRejections > 0) {
    ctx.forcedRejections--;
    return true;
  }
  return !conn.bucket.take();
}

function subscribe(ctx: CoreContext, conn: ConnState, command: GatewayCommand): void {
  const fault = ctx.subscribeFaults.shift();
  if (fault === 'rate_limit_exceeded') return rejectRate(ctx, conn);
  const delay = draw(ctx.switches.authLatencyMs, ctx.random);
  if (fault !== undefined) return answer(ctx, conn, delay, command.nonce, fault, FAULT_MESSAGES[fault]);
  const context = { defaultRoom: ctx.switches.defaultRoom };
  const { topic, nonce } = command;
  ctx.later(conn, delay, () => {
    const result = ctx.authorize(command.token ?? '', command.tokenType ?? '', topic, command.room ?? '', context);
    if (!result.ok) return void ctx.send(conn, responseFrame(ctx.stamp(), nonce, result.error, result.message ?? 'unauthorized'));
    conn.held.add(subKey(topic, result.canonicalRoom));
    ctx.emit({ type: 'subscribed', conn: conn.index, topic, room: result.canonicalRoom });
    ctx.send(conn, responseFrame(ctx.stamp(), nonce, undefined, { message: SUBSCRIBED, topic, room: result.canonicalRoom }));
  });
}

function unsubscribe(ctx: CoreContext, conn: ConnState, command: GatewayCommand): void {
  const { topic, nonce, room } = command;
  const canonical = room === undefined || room === '' ? undefined : ctx.canonicalRoom(room);
  ctx.later(conn, draw(ctx.switches.unsubscribeLatencyMs, ctx.random), () => {
    applyUnsubscribe(conn.held, topic, canonical);
    ctx.emit({ type: 'unsubscribed', conn: conn.index, topic });
    const data = canonical === undefined ? { message: UNSUBSCRIBED, topic } : { message: UNSUBSCRIBED, topic, room: canonical };
    ctx.send(conn, responseFrame(ctx.stamp(), nonce, undefined, data));
  });
}

function answer(ctx: CoreContext, conn: ConnState, delay: number, nonce: string | undefined, error: string, message: string): void {
  ctx.later(conn, delay, () => ctx.send(conn, responseFrame(ctx.stamp(), nonce, error, message)));
}
