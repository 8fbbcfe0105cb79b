/**
 * `npm run image`: the service image, built for real on the project's own Docker engine
 * (scripts/docker-engine.ts) on a local Node base (scripts/node-base.ts); prints its reference and
 * size. `-- --run` then runs it as the dev task definition says, against a seeded in-memory dynalite
 * or `--endpoint`; `-- --push` pushes it to a local registry on 127.0.0.1. The engine is started when
 * it is not running and stopped at the end if this command started it.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { physicalName } from '../stacks/lib/naming';
import { loadConfig } from '../stacks/settings/config';
import { useEngine, type Engine } from './docker-engine';
import { ENGINE_CLIENT } from './lib/docker-engine';
import { StepFailure } from './lib/quiet-run';
import { createSeededTables } from './lib/seeded-tables';
import { megabytes, parseImageCommand, type ImageCommand } from './lib/service-image';
import { dockerCreateBody, localDynamoEnvironment, type CatalogTableNames } from './lib/task-container';
import { startLocalDynamo } from './local-dynamodb';
import { registryPort } from './lib/local-registry';
import { startRegistry } from './local-registry';
import { startContainer, synthesizedTaskContainer } from './local-task';
import { runAsScript } from './run-as-script';
import { buildServiceImage, pushImage, type ServiceImage } from './service-image';

const ROOT = path.resolve(__dirname, '..');
/** The name of the container `--run` starts; a leftover of an interrupted run is replaced. */
const RUN_CONTAINER = 'bookmarks-service-run';

const log = (message: string): void => void process.stderr.write(`[image] ${message}\n`);
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** Pushes to a registry started for the push; its storage stays in .local/docker/registry/. */
async function push(engine: Engine, image: ServiceImage): Promise<void> {
  const registry = await startRegistry({ root: ROOT, port: registryPort(process.env) });
  try {
    const pushed = await pushImage(engine.docker, image.reference, registry.host);
    log(`pushed in ${seconds(pushed.ms)} to the registry on ${registry.host} (REGISTRY_PORT), stopped again; its storage stays in ${path.relative(ROOT, registry.layout.storage)}`);
    console.log(pushed.digestReference);
  } finally {
    await registry.stop();
  }
}

/** Runs the image as the dev task definition says, on the host network, until Ctrl-C. */
async function run(engine: Engine, image: ServiceImage, command: ImageCommand): Promise<void> {
  const task = await synthesizedTaskContainer(ROOT, 'dev');
  const taskPort = task.container.portMappings?.[0]?.containerPort ?? 8080;
  const port = command.port ?? taskPort;
  let tables: CatalogTableNames;
  let endpoint = command.endpoint;
  let stopDynamo = async (): Promise<void> => undefined;
  if (endpoint === undefined) {
    const dynamo = await startLocalDynamo({ inMemory: true, port: 0 });
    stopDynamo = dynamo.stop;
    endpoint = dynamo.endpoint;
    tables = (await createSeededTables(endpoint, 'image')).names;
    log(`in-memory dynalite on ${endpoint}, seeded from data/`);
  } else {
    // The tables `npm start` and `npm run data:local` deploy.
    const config = loadConfig({ ...process.env, CDKTF_ENV: 'local' }, ROOT);
    tables = { category: physicalName(config, 'category'), resource: physicalName(config, 'resource'), bookmark: physicalName(config, 'bookmark') };
  }
  const body = dockerCreateBody(task, {
    image: image.reference,
    network: 'host',
    environment: { ...localDynamoEnvironment(endpoint, tables), ...(port === taskPort ? {} : { PORT: String(port) }) },
    // The task's check probes the task's port.
    withoutHealthCheck: port !== taskPort,
  });
  const began = performance.now();
  const container = await startContainer(engine.docker, RUN_CONTAINER, body);
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    const ok = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (!(await container.state()).running || performance.now() - began > 30_000) {
      const output = await container.logs();
      await container.remove();
      await stopDynamo();
      throw new StepFailure(`the container never answered ${url}/health:\n${output.trim().split('\n').slice(-5).join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  log(
    `running as ${task.family}'s task definition says (user ${task.container.user}, ${task.cpu} CPU units, ${task.memoryMiB} MiB, read-only root): ${url} after ${seconds(performance.now() - began)}; Ctrl-C stops it`,
  );
  // The service's JSON log lines, as they come; the client ends when the container stops.
  const logs = spawn(ENGINE_CLIENT, ['logs', '--follow', container.id], { env: { ...process.env, ...engine.env }, stdio: ['ignore', 'inherit', 'inherit'] });
  // Kept for the whole clean-up: Ctrl-C reaches this process twice (from the terminal and relayed by
  // npm), and the second one must not end it before the container and the engine are stopped.
  await new Promise<void>((resolve) => {
    process.on('SIGINT', () => resolve());
    process.on('SIGTERM', () => resolve());
  });
  const stopped = await container.stop();
  logs.kill();
  log(`stopped in ${seconds(stopped.ms)}, exit code ${stopped.exitCode}`);
  await container.remove();
  await stopDynamo();
}

async function main(): Promise<void> {
  const command = parseImageCommand(process.argv.slice(2));
  const engine = await useEngine({ root: ROOT });
  try {
    const image = await buildServiceImage(engine.docker, ROOT);
    const base = image.base;
    log(`base ${base.tag} (Node ${base.nodeVersion}, ${megabytes(base.sizeBytes)})${base.built ? `, made in ${seconds(base.ms)}` : ''}`);
    log(`bundle in ${seconds(image.bundleMs)}, image in ${seconds(image.buildMs)}: ${megabytes(image.sizeBytes)}, ${megabytes(image.sizeBytes - base.sizeBytes)} on its base`);
    console.log(image.reference);
    if (command.push) await push(engine, image);
    if (command.run) await run(engine, image, command);
  } finally {
    await engine.stop();
  }
}

runAsScript(module, main);
