/** The machine set-up of the commands that run Terraform, on temporary homes and mirrors (no network, no apt). */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { QuietRunResult } from '../../scripts/lib/quiet-run';
import {
  describeChanges,
  ensureChromium,
  ensureCliConfigFile,
  ensureProviderMirror,
  findProviderMirror,
  impliedMirrorDirs,
  mirrorHolds,
  preparedSummary,
  requiredProviders,
  terraformPlatform,
} from '../../scripts/prepare-machine';

const ROOT = path.resolve(__dirname, '..', '..');
const AWS = { source: 'registry.terraform.io/hashicorp/aws', version: '5.100.0' };
const BINARY = 'terraform-provider-aws_v5.100.0_x5';

let tmp: string;
beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'prepare-'))));
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A filesystem mirror under `<tmp>/<where>` holding the AWS provider for linux_amd64. */
function makeMirror(where: string): string {
  const mirror = path.join(tmp, where);
  const dir = path.join(mirror, 'registry.terraform.io', 'hashicorp', 'aws', '5.100.0', 'linux_amd64');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, BINARY), 'binary');
  return mirror;
}

describe('what Terraform needs', () => {
  test('the AWS provider version comes from the installed @cdktf/provider-aws', () => {
    expect(requiredProviders(ROOT)).toEqual([AWS]);
  });

  test('Node platforms map to Terraform platform names', () => {
    expect([terraformPlatform('linux', 'x64'), terraformPlatform('darwin', 'arm64')]).toEqual(['linux_amd64', 'darwin_arm64']);
  });

  test('an architecture without a Terraform build is named in the error', () => {
    expect(() => terraformPlatform('linux', 'mips')).toThrow('no Terraform build for the CPU architecture "mips"');
  });

  test('implied mirrors: ~/.terraform.d/plugins first, then the XDG data folders', () => {
    expect(impliedMirrorDirs('/h', { XDG_DATA_DIRS: '/a:/b' })).toEqual([
      '/h/.terraform.d/plugins',
      '/h/.local/share/terraform/plugins',
      '/a/terraform/plugins',
      '/b/terraform/plugins',
    ]);
  });
});

