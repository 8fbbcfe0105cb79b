/**
 * An ECS Fargate service: runs a task definition in a shared cluster, registered with one or more
 * load balancer target groups, behind a security group that admits only its load balancers.
 */
import type { ITerraformDependable } from 'cdktf';
import { Construct, type Node } from 'constructs';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import type { FargateCluster } from './cluster';
import { type CapacityProviderShare, resolveCapacityStrategy } from '../lib/fargate-rules';
import type { LoadBalancerTarget } from './load-balancer';
import { ServiceScaling } from './service-scaling';
import type { FargateTaskDefinition } from './task-definition';
import { type ReleaseMode, type ScalingOptions, scalingProblems } from '../lib/service-rules';
import { serviceOptionProblems } from '../lib/service-rules';

/** Anything behind its own security group that tasks may call: `LoadBalancer`, a file system, a database. */
export interface SecurityGroupPeer {
  readonly securityGroupId: string;
  /** Its construct node; the id names the rules. */
  readonly node: Node;
}

/** A target group the service registers one container port with. */
export interface ServiceTarget {
  readonly target: LoadBalancerTarget;
  /** @default - the task's first container */
  readonly containerName?: string;
  /** @default - the target group's target port */
  readonly containerPort?: number;
}

/** Props of {@link FargateService}. */
export interface FargateServiceProps {
  /** Name of the service; also prefixes its security group's name. */
  readonly name: string;
  readonly cluster: FargateCluster;
  readonly taskDefinition: FargateTaskDefinition;
  readonly vpcId: string;
  /** Subnets of the tasks: private ones, or public ones with `assignPublicIp`. */
  readonly subnetIds: readonly string[];
  /**
   * Give each task a public IP: only for tasks in public subnets of a VPC without NAT.
   * @default false
   */
  readonly assignPublicIp?: boolean;
  /** Target groups (external and/or internal) the tasks register with. @default [] - no load balancer */
  readonly targets?: readonly ServiceTarget[];
  /** Tasks to run without scaling, and at the first deployment. @default 2 */
  readonly desiredCount?: number;
  /** @default 100 - never fewer healthy tasks than desired during a deployment */
  readonly minHealthyPercent?: number;
  /** @default 200 */
  readonly maxPercent?: number;
  /** Time a new task may fail load balancer health checks before ECS replaces it. @default 60 */
  readonly healthCheckGracePeriodSeconds?: number;
  /** Shortcut for an all-FARGATE_SPOT strategy. @default false */
  readonly spot?: boolean;
  /** @default - [{ FARGATE, weight 1 }], or all FARGATE_SPOT with `spot` */
  readonly capacityProviderStrategy?: readonly CapacityProviderShare[];
  /**
   * What the tasks need before the first one starts, beyond the load balancer, e.g. the mount
   * targets of an EFS file system they mount (a task started earlier fails to mount it).
   * @default []
   */
  readonly dependsOn?: readonly ITerraformDependable[];
  /**
   * Who registers the task-definition revisions the service runs after its creation: `terraform`
   * (the task definition of `taskDefinition`, always) or `pipeline` (Terraform creates the service
   * with `taskDefinition`; later revisions come from `npm run release`, and Terraform leaves them be).
   * @default 'terraform'
   */
  readonly release?: ReleaseMode;
}

/** A Fargate service in a shared cluster whose security group admits exactly its load balancers' traffic. */
export class FargateService extends Construct {
  readonly serviceName: string;
  readonly clusterName: string;
  readonly securityGroupId: string;
  /** The capacity provider strategy in effect. */
  readonly capacityProviderStrategy: readonly CapacityProviderShare[];
  /** The target groups the service registers with. */
  readonly targets: readonly LoadBalancerTarget[];

  private readonly service: EcsService;
  private readonly desiredCount: number;

