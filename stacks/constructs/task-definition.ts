/**
 * A Fargate task definition with N containers, its volumes (task scratch or EFS), its log group and
 * its two roles, whose policies collect the statements of every container and volume.
 */
import { Lazy } from 'cdktf';
import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { EcsTaskDefinition, ecsTaskDefinitionVolumeToTerraform } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import type { CpuArchitecture } from '../lib/fargate-rules';
import {
  ecsExecStatement,
  efsClientStatement,
  logWriteStatement,
  mergeStatements,
  policyDocument,
  type PolicyStatement,
  secretReadStatements,
  trustPolicyDocument,
} from '../lib/iam';
import { suppressPolicy } from '../policy/suppress';
import { containerProblems, taskOptionProblems } from '../lib/task-rules';

/** The image a container runs, and what the execution role needs to pull it. */
export interface TaskImage {
  readonly imageUri: string;
  pullStatements(): PolicyStatement[];
}

/** When a container may start relative to another (ECS `dependsOn`). */
export type ContainerCondition = 'START' | 'COMPLETE' | 'SUCCESS' | 'HEALTHY';

/** One container port. */
export interface ContainerPort {
  readonly containerPort: number;
  /**
   * Name of the mapping, unique in the task.
   * @default 'http' for the task's first port, else `<container>-<port>`
   */
  readonly name?: string;
}

/** A volume of the task mounted into a container. */
export interface ContainerMount {
  /** Name given to {@link FargateTaskDefinition.addVolume}. */
  readonly volume: string;
  readonly containerPath: string;
  /** @default false */
  readonly readOnly?: boolean;
}

/** A Docker health check run inside the container. */
export interface ContainerHealthCheck {
  /** e.g. `['CMD-SHELL', 'wget -qO- http://localhost:8080/health || exit 1']` */
  readonly command: readonly string[];
  /** @default 30 */
  readonly intervalSeconds?: number;
  /** @default 5 */
  readonly timeoutSeconds?: number;
  /** @default 3 */
  readonly retries?: number;
  /** Failures during this time do not count. @default 0 */
  readonly startPeriodSeconds?: number;
}

/** Props of {@link FargateTaskDefinition.addContainer}. */
export interface ContainerProps {
  readonly image: TaskImage;
  /** The task stops when an essential container stops. @default true */
  readonly essential?: boolean;
  /** @default [] */
  readonly ports?: readonly ContainerPort[];
  /** Overrides the image's CMD. @default - the image's CMD */
  readonly command?: readonly string[];
  /** Plain environment variables. @default {} */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Variables injected by ECS from Secrets Manager or SSM Parameter Store, by ARN (`valueFrom`,
   * optionally `<secret arn>:<json key>::`); the ARN may be a token known only at apply.
   * @default {}
   */
  readonly secrets?: Readonly<Record<string, string>>;
  /** User (`uid` or `uid:gid`). @default - the image's USER */
  readonly user?: string;
  /** @default true */
  readonly readonlyRootFilesystem?: boolean;
  /**
   * Directories written despite a read-only root, e.g. `/tmp`: each gets a task scratch volume
   * of this container.
   * @default []
   */
  readonly writablePaths?: readonly string[];
  /** Volumes of the task mounted here. @default [] */
  readonly mounts?: readonly ContainerMount[];
  /** Containers (added before this one) that must reach a condition first. @default [] */
  readonly dependsOn?: readonly { readonly container: string; readonly condition: ContainerCondition }[];
  /** @default - none; the load balancer's check decides */
  readonly healthCheck?: ContainerHealthCheck;
  /** Seconds between SIGTERM and SIGKILL; Fargate allows 2 to 120. @default 30 */
  readonly stopTimeoutSeconds?: number;
}

/** A file system that a task mounts; the EFS construct satisfies it. */
export interface EfsFileSystemSource {
  readonly fileSystemId: string;
  /** @default - the file system's root, without an access point */
  readonly accessPointId?: string;
  /** Known: the task role is granted to mount it (read-write when a container mounts it so). @default - no grant */
  readonly fileSystemArn?: string;
  /** Narrows the grant to the access point. @default - the whole file system */
  readonly accessPointArn?: string;
}

/** Props of {@link FargateTaskDefinition.addVolume}. */
export interface VolumeProps {
  /** @default - a task scratch volume on the task's ephemeral storage */
  readonly efs?: {
    readonly fileSystem: EfsFileSystemSource;
    /** TLS between task and file system. @default true */
    readonly transitEncryption?: boolean;
    /** Mount with the task role's identity; needs transit encryption. @default true */
    readonly iamAuthorization?: boolean;
  };
}

/** The architecture of a task that names none. */
export const DEFAULT_CPU_ARCHITECTURE: CpuArchitecture = 'X86_64';

