/**
 * What the commands that run Terraform (npm start, npm test, the sandbox and its suite, the bench,
 * data:local, and the cdktf CLI through the app command) need from the machine, set up by each of
 * them before Terraform runs. Idempotent, and a few milliseconds when everything is already in place:
 * - the AWS provider for Terraform: when Terraform cannot find it locally, a filesystem mirror on the
 *   machine exists and the registry cannot be reached, the mirror's provider binaries are linked into
 *   Terraform's implied mirror directory (~/.terraform.d/plugins), where `terraform init` looks first;
 * - the Terraform CLI configuration file: when TF_CLI_CONFIG_FILE names a file that does not exist,
 *   every terraform command warns about it, so an empty one (a valid configuration) is created;
 * - for the tests, Debian's Chromium: installed with apt when it is missing and we are root;
 *   otherwise the error gives the one command to run.
 *
 * `npm run prepare-machine [-- --for start|test]` runs the same set-up by hand and prints
 * what every step found, e.g. to see why `terraform init` cannot find the provider.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { logFile, quietRun, StepFailure, type QuietRunResult } from './lib/quiet-run';
import { runAsScript } from './run-as-script';

const ROOT = path.resolve(__dirname, '..');

/** A Terraform provider at one version, e.g. `registry.terraform.io/hashicorp/aws` 5.100.0. */
export interface ProviderRequirement {
  /** `<host>/<namespace>/<type>` */
  readonly source: string;
  readonly version: string;
}

/** What one preparation step found or did. */
export interface PreparedStep {
  readonly name: 'provider mirror' | 'CLI config' | 'Chromium';
  /** `present` and `not needed` change nothing; the others changed the machine. */
  readonly action: 'present' | 'not needed' | 'linked' | 'created' | 'installed';
  /** One line for a person. */
  readonly detail: string;
}

/** The prebuilt provider packages whose providers the local deploy and the real-Terraform tests use. */
export const LOCAL_PROVIDER_PACKAGES = ['@cdktf/provider-aws'] as const;

/** The provider each prebuilt provider package was generated for (its package.json `cdktf.provider`). */
export function requiredProviders(root: string, packages: readonly string[] = LOCAL_PROVIDER_PACKAGES): ProviderRequirement[] {
  return packages.map((name) => {
    const file = path.join(root, 'node_modules', name, 'package.json');
    let provider: { name?: unknown; version?: unknown } | undefined;
    try {
      provider = (JSON.parse(fs.readFileSync(file, 'utf8')) as { cdktf?: { provider?: { name?: unknown; version?: unknown } } }).cdktf?.provider;
    } catch (error) {
      throw new StepFailure(`${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}; run \`npm install\` first`);
    }
    if (typeof provider?.name !== 'string' || typeof provider.version !== 'string') {
      throw new StepFailure(`${file}: cdktf.provider.name/version missing (found ${JSON.stringify(provider)}); is ${name} a prebuilt cdktf provider?`);
    }
    const source = provider.name.includes('/') && provider.name.split('/').length === 3 ? provider.name : `registry.terraform.io/${provider.name}`;
    return { source, version: provider.version };
  });
}

/** Terraform's `<os>_<arch>` for a Node platform and architecture, e.g. `linux_amd64`. */
export function terraformPlatform(platform: NodeJS.Platform = process.platform, arch: string = process.arch): string {
  const archs: Record<string, string> = { x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'arm' };
  const mapped = archs[arch];
  if (mapped === undefined) throw new StepFailure(`terraformPlatform: no Terraform build for the CPU architecture "${arch}"; use amd64 or arm64`);
  return `${platform === 'win32' ? 'windows' : platform}_${mapped}`;
}

/**
 * The implied local mirror directories Terraform searches on Linux and macOS, in its order:
 * ~/.terraform.d/plugins, then `terraform/plugins` under XDG_DATA_HOME and each of XDG_DATA_DIRS.
 */
export function impliedMirrorDirs(home: string, env: NodeJS.ProcessEnv): string[] {
  const dataHome = env.XDG_DATA_HOME || path.join(home, '.local', 'share');
  const dataDirs = (env.XDG_DATA_DIRS || '/usr/local/share:/usr/share').split(':').filter((d) => d !== '');
  return [path.join(home, '.terraform.d', 'plugins'), ...[dataHome, ...dataDirs].map((d) => path.join(d, 'terraform', 'plugins'))];
}

