import { Testing } from 'cdktf';
import { Construct } from 'constructs';
import { EfsMountTarget } from '@cdktf/provider-aws/lib/efs-mount-target';
import { FargateCluster } from '../../stacks/constructs/cluster';
import { FargateService, type FargateServiceProps } from '../../stacks/constructs/fargate-service';
import { LoadBalancer } from '../../stacks/constructs/load-balancer';
import { FargateTaskDefinition } from '../../stacks/constructs/task-definition';
import { byPath, parse, ref, resources, synthesizedOnce, type SynthJson } from '../support/synth';
import type { ScalingOptions } from '../../stacks/lib/service-rules';

const IMAGE = { imageUri: 'registry.example/app@sha256:abc', pullStatements: () => [] };

interface Options {
  readonly service?: Partial<FargateServiceProps>;
  /** Which load balancers the service is behind. @default ['external'] */
  readonly behind?: readonly ('external' | 'internal')[];
  readonly scaling?: ScalingOptions;
  readonly build?: (service: FargateService, lbs: { external: LoadBalancer; internal: LoadBalancer }) => void;
}

/** The service's JSON; the same options synthesize once per file, since the tests only read it. */
function synthService(options: Options = {}): SynthJson {
  return parse(synthServiceText(options));
}
const synthServiceText = synthesizedOnce((options: Options): string =>
  Testing.synthScope((scope: Construct) => {
    const cluster = new FargateCluster(scope, 'ecs', { name: 'test-dev-service' });
    const external = new LoadBalancer(scope, 'alb', { name: 'test-dev', vpcId: 'vpc-1', subnetIds: ['subnet-pub-a', 'subnet-pub-b'] });
    const internal = new LoadBalancer(scope, 'internal-alb', { name: 'test-dev-internal', vpcId: 'vpc-1', subnetIds: ['subnet-priv-a', 'subnet-priv-b'], internal: true });
    const task = new FargateTaskDefinition(scope, 'task', { family: 'test-dev-service', region: 'eu-west-1' });
    task.addContainer('app', { image: IMAGE, ports: [{ containerPort: 8080 }], user: '1000' });
    const behind = options.behind ?? ['external'];
    const targets = behind.map((scheme) => ({ target: (scheme === 'external' ? external : internal).addTargets('api', { port: 80, targetPort: 8080 }) }));
    const service = new FargateService(scope, 'app', {
      name: 'test-dev-service',
      cluster,
      taskDefinition: task,
      vpcId: 'vpc-1',
      subnetIds: ['subnet-priv-a', 'subnet-priv-b'],
      targets,
      ...options.service,
    });
    if (options.scaling) service.autoScaleTaskCount(options.scaling);
    options.build?.(service, { external, internal });
  }),
);

describe('FargateCluster', () => {
  it('has Container Insights on', () => {
    expect(byPath(synthService(), 'ecs/ecs-cluster').props.setting).toEqual([{ name: 'containerInsights', value: 'enabled' }]);
  });

  it('offers FARGATE and FARGATE_SPOT capacity providers', () => {
    expect(byPath(synthService(), 'ecs/capacity-providers').props.capacity_providers).toEqual(['FARGATE', 'FARGATE_SPOT']);
  });
});