describe('ensureProviderMirror', () => {
  const offline = { probeRegistry: async () => false, platform: 'linux_amd64' };

  test('on a fresh home with a mirror and no registry, links the provider binary into ~/.terraform.d/plugins', async () => {
    // Given a mirror under a search root and a home without a plugin folder
    const mirror = makeMirror('opt/tf-plugins');
    const home = path.join(tmp, 'home');
    // When the step runs
    const step = await ensureProviderMirror({ root: ROOT, home, env: {}, searchRoots: [path.join(tmp, 'opt')], ...offline });
    // Then the implied mirror holds a link to the mirror's binary
    const link = path.join(home, '.terraform.d', 'plugins', 'registry.terraform.io', 'hashicorp', 'aws', '5.100.0', 'linux_amd64', BINARY);
    expect({ action: step.action, target: fs.readlinkSync(link) }).toEqual({
      action: 'linked',
      target: path.join(mirror, 'registry.terraform.io', 'hashicorp', 'aws', '5.100.0', 'linux_amd64', BINARY),
    });
  });

  test('a second run finds the provider and neither searches nor asks the registry', async () => {
    makeMirror('opt/m');
    const home = path.join(tmp, 'home');
    await ensureProviderMirror({ root: ROOT, home, env: {}, searchRoots: [path.join(tmp, 'opt')], ...offline });
    let probes = 0;
    const step = await ensureProviderMirror({ root: ROOT, home, env: {}, searchRoots: [], probeRegistry: async () => (probes++, false), platform: 'linux_amd64' });
    expect({ action: step.action, probes }).toEqual({ action: 'present', probes: 0 });
  });

  test('links nothing when the registry answers', async () => {
    makeMirror('opt/m');
    const home = path.join(tmp, 'home');
    const step = await ensureProviderMirror({ root: ROOT, home, env: {}, searchRoots: [path.join(tmp, 'opt')], probeRegistry: async () => true, platform: 'linux_amd64' });
    expect({ action: step.action, plugins: fs.existsSync(path.join(home, '.terraform.d')) }).toEqual({ action: 'not needed', plugins: false });
  });

  test('without a mirror on the machine, leaves terraform init to the registry', async () => {
    const step = await ensureProviderMirror({ root: ROOT, home: path.join(tmp, 'home'), env: {}, searchRoots: [tmp], ...offline });
    expect(step.action).toBe('not needed');
  });

  test('a mirror without the needed version fails offline, naming what is missing and how to add it', async () => {
    const mirror = path.join(tmp, 'opt', 'old');
    const dir = path.join(mirror, 'registry.terraform.io', 'hashicorp', 'aws', '4.0.0', 'linux_amd64');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'terraform-provider-aws_v4.0.0_x5'), 'old');
    await expect(ensureProviderMirror({ root: ROOT, home: path.join(tmp, 'home'), env: {}, searchRoots: [path.join(tmp, 'opt')], ...offline })).rejects.toThrow(
      `the provider mirror ${mirror} lacks registry.terraform.io/hashicorp/aws/5.100.0/linux_amd64, and registry.terraform.io cannot be reached`,
    );
  });

  test('a provider already in an XDG data folder counts as present', async () => {
    const xdg = makeMirror('xdg/terraform/plugins');
    const step = await ensureProviderMirror({ root: ROOT, home: path.join(tmp, 'home'), env: { XDG_DATA_DIRS: path.join(tmp, 'xdg') }, searchRoots: [], ...offline });
    expect([step.action, mirrorHolds(xdg, AWS, 'linux_amd64')]).toEqual(['present', true]);
  });
});

describe('findProviderMirror', () => {
  test('TF_PROVIDER_MIRROR wins over the search', () => {
    const named = makeMirror('named');
    makeMirror('opt/other');
    expect(findProviderMirror({ env: { TF_PROVIDER_MIRROR: named }, roots: [path.join(tmp, 'opt')], exclude: [] })).toBe(named);
  });

  test('a TF_PROVIDER_MIRROR without registry.terraform.io is an error naming the variable and the fix', () => {
    expect(() => findProviderMirror({ env: { TF_PROVIDER_MIRROR: tmp }, roots: [], exclude: [] })).toThrow(
      `TF_PROVIDER_MIRROR="${tmp}" holds no registry.terraform.io folder; point it at the folder above registry.terraform.io/`,
    );
  });

  test('does not return an excluded folder (the implied mirror itself) or search hidden folders', () => {
    makeMirror('home/.terraform.d/plugins');
    makeMirror('home/.hidden/m');
    expect(findProviderMirror({ env: {}, roots: [path.join(tmp, 'home')], exclude: [path.join(tmp, 'home', '.terraform.d', 'plugins')] })).toBeUndefined();
  });
});

describe('ensureCliConfigFile', () => {
  test('creates the missing file TF_CLI_CONFIG_FILE names, empty, with its folder', () => {
    const file = path.join(tmp, 'conf', '.terraformrc');
    const step = ensureCliConfigFile({ TF_CLI_CONFIG_FILE: file });
    expect({ action: step.action, content: fs.readFileSync(file, 'utf8') }).toEqual({ action: 'created', content: '' });
  });

  test('leaves an existing file as it is', () => {
    const file = path.join(tmp, '.terraformrc');
    fs.writeFileSync(file, 'plugin_cache_dir = "/x"\n');
    const step = ensureCliConfigFile({ TF_CLI_CONFIG_FILE: file });
    expect({ action: step.action, content: fs.readFileSync(file, 'utf8') }).toEqual({ action: 'present', content: 'plugin_cache_dir = "/x"\n' });
  });

  test('does nothing when the variable is not set', () => {
    expect(ensureCliConfigFile({}).action).toBe('not needed');
  });
});