/** Whether `mirror` holds a binary of `provider` for `platform` (a link counts only if its target exists). */
export function mirrorHolds(mirror: string, provider: ProviderRequirement, platform: string): boolean {
  const dir = path.join(mirror, ...provider.source.split('/'), provider.version, platform);
  const type = provider.source.split('/').pop() ?? '';
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch {
    return false;
  }
  return entries.some((entry) => entry.startsWith(`terraform-provider-${type}`) && fs.existsSync(path.join(dir, entry)));
}

/**
 * A provider mirror on this machine: `TF_PROVIDER_MIRROR` when set, else the first folder that
 * holds a `registry.terraform.io` folder at most three levels below one of `roots` (hidden folders,
 * node_modules and the `exclude` folders are not searched). Undefined when there is none.
 */
export function findProviderMirror(options: { readonly env: NodeJS.ProcessEnv; readonly roots: readonly string[]; readonly exclude: readonly string[] }): string | undefined {
  const named = options.env.TF_PROVIDER_MIRROR;
  if (named !== undefined && named !== '') {
    if (!fs.existsSync(path.join(named, 'registry.terraform.io'))) {
      throw new StepFailure(
        `TF_PROVIDER_MIRROR="${named}" holds no registry.terraform.io folder; point it at the folder above registry.terraform.io/<namespace>/<type>/<version>/<os_arch>/, or unset it`,
      );
    }
    return named;
  }
  const excluded = new Set(options.exclude.map((d) => path.resolve(d)));
  const search = (dir: string, depth: number): string | undefined => {
    if (excluded.has(dir)) return undefined;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return undefined;
    }
    if (entries.some((e) => e.name === 'registry.terraform.io' && (e.isDirectory() || e.isSymbolicLink()))) return dir;
    if (depth === 0) return undefined;
    for (const entry of entries) {
      if (!entry.isDirectory() || entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const hit = search(path.join(dir, entry.name), depth - 1);
      if (hit !== undefined) return hit;
    }
    return undefined;
  };
  for (const root of options.roots) {
    const hit = search(path.resolve(root), 3);
    if (hit !== undefined) return hit;
  }
  return undefined;
}

/**
 * Links every provider binary of `mirror` into `implied`, making the folders for real: Terraform
 * does not follow a symlinked version folder when it scans an implied mirror. Returns the provider
 * folders linked (`<host>/<namespace>/<type>/<version>/<os_arch>`).
 */
export function linkMirror(mirror: string, implied: string): string[] {
  const linked: string[] = [];
  const walk = (relative: string[], depth: number): void => {
    const dir = path.join(mirror, ...relative);
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (depth < 5 && (entry.isDirectory() || entry.isSymbolicLink())) {
        if (fs.statSync(path.join(dir, entry.name)).isDirectory()) walk([...relative, entry.name], depth + 1);
      } else if (depth === 5 && entry.name.startsWith('terraform-provider-')) {
        const target = path.join(dir, entry.name);
        const link = path.join(implied, ...relative, entry.name);
        fs.mkdirSync(path.dirname(link), { recursive: true });
        let current: string | undefined;
        try {
          current = fs.readlinkSync(link);
        } catch {
          current = undefined;
        }
        if (current !== target) {
          fs.rmSync(link, { force: true });
          fs.symlinkSync(target, link);
        }
        if (!linked.includes(relative.join('/'))) linked.push(relative.join('/'));
      }
    }
  };
  walk(['registry.terraform.io'], 1);
  return linked;
}

/** Whether registry.terraform.io answers within `timeoutMs`. */
export async function registryReachable(timeoutMs = 3000): Promise<boolean> {
  try {
    const response = await fetch('https://registry.terraform.io/.well-known/terraform.json', { method: 'HEAD', signal: AbortSignal.timeout(timeoutMs) });
    return response.status < 500;
  } catch {
    return false;
  }
}

/** Where the provider step looks and how it probes; every field has a default for this machine. */
export interface ProviderMirrorOptions {
  readonly root: string;
  /** @default os.homedir() */
  readonly home?: string;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Folders searched for a mirror. @default /opt, /usr/local/share, /usr/share, /srv and the home folder */
  readonly searchRoots?: readonly string[];
  /** @default {@link registryReachable} */
  readonly probeRegistry?: () => Promise<boolean>;
  /** @default {@link terraformPlatform}() */
  readonly platform?: string;
}

