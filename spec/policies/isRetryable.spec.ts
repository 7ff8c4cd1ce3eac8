import { isRetryable } from '../../lib/policies/isRetryable';

describe('isRetryable', () => {
  it.each(['timeout', 'upgrade_refused', 'heartbeat_timeout', 'transport', 'closed', 'err_internal_error', 'err_deadline_exceeded', 'rate_limit_exceeded'])(
    'retries %s',
    (code) => {
      expect(isRetryable({ code })).toBe(true);
    },
  );

  it.each(['err_unauthorized', 'err_bad_request', 'invalid_message', 'err_unknown_future_code', 'decode', 'invalid_argument', 'insecure_url', 'buffer_overflow', ''])(
    'gives up on %p',
    (code) => {
      expect(isRetryable({ code })).toBe(false);
    },
  );
});
