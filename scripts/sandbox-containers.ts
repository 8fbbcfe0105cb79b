/**
 * The sandbox's services as containers: with the project's engine (scripts/docker-engine.ts),
 * `npm run sandbox` builds the service image, pushes it to the loopback registry, deploys a task
 * definition naming exactly that pushed digest, then runs each service of that image as the
 * emulated ECS registered it: its environment, its secrets read from the emulated Secrets Manager or
 * SSM, port, user, read-only root with tmpfs writable paths, CPU and memory limits, health check
 * (waited for until `healthy`) and stop timeout. Without an engine the sandbox runs the bundle.
 * Pure parts in scripts/lib/sandbox-containers.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import type { AppConfig } from '../stacks/settings/config';
import { CONTAINER_NAME } from '../stacks/service-stack';
import { ensureEnginePackages, useEngine, type Engine } from './docker-engine';
import { pingEngine } from './lib/docker-cli';
import { ENGINE_DIR, ENGINE_PACKAGES, engineLayout } from './lib/docker-engine';
import { registryPort } from './lib/local-registry';
import {
  chooseRuntime,
  movedHealthCheck,
  pushedImageSetting,
  registeredTaskContainer,
  sandboxContainerEnvironment,
  sandboxContainerName,
  sandboxRuntimeSetting,
  secretLocation,
  secretRequest,
  secretValue,
  serviceNameOutput,
  servicesFileWithImage,
  type RegisteredTaskContainer,
} from './lib/sandbox-containers';
import { megabytes } from './lib/service-image';
import { dockerCreateBody } from './lib/task-container';
import { startRegistry, type LocalRegistry } from './local-registry';
import { startContainer, type LocalContainer } from './local-task';
import { buildServiceImage, pullImage, pushImage, type PushedImage, type ServiceImage } from './service-image';

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** Options of {@link prepareSandboxRuntime}. */
export interface PrepareRuntimeOptions {
  readonly root: string;
  /** SANDBOX_RUNTIME, REGISTRY_PORT and CDKTF_SERVICES_FILE are read from here. */
  readonly env: NodeJS.ProcessEnv;
  /** Where the services file copy and the containers' logs go. */
  readonly workDir: string;
  /** One line per step. */
  readonly say: (line: string) => void;
  /** The engine's folder. @default `<root>/.local/docker` */
  readonly engineDir?: string;
  /** The registry's folder. @default `<root>/.local/docker/registry` */
  readonly registryDir?: string;
  /** @default REGISTRY_PORT, else 5001 */
  readonly registryPort?: number;
}

/** How the sandbox runs its services, decided before the deploy. */
export type SandboxRuntime = BundleRuntime | ContainerRuntime;

