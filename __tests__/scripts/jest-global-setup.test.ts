/** Which test runs need Chromium: the integration setup reads jest's path patterns. */
import { TestPathPatterns } from '@jest/pattern';
import * as path from 'node:path';
import { selectsBrowserTest } from '../../scripts/jest-global-setup';

const ROOT = path.resolve(__dirname, '..', '..');
const patterns = (...list: string[]) => ({ testPathPatterns: new TestPathPatterns(list) });

describe('selectsBrowserTest', () => {
  test('a run without path patterns (npm test) includes the browser test', () => {
    expect(selectsBrowserTest(patterns(), ROOT)).toBe(true);
  });

  test('a pattern naming the browser test, or its folder, selects it', () => {
    expect([selectsBrowserTest(patterns('__tests__/service/browser'), ROOT), selectsBrowserTest(patterns('service/'), ROOT)]).toEqual([true, true]);
  });

  test('patterns that only name other files do not need Chromium', () => {
    expect(selectsBrowserTest(patterns('__tests__/data/', 'start-local'), ROOT)).toBe(false);
  });

  test('a jest without path patterns in its config is treated as selecting everything', () => {
    expect(selectsBrowserTest({}, ROOT)).toBe(true);
  });
});
