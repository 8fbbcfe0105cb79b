/** The wordpress stack's template: what it must contain, read with cdktf's matchers and by construct path. */
import { Testing } from 'cdktf';
// Types of the matchers that support/setup.ts installs (toHaveResourceWithProperties, ...).
import type {} from 'cdktf/lib/testing/adapters/jest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AppautoscalingTarget } from '@cdktf/provider-aws/lib/appautoscaling-target';
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { EfsAccessPoint } from '@cdktf/provider-aws/lib/efs-access-point';
import { EfsBackupPolicy } from '@cdktf/provider-aws/lib/efs-backup-policy';
import { EfsFileSystem } from '@cdktf/provider-aws/lib/efs-file-system';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { RdsCluster } from '@cdktf/provider-aws/lib/rds-cluster';
import { RdsClusterInstance } from '@cdktf/provider-aws/lib/rds-cluster-instance';
import { Image } from '@cdktf/provider-docker/lib/image';
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { RegistryImage } from '@cdktf/provider-docker/lib/registry-image';
import { buildConfig } from '../../stacks/settings/config';
import { NetworkStack } from '../../stacks/network-stack';
import { WORDPRESS_REGISTRY_IMAGES, type WordPressOverrides } from '../../stacks/settings/wordpress';
import { type WordPressNetwork, WordPressStack } from '../../stacks/wordpress-stack';
import { FAKE_ALARM_TOPIC, FAKE_NETWORK } from '../support/service-fixtures';
import { byPath, parse, ref, resources, synthesizedOnce, type SynthJson } from '../support/synth';
import { forEnvironment } from '../support/certificates';

const ROOT = path.resolve(__dirname, '../..');
const NETWORK: WordPressNetwork = { ...FAKE_NETWORK, availabilityZones: ['eu-west-1a', 'eu-west-1b'] };
const REGISTRY: WordPressOverrides = {
  images: { nginx: { kind: 'registry', reference: 'ghcr.io/acme/wp-nginx:1' }, php: { kind: 'registry', reference: WORDPRESS_REGISTRY_IMAGES.php } },
};
const CERTIFICATE = 'arn:aws:acm:eu-west-1:123456789012:certificate/abc';

interface Container {
  name: string;
  image: string;
  user: string;
  readonlyRootFilesystem: boolean;
  portMappings: { containerPort: number }[];
  environment: { name: string; value: string }[];
  secrets: { name: string; valueFrom: string }[];
  mountPoints: { sourceVolume: string; containerPath: string; readOnly: boolean }[];
  dependsOn?: { containerName: string; condition: string }[];
  healthCheck?: { command: string[]; startPeriod: number };
}

/** The stack of an environment, registry images unless the overrides say otherwise. */
function wordpressStack(env: string, overrides: WordPressOverrides = {}): WordPressStack {
  const config = buildConfig(env, forEnvironment(env, { wordpress: { enabled: true, ...REGISTRY, ...overrides } }), ROOT);
  return new WordPressStack(Testing.app(), 'wordpress', { config, network: NETWORK, alarmTopicArn: FAKE_ALARM_TOPIC });
}
/** The stack's JSON text; a configuration is synthesized once per file, since the tests only read it. */
const synth = synthesizedOnce((env: string, overrides?: WordPressOverrides): string => Testing.synth(wordpressStack(env, overrides)));
const synthJson = (env: string, overrides?: WordPressOverrides): SynthJson => parse(synth(env, overrides));

function containers(json: SynthJson): Container[] {
  return JSON.parse(byPath(json, 'task/definition').props.container_definitions as string) as Container[];
}
const container = (json: SynthJson, name: string): Container => containers(json).find((c) => c.name === name) as Container;
const statements = (json: SynthJson, policyPath: string): Record<string, unknown>[] => JSON.parse(byPath(json, policyPath).props.policy as string).Statement;