/** The service bundle on this machine, as without an engine. */
export interface BundleRuntime {
  readonly runtime: 'bundle';
  readonly reason: string;
  readonly deployEnv: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

/** The image built and pushed; {@link ContainerRuntime.run} runs it once the stacks are deployed. */
export interface ContainerRuntime {
  readonly runtime: 'container';
  readonly reason: string;
  /** What the deploy adds: `CDKTF_IMAGE` naming the pushed digest, or `CDKTF_SERVICES_FILE` naming a copy that does. */
  readonly deployEnv: Readonly<Record<string, string>>;
  readonly engine: Engine;
  readonly registry: LocalRegistry;
  readonly image: ServiceImage;
  readonly pushed: PushedImage;
  run(options: RunContainersOptions): Promise<RunningContainers>;
  /** Stops the registry, and the engine if this run started it. */
  stop(): Promise<void>;
}

/** Whether the project's engine answers, or could be started, without installing anything. */
async function engineAvailability(engineDir: string) {
  return {
    answers: await pingEngine(engineLayout(engineDir).socket, 1000),
    installed: ENGINE_PACKAGES.every((p) => fs.existsSync(p.binary)),
    isRoot: process.getuid?.() === 0,
  };
}

/**
 * Chooses the runtime (SANDBOX_RUNTIME), and for containers starts the engine, builds the image,
 * starts the registry and pushes the image to it. Nothing of it is left running when it throws.
 */
export async function prepareSandboxRuntime(options: PrepareRuntimeOptions): Promise<SandboxRuntime> {
  const engineDir = options.engineDir ?? path.join(options.root, ENGINE_DIR);
  const choice = chooseRuntime(sandboxRuntimeSetting(options.env), await engineAvailability(engineDir));
  if (choice.runtime === 'bundle') return { runtime: 'bundle', reason: choice.reason, deployEnv: {}, stop: async () => undefined };

  if (choice.install) {
    const installed = await ensureEnginePackages(options.root);
    if (installed) options.say(`${'engine'.padEnd(17)} ${installed}`);
  }
  const began = performance.now();
  const engine = await useEngine({ root: options.root, dir: engineDir });
  let registry: LocalRegistry | undefined;
  try {
    options.say(
      `${'engine'.padEnd(17)} ${seconds(performance.now() - began).padStart(7)}  ${engine.startedHere ? 'started' : 'running'} (${choice.reason}); DOCKER_HOST=${engine.env.DOCKER_HOST}`,
    );
    const image = await buildServiceImage(engine.docker, options.root);
    options.say(
      `${'image'.padEnd(17)} ${seconds(image.bundleMs + image.buildMs + (image.base.built ? image.base.ms : 0)).padStart(7)}  ${image.reference}, ${megabytes(image.sizeBytes)} (bundle ${seconds(image.bundleMs)}, build ${seconds(image.buildMs)}${image.base.built ? `, base made ${seconds(image.base.ms)}` : ''})`,
    );
    registry = await startRegistry({ root: options.root, port: options.registryPort ?? registryPort(options.env), ...(options.registryDir ? { dir: options.registryDir } : {}) });
    const pushed = await pushImage(engine.docker, image.reference, registry.host);
    options.say(`${'pushed'.padEnd(17)} ${seconds(pushed.ms).padStart(7)}  ${pushed.digestReference}`);
    const deployEnv = deployVariables(options, pushed);
    const running = registry;
    return {
      runtime: 'container',
      reason: choice.reason,
      deployEnv,
      engine,
      registry: running,
      image,
      pushed,
      run: (runOptions) => runServiceContainers(engine, pushed, runOptions),
      stop: async () => {
        await running.stop();
        await engine.stop();
      },
    };
  } catch (error) {
    await registry?.stop();
    await engine.stop();
    throw error;
  }
}

/** `CDKTF_IMAGE=registry:<digest reference>`, or a services file copy in which every `build` service has that image. */
function deployVariables(options: PrepareRuntimeOptions, pushed: PushedImage): Record<string, string> {
  const image = pushedImageSetting(pushed.digestReference);
  const file = options.env.CDKTF_SERVICES_FILE?.trim();
  if (!file) return { CDKTF_IMAGE: image };
  const source = path.resolve(options.root, file);
  const copy = servicesFileWithImage(fs.readFileSync(source, 'utf8'), file, image);
  const target = path.join(options.workDir, `services-${path.basename(source)}`);
  fs.mkdirSync(options.workDir, { recursive: true });
  fs.writeFileSync(target, copy.text);
  options.say(
    `${'services file'.padEnd(17)} ${path.relative(options.root, target)}: ${copy.services.length > 0 ? `${copy.services.join(', ')} (image build) get the pushed image` : 'no service has image build, so none runs as a container'}`,
  );
  return { CDKTF_SERVICES_FILE: target };
}

/** Options of {@link ContainerRuntime.run}. */
export interface RunContainersOptions {
  /** The emulator, which every AWS endpoint of the containers points at. */
  readonly endpoint: string;
  /** The configuration the stacks were deployed with (CDKTF_IMAGE or the services file copy applied). */
  readonly config: AppConfig;
  /** The service stack's outputs: cluster_name and each service's ECS name. */
  readonly outputs: Readonly<Record<string, unknown>>;
  /** Moves the port of the only container (PORT); its health check follows. @default the task's */
  readonly port?: number;
  /** Each container's log is saved here when it stops. */
  readonly logDir: string;
  readonly say: (line: string) => void;
}

/** One service running as a container. */
export interface SandboxContainer {
  /** The stack's service name (e.g. `product`). */
  readonly service: string;
  readonly ecsService: string;
  readonly taskDefinitionArn: string;
  readonly task: RegisteredTaskContainer;
  readonly container: LocalContainer;
  readonly url: string;
  /** From start to `healthy` (or the first /health answer without a health check). */
  readonly healthyMs: number;
}

/** The services' containers and how to stop them. */
export interface RunningContainers {
  readonly containers: readonly SandboxContainer[];
  /** `docker pull` of the pushed digest. */
  readonly pullMs: number;
  /** Checks every few seconds that each container still runs; calls `onExit` for the first that does not. Keeps the process alive until {@link stop}. */
  watch(onExit: (container: SandboxContainer, exitCode: number) => void): void;
  /** Stops each container within its stop timeout, saves its log to `<logDir>/<name>.log` and removes it. */
  stop(): Promise<void>;
}

/** Reads a registered task definition back from the emulated ECS: DescribeServices, then DescribeTaskDefinition. */
export async function describeTask(options: { endpoint: string; region: string; cluster: string; service: string }): Promise<{ arn: string; task: RegisteredTaskContainer }> {
  const ecs = new ECSClient({ endpoint: options.endpoint, region: options.region, credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' }, maxAttempts: 2 });
  try {
    const described = await ecs.send(new DescribeServicesCommand({ cluster: options.cluster, services: [options.service] }));
    const arn = described.services?.find((s) => s.status === 'ACTIVE')?.taskDefinition;
    if (!arn) throw new Error(`ECS has no active service ${options.service} in cluster ${options.cluster}`);
    const { taskDefinition } = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }));
    return { arn, task: registeredTaskContainer(taskDefinition ?? {}, CONTAINER_NAME) };
  } finally {
    ecs.destroy();
  }
}