/** Props of {@link FargateTaskDefinition}. */
export interface FargateTaskDefinitionProps {
  /** Family of the task definition; also names its roles and log group. */
  readonly family: string;
  /** Region of the log group, for the awslogs driver. */
  readonly region: string;
  /** CPU units (1024 = 1 vCPU). @default 256 */
  readonly cpu?: number;
  /** @default 512 */
  readonly memoryMiB?: number;
  /** Must match the images' platform. @default 'X86_64' */
  readonly cpuArchitecture?: CpuArchitecture;
  /** @default 30 */
  readonly logRetentionDays?: number;
  /**
   * ECS Exec (`aws ecs execute-command`): the SSM channel permissions and an init process in every
   * container. The exec agent needs a writable root filesystem (https://github.com/aws/containers-roadmap/issues/1359).
   * @default false
   */
  readonly enableExecuteCommand?: boolean;
  /**
   * Ephemeral storage of the task in GiB, 21 to 200: what its containers write outside volumes
   * (image layers included). Above the free 20 GiB it is billed per GiB-hour.
   * @default - 20 GiB, Fargate's free allotment (no `ephemeral_storage` block)
   */
  readonly ephemeralStorageGiB?: number;
}

/** A container as rendered into the task definition. */
interface Container {
  readonly name: string;
  readonly props: ContainerProps;
  readonly mounts: readonly ContainerMount[];
}

/** Scratch volume name of a writable path: container `app`, `/var/cache/nginx` → `app-writable-var-cache-nginx`. */
export function scratchVolumeName(container: string, containerPath: string): string {
  return `${container}-writable${containerPath.replace(/[^A-Za-z0-9]+/g, '-').replace(/-$/, '')}`;
}

/** A task definition whose containers, volumes and role statements are added by method. */
export class FargateTaskDefinition extends Construct {
  readonly family: string;
  readonly arn: string;
  readonly taskRoleArn: string;
  readonly executionRoleArn: string;
  readonly logGroupName: string;
  readonly logGroupArn: string;
  readonly cpuArchitecture: CpuArchitecture;
  readonly enableExecuteCommand: boolean;

  private readonly region: string;
  private readonly containers: Container[] = [];
  private readonly volumes = new Map<string, VolumeProps>();
  /** Execution role statements by kind, rendered pulls first, then logs, secrets and the rest. */
  private readonly pullStatements: PolicyStatement[] = [];
  private readonly secretStatements: PolicyStatement[] = [];
  private readonly executionStatements: PolicyStatement[] = [];
  private readonly logStatement: PolicyStatement;
  private readonly taskStatements: PolicyStatement[] = [];
  private readonly taskRole: IamRole;
  private taskPolicy?: IamRolePolicy;
  private readonly taskDefinition: EcsTaskDefinition;