describe('WordPress task', () => {
  const json = synthJson('dev');

  it('holds two containers: php-fpm, then nginx in front of it', () => {
    expect(containers(json).map((c) => [c.name, c.image])).toEqual([
      ['php', WORDPRESS_REGISTRY_IMAGES.php],
      ['nginx', 'ghcr.io/acme/wp-nginx:1'],
    ]);
  });

  it('starts nginx once php-fpm is healthy, which it is when its FastCGI port 9000 accepts connections', () => {
    expect([container(json, 'nginx').dependsOn, container(json, 'php').healthCheck?.command]).toEqual([
      [{ containerName: 'php', condition: 'HEALTHY' }],
      ['CMD-SHELL', `php -r 'exit(@fsockopen("127.0.0.1", 9000) ? 0 : 1);'`],
    ]);
  });

  it('exposes only nginx’s port 8080: php-fpm is reached over the task’s loopback', () => {
    expect(containers(json).map((c) => [c.name, c.portMappings.map((p) => p.containerPort)])).toEqual([
      ['php', []],
      ['nginx', [8080]],
    ]);
  });

  it('mounts the EFS web root read-write in php and read-only in nginx', () => {
    const webroot = (c: Container) => c.mountPoints.filter((m) => m.sourceVolume === 'webroot');
    expect([webroot(container(json, 'php')), webroot(container(json, 'nginx'))]).toEqual([
      [{ sourceVolume: 'webroot', containerPath: '/var/www/html', readOnly: false }],
      [{ sourceVolume: 'webroot', containerPath: '/var/www/html', readOnly: true }],
    ]);
  });

  it('mounts the file system through its access point, encrypted in transit and with the task role’s identity', () => {
    expect(synth('dev')).toHaveResourceWithProperties(EcsTaskDefinition, {
      volume: expect.arrayContaining([
        {
          name: 'webroot',
          efs_volume_configuration: {
            file_system_id: ref(byPath(json, 'files/file-system')),
            transit_encryption: 'ENABLED',
            authorization_config: { access_point_id: ref(byPath(json, 'files/access-point')), iam: 'ENABLED' },
          },
        },
      ]),
    });
  });

  it('gives php the database endpoint and name as plain variables', () => {
    expect(container(json, 'php').environment).toEqual([
      { name: 'WORDPRESS_DB_HOST', value: ref(byPath(json, 'database/cluster'), 'endpoint') },
      { name: 'WORDPRESS_DB_NAME', value: 'wordpress' },
    ]);
  });

  it('injects the database user and password from the keys of the secret RDS manages', () => {
    const secret = ref(byPath(json, 'database/cluster'), 'master_user_secret[0].secret_arn');
    expect([container(json, 'php').secrets, container(json, 'nginx').secrets]).toEqual([
      [
        { name: 'WORDPRESS_DB_PASSWORD', valueFrom: `${secret}:password::` },
        { name: 'WORDPRESS_DB_USER', valueFrom: `${secret}:username::` },
      ],
      [],
    ]);
  });

  it('runs both containers as their images’ unprivileged users on read-only roots, with /tmp writable', () => {
    expect(containers(json).map((c) => [c.name, c.user, c.readonlyRootFilesystem, c.mountPoints.find((m) => m.containerPath === '/tmp')?.readOnly])).toEqual([
      ['php', '33', true, false],
      ['nginx', '101', true, false],
    ]);
  });

  it('with ECS Exec, both roots are writable (the exec agent writes to them)', () => {
    expect(containers(synthJson('dev', { enableExecuteCommand: true })).map((c) => c.readonlyRootFilesystem)).toEqual([false, false]);
  });

  it('lets ECS read exactly the managed secret (its own ARN, without the key suffix)', () => {
    const secret = ref(byPath(json, 'database/cluster'), 'master_user_secret[0].secret_arn');
    expect(statements(json, 'task/execution-policy').filter((s) => JSON.stringify(s.Action).includes('secretsmanager'))).toEqual([
      { Sid: 'ReadSecrets', Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: [secret] },
    ]);
  });

  it('lets the application mount and write the file system only through its access point', () => {
    expect(statements(json, 'task/task-policy')).toEqual([
      {
        Sid: 'MountFileSystemReadWrite',
        Effect: 'Allow',
        Action: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
        Resource: [ref(byPath(json, 'files/file-system'), 'arn')],
        Condition: { StringEquals: { 'elasticfilesystem:AccessPointArn': ref(byPath(json, 'files/access-point'), 'arn') } },
      },
    ]);
  });
});

