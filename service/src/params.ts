/** Validation of path and query parameters; every failure is a 400 naming the parameter. */
import { BadRequestError } from './errors';

/** Longest id accepted in a path or filter; longer ones are rejected before reaching DynamoDB. */
export const MAX_ID_LENGTH = 128;
export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;

type QueryValue = unknown;

/** A required id from the path: 1-128 printable characters. */
export function parseId(name: string, raw: QueryValue): string {
  if (typeof raw !== 'string' || raw.length === 0) throw new BadRequestError(`${name} must be a single non-empty string`);
  if (raw.length > MAX_ID_LENGTH) throw new BadRequestError(`${name} must be at most ${MAX_ID_LENGTH} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(raw)) throw new BadRequestError(`${name} must not contain control characters`);
  return raw;
}

/** An optional id-like filter from the query string. */
export function parseOptionalId(name: string, raw: QueryValue): string | undefined {
  return raw === undefined ? undefined : parseId(name, raw);
}

/** `limit`: an integer from 1 to MAX_LIMIT; DEFAULT_LIMIT when absent. */
export function parseLimit(raw: QueryValue): number {
  if (raw === undefined) return DEFAULT_LIMIT;
  if (typeof raw !== 'string' || !/^\d{1,4}$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_LIMIT) {
    throw new BadRequestError(`limit must be an integer from 1 to ${MAX_LIMIT}`);
  }
  return Number(raw);
}

/** `cursor`: an optional single string, decoded later against the listing's key schema. */
export function parseCursorParam(raw: QueryValue): string | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string') throw new BadRequestError('cursor must be a single string');
  return raw;
}
