/** npm test's own set-up, run by jest itself: a missing piece stops the run with one line naming the fix. */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

jest.setTimeout(120_000);

const ROOT = path.resolve(__dirname, '..', '..');

test('a Chromium that is not where CHROMIUM_PATH says stops the integration run with one line naming the variable', () => {
  // Given a CHROMIUM_PATH that does not exist
  // When jest runs the browser test
  const run = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), '--selectProjects', 'integration', '__tests__/service/browser.int.test.ts'], {
    cwd: ROOT,
    env: { ...process.env, CHROMIUM_PATH: '/nonexistent/chromium' },
    encoding: 'utf8',
    timeout: 100_000,
  });
  // Then it exits 1 before any test, with the reason and the fix on one line and no stack trace
  const lines = run.stderr.split('\n').filter((l) => l.includes('[npm test]'));
  expect({ status: run.status, lines, stack: /\n\s+at /.test(run.stderr), ranTests: /Tests:/.test(run.stderr) }).toEqual({
    status: 1,
    lines: [
      '[npm test] cannot run the integration tests: CHROMIUM_PATH="/nonexistent/chromium" does not exist; point it at a Chromium binary, or unset it to use Debian\'s /usr/bin/chromium',
    ],
    stack: false,
    ranTests: false,
  });
});