  constructor(scope: Construct, id: string, props: FargateTaskDefinitionProps) {
    super(scope, id);
    const cpu = props.cpu ?? 256;
    const memoryMiB = props.memoryMiB ?? 512;
    const logRetentionDays = props.logRetentionDays ?? 30;
    this.cpuArchitecture = props.cpuArchitecture ?? DEFAULT_CPU_ARCHITECTURE;
    this.enableExecuteCommand = props.enableExecuteCommand ?? false;
    this.family = props.family;
    this.region = props.region;
    const problems = taskOptionProblems({ cpu, memoryMiB, cpuArchitecture: this.cpuArchitecture, logRetentionDays, ephemeralStorageGiB: props.ephemeralStorageGiB });
    if (problems.length > 0) throw new Error(`FargateTaskDefinition ${props.family}: ${problems.join('; ')}`);

    const logGroup = new CloudwatchLogGroup(this, 'logs', { name: `/ecs/${props.family}`, retentionInDays: logRetentionDays });
    this.logGroupName = logGroup.name;
    this.logGroupArn = logGroup.arn;

    const trust = trustPolicyDocument([{ sid: 'EcsTasks', service: 'ecs-tasks.amazonaws.com' }]);
    // Two roles: the execution role is ECS's (pull, logs, secrets); the task role is the app's.
    const executionRole = new IamRole(this, 'execution-role', {
      name: `${props.family}-execution`,
      description: `ECS starts ${props.family} tasks with it: image pull, logs, secrets`,
      assumeRolePolicy: trust,
    });
    this.logStatement = logWriteStatement(logGroup.arn);
    new IamRolePolicy(this, 'execution-policy', {
      name: 'start-tasks',
      role: executionRole.id,
      policy: Lazy.stringValue({ produce: () => policyDocument(this.renderExecutionStatements()) }),
    });
    this.taskRole = new IamRole(this, 'task-role', {
      name: `${props.family}-task`,
      description: `The ${props.family} application's own permissions`,
      assumeRolePolicy: trust,
    });
    if (this.enableExecuteCommand) this.addToTaskPolicy(ecsExecStatement());

    this.taskDefinition = new EcsTaskDefinition(this, 'definition', {
      family: props.family,
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: String(cpu),
      memory: String(memoryMiB),
      runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: this.cpuArchitecture },
      ...(props.ephemeralStorageGiB !== undefined ? { ephemeralStorage: { sizeInGib: props.ephemeralStorageGiB } } : {}),
      executionRoleArn: executionRole.arn,
      taskRoleArn: this.taskRole.arn,
      containerDefinitions: Lazy.stringValue({ produce: () => JSON.stringify(this.renderContainers()) }),
      volume: Lazy.anyValue({ produce: () => this.renderVolumes() }),
    });
    this.node.addValidation({
      validate: () => (this.containers.some((c) => c.props.essential ?? true) ? [] : [`FargateTaskDefinition ${this.family}: no essential container; add one with addContainer`]),
    });
    this.arn = this.taskDefinition.arn;
    this.executionRoleArn = executionRole.arn;
    this.taskRoleArn = this.taskRole.arn;
  }

  /** Names of the containers, in the order they were added. */
  get containerNames(): string[] {
    return this.containers.map((c) => c.name);
  }

  /** The ports of a container, or a clear error when it has none of them. */
  containerPorts(name: string): number[] {
    const container = this.containers.find((c) => c.name === name);
    if (!container) throw new Error(`FargateTaskDefinition ${this.family}: no container "${name}"; it has ${this.containerNames.join(', ') || 'none'}`);
    return (container.props.ports ?? []).map((p) => p.containerPort);
  }

  /** Adds a container; the containers it depends on and the volumes it mounts must exist already. */
  addContainer(name: string, props: ContainerProps): void {
    const fail = (problem: string) => {
      throw new Error(`FargateTaskDefinition ${this.family} container "${name}": ${problem}`);
    };
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/.test(name)) fail('the name may hold only letters, digits, hyphens and underscores');
    if (this.containers.some((c) => c.name === name)) fail('a container of that name exists; give each container its own name');
    const problems = containerProblems({
      environment: props.environment,
      secrets: props.secrets,
      user: props.user,
      readonlyRootFilesystem: props.readonlyRootFilesystem ?? true,
      writablePaths: props.writablePaths,
      stopTimeoutSeconds: props.stopTimeoutSeconds ?? 30,
      ports: (props.ports ?? []).map((p) => p.containerPort),
      enableExecuteCommand: this.enableExecuteCommand,
    });
    for (const dependency of props.dependsOn ?? []) {
      if (!this.containers.some((c) => c.name === dependency.container)) {
        problems.push(`dependsOn names "${dependency.container}", which is not added yet; add it first (it has ${this.containerNames.join(', ') || 'none'})`);
      }
    }
    for (const mount of props.mounts ?? []) {
      if (!this.volumes.has(mount.volume)) problems.push(`mounts names the volume "${mount.volume}", which is not added; call addVolume("${mount.volume}") first`);
    }
    if (problems.length > 0) fail(problems.join('; '));

    const scratch = (props.writablePaths ?? []).map((containerPath) => {
      const volume = scratchVolumeName(name, containerPath);
      this.volumes.set(volume, {});
      return { volume, containerPath, readOnly: false };
    });
    this.containers.push({ name, props, mounts: [...scratch, ...(props.mounts ?? [])] });
    this.pullStatements.push(...props.image.pullStatements());
    this.secretStatements.push(...secretReadStatements(Object.values(props.secrets ?? {})));
    if (this.enableExecuteCommand && props.readonlyRootFilesystem === false) {
      suppressPolicy(
        this.taskDefinition,
        'ECS004',
        'ECS Exec was turned on: its agent cannot run on a read-only root filesystem (https://github.com/aws/containers-roadmap/issues/1359)',
      );
    }
  }

  /** Adds a volume: task scratch space, or an EFS file system (IAM-authorized, encrypted in transit). */
  addVolume(name: string, props: VolumeProps = {}): void {
    const fail = (problem: string) => {
      throw new Error(`FargateTaskDefinition ${this.family} volume "${name}": ${problem}`);
    };
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/.test(name)) fail('the name may hold only letters, digits, hyphens and underscores');
    if (this.volumes.has(name)) fail('a volume of that name exists; give each volume its own name');
    const efs = props.efs;
    if (efs && (efs.iamAuthorization ?? true) && !(efs.transitEncryption ?? true)) {
      fail('efs.iamAuthorization needs efs.transitEncryption; turn transit encryption on (the default)');
    }
    this.volumes.set(name, props);
    if (efs && (efs.iamAuthorization ?? true) && efs.fileSystem.fileSystemArn) this.ensureTaskPolicy();
  }

  /** Grants the application (task role) what it needs, e.g. reading its tables. */
  addToTaskPolicy(...statements: PolicyStatement[]): void {
    this.taskStatements.push(...statements);
    this.ensureTaskPolicy();
  }

  /** Grants ECS (execution role) more at task start, e.g. reading a private registry secret. */
  addToExecutionPolicy(...statements: PolicyStatement[]): void {
    this.executionStatements.push(...statements);
  }

  private ensureTaskPolicy(): void {
    this.taskPolicy ??= new IamRolePolicy(this, 'task-policy', {
      name: 'application',
      role: this.taskRole.id,
      policy: Lazy.stringValue({ produce: () => policyDocument(mergeStatements([...this.taskStatements, ...this.efsStatements()])) }),
    });
  }

  private renderExecutionStatements(): PolicyStatement[] {
    return mergeStatements([...this.pullStatements, this.logStatement, ...this.secretStatements, ...this.executionStatements]);
  }

  private efsStatements(): PolicyStatement[] {
    return [...this.volumes.entries()].flatMap(([name, volume]) => {
      const efs = volume.efs;
      if (!efs || !(efs.iamAuthorization ?? true) || !efs.fileSystem.fileSystemArn) return [];
      const write = this.containers.some((c) => c.mounts.some((m) => m.volume === name && !(m.readOnly ?? false)));
      return [efsClientStatement(efs.fileSystem.fileSystemArn, { write, accessPointArn: efs.fileSystem.accessPointArn })];
    });
  }

  private renderVolumes(): unknown {
    const volumes = [...this.volumes.entries()].map(([name, volume]) => {
      const efs = volume.efs;
      if (!efs) return { name };
      const iam = efs.iamAuthorization ?? true;
      return {
        name,
        efsVolumeConfiguration: {
          fileSystemId: efs.fileSystem.fileSystemId,
          transitEncryption: (efs.transitEncryption ?? true) ? 'ENABLED' : 'DISABLED',
          authorizationConfig: efs.fileSystem.accessPointId !== undefined || iam ? { accessPointId: efs.fileSystem.accessPointId, iam: iam ? 'ENABLED' : 'DISABLED' } : undefined,
        },
      };
    });
    return volumes.length > 0 ? volumes.map((v) => ecsTaskDefinitionVolumeToTerraform(v)) : undefined;
  }

  private renderContainers(): Record<string, unknown>[] {
    let firstPort = true;
    return this.containers.map(({ name, props, mounts }) => {
      const sorted = (record: Readonly<Record<string, string>> = {}) => Object.entries(record).sort(([a], [b]) => a.localeCompare(b));
      const ports = (props.ports ?? []).map((port) => {
        const portName = port.name ?? (firstPort ? 'http' : `${name}-${port.containerPort}`);
        firstPort = false;
        return { name: portName, containerPort: port.containerPort, hostPort: port.containerPort, protocol: 'tcp' };
      });
      const health = props.healthCheck;
      return {
        name,
        image: props.image.imageUri,
        essential: props.essential ?? true,
        portMappings: ports,
        environment: sorted(props.environment).map(([key, value]) => ({ name: key, value })),
        secrets: sorted(props.secrets).map(([key, valueFrom]) => ({ name: key, valueFrom })),
        logConfiguration: {
          logDriver: 'awslogs',
          options: { 'awslogs-group': this.logGroupName, 'awslogs-region': this.region, 'awslogs-stream-prefix': name },
        },
        ...(props.user !== undefined ? { user: props.user } : {}),
        readonlyRootFilesystem: props.readonlyRootFilesystem ?? true,
        ...(mounts.length > 0 ? { mountPoints: mounts.map((m) => ({ sourceVolume: m.volume, containerPath: m.containerPath, readOnly: m.readOnly ?? false })) } : {}),
        stopTimeout: props.stopTimeoutSeconds ?? 30,
        // ECS Exec sessions leave processes behind unless an init process reaps them.
        ...(this.enableExecuteCommand ? { linuxParameters: { initProcessEnabled: true } } : {}),
        ...(props.command ? { command: [...props.command] } : {}),
        ...(props.dependsOn && props.dependsOn.length > 0 ? { dependsOn: props.dependsOn.map((d) => ({ containerName: d.container, condition: d.condition })) } : {}),
        ...(health
          ? {
              healthCheck: {
                command: [...health.command],
                interval: health.intervalSeconds ?? 30,
                timeout: health.timeoutSeconds ?? 5,
                retries: health.retries ?? 3,
                startPeriod: health.startPeriodSeconds ?? 0,
              },
            }
          : {}),
      };
    });
  }
}
