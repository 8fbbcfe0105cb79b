/**
 * Every command of package.json that runs Terraform prepares the machine itself, before Terraform
 * runs (scripts/prepare-machine.ts), and so does the cdktf CLI of the README through the app command.
 * Each command runs as a new user runs it (`npm run <script>`, `npx cdktf ...`) in a scratch copy of
 * the project, on a fresh HOME whose TF_CLI_CONFIG_FILE names a file that does not exist, with a
 * stand-in `terraform` that records each call and whether the machine was prepared by then, and
 * refuses to do anything but print its version. Each command is stopped right after its
 * preparation by something it needs that the test withholds (a busy port, a missing moto): no
 * Terraform, no DynamoDB and no emulator run, so the whole file takes seconds, not minutes.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from '../support/moto-server';
import { newUserEnvironment, scratchProject } from '../support/scratch-project';

jest.setTimeout(120_000);

const ROOT = path.resolve(__dirname, '..', '..');
// Copied: what the commands resolve their root from or write into; the rest is linked.
// The directories of the jest config's setup files (and of what they import beside them) are read
// from the config itself, so that a new one is copied too.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- jest.config.js is CommonJS, read as jest reads it
const jestConfig = require('../../jest.config.js') as { projects: { setupFiles?: string[]; setupFilesAfterEnv?: string[]; globalSetup?: string; globalTeardown?: string }[] };
const SETUP_DIRS = [
  ...new Set(
    jestConfig.projects
      .flatMap((p) => [...(p.setupFiles ?? []), ...(p.setupFilesAfterEnv ?? []), p.globalSetup, p.globalTeardown])
      .filter((file): file is string => file !== undefined && file.startsWith('<rootDir>/'))
      .map((file) => path.dirname(file.replace('<rootDir>/', ''))),
  ),
];
const COPIED = [...new Set(['package.json', 'scripts', 'bench', 'main.ts', 'app.ts', 'cdktf.json', 'tsconfig.json', 'jest.config.js', 'jest.sandbox.config.js', ...SETUP_DIRS])];
const LINKED = ['node_modules', 'stacks', 'data', 'service'];

/** What a probe can use: a port that answers HTTP but is no DynamoDB, and a folder of its own. */
interface ProbeContext {
  readonly busyPort: number;
  readonly work: string;
}

/** How one command is run so that it stops right after preparing the machine. */
interface Probe {
  readonly command: (context: ProbeContext) => readonly string[];
  /** Variables that make it stop there. @default none */
  readonly env?: (context: ProbeContext) => Promise<NodeJS.ProcessEnv> | NodeJS.ProcessEnv;
  /** What the command prints when it stops where the probe stops it. */
  readonly stopsWith: RegExp;
}

/**
 * Every script of package.json: how it is probed, or why it runs no Terraform. A new script fails
 * the completeness test below until it is entered here.
 */
