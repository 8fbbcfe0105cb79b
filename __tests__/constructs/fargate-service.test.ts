import { Testing } from 'cdktf';
import { FargateService, FargateServiceProps } from '../../stacks/constructs/fargate-service';
import { PolicyStatement } from '../../stacks/constructs/iam';
import { LoadBalancer } from '../../stacks/constructs/load-balancer';
import { byPath, parse, ref, resources, SynthJson } from '../support/synth';

const REPO_ARN = 'arn:aws:ecr:eu-west-1:123456789012:repository/app';
const TABLE = 'arn:aws:dynamodb:eu-west-1:123456789012:table/t';
const SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:app/auth-AbCdEf';
const READ_TABLE: PolicyStatement = { sid: 'ReadTables', actions: ['dynamodb:GetItem', 'dynamodb:Query'], resources: [TABLE, `${TABLE}/index/i`] };

function synthService(overrides: Partial<FargateServiceProps> = {}): SynthJson {
  return parse(
    Testing.synthScope((scope) => {
      const loadBalancer = new LoadBalancer(scope, 'alb', { name: 'test-dev', vpcId: 'vpc-1', subnetIds: ['subnet-pub-a', 'subnet-pub-b'], targetPort: 8080 });
      new FargateService(scope, 'app', {
        name: 'test-dev-service',
        region: 'eu-west-1',
        vpcId: 'vpc-1',
        subnetIds: ['subnet-priv-a', 'subnet-priv-b'],
        loadBalancer,
        image: {
          imageUri: 'registry.example/app@sha256:abc',
          pullStatements: () => [{ sid: 'EcrPullImage', actions: ['ecr:BatchGetImage'], resources: [REPO_ARN] }],
        },
        containerPort: 8080,
        taskPolicyStatements: [READ_TABLE],
        ...overrides,
      });
    }),
  );
}

type Container = Record<string, unknown>;
function container(json: SynthJson): Container {
  return JSON.parse(byPath(json, 'app/task').props.container_definitions as string)[0];
}
function policyOf(json: SynthJson, path: string): unknown[] {
  return JSON.parse(byPath(json, path).props.policy as string).Statement;
}

describe('FargateService cluster', () => {
  it('has Container Insights on', () => {
    expect(byPath(synthService(), 'app/cluster').props.setting).toEqual([{ name: 'containerInsights', value: 'enabled' }]);
  });

  it('offers FARGATE and FARGATE_SPOT capacity providers', () => {
    expect(byPath(synthService(), 'app/capacity-providers').props.capacity_providers).toEqual(['FARGATE', 'FARGATE_SPOT']);
  });
});

