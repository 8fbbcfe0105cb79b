/**
 * The service image, built for real with the project's engine: service/dist (`npm run build:service`),
 * then service/Dockerfile unchanged on the local Node base, tagged with the content hash of its
 * context; and its way through a registry (push, pull by digest).
 */
import { execFile } from 'node:child_process';
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
  /** `service/dist` (esbuild). */
  readonly bundleMs: number;
  /** `docker build` alone. */
  readonly buildMs: number;
}

/** What `docker image inspect` says of `reference`. */
export async function inspectImage(docker: DockerClient, reference: string): Promise<ImageInfo> {
  const image = JSON.parse(await docker.ok(['image', 'inspect', '--format', '{{json .}}', reference])) as { Id: string; Size: number; RepoDigests: string[] | null };
  return { reference, id: image.Id, sizeBytes: image.Size, repoDigests: image.RepoDigests ?? [] };
}

/** Builds service/dist, the local base when the engine lacks it, and the service image on it. */
export async function buildServiceImage(docker: DockerClient, root: string): Promise<ServiceImage> {
  const bundleStart = performance.now();
  await promisify(execFile)(process.execPath, [path.join(root, 'service', 'build.mjs')], { cwd: root });
  const bundleMs = performance.now() - bundleStart;
  const base = await ensureNodeBase(docker, { root });
  const context = path.join(root, 'service');
  // The base is part of the tag: the same files on another Node make another image.
  const reference = serviceImageReference(hashBuildContext(context, { dockerfile: 'Dockerfile', extra: [`base=${base.imageId}`] }).hash);
  const buildStart = performance.now();
  // BuildKit (the docker.io client): the 28.x client on PATH would fall back to the deprecated builder.
  await docker.ok(['build', '--quiet', '--build-arg', `${BASE_IMAGE_ARG}=${base.tag}`, '--tag', reference, '--file', path.join(context, 'Dockerfile'), context], {
    env: { DOCKER_BUILDKIT: '1' },
  });
  const buildMs = performance.now() - buildStart;
  return { ...(await inspectImage(docker, reference)), base, bundleMs, buildMs };
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
