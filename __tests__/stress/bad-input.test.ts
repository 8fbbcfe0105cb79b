/** The bad-input generator itself (a unit test run by `npm test`; the requests are sent by `npm run stress`). */
import { createHash } from 'node:crypto';
import { generateBadInput, type BadInputCase, type BadInputKind } from '../support/bad-input';

const FIXTURES = { categoryId: 'architecture', resourceId: 'res-001', authorization: 'Basic c3RyZXNzOng=' };
let cases: BadInputCase[];

beforeAll(() => {
  cases = generateBadInput(FIXTURES);
});

describe('generateBadInput', () => {
  test('generates at least 1,000 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(1000);
  });

  test('is deterministic for a seed', () => {
    const digest = (generated: BadInputCase[]) => generated.reduce((h, c) => h.update(c.raw), createHash('sha256')).digest('hex');
    expect(digest(generateBadInput(FIXTURES))).toBe(digest(cases));
    // Another seed, compared on a tenth of the cases: a full set of request bodies costs a third of a second.
    expect(digest(generateBadInput(FIXTURES, 105, 8))).not.toBe(digest(generateBadInput(FIXTURES, 105, 7)));
  });

  test('covers every kind with at least 100 cases', () => {
    const kinds: BadInputKind[] = ['query', 'limit', 'cursor', 'path', 'header', 'body', 'method'];
    const counts = kinds.map((k) => cases.filter((c) => c.kind === k).length);
    expect(counts.every((n) => n >= 100)).toBe(true);
  });

  test('states a valid request as 2xx: a limit of 1 to 100', () => {
    const limits = cases.filter((c) => c.kind === 'limit' && /^limit=\d+ on/.test(c.name));
    const wrong = limits.filter((c) => {
      const n = Number(/^limit=(\d+)/.exec(c.name)![1]);
      const valid = n >= 1 && n <= 100 && /^limit=\d{1,4} /.test(c.name);
      return (c.expected === '2xx') !== valid;
    });
    expect(wrong.map((c) => c.name)).toEqual([]);
  });

  test('states oversized GET bodies as 413 and writes on the read-only API as 405', () => {
    const bodies = cases.filter((c) => c.kind === 'body');
    expect(bodies.filter((c) => /^GET with a \d+-byte body$/.test(c.name)).every((c) => c.status === 413)).toBe(true);
    expect(bodies.filter((c) => /^(POST|PUT|PATCH|DELETE) /.test(c.name)).every((c) => c.status === 405)).toBe(true);
  });
});
