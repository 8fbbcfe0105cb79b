/**
 * The pure parts of the sandbox's containers (scripts/sandbox-containers.ts): which runtime runs the
 * service, the image setting that names the pushed digest, the services file in which `build`
 * services get that image, a task definition as the emulated ECS returns it mapped to the container
 * the engine runs, and where each of its secrets lives in the emulated Secrets Manager or SSM.
 */
import type { EcsContainerDefinition, TaskContainer } from './task-container';

/** How `npm run sandbox` runs the service, from `SANDBOX_RUNTIME`. */
export const SANDBOX_RUNTIMES = ['auto', 'container', 'bundle'] as const;
export type SandboxRuntimeSetting = (typeof SANDBOX_RUNTIMES)[number];

/** `SANDBOX_RUNTIME` from the environment, `auto` when unset; throws for anything else. */
export function sandboxRuntimeSetting(env: NodeJS.ProcessEnv): SandboxRuntimeSetting {
  const raw = env.SANDBOX_RUNTIME?.trim() ?? '';
  if (raw === '') return 'auto';
  if ((SANDBOX_RUNTIMES as readonly string[]).includes(raw)) return raw as SandboxRuntimeSetting;
  throw new Error(`SANDBOX_RUNTIME="${raw}" is not a sandbox runtime; use ${SANDBOX_RUNTIMES.join(', ')} (auto: containers when the engine can run)`);
}

/** What the machine offers for containers. */
export interface EngineAvailability {
  /** The project's engine answers on its socket. */
  readonly answers: boolean;
  /** Debian's docker.io (dockerd) is installed. */
  readonly installed: boolean;
  readonly isRoot: boolean;
}

/** The runtime chosen, and why, for the `runtime` line. */
export interface RuntimeChoice {
  readonly runtime: 'container' | 'bundle';
  /** Install docker.io and docker-registry with apt first (only when containers were asked for). */
  readonly install: boolean;
  readonly reason: string;
}

/**
 * Containers when asked for (installing what is missing), or under `auto` when the engine answers
 * or can be started (docker.io installed, and root to run dockerd); `auto` never installs.
 */
export function chooseRuntime(setting: SandboxRuntimeSetting, engine: EngineAvailability): RuntimeChoice {
  if (setting === 'bundle') return { runtime: 'bundle', install: false, reason: 'SANDBOX_RUNTIME=bundle' };
  if (setting === 'container') return { runtime: 'container', install: !engine.installed, reason: 'SANDBOX_RUNTIME=container' };
  if (engine.answers) return { runtime: 'container', install: false, reason: 'the project engine answers' };
  if (engine.installed && engine.isRoot) return { runtime: 'container', install: false, reason: 'docker.io is installed and we are root' };
  const why = engine.installed ? 'dockerd needs root' : 'docker.io is not installed';
  return { runtime: 'bundle', install: false, reason: `no Docker engine: ${why} (SANDBOX_RUNTIME=container installs it)` };
}

/** The `CDKTF_IMAGE` value naming exactly one pushed manifest, `registry:<host>/<name>@sha256:…`. */
export function pushedImageSetting(digestReference: string): string {
  if (!/@sha256:[0-9a-f]{64}$/.test(digestReference)) throw new Error(`pushedImageSetting: "${digestReference}" names no digest; push the image first`);
  return `registry:${digestReference}`;
}

/**
 * A services file (its JSON text) in which every service whose image is `build` (service/, the
 * image just pushed) gets `image` instead; `build:<directory>` services are other images and stay.
 * A replaced service keeps `catalog: true` unless it said otherwise: `build` implies it, and without
 * it the catalog API would lose its table variables and health check. Returns the new text and the
 * names of the services that changed.
 */
