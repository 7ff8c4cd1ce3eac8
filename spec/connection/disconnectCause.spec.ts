import { AstroError, AstroErrorCode, AstroErrorDetails } from '../../lib/errors/astroError';
import { DisconnectCause, disconnectCause } from '../../lib/connection/disconnectCause';

describe('disconnectCause', () => {
  const cases: Array<[string, AstroErrorCode, AstroErrorDetails, DisconnectCause]> = [
    ['no ping or frame in time', 'heartbeat_timeout', {}, 'heartbeat'],
    ['a refused upgrade', 'upgrade_refused', { status: 429 }, 'refused'],
    ['a socket that completed', 'closed', {}, 'closed'],
    ['a normal close (1000)', 'transport', { closeCode: 1000 }, 'closed'],
    ['a going-away close (1001)', 'transport', { closeCode: 1001 }, 'closed'],
    ['an abnormal close (1006)', 'transport', { closeCode: 1006 }, 'error'],
    ['a server error close (1011)', 'transport', { closeCode: 1011 }, 'error'],
    ['a network error without close code', 'transport', {}, 'error'],
    ['no welcome in time', 'timeout', {}, 'error'],
    ['a decode failure', 'decode', {}, 'error'],
  ];
  it.each(cases)('calls %s (%s) %#', (_what, code, details, cause) => {
    expect(disconnectCause(new AstroError(code, 'x', details))).toBe(cause);
  });
});
