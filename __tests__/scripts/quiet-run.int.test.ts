/** quietRun with real processes: the whole output in the log, the one line back, nothing else. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { quietRun, quietRunOrThrow } from '../../scripts/lib/quiet-run';

let tmp: string;
beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'quiet-run-'))));
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

const node = (script: string): [string, string[]] => [process.execPath, ['-e', script]];

test('a failing command gives back the line that says why; the log holds the command, all its output and the exit', async () => {
  // Given a command that prints progress and colour, then fails with an error
  const log = path.join(tmp, 'logs', 'step.log');
  const [command, args] = node("console.log('\\u001b[32mworking\\u001b[0m'); console.error('Error: the table is gone'); process.exit(3)");
  // When it runs quietly
  const result = await quietRun(command, args, { cwd: tmp, logFile: log });
  // Then the result says why, and the log tells the whole story without escape sequences
  const text = fs.readFileSync(log, 'utf8');
  expect({
    ok: result.ok,
    code: result.code,
    reason: result.reason,
    output: /working/.test(text) && /the table is gone/.test(text),
    exit: /=== exit 3 after/.test(text),
    ansi: text.includes('\u001b'),
  }).toEqual({
    ok: false,
    code: 3,
    reason: 'the table is gone',
    output: true,
    exit: true,
    ansi: false,
  });
});

test('runs append to the same log, each under its own header', async () => {
  const log = path.join(tmp, 'step.log');
  await quietRun(...node('console.log(1)'), { cwd: tmp, logFile: log });
  await quietRun(...node('console.log(2)'), { cwd: tmp, logFile: log });
  expect(fs.readFileSync(log, 'utf8').match(/^=== .* \$ /gm)?.length).toBe(2);
});

test('a command that does not exist gives a reason naming it', async () => {
  const result = await quietRun(path.join(tmp, 'no-such-tool'), [], { cwd: tmp, logFile: path.join(tmp, 'x.log') });
  expect([result.ok, result.reason]).toEqual([false, `could not run ${path.join(tmp, 'no-such-tool')}: ENOENT`]);
});

test('aborting stops the command', async () => {
  const abort = new AbortController();
  const running = quietRun(...node('setTimeout(() => {}, 60_000)'), { cwd: tmp, logFile: path.join(tmp, 'x.log'), signal: abort.signal });
  setTimeout(() => abort.abort(), 200);
  const result = await running;
  expect({ ok: result.ok, quick: result.ms < 30_000 }).toEqual({ ok: false, quick: true });
});

test('quietRunOrThrow throws the reason with the log path under it', async () => {
  const log = path.join(tmp, 'x.log');
  await expect(quietRunOrThrow(...node("console.error('ERROR: no credentials'); process.exit(1)"), { cwd: tmp, logFile: log })).rejects.toThrow(
    `no credentials\n  full log: ${log}`,
  );
});
