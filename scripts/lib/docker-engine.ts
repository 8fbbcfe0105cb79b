/**
 * The pure parts of the project's private Docker engine (scripts/docker-engine.ts): where it keeps
 * its files, the dockerd command line, the packages it needs, and which mounts it leaves behind.
 */
import * as path from 'node:path';

/** Every file of one private engine, all below one folder. */
export interface EngineLayout {
  /** e.g. `<root>/.local/docker` */
  readonly dir: string;
  /** Images, layers and containers (`--data-root`). */
  readonly dataRoot: string;
  /** Runtime state: containerd, shims, network namespaces (`--exec-root`). */
  readonly execRoot: string;
  readonly pidFile: string;
  /** The engine listens only here; never on TCP. */
  readonly socket: string;
  /** The daemon's own configuration, so a machine-wide /etc/docker/daemon.json is never read. */
  readonly configFile: string;
  readonly logFile: string;
}

/** The folder of the default engine, relative to the project root. */
export const ENGINE_DIR = path.join('.local', 'docker');

// A unix socket path is limited to 108 bytes on Linux (sun_path), containerd's socket sits deeper
// than ours in the exec root, and dockerd fails with an unhelpful "bind: invalid argument" past it.
const MAX_SOCKET_PATH = 100;

/** The files of an engine kept in `dir`; throws when the path is too long for its unix sockets. */
export function engineLayout(dir: string): EngineLayout {
  const abs = path.resolve(dir);
  const layout: EngineLayout = {
    dir: abs,
    dataRoot: path.join(abs, 'data'),
    execRoot: path.join(abs, 'exec'),
    pidFile: path.join(abs, 'dockerd.pid'),
    socket: path.join(abs, 'docker.sock'),
    configFile: path.join(abs, 'daemon.json'),
    logFile: path.join(abs, 'dockerd.log'),
  };
  const deepest = path.join(layout.execRoot, 'containerd', 'containerd.sock.ttrpc');
  if (Buffer.byteLength(deepest) > MAX_SOCKET_PATH) {
    throw new Error(`engineLayout: "${abs}" is too deep for unix sockets (${deepest} is over ${MAX_SOCKET_PATH} bytes); keep the project in a shorter path`);
  }
  return layout;
}

/** `unix://<socket>`: the DOCKER_HOST of a client talking to this engine. */
export function dockerHost(layout: EngineLayout): string {
  return `unix://${layout.socket}`;
}

/** Storage drivers in the order they are tried: overlay2 is fast; vfs works on any filesystem. */
export const STORAGE_DRIVERS = ['overlay2', 'vfs'] as const;
export type StorageDriver = (typeof STORAGE_DRIVERS)[number];

/**
 * The dockerd arguments of a private engine: no iptables rules and no bridge (the machine's network
 * is not ours to change), everything under the layout's folder, one unix socket.
 */
export function dockerdArgs(layout: EngineLayout, storageDriver: StorageDriver = 'overlay2'): string[] {
  return [
    '--iptables=false',
    '--ip6tables=false',
    '--bridge=none',
    `--storage-driver=${storageDriver}`,
    `--data-root=${layout.dataRoot}`,
    `--exec-root=${layout.execRoot}`,
    `--pidfile=${layout.pidFile}`,
    `--config-file=${layout.configFile}`,
    `--host=${dockerHost(layout)}`,
  ];
}

/** Whether a process command line (`/proc/<pid>/cmdline`, NUL-separated) is the dockerd of this layout. */
export function isEngineCommandLine(cmdline: string, layout: EngineLayout): boolean {
  const args = cmdline.split('\0').filter((a) => a !== '');
  return args.length > 0 && path.basename(args[0]) === 'dockerd' && args.includes(`--pidfile=${layout.pidFile}`);
}

/**
 * The id of the Docker container a process runs in, from its /proc/<pid>/cgroup text (the
 * cgroupfs driver puts it below `/docker/<64 hex digits>`); undefined outside a container.
 */
export function cgroupContainerId(cgroup: string): string | undefined {
  return /\/docker\/([0-9a-f]{64})(?:\/|$)/m.exec(cgroup)?.[1];
}

/** One line of /proc/self/mountinfo, reduced to what cleaning up needs. */
export interface MountEntry {
  readonly mountPoint: string;
  readonly fsType: string;
}

/** The mounts listed in /proc/self/mountinfo text (octal escapes such as `\040` decoded). */
export function parseMountInfo(text: string): MountEntry[] {
  const unescape = (s: string): string => s.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .flatMap((line) => {
      const fields = line.split(' ');
      const separator = fields.indexOf('-');
      if (fields.length < 5 || separator < 0) return [];
      return [{ mountPoint: unescape(fields[4]), fsType: fields[separator + 1] ?? '' }];
    });
}

/**
 * Mount points at or below any of `dirs`, deepest first: the order they can be unmounted in. dockerd
 * leaves `<exec-root>/netns/default` mounted when it stops, and a killed one leaves its containers'
 * overlay and shm mounts too.
 */
export function mountsBelow(mounts: readonly MountEntry[], dirs: readonly string[]): string[] {
  const roots = dirs.map((d) => path.resolve(d));
  const below = mounts.map((m) => m.mountPoint).filter((point) => roots.some((root) => point === root || point.startsWith(`${root}/`)));
  return [...new Set(below)].sort((a, b) => b.split('/').length - a.split('/').length || b.localeCompare(a));
}

/** An apt package and the file that tells it is installed. */
export interface AptPackage {
  readonly name: string;
  readonly binary: string;
}

/**
 * What the engine needs from Debian: the daemon (with containerd, runc and the 20.10 client that
 * can use BuildKit) and a registry server.
 */
export const ENGINE_PACKAGES: readonly AptPackage[] = [
  { name: 'docker.io', binary: '/usr/sbin/dockerd' },
  { name: 'docker-registry', binary: '/usr/bin/docker-registry' },
];

/** The docker client that comes with docker.io: it speaks the engine's API version and can build with BuildKit. */
export const ENGINE_CLIENT = '/usr/bin/docker';