export function servicesFileWithImage(text: string, file: string, image: string): { text: string; services: string[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file}: not JSON (${error instanceof Error ? error.message : String(error)}); fix the file CDKTF_SERVICES_FILE names`);
  }
  const services = (parsed as { services?: unknown }).services;
  if (!Array.isArray(services)) throw new Error(`${file}: services is not an array; see docs/services.md`);
  const changed: string[] = [];
  const rewritten = services.map((service: Record<string, unknown>) => {
    if (service?.image !== 'build') return service;
    changed.push(String(service.name));
    return { ...service, image, catalog: service.catalog ?? true };
  });
  return { text: `${JSON.stringify({ ...(parsed as object), services: rewritten }, null, 2)}\n`, services: changed };
}

/** The stack output holding a service's ECS service name: `service_name` with one service, `<name>_service_name` with several. */
export function serviceNameOutput(serviceName: string, serviceCount: number): string {
  return serviceCount > 1 ? `${serviceName}_service_name` : 'service_name';
}

/** The fields of a task definition, as DescribeTaskDefinition returns it, that running it needs. */
export interface RegisteredTaskDefinition {
  readonly family?: string;
  readonly cpu?: string;
  readonly memory?: string;
  readonly containerDefinitions?: readonly RegisteredContainerDefinition[];
  readonly volumes?: readonly { readonly name?: string; readonly efsVolumeConfiguration?: unknown }[];
}

/** A container definition as the ECS API returns it: the fields of the synthesized one, every one optional. */
export interface RegisteredContainerDefinition {
  readonly name?: string;
  readonly image?: string;
  readonly essential?: boolean;
  readonly command?: readonly string[];
  readonly entryPoint?: readonly string[];
  readonly workingDirectory?: string;
  readonly environment?: readonly { readonly name?: string; readonly value?: string }[];
  readonly secrets?: readonly { readonly name?: string; readonly valueFrom?: string }[];
  readonly portMappings?: readonly { readonly containerPort?: number; readonly protocol?: string }[];
  readonly user?: string;
  readonly readonlyRootFilesystem?: boolean;
  readonly mountPoints?: readonly { readonly sourceVolume?: string; readonly containerPath?: string; readonly readOnly?: boolean }[];
  readonly healthCheck?: { readonly command?: readonly string[]; readonly interval?: number; readonly timeout?: number; readonly retries?: number; readonly startPeriod?: number };
  readonly stopTimeout?: number;
  readonly memory?: number;
  readonly linuxParameters?: { readonly initProcessEnabled?: boolean };
  readonly ulimits?: readonly { readonly name?: string; readonly softLimit?: number; readonly hardLimit?: number }[];
}

/** A registered task's container, as the engine runs it, and the secrets ECS would inject into it. */
export interface RegisteredTaskContainer extends TaskContainer {
  /** Variable name → `valueFrom` (a Secrets Manager or SSM ARN). */
  readonly secrets: Readonly<Record<string, string>>;
}

/**
 * The container `containerName` of a registered task definition, in the shape the engine's create
 * body is made from (scripts/lib/task-container.ts). Throws when it is missing, when the task has no
 * size, or when it mounts a volume that is not task scratch space.
 */
export function registeredTaskContainer(definition: RegisteredTaskDefinition, containerName: string): RegisteredTaskContainer {
  const family = definition.family ?? '(no family)';
  const found = (definition.containerDefinitions ?? []).find((c) => c.name === containerName);
  if (!found) {
    throw new Error(`task definition ${family} has no container "${containerName}"; it has ${(definition.containerDefinitions ?? []).map((c) => c.name).join(', ') || 'none'}`);
  }
  const cpu = Number(definition.cpu);
  const memoryMiB = Number(definition.memory);
  if (!(cpu > 0) || !(memoryMiB > 0))
    throw new Error(`task definition ${family} has no task size (cpu "${definition.cpu}", memory "${definition.memory}"); Fargate tasks need both`);
  const scratch = new Set((definition.volumes ?? []).filter((v) => v.efsVolumeConfiguration === undefined).map((v) => v.name));
  const mounts = (found.mountPoints ?? []).flatMap((m) =>
    m.sourceVolume === undefined || m.containerPath === undefined ? [] : [{ sourceVolume: m.sourceVolume, containerPath: m.containerPath, readOnly: m.readOnly ?? false }],
  );
  const elsewhere = mounts.filter((m) => !scratch.has(m.sourceVolume));
  if (elsewhere.length > 0) {
    throw new Error(
      `task definition ${family}: ${containerName} mounts ${elsewhere.map((m) => m.sourceVolume).join(', ')}, which is not task scratch space (EFS); a local engine cannot mount it`,
    );
  }
  const check = found.healthCheck;
  const container: EcsContainerDefinition = {
    name: containerName,
    image: found.image ?? '',
    ...(found.essential === undefined ? {} : { essential: found.essential }),
    ...(found.command ? { command: found.command } : {}),
    ...(found.entryPoint ? { entryPoint: found.entryPoint } : {}),
    ...(found.workingDirectory ? { workingDirectory: found.workingDirectory } : {}),
    environment: (found.environment ?? []).map((e) => ({ name: e.name ?? '', value: e.value ?? '' })),
    portMappings: (found.portMappings ?? []).flatMap((p) =>
      p.containerPort === undefined ? [] : [{ containerPort: p.containerPort, ...(p.protocol ? { protocol: p.protocol } : {}) }],
    ),
    ...(found.user ? { user: found.user } : {}),
    ...(found.readonlyRootFilesystem === undefined ? {} : { readonlyRootFilesystem: found.readonlyRootFilesystem }),
    mountPoints: mounts,
    ...(check?.command && check.command.length > 0
      ? { healthCheck: { command: check.command, interval: check.interval, timeout: check.timeout, retries: check.retries, startPeriod: check.startPeriod } }
      : {}),
    ...(found.stopTimeout === undefined ? {} : { stopTimeout: found.stopTimeout }),
    ...(found.memory === undefined ? {} : { memory: found.memory }),
    ...(found.linuxParameters ? { linuxParameters: { initProcessEnabled: found.linuxParameters.initProcessEnabled } } : {}),
    ...(found.ulimits ? { ulimits: found.ulimits.map((u) => ({ name: u.name ?? '', softLimit: u.softLimit ?? 0, hardLimit: u.hardLimit ?? 0 })) } : {}),
  };
  return {
    family,
    cpu,
    memoryMiB,
    container,
    scratchPaths: mounts.filter((m) => !m.readOnly).map((m) => m.containerPath),
    secrets: Object.fromEntries((found.secrets ?? []).map((s) => [s.name ?? '', s.valueFrom ?? ''])),
  };
}

/** Where a container secret's value lives, and how to read it. */
export type SecretLocation =
  | {
      readonly source: 'secretsmanager';
      /** The secret's own ARN. */
      readonly secretId: string;
      /** A key of the secret's JSON value, when `valueFrom` names one. */
      readonly jsonKey?: string;
      readonly versionStage?: string;
      readonly versionId?: string;
    }
  | { readonly source: 'ssm'; readonly name: string };

/**
 * Where ECS would read a secret `valueFrom` from: a Secrets Manager ARN, possibly followed by
 * `:<json key>:<version stage>:<version id>`; an SSM parameter ARN (`parameter/name` is the name
 * `name`, `parameter/a/b` the hierarchical `/a/b`); or a bare parameter name of the task's region.
 */
export function secretLocation(valueFrom: string): SecretLocation {
  const secret = /^(arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[^:]+)(?::([^:]*)(?::([^:]*)(?::([^:]*))?)?)?$/.exec(valueFrom);
  if (secret) {
    const [, secretId, jsonKey, versionStage, versionId] = secret;
    return { source: 'secretsmanager', secretId, ...(jsonKey ? { jsonKey } : {}), ...(versionStage ? { versionStage } : {}), ...(versionId ? { versionId } : {}) };
  }
  const parameter = /^arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter\/(.+)$/.exec(valueFrom);
  if (parameter) return { source: 'ssm', name: parameter[1].includes('/') ? `/${parameter[1]}` : parameter[1] };
  if (/^[\w./-]+$/.test(valueFrom) && !valueFrom.startsWith('arn:')) return { source: 'ssm', name: valueFrom };
  throw new Error(`secret valueFrom "${valueFrom}" is neither a Secrets Manager secret ARN nor an SSM parameter ARN or name`);
}

/** A JSON-protocol request (Secrets Manager and SSM speak it) that reads one secret. */
export interface SecretRequest {
  /** The signing name, which the emulator routes on. */
  readonly service: 'secretsmanager' | 'ssm';
  /** `X-Amz-Target` */
  readonly target: string;
  readonly body: Record<string, unknown>;
}

/** The GetSecretValue or GetParameter request for a secret's location. */
export function secretRequest(location: SecretLocation): SecretRequest {
  if (location.source === 'ssm') return { service: 'ssm', target: 'AmazonSSM.GetParameter', body: { Name: location.name, WithDecryption: true } };
  return {
    service: 'secretsmanager',
    target: 'secretsmanager.GetSecretValue',
    body: {
      SecretId: location.secretId,
      ...(location.versionStage ? { VersionStage: location.versionStage } : {}),
      ...(location.versionId ? { VersionId: location.versionId } : {}),
    },
  };
}

/** The value ECS would inject, from the answer to {@link secretRequest}; throws naming `variable` when there is none. */
export function secretValue(location: SecretLocation, answer: unknown, variable: string): string {
  if (location.source === 'ssm') {
    const value = (answer as { Parameter?: { Value?: string } }).Parameter?.Value;
    if (value === undefined) throw new Error(`${variable}: SSM parameter ${location.name} has no value`);
    return value;
  }
  const text = (answer as { SecretString?: string }).SecretString;
  if (text === undefined) throw new Error(`${variable}: secret ${location.secretId} has no SecretString (a binary secret cannot be an environment variable)`);
  if (location.jsonKey === undefined) return text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${variable}: secret ${location.secretId} is not JSON, so it has no key "${location.jsonKey}"`);
  }
  const value = (parsed as Record<string, unknown>)[location.jsonKey];
  if (value === undefined) throw new Error(`${variable}: secret ${location.secretId} has no key "${location.jsonKey}"`);
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * What a container in the sandbox gets besides its registered environment and its secrets: every
 * AWS endpoint at the emulator (DynamoDB's own variable for the service, `AWS_ENDPOINT_URL` for any
 * SDK), throwaway credentials, and the instance metadata lookup off, since without credentials the
 * SDK would probe the EC2 metadata address, which is not on this machine. `port` moves PORT.
 */