describe('ensureChromium', () => {
  const ok = (output = ''): QuietRunResult => ({ ok: true, code: 0, ms: 1000, output, logFile: '/log' });
  const failed = (output: string): QuietRunResult => ({ ok: false, code: 100, ms: 10, output, reason: output.split('\n')[0], logFile: '/log' });

  test('a missing Chromium for a user who is not root fails with the one command to run', async () => {
    await expect(ensureChromium({ root: tmp, env: {}, isRoot: false, debianPath: path.join(tmp, 'chromium') })).rejects.toThrow(
      'the browser tests need Chromium, which is not installed: run `sudo apt-get install -y --no-install-recommends chromium`',
    );
  });

  test('as root, installs it with apt, updating the package lists first when apt cannot find it', async () => {
    const debianPath = path.join(tmp, 'chromium');
    const calls: string[] = [];
    const apt = async (args: readonly string[]): Promise<QuietRunResult> => {
      calls.push(args.join(' '));
      if (args[0] === 'update') return ok();
      if (calls.length === 1) return failed('E: Unable to locate package chromium');
      fs.writeFileSync(debianPath, '');
      return ok();
    };
    const step = await ensureChromium({ root: tmp, env: {}, isRoot: true, debianPath, apt });
    expect({ action: step.action, calls }).toEqual({
      action: 'installed',
      calls: ['install -y --no-install-recommends chromium', 'update', 'install -y --no-install-recommends chromium'],
    });
  });

  test("an apt failure gives apt's reason and the log", async () => {
    const apt = async (): Promise<QuietRunResult> => failed('E: Could not get lock /var/lib/dpkg/lock-frontend');
    await expect(ensureChromium({ root: tmp, env: {}, isRoot: true, debianPath: path.join(tmp, 'chromium'), apt })).rejects.toThrow(
      'apt-get install -y --no-install-recommends chromium failed: E: Could not get lock /var/lib/dpkg/lock-frontend\n  full log: /log',
    );
  });

  test('an installed Chromium needs nothing, and apt is not called', async () => {
    const debianPath = path.join(tmp, 'chromium');
    fs.writeFileSync(debianPath, '');
    const step = await ensureChromium({ root: tmp, env: {}, isRoot: true, debianPath, apt: async () => failed('must not run') });
    expect(step.action).toBe('present');
  });

  test('a CHROMIUM_PATH that does not exist is an error naming the variable', async () => {
    await expect(ensureChromium({ root: tmp, env: { CHROMIUM_PATH: '/nope/chrome' }, isRoot: true })).rejects.toThrow('CHROMIUM_PATH="/nope/chrome" does not exist');
  });
});

describe('describeChanges', () => {
  test('lists only the steps that changed the machine', () => {
    expect(
      describeChanges([
        { name: 'CLI config', action: 'created', detail: 'created x' },
        { name: 'provider mirror', action: 'present', detail: 'found' },
      ]),
    ).toEqual(['CLI config: created x']);
  });
});

describe('preparedSummary', () => {
  test('a machine that needed nothing gets no line', () => {
    expect(
      preparedSummary(
        [
          { name: 'provider mirror', action: 'present', detail: 'found' },
          { name: 'CLI config', action: 'not needed', detail: 'unset' },
        ],
        3,
      ),
    ).toBeUndefined();
  });

  test('one line with the duration and every change, in order', () => {
    expect(
      preparedSummary(
        [
          { name: 'CLI config', action: 'created', detail: 'created /h/.terraformrc' },
          { name: 'provider mirror', action: 'linked', detail: 'linked aws' },
        ],
        240,
      ),
    ).toBe('machine prepared in 0.2 s: CLI config: created /h/.terraformrc; provider mirror: linked aws');
  });
});