/** Makes the local providers visible to `terraform init` on a machine without registry access. */
export async function ensureProviderMirror(options: ProviderMirrorOptions): Promise<PreparedStep> {
  const home = options.home ?? os.homedir();
  const env = options.env ?? process.env;
  const platform = options.platform ?? terraformPlatform();
  const providers = requiredProviders(options.root);
  const implied = impliedMirrorDirs(home, env);
  const names = providers.map((p) => `${p.source.split('/').slice(1).join('/')} ${p.version}`).join(', ');
  const missing = providers.filter((p) => !implied.some((dir) => mirrorHolds(dir, p, platform)));
  if (missing.length === 0) return { name: 'provider mirror', action: 'present', detail: `${names} found in a local mirror` };

  const mirror = findProviderMirror({ env, roots: options.searchRoots ?? ['/opt', '/usr/local/share', '/usr/share', '/srv', home], exclude: implied });
  if (mirror === undefined)
    return { name: 'provider mirror', action: 'not needed', detail: `no provider mirror on this machine; terraform init downloads ${names} from the registry` };
  if (await (options.probeRegistry ?? registryReachable)()) {
    return { name: 'provider mirror', action: 'not needed', detail: `registry.terraform.io answers; terraform init downloads ${names} from it (mirror ${mirror} not linked)` };
  }
  const linked = linkMirror(mirror, implied[0]);
  const stillMissing = missing.filter((p) => !mirrorHolds(implied[0], p, platform));
  if (stillMissing.length > 0) {
    const want = stillMissing.map((p) => `${p.source}/${p.version}/${platform}`).join(', ');
    throw new StepFailure(
      `the provider mirror ${mirror} lacks ${want}, and registry.terraform.io cannot be reached; add it to the mirror (terraform providers mirror ${mirror}) or give the machine registry access`,
    );
  }
  return { name: 'provider mirror', action: 'linked', detail: `linked ${linked.join(', ')} from ${mirror} into ${implied[0]} (registry.terraform.io cannot be reached)` };
}

/** Creates the empty Terraform CLI configuration file TF_CLI_CONFIG_FILE names, when it is missing. */
export function ensureCliConfigFile(env: NodeJS.ProcessEnv = process.env): PreparedStep {
  const file = env.TF_CLI_CONFIG_FILE;
  if (file === undefined || file === '') return { name: 'CLI config', action: 'not needed', detail: 'TF_CLI_CONFIG_FILE is not set' };
  if (fs.existsSync(file)) return { name: 'CLI config', action: 'present', detail: `${file} exists` };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, '');
  return { name: 'CLI config', action: 'created', detail: `created an empty ${file} (TF_CLI_CONFIG_FILE names it; without it every terraform command warns)` };
}

/** Debian's Chromium, which the browser tests drive through playwright-core. */
export const DEBIAN_CHROMIUM = '/usr/bin/chromium';
/** The one command that installs it. */
export const CHROMIUM_INSTALL = 'apt-get install -y --no-install-recommends chromium';

/** How the Chromium step runs; every field has a default for this machine. */
export interface ChromiumOptions {
  readonly root: string;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** @default the effective user id is 0 */
  readonly isRoot?: boolean;
  /** Where apt installs Chromium. @default {@link DEBIAN_CHROMIUM} */
  readonly debianPath?: string;
  /** @default `apt-get` through {@link quietRun}, logged to .local/logs/apt-chromium.log */
  readonly apt?: (args: readonly string[]) => Promise<QuietRunResult>;
}

