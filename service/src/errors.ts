/**
 * HTTP errors the handlers throw and the mapping of AWS SDK failures to them. Bodies are always
 * `{ error, detail }`; nothing from a stack trace or an SDK message reaches the client.
 */

/** An error with an HTTP status and a client-safe body. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(`${status} ${code}: ${detail}`);
    this.name = 'HttpError';
  }
}

/** 400: a malformed parameter; `detail` says which and what is allowed. */
export class BadRequestError extends HttpError {
  constructor(detail: string) {
    super(400, 'bad_request', detail);
  }
}

/** 404: no item with that id. */
export class NotFoundError extends HttpError {
  constructor(detail: string) {
    super(404, 'not_found', detail);
  }
}

/** Seconds a client should wait after a 503 before retrying. */
export const RETRY_AFTER_SECONDS = 5;

/** 503: DynamoDB is unreachable, slow or throttling; worth retrying later. */
export class UnavailableError extends HttpError {
  constructor(detail = 'the database is unavailable; retry later') {
    super(503, 'unavailable', detail, { 'Retry-After': String(RETRY_AFTER_SECONDS) });
  }
}

const TRANSIENT_NAMES = new Set([
  'AbortError',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'ServiceUnavailable',
  'InternalServerError',
  'InternalFailure',
  'ResourceNotFoundException', // a table missing while a deploy is in progress: not ready, retry later
  'UnrecognizedClientException', // credentials not yet provisioned on a fresh task
]);

const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'UND_ERR_SOCKET']);

/** True when an error from the AWS SDK means "DynamoDB is not answering properly right now". */
export function isTransientDynamoError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { name?: unknown; code?: unknown; $metadata?: { httpStatusCode?: unknown }; $retryable?: unknown; cause?: unknown };
  if (typeof e.name === 'string' && TRANSIENT_NAMES.has(e.name)) return true;
  if (typeof e.code === 'string' && TRANSIENT_CODES.has(e.code)) return true;
  // The SDK's retry layer re-wraps errors that are not `instanceof Error` (e.g. from another realm,
  // as under jest) into "AWS SDK error wrapper for Error: connect ECONNREFUSED ...", dropping `code`.
  const message = (err as { message?: unknown }).message;
  if (typeof message === 'string' && /^AWS SDK error wrapper for /.test(message)) {
    const code = /\b(E[A-Z_]+|UND_ERR_[A-Z_]+)\b/.exec(message)?.[1];
    if (code !== undefined && TRANSIENT_CODES.has(code)) return true;
  }
  const status = e.$metadata?.httpStatusCode;
  if (typeof status === 'number' && status >= 500) return true;
  if (e.$retryable !== undefined && e.$retryable !== null) return true;
  // Node wraps socket errors (e.g. AggregateError of ECONNREFUSED for ::1 and 127.0.0.1).
  if (Array.isArray((err as { errors?: unknown }).errors)) {
    return (err as { errors: unknown[] }).errors.some(isTransientDynamoError);
  }
  return e.cause !== undefined && e.cause !== err ? isTransientDynamoError(e.cause) : false;
}

/** Maps anything thrown by a handler to the HttpError the client sees (500 for the unexpected). */
export function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  if (isTransientDynamoError(err)) return new UnavailableError();
  const e = err as { type?: unknown; status?: unknown };
  // body-parser's own errors carry a status and a type; pass the client-side ones through.
  if (e?.type === 'entity.too.large') return new HttpError(413, 'payload_too_large', 'request body is too large');
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    return new HttpError(e.status, 'bad_request', 'malformed request');
  }
  return new HttpError(500, 'internal', 'unexpected error; see the service logs with this request id');
}
