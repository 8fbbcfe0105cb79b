/**
 * `npm start` end to end, as a new user meets it: without Terraform it stops at once; on a fresh
 * machine (a HOME without a Terraform plugin folder, TF_CLI_CONFIG_FILE naming a missing file) it
 * sets the machine up, deploys the data stack and serves the page, printing one line per step; a
 * Terraform failure prints the one line that says why and the log's path. Each run works in a
 * scratch copy of the project, so its state, logs and DynamoDB files never touch the worktree.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { requireTerraform } from '../../scripts/lib/terraform';

jest.setTimeout(240_000);

const ROOT = path.resolve(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
// Copied: what npm start writes into or resolves its root from; the rest is linked.
const COPIED = ['scripts', 'service/src', 'service/public', 'service/build.mjs', 'main.ts', 'app.ts', 'cdktf.json', 'package.json', 'tsconfig.json'];
const LINKED = ['node_modules', 'stacks', 'data'];

/** A TCP port nothing listened on a moment ago. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A scratch copy of the project. */
function scratchProject(): string {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), 'npm-start-'));
  for (const entry of COPIED) fs.cpSync(path.join(ROOT, entry), path.join(project, entry), { recursive: true });
  for (const entry of LINKED) fs.symlinkSync(path.join(ROOT, entry), path.join(project, entry));
  return project;
}

/** A running `npm start` (tsx scripts/start-local.ts) and what it printed. */
interface Start {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

function npmStart(project: string, env: NodeJS.ProcessEnv): Start {
  const child = spawn(process.execPath, [TSX, 'scripts/start-local.ts'], { cwd: project, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString('utf8')));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, output: () => output, exited };
}

