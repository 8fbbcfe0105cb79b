/** A Fargate service behind a {@link LoadBalancer}: cluster, task definition, roles, security group, logs and scaling. */
import { Construct } from 'constructs';
import { AppautoscalingPolicy } from '@cdktf/provider-aws/lib/appautoscaling-policy';
import { AppautoscalingTarget } from '@cdktf/provider-aws/lib/appautoscaling-target';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { EcsClusterCapacityProviders } from '@cdktf/provider-aws/lib/ecs-cluster-capacity-providers';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import {
  architectureProblem,
  CapacityProviderShare,
  capacityStrategyProblems,
  CpuArchitecture,
  resolveCapacityStrategy,
  taskSizeProblem,
} from './fargate-rules';
import { ecsExecStatement, logWriteStatement, policyDocument, PolicyStatement, secretReadStatements, secretSource, trustPolicyDocument } from './iam';
import type { LoadBalancer } from './load-balancer';
import { isLogRetentionDays, LOG_RETENTION_DAYS } from './log-retention';
import { suppressPolicy } from '../policy/suppress';

/** The image a task runs, and what its execution role needs to pull it. */
export interface TaskImage {
  readonly imageUri: string;
  pullStatements(): PolicyStatement[];
}

/** Target tracking: the service scales out when an average rises above its target. */
export interface ServiceAutoScaling {
  readonly minCapacity: number;
  readonly maxCapacity: number;
  /** Average CPU of the service, in percent. @default 70 */
  readonly targetCpuPercent?: number;
  /** Average memory of the service, in percent. @default 80 */
  readonly targetMemoryPercent?: number;
  /** ALB requests per target per minute. @default - no request-count policy */
  readonly requestsPerTarget?: number;
  /** @default 300 */
  readonly scaleInCooldownSeconds?: number;
  /** @default 60 */
  readonly scaleOutCooldownSeconds?: number;
}

/** Props of {@link FargateService}. */
export interface FargateServiceProps {
  /** Name of the cluster, service, task family, roles and log group. */
  readonly name: string;
  /** Region of the log group, for the awslogs driver. */
  readonly region: string;
  readonly vpcId: string;
  /** Subnets of the tasks: private ones, or public ones with `assignPublicIp`. */
  readonly subnetIds: readonly string[];
  /**
   * Give each task a public IP: only for tasks in public subnets of a VPC without NAT.
   * @default false
   */
  readonly assignPublicIp?: boolean;
  readonly loadBalancer: LoadBalancer;
  readonly image: TaskImage;
  /** CPU units (1024 = 1 vCPU). @default 256 */
  readonly cpu?: number;
  /** @default 512 */
  readonly memoryMiB?: number;
  /** Must match the image's platform. @default 'X86_64' */
  readonly cpuArchitecture?: CpuArchitecture;
  /** Port the container listens on; the load balancer's target port. */
  readonly containerPort: number;
  /** Plain environment variables. @default {} */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Variables injected by ECS from Secrets Manager or SSM Parameter Store, by ARN (`valueFrom`);
   * the values never appear in the task definition.
   * @default {}
   */
  readonly secrets?: Readonly<Record<string, string>>;
  /**
   * User (`uid` or `uid:gid`) the container runs as.
   * @default - the image's USER
   */
  readonly user?: string;
  /** @default true */
  readonly readonlyRootFilesystem?: boolean;
  /**
   * Directories the app writes to despite a read-only root, e.g. `/tmp`: each gets a task volume
   * on the task's ephemeral storage.
   * @default []
   */
  readonly writablePaths?: readonly string[];
  /** Seconds between SIGTERM and SIGKILL; Fargate allows up to 120. @default 30 */
  readonly stopTimeoutSeconds?: number;
  /** @default 30 */
  readonly logRetentionDays?: number;
  /** What the application may do with AWS, e.g. read its tables. @default [] */
  readonly taskPolicyStatements?: readonly PolicyStatement[];
  /** @default 'enabled' */
  readonly containerInsights?: 'enabled' | 'enhanced' | 'disabled';
  /** Tasks to run when no autoscaling is set, and at the first deployment. @default 2 */
  readonly desiredCount?: number;
  /** @default 100 - never fewer healthy tasks than desired during a deployment */
  readonly minHealthyPercent?: number;
  /** @default 200 */
  readonly maxPercent?: number;
  /** Time a new task may fail load balancer health checks before ECS replaces it. @default 60 */
  readonly healthCheckGracePeriodSeconds?: number;
  /**
   * ECS Exec (`aws ecs execute-command`): adds the SSM channel permissions and an init process.
   * The exec agent needs a writable root filesystem (https://github.com/aws/containers-roadmap/issues/1359).
   * @default false
   */
  readonly enableExecuteCommand?: boolean;
  /** Shortcut for an all-FARGATE_SPOT strategy. @default false */
  readonly spot?: boolean;
  /** @default - [{ FARGATE, weight 1 }], or all FARGATE_SPOT with `spot` */
  readonly capacityProviderStrategy?: readonly CapacityProviderShare[];
  /** @default - no scaling; `desiredCount` tasks */
  readonly autoScaling?: ServiceAutoScaling;
}

