/** The LoadBalancedFargateService pattern: what it wires between its pieces, read with cdktf's matchers and by construct path. */
import { Testing } from 'cdktf';
// Types of the matchers that support/setup.ts installs (toHaveResourceWithProperties, ...).
import type {} from 'cdktf/lib/testing/adapters/jest';
import { Construct } from 'constructs';
import { AppautoscalingTarget } from '@cdktf/provider-aws/lib/appautoscaling-target';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { Image } from '@cdktf/provider-docker/lib/image';
import { FargateCluster } from '../../../stacks/constructs/cluster';
import { LoadBalancer } from '../../../stacks/constructs/load-balancer';
import { LoadBalancedFargateService, type LoadBalancedFargateServiceProps } from '../../../stacks/constructs/patterns/load-balanced-fargate-service';
import { serviceLikeContext } from '../../support/service-fixtures';
import { byPath, parse, ref, resources, type SynthJson } from '../../support/synth';

type Props = LoadBalancedFargateServiceProps<'image'>;
type Scheme = 'external' | 'internal';

interface Options {
  /** Which load balancers the service is behind, on listener port 80 (external) and 8081 (internal). @default ['external'] */
  readonly behind?: readonly Scheme[];
  /** Replaces props of the pattern; gets the two load balancers. */
  readonly props?: (lbs: Record<Scheme, LoadBalancer>) => Partial<Props>;
}

const REGISTRY_IMAGE = { repositoryName: 'test-dev-orders', source: { kind: 'registry', reference: 'registry.example/orders:1' } } as const;
const APP = { name: 'app', image: 'image', ports: [{ containerPort: 8080 }], user: '1000' } as const;

/** One service `orders` in the scope `shop`, and the two load balancers it may be behind. */
function synthPattern(options: Options = {}): string {
  return Testing.synthScope((scope: Construct) => {
    const cluster = new FargateCluster(scope, 'ecs', { name: 'test-dev' });
    const lbs = {
      external: new LoadBalancer(scope, 'alb', { name: 'test-dev', vpcId: 'vpc-1', subnetIds: ['subnet-pub-a', 'subnet-pub-b'] }),
      internal: new LoadBalancer(scope, 'internal-alb', { name: 'test-dev-internal', vpcId: 'vpc-1', subnetIds: ['subnet-priv-a', 'subnet-priv-b'], internal: true }),
    };
    new LoadBalancedFargateService(new Construct(scope, 'shop'), 'orders', {
      name: 'test-dev-orders',
      cluster,
      images: { image: REGISTRY_IMAGE },
      task: { region: 'eu-west-1' },
      containers: [APP],
      targets: (options.behind ?? ['external']).map((scheme) => ({ loadBalancer: lbs[scheme], port: scheme === 'external' ? 80 : 8081 })),
      service: { vpcId: 'vpc-1', subnetIds: ['subnet-priv-a', 'subnet-priv-b'] },
      ...options.props?.(lbs),
    });
  });
}
const synthJson = (options?: Options): SynthJson => parse(synthPattern(options));