describe('FargateService task definition', () => {
  it('is a Fargate task with awsvpc networking, the task size and the runtime platform', () => {
    expect(byPath(synthService({ cpu: 512, memoryMiB: 1024, cpuArchitecture: 'ARM64' }), 'app/task').props).toMatchObject({
      requires_compatibilities: ['FARGATE'],
      network_mode: 'awsvpc',
      cpu: '512',
      memory: '1024',
      runtime_platform: { operating_system_family: 'LINUX', cpu_architecture: 'ARM64' },
    });
  });

  it('uses separate execution and task roles', () => {
    const json = synthService();
    const task = byPath(json, 'app/task').props;
    expect([task.execution_role_arn, task.task_role_arn]).toEqual([
      ref(byPath(json, 'app/execution-role'), 'arn'),
      ref(byPath(json, 'app/task-role'), 'arn'),
    ]);
  });

  it('runs the image on the container port', () => {
    const c = container(synthService());
    expect([c.image, c.portMappings]).toEqual([
      'registry.example/app@sha256:abc',
      [{ name: 'http', containerPort: 8080, hostPort: 8080, protocol: 'tcp' }],
    ]);
  });

  it('ships logs to its own log group with retention', () => {
    const json = synthService({ logRetentionDays: 14 });
    const group = byPath(json, 'app/logs');
    expect(group.props).toMatchObject({ name: '/ecs/test-dev-service', retention_in_days: 14 });
    expect(container(json).logConfiguration).toEqual({
      logDriver: 'awslogs',
      options: { 'awslogs-group': ref(group, 'name'), 'awslogs-region': 'eu-west-1', 'awslogs-stream-prefix': 'app' },
    });
  });

  it('passes plain variables as environment and secrets only by ARN', () => {
    const c = container(synthService({ environment: { B: '2', A: '1' }, secrets: { PASSWORD: `${SECRET}:password::` } }));
    expect([c.environment, c.secrets]).toEqual([
      [
        { name: 'A', value: '1' },
        { name: 'B', value: '2' },
      ],
      [{ name: 'PASSWORD', valueFrom: `${SECRET}:password::` }],
    ]);
  });

  it('runs as the given non-root user with a read-only root filesystem and a stop timeout', () => {
    const c = container(synthService({ user: '1000', stopTimeoutSeconds: 30 }));
    expect([c.user, c.readonlyRootFilesystem, c.stopTimeout]).toEqual(['1000', true, 30]);
  });

  it('mounts a task volume on each writable path', () => {
    const json = synthService({ writablePaths: ['/tmp'] });
    expect(container(json).mountPoints).toEqual([{ sourceVolume: 'writable-tmp', containerPath: '/tmp', readOnly: false }]);
    expect(byPath(json, 'app/task').props.volume).toEqual([{ name: 'writable-tmp' }]);
  });
});

