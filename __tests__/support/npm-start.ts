/**
 * `npm start` run as a person runs it (package.json's command, without npm's own start-up), in a
 * scratch copy of the project so that its state, logs and DynamoDB files never touch the worktree,
 * and stopped with Ctrl-C.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { scratchProject as scratchCopy, type ScratchOptions } from './scratch-project';

const ROOT = path.resolve(__dirname, '..', '..');

/** The arguments of node in package.json's `start` script, e.g. `-r ./scripts/register-ts.js scripts/start-local.ts`. */
export function npmStartArgs(): string[] {
  const { scripts } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const [command, ...args] = scripts.start.split(/\s+/);
  if (command !== 'node') throw new Error(`package.json start: "${scripts.start}" does not run node; npmStart runs node with its arguments`);
  return args;
}
// Copied: what npm start writes into or resolves its root from; the rest is linked.
const COPIED = ['scripts', 'service/src', 'service/public', 'service/build.mjs', 'main.ts', 'app.ts', 'cdktf.json', 'package.json', 'tsconfig.json'];
const LINKED = ['node_modules', 'stacks', 'data'];

/** A TCP port nothing listened on a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A scratch copy of the project (see ScratchOptions for `withAppBuild`). */
export function scratchProject(options: ScratchOptions = {}): string {
  return scratchCopy('npm-start-', COPIED, LINKED, options);
}

/** A running `npm start` and what it printed. */
export interface Start {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

/** Starts `npm start` in `project` with `env` added to this process's environment. */
export function npmStart(project: string, env: NodeJS.ProcessEnv): Start {
  const child = spawn(process.execPath, npmStartArgs(), { cwd: project, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString('utf8')));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, output: () => output, exited };
}

/** Resolves once `pattern` appears in the output, or rejects when the process exits first. */
export async function waitFor(start: Start, pattern: RegExp, timeoutMs = 200_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(start.output())) {
    if (start.child.exitCode !== null) throw new Error(`npm start exited ${start.child.exitCode} before ${pattern}:\n${start.output()}`);
    if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${start.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Ctrl-C, as a person would stop it; resolves with the exit code. */
export async function stop(start: Start): Promise<number | null> {
  if (start.child.exitCode === null) start.child.kill('SIGINT');
  const timer = setTimeout(() => start.child.kill('SIGKILL'), 30_000);
  const code = await start.exited;
  clearTimeout(timer);
  return code;
}

/** The `[npm start]` lines of an output. */
export function stepLines(output: string): string[] {
  return output.split('\n').filter((line) => line.startsWith('[npm start]'));
}