const SCRIPTS: Record<string, Probe | { readonly noTerraform: string }> = {
  start: {
    command: () => ['npm', 'start'],
    env: async ({ busyPort }) => ({ PORT: String(await freePort()), DYNAMODB_PORT: String(busyPort) }),
    stopsWith: /\[npm start\] failed: .*EADDRINUSE/,
  },
  'data:local': { command: () => ['npm', 'run', 'data:local'], env: ({ busyPort }) => ({ DYNAMODB_PORT: String(busyPort) }), stopsWith: /EADDRINUSE/ },
  sandbox: {
    command: () => ['npm', 'run', 'sandbox'],
    env: async () => ({ MOTO_PORT: String(await freePort()), MOTO_SERVER: '/nonexistent/moto_server', PORT: String(await freePort()) }),
    stopsWith: /\[sandbox\] failed: No moto server found/,
  },
  bootstrap: {
    command: () => ['npm', 'run', 'bootstrap'],
    env: () => ({ CDKTF_ENV: 'local' }),
    stopsWith: /CDKTF_ENV=local has no bootstrap stack/,
  },
  'sandbox:destroy': {
    command: () => ['npm', 'run', 'sandbox:destroy'],
    env: async ({ work }) => ({ MOTO_PORT: String(await freePort()), CDKTF_STATE_DIR: path.join(work, 'state') }),
    stopsWith: /\[sandbox\] no moto server answers/,
  },
  bench: {
    command: ({ work }) => ['npm', 'run', 'bench', '--', '--skip', 'startup,api,synth,data,plan,tests,sandbox', '--out', path.join(work, 'results.json')],
    stopsWith: /bench: \d+ s, results in/,
  },
  'prepare-machine': { command: () => ['npm', 'run', 'prepare-machine'], stopsWith: /^CLI config: created.*\n(.*\n)*prepared in \d+ ms$/m },
  test: { command: () => ['npm', 'test', '--', '__tests__/probe.int.test.ts'], stopsWith: /Tests:\s+1 passed/ },
  'test:sandbox': { command: () => ['npm', 'run', 'test:sandbox', '--', '__tests__/sandbox/probe.sandbox.ts'], stopsWith: /Tests:\s+1 passed/ },
  'test:unit': { noTerraform: 'the unit project runs no process' },
  stress: { noTerraform: 'the stress suites run the service bundle and the app bundle, never Terraform' },
  synth: { noTerraform: 'npm run synth writes cdktf.out only' },
  diagram: { noTerraform: 'it synthesizes and draws; no Terraform' },
  'build:service': { noTerraform: 'esbuild only' },
  'build:app': { noTerraform: 'esbuild only' },
  typecheck: { noTerraform: 'tsc only' },
  lint: { noTerraform: 'ESLint and Prettier only' },
  format: { noTerraform: 'Prettier and ESLint only' },
  engine: { noTerraform: 'the private Docker engine alone' },
  image: { noTerraform: 'Docker builds and runs the image' },
  'test:image': { noTerraform: 'the image suite: Docker, dynalite and Chromium' },
  'docs:config': { noTerraform: 'writes a document' },
  'dynamodb:local': { noTerraform: 'the embedded DynamoDB alone' },
  moto: { noTerraform: 'the emulator alone' },
  release: { noTerraform: 'ECS API calls only: it registers a revision and updates a service that Terraform deployed' },
};

/** The README's bare cdktf commands, which run Terraform after the app command of cdktf.json. */
const CDKTF_DEPLOY: Probe = {
  command: () => ['npx', 'cdktf', 'deploy', 'data', '--skip-provider-lock', '--auto-approve'],
  // The stand-in refuses `terraform init`, so the deploy stops there.
  stopsWith: /stand-in terraform: not running init/,
};

const isProbe = (entry: Probe | { readonly noTerraform: string }): entry is Probe => 'command' in entry;
const probes = Object.entries(SCRIPTS).flatMap(([name, entry]) => (isProbe(entry) ? [[name, entry] as [string, Probe]] : []));

/** A `terraform` that records `<prepared|unprepared> <args>` and prints only its version. */
const STAND_IN = `#!/bin/sh
if [ -e "$TF_CLI_CONFIG_FILE" ]; then state=prepared; else state=unprepared; fi
printf '%s %s\\n' "$state" "$*" >> "$TERRAFORM_CALLS"
if [ "$1" = version ] || [ "$1" = -v ] || [ "$1" = --version ]; then
  case "$*" in *-json*) echo '{"terraform_version":"1.11.4","platform":"linux_amd64","provider_selections":{},"terraform_outdated":false}' ;; *) echo 'Terraform v1.11.4'; echo 'on linux_amd64' ;; esac
  exit 0
fi
echo "stand-in terraform: not running $1" >&2
exit 1
`;

let project: string;
let work: string;
let busy: http.Server;
let busyPort: number;
/** What each probed command did, by name (a script's, or `npx cdktf deploy`). */
const runs = new Map<string, ProbeRun>();

beforeAll(async () => {
  project = scratchProject('commands-prepare-', COPIED, LINKED, { withAppBuild: true });
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'commands-prepare-work-'));
  // One passing test for each jest configuration to select, so that jest runs its globalSetup.
  const probeTest = "test('runs', () => expect(1).toBe(1));\n";
  fs.writeFileSync(path.join(project, '__tests__', 'probe.int.test.ts'), probeTest);
  fs.mkdirSync(path.join(project, '__tests__', 'sandbox'));
  fs.writeFileSync(path.join(project, '__tests__', 'sandbox', 'probe.sandbox.ts'), probeTest);
  fs.mkdirSync(path.join(work, 'bin'));
  fs.writeFileSync(path.join(work, 'bin', 'terraform'), STAND_IN, { mode: 0o755 });
  // Answers HTTP, but no DynamoDB API: the commands take it for a port in use by something else.
  busy = http.createServer((_request, response) => response.writeHead(404).end());
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  busyPort = (busy.address() as { port: number }).port;
  // The commands mostly wait for their own start-up: a few at a time keep the file to seconds.
  const queue: [string, Probe][] = [...probes, ['npx cdktf deploy', CDKTF_DEPLOY]];
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) runs.set(next[0], await run(next[0], next[1]));
  };
  await Promise.all([worker(), worker(), worker()]);
});