  constructor(scope: Construct, id: string, props: FargateServiceProps) {
    super(scope, id);
    const desiredCount = props.desiredCount ?? 2;
    const strategy = resolveCapacityStrategy(props.spot ?? false, props.capacityProviderStrategy);
    const task = props.taskDefinition;
    const problems = serviceOptionProblems({
      desiredCount,
      minHealthyPercent: props.minHealthyPercent ?? 100,
      maxPercent: props.maxPercent ?? 200,
      healthCheckGracePeriodSeconds: props.healthCheckGracePeriodSeconds ?? 60,
      spot: props.spot,
      capacityProviderStrategy: props.capacityProviderStrategy,
      cpuArchitecture: task.cpuArchitecture,
    });
    if (props.subnetIds.length === 0) problems.push('subnetIds is empty; give the subnets the tasks run in');
    const registrations = (props.targets ?? []).map((t) => {
      const containerName = t.containerName ?? task.containerNames[0];
      const containerPort = t.containerPort ?? t.target.targetPort;
      if (containerName === undefined) {
        problems.push(`the task ${task.family} has no container yet; add the containers before the service`);
      } else if (!task.containerPorts(containerName).includes(containerPort)) {
        problems.push(
          `target ${t.target.id} sends to port ${containerPort} of container "${containerName}", which exposes ${task.containerPorts(containerName).join(', ') || 'no port'}; use the same port`,
        );
      }
      return { ...t, containerName: containerName ?? '', containerPort };
    });
    if (problems.length > 0) throw new Error(`FargateService ${props.name}: ${problems.join('; ')}`);

    const sg = new SecurityGroup(this, 'sg', {
      namePrefix: `${props.name}-tasks-`,
      description: `Tasks of ${props.name}: the container port from the load balancer only`,
      vpcId: props.vpcId,
      tags: { Name: `${props.name}-tasks` },
      lifecycle: { createBeforeDestroy: true },
    });
    this.securityGroupId = sg.id;
    const opened = new Set<string>();
    for (const { target, containerPort } of registrations) {
      const lb = target.loadBalancer;
      const key = `${lb.node.id}-${containerPort}`;
      if (opened.has(key)) continue;
      opened.add(key);
      new VpcSecurityGroupIngressRule(this, `from-${key}`, {
        securityGroupId: sg.id,
        description: `Container port ${containerPort} from the load balancer ${lb.name}`,
        ipProtocol: 'tcp',
        fromPort: containerPort,
        toPort: containerPort,
        referencedSecurityGroupId: lb.securityGroupId,
      });
      new VpcSecurityGroupEgressRule(this, `${key}-to-tasks`, {
        securityGroupId: lb.securityGroupId,
        description: `Container port ${containerPort} to the tasks of ${props.name}`,
        ipProtocol: 'tcp',
        fromPort: containerPort,
        toPort: containerPort,
        referencedSecurityGroupId: sg.id,
      });
    }
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

    const withTargets = registrations.length > 0;
    this.service = new EcsService(this, 'service', {
      name: props.name,
      cluster: props.cluster.clusterArn,
      taskDefinition: task.arn,
      desiredCount,
      capacityProviderStrategy: strategy.map((s) => ({ capacityProvider: s.capacityProvider, base: s.base ?? 0, weight: s.weight })),
      platformVersion: 'LATEST',
      networkConfiguration: {
        subnets: [...props.subnetIds],
        securityGroups: [sg.id],
        assignPublicIp: props.assignPublicIp ?? false,
      },
      loadBalancer: withTargets
        ? registrations.map((r) => ({ targetGroupArn: r.target.targetGroupArn, containerName: r.containerName, containerPort: r.containerPort }))
        : undefined,
      deploymentCircuitBreaker: { enable: true, rollback: true },
      deploymentMinimumHealthyPercent: props.minHealthyPercent ?? 100,
      deploymentMaximumPercent: props.maxPercent ?? 200,
      // ECS refuses a grace period on a service without a load balancer.
      healthCheckGracePeriodSeconds: withTargets ? (props.healthCheckGracePeriodSeconds ?? 60) : undefined,
      enableExecuteCommand: task.enableExecuteCommand,
      enableEcsManagedTags: true,
      propagateTags: 'SERVICE',
      dependsOn: [...registrations.flatMap((r) => r.target.routing), props.cluster.capacityProviders, ...(props.dependsOn ?? [])],
    });
    if (props.release === 'pipeline') {
      // A product decision, not hidden drift: a pipeline service's revisions belong to the pipeline
      // (npm run release, docs/release.md), so the revision it runs is not Terraform's to reset.
      // Terraform still owns the task definition it created and everything else of the service.
      this.ignoreChanges('task_definition');
    }
    this.desiredCount = desiredCount;
    this.serviceName = this.service.name;
    this.clusterName = props.cluster.clusterName;
    this.capacityProviderStrategy = strategy;
    this.targets = registrations.map((r) => r.target);
  }

  /**
   * Lets the tasks call a port of something behind a security group: a load balancer's listener,
   * a file system (2049), a database. Egress on the tasks' group, ingress on the peer's.
   */
  allowTo(peer: SecurityGroupPeer, port: number, description: string): void {
    const id = `to-${peer.node.id}-${port}`;
    new VpcSecurityGroupEgressRule(this, id, {
      securityGroupId: this.securityGroupId,
      description: `Port ${port} of ${peer.node.id}: ${description}`,
      ipProtocol: 'tcp',
      fromPort: port,
      toPort: port,
      referencedSecurityGroupId: peer.securityGroupId,
    });
    new VpcSecurityGroupIngressRule(this, `${id}-in`, {
      securityGroupId: peer.securityGroupId,
      description: `Port ${port} from the tasks of ${this.node.id}: ${description}`,
      ipProtocol: 'tcp',
      fromPort: port,
      toPort: port,
      referencedSecurityGroupId: this.securityGroupId,
    });
  }

  /** Adds an attribute that something other than Terraform owns once the service exists. */
  private ignoreChanges(attribute: string): void {
    const ignored = this.service.lifecycle?.ignoreChanges;
    this.service.lifecycle = { ...this.service.lifecycle, ignoreChanges: [...(Array.isArray(ignored) ? ignored : []), attribute] };
  }

  /**
   * Names the CloudWatch alarms ECS watches during a deployment; with `rollback` it rolls the
   * deployment back when one fires, as the circuit breaker does for tasks that fail to start.
   * Give the alarms of this service's own target groups: another service's alarm would roll this
   * one back for the other's fault.
   */
  useDeploymentAlarms(alarmNames: readonly string[], rollback: boolean): void {
    if (alarmNames.length === 0) throw new Error(`FargateService ${this.node.id} deployment alarms: no alarm names; give the service's 5xx-rate and latency alarms`);
    this.service.putAlarms({ enable: true, rollback, alarmNames: [...alarmNames] });
  }

  /** Hands the task count to target-tracking scaling, with a request-count policy per target group. */
  autoScaleTaskCount(options: ScalingOptions): ServiceScaling {
    const problems = scalingProblems(options, this.desiredCount);
    if (problems.length > 0) throw new Error(`FargateService ${this.node.id} scaling: ${problems.join('; ')}`);
    // Scaling owns the running count once the service exists; a deploy must not reset it.
    this.ignoreChanges('desired_count');
    // One request-count policy per load balancer the service is behind, named after it.
    const targets = this.targets.map((t) => ({ id: t.loadBalancer.node.id, requestCountLabel: t.requestCountLabel }));
    return new ServiceScaling(this, 'scaling', { ...options, clusterName: this.clusterName, serviceName: this.serviceName, targets });
  }
}
