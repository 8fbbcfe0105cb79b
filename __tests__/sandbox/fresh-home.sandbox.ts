/**
 * `npm run sandbox` as a new user meets it, on a fresh machine: a HOME without a Terraform plugin
 * folder and a TF_CLI_CONFIG_FILE naming a file that does not exist. The command prepares the machine
 * itself, deploys the three stacks to moto and serves the page; `npm run sandbox:destroy` then tears
 * the stacks down from another shell, and Ctrl-C stops the rest. It runs in a scratch copy of the
 * project, so state, cdktf output and logs never touch the worktree; its logs are kept in
 * .local/sandbox-test/ (`fresh-home-*`). MOTO_PORT chooses the emulator's port (a free one when unset).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isMotoRunning } from '../../scripts/moto';
import { motoUrl } from '../../scripts/lib/emulator';
import { STATE_STACKS, sandboxConfig, stateResourceCount } from '../../scripts/sandbox';
import { requireTerraform } from '../../scripts/lib/terraform';
import { loadSeedData } from '../../stacks/seed';
import { freePort } from '../support/moto-server';
import { newUserEnvironment, scratchProject } from '../support/scratch-project';
import { keepLogsAndClean } from './suite';

jest.setTimeout(20 * 60_000);

const ROOT = path.resolve(__dirname, '..', '..');
// Copied: what the sandbox resolves its root from or writes into; the rest is linked.
const COPIED = ['package.json', 'scripts', 'main.ts', 'app.ts', 'cdktf.json', 'tsconfig.json', 'service/src', 'service/public', 'service/build.mjs'];
const LINKED = ['node_modules', 'stacks', 'data'];
const READY = /\[sandbox\] ready in ([\d.]+) s: open (http:\/\/localhost:\d+)/;

/** A command running in its own process group, and everything it printed so far. */
interface Running {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

function start(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Running {
  const child = spawn('npm', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString('utf8')));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  return { child, output: () => output, exited };
}

/** Resolves with the match once `pattern` appears in the output; rejects when the command exits first. */
async function waitFor(running: Running, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = pattern.exec(running.output());
    if (match !== null) return match;
    if (running.child.exitCode !== null) throw new Error(`exited ${running.child.exitCode} before ${pattern}:\n${running.output()}`);
    if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${running.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Sends `signal` to every process of the group led by `pid`; false when none is left. */
function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Ctrl-C to the whole group, as a terminal sends it (npm itself then ends by the signal, as in a
 * terminal); SIGKILL after 60 s. Resolves once npm has exited, with whether any process of the
 * group is left.
 */
async function interrupt(running: Running): Promise<{ groupLeft: boolean }> {
  const pid = running.child.pid;
  if (pid === undefined) return { groupLeft: false };
  signalGroup(pid, 'SIGINT');
  const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), 60_000);
  await running.exited;
  clearTimeout(timer);
  // The sandbox stops the service and moto before it exits; give stray children a moment to show.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  return { groupLeft: signalGroup(pid, 0) };
}

let project: string;
let home: string;
let env: NodeJS.ProcessEnv;
let motoPort: number;
let sandbox: Running;
let ready: RegExpMatchArray;
let served: { status: number; ids: string[] };
let destroy: { code: number | null; output: string; resourcesLeft: Record<string, number> };
let stopped: { said: boolean; groupLeft: boolean; motoAnswers: boolean };
const started = Date.now();

beforeAll(async () => {
  requireTerraform();
  // Given a scratch project, a HOME without a Terraform plugin folder and a CLI config file that does not exist
  project = scratchProject('sandbox-fresh-', COPIED, LINKED);
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'fresh-home-'));
  motoPort = process.env.MOTO_PORT ? Number(process.env.MOTO_PORT) : await freePort();
  if (await isMotoRunning(motoUrl(motoPort)))
    throw new Error(`a moto server already answers on port ${motoPort}; this test starts its own: stop that one or set MOTO_PORT to a free port`);
  // The bundle: this file follows a new user's first run; deploy.sandbox.ts runs the service as a container.
  env = {
    ...newUserEnvironment(),
    HOME: home,
    TF_CLI_CONFIG_FILE: path.join(home, '.terraformrc'),
    MOTO_PORT: String(motoPort),
    PORT: String(await freePort()),
    SANDBOX_RUNTIME: 'bundle',
  };