/** Name of the one container of the task. */
export const CONTAINER_NAME = 'app';

/** CloudWatch Logs accepts only these retention periods (days). */

/** An ECS Fargate service in its own cluster, registered with a load balancer's target group. */
export class FargateService extends Construct {
  readonly clusterName: string;
  readonly serviceName: string;
  readonly securityGroupId: string;
  readonly taskRoleArn: string;
  readonly executionRoleArn: string;
  readonly logGroupName: string;
  /** The capacity provider strategy in effect. */
  readonly capacityProviderStrategy: readonly CapacityProviderShare[];

  constructor(scope: Construct, id: string, props: FargateServiceProps) {
    super(scope, id);
    const cpu = props.cpu ?? 256;
    const memoryMiB = props.memoryMiB ?? 512;
    const cpuArchitecture = props.cpuArchitecture ?? 'X86_64';
    const environment = props.environment ?? {};
    const secrets = props.secrets ?? {};
    const readonlyRootFilesystem = props.readonlyRootFilesystem ?? true;
    const writablePaths = props.writablePaths ?? [];
    const stopTimeoutSeconds = props.stopTimeoutSeconds ?? 30;
    const logRetentionDays = props.logRetentionDays ?? 30;
    const desiredCount = props.desiredCount ?? 2;
    const enableExecuteCommand = props.enableExecuteCommand ?? false;
    const minHealthyPercent = props.minHealthyPercent ?? 100;
    const maxPercent = props.maxPercent ?? 200;
    const healthCheckGracePeriodSeconds = props.healthCheckGracePeriodSeconds ?? 60;
    const strategy = resolveCapacityStrategy(props.spot ?? false, props.capacityProviderStrategy);
    validate(props, {
      cpu,
      memoryMiB,
      cpuArchitecture,
      spot: props.spot,
      capacityProviderStrategy: props.capacityProviderStrategy,
      environment,
      secrets,
      readonlyRootFilesystem,
      stopTimeoutSeconds,
      logRetentionDays,
      desiredCount,
      minHealthyPercent,
      maxPercent,
      healthCheckGracePeriodSeconds,
      enableExecuteCommand,
      autoScaling: props.autoScaling,
    });
    const lb = props.loadBalancer;

    const cluster = new EcsCluster(this, 'cluster', {
      name: props.name,
      setting: [{ name: 'containerInsights', value: props.containerInsights ?? 'enabled' }],
    });
    const providers = new EcsClusterCapacityProviders(this, 'capacity-providers', {
      clusterName: cluster.name,
      capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
      defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }],
    });

    const logGroup = new CloudwatchLogGroup(this, 'logs', { name: `/ecs/${props.name}`, retentionInDays: logRetentionDays });

    const trust = trustPolicyDocument([{ sid: 'EcsTasks', service: 'ecs-tasks.amazonaws.com' }]);
    // Two roles: the execution role is ECS's (pull, logs, secrets); the task role is the app's.
    const executionRole = new IamRole(this, 'execution-role', {
      name: `${props.name}-execution`,
      description: `ECS starts ${props.name} tasks with it: image pull, logs, secrets`,
      assumeRolePolicy: trust,
    });
    new IamRolePolicy(this, 'execution-policy', {
      name: 'start-tasks',
      role: executionRole.id,
      policy: policyDocument([
        ...props.image.pullStatements(),
        logWriteStatement(logGroup.arn),
        ...secretReadStatements(Object.values(secrets)),
      ]),
    });
    const taskRole = new IamRole(this, 'task-role', {
      name: `${props.name}-task`,
      description: `The ${props.name} application's own permissions`,
      assumeRolePolicy: trust,
    });
    const taskStatements = [...(props.taskPolicyStatements ?? []), ...(enableExecuteCommand ? [ecsExecStatement()] : [])];
    if (taskStatements.length > 0) {
      new IamRolePolicy(this, 'task-policy', { name: 'application', role: taskRole.id, policy: policyDocument(taskStatements) });
    }

    const container = {
      name: CONTAINER_NAME,
      image: props.image.imageUri,
      essential: true,
      portMappings: [{ name: 'http', containerPort: props.containerPort, hostPort: props.containerPort, protocol: 'tcp' }],
      environment: Object.entries(environment)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, value]) => ({ name, value })),
      secrets: Object.entries(secrets)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, valueFrom]) => ({ name, valueFrom })),
      logConfiguration: {
        logDriver: 'awslogs',
        options: { 'awslogs-group': logGroup.name, 'awslogs-region': props.region, 'awslogs-stream-prefix': CONTAINER_NAME },
      },
      ...(props.user !== undefined ? { user: props.user } : {}),
      readonlyRootFilesystem,
      ...(writablePaths.length > 0
        ? { mountPoints: writablePaths.map((containerPath) => ({ sourceVolume: volumeName(containerPath), containerPath, readOnly: false })) }
        : {}),
      stopTimeout: stopTimeoutSeconds,
      // ECS Exec sessions leave processes behind unless an init process reaps them.
      ...(enableExecuteCommand ? { linuxParameters: { initProcessEnabled: true } } : {}),
    };
    const taskDefinition = new EcsTaskDefinition(this, 'task', {
      family: props.name,
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: String(cpu),
      memory: String(memoryMiB),
      runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture },
      executionRoleArn: executionRole.arn,
      taskRoleArn: taskRole.arn,
      containerDefinitions: JSON.stringify([container]),
      volume: writablePaths.length > 0 ? writablePaths.map((containerPath) => ({ name: volumeName(containerPath) })) : undefined,
    });
    if (enableExecuteCommand && !readonlyRootFilesystem) {
      suppressPolicy(
        taskDefinition,
        'ECS004',
        'ECS Exec was turned on: its agent cannot run on a read-only root filesystem (https://github.com/aws/containers-roadmap/issues/1359)',
      );
    }

    const sg = new SecurityGroup(this, 'sg', {
      name: `${props.name}-tasks`,
      description: `Tasks of ${props.name}: the container port from the load balancer only`,
      vpcId: props.vpcId,
      tags: { Name: `${props.name}-tasks` },
    });
    new VpcSecurityGroupIngressRule(this, 'from-alb', {
      securityGroupId: sg.id,
      description: `Container port ${props.containerPort} from the load balancer`,
      ipProtocol: 'tcp',
      fromPort: props.containerPort,
      toPort: props.containerPort,
      referencedSecurityGroupId: lb.securityGroupId,
    });
    new VpcSecurityGroupEgressRule(this, 'alb-to-tasks', {
      securityGroupId: lb.securityGroupId,
      description: `Container port ${props.containerPort} to the tasks of ${props.name}`,
      ipProtocol: 'tcp',
      fromPort: props.containerPort,
      toPort: props.containerPort,
      referencedSecurityGroupId: sg.id,
    });
    // AWS API endpoints (ECR, CloudWatch Logs, DynamoDB, Secrets Manager) have no fixed addresses
    // behind a NAT gateway, so HTTPS egress cannot be narrower than anywhere; nothing else leaves.
    new VpcSecurityGroupEgressRule(this, 'https-out', {
      securityGroupId: sg.id,
      description: 'HTTPS to AWS APIs: image pull, logs, DynamoDB, secrets',
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      cidrIpv4: '0.0.0.0/0',
    });

    const service = new EcsService(this, 'service', {
      name: props.name,
      cluster: cluster.arn,
      taskDefinition: taskDefinition.arn,
      desiredCount,
      capacityProviderStrategy: strategy.map((s) => ({ capacityProvider: s.capacityProvider, base: s.base ?? 0, weight: s.weight })),
      platformVersion: 'LATEST',
      networkConfiguration: {
        subnets: [...props.subnetIds],
        securityGroups: [sg.id],
        assignPublicIp: props.assignPublicIp ?? false,
      },
      loadBalancer: [{ targetGroupArn: lb.targetGroupArn, containerName: CONTAINER_NAME, containerPort: props.containerPort }],
      deploymentCircuitBreaker: { enable: true, rollback: true },
      deploymentMinimumHealthyPercent: minHealthyPercent,
      deploymentMaximumPercent: maxPercent,
      healthCheckGracePeriodSeconds,
      enableExecuteCommand,
      enableEcsManagedTags: true,
      propagateTags: 'SERVICE',
      // Autoscaling owns the task count once the service exists.
      lifecycle: props.autoScaling ? { ignoreChanges: ['desired_count'] } : undefined,
      dependsOn: [...lb.listeners, providers],
    });

    if (props.autoScaling) this.addAutoScaling(props.autoScaling, cluster.name, service.name, lb);

    this.clusterName = cluster.name;
    this.serviceName = service.name;
    this.securityGroupId = sg.id;
    this.taskRoleArn = taskRole.arn;
    this.executionRoleArn = executionRole.arn;
    this.logGroupName = logGroup.name;
    this.capacityProviderStrategy = strategy;
  }

  private addAutoScaling(scaling: ServiceAutoScaling, clusterName: string, serviceName: string, lb: LoadBalancer): void {
    const target = new AppautoscalingTarget(this, 'scaling-target', {
      serviceNamespace: 'ecs',
      scalableDimension: 'ecs:service:DesiredCount',
      resourceId: `service/${clusterName}/${serviceName}`,
      minCapacity: scaling.minCapacity,
      maxCapacity: scaling.maxCapacity,
    });
    const policies: [string, string, number, string?][] = [
      ['cpu', 'ECSServiceAverageCPUUtilization', scaling.targetCpuPercent ?? 70],
      ['memory', 'ECSServiceAverageMemoryUtilization', scaling.targetMemoryPercent ?? 80],
    ];
    if (scaling.requestsPerTarget !== undefined) {
      // The label joins the ALB and target group ARN suffixes: app/<lb>/<id>/targetgroup/<tg>/<id>.
      policies.push(['requests', 'ALBRequestCountPerTarget', scaling.requestsPerTarget, `${lb.arnSuffix}/${lb.targetGroupArnSuffix}`]);
    }
    for (const [key, metric, targetValue, resourceLabel] of policies) {
      new AppautoscalingPolicy(this, `scale-on-${key}`, {
        name: `${key}-target-tracking`,
        policyType: 'TargetTrackingScaling',
        serviceNamespace: target.serviceNamespace,
        scalableDimension: target.scalableDimension,
        resourceId: target.resourceId,
        targetTrackingScalingPolicyConfiguration: {
          targetValue,
          predefinedMetricSpecification: { predefinedMetricType: metric, resourceLabel },
          scaleInCooldown: scaling.scaleInCooldownSeconds ?? 300,
          scaleOutCooldown: scaling.scaleOutCooldownSeconds ?? 60,
        },
      });
    }
  }
}

