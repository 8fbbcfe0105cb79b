import { TerraformStack, Testing } from 'cdktf';
import type { Construct } from 'constructs';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import type { PolicyStatement } from '../../stacks/lib/iam';
import { checkPolicy } from '../../stacks/policy/engine';
import { policyInput } from '../../stacks/policy/input';
import { type ContainerProps, FargateTaskDefinition, type FargateTaskDefinitionProps, type TaskImage } from '../../stacks/constructs/task-definition';
import { byPath, parse, ref, type SynthJson } from '../support/synth';

const REPO_ARN = 'arn:aws:ecr:eu-west-1:123456789012:repository/app';
const OTHER_REPO_ARN = 'arn:aws:ecr:eu-west-1:123456789012:repository/sidecar';
const SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:app/auth-AbCdEf';
const FS_ARN = 'arn:aws:elasticfilesystem:eu-west-1:123456789012:file-system/fs-1';
const AP_ARN = 'arn:aws:elasticfilesystem:eu-west-1:123456789012:access-point/fsap-1';

/** An image in an ECR repository: its pull statements name the repository, as ContainerImage's do. */
function ecrImage(uri: string, repositoryArn = REPO_ARN): TaskImage {
  return {
    imageUri: uri,
    pullStatements: (): PolicyStatement[] => [
      { sid: 'EcrAuthorizationToken', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] },
      { sid: 'EcrPullImage', actions: ['ecr:BatchGetImage'], resources: [repositoryArn] },
    ],
  };
}
const APP: ContainerProps = { image: ecrImage('registry.example/app@sha256:abc'), ports: [{ containerPort: 8080 }], user: '1000' };

function synthTask(build: (task: FargateTaskDefinition, scope: Construct) => void, props: Partial<FargateTaskDefinitionProps> = {}): SynthJson {
  return parse(
    Testing.synthScope((scope) => {
      const task = new FargateTaskDefinition(scope, 'task', { family: 'test-dev-service', region: 'eu-west-1', ...props });
      build(task, scope);
    }),
  );
}
type Container = Record<string, unknown>;
function containers(json: SynthJson): Container[] {
  return JSON.parse(byPath(json, 'task/definition').props.container_definitions as string);
}
function policyOf(json: SynthJson, path: string): unknown[] {
  return JSON.parse(byPath(json, path).props.policy as string).Statement;
}