describe('FargateService security group', () => {
  it('has a name prefix and is replaced create-before-destroy', () => {
    expect(byPath(synthService(), 'app/sg').props).toMatchObject({ name_prefix: 'test-dev-service-tasks-', lifecycle: { create_before_destroy: true } });
  });

  it('admits only the container port, only from the load balancer group', () => {
    const json = synthService();
    const ingress = resources(json, 'aws_vpc_security_group_ingress_rule').filter((r) => r.props.security_group_id === ref(byPath(json, 'app/sg')));
    expect(ingress.map((r) => r.props)).toEqual([
      expect.objectContaining({ ip_protocol: 'tcp', from_port: 8080, to_port: 8080, referenced_security_group_id: ref(byPath(json, 'alb/sg')) }),
    ]);
    expect(ingress[0].props.cidr_ipv4).toBeUndefined();
  });

  it('lets the load balancer reach the tasks on the container port only', () => {
    const json = synthService();
    expect(byPath(json, 'app/alb-8080-to-tasks').props).toMatchObject({
      security_group_id: ref(byPath(json, 'alb/sg')),
      ip_protocol: 'tcp',
      from_port: 8080,
      to_port: 8080,
      referenced_security_group_id: ref(byPath(json, 'app/sg')),
    });
  });

  it('behind both load balancers, admits the container port from each of them', () => {
    const json = synthService({ behind: ['external', 'internal'] });
    const ingress = resources(json, 'aws_vpc_security_group_ingress_rule').filter((r) => r.props.security_group_id === ref(byPath(json, 'app/sg')));
    expect(ingress.map((r) => r.props.referenced_security_group_id).sort()).toEqual([ref(byPath(json, 'alb/sg')), ref(byPath(json, 'internal-alb/sg'))].sort());
  });

  it('lets tasks out on HTTPS only', () => {
    const json = synthService();
    const egress = resources(json, 'aws_vpc_security_group_egress_rule').filter((r) => r.props.security_group_id === ref(byPath(json, 'app/sg')));
    expect(egress.map((r) => [r.props.from_port, r.props.to_port, r.props.cidr_ipv4])).toEqual([[443, 443, '0.0.0.0/0']]);
  });

  it('allowTo lets the tasks reach one listener port of another load balancer, both ways described', () => {
    const json = synthService({ build: (service, { internal }) => service.allowTo(internal, 9090, 'order calls product') });
    expect([byPath(json, 'app/to-internal-alb-9090').props, byPath(json, 'app/to-internal-alb-9090-in').props]).toEqual([
      expect.objectContaining({
        security_group_id: ref(byPath(json, 'app/sg')),
        from_port: 9090,
        to_port: 9090,
        referenced_security_group_id: ref(byPath(json, 'internal-alb/sg')),
      }),
      expect.objectContaining({
        security_group_id: ref(byPath(json, 'internal-alb/sg')),
        from_port: 9090,
        to_port: 9090,
        referenced_security_group_id: ref(byPath(json, 'app/sg')),
      }),
    ]);
  });
});

describe('FargateService allowTo any security group', () => {
  it('reaches a file system on NFS through its group, named after its construct', () => {
    const json = synthService({
      build: (service, { external }) => {
        const fileSystem = new Construct(external.node.scope as Construct, 'files');
        service.allowTo({ securityGroupId: 'sg-efs', node: fileSystem.node }, 2049, 'shared uploads');
      },
    });
    expect([byPath(json, 'app/to-files-2049').props, byPath(json, 'app/to-files-2049-in').props]).toEqual([
      expect.objectContaining({
        security_group_id: ref(byPath(json, 'app/sg')),
        from_port: 2049,
        referenced_security_group_id: 'sg-efs',
        description: 'Port 2049 of files: shared uploads',
      }),
      expect.objectContaining({ security_group_id: 'sg-efs', from_port: 2049, referenced_security_group_id: ref(byPath(json, 'app/sg')) }),
    ]);
  });
});