/**
 * The value of one secret in the emulated Secrets Manager or SSM, as ECS would inject it. Both speak
 * AWS's JSON protocol; moto routes on the credential scope and checks no signature, so the request
 * carries only the scope (the region and the service), never a real key.
 */
export async function readEmulatedSecret(endpoint: string, region: string, variable: string, valueFrom: string): Promise<string> {
  const location = secretLocation(valueFrom);
  const request = secretRequest(location);
  const arnRegion = /^arn:[^:]+:[^:]+:([^:]+):/.exec(valueFrom)?.[1] ?? region;
  const day = new Date().toISOString().slice(0, 10).replace(/-/g, '');
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': request.target,
      authorization: `AWS4-HMAC-SHA256 Credential=sandbox/${day}/${arnRegion}/${request.service}/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify(request.body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${variable}: ${request.target} of ${valueFrom} answered ${response.status}: ${text.slice(0, 200)}`);
  return secretValue(location, JSON.parse(text) as unknown, variable);
}

/** Every secret of a task, resolved: variable name → value. */
async function resolveSecrets(endpoint: string, region: string, task: RegisteredTaskContainer): Promise<Record<string, string>> {
  const entries = await Promise.all(Object.entries(task.secrets).map(async ([name, valueFrom]) => [name, await readEmulatedSecret(endpoint, region, name, valueFrom)] as const));
  return Object.fromEntries(entries);
}

