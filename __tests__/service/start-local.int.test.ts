/**
 * `npm start` end to end, as a new user meets it: without Terraform it stops at once; on a fresh
 * machine (a HOME without a Terraform plugin folder, TF_CLI_CONFIG_FILE naming a missing file) it
 * sets the machine up, deploys the data stack and serves the page, printing one line per step; a
 * Terraform failure prints the one line that says why and the log's path. Each run works in a
 * scratch copy of the project, so its state, logs and DynamoDB files never touch the worktree.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { requireTerraform } from '../../scripts/lib/terraform';
import { freePort, npmStart, npmStartArgs, scratchProject, stepLines, stop, waitFor } from '../support/npm-start';

jest.setTimeout(240_000);

const ROOT = path.resolve(__dirname, '..', '..');

const NOISE = /[\u2800-\u28ff]|<sensitive>|Stacks? (deploying|done|waiting)|Unable to open CLI configuration file/;

test('without a terraform binary, npm start exits 1 within seconds naming the version to install', async () => {
  const started = Date.now();
  const child = spawn(process.execPath, npmStartArgs(), {
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
  let first: Run;
  let second: Run;

  interface Run {
    readonly output: string;
    readonly page: number;
    readonly stopCode: number | null;
    /** Wall time from spawning npm start to its `service ready` line. */
    readonly readyMs: number;
  }

  const run = async (): Promise<Run> => {
    const spawned = Date.now();
    const start = npmStart(project, env);
    try {
      await waitFor(start, /service ready in/);
      const readyMs = Date.now() - spawned;
      const page = (await fetch(`http://localhost:${env.PORT}/`)).status;
      return { page, readyMs, stopCode: await stop(start), output: start.output() };
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
    const lines = stepLines(first.output);
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

  test('the first start deploys because nothing was deployed before', () => {
    expect(first.output).toMatch(/data stack deployed in .*; deployed because no earlier deploy is recorded\n/);
  });

  test('the second start has nothing to prepare, skips the unchanged data stack and serves the page again', () => {
    const steps = stepLines(second.output);
    expect({ page: second.page, prepared: steps.some((l) => l.includes('machine prepared')), data: steps.filter((l) => / data stack /.test(l)) }).toEqual({
      page: 200,
      prepared: false,
      data: [expect.stringMatching(/^\[npm start\] data stack unchanged in [\d.]+ s: 3 tables, 114 items as last deployed; deploy skipped$/)],
    });
  });

  test('the second start does not rebuild the unchanged service bundle', () => {
    const log = fs.readFileSync(path.join(project, '.local', 'logs', 'service.log'), 'utf8');
    expect(log.split('\n').filter((line) => line.includes('service/build.mjs'))).toHaveLength(1);
  });

  // A ratio, not seconds: both starts see the same machine load, and only the skipped deploy sets them apart.
  test('the second start is ready in less than half the time of the first', () => {
    expect({ first: first.readyMs, second: second.readyMs, secondUnderHalf: second.readyMs < first.readyMs / 2 }).toEqual(expect.objectContaining({ secondUnderHalf: true }));
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
    const lines = stepLines(output);
    expect({ code, last: lines.slice(-2) }).toEqual({
      code: 1,
      last: [expect.stringMatching(/^\[npm start\] failed: Failed to query available provider packages: .*127\.0\.0\.1:1/), '[npm start] full log: .local/logs/deploy-data.log'],
    });
  });

  test("nothing of Terraform's own output reaches the terminal", () => {
    expect(output.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('[npm start]'))).toEqual([]);
  });
});