describe('FargateService service', () => {
  it('runs in the shared cluster, in the given subnets without public IPs by default', () => {
    const json = synthService();
    const service = byPath(json, 'app/service').props;
    expect([service.cluster, service.network_configuration]).toEqual([
      ref(byPath(json, 'ecs/ecs-cluster'), 'arn'),
      { subnets: ['subnet-priv-a', 'subnet-priv-b'], security_groups: [ref(byPath(json, 'app/sg'))], assign_public_ip: false },
    ]);
  });

  it('assigns public IPs in public mode', () => {
    const json = synthService({ service: { assignPublicIp: true } });
    expect((byPath(json, 'app/service').props.network_configuration as { assign_public_ip: boolean }).assign_public_ip).toBe(true);
  });

  it('registers the container with the target group after the listener and the capacity providers exist', () => {
    const json = synthService();
    const service = byPath(json, 'app/service').props;
    expect(service.load_balancer).toEqual([{ target_group_arn: ref(byPath(json, 'alb/api-targets'), 'arn'), container_name: 'app', container_port: 8080 }]);
    expect(service.depends_on).toEqual([
      `aws_lb_listener.${byPath(json, 'alb/http').logicalId}`,
      `aws_ecs_cluster_capacity_providers.${byPath(json, 'ecs/capacity-providers').logicalId}`,
    ]);
  });

  it('starts after what its tasks need, such as the mount targets of a file system', () => {
    const json = parse(
      Testing.synthScope((scope: Construct) => {
        const cluster = new FargateCluster(scope, 'ecs', { name: 'test-dev-service' });
        const task = new FargateTaskDefinition(scope, 'task', { family: 'test-dev-service', region: 'eu-west-1' });
        task.addContainer('app', { image: IMAGE, user: '1000' });
        const mountTarget = new EfsMountTarget(scope, 'mount', { fileSystemId: 'fs-1', subnetId: 'subnet-priv-a' });
        new FargateService(scope, 'app', { name: 'test-dev-service', cluster, taskDefinition: task, vpcId: 'vpc-1', subnetIds: ['subnet-priv-a'], dependsOn: [mountTarget] });
      }),
    );
    expect(byPath(json, 'app/service').props.depends_on).toContain(`aws_efs_mount_target.${byPath(json, 'mount').logicalId}`);
  });

  it('registers with the target groups of both load balancers when behind both', () => {
    const json = synthService({ behind: ['external', 'internal'] });
    expect((byPath(json, 'app/service').props.load_balancer as { target_group_arn: string }[]).map((l) => l.target_group_arn)).toEqual([
      ref(byPath(json, 'alb/api-targets'), 'arn'),
      ref(byPath(json, 'internal-alb/api-targets'), 'arn'),
    ]);
  });

  it('without a load balancer has no grace period, which ECS refuses there', () => {
    const props = byPath(synthService({ behind: [] }), 'app/service').props;
    expect([props.load_balancer, props.health_check_grace_period_seconds]).toEqual([undefined, undefined]);
  });

  it('rolls back failed deployments and keeps full capacity while deploying', () => {
    expect(byPath(synthService({ service: { desiredCount: 3 } }), 'app/service').props).toMatchObject({
      desired_count: 3,
      deployment_circuit_breaker: { enable: true, rollback: true },
      deployment_minimum_healthy_percent: 100,
      deployment_maximum_percent: 200,
      health_check_grace_period_seconds: 60,
    });
  });

  it('has no deployment alarms until it is given some', () => {
    expect(byPath(synthService(), 'app/service').props.alarms).toBeUndefined();
  });

  it('rolls back on the deployment alarms it is given, keeping the circuit breaker', () => {
    const props = byPath(synthService({ build: (service) => service.useDeploymentAlarms(['app-external-5xx-rate', 'app-external-p99'], true) }), 'app/service').props;
    expect([props.alarms, props.deployment_circuit_breaker]).toEqual([
      { enable: true, rollback: true, alarm_names: ['app-external-5xx-rate', 'app-external-p99'] },
      { enable: true, rollback: true },
    ]);
  });

  it('refuses an empty list of deployment alarms, naming the fix', () => {
    expect(() => synthService({ build: (service) => service.useDeploymentAlarms([], true) })).toThrow(
      /deployment alarms: no alarm names; give the service's 5xx-rate and latency alarms/,
    );
  });

  it('runs on on-demand FARGATE by default', () => {
    expect(byPath(synthService(), 'app/service').props.capacity_provider_strategy).toEqual([{ capacity_provider: 'FARGATE', base: 0, weight: 1 }]);
  });

  it('spot: true puts every task on FARGATE_SPOT', () => {
    expect(byPath(synthService({ service: { spot: true } }), 'app/service').props.capacity_provider_strategy).toEqual([{ capacity_provider: 'FARGATE_SPOT', base: 0, weight: 1 }]);
  });

  it('takes a mixed strategy with base and weight', () => {
    const strategy = [
      { capacityProvider: 'FARGATE', base: 2, weight: 1 },
      { capacityProvider: 'FARGATE_SPOT', weight: 3 },
    ] as const;
    expect(byPath(synthService({ service: { capacityProviderStrategy: strategy } }), 'app/service').props.capacity_provider_strategy).toEqual([
      { capacity_provider: 'FARGATE', base: 2, weight: 1 },
      { capacity_provider: 'FARGATE_SPOT', base: 0, weight: 3 },
    ]);
  });
});

