import { AstroError, isAstroError } from '../../lib/errors/astroError';
import { isRetryableErrorCode } from '../../lib/protocol/errorCode';
import { redact } from '../../lib/errors/redact';

describe('AstroError', () => {
  it('is an Error with a name, a code and details', () => {
    const e = new AstroError('err_unauthorized', 'not allowed to read channel.tips', { topic: 'channel.tips' });
    expect(e).toBeInstanceOf(Error);
    expect(e).toBeInstanceOf(AstroError);
    expect(e.name).toBe('AstroError');
    expect(e.code).toBe('err_unauthorized');
    expect(e.details.topic).toBe('channel.tips');
    expect(isAstroError(e, 'err_unauthorized')).toBe(true);
    expect(isAstroError(e, 'timeout')).toBe(false);
    expect(isAstroError(new Error('x'))).toBe(false);
  });

  it.each([
    ['err_internal_error', true],
    ['err_deadline_exceeded', true],
    ['rate_limit_exceeded', true],
    ['err_bad_request', false],
    ['err_unauthorized', false],
    ['invalid_message_type', false],
    ['invalid_message', false],
    ['err_something_new', false],
  ])('classifies %s as retryable: %s', (code, retryable) => {
    expect(isRetryableErrorCode(code)).toBe(retryable);
    expect(new AstroError(code, 'x').retryable).toBe(retryable);
  });

  it.each([
    ['timeout', true],
    ['transport', true],
    ['heartbeat_timeout', true],
    ['insecure_url', false],
  ] as const)('classifies the client code %s as retryable: %s', (code, retryable) => {
    expect(new AstroError(code, 'x').retryable).toBe(retryable);
  });
});

describe('redact', () => {
  it('removes reconnect tokens from URLs and listed secrets from text', () => {
    expect(redact('wss://h/?reconnect_token=eyJabc.def&x=1')).toBe('wss://h/?reconnect_token=[redacted]&x=1');
    expect(redact('token s3cr3t-value leaked', ['s3cr3t-value'])).toBe('token [redacted] leaked');
  });
});