/** Resolves once `pattern` appears in the output, or rejects when the process exits first. */
async function waitFor(start: Start, pattern: RegExp, timeoutMs = 200_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(start.output())) {
    if (start.child.exitCode !== null) throw new Error(`npm start exited ${start.child.exitCode} before ${pattern}:\n${start.output()}`);
    if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${start.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Ctrl-C, as a person would stop it; resolves with the exit code. */
async function stop(start: Start): Promise<number | null> {
  if (start.child.exitCode === null) start.child.kill('SIGINT');
  const timer = setTimeout(() => start.child.kill('SIGKILL'), 30_000);
  const code = await start.exited;
  clearTimeout(timer);
  return code;
}

const NOISE = /[\u2800-\u28ff]|<sensitive>|Stacks? (deploying|done|waiting)|Unable to open CLI configuration file/;

test('without a terraform binary, npm start exits 1 within seconds naming the version to install', async () => {
  const started = Date.now();
  const child = spawn(process.execPath, [TSX, 'scripts/start-local.ts'], {
    cwd: ROOT,
    // An unused port: if the check were missing, the script would go on to start DynamoDB here.
    env: { ...process.env, TERRAFORM_BINARY_NAME: '/nonexistent/terraform', DYNAMODB_PORT: '1', PORT: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  expect({ code, fast: Date.now() - started < 15_000, mentionsVersion: stderr.includes('Terraform 1.11.x'), saysWhy: stderr.includes('deploys the `data` stack') }).toEqual({
    code: 1,
    fast: true,
    mentionsVersion: true,
    saysWhy: true,
  });
});

describe('npm start on a fresh machine', () => {
  let project: string;
  let home: string;
  let env: NodeJS.ProcessEnv;
  let first: { output: string; page: number; stopCode: number | null };
  let second: { output: string; page: number; stopCode: number | null };

  const run = async (): Promise<{ output: string; page: number; stopCode: number | null }> => {
    const start = npmStart(project, env);
    try {
      await waitFor(start, /service ready in/);
      const page = (await fetch(`http://localhost:${env.PORT}/`)).status;
      return { page, stopCode: await stop(start), output: start.output() };
    } finally {
      await stop(start);
    }
  };

  beforeAll(async () => {
    requireTerraform();
    // Given a scratch project, a HOME without a Terraform plugin folder and a CLI config file that does not exist
    project = scratchProject();
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'fresh-home-'));
    env = { HOME: home, TF_CLI_CONFIG_FILE: path.join(home, '.terraformrc'), PORT: String(await freePort()), DYNAMODB_PORT: String(await freePort()) };
    // When npm start runs twice, stopped with Ctrl-C each time
    first = await run();
    second = await run();
  });

  afterAll(() => {
    for (const dir of [project, home]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the first start prints one line per step, with its duration, and serves the page', () => {
    const lines = first.output.split('\n').filter((l) => l.startsWith('[npm start]'));
    expect({ page: first.page, steps: lines.map((l) => /^\[npm start\] ([a-zA-Z ]+?)(?: in [\d.]+ s)?(?::|$)/.exec(l)?.[1] ?? l) }).toEqual({
      page: 200,
      steps: ['machine prepared', 'DynamoDB up', 'data stack deployed', 'service ready', 'stopped'],
    });
  });

  test('the deploy line counts the tables and items and names the Terraform log under .local/', () => {
    expect(first.output).toMatch(/data stack deployed in [\d.]+ s: 3 tables, 114 items; Terraform log: \.local\/logs\/deploy-data\.log/);
  });

  test('the Terraform log holds the whole deploy', () => {
    const log = fs.readFileSync(path.join(project, '.local', 'logs', 'deploy-data.log'), 'utf8');
    expect(log).toMatch(/Apply complete! Resources: 117 added, 0 changed, 0 destroyed/);
  });

  test('the terminal shows no spinner frames, status bars, <sensitive> outputs or CLI-config warnings', () => {
    expect([...first.output.split('\n'), ...second.output.split('\n')].filter((l) => NOISE.test(l))).toEqual([]);
  });

  test('the set-up created the empty CLI config file and linked the provider into the fresh HOME', () => {
    const plugins = path.join(home, '.terraform.d', 'plugins', 'registry.terraform.io', 'hashicorp', 'aws', '5.100.0');
    expect({ config: fs.readFileSync(path.join(home, '.terraformrc'), 'utf8'), provider: fs.existsSync(plugins) }).toEqual({ config: '', provider: true });
  });

  test('the second start has nothing to prepare, finds everything deployed and serves the page again', () => {
    const steps = second.output.split('\n').filter((l) => l.startsWith('[npm start]'));
    expect({ page: second.page, prepared: steps.some((l) => l.includes('machine prepared')), deployed: steps.some((l) => l.includes('3 tables, 114 items')) }).toEqual({
      page: 200,
      prepared: false,
      deployed: true,
    });
  });

  test('Ctrl-C stops everything with exit code 0', () => {
    expect([first.stopCode, second.stopCode]).toEqual([0, 0]);
  });
});

describe('npm start when Terraform fails', () => {
  let project: string;
  let home: string;
  let output: string;
  let code: number | null;

  beforeAll(async () => {
    requireTerraform();
    // Given a CLI configuration that sends provider installation to a mirror that does not answer
    project = scratchProject();
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'broken-home-'));
    const config = path.join(home, 'terraformrc');
    fs.writeFileSync(config, 'provider_installation {\n  network_mirror {\n    url = "https://127.0.0.1:1/providers/"\n  }\n}\n');
    // When npm start runs
    const start = npmStart(project, { HOME: home, TF_CLI_CONFIG_FILE: config, PORT: String(await freePort()), DYNAMODB_PORT: String(await freePort()) });
    const timer = setTimeout(() => start.child.kill('SIGKILL'), 200_000);
    code = await start.exited;
    clearTimeout(timer);
    output = start.output();
  });

  afterAll(() => {
    for (const dir of [project, home]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('it exits 1 after the one line that says why and the path of the full log', () => {
    const lines = output.split('\n').filter((l) => l.startsWith('[npm start]'));
    expect({ code, last: lines.slice(-2) }).toEqual({
      code: 1,
      last: [expect.stringMatching(/^\[npm start\] failed: Failed to query available provider packages: .*127\.0\.0\.1:1/), '[npm start] full log: .local/logs/deploy-data.log'],
    });
  });

  test('nothing of Terraform\'s own output reaches the terminal', () => {
    expect(output.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('[npm start]'))).toEqual([]);
  });
});
