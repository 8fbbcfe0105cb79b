/**
 * A container of a synthesized ECS task definition, run by a local Docker engine as Fargate would run
 * it: read from a stack's cdk.tf.json, then mapped to the Engine API's container-create body
 * (environment, user, read-only root, scratch volumes, CPU and memory limits, health check, stop timeout).
 */

/** The fields of an ECS container definition that matter for running it locally. */
export interface EcsContainerDefinition {
  readonly name: string;
  readonly image: string;
  readonly essential?: boolean;
  readonly command?: readonly string[];
  readonly entryPoint?: readonly string[];
  readonly workingDirectory?: string;
  readonly environment?: readonly { readonly name: string; readonly value: string }[];
  readonly portMappings?: readonly { readonly containerPort: number; readonly protocol?: string }[];
  readonly user?: string;
  readonly readonlyRootFilesystem?: boolean;
  readonly mountPoints?: readonly { readonly sourceVolume: string; readonly containerPath: string; readonly readOnly?: boolean }[];
  readonly healthCheck?: { readonly command: readonly string[]; readonly interval?: number; readonly timeout?: number; readonly retries?: number; readonly startPeriod?: number };
  readonly stopTimeout?: number;
  /** Hard limit of this container in MiB. */
  readonly memory?: number;
  readonly linuxParameters?: { readonly initProcessEnabled?: boolean };
  readonly ulimits?: readonly { readonly name: string; readonly softLimit: number; readonly hardLimit: number }[];
}

/** One container of a task definition, with what the task gives it. */
export interface TaskContainer {
  readonly family: string;
  /** Task CPU units (1024 = 1 vCPU). */
  readonly cpu: number;
  readonly memoryMiB: number;
  readonly container: EcsContainerDefinition;
  /** Container paths of the task scratch volumes this container mounts read-write (its writable paths). */
  readonly scratchPaths: readonly string[];
}

/** The part of a cdk.tf.json this module reads. */
export interface SynthesizedStack {
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
}

/**
 * The container `containerName` of the task definition of family `family` in a synthesized stack.
 * Without `family`, the stack must hold exactly one task definition. Throws with what there is.
 */
export function taskContainer(stack: SynthesizedStack, containerName: string, family?: string): TaskContainer {
  const definitions = Object.values(stack.resource?.aws_ecs_task_definition ?? {});
  const families = definitions.map((d) => String(d.family));
  const matching = definitions.filter((d) => family === undefined || d.family === family);
  if (matching.length !== 1) {
    const want = family === undefined ? 'exactly one task definition' : `the task definition "${family}"`;
    throw new Error(`taskContainer: the stack must hold ${want}; it has ${families.length === 0 ? 'none' : families.join(', ')}`);
  }
  const definition = matching[0];
  const containers = JSON.parse(String(definition.container_definitions)) as EcsContainerDefinition[];
  const container = containers.find((c) => c.name === containerName);
  if (!container) throw new Error(`taskContainer: ${String(definition.family)} has no container "${containerName}"; it has ${containers.map((c) => c.name).join(', ')}`);
  const volumes = (definition.volume as { name: string; efs_volume_configuration?: unknown }[] | undefined) ?? [];
  const scratch = new Set(volumes.filter((v) => v.efs_volume_configuration === undefined).map((v) => v.name));
  const mounts = container.mountPoints ?? [];
  const elsewhere = mounts.filter((m) => !scratch.has(m.sourceVolume));
  if (elsewhere.length > 0) {
    throw new Error(
      `taskContainer: ${container.name} mounts ${elsewhere.map((m) => m.sourceVolume).join(', ')}, which is not task scratch space (EFS); a local engine cannot mount it`,
    );
  }
  return {
    family: String(definition.family),
    cpu: Number(definition.cpu),
    memoryMiB: Number(definition.memory),
    container,
    scratchPaths: mounts.filter((m) => !m.readOnly).map((m) => m.containerPath),
  };
}

/** Whether a value holds a Terraform expression, known only at apply (e.g. another stack's table name). */
export function isUnresolved(value: string): boolean {
  return value.includes('${');
}

/** The task container's environment with `overrides` applied; throws when a value known only at apply is left. */
export function resolvedEnvironment(task: TaskContainer, overrides: Readonly<Record<string, string>> = {}): Record<string, string> {
  const env: Record<string, string> = Object.fromEntries((task.container.environment ?? []).map((e) => [e.name, e.value]));
  Object.assign(env, overrides);
  const unresolved = Object.keys(env).filter((name) => isUnresolved(env[name]));
  if (unresolved.length > 0) {
    throw new Error(
      `resolvedEnvironment: ${unresolved.join(', ')} of ${task.container.name} are known only at apply (${unresolved.map((n) => env[n]).join(', ')}); pass local values for them`,
    );
  }
  return env;
}