export function sandboxContainerEnvironment(emulatorUrl: string, port?: number): Record<string, string> {
  return {
    DYNAMODB_ENDPOINT: emulatorUrl,
    AWS_ENDPOINT_URL: emulatorUrl,
    AWS_ACCESS_KEY_ID: 'sandbox',
    AWS_SECRET_ACCESS_KEY: 'sandbox',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...(port === undefined ? {} : { PORT: String(port) }),
  };
}

/**
 * The container's health check probing `port` instead of the task's: on the host network a moved
 * PORT moves the check with it. Throws when the command names no `127.0.0.1:<task port>` or
 * `localhost:<task port>` to move, since the check would then probe something else.
 */
export function movedHealthCheck(container: EcsContainerDefinition, port: number): EcsContainerDefinition {
  const taskPort = container.portMappings?.[0]?.containerPort;
  const check = container.healthCheck;
  if (check === undefined || taskPort === undefined || taskPort === port) return container;
  const source = `(127\\.0\\.0\\.1|localhost):${taskPort}(?!\\d)`;
  const pattern = new RegExp(source, 'g');
  if (!check.command.some((part) => new RegExp(source).test(part))) {
    throw new Error(`the health check of ${container.name} does not name port ${taskPort}, so it cannot follow PORT=${port}; unset PORT to run on ${taskPort}`);
  }
  return { ...container, healthCheck: { ...check, command: check.command.map((part) => part.replace(pattern, `$1:${port}`)) } };
}

/** The engine's name for a service's container: one per service, so a leftover of an earlier run is replaced. */
export function sandboxContainerName(ecsServiceName: string): string {
  return `sandbox-${ecsServiceName.replace(/[^a-zA-Z0-9_.-]/g, '-')}`;
}