/** The message the pattern refuses these props with. */
function refusal(props: Options['props']): string {
  try {
    synthPattern({ props });
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the pattern accepted the props');
}

describe('LoadBalancedFargateService pieces', () => {
  it('creates its pieces in the given scope, the service under the pattern id', () => {
    const json = synthJson();
    expect(['shop/image/repository', 'shop/task/definition', 'shop/orders/service'].map((path) => byPath(json, path).type)).toEqual([
      'aws_ecr_repository',
      'aws_ecs_task_definition',
      'aws_ecs_service',
    ]);
  });

  it('names the task and the service by constructIds', () => {
    const json = synthJson({ props: () => ({ constructIds: { task: 'app-task', service: 'ecs' } }) });
    expect([byPath(json, 'shop/app-task/definition').type, byPath(json, 'shop/ecs/service').type]).toEqual(['aws_ecs_task_definition', 'aws_ecs_service']);
  });

  it('runs the service and the task family under its name', () => {
    const synthesized = synthPattern();
    expect(synthesized).toHaveResourceWithProperties(EcsService, { name: 'test-dev-orders' });
    expect(synthesized).toHaveResourceWithProperties(EcsTaskDefinition, { family: 'test-dev-orders' });
  });
});

describe('LoadBalancedFargateService targets', () => {
  it('registers a target group with the container port on each load balancer the service is behind', () => {
    const json = synthJson({ behind: ['external', 'internal'] });
    expect(resources(json, 'aws_lb_target_group').map((r) => [r.path, r.props.port])).toEqual([
      ['alb/orders-targets', 8080],
      ['internal-alb/orders-targets', 8080],
    ]);
  });

  it('registers the service with each target group, on the target container and its port', () => {
    const json = synthJson({ behind: ['external', 'internal'] });
    expect(byPath(json, 'shop/orders/service').props.load_balancer).toEqual([
      { target_group_arn: ref(byPath(json, 'alb/orders-targets'), 'arn'), container_name: 'app', container_port: 8080 },
      { target_group_arn: ref(byPath(json, 'internal-alb/orders-targets'), 'arn'), container_name: 'app', container_port: 8080 },
    ]);
  });

  it('passes the target options (health check, deregistration delay) to the target group', () => {
    const synthesized = synthPattern({
      props: (lbs) => ({ targets: [{ loadBalancer: lbs.external, port: 80, healthCheck: { path: '/ready', successCodes: '200,302' }, deregistrationDelaySeconds: 5 }] }),
    });
    expect(synthesized).toHaveResourceWithProperties(LbTargetGroup, { deregistration_delay: '5', health_check: expect.objectContaining({ path: '/ready', matcher: '200,302' }) });
  });

  it('sends to the first port of the target container, beside a container the load balancers do not reach', () => {
    const json = synthJson({
      props: () => ({
        volumes: { shared: {} },
        containers: [
          { name: 'sidecar', image: 'image', ports: [{ containerPort: 9000 }], mounts: [{ volume: 'shared', containerPath: '/shared' }] },
          { ...APP, dependsOn: [{ container: 'sidecar', condition: 'START' }], mounts: [{ volume: 'shared', containerPath: '/shared', readOnly: true }] },
        ],
        targetContainer: 'app',
      }),
    });
    expect([byPath(json, 'alb/orders-targets').props.port, byPath(json, 'shop/orders/service').props.load_balancer]).toEqual([
      8080,
      [expect.objectContaining({ container_name: 'app', container_port: 8080 })],
    ]);
  });

  it('adds the volumes before the containers that mount them, and the containers in order', () => {
    const json = synthJson({
      props: () => ({
        volumes: { shared: {} },
        containers: [
          { name: 'sidecar', image: 'image', mounts: [{ volume: 'shared', containerPath: '/shared' }] },
          { ...APP, dependsOn: [{ container: 'sidecar', condition: 'START' }] },
        ],
        targetContainer: 'app',
      }),
    });
    const definition = byPath(json, 'shop/task/definition').props;
    const containers = JSON.parse(definition.container_definitions as string) as { name: string }[];
    expect([containers.map((c) => c.name), (definition.volume as { name: string }[]).map((v) => v.name)]).toEqual([['sidecar', 'app'], ['shared']]);
  });

  it('names the first target load balancer by the alias record', () => {
    const json = synthJson({ props: () => ({ alias: { zoneId: 'Z123', name: 'orders.example.com' } }) });
    expect(byPath(json, 'shop/alias/record').props).toMatchObject({
      zone_id: 'Z123',
      name: 'orders.example.com',
      alias: { name: ref(byPath(json, 'alb/load-balancer'), 'dns_name'), zone_id: ref(byPath(json, 'alb/load-balancer'), 'zone_id') },
    });
  });

  it('creates no alias record without alias', () => {
    expect(synthPattern()).not.toHaveResource(Route53Record);
  });
});

describe('LoadBalancedFargateService scaling', () => {
  it('attaches one request-count policy per target group', () => {
    const json = synthJson({ behind: ['external', 'internal'], props: () => ({ scaling: { minTasks: 2, maxTasks: 6, requestsPerTarget: 500 } }) });
    const requests = resources(json, 'aws_appautoscaling_policy').filter((r) => r.path.includes('/requests-'));
    expect(requests.map((r) => r.path)).toEqual(['shop/orders/scaling/requests-alb', 'shop/orders/scaling/requests-internal-alb']);
  });

  it('scales between the given task counts', () => {
    const synthesized = synthPattern({ props: () => ({ scaling: { minTasks: 2, maxTasks: 6 } }) });
    expect(synthesized).toHaveResourceWithProperties(AppautoscalingTarget, { min_capacity: 2, max_capacity: 6 });
  });

  it('keeps a fixed task count without scaling', () => {
    expect(synthPattern()).not.toHaveResource(AppautoscalingTarget);
  });
});

describe('LoadBalancedFargateService options pass through', () => {
  it('gives the task definition every task option, such as its size', () => {
    const synthesized = synthPattern({ props: () => ({ task: { region: 'eu-west-1', cpu: 1024, memoryMiB: 2048 } }) });
    expect(synthesized).toHaveResourceWithProperties(EcsTaskDefinition, { cpu: '1024', memory: '2048' });
  });

  it('gives the task definition its log retention', () => {
    const synthesized = synthPattern({ props: () => ({ task: { region: 'eu-west-1', logRetentionDays: 7 } }) });
    expect(synthesized).toHaveResourceWithProperties(CloudwatchLogGroup, { name: '/ecs/test-dev-orders', retention_in_days: 7 });
  });

  it('builds the images for the task architecture', () => {
    const synthesized = synthPattern({
      props: () => ({
        images: { image: { repositoryName: 'test-dev-orders', source: { kind: 'build', contextDirectory: serviceLikeContext() } } },
        task: { region: 'eu-west-1', cpuArchitecture: 'ARM64' },
      }),
    });
    expect(synthesized).toHaveResourceWithProperties(Image, { platform: 'linux/arm64' });
  });

  it('gives the service every service option, such as public IPs and its count', () => {
    const synthesized = synthPattern({ props: () => ({ service: { vpcId: 'vpc-1', subnetIds: ['subnet-pub-a', 'subnet-pub-b'], assignPublicIp: true, desiredCount: 3 } }) });
    expect(synthesized).toHaveResourceWithProperties(EcsService, {
      desired_count: 3,
      network_configuration: { subnets: ['subnet-pub-a', 'subnet-pub-b'], assign_public_ip: true, security_groups: [expect.any(String)] },
    });
  });
});

describe('LoadBalancedFargateService validation', () => {
  it('refuses a service behind no load balancer', () => {
    expect(refusal(() => ({ targets: [] }))).toMatch(/^LoadBalancedFargateService orders: targets is empty; give at least one load balancer/);
  });

  it('refuses the same load balancer twice', () => {
    expect(
      refusal((lbs) => ({
        targets: [
          { loadBalancer: lbs.external, port: 80 },
          { loadBalancer: lbs.external, port: 8080 },
        ],
      })),
    ).toContain('targets[1] names the load balancer test-dev again; give each load balancer once');
  });

  it('refuses a target container without a port, naming it', () => {
    expect(refusal(() => ({ containers: [{ name: 'app', image: 'image' }] }))).toContain('the target container "app" has no ports');
  });

  it('refuses a target container that is not among the containers', () => {
    expect(refusal(() => ({ targetContainer: 'web' }))).toContain('targetContainer "web" is not among the containers (app); name one of them');
  });

  it('refuses a container whose image is not among the images', () => {
    // @ts-expect-error the compiler already refuses an image key that images lacks; plain JavaScript callers get the error
    expect(refusal(() => ({ containers: [{ ...APP, image: 'web-image' }] }))).toContain('containers[0].image "web-image" is not a key of images (image); add it to images');
  });

  it('refuses an empty container list', () => {
    expect(refusal(() => ({ containers: [] }))).toContain('containers is empty; give at least the container the load balancers send to');
  });
});