afterAll(async () => {
  await new Promise((resolve) => busy?.close(resolve));
  for (const dir of [project, work]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** What one command did on its fresh HOME. */
interface ProbeRun {
  readonly output: string;
  /** The CLI config file TF_CLI_CONFIG_FILE names, which only the preparation creates. */
  readonly prepared: boolean;
  /** The stand-in terraform's calls, each `<prepared|unprepared> <args>`. */
  readonly terraformCalls: string[];
}

/** Runs `probe` in the scratch project on a new HOME, until it exits (or is killed after 90 s). */
async function run(name: string, probe: Probe): Promise<ProbeRun> {
  const home = fs.mkdtempSync(path.join(work, `home-${name.replace(/\W/g, '-')}-`));
  const calls = path.join(home, 'terraform-calls');
  const cliConfig = path.join(home, 'config', 'terraform.rc');
  const context: ProbeContext = { busyPort, work: home };
  const settings = (await probe.env?.(context)) ?? {};
  const [command, ...args] = probe.command(context);
  const child = spawn(command, args, {
    cwd: project,
    env: {
      ...newUserEnvironment(),
      ...settings,
      HOME: home,
      TF_CLI_CONFIG_FILE: cliConfig,
      TERRAFORM_CALLS: calls,
      PATH: `${path.join(work, 'bin')}:${process.env.PATH}`,
      CI: '1',
      FORCE_COLOR: '0',
      CHECKPOINT_DISABLE: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (output += d.toString('utf8')));
  const timer = setTimeout(() => process.kill(-(child.pid ?? 0), 'SIGKILL'), 90_000);
  await new Promise((resolve) => child.once('close', resolve));
  clearTimeout(timer);
  return {
    output,
    prepared: fs.existsSync(cliConfig),
    terraformCalls: fs.existsSync(calls) ? fs.readFileSync(calls, 'utf8').trim().split('\n') : [],
  };
}

/** Whether a recorded stand-in call only asked for the version. */
const versionQuery = (call: string) => /^\w+ (version|-v|--version)\b/.test(call);
/** Stand-in calls other than version queries made before the machine was prepared. */
const unpreparedCalls = (calls: readonly string[]) => calls.filter((call) => call.startsWith('unprepared ') && !versionQuery(call));

test('every script of package.json is probed here or named as running no Terraform', () => {
  const scripts = Object.keys((JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);
  expect([...scripts].sort()).toEqual(Object.keys(SCRIPTS).sort());
});

test.each(probes)('npm script %s prepares a fresh machine before it goes on', (name, probe) => {
  // Given a fresh HOME and a TF_CLI_CONFIG_FILE that does not exist
  // When the command ran until the probe stopped it
  const result = runs.get(name) as ProbeRun;
  // Then it created the CLI config file (only the preparation does), ran no terraform command before
  // that, and stopped where the probe stops it, after the preparation
  expect({ prepared: result.prepared, unprepared: unpreparedCalls(result.terraformCalls), stopped: probe.stopsWith.test(result.output) || result.output }).toEqual({
    prepared: true,
    unprepared: [],
    stopped: true,
  });
});

test('npx cdktf deploy prepares a fresh machine before its first terraform command', () => {
  // Given a fresh HOME and a TF_CLI_CONFIG_FILE that does not exist
  // When the README's bare cdktf deploy ran, up to the terraform init the stand-in refuses
  const result = runs.get('npx cdktf deploy') as ProbeRun;
  // Then the app command prepared the machine before cdktf's first terraform command
  const first = result.terraformCalls.find((call) => !versionQuery(call));
  expect({
    prepared: result.prepared,
    firstCommand: first?.split(' ').slice(0, 2).join(' '),
    stopped: CDKTF_DEPLOY.stopsWith.test(result.output) || result.output,
  }).toEqual({ prepared: true, firstCommand: 'prepared init', stopped: true });
});
