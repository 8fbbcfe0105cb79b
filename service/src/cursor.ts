/**
 * Opaque pagination cursors: base64url of DynamoDB's LastEvaluatedKey. Decoding is strict because the
 * key goes straight back to DynamoDB as ExclusiveStartKey: only the expected attributes, only strings.
 */
import { BadRequestError } from './errors';

/** Longest cursor accepted; real keys are well below it (three attributes of at most 1 KiB). */
export const MAX_CURSOR_LENGTH = 4096;
const MAX_KEY_VALUE_LENGTH = 1024;

/** Encodes a LastEvaluatedKey as an opaque cursor; undefined when there is no further page. */
export function encodeCursor(key: Record<string, unknown> | undefined): string | undefined {
  if (key === undefined) return undefined;
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/**
 * Decodes a cursor into an ExclusiveStartKey holding exactly `keyNames`, each a non-empty string.
 * @throws BadRequestError naming what is wrong, so clients get a 400 rather than a DynamoDB error
 */
export function decodeCursor(cursor: string, keyNames: readonly string[]): Record<string, string> {
  if (cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) {
    throw new BadRequestError(`cursor must be a base64url string of at most ${MAX_CURSOR_LENGTH} characters`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new BadRequestError('cursor is not one this API issued (not JSON)');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new BadRequestError('cursor is not one this API issued (not an object)');
  }
  const entries = Object.entries(parsed);
  const expected = [...keyNames].sort();
  const actual = entries.map(([k]) => k).sort();
  if (actual.length !== expected.length || actual.some((k, i) => k !== expected[i])) {
    throw new BadRequestError(`cursor does not belong to this listing (expected keys ${expected.join(', ')})`);
  }
  for (const [k, v] of entries) {
    if (typeof v !== 'string' || v.length === 0 || v.length > MAX_KEY_VALUE_LENGTH) {
      throw new BadRequestError(`cursor key ${k} must be a non-empty string`);
    }
  }
  return parsed as Record<string, string>;
}