describe('WordPress load balancer', () => {
  it('is internet-facing in the public subnets', () => {
    expect(synth('dev')).toHaveResourceWithProperties(Lb, { internal: false, subnets: FAKE_NETWORK.publicSubnetIds });
  });

  it('serves HTTP on 80 and forwards to nginx’s 8080, counting the installer’s 302 as healthy', () => {
    const json = synthJson('dev');
    expect(synth('dev')).toHaveResourceWithProperties(LbTargetGroup, { port: 8080, target_type: 'ip', health_check: expect.objectContaining({ path: '/', matcher: '200,302' }) });
    expect(resources(json, 'aws_lb_listener').map((l) => [l.props.port, l.props.protocol])).toEqual([[80, 'HTTP']]);
  });

  it('with a certificate, serves HTTPS on 443 and redirects port 80 to it', () => {
    const json = synthJson('dev', { certificateArn: CERTIFICATE });
    expect(synth('dev', { certificateArn: CERTIFICATE })).toHaveResourceWithProperties(LbListener, { port: 443, protocol: 'HTTPS', certificate_arn: CERTIFICATE });
    expect(byPath(json, 'alb/http').props.default_action).toEqual([
      expect.objectContaining({ type: 'redirect', redirect: expect.objectContaining({ port: '443', protocol: 'HTTPS' }) }),
    ]);
  });

  it('has deletion protection in prod only', () => {
    const protection = (env: string) => byPath(synthJson(env), 'alb/load-balancer').props.enable_deletion_protection;
    expect([protection('dev'), protection('prod')]).toEqual([false, true]);
  });
});

describe('WordPress service', () => {
  const json = synthJson('dev');

  it('runs on Fargate platform version 1.4.0 or later, which EFS volumes need', () => {
    const version = String(byPath(json, 'wordpress/service').props.platform_version);
    const numbers = /^(\d+)\.(\d+)\.(\d+)$/.exec(version)?.slice(1).map(Number);
    expect(version === 'LATEST' || (numbers !== undefined && numbers[0] * 100 + numbers[1] >= 104)).toBe(true);
  });

  it('registers nginx’s port 8080 with the target group', () => {
    expect(byPath(json, 'wordpress/service').props.load_balancer).toEqual([
      { target_group_arn: ref(byPath(json, 'alb/wordpress-targets'), 'arn'), container_name: 'nginx', container_port: 8080 },
    ]);
  });

  it('starts after every mount target of the file system exists', () => {
    expect(byPath(json, 'wordpress/service').props.depends_on).toEqual(
      expect.arrayContaining([
        `aws_efs_mount_target.${byPath(json, 'files/mount-eu-west-1a').logicalId}`,
        `aws_efs_mount_target.${byPath(json, 'files/mount-eu-west-1b').logicalId}`,
      ]),
    );
  });

  it('runs in a cluster of its own, apart from the service stack’s', () => {
    expect(synth('dev')).toHaveResourceWithProperties(EcsCluster, { name: 'bookmarks-dev-wordpress' });
    expect(byPath(json, 'wordpress/service').props.cluster).toBe(ref(byPath(json, 'cluster/ecs-cluster'), 'arn'));
  });

  it('takes spot and scaling from the settings: dev on Spot and scaling 1 to 3', () => {
    expect(byPath(json, 'wordpress/service').props.capacity_provider_strategy).toEqual([{ capacity_provider: 'FARGATE_SPOT', base: 0, weight: 1 }]);
    expect(synth('dev')).toHaveResourceWithProperties(AppautoscalingTarget, {
      min_capacity: 1,
      max_capacity: 3,
      resource_id: `service/${ref(byPath(json, 'cluster/ecs-cluster'), 'name')}/${ref(byPath(json, 'wordpress/service'), 'name')}`,
    });
  });

  it('prod keeps two on-demand tasks and adds Spot beyond them', () => {
    expect(synth('prod')).toHaveResourceWithProperties(EcsService, {
      capacity_provider_strategy: [
        { capacity_provider: 'FARGATE', base: 2, weight: 1 },
        { capacity_provider: 'FARGATE_SPOT', base: 0, weight: 1 },
      ],
    });
  });

  it('has no scaling resources without scaling (local, or CDKTF_WORDPRESS_AUTOSCALING=false)', () => {
    expect([resources(synthJson('local'), 'aws_appautoscaling_target'), resources(synthJson('dev', { scaling: null }), 'aws_appautoscaling_target')]).toEqual([[], []]);
  });

  it('runs in the private subnets without public IPs, or in the public ones with them when configured (local)', () => {
    const network = (env: string) => byPath(synthJson(env), 'wordpress/service').props.network_configuration as { subnets: string[]; assign_public_ip: boolean };
    expect([network('dev'), network('local')]).toEqual([
      expect.objectContaining({ subnets: FAKE_NETWORK.privateSubnetIds, assign_public_ip: false }),
      expect.objectContaining({ subnets: FAKE_NETWORK.publicSubnetIds, assign_public_ip: true }),
    ]);
  });
});