  // When npm run sandbox runs until its ready line
  sandbox = start(['run', 'sandbox'], project, env);
  ready = await waitFor(sandbox, READY, 15 * 60_000);
  const response = await fetch(`${ready[2]}/api/categories`);
  served = { status: response.status, ids: ((await response.json()) as { items: { id: string }[] }).items.map((c) => c.id).sort() };

  // And npm run sandbox:destroy runs from another shell, then Ctrl-C stops the sandbox
  const teardown = start(['run', 'sandbox:destroy'], project, env);
  const timer = setTimeout(() => process.kill(-(teardown.child.pid ?? 0), 'SIGKILL'), 10 * 60_000);
  const code = await teardown.exited;
  clearTimeout(timer);
  const config = sandboxConfig({ root: project, env });
  destroy = {
    code,
    output: teardown.output(),
    resourcesLeft: Object.fromEntries(await Promise.all(STATE_STACKS.map(async (stack) => [stack, await stateResourceCount(config, stack)]))),
  };
  const { groupLeft } = await interrupt(sandbox);
  stopped = { said: /^\[sandbox\] stopped$/m.test(sandbox.output()), groupLeft, motoAnswers: await isMotoRunning(motoUrl(motoPort)) };
});

afterAll(async () => {
  // After a failure on the way: Ctrl-C, so that the sandbox still stops the moto it started.
  if (sandbox !== undefined) await interrupt(sandbox);
  if (project === undefined) return;
  const logs = path.join(project, '.local', 'sandbox');
  fs.mkdirSync(logs, { recursive: true });
  fs.writeFileSync(
    path.join(logs, 'npm-run-sandbox.txt'),
    `${sandbox?.output() ?? ''}\n\n$ npm run sandbox:destroy\n${destroy?.output ?? ''}\n\nwhole test: ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
  );
  keepLogsAndClean(ROOT, logs, ['npm-run-sandbox.txt', 'sandbox.log', 'moto.log', 'service.log'], 'fresh-home-');
  for (const dir of [project, home]) fs.rmSync(dir, { recursive: true, force: true });
});

describe('npm run sandbox on a fresh machine', () => {
  test('prepares the machine itself and says so on one line before moto starts', () => {
    const lines = sandbox
      .output()
      .split('\n')
      .filter((line) => line.startsWith('[sandbox]'));
    const prepared = lines.findIndex((line) => /^\[sandbox\] machine prepared in [\d.]+ s: .*CLI config: created an empty /.test(line));
    const moto = lines.findIndex((line) => line.startsWith('[sandbox] moto '));
    expect({ prepared: prepared >= 0 && prepared < moto, cliConfig: fs.existsSync(path.join(home, '.terraformrc')) }).toEqual({ prepared: true, cliConfig: true });
  });

  test('serves the categories the data stack seeded from data/category.csv once it prints its ready line', () => {
    const seeded = loadSeedData(path.join(ROOT, 'data')).find((t) => t.definition.name === 'Category');
    expect(served).toEqual({ status: 200, ids: (seeded?.items ?? []).map((item) => String(item.id)).sort() });
  });

  test('npm run sandbox:destroy, from another shell, empties the state of every stack', () => {
    expect({ code: destroy.code, resourcesLeft: destroy.resourcesLeft }).toEqual({ code: 0, resourcesLeft: { bootstrap: 0, network: 0, data: 0, service: 0 } });
  });

  test('Ctrl-C then stops the sandbox, the service and the moto it started', () => {
    expect(stopped).toEqual({ said: true, groupLeft: false, motoAnswers: false });
  });
});