/** Waits until the container is `healthy`, or, without a health check, until `/health` answers 200. */
async function waitUntilServing(container: LocalContainer, task: RegisteredTaskContainer, url: string): Promise<number> {
  const check = task.container.healthCheck;
  // ECS's defaults; the first check runs one interval after the start.
  if (check) return container.waitForHealth('healthy', ((check.startPeriod ?? 0) + (check.interval ?? 30) * ((check.retries ?? 3) + 1) + 30) * 1000);
  const began = performance.now();
  for (;;) {
    const ok = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return performance.now() - began;
    const state = await container.state();
    if (!state.running || performance.now() - began > 60_000)
      throw new Error(`container ${container.name} never answered ${url}/health (${state.running ? 'running' : `exit ${state.exitCode}`})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Runs, as containers of the pushed digest, the services whose task definition names it: pulls the
 * digest, reads each task definition back from the emulated ECS, resolves its secrets, creates the
 * container as the task says (scripts/lib/task-container.ts) on the host network and waits for it.
 */
export async function runServiceContainers(engine: Engine, pushed: PushedImage, options: RunContainersOptions): Promise<RunningContainers> {
  const { config } = options;
  const services = config.service.services;
  const ours = services.filter((s) => s.image.kind === 'registry' && s.image.reference === pushed.digestReference);
  if (ours.length === 0) throw new Error(`no service of the deployed configuration has the pushed image ${pushed.digestReference}; give one the image build`);
  if (options.port !== undefined && ours.length > 1) throw new Error(`PORT=${options.port} can move the port of one container, not of ${ours.length}; unset PORT`);
  const pulled = await pullImage(engine.docker, pushed.digestReference);
  options.say(`${'pulled'.padEnd(17)} ${seconds(pulled.ms).padStart(7)}  ${pushed.digestReference} (${pulled.id.slice(0, 19)})`);

  const started: SandboxContainer[] = [];
  let watcher: NodeJS.Timeout | undefined;
  const stop = async () => {
    clearInterval(watcher);
    fs.mkdirSync(options.logDir, { recursive: true });
    for (const { container } of [...started].reverse()) {
      const stopped = await container.stop();
      fs.writeFileSync(path.join(options.logDir, `${container.name}.log`), await container.logs());
      await container.remove();
      options.say(`${container.name} stopped in ${seconds(stopped.ms)}, exit code ${stopped.exitCode}; its log: ${path.join(options.logDir, `${container.name}.log`)}`);
    }
  };
  try {
    for (const service of ours) {
      const ecsService = String(options.outputs[serviceNameOutput(service.name, services.length)]);
      const { arn, task } = await describeTask({ endpoint: options.endpoint, region: config.region, cluster: String(options.outputs.cluster_name), service: ecsService });
      if (task.container.image !== pushed.digestReference) {
        throw new Error(`task definition ${arn} names ${task.container.image}, not the pushed ${pushed.digestReference}; the deploy did not take the image`);
      }
      const taskPort = task.container.portMappings?.[0]?.containerPort ?? 8080;
      const port = options.port ?? taskPort;
      const secrets = await resolveSecrets(options.endpoint, config.region, task);
      const body = dockerCreateBody(
        { ...task, container: movedHealthCheck(task.container, port) },
        {
          image: task.container.image,
          network: 'host',
          environment: { ...secrets, ...sandboxContainerEnvironment(options.endpoint, port === taskPort ? undefined : port) },
        },
      );
      const began = performance.now();
      const container = await startContainer(engine.docker, sandboxContainerName(ecsService), body);
      const url = `http://localhost:${port}`;
      started.push({ service: service.name, ecsService, taskDefinitionArn: arn, task, container, url, healthyMs: 0 });
      const healthyMs = await waitUntilServing(container, task, url).catch(async (error: unknown) => {
        const logs = await container.logs();
        throw new Error(`${error instanceof Error ? error.message : String(error)}\n${logs.trim().split('\n').slice(-5).join('\n')}`);
      });
      started[started.length - 1] = { ...started[started.length - 1], healthyMs };
      options.say(
        `${service.name.padEnd(17)} ${seconds(performance.now() - began).padStart(7)}  container ${container.name} ${task.container.healthCheck ? 'healthy' : 'serving'} on ${url}: user ${task.container.user ?? 'of the image'}, ${task.cpu} CPU units, ${task.memoryMiB} MiB, ${task.container.readonlyRootFilesystem ? 'read-only root' : 'writable root'}${Object.keys(task.secrets).length > 0 ? `, secrets ${Object.keys(task.secrets).join(', ')}` : ''}`,
      );
    }
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
  const watch = (onExit: (container: SandboxContainer, exitCode: number) => void) => {
    let reported = false;
    watcher = setInterval(() => {
      void Promise.all(started.map(async (c) => [c, await c.container.state().catch(() => undefined)] as const)).then((states) => {
        const gone = states.find(([, state]) => state !== undefined && !state.running);
        if (gone && !reported) {
          reported = true;
          onExit(gone[0], gone[1]?.exitCode ?? 1);
        }
      });
    }, 5000);
  };
  return { containers: started, pullMs: pulled.ms, watch, stop };
}
