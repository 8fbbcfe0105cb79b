/**
 * One Fargate service behind one or more load balancers, in the manner of aws-ecs-patterns'
 * ApplicationLoadBalancedFargateService, composed of the construct library: images → task
 * definition with its volumes and containers → a target group on each load balancer → service →
 * scaling → an optional DNS alias.
 */
import { type Construct } from 'constructs';
import type { FargateCluster } from '../cluster';
import { ContainerImage, type ContainerImageProps } from '../container-image';
import { AliasRecord } from '../dns';
import { FargateService, type FargateServiceProps } from '../fargate-service';
import type { AddTargetsProps, LoadBalancer, LoadBalancerTarget } from '../load-balancer';
import type { ServiceScaling } from '../service-scaling';
import { type ContainerProps, DEFAULT_CPU_ARCHITECTURE, FargateTaskDefinition, type FargateTaskDefinitionProps, type VolumeProps } from '../task-definition';
import type { ScalingOptions } from '../../lib/service-rules';

/** An image of the task: an ECR repository and the image a container runs, built for the task's CPU architecture. */
export type ServiceImageProps = Omit<ContainerImageProps, 'cpuArchitecture'>;

/** A container of the task, running one of the pattern's images. */
export interface ServiceContainerProps<ImageId extends string = string> extends Omit<ContainerProps, 'image'> {
  /** Unique in the task. */
  readonly name: string;
  /** Key of its image in {@link LoadBalancedFargateServiceProps.images}. */
  readonly image: ImageId;
}

/** A load balancer the service is behind: the options of `LoadBalancer.addTargets` but the target port, which is the container's. */
export interface ServiceTargetProps extends Omit<AddTargetsProps, 'targetPort'> {
  readonly loadBalancer: LoadBalancer;
}

/** A Route 53 alias record that names a load balancer of the service. */
export interface ServiceAliasProps {
  /** The hosted zone the record is created in. */
  readonly zoneId: string;
  /** Full record name, e.g. `shop.example.com`. */
  readonly name: string;
  /** @default - the load balancer of the first target */
  readonly loadBalancer?: LoadBalancer;
}

/** Construct ids of the pieces in the pattern's scope; they are the pieces' Terraform addresses. */
export interface ServiceConstructIds {
  /** @default 'task' */
  readonly task?: string;
  /** @default - the pattern's id */
  readonly service?: string;
  /** @default 'alias' */
  readonly alias?: string;
}

/** Props of {@link LoadBalancedFargateService}. */
export interface LoadBalancedFargateServiceProps<ImageId extends string = string> {
  /** Name of the ECS service and family of its task definition (which names the task's roles and log group). */
  readonly name: string;
  readonly cluster: FargateCluster;
  /** The images the containers run, keyed by their construct ids. */
  readonly images: Readonly<Record<ImageId, ServiceImageProps>>;
  /**
   * Every option of the task definition but its family, which is `name`: region, size,
   * architecture, log retention, ECS Exec, and any option the task definition gains.
   */
  readonly task: Omit<FargateTaskDefinitionProps, 'family'>;
  /** Volumes of the task by name, added before the containers that mount them. @default {} - only the containers' writable paths */
  readonly volumes?: Readonly<Record<string, VolumeProps>>;
  /** The containers, in this order: a container may depend only on those before it. */
  readonly containers: readonly ServiceContainerProps<NoInfer<ImageId>>[];
  /** The container the load balancers send to, on its first port. @default - the first of `containers` */
  readonly targetContainer?: string;
  /** The load balancers the service is behind, at least one, each once. */
  readonly targets: readonly ServiceTargetProps[];
  /**
   * Every option of the service but those the pattern wires (name, cluster, task definition,
   * target groups): subnets and public IP, count, deployment, capacity, dependencies, and any
   * option the service gains.
   */
  readonly service: Omit<FargateServiceProps, 'name' | 'cluster' | 'taskDefinition' | 'targets'>;
  /** Target tracking of the task count, with a request-count policy per target group. @default - a fixed `service.desiredCount` */
  readonly scaling?: ScalingOptions;
  /** @default - no record */
  readonly alias?: ServiceAliasProps;
  /** @default - the defaults of {@link ServiceConstructIds} */
  readonly constructIds?: ServiceConstructIds;
}

