import { RETRY_AFTER_SECONDS, isTransientDynamoError, toHttpError } from '../../service/src/errors';

function sdkError(name: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${name} from the SDK`), { name, ...extra });
}

describe('toHttpError', () => {
  test.each([
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
    ['an aborted request (our deadline)', sdkError('AbortError')],
    ['a socket timeout', sdkError('TimeoutError')],
    ['throttling', sdkError('ThrottlingException', { $metadata: { httpStatusCode: 400 } })],
    ['a 5xx from DynamoDB', sdkError('SomethingNew', { $metadata: { httpStatusCode: 502 } })],
    ['a refusal wrapped in an AggregateError', new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })])],
  ])('maps %s to 503 with Retry-After', (_what, err) => {
    const mapped = toHttpError(err);
    expect([mapped.status, mapped.headers['Retry-After']]).toEqual([503, String(RETRY_AFTER_SECONDS)]);
  });

  test('maps an unexpected error to a generic 500 without its message', () => {
    const mapped = toHttpError(new TypeError('secret internals at line 42'));
    expect([mapped.status, mapped.detail.includes('secret')]).toEqual([500, false]);
  });

  test('maps a validation error from DynamoDB to 500, not 503 (retrying will not help)', () => {
    expect(isTransientDynamoError(sdkError('ValidationException', { $metadata: { httpStatusCode: 400 } }))).toBe(false);
  });

  test('maps an oversized body to 413', () => {
    expect(toHttpError(Object.assign(new Error('too large'), { type: 'entity.too.large', status: 413 })).status).toBe(413);
  });
});

describe('isTransientDynamoError', () => {
  test('recognizes a refused connection the SDK re-wrapped into a plain message', () => {
    expect(isTransientDynamoError(new Error('AWS SDK error wrapper for Error: connect ECONNREFUSED 127.0.0.1:8000'))).toBe(true);
  });

  test('does not treat an arbitrary message mentioning a code as transient', () => {
    expect(isTransientDynamoError(new Error('user typed ECONNREFUSED in a note'))).toBe(false);
  });
});