describe('WordPress alarms and dashboard', () => {
  const json = synthJson('dev');
  const alarms = () => resources(json, 'aws_cloudwatch_metric_alarm');

  it('rolls the service back on the 5xx rate and p99 of its own target group, keeping the circuit breaker', () => {
    const service = byPath(json, 'wordpress/service').props;
    const names = (service.alarms as { alarm_names: string[] }).alarm_names;
    expect(names.map((n) => alarms().find((a) => n === ref(a, 'alarm_name'))?.props.alarm_name)).toEqual([
      'bookmarks-dev-wordpress-external-5xx-rate',
      'bookmarks-dev-wordpress-external-p99',
    ]);
    expect([service.alarms, service.deployment_circuit_breaker]).toEqual([expect.objectContaining({ enable: true, rollback: true }), { enable: true, rollback: true }]);
  });

  it('watches Aurora at its maximum ACU, its CPU and connections, and the bursting file system’s I/O and credits', () => {
    expect(
      alarms()
        .map((a) => String(a.props.alarm_name))
        .filter((n) => /-db-|-efs-/.test(n))
        .sort(),
    ).toEqual([
      'bookmarks-dev-wordpress-db-connections',
      'bookmarks-dev-wordpress-db-cpu',
      'bookmarks-dev-wordpress-db-max-capacity',
      'bookmarks-dev-wordpress-efs-burst-credits',
      'bookmarks-dev-wordpress-efs-io-limit',
    ]);
    expect(alarms().find((a) => a.props.alarm_name === 'bookmarks-dev-wordpress-db-max-capacity')?.props.threshold).toBe(2);
  });

  it('notifies the topic of every alarm and its recovery', () => {
    expect(alarms().filter((a) => String(a.props.alarm_actions) !== FAKE_ALARM_TOPIC || String(a.props.ok_actions) !== FAKE_ALARM_TOPIC)).toEqual([]);
  });

  it('has a dashboard of its own that graphs the service, Aurora and EFS', () => {
    const [dashboard] = resources(json, 'aws_cloudwatch_dashboard');
    const body = String(dashboard.props.dashboard_body);
    expect(dashboard.props.dashboard_name).toBe('bookmarks-dev-wordpress');
    expect([body.includes('"ServiceName","bookmarks-dev-wordpress"'), body.includes('"AWS/RDS"'), body.includes('"AWS/EFS"')]).toEqual([true, true, true]);
  });
});

describe('WordPress security groups', () => {
  const json = synthJson('dev');
  const tasks = ref(byPath(json, 'wordpress/sg'));
  const ingressOf = (group: string) => resources(json, 'aws_vpc_security_group_ingress_rule').filter((r) => r.props.security_group_id === ref(byPath(json, group)));

  it('the file system admits NFS from the tasks’ group only', () => {
    expect(ingressOf('files/sg').map((r) => r.props)).toEqual([
      expect.objectContaining({ ip_protocol: 'tcp', from_port: 2049, to_port: 2049, referenced_security_group_id: tasks }),
    ]);
    expect(ingressOf('files/sg')[0].props.cidr_ipv4).toBeUndefined();
  });

  it('the database admits MySQL from the tasks’ group only', () => {
    expect(ingressOf('database/sg').map((r) => r.props)).toEqual([
      expect.objectContaining({ ip_protocol: 'tcp', from_port: 3306, to_port: 3306, referenced_security_group_id: tasks }),
    ]);
    expect(ingressOf('database/sg')[0].props.cidr_ipv4).toBeUndefined();
  });

  it('the tasks send NFS and MySQL to exactly those groups, and HTTPS out', () => {
    const egress = resources(json, 'aws_vpc_security_group_egress_rule').filter((r) => r.props.security_group_id === tasks);
    expect(egress.map((r) => [r.props.from_port, r.props.referenced_security_group_id ?? r.props.cidr_ipv4]).sort()).toEqual(
      [
        [2049, ref(byPath(json, 'files/sg'))],
        [3306, ref(byPath(json, 'database/sg'))],
        [443, '0.0.0.0/0'],
      ].sort(),
    );
  });

  it('the file system and database groups have no inline rule', () => {
    expect([byPath(json, 'files/sg').props.ingress, byPath(json, 'database/sg').props.ingress]).toEqual([undefined, undefined]);
  });
});