/** Options of {@link dockerCreateBody}. */
export interface LocalRunOptions {
  /** The image to run instead of the task's, e.g. a local tag or `<registry>/<name>@sha256:...`. */
  readonly image: string;
  /**
   * `none` gives the container a network namespace of its own, holding only loopback, as awsvpc
   * gives a task its own; `host` shares the machine's (the private engine has no bridge).
   */
  readonly network: 'host' | 'none';
  /** Variables added to the task's or replacing them (table names, endpoint, credentials). @default {} */
  readonly environment?: Readonly<Record<string, string>>;
  /** Leave the task's health check out (e.g. when PORT is changed and the check would probe the wrong port). @default false */
  readonly withoutHealthCheck?: boolean;
}

const NS_PER_SECOND = 1_000_000_000;
const MIB = 1024 * 1024;

/**
 * The Engine API body (`POST /containers/create`) that runs `task`'s container as Fargate would:
 * its environment, user, command, read-only root with a tmpfs per writable path, the task's CPU and
 * memory as hard limits (no swap), its ulimits, the health check in exec form (which
 * the docker client cannot express), the stop timeout and ECS's SIGTERM.
 */
export function dockerCreateBody(task: TaskContainer, options: LocalRunOptions): Record<string, unknown> {
  const { container } = task;
  const env = resolvedEnvironment(task, options.environment);
  const health = container.healthCheck;
  const memoryBytes = (container.memory ?? task.memoryMiB) * MIB;
  return {
    Image: options.image,
    Env: Object.entries(env).map(([name, value]) => `${name}=${value}`),
    ...(container.user !== undefined ? { User: container.user } : {}),
    ...(container.command !== undefined ? { Cmd: [...container.command] } : {}),
    ...(container.entryPoint !== undefined ? { Entrypoint: [...container.entryPoint] } : {}),
    ...(container.workingDirectory !== undefined ? { WorkingDir: container.workingDirectory } : {}),
    ExposedPorts: Object.fromEntries((container.portMappings ?? []).map((p) => [`${p.containerPort}/${p.protocol ?? 'tcp'}`, {}])),
    ...(health && !options.withoutHealthCheck
      ? {
          Healthcheck: {
            Test: [...health.command],
            // ECS's defaults when the task leaves them out.
            Interval: (health.interval ?? 30) * NS_PER_SECOND,
            Timeout: (health.timeout ?? 5) * NS_PER_SECOND,
            Retries: health.retries ?? 3,
            StartPeriod: (health.startPeriod ?? 0) * NS_PER_SECOND,
          },
        }
      : {}),
    StopSignal: 'SIGTERM',
    StopTimeout: container.stopTimeout ?? 30,
    Labels: { 'ecs.task-family': task.family, 'ecs.container-name': container.name },
    HostConfig: {
      NetworkMode: options.network,
      ReadonlyRootfs: container.readonlyRootFilesystem ?? false,
      Tmpfs: Object.fromEntries(task.scratchPaths.map((p) => [p, 'rw,nosuid,nodev,mode=1777'])),
      Memory: memoryBytes,
      MemorySwap: memoryBytes,
      NanoCpus: Math.round((task.cpu / 1024) * NS_PER_SECOND),
      Init: container.linuxParameters?.initProcessEnabled ?? false,
      // Only the task's own: Fargate's default open-files limit (65535) can be above the engine's own
      // hard limit, which a container cannot exceed, so the engine's default stands in for it.
      ...(container.ulimits ? { Ulimits: container.ulimits.map((u) => ({ Name: u.name, Soft: u.softLimit, Hard: u.hardLimit })) } : {}),
    },
  };
}

/** Physical names of the three catalog tables. */
export interface CatalogTableNames {
  readonly category: string;
  readonly resource: string;
  readonly bookmark: string;
}

/**
 * What a local run adds to the task's environment: the DynamoDB endpoint and the table names (known
 * only at apply in the task definition), and throwaway credentials with the instance metadata
 * lookup off, since without credentials the SDK would probe the EC2 metadata address for a role.
 */
export function localDynamoEnvironment(endpoint: string, tables: CatalogTableNames): Record<string, string> {
  return {
    DYNAMODB_ENDPOINT: endpoint,
    CATEGORY_TABLE: tables.category,
    RESOURCE_TABLE: tables.resource,
    BOOKMARK_TABLE: tables.bookmark,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}
