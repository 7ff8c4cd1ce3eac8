import { Subscription } from 'rxjs';
import { liveBucket } from './bucket';
import { messageFrame, reconnectFrame, welcomeFrame } from './frames';
import { subKey } from './subscriptions';
import { endConn, type ConnState, type CoreContext } from './context';
import type { GatewayConnection, GatewayLink, PublishOutcome, UpgradeRefusal } from './types';

/** @internal */
export function accept(ctx: CoreContext, url: string, link: GatewayLink): GatewayConnection {
  const conn: ConnState = {
    index: ctx.nextIndex++,
    url,
    clientId: ctx.stamp().id,
    live: true,
    closed: false,
    closedByClient: false,
    welcomed: false,
    draining: false,
    restored: false,
    held: new Set(),
    link,
    bucket: liveBucket(() => ctx.switches.rateLimit, () => ctx.scheduler.now()),
    pending: new Subscription(),
  };
  ctx.conns.set(conn.index, conn);
  const token = reconnectToken(url);
  const redeemed = token === undefined ? undefined : ctx.handovers.redeem(token, ctx.scheduler.now());
  if (redeemed && !redeemed.ok) {
    ctx.emit({ type: 'reconnect_rejected', conn: conn.index, reason: redeemed.reason });
    ctx.later(conn, 0, () => ctx.close(conn, 4001, `invalid reconnect token (${redeemed.reason})`));
    return conn;
  }
  conn.restored = redeemed !== undefined;
  ctx.later(conn, ctx.switches.welcomeDelayMs, () => {
    for (const key of redeemed?.subscriptions ?? []) conn.held.add(key);
    conn.welcomed = true;
    ctx.emit({ type: 'welcomed', conn: conn.index, restored: conn.restored });
    ctx.send(conn, welcomeFrame(ctx.stamp(), conn.clientId));
  });
  return conn;
}

/** @internal */
export function drain(ctx: CoreContext, conn: ConnState): string | undefined {
  if (!conn.live || conn.draining) return undefined;
  conn.draining = true;
  const { snapshot, reconnectTokenTtlMs, oldSocketCloseMs } = ctx.switches;
  const token = ctx.handovers.issue(conn.index, conn.held, snapshot, ctx.scheduler.now(), reconnectTokenTtlMs, conn.clientId);
  ctx.send(conn, reconnectFrame(token, ctx.stampReconnect ? ctx.stamp() : undefined));
  ctx.later(conn, oldSocketCloseMs, () => ctx.close(conn, 1001, 'going away'));
  return token;
}

/** @internal */
export function publish(ctx: CoreContext, topic: string, room: string, data: unknown): PublishOutcome {
  const stamp = ctx.stamp();
  const text = messageFrame(stamp, topic, room, data);
  const key = subKey(topic, room);
  const deliveredTo: number[] = [];
  for (const c of ctx.conns.values()) if (c.live && c.held.has(key) && ctx.send(c, text)) deliveredTo.push(c.index);
  if (ctx.record) ctx.published.push({ id: stamp.id, topic, room, at: ctx.scheduler.now(), deliveredTo });
  ctx.emit({ type: 'published', id: stamp.id, delivered: deliveredTo.length });
  return { id: stamp.id, delivered: deliveredTo.length };
}

/** @internal */
export function clientClosed(ctx: CoreContext, conn: ConnState): void {
  if (!conn.live) return;
  endConn(ctx, conn);
  conn.closedByClient = true;
}

/** @internal */
export function tokenRefusal(ctx: CoreContext, url: string): UpgradeRefusal | undefined {
  const answer = ctx.switches.tokenUpgrade;
  return reconnectToken(url) === undefined || answer === 'accept' ? undefined : { ...answer };
}

/** @internal */
export function reconnectToken(url: string): string | undefined {
  const query = url.indexOf('?');
  if (query < 0) return undefined;
  return new URLSearchParams(url.slice(query + 1).split('#')[0]).get('reconnect_token') ?? undefined;
}