describe('WordPress file system', () => {
  it('is encrypted, with a mount target in each private subnet', () => {
    const json = synthJson('dev');
    expect(synth('dev')).toHaveResourceWithProperties(EfsFileSystem, { creation_token: 'bookmarks-dev-wordpress', encrypted: true });
    expect(resources(json, 'aws_efs_mount_target').map((m) => m.props.subnet_id)).toEqual(FAKE_NETWORK.privateSubnetIds);
  });

  it('has an access point for uid/gid 33 that creates /wordpress 33:33 0755', () => {
    expect(synth('dev')).toHaveResourceWithProperties(EfsAccessPoint, {
      posix_user: { uid: 33, gid: 33 },
      root_directory: { path: '/wordpress', creation_info: { owner_uid: 33, owner_gid: 33, permissions: '0755' } },
    });
  });

  it('sits behind a web ACL with the WordPress and PHP rule groups in prod', () => {
    const acl = resources(synthJson('prod'), 'aws_wafv2_web_acl')[0];
    const groups = (acl.props.rule as { name: string }[]).map((r) => r.name);
    expect(groups).toEqual(expect.arrayContaining(['AWSManagedRulesWordPressRuleSet', 'AWSManagedRulesPHPRuleSet', 'AWSManagedRulesCommonRuleSet']));
  });

  it('puts the file system and the database in a daily AWS Backup plan in prod, kept 35 days', () => {
    const json = synthJson('prod');
    expect([byPath(json, 'backup/selection').props.resources, (byPath(json, 'backup/plan').props.rule as { lifecycle: unknown }[])[0].lifecycle]).toEqual([
      [ref(byPath(json, 'files/file-system'), 'arn'), ref(byPath(json, 'database/cluster'), 'arn')],
      { delete_after: 35 },
    ]);
  });

  it('exports the audit, error and slow-query logs of the database in prod, to log groups with retention', () => {
    const json = synthJson('prod');
    expect([
      byPath(json, 'database/cluster').props.enabled_cloudwatch_logs_exports,
      resources(json, 'aws_cloudwatch_log_group')
        .filter((g) => String(g.props.name).startsWith('/aws/rds/'))
        .map((g) => g.props.retention_in_days),
    ]).toEqual([
      ['audit', 'error', 'slowquery'],
      [90, 90, 90],
    ]);
  });

  it('keeps no backup plan and exports no database logs in dev', () => {
    const json = synthJson('dev');
    expect([resources(json, 'aws_backup_plan'), byPath(json, 'database/cluster').props.enabled_cloudwatch_logs_exports]).toEqual([[], undefined]);
  });

  it('logs its load balancer in prod', () => {
    expect(resources(synthJson('prod'), 'aws_lb')[0].props.access_logs).toMatchObject({ enabled: true, prefix: 'bookmarks-prod-wordpress' });
  });

  it('is backed up in dev and prod, not in local', () => {
    expect(synth('dev')).toHaveResourceWithProperties(EfsBackupPolicy, { backup_policy: { status: 'ENABLED' } });
    expect(synth('prod')).toHaveResource(EfsBackupPolicy);
    expect(synth('local')).not.toHaveResource(EfsBackupPolicy);
  });
});

describe('WordPress database', () => {
  it('is Aurora MySQL Serverless v2 with its ACU range from the environment', () => {
    expect(synth('dev')).toHaveResourceWithProperties(RdsCluster, {
      engine: 'aurora-mysql',
      engine_mode: 'provisioned',
      storage_encrypted: true,
      manage_master_user_password: true,
      database_name: 'wordpress',
      serverlessv2_scaling_configuration: { min_capacity: 0.5, max_capacity: 2 },
    });
    expect(synth('prod')).toHaveResourceWithProperties(RdsCluster, { serverlessv2_scaling_configuration: { min_capacity: 1, max_capacity: 8 }, backup_retention_period: 14 });
  });

  it('has a db.serverless instance that is not publicly accessible', () => {
    expect(synth('dev')).toHaveResourceWithProperties(RdsClusterInstance, { instance_class: 'db.serverless', publicly_accessible: false });
  });

  it('has deletion protection and takes a final snapshot in prod, neither in dev', () => {
    const cluster = (env: string) => byPath(synthJson(env), 'database/cluster').props;
    expect([cluster('prod'), cluster('dev')]).toEqual([
      expect.objectContaining({ deletion_protection: true, skip_final_snapshot: false, final_snapshot_identifier: 'bookmarks-prod-wordpress-final' }),
      expect.objectContaining({ deletion_protection: false, skip_final_snapshot: true }),
    ]);
  });

  it('lives in a subnet group of the private subnets', () => {
    expect(byPath(synthJson('dev'), 'database/subnets').props.subnet_ids).toEqual(FAKE_NETWORK.privateSubnetIds);
  });
});