/** The settings of a service that can be checked without building it; see {@link fargateOptionProblems}. */
export interface FargateOptions {
  readonly cpu: number;
  readonly memoryMiB: number;
  readonly cpuArchitecture: string;
  readonly spot?: boolean;
  readonly capacityProviderStrategy?: readonly CapacityProviderShare[];
  readonly environment?: Readonly<Record<string, string>>;
  readonly secrets: Readonly<Record<string, string>>;
  readonly readonlyRootFilesystem: boolean;
  readonly stopTimeoutSeconds: number;
  readonly logRetentionDays: number;
  readonly desiredCount: number;
  readonly minHealthyPercent: number;
  readonly maxPercent: number;
  readonly healthCheckGracePeriodSeconds: number;
  readonly enableExecuteCommand: boolean;
  readonly autoScaling?: ServiceAutoScaling;
}

/** Every reason these options would fail at deploy time, each with its fix; empty when valid. */
export function fargateOptionProblems(options: FargateOptions): string[] {
  const problems: string[] = [];
  const size = taskSizeProblem(options.cpu, options.memoryMiB);
  if (size) problems.push(size);
  const architecture = architectureProblem(options.cpuArchitecture);
  if (architecture) problems.push(architecture);
  problems.push(
    ...capacityStrategyProblems(resolveCapacityStrategy(options.spot ?? false, options.capacityProviderStrategy), {
      spot: options.spot,
      explicit: options.capacityProviderStrategy !== undefined,
      architecture: options.cpuArchitecture,
    }),
  );
  if (!Number.isInteger(options.stopTimeoutSeconds) || options.stopTimeoutSeconds < 2 || options.stopTimeoutSeconds > 120) {
    problems.push(`stopTimeoutSeconds ${options.stopTimeoutSeconds} is out of range; Fargate allows 2 to 120`);
  }
  if (!isLogRetentionDays(options.logRetentionDays)) {
    problems.push(`logRetentionDays ${options.logRetentionDays} is not a CloudWatch retention; use one of ${LOG_RETENTION_DAYS.join(', ')}`);
  }
  if (!Number.isInteger(options.desiredCount) || options.desiredCount < 0) {
    problems.push(`desiredCount ${options.desiredCount} is not a task count; use a whole number from 0`);
  }
  const { minHealthyPercent: min, maxPercent: max } = options;
  if (!Number.isInteger(min) || min < 0 || min > 100) problems.push(`minHealthyPercent ${min} is out of range; use 0 to 100`);
  if (!Number.isInteger(max) || max < 100 || max > 200) problems.push(`maxPercent ${max} is out of range; use 100 to 200`);
  if (min === 100 && max === 100) problems.push('minHealthyPercent 100 with maxPercent 100 leaves no room to deploy; raise maxPercent to 200');
  const grace = options.healthCheckGracePeriodSeconds;
  if (!Number.isInteger(grace) || grace < 0 || grace > 2147483647) {
    problems.push(`healthCheckGracePeriodSeconds ${grace} is not a number of seconds; use e.g. 60`);
  }
  if (options.enableExecuteCommand && options.readonlyRootFilesystem) {
    problems.push(
      'enableExecuteCommand needs a writable root filesystem for the exec agent (https://github.com/aws/containers-roadmap/issues/1359); set readonlyRootFilesystem false or turn ECS Exec off',
    );
  }
  for (const [name, valueFrom] of Object.entries(options.secrets)) {
    if (!secretSource(valueFrom)) {
      problems.push(`secrets.${name}: "${valueFrom}" is neither a Secrets Manager secret ARN nor an SSM parameter ARN; give the ARN, never the value`);
    }
    if (options.environment && name in options.environment) {
      problems.push(`${name} is both a plain environment variable and a secret; keep it as a secret only`);
    }
  }
  if (options.autoScaling) {
    const { minCapacity, maxCapacity } = options.autoScaling;
    if (!Number.isInteger(minCapacity) || minCapacity < 0) problems.push(`autoScaling.minCapacity ${minCapacity} is not a task count; use a whole number from 0`);
    if (!Number.isInteger(maxCapacity) || maxCapacity < Math.max(1, minCapacity)) {
      problems.push(`autoScaling.maxCapacity ${maxCapacity} is below minCapacity ${minCapacity} (or 1); raise maxCapacity`);
    }
    if (minCapacity <= maxCapacity && (options.desiredCount < minCapacity || options.desiredCount > maxCapacity)) {
      problems.push(`desiredCount ${options.desiredCount} is outside autoScaling ${minCapacity}..${maxCapacity}; pick a count inside it`);
    }
    for (const key of ['targetCpuPercent', 'targetMemoryPercent'] as const) {
      const value = options.autoScaling[key];
      if (value !== undefined && (!(value > 0) || value > 100)) problems.push(`autoScaling.${key} ${value} is out of range; use 1 to 100`);
    }
    const requests = options.autoScaling.requestsPerTarget;
    if (requests !== undefined && !(requests > 0)) problems.push(`autoScaling.requestsPerTarget ${requests} must be above 0, e.g. 1000`);
  }
  return problems;
}

function validate(props: FargateServiceProps, options: FargateOptions): void {
  const problems = fargateOptionProblems(options);
  for (const writable of props.writablePaths ?? []) {
    if (!/^\/[A-Za-z0-9._/-]+$/.test(writable) || writable === '/') problems.push(`writablePaths: "${writable}" is not an absolute directory below /; use one like /tmp`);
  }
  if (props.subnetIds.length === 0) problems.push('subnetIds is empty; give the subnets the tasks run in');
  if (props.containerPort !== props.loadBalancer.targetPort) {
    problems.push(`containerPort ${props.containerPort} differs from the load balancer's targetPort ${props.loadBalancer.targetPort}; use the same port`);
  }
  if (problems.length > 0) throw new Error(`FargateService ${props.name}: ${problems.join('; ')}`);
}

/** A task volume name for a container path: `/var/cache/nginx` → `writable-var-cache-nginx`. */
function volumeName(containerPath: string): string {
  return `writable${containerPath.replace(/[^A-Za-z0-9]+/g, '-').replace(/-$/, '')}`;
}
