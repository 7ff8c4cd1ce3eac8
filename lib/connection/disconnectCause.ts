import type { AstroError } from '../errors/astroError';

/**
 * Why a session ended or a link was replaced:
 * - `closed`: the gateway closed the socket cleanly (1000, 1001) without a `reconnect` frame;
 * - `refused`: the upgrade was refused (HTTP 429, 502 …);
 * - `heartbeat`: no ping and no frame for `heartbeatTimeoutMs`;
 * - `handover_failed`: a token reconnection was refused or closed at once;
 * - `wakeup`: the network came back (browser `online`) and the client reconnected at once;
 * - `error`: anything else (network error, abnormal close, no welcome in time).
 *
 * @category Connection
 */
export type DisconnectCause = 'closed' | 'error' | 'refused' | 'heartbeat' | 'handover_failed' | 'wakeup';

/** The {@link DisconnectCause} of an error that ended a link. @internal */
export function disconnectCause(error: AstroError): DisconnectCause {
  switch (error.code) {
    case 'heartbeat_timeout':
      return 'heartbeat';
    case 'upgrade_refused':
      return 'refused';
    case 'closed':
      return 'closed';
    case 'transport':
      return error.details.closeCode === 1000 || error.details.closeCode === 1001 ? 'closed' : 'error';
    default:
      return 'error';
  }
}