describe('WordPress images', () => {
  it('registry mode runs the published images and needs no Docker provider', () => {
    const synthesized = synth('dev');
    expect(synthesized).not.toHaveProvider(DockerProvider);
    expect(synthesized).not.toHaveResource(Image);
  });

  it('build mode builds both images and pushes them to their repositories through one Docker provider', () => {
    const config = buildConfig('dev', { wordpress: { enabled: true } }, ROOT);
    const synthesized = Testing.synth(new WordPressStack(Testing.app(), 'wordpress', { config, network: NETWORK, alarmTopicArn: FAKE_ALARM_TOPIC }));
    const json = parse(synthesized);
    expect(json.provider?.docker).toHaveLength(1);
    expect(resources(json, 'docker_image').map((i) => (i.props.build as { context: string }).context)).toEqual([
      path.join(ROOT, 'service/wordpress/nginx'),
      path.join(ROOT, 'service/wordpress/php-fpm'),
    ]);
    expect(synthesized).toHaveResource(RegistryImage);
    expect(containers(json).map((c) => c.image)).toEqual([
      `${ref(byPath(json, 'php-image/repository'), 'repository_url')}@${ref(byPath(json, 'php-image/push'), 'sha256_digest')}`,
      `${ref(byPath(json, 'nginx-image/repository'), 'repository_url')}@${ref(byPath(json, 'nginx-image/push'), 'sha256_digest')}`,
    ]);
  });

  it('has a repository per image, named after the stack', () => {
    expect(resources(synthJson('dev'), 'aws_ecr_repository').map((r) => r.props.name)).toEqual(['bookmarks-dev-wordpress-nginx', 'bookmarks-dev-wordpress-php']);
  });
});

describe('WordPress outputs', () => {
  it('name the URL, cluster, service, file system, database endpoint and secret ARN', () => {
    const json = synthJson('dev');
    expect(Object.keys(json.output ?? {}).sort()).toEqual(['cluster_name', 'database_endpoint', 'database_secret_arn', 'file_system_id', 'service_name', 'wordpress_url']);
    expect(json.output?.wordpress_url.value).toBe(`http://${ref(byPath(json, 'alb/load-balancer'), 'dns_name')}`);
  });

  it('the URL is https:// with a certificate', () => {
    expect(String(synthJson('dev', { certificateArn: CERTIFICATE }).output?.wordpress_url.value)).toMatch(/^https:\/\//);
  });
});

describe('the wordpress stack in the app', () => {
  it('reads the VPC and the subnets of the network stack from its remote state', () => {
    const config = buildConfig('dev', { backend: { kind: 'local', directory: '/state/dev' }, wordpress: { enabled: true, ...REGISTRY } }, ROOT);
    const app = Testing.app();
    const network = new NetworkStack(app, 'network', { config });
    new WordPressStack(app, 'wordpress', { config, network: network.network, alarmTopicArn: network.alarmTopic?.topicArn });
    app.synth();
    try {
      const json = parse(fs.readFileSync(path.join(app.outdir, 'stacks', 'wordpress', 'cdk.tf.json'), 'utf8'));
      const state = (json.data?.terraform_remote_state ?? {}) as Record<string, { backend: string; config: { path: string } }>;
      expect(Object.values(state).map((s) => [s.backend, s.config.path])).toEqual([['local', '/state/dev/network.tfstate']]);
      expect(String(byPath(json, 'alb/load-balancer').props.subnets)).toContain('data.terraform_remote_state.cross-stack-reference-input-network.outputs.');
    } finally {
      fs.rmSync(app.outdir, { recursive: true, force: true });
    }
  });
});
