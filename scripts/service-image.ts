/**
 * The service image, built for real with the project's engine: the bundle (service/build.mjs) and
 * service/Dockerfile unchanged on the local Node base, in a build context of its own, tagged with the
 * content hash of that context; and its way through a registry (push, pull by digest).
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { hashBuildContext } from '../stacks/lib/context-hash';
import type { DockerClient } from './lib/docker-cli';
import { BASE_IMAGE_ARG } from './lib/node-base';
import { digestReference, pushedDigest, registryReference, serviceImageReference } from './lib/service-image';
import { ensureNodeBase, type NodeBase } from './node-base';

/** An image in an engine. */
export interface ImageInfo {
  readonly reference: string;
  /** The config digest (`sha256:…`): the same in every engine that has the image. */
  readonly id: string;
  readonly sizeBytes: number;
  /** `repo@sha256:…` for each registry the image was pushed to or pulled from. */
  readonly repoDigests: readonly string[];
}

/** The built service image and how long each part took. */
export interface ServiceImage extends ImageInfo {
  readonly base: NodeBase;
  /** The bundle (esbuild), built into the private build context. */
  readonly bundleMs: number;
  /** `docker build` alone. */
  readonly buildMs: number;
}

/** What `docker image inspect` says of `reference`. */
export async function inspectImage(docker: DockerClient, reference: string): Promise<ImageInfo> {
  const image = JSON.parse(await docker.ok(['image', 'inspect', '--format', '{{json .}}', reference])) as { Id: string; Size: number; RepoDigests: string[] | null };
  return { reference, id: image.Id, sizeBytes: image.Size, repoDigests: image.RepoDigests ?? [] };
}

/** What a build context needs of service/: the Dockerfile and its ignore file; `dist/` is built into it. */
const CONTEXT_FILES = ['Dockerfile', '.dockerignore'] as const;

/**
 * Builds the bundle, the local base when the engine lacks it, and the service image on it. The
 * build context is a temporary copy of service/'s Dockerfile and .dockerignore with the bundle built
 * into its `dist/`, never service/ itself: build.mjs empties its output folder first, so two builds
 * sharing service/dist (the sandbox and the image suite, say) would break each other. The tag is
 * the content hash of what `docker build` sends, the same as for service/ with the same bundle.
 */
export async function buildServiceImage(docker: DockerClient, root: string): Promise<ServiceImage> {
  const context = fs.mkdtempSync(path.join(os.tmpdir(), 'service-image-'));
  try {
    for (const file of CONTEXT_FILES) fs.copyFileSync(path.join(root, 'service', file), path.join(context, file));
    const bundleStart = performance.now();
    await promisify(execFile)(process.execPath, [path.join(root, 'service', 'build.mjs'), '--outdir', path.join(context, 'dist')], { cwd: root });
    const bundleMs = performance.now() - bundleStart;
    const base = await ensureNodeBase(docker, { root });
    // The base is part of the tag: the same files on another Node make another image.
    const reference = serviceImageReference(hashBuildContext(context, { dockerfile: 'Dockerfile', extra: [`base=${base.imageId}`] }).hash);
    const buildStart = performance.now();
    // BuildKit (the docker.io client): the 28.x client on PATH would fall back to the deprecated builder.
    await docker.ok(['build', '--quiet', '--build-arg', `${BASE_IMAGE_ARG}=${base.tag}`, '--tag', reference, '--file', path.join(context, 'Dockerfile'), context], {
      env: { DOCKER_BUILDKIT: '1' },
    });
    const buildMs = performance.now() - buildStart;
    return { ...(await inspectImage(docker, reference)), base, bundleMs, buildMs };
  } finally {
    fs.rmSync(context, { recursive: true, force: true });
  }
}

/** A push to a registry. */
export interface PushedImage {
  /** `<registry>/<name>:<tag>` */
  readonly reference: string;
  /** The manifest digest the registry stored. */
  readonly digest: string;
  /** `<registry>/<name>@<digest>`: what pulls exactly this image. */
  readonly digestReference: string;
  readonly ms: number;
}

/** Tags `reference` for the registry at `host` and pushes it. */
export async function pushImage(docker: DockerClient, reference: string, host: string): Promise<PushedImage> {
  const target = registryReference(host, reference);
  await docker.ok(['tag', reference, target]);
  const result = await docker.run(['push', target]);
  if (result.code !== 0) throw new Error(`docker push ${target} failed: ${result.stderr.trim() || result.stdout.trim()}`);
  const digest = pushedDigest(result.stdout);
  return { reference: target, digest, digestReference: digestReference(target, digest), ms: result.ms };
}

/** Pulls `reference` (by digest, to get exactly what was pushed). */
export async function pullImage(docker: DockerClient, reference: string): Promise<ImageInfo & { readonly ms: number }> {
  const result = await docker.run(['pull', '--quiet', reference]);
  if (result.code !== 0) throw new Error(`docker pull ${reference} failed: ${result.stderr.trim() || result.stdout.trim()}`);
  return { ...(await inspectImage(docker, reference)), ms: result.ms };
}