describe('FargateService scaling', () => {
  const scaling: ScalingOptions = { minTasks: 2, maxTasks: 6, cpuPercent: 60, memoryPercent: 75, requestsPerTarget: 500 };

  it('scales the service between the minimum and maximum task count', () => {
    const json = synthService({ service: { desiredCount: 2 }, scaling });
    expect(byPath(json, 'app/scaling/target').props).toMatchObject({
      service_namespace: 'ecs',
      scalable_dimension: 'ecs:service:DesiredCount',
      resource_id: `service/${ref(byPath(json, 'ecs/ecs-cluster'), 'name')}/${ref(byPath(json, 'app/service'), 'name')}`,
      min_capacity: 2,
      max_capacity: 6,
    });
  });

  it('tracks CPU, memory and ALB requests per target', () => {
    const json = synthService({ service: { desiredCount: 2 }, scaling });
    const tracking = (key: string) => byPath(json, `app/scaling/${key}`).props.target_tracking_scaling_policy_configuration as Record<string, unknown>;
    expect([tracking('cpu'), tracking('memory'), tracking('requests-alb')].map((t) => [t.target_value, t.predefined_metric_specification])).toEqual([
      [60, { predefined_metric_type: 'ECSServiceAverageCPUUtilization' }],
      [75, { predefined_metric_type: 'ECSServiceAverageMemoryUtilization' }],
      [
        500,
        {
          predefined_metric_type: 'ALBRequestCountPerTarget',
          resource_label: `${ref(byPath(json, 'alb/load-balancer'), 'arn_suffix')}/${ref(byPath(json, 'alb/api-targets'), 'arn_suffix')}`,
        },
      ],
    ]);
  });

  it('behind both load balancers, tracks requests per target on each target group', () => {
    const json = synthService({ service: { desiredCount: 2 }, scaling, behind: ['external', 'internal'] });
    expect(
      resources(json, 'aws_appautoscaling_policy')
        .map((p) => p.props.name)
        .sort(),
    ).toEqual(['cpu-target-tracking', 'memory-target-tracking', 'requests-alb-target-tracking', 'requests-internal-alb-target-tracking']);
  });

  it('leaves the running task count to scaling', () => {
    expect(byPath(synthService({ service: { desiredCount: 2 }, scaling }), 'app/service').props.lifecycle).toEqual({ ignore_changes: ['desired_count'] });
  });

  it('adds no scaling resources and keeps the count without scaling', () => {
    const json = synthService();
    expect([resources(json, 'aws_appautoscaling_target'), resources(json, 'aws_appautoscaling_policy'), byPath(json, 'app/service').props.lifecycle]).toEqual([[], [], undefined]);
  });

  it('refuses a desired count outside the scaling range', () => {
    expect(() => synthService({ service: { desiredCount: 9 }, scaling: { minTasks: 1, maxTasks: 3 } })).toThrow('desiredCount 9 is outside scaling 1..3');
  });
});

describe('FargateService validation', () => {
  it.each([
    [{ capacityProviderStrategy: [{ capacityProvider: 'FARGATE' as const, weight: 0 }] }, 'capacityProviderStrategy weights are all 0'],
    [{ minHealthyPercent: 100, maxPercent: 100 }, 'leaves no room to deploy'],
    [{ subnetIds: [] }, 'subnetIds is empty'],
  ])('refuses %j with the fix', (overrides, message) => {
    expect(() => synthService({ service: overrides as Partial<FargateServiceProps> })).toThrow(message);
  });

  it('refuses a target port the container does not expose', () => {
    expect(() =>
      synthService({
        behind: [],
        build: (_service, { external }) => {
          const scope = external.node.scope as Construct;
          const task = new FargateTaskDefinition(scope, 'other-task', { family: 'other', region: 'eu-west-1' });
          task.addContainer('app', { image: IMAGE, ports: [{ containerPort: 3000 }], user: '1000' });
          new FargateService(scope, 'other', {
            name: 'other',
            cluster: new FargateCluster(scope, 'other-cluster', { name: 'other' }),
            taskDefinition: task,
            vpcId: 'vpc-1',
            subnetIds: ['subnet-a'],
            targets: [{ target: external.addTargets('other', { port: 8080, targetPort: 8080 }) }],
          });
        },
      }),
    ).toThrow('target other sends to port 8080 of container "app", which exposes 3000; use the same port');
  });
});

describe('FargateService release mode', () => {
  it('ignores nothing of a terraform-mode service, so every image change goes through a deploy', () => {
    expect(byPath(synthService({ service: { release: 'terraform' } }), 'app/service').props.lifecycle).toBeUndefined();
  });

  it('leaves the task definition of a pipeline service to the pipeline', () => {
    expect(byPath(synthService({ service: { release: 'pipeline' } }), 'app/service').props.lifecycle).toEqual({ ignore_changes: ['task_definition'] });
  });

  it('leaves both the revision and the running count of a scaled pipeline service to their owners', () => {
    const lifecycle = byPath(synthService({ service: { release: 'pipeline', desiredCount: 2 }, scaling: { minTasks: 1, maxTasks: 3 } }), 'app/service').props.lifecycle;
    expect(lifecycle).toEqual({ ignore_changes: ['task_definition', 'desired_count'] });
  });
});
