/**
 * A local base image equivalent to the `node:<version>-bookworm-slim` that service/Dockerfile names,
 * for an engine that cannot pull from Docker Hub: the official Node binary from the npm package
 * `node-linux-<arch>` at the version the Dockerfile names, the host's glibc libraries it links, and
 * the `node` user, `FROM scratch`. Made once per Node version and kept in the engine.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { DockerClient } from './lib/docker-cli';
import { ENGINE_DIR } from './lib/docker-engine';
import {
  baseDockerfile,
  baseEtcFiles,
  baseImageArg,
  baseRecipe,
  lddLibraries,
  localBaseTag,
  newestMatching,
  nodeBinaryPackage,
  nodeImageVersion,
  RECIPE_LABEL,
  type BaseImageArg,
} from './lib/node-base';
import { StepFailure } from './lib/quiet-run';

const run = promisify(execFile);

/** The base a service image builds on locally. */
export interface NodeBase {
  /** The Dockerfile's build argument and its public default. */
  readonly arg: BaseImageArg;
  /** e.g. `local/node:22.23.5-bookworm-slim` */
  readonly tag: string;
  /** The exact Node version inside. */
  readonly nodeVersion: string;
  readonly imageId: string;
  readonly sizeBytes: number;
  /** False when the engine had it already. */
  readonly built: boolean;
  readonly ms: number;
}

/** The exact Node versions npm publishes `pkg` at. */
async function publishedVersions(pkg: string): Promise<string[]> {
  try {
    const { stdout } = await run('npm', ['view', pkg, 'versions', '--json'], { maxBuffer: 16 * 1024 * 1024 });
    return JSON.parse(stdout) as string[];
  } catch (error) {
    throw new StepFailure(`npm view ${pkg} versions failed (${(error as Error).message.split('\n')[0]}); the local base needs the npm registry once per Node version`);
  }
}

/** Options of {@link ensureNodeBase}. */
export interface NodeBaseOptions {
  readonly root: string;
  /** @default `<root>/service/Dockerfile` */
  readonly dockerfile?: string;
}

/** The local base for the Node version of the Dockerfile, made when the engine does not have it. */
export async function ensureNodeBase(docker: DockerClient, options: NodeBaseOptions): Promise<NodeBase> {
  const began = performance.now();
  const arg = baseImageArg(fs.readFileSync(options.dockerfile ?? path.join(options.root, 'service', 'Dockerfile'), 'utf8'));
  const wanted = nodeImageVersion(arg.defaultImage);
  const pkg = nodeBinaryPackage();
  const cache = path.join(options.root, ENGINE_DIR, 'base');
  fs.mkdirSync(cache, { recursive: true });

  // An exact version in the tag needs no lookup; a major or minor one is the newest release npm has.
  const exact = /^\d+\.\d+\.\d+$/.test(wanted.version) ? wanted.version : newestMatching(await publishedVersions(pkg), wanted.version);
  if (exact === undefined) throw new StepFailure(`npm has no ${pkg} release for Node ${wanted.version} (the Dockerfile's ${arg.defaultImage})`);
  const tag = localBaseTag(exact, wanted.variant);
  const inspect = async () => {
    const found = await docker.run(['image', 'inspect', '--format', '{{json .}}', tag]);
    return found.code === 0 ? (JSON.parse(found.stdout) as { Id: string; Size: number; Config: { Labels: Record<string, string> | null } }) : undefined;
  };
  const present = await inspect();
  if (present?.Config.Labels?.[RECIPE_LABEL] === baseRecipe(exact, pkg)) {
    return { arg, tag, nodeVersion: exact, imageId: present.Id, sizeBytes: present.Size, built: false, ms: performance.now() - began };
  }

  const tarball = path.join(cache, `${pkg}-${exact}.tgz`);
  if (!fs.existsSync(tarball)) {
    // npm pack only downloads the tarball: nothing is installed and no install script runs.
    await run('npm', ['pack', `${pkg}@${exact}`, '--pack-destination', cache, '--silent'], { cwd: cache, maxBuffer: 16 * 1024 * 1024 });
    if (!fs.existsSync(tarball)) throw new StepFailure(`npm pack ${pkg}@${exact} did not write ${tarball}`);
  }
  const context = fs.mkdtempSync(path.join(cache, 'context-'));
  try {
    const rootfs = path.join(context, 'rootfs');
    const bin = path.join(rootfs, 'usr', 'local', 'bin');
    fs.mkdirSync(bin, { recursive: true });
    await run('tar', ['-xzf', tarball, '-C', context, 'package/bin/node']);
    fs.renameSync(path.join(context, 'package', 'bin', 'node'), path.join(bin, 'node'));
    const { stdout } = await run('ldd', [path.join(bin, 'node')]);
    for (const library of lddLibraries(stdout)) {
      const target = path.join(rootfs, library);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      // Dereferenced: the loader path (/lib64/...) is a symlink on the host, a plain file in the image.
      fs.copyFileSync(fs.realpathSync(library), target);
    }
    for (const [file, text] of Object.entries(baseEtcFiles())) {
      fs.mkdirSync(path.dirname(path.join(rootfs, file)), { recursive: true });
      fs.writeFileSync(path.join(rootfs, file), text);
    }
    fs.mkdirSync(path.join(context, 'home'));
    fs.mkdirSync(path.join(rootfs, 'tmp'));
    fs.chmodSync(path.join(rootfs, 'tmp'), 0o1777);
    fs.writeFileSync(path.join(context, 'Dockerfile'), baseDockerfile(exact, pkg));
    await docker.ok(['build', '--quiet', '--tag', tag, context], { env: { DOCKER_BUILDKIT: '1' } });
  } finally {
    fs.rmSync(context, { recursive: true, force: true });
  }
  const image = await inspect();
  if (!image) throw new StepFailure(`docker build of ${tag} succeeded but the engine has no such image`);
  return { arg, tag, nodeVersion: exact, imageId: image.Id, sizeBytes: image.Size, built: true, ms: performance.now() - began };
}