describe('FargateTaskDefinition task', () => {
  it('is a Fargate task with awsvpc networking, the task size and the runtime platform', () => {
    const json = synthTask((t) => t.addContainer('app', APP), { cpu: 512, memoryMiB: 1024, cpuArchitecture: 'ARM64' });
    expect(byPath(json, 'task/definition').props).toMatchObject({
      family: 'test-dev-service',
      requires_compatibilities: ['FARGATE'],
      network_mode: 'awsvpc',
      cpu: '512',
      memory: '1024',
      runtime_platform: { operating_system_family: 'LINUX', cpu_architecture: 'ARM64' },
    });
  });

  it('keeps the free 20 GiB of ephemeral storage unless told otherwise (no ephemeral_storage block)', () => {
    expect(
      byPath(
        synthTask((t) => t.addContainer('app', APP)),
        'task/definition',
      ).props.ephemeral_storage,
    ).toBeUndefined();
  });

  it('sizes the ephemeral storage in GiB when given', () => {
    expect(
      byPath(
        synthTask((t) => t.addContainer('app', APP), { ephemeralStorageGiB: 50 }),
        'task/definition',
      ).props.ephemeral_storage,
    ).toEqual({ size_in_gib: 50 });
  });

  it.each([20, 201, 30.5])('refuses %s GiB of ephemeral storage, naming the range', (ephemeralStorageGiB) => {
    expect(() => synthTask(() => undefined, { ephemeralStorageGiB })).toThrow(`ephemeralStorageGiB ${ephemeralStorageGiB} is out of range; Fargate takes 21 to 200 GiB`);
  });

  it('uses separate execution and task roles that trust only ECS tasks', () => {
    const json = synthTask((t) => t.addContainer('app', APP));
    const task = byPath(json, 'task/definition').props;
    expect([task.execution_role_arn, task.task_role_arn]).toEqual([ref(byPath(json, 'task/execution-role'), 'arn'), ref(byPath(json, 'task/task-role'), 'arn')]);
    for (const path of ['task/execution-role', 'task/task-role']) {
      expect(JSON.parse(byPath(json, path).props.assume_role_policy as string).Statement).toEqual([
        { Sid: 'EcsTasks', Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ]);
    }
  });

  it('refuses a CPU/memory pair that is no Fargate size', () => {
    expect(() => synthTask(() => undefined, { cpu: 256, memoryMiB: 4096 })).toThrow('cpu 256 with memoryMiB 4096 is not a Fargate task size');
  });

  it('refuses a log retention CloudWatch does not offer', () => {
    expect(() => synthTask(() => undefined, { logRetentionDays: 10 })).toThrow('logRetentionDays 10 is not a CloudWatch retention');
  });
});

describe('FargateTaskDefinition containers', () => {
  it('runs the image on its ports, the first one named http', () => {
    const [c] = containers(synthTask((t) => t.addContainer('app', APP)));
    expect([c.name, c.image, c.essential, c.portMappings]).toEqual([
      'app',
      'registry.example/app@sha256:abc',
      true,
      [{ name: 'http', containerPort: 8080, hostPort: 8080, protocol: 'tcp' }],
    ]);
  });

  it('renders two containers in the order they were added, each with its own log stream prefix', () => {
    const json = synthTask((t) => {
      t.addContainer('php', { ...APP, ports: [{ containerPort: 9000 }] });
      t.addContainer('nginx', { ...APP, ports: [{ containerPort: 8080 }] });
    });
    const all = containers(json);
    expect(all.map((c) => [c.name, (c.logConfiguration as { options: Record<string, string> }).options['awslogs-stream-prefix']])).toEqual([
      ['php', 'php'],
      ['nginx', 'nginx'],
    ]);
    expect(all.map((c) => (c.portMappings as { name: string }[]).map((p) => p.name))).toEqual([['http'], ['nginx-8080']]);
  });

  it('ships logs to the task log group with retention', () => {
    const json = synthTask((t) => t.addContainer('app', APP), { logRetentionDays: 14 });
    const group = byPath(json, 'task/logs');
    expect(group.props).toMatchObject({ name: '/ecs/test-dev-service', retention_in_days: 14 });
    expect(containers(json)[0].logConfiguration).toEqual({
      logDriver: 'awslogs',
      options: { 'awslogs-group': ref(group, 'name'), 'awslogs-region': 'eu-west-1', 'awslogs-stream-prefix': 'app' },
    });
  });

  it('passes plain variables as environment, sorted, and secrets only by ARN', () => {
    const [c] = containers(synthTask((t) => t.addContainer('app', { ...APP, environment: { B: '2', A: '1' }, secrets: { PASSWORD: `${SECRET}:password::` } })));
    expect([c.environment, c.secrets]).toEqual([
      [
        { name: 'A', value: '1' },
        { name: 'B', value: '2' },
      ],
      [{ name: 'PASSWORD', valueFrom: `${SECRET}:password::` }],
    ]);
  });

  it('runs as the given non-root user with a read-only root filesystem and a stop timeout', () => {
    const [c] = containers(synthTask((t) => t.addContainer('app', { ...APP, stopTimeoutSeconds: 30 })));
    expect([c.user, c.readonlyRootFilesystem, c.stopTimeout]).toEqual(['1000', true, 30]);
  });

  it('mounts a scratch volume of its own on each writable path', () => {
    const json = synthTask((t) => t.addContainer('app', { ...APP, writablePaths: ['/tmp'] }));
    expect(containers(json)[0].mountPoints).toEqual([{ sourceVolume: 'app-writable-tmp', containerPath: '/tmp', readOnly: false }]);
    expect(byPath(json, 'task/definition').props.volume).toEqual([{ name: 'app-writable-tmp' }]);
  });

  it('starts a container after another reaches a condition', () => {
    const json = synthTask((t) => {
      t.addContainer('php', { ...APP, ports: [] });
      t.addContainer('nginx', { ...APP, dependsOn: [{ container: 'php', condition: 'HEALTHY' }] });
    });
    expect(containers(json)[1].dependsOn).toEqual([{ containerName: 'php', condition: 'HEALTHY' }]);
  });

  it('gives a container its own health check with the Docker defaults filled in', () => {
    const json = synthTask((t) => t.addContainer('app', { ...APP, healthCheck: { command: ['CMD-SHELL', 'true'], startPeriodSeconds: 10 } }));
    expect(containers(json)[0].healthCheck).toEqual({ command: ['CMD-SHELL', 'true'], interval: 30, timeout: 5, retries: 3, startPeriod: 10 });
  });

  it.each([
    [{ dependsOn: [{ container: 'php', condition: 'START' as const }] }, 'dependsOn names "php", which is not added yet'],
    [{ mounts: [{ volume: 'files', containerPath: '/var/www' }] }, 'mounts names the volume "files", which is not added; call addVolume("files") first'],
    [{ user: 'root' }, 'user "root" is root'],
    [{ stopTimeoutSeconds: 300 }, 'stopTimeoutSeconds 300 is out of range; Fargate allows 2 to 120'],
    [{ secrets: { PASSWORD: 'hunter2' } }, 'secrets.PASSWORD: "hunter2" is neither a Secrets Manager secret ARN nor an SSM parameter ARN'],
    [{ writablePaths: ['tmp'] }, 'writablePaths: "tmp" is not an absolute directory'],
  ])('refuses a container with %j, naming it and the fix', (overrides, message) => {
    expect(() => synthTask((t) => t.addContainer('app', { ...APP, ...overrides }))).toThrow(`container "app": ${message}`);
  });

  it('refuses two containers of one name', () => {
    expect(() =>
      synthTask((t) => {
        t.addContainer('app', APP);
        t.addContainer('app', APP);
      }),
    ).toThrow('a container of that name exists');
  });
});

describe('FargateTaskDefinition EFS volumes', () => {
  const efs = { fileSystem: { fileSystemId: 'fs-1', accessPointId: 'fsap-1', fileSystemArn: FS_ARN, accessPointArn: AP_ARN } };

  it('mounts the file system through its access point with transit encryption and IAM authorization', () => {
    const json = synthTask((t) => {
      t.addVolume('files', { efs });
      t.addContainer('app', { ...APP, mounts: [{ volume: 'files', containerPath: '/var/www/html' }] });
    });
    expect(byPath(json, 'task/definition').props.volume).toEqual([
      {
        name: 'files',
        efs_volume_configuration: {
          file_system_id: 'fs-1',
          transit_encryption: 'ENABLED',
          authorization_config: { access_point_id: 'fsap-1', iam: 'ENABLED' },
        },
      },
    ]);
    expect(containers(json)[0].mountPoints).toEqual([{ sourceVolume: 'files', containerPath: '/var/www/html', readOnly: false }]);
  });

  it('grants the task role read-write mounting when one container mounts it read-write, through the access point only', () => {
    const json = synthTask((t) => {
      t.addVolume('files', { efs });
      t.addContainer('php', { ...APP, ports: [], mounts: [{ volume: 'files', containerPath: '/var/www/html' }] });
      t.addContainer('nginx', { ...APP, mounts: [{ volume: 'files', containerPath: '/var/www/html', readOnly: true }] });
    });
    expect(policyOf(json, 'task/task-policy')).toEqual([
      {
        Sid: 'MountFileSystemReadWrite',
        Effect: 'Allow',
        Action: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
        Resource: [FS_ARN],
        Condition: { StringEquals: { 'elasticfilesystem:AccessPointArn': AP_ARN } },
      },
    ]);
    expect(containers(json).map((c) => (c.mountPoints as { readOnly: boolean }[])[0].readOnly)).toEqual([false, true]);
  });

  it('grants read-only mounting when every container mounts it read-only', () => {
    const json = synthTask((t) => {
      t.addVolume('files', { efs });
      t.addContainer('app', { ...APP, mounts: [{ volume: 'files', containerPath: '/data', readOnly: true }] });
    });
    expect(policyOf(json, 'task/task-policy')).toEqual([expect.objectContaining({ Sid: 'MountFileSystemReadOnly', Action: ['elasticfilesystem:ClientMount'] })]);
  });

  it('accepts a file system known only at apply (any object with fileSystemId and accessPointId)', () => {
    const json = synthTask((t, scope) => {
      const secret = new SecretsmanagerSecret(scope, 'stand-in', { name: 'x' });
      t.addVolume('files', { efs: { fileSystem: { fileSystemId: secret.id, accessPointId: secret.name } } });
      t.addContainer('app', { ...APP, mounts: [{ volume: 'files', containerPath: '/data' }] });
    });
    const volume = (byPath(json, 'task/definition').props.volume as { efs_volume_configuration: Record<string, unknown> }[])[0];
    expect(volume.efs_volume_configuration).toMatchObject({
      file_system_id: ref(byPath(json, 'stand-in')),
      authorization_config: { access_point_id: ref(byPath(json, 'stand-in'), 'name') },
    });
  });

  it('refuses IAM authorization without transit encryption', () => {
    expect(() => synthTask((t) => t.addVolume('files', { efs: { ...efs, transitEncryption: false } }))).toThrow('efs.iamAuthorization needs efs.transitEncryption');
  });
});

describe('FargateTaskDefinition IAM', () => {
  it('the execution role may pull the image and write to its log group, and nothing else', () => {
    const json = synthTask((t) => t.addContainer('app', APP));
    expect(policyOf(json, 'task/execution-policy')).toEqual([
      { Sid: 'EcrAuthorizationToken', Effect: 'Allow', Action: ['ecr:GetAuthorizationToken'], Resource: ['*'] },
      { Sid: 'EcrPullImage', Effect: 'Allow', Action: ['ecr:BatchGetImage'], Resource: [REPO_ARN] },
      { Sid: 'WriteLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: [`${ref(byPath(json, 'task/logs'), 'arn')}:*`] },
    ]);
  });

  it('two images from two repositories merge into one pull statement without duplicate ids', () => {
    const json = synthTask((t) => {
      t.addContainer('app', APP);
      t.addContainer('sidecar', { ...APP, ports: [], image: ecrImage('registry.example/sidecar:1', OTHER_REPO_ARN) });
    });
    const statements = policyOf(json, 'task/execution-policy') as { Sid: string; Resource: string[] }[];
    expect(statements.map((s) => s.Sid)).toEqual(['EcrAuthorizationToken', 'EcrPullImage', 'WriteLogs']);
    expect(statements[1].Resource).toEqual([REPO_ARN, OTHER_REPO_ARN]);
  });

  it('the execution role may read exactly the injected secrets, by the secret ARN without the JSON key', () => {
    const json = synthTask((t) => t.addContainer('app', { ...APP, secrets: { USER: `${SECRET}:user::`, PASSWORD: `${SECRET}:password::` } }));
    expect(policyOf(json, 'task/execution-policy')).toContainEqual({ Sid: 'ReadSecrets', Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: [SECRET] });
  });

  it('accepts a secret ARN known only at apply with a JSON key, and grants the bare ARN', () => {
    const json = synthTask((t, scope) => {
      const secret = new SecretsmanagerSecret(scope, 'db', { name: 'db' });
      t.addContainer('app', { ...APP, secrets: { DB_PASSWORD: `${secret.arn}:password::` } });
    });
    const arn = ref(byPath(json, 'db'), 'arn');
    expect(containers(json)[0].secrets).toEqual([{ name: 'DB_PASSWORD', valueFrom: `${arn}:password::` }]);
    expect(policyOf(json, 'task/execution-policy')).toContainEqual({ Sid: 'ReadSecrets', Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: [arn] });
  });

  it('has no task policy until something is granted', () => {
    expect(() =>
      byPath(
        synthTask((t) => t.addContainer('app', APP)),
        'task/task-policy',
      ),
    ).toThrow('found 0');
  });

  it('the task role holds exactly the given statements', () => {
    const read: PolicyStatement = { sid: 'ReadTables', actions: ['dynamodb:GetItem'], resources: ['arn:aws:dynamodb:eu-west-1:123456789012:table/t'] };
    const json = synthTask((t) => {
      t.addContainer('app', APP);
      t.addToTaskPolicy(read);
    });
    expect(policyOf(json, 'task/task-policy')).toEqual([{ Sid: 'ReadTables', Effect: 'Allow', Action: ['dynamodb:GetItem'], Resource: read.resources }]);
  });
});

describe('FargateTaskDefinition ECS Exec', () => {
  it('adds the SSM channel permissions and an init process in every container', () => {
    const json = synthTask((t) => t.addContainer('app', { ...APP, readonlyRootFilesystem: false }), { enableExecuteCommand: true });
    expect(policyOf(json, 'task/task-policy')).toContainEqual(expect.objectContaining({ Sid: 'EcsExecChannels', Resource: ['*'] }));
    expect(containers(json)[0].linuxParameters).toEqual({ initProcessEnabled: true });
  });

  it('records why the writable root it needs is accepted (ECS004)', () => {
    const stack = new TerraformStack(Testing.app(), 'stack');
    new FargateTaskDefinition(stack, 'task', { family: 'f', region: 'eu-west-1', enableExecuteCommand: true }).addContainer('app', { ...APP, readonlyRootFilesystem: false });
    const result = checkPolicy(policyInput(stack), { stackId: 'stack', environment: 'dev' });
    expect([result.findings, result.suppressed.map((f) => f.ruleId)]).toEqual([[], ['ECS004']]);
  });

  it('refuses a read-only root filesystem, which the exec agent cannot run on', () => {
    expect(() => synthTask((t) => t.addContainer('app', APP), { enableExecuteCommand: true })).toThrow('enableExecuteCommand needs a writable root filesystem');
  });
});

describe('FargateTaskDefinition validation at synth', () => {
  it('fails a task without an essential container', () => {
    const stack = new TerraformStack(Testing.app(), 'stack');
    const task = new FargateTaskDefinition(stack, 'task', { family: 'f', region: 'eu-west-1' });
    task.addContainer('init', { ...APP, essential: false });
    expect(() => Testing.synth(stack, true)).toThrow('no essential container');
  });
});
