/**
 * The image through a registry, as ECS gets it from ECR: pushed to a local registry on 127.0.0.1
 * (fresh storage, so the push is a cold one), pulled by digest into a second engine that has never
 * held it nor its base, and run there. The digest that runs is the digest pushed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { useEngine, type Engine } from '../../scripts/docker-engine';
import { createSeededTables } from '../../scripts/lib/seeded-tables';
import { dockerCreateBody, localDynamoEnvironment } from '../../scripts/lib/task-container';
import { freePort } from '../../scripts/lib/free-port';
import { startRegistry, type LocalRegistry } from '../../scripts/local-registry';
import { startContainer, type ContainerState, type LocalContainer } from '../../scripts/local-task';
import { pullImage, pushImage, type ImageInfo, type PushedImage } from '../../scripts/service-image';
import { startDynalite, type TestDynalite } from '../support/dynalite';
import { CONTAINER_PREFIX, imageSuite, ms1, reportImage, ROOT, waitForStatus } from '../support/image-suite';

const { docker, image, task } = imageSuite();
/** Both folders are removed before and after: every run pushes to an empty registry and pulls into an empty engine. */
const REGISTRY_DIR = path.join(ROOT, '.local', 'docker', 'suite-registry');
const COLD_ENGINE_DIR = path.join(ROOT, '.local', 'docker', 'cold');

let registry: LocalRegistry;
let cold: Engine;
let dynamo: TestDynalite;
let pushed: PushedImage;
let pulled: ImageInfo & { ms: number };
let coldImagesBefore: string;
let container: LocalContainer;
let running: ContainerState;
let url: string;

beforeAll(async () => {
  fs.rmSync(REGISTRY_DIR, { recursive: true, force: true });
  fs.rmSync(COLD_ENGINE_DIR, { recursive: true, force: true });
  // Given the built image pushed to an empty registry on loopback
  [registry, cold, dynamo] = await Promise.all([startRegistry({ root: ROOT, dir: REGISTRY_DIR }), useEngine({ root: ROOT, dir: COLD_ENGINE_DIR }), startDynalite()]);
  pushed = await pushImage(docker, image.reference, registry.host);
  // When an engine that has no image at all pulls it by the pushed digest and runs it
  coldImagesBefore = await cold.docker.ok(['images', '--all', '--quiet']);
  pulled = await pullImage(cold.docker, pushed.digestReference);
  const tables = await createSeededTables(dynamo.endpoint, 'pulled');
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  const body = dockerCreateBody(task, {
    image: pushed.digestReference,
    network: 'host',
    environment: { ...localDynamoEnvironment(dynamo.endpoint, tables.names), PORT: String(port) },
    withoutHealthCheck: true,
  });
  container = await startContainer(cold.docker, `${CONTAINER_PREFIX}pulled`, body);
  await waitForStatus(`${url}/ready`, 200, 30_000);
  running = await container.state();
  const again = await pushImage(docker, image.reference, registry.host);
  reportImage('registry', {
    pushMs: ms1(pushed.ms),
    pushAgainMs: ms1(again.ms),
    coldPullMs: ms1(pulled.ms),
    registryStartMs: ms1(registry.startMs),
    digest: pushed.digest,
  });
});

afterAll(async () => {
  await container?.remove();
  await cold?.stop();
  await registry?.stop();
  await dynamo?.stop();
  if (pushed) await docker.run(['rmi', pushed.reference]);
  fs.rmSync(COLD_ENGINE_DIR, { recursive: true, force: true });
  fs.rmSync(REGISTRY_DIR, { recursive: true, force: true });
});

describe('the image through a local registry', () => {
  test('the second engine is a fresh one of its own, started for this test', () => {
    expect([cold.startedHere, cold.layout.socket === imageSuite().socket]).toEqual([true, false]);
  });

  test('the second engine held no image before the pull, not even the base', () => {
    expect(coldImagesBefore).toBe('');
  });

  test('the registry listens on loopback only', () => {
    expect(registry.host).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  test('the pull gets the manifest digest that was pushed', () => {
    expect(pulled.repoDigests).toContain(pushed.digestReference);
  });

  test('what was pulled is the image that was built (the same config digest)', () => {
    expect(pulled.id).toBe(image.id);
  });

  test('the container runs the pulled image, and it serves /ready from DynamoDB', async () => {
    const ready = await fetch(`${url}/ready`);
    expect({ running: running.running, image: running.image, ready: ready.status }).toEqual({ running: true, image: pulled.id, ready: 200 });
  });
});