/** Finds Chromium, or installs Debian's with apt as root; otherwise fails with the command to run. */
export async function ensureChromium(options: ChromiumOptions): Promise<PreparedStep> {
  const env = options.env ?? process.env;
  const named = env.CHROMIUM_PATH;
  if (named !== undefined && named !== '') {
    if (fs.existsSync(named)) return { name: 'Chromium', action: 'present', detail: `CHROMIUM_PATH=${named}` };
    throw new StepFailure(`CHROMIUM_PATH="${named}" does not exist; point it at a Chromium binary, or unset it to use Debian's ${options.debianPath ?? DEBIAN_CHROMIUM}`);
  }
  const debian = options.debianPath ?? DEBIAN_CHROMIUM;
  if (fs.existsSync(debian)) return { name: 'Chromium', action: 'present', detail: debian };
  const isRoot = options.isRoot ?? process.getuid?.() === 0;
  if (!isRoot) {
    throw new StepFailure(`the browser tests need Chromium, which is not installed: run \`sudo ${CHROMIUM_INSTALL}\` (or set CHROMIUM_PATH to a Chromium binary)`);
  }
  const log = logFile(options.root, 'apt-chromium');
  const apt =
    options.apt ?? ((args: readonly string[]) => quietRun('apt-get', args, { cwd: options.root, logFile: log, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }));
  const install = CHROMIUM_INSTALL.split(' ').slice(1);
  let result = await apt(install);
  // A fresh image has no package lists: "Unable to locate package" until apt-get update.
  if (!result.ok && /Unable to locate package|has no installation candidate|Failed to fetch|404\s+Not Found/.test(result.output)) {
    const update = await apt(['update']);
    if (!update.ok) throw new StepFailure(`apt-get update failed: ${update.reason ?? 'no reason given'}`, update.logFile);
    result = await apt(install);
  }
  if (!result.ok) throw new StepFailure(`${CHROMIUM_INSTALL} failed: ${result.reason ?? 'no reason given'}`, result.logFile);
  if (!fs.existsSync(debian)) throw new StepFailure(`${CHROMIUM_INSTALL} succeeded but ${debian} is still missing; set CHROMIUM_PATH to the binary it installed`, result.logFile);
  return {
    name: 'Chromium',
    action: 'installed',
    detail: `installed ${debian} with apt in ${(result.ms / 1000).toFixed(1)} s (log: ${path.relative(options.root, result.logFile)})`,
  };
}

/** What {@link prepareMachine} prepares for: `start` is what Terraform needs, `test` adds the browser. */
export type Purpose = 'start' | 'test';

/** Options of {@link prepareMachine}. */
export interface PrepareOptions extends Omit<ProviderMirrorOptions, 'root'> {
  /** @default the project root */
  readonly root?: string;
  /** `test` adds Chromium. @default 'start' */
  readonly purpose?: Purpose;
  /** Whether the tests to run include the browser tests. @default true */
  readonly needsBrowser?: boolean;
  readonly chromium?: Omit<ChromiumOptions, 'root' | 'env'>;
}

/** Runs every step `purpose` needs, in order; throws a {@link StepFailure} with the fix when one cannot be done. */
export async function prepareMachine(options: PrepareOptions = {}): Promise<PreparedStep[]> {
  const root = options.root ?? ROOT;
  const env = options.env ?? process.env;
  const steps: PreparedStep[] = [ensureCliConfigFile(env), await ensureProviderMirror({ ...options, root, env })];
  if ((options.purpose ?? 'start') === 'test' && (options.needsBrowser ?? true)) steps.push(await ensureChromium({ ...options.chromium, root, env }));
  return steps;
}

/** The steps that changed something, one line each. */
export function describeChanges(steps: readonly PreparedStep[]): string[] {
  return steps.filter((s) => s.action !== 'present' && s.action !== 'not needed').map((s) => `${s.name}: ${s.detail}`);
}

/** `machine prepared in 0.1 s: <change>; <change>`, or undefined when no step changed the machine. */
export function preparedSummary(steps: readonly PreparedStep[], ms: number): string | undefined {
  const changes = describeChanges(steps);
  return changes.length === 0 ? undefined : `machine prepared in ${(ms / 1000).toFixed(1)} s: ${changes.join('; ')}`;
}

/**
 * {@link prepareMachine}, timed: the one line a command prints about it, or undefined when the
 * machine was already prepared (the usual case, which prints nothing).
 */
export async function prepareMachineLine(options: PrepareOptions = {}): Promise<string | undefined> {
  const started = performance.now();
  const steps = await prepareMachine(options);
  return preparedSummary(steps, performance.now() - started);
}

async function main(): Promise<void> {
  const index = process.argv.indexOf('--for');
  const purpose = index >= 0 ? process.argv[index + 1] : 'start';
  if (purpose !== 'start' && purpose !== 'test') throw new Error(`--for: "${purpose}" is not start or test`);
  const started = performance.now();
  const steps = await prepareMachine({ purpose });
  for (const step of steps) console.error(`${step.name}: ${step.action}, ${step.detail}`);
  console.error(`prepared in ${Math.round(performance.now() - started)} ms`);
}

runAsScript(module, main);