/**
 * A load-balanced Fargate service and its pieces. It adds no level of its own to the construct
 * tree: the pieces are children of `scope`, so a stack that adopts the pattern keeps the construct
 * paths, and with them the Terraform addresses, of what it deployed (a changed address replaces
 * the resource). Give each pattern a scope of its own, or distinct `constructIds`.
 */
export class LoadBalancedFargateService<ImageId extends string = string> {
  /** The images by their keys in `props.images`. */
  readonly images: Readonly<Record<ImageId, ContainerImage>>;
  readonly task: FargateTaskDefinition;
  /** The target groups, in the order of `props.targets`; each is named by the pattern's id on its load balancer. */
  readonly targets: readonly LoadBalancerTarget[];
  readonly service: FargateService;
  /** Only with `props.scaling`. */
  readonly scaling?: ServiceScaling;
  /** Only with `props.alias`. */
  readonly alias?: AliasRecord;

  /**
   * @param scope where the pieces are created
   * @param id names the target group on each load balancer (`<id>-targets`) and, by default, the service's construct
   */
  constructor(scope: Construct, id: string, props: LoadBalancedFargateServiceProps<ImageId>) {
    const ids = { task: 'task', service: id, alias: 'alias', ...props.constructIds };
    const { targetContainer, targetPort } = validate(id, props);

    const images: Partial<Record<ImageId, ContainerImage>> = {};
    for (const key of Object.keys(props.images) as ImageId[]) {
      // Built images target the task's architecture; a mismatch would stop every task at start.
      images[key] = new ContainerImage(scope, key, { ...props.images[key], cpuArchitecture: props.task.cpuArchitecture ?? DEFAULT_CPU_ARCHITECTURE });
    }
    this.images = images as Record<ImageId, ContainerImage>;
    this.task = new FargateTaskDefinition(scope, ids.task, { ...props.task, family: props.name });
    for (const [name, volume] of Object.entries(props.volumes ?? {})) this.task.addVolume(name, volume);
    for (const { name, image, ...container } of props.containers) this.task.addContainer(name, { ...container, image: this.images[image] });

    this.targets = props.targets.map(({ loadBalancer, ...target }) => loadBalancer.addTargets(id, { ...target, targetPort }));
    this.service = new FargateService(scope, ids.service, {
      ...props.service,
      name: props.name,
      cluster: props.cluster,
      taskDefinition: this.task,
      targets: this.targets.map((target) => ({ target, containerName: targetContainer })),
    });
    if (props.scaling) this.scaling = this.service.autoScaleTaskCount(props.scaling);
    if (props.alias) {
      const { loadBalancer = this.targets[0].loadBalancer, ...record } = props.alias;
      this.alias = new AliasRecord(scope, ids.alias, { ...record, target: loadBalancer });
    }
  }
}

/** Every reason the props cannot make a service, with its fix; else the container and port the load balancers send to. */
function validate<ImageId extends string>(id: string, props: LoadBalancedFargateServiceProps<ImageId>): { targetContainer: string; targetPort: number } {
  const problems: string[] = [];
  const targetContainer = props.targetContainer ?? props.containers[0]?.name;
  const imageKeys = Object.keys(props.images);
  props.containers.forEach((container, i) => {
    if (!imageKeys.includes(container.image)) {
      problems.push(`containers[${i}].image "${container.image}" is not a key of images (${imageKeys.join(', ') || 'none'}); add it to images`);
    }
  });
  const container = props.containers.find((c) => c.name === targetContainer);
  const port = container?.ports?.[0]?.containerPort;
  if (props.containers.length === 0) problems.push('containers is empty; give at least the container the load balancers send to');
  else if (!container) problems.push(`targetContainer "${targetContainer}" is not among the containers (${props.containers.map((c) => c.name).join(', ')}); name one of them`);
  else if (port === undefined) problems.push(`the target container "${container.name}" has no ports; give it the port the load balancers send to`);
  if (props.targets.length === 0) problems.push('targets is empty; give at least one load balancer (a service behind none is a plain FargateService)');
  props.targets.forEach((target, i) => {
    if (props.targets.findIndex((t) => t.loadBalancer === target.loadBalancer) < i) {
      problems.push(`targets[${i}] names the load balancer ${target.loadBalancer.name} again; give each load balancer once`);
    }
  });
  if (problems.length > 0 || !container || port === undefined) throw new Error(`LoadBalancedFargateService ${id}: ${problems.join('; ')}`);
  return { targetContainer: container.name, targetPort: port };
}
