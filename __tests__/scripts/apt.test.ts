import { aptInstall, aptInstallCommand, needsAptUpdate } from '../../scripts/lib/apt';
import type { QuietRunResult } from '../../scripts/lib/quiet-run';

const result = (ok: boolean, output = ''): QuietRunResult => ({ ok, code: ok ? 0 : 100, ms: 1, output, logFile: '/tmp/apt.log', ...(ok ? {} : { reason: output.trim() }) });

/** An apt that answers each call with the next result and records the arguments. */
function fakeApt(...answers: QuietRunResult[]) {
  const calls: string[][] = [];
  const apt = async (args: readonly string[]) => {
    calls.push([...args]);
    return answers.shift() ?? result(true);
  };
  return { apt, calls };
}

describe('aptInstallCommand', () => {
  it('installs without recommended packages (apparmor, needrestart)', () => {
    expect(aptInstallCommand(['docker.io', 'docker-registry'])).toBe('apt-get install -y --no-install-recommends docker.io docker-registry');
  });
});

describe('needsAptUpdate', () => {
  it.each(['E: Unable to locate package docker-registry', "E: Package 'docker.io' has no installation candidate", 'Err:1 http://deb.debian.org 404  Not Found'])(
    'is true for "%s"',
    (output) => expect(needsAptUpdate(output)).toBe(true),
  );

  it('is false for a lock held by another apt', () => {
    expect(needsAptUpdate('E: Could not get lock /var/lib/dpkg/lock-frontend')).toBe(false);
  });
});

describe('aptInstall', () => {
  const options = { root: '/tmp/project', logName: 'apt-test', purpose: 'the Docker engine' };

  it('installs the packages in one apt call when the lists are current', async () => {
    const { apt, calls } = fakeApt(result(true));
    await aptInstall(['docker.io'], { ...options, isRoot: true, apt });
    expect(calls).toEqual([['install', '-y', '--no-install-recommends', 'docker.io']]);
  });

  it('updates the package lists and tries again when apt cannot find the package', async () => {
    const { apt, calls } = fakeApt(result(false, 'E: Unable to locate package docker.io'), result(true), result(true));
    await aptInstall(['docker.io'], { ...options, isRoot: true, apt });
    expect(calls.map((c) => c[0])).toEqual(['install', 'update', 'install']);
  });

  it("fails with apt's reason when the install fails otherwise", async () => {
    const { apt } = fakeApt(result(false, 'E: Sub-process /usr/bin/dpkg returned an error code (1)'));
    await expect(aptInstall(['docker.io'], { ...options, isRoot: true, apt })).rejects.toThrow('failed: E: Sub-process /usr/bin/dpkg returned an error code (1)');
  });

  it('does not call apt when not root, and names the one command to run', async () => {
    const { apt, calls } = fakeApt();
    await expect(aptInstall(['docker.io', 'docker-registry'], { ...options, isRoot: false, apt })).rejects.toThrow(
      'the Docker engine needs docker.io and docker-registry, which are not installed: run `sudo apt-get install -y --no-install-recommends docker.io docker-registry`',
    );
    expect(calls).toEqual([]);
  });
});