describe('FargateService IAM', () => {
  it('both roles trust only ECS tasks', () => {
    const json = synthService();
    for (const path of ['app/execution-role', 'app/task-role']) {
      expect(JSON.parse(byPath(json, path).props.assume_role_policy as string).Statement).toEqual([
        { Sid: 'EcsTasks', Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ]);
    }
  });

  it('the execution role may pull the image and write to its log group, and nothing else', () => {
    const json = synthService();
    expect(policyOf(json, 'app/execution-policy')).toEqual([
      { Sid: 'EcrPullImage', Effect: 'Allow', Action: ['ecr:BatchGetImage'], Resource: [REPO_ARN] },
      { Sid: 'WriteLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: [`${ref(byPath(json, 'app/logs'), 'arn')}:*`] },
    ]);
  });

  it('the execution role may read exactly the injected secrets', () => {
    const json = synthService({ secrets: { USER: `${SECRET}:user::`, PASSWORD: `${SECRET}:password::` } });
    expect(policyOf(json, 'app/execution-policy')).toContainEqual({
      Sid: 'ReadSecrets',
      Effect: 'Allow',
      Action: ['secretsmanager:GetSecretValue'],
      Resource: [SECRET],
    });
  });

  it('the task role holds exactly the given statements', () => {
    expect(policyOf(synthService(), 'app/task-policy')).toEqual([
      { Sid: 'ReadTables', Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:Query'], Resource: [TABLE, `${TABLE}/index/i`] },
    ]);
  });
});

describe('FargateService ECS Exec', () => {
  it('is off by default', () => {
    const json = synthService();
    expect(byPath(json, 'app/service').props.enable_execute_command).toBe(false);
    expect(JSON.stringify(policyOf(json, 'app/task-policy'))).not.toContain('ssmmessages');
  });

  it('when on, adds the SSM channel permissions and an init process', () => {
    const json = synthService({ enableExecuteCommand: true, readonlyRootFilesystem: false });
    expect(byPath(json, 'app/service').props.enable_execute_command).toBe(true);
    expect(policyOf(json, 'app/task-policy')).toContainEqual({
      Sid: 'EcsExecChannels',
      Effect: 'Allow',
      Action: ['ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel', 'ssmmessages:OpenControlChannel', 'ssmmessages:OpenDataChannel'],
      Resource: ['*'],
    });
    expect(container(json).linuxParameters).toEqual({ initProcessEnabled: true });
  });

  it('refuses a read-only root filesystem, which the exec agent cannot run on', () => {
    expect(() => synthService({ enableExecuteCommand: true })).toThrow('enableExecuteCommand needs a writable root filesystem');
  });
});

describe('FargateService security group', () => {
  it('admits only the container port, only from the load balancer group', () => {
    const json = synthService();
    const ingress = resources(json, 'aws_vpc_security_group_ingress_rule').filter((r) => r.props.security_group_id === ref(byPath(json, 'app/sg')));
    expect(ingress.map((r) => r.props)).toEqual([
      expect.objectContaining({
        ip_protocol: 'tcp',
        from_port: 8080,
        to_port: 8080,
        referenced_security_group_id: ref(byPath(json, 'alb/sg')),
        description: 'Container port 8080 from the load balancer',
      }),
    ]);
    expect(ingress[0].props.cidr_ipv4).toBeUndefined();
  });

  it('lets the load balancer reach the tasks on the container port only', () => {
    const json = synthService();
    expect(byPath(json, 'app/alb-to-tasks').props).toMatchObject({
      security_group_id: ref(byPath(json, 'alb/sg')),
      ip_protocol: 'tcp',
      from_port: 8080,
      to_port: 8080,
      referenced_security_group_id: ref(byPath(json, 'app/sg')),
    });
  });

  it('lets tasks out on HTTPS only', () => {
    const json = synthService();
    const egress = resources(json, 'aws_vpc_security_group_egress_rule').filter((r) => r.props.security_group_id === ref(byPath(json, 'app/sg')));
    expect(egress.map((r) => [r.props.from_port, r.props.to_port, r.props.cidr_ipv4])).toEqual([[443, 443, '0.0.0.0/0']]);
  });
});

describe('FargateService service', () => {
  it('runs in the given subnets without public IPs by default', () => {
    const json = synthService();
    expect(byPath(json, 'app/service').props.network_configuration).toEqual({
      subnets: ['subnet-priv-a', 'subnet-priv-b'],
      security_groups: [ref(byPath(json, 'app/sg'))],
      assign_public_ip: false,
    });
  });

  it('assigns public IPs in public mode', () => {
    const json = synthService({ assignPublicIp: true });
    expect((byPath(json, 'app/service').props.network_configuration as { assign_public_ip: boolean }).assign_public_ip).toBe(true);
  });

  it('registers the container with the target group after the listener exists', () => {
    const json = synthService();
    const service = byPath(json, 'app/service').props;
    expect(service.load_balancer).toEqual([{ target_group_arn: ref(byPath(json, 'alb/targets'), 'arn'), container_name: 'app', container_port: 8080 }]);
    expect(service.depends_on).toContain(`aws_lb_listener.${byPath(json, 'alb/http').logicalId}`);
  });

  it('rolls back failed deployments and keeps full capacity while deploying', () => {
    expect(byPath(synthService({ desiredCount: 3 }), 'app/service').props).toMatchObject({
      desired_count: 3,
      deployment_circuit_breaker: { enable: true, rollback: true },
      deployment_minimum_healthy_percent: 100,
      deployment_maximum_percent: 200,
      health_check_grace_period_seconds: 60,
    });
  });

  it('runs on on-demand FARGATE by default', () => {
    expect(byPath(synthService(), 'app/service').props.capacity_provider_strategy).toEqual([{ capacity_provider: 'FARGATE', base: 0, weight: 1 }]);
  });

  it('spot: true puts every task on FARGATE_SPOT', () => {
    expect(byPath(synthService({ spot: true }), 'app/service').props.capacity_provider_strategy).toEqual([
      { capacity_provider: 'FARGATE_SPOT', base: 0, weight: 1 },
    ]);
  });

  it('takes a mixed strategy with base and weight', () => {
    const strategy = [
      { capacityProvider: 'FARGATE', base: 2, weight: 1 },
      { capacityProvider: 'FARGATE_SPOT', weight: 3 },
    ] as const;
    expect(byPath(synthService({ capacityProviderStrategy: strategy }), 'app/service').props.capacity_provider_strategy).toEqual([
      { capacity_provider: 'FARGATE', base: 2, weight: 1 },
      { capacity_provider: 'FARGATE_SPOT', base: 0, weight: 3 },
    ]);
  });
});

describe('FargateService autoscaling', () => {
  const scaling = { minCapacity: 2, maxCapacity: 6, targetCpuPercent: 60, targetMemoryPercent: 75, requestsPerTarget: 500 };

  it('scales the service between the minimum and maximum task count', () => {
    const json = synthService({ desiredCount: 2, autoScaling: scaling });
    expect(byPath(json, 'app/scaling-target').props).toMatchObject({
      service_namespace: 'ecs',
      scalable_dimension: 'ecs:service:DesiredCount',
      resource_id: `service/${ref(byPath(json, 'app/cluster'), 'name')}/${ref(byPath(json, 'app/service'), 'name')}`,
      min_capacity: 2,
      max_capacity: 6,
    });
  });

  it('tracks CPU, memory and ALB requests per target', () => {
    const json = synthService({ desiredCount: 2, autoScaling: scaling });
    const tracking = (key: string) =>
      byPath(json, `app/scale-on-${key}`).props.target_tracking_scaling_policy_configuration as Record<string, unknown>;
    expect([tracking('cpu'), tracking('memory'), tracking('requests')].map((t) => [t.target_value, t.predefined_metric_specification])).toEqual([
      [60, { predefined_metric_type: 'ECSServiceAverageCPUUtilization' }],
      [75, { predefined_metric_type: 'ECSServiceAverageMemoryUtilization' }],
      [
        500,
        {
          predefined_metric_type: 'ALBRequestCountPerTarget',
          resource_label: `${ref(byPath(json, 'alb/load-balancer'), 'arn_suffix')}/${ref(byPath(json, 'alb/targets'), 'arn_suffix')}`,
        },
      ],
    ]);
  });

  it('leaves the running task count to autoscaling', () => {
    expect(byPath(synthService({ desiredCount: 2, autoScaling: scaling }), 'app/service').props.lifecycle).toEqual({ ignore_changes: ['desired_count'] });
  });

  it('adds no scaling without autoScaling', () => {
    expect(resources(synthService(), 'aws_appautoscaling_policy')).toEqual([]);
  });
});

describe('FargateService validation', () => {
  it.each([
    [{ cpu: 256, memoryMiB: 4096 }, 'cpu 256 with memoryMiB 4096 is not a Fargate task size'],
    [{ cpuArchitecture: 'SPARC' as never }, 'cpuArchitecture "SPARC" is unknown; use X86_64 or ARM64'],
    [{ capacityProviderStrategy: [{ capacityProvider: 'FARGATE' as const, weight: 0 }] }, 'capacityProviderStrategy weights are all 0'],
    [{ spot: true, cpuArchitecture: 'ARM64' as const }, 'FARGATE_SPOT does not run ARM64 tasks'],
    [{ containerPort: 3000 }, "containerPort 3000 differs from the load balancer's targetPort 8080"],
    [{ logRetentionDays: 10 }, 'logRetentionDays 10 is not a CloudWatch retention'],
    [{ stopTimeoutSeconds: 300 }, 'stopTimeoutSeconds 300 is out of range; Fargate allows 2 to 120'],
    [{ secrets: { PASSWORD: 'hunter2' } }, 'secrets.PASSWORD: "hunter2" is neither a Secrets Manager secret ARN nor an SSM parameter ARN'],
    [{ desiredCount: 9, autoScaling: { minCapacity: 1, maxCapacity: 3 } }, 'desiredCount 9 is outside autoScaling 1..3'],
    [{ writablePaths: ['tmp'] }, 'writablePaths: "tmp" is not an absolute directory'],
  ])('refuses %j with the fix', (overrides, message) => {
    expect(() => synthService(overrides as Partial<FargateServiceProps>)).toThrow(message);
  });
});
