import { cgroupContainerId, dockerdArgs, dockerHost, engineLayout, isEngineCommandLine, mountsBelow, parseMountInfo } from '../../scripts/lib/docker-engine';

const layout = engineLayout('/work/project/.local/docker');

describe('engineLayout', () => {
  it('keeps every file of the engine below its folder', () => {
    const { dir, ...files } = layout;
    expect(Object.values(files).filter((file) => !file.startsWith(`${dir}/`))).toEqual([]);
  });

  it('refuses a folder too deep for the unix sockets below it, naming the limit', () => {
    expect(() => engineLayout(`/${'d'.repeat(80)}`)).toThrow('is too deep for unix sockets');
  });
});

describe('dockerdArgs', () => {
  const args = dockerdArgs(layout);

  it('listens only on the unix socket of the layout', () => {
    expect(args.filter((a) => a.startsWith('--host') || a.startsWith('-H'))).toEqual(['--host=unix:///work/project/.local/docker/docker.sock']);
  });

  it('changes nothing of the machine network: no iptables rules, no bridge', () => {
    expect(args).toEqual(expect.arrayContaining(['--iptables=false', '--ip6tables=false', '--bridge=none']));
  });

  it('reads its own configuration file, never /etc/docker/daemon.json', () => {
    expect(args).toContain('--config-file=/work/project/.local/docker/daemon.json');
  });

  it('uses overlay2 unless told otherwise', () => {
    expect([args, dockerdArgs(layout, 'vfs')].map((a) => a.find((x) => x.startsWith('--storage-driver')))).toEqual(['--storage-driver=overlay2', '--storage-driver=vfs']);
  });
});

describe('dockerHost', () => {
  it('is the unix URL of the socket', () => {
    expect(dockerHost(layout)).toBe('unix:///work/project/.local/docker/docker.sock');
  });
});

describe('isEngineCommandLine', () => {
  const cmdline = (args: string[]) => `${args.join('\0')}\0`;

  it('recognises the dockerd started with this layout', () => {
    expect(isEngineCommandLine(cmdline(['/usr/sbin/dockerd', ...dockerdArgs(layout)]), layout)).toBe(true);
  });

  it("does not take another project's dockerd for ours", () => {
    expect(isEngineCommandLine(cmdline(['/usr/sbin/dockerd', ...dockerdArgs(engineLayout('/work/other/.local/docker'))]), layout)).toBe(false);
  });

  it('does not take another program that names our pid file for dockerd', () => {
    expect(isEngineCommandLine(cmdline(['/bin/cat', `--pidfile=${layout.pidFile}`]), layout)).toBe(false);
  });
});

describe('mountsBelow', () => {
  const mountinfo = [
    '45 27 254:0 /work/project/.local/docker/data /work/project/.local/docker/data rw,relatime shared:1 - ext4 /dev/vda rw',
    '612 28 0:4 net:[4026532301] /work/project/.local/docker/exec/netns/default rw shared:300 - nsfs nsfs rw',
    '700 45 0:60 / /work/project/.local/docker/data/overlay2/abc/merged rw,relatime - overlay overlay rw',
    '701 27 0:61 / /work/project/.local/docker-other rw - tmpfs tmpfs rw',
    '702 27 0:62 / /work/project/with\\040space rw - tmpfs tmpfs rw',
  ].join('\n');
  const mounts = parseMountInfo(mountinfo);

  it('reads mount points and file system types, decoding escaped spaces', () => {
    expect(mounts.map((m) => [m.mountPoint, m.fsType]).slice(-2)).toEqual([
      ['/work/project/.local/docker-other', 'tmpfs'],
      ['/work/project/with space', 'tmpfs'],
    ]);
  });

  it('lists the mounts below the engine folders deepest first, so each can be unmounted in turn', () => {
    expect(mountsBelow(mounts, [layout.execRoot, layout.dataRoot])).toEqual([
      '/work/project/.local/docker/data/overlay2/abc/merged',
      '/work/project/.local/docker/exec/netns/default',
      '/work/project/.local/docker/data',
    ]);
  });

  it('leaves a sibling folder that only shares the name prefix alone', () => {
    expect(mountsBelow(mounts, ['/work/project/.local/docker'])).not.toContain('/work/project/.local/docker-other');
  });
});

describe('cgroupContainerId', () => {
  const id = 'a'.repeat(64);

  it('reads the container id from a cgroup v1 listing', () => {
    expect(cgroupContainerId(`12:memory:/docker/${id}\n11:cpu,cpuacct:/docker/${id}\n`)).toBe(id);
  });

  it('is undefined for a process outside any container', () => {
    expect(cgroupContainerId('12:memory:/\n0::/user.slice\n')).toBeUndefined();
  });
});
