/**
 * A small stack holding an EfsFileSystem and an AuroraServerless in a two-zone VPC, with a client
 * security group let in on NFS and MySQL, a task role and execution role granted through the
 * constructs' statements, and a task definition that mounts the file system and reads the
 * database secret. For `terraform validate` and for an apply to the emulated AWS.
 */
import { type App, LocalBackend, Testing, TerraformOutput, TerraformStack } from 'cdktf';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { AuroraServerless } from '../../stacks/constructs/aurora-serverless';
import { EfsFileSystem, subnetsInZones } from '../../stacks/constructs/efs-file-system';
import { policyDocument, trustPolicyDocument } from '../../stacks/lib/iam';

export const STORAGE_REGION = 'eu-west-1';
export const STORAGE_NAME = 'wp-storage-test';
const ZONES = ['eu-west-1a', 'eu-west-1b'];

/** Where the stack's provider points and where its state goes. */
export interface StorageStackOptions {
  /** Every AWS API of the stack goes here, e.g. a moto server. @default - offline fake credentials, no endpoint */
  readonly endpoint?: string;
  /** Local state file. */
  readonly statePath: string;
  /**
   * Throwaway settings (no backups, no deletion protection, no final snapshot, no prevent_destroy),
   * which an apply to an emulator needs.
   * @default true
   */
  readonly disposable?: boolean;
}

/** The AWS services the stack calls. */
const SERVICES = ['ec2', 'efs', 'rds', 'iam', 'ecs', 'sts', 'secretsmanager', 'kms'];

/** The stack and the constructs under test. */
export interface StorageStack {
  readonly stack: TerraformStack;
  readonly efs: EfsFileSystem;
  readonly db: AuroraServerless;
}

/** Builds the stack in `app` (a Testing.app() when omitted). */
export function storageStack(options: StorageStackOptions, app: App = Testing.app()): StorageStack {
  const disposable = options.disposable ?? true;
  const stack = new TerraformStack(app, 'storage');
  new AwsProvider(stack, 'aws', {
    region: STORAGE_REGION,
    accessKey: 'test',
    secretKey: 'test',
    skipCredentialsValidation: true,
    skipRequestingAccountId: true,
    skipMetadataApiCheck: 'true',
    skipRegionValidation: true,
    s3UsePathStyle: true,
    endpoints: options.endpoint ? [Object.fromEntries(SERVICES.map((service) => [service, options.endpoint]))] : undefined,
  });
  new LocalBackend(stack, { path: options.statePath });

  const vpc = new Vpc(stack, 'vpc', { cidrBlock: '10.40.0.0/16', enableDnsHostnames: true, enableDnsSupport: true });
  const subnets = ZONES.map((zone, i) => new Subnet(stack, `private-${zone}`, { vpcId: vpc.id, availabilityZone: zone, cidrBlock: `10.40.${i}.0/24` }));
  const tasks = new SecurityGroup(stack, 'tasks', { name: `${STORAGE_NAME}-tasks`, description: 'Tasks that use the storage', vpcId: vpc.id });

  const efs = new EfsFileSystem(stack, 'efs', {
    name: STORAGE_NAME,
    vpcId: vpc.id,
    mountTargets: subnetsInZones(
      ZONES,
      subnets.map((s) => s.id),
    ),
    accessPoint: { path: '/wordpress' },
    backups: !disposable,
    preventDestroy: !disposable,
  });
  const db = new AuroraServerless(stack, 'db', {
    name: STORAGE_NAME,
    vpcId: vpc.id,
    subnetIds: subnets.map((s) => s.id),
    databaseName: 'wordpress',
    deletionProtection: !disposable,
    finalSnapshot: !disposable,
    preventDestroy: !disposable,
    backupRetentionDays: disposable ? 1 : 7,
  });

  // What FargateService.allowTo adds for a service's tasks: NFS and MySQL from the tasks' group only.
  for (const server of [efs, db]) {
    new VpcSecurityGroupIngressRule(stack, `${server.node.id}-from-tasks`, {
      securityGroupId: server.securityGroupId,
      description: `Port ${server.port} from the tasks`,
      ipProtocol: 'tcp',
      fromPort: server.port,
      toPort: server.port,
      referencedSecurityGroupId: tasks.id,
    });
  }

  const trust = trustPolicyDocument([{ sid: 'EcsTasks', service: 'ecs-tasks.amazonaws.com' }]);
  const taskRole = new IamRole(stack, 'task-role', { name: `${STORAGE_NAME}-task`, assumeRolePolicy: trust });
  new IamRolePolicy(stack, 'task-policy', { name: 'storage', role: taskRole.id, policy: policyDocument([efs.mountStatement()]) });
  const executionRole = new IamRole(stack, 'execution-role', { name: `${STORAGE_NAME}-execution`, assumeRolePolicy: trust });
  new IamRolePolicy(stack, 'execution-policy', { name: 'secrets', role: executionRole.id, policy: policyDocument([db.secretReadStatement()]) });

  const task = new EcsTaskDefinition(stack, 'task', {
    family: STORAGE_NAME,
    requiresCompatibilities: ['FARGATE'],
    networkMode: 'awsvpc',
    cpu: '256',
    memory: '512',
    taskRoleArn: taskRole.arn,
    executionRoleArn: executionRole.arn,
    volume: [efs.taskVolume('webroot')],
    containerDefinitions: JSON.stringify([
      {
        name: 'php',
        image: 'wordpress:6.8.1-php8.3-fpm',
        essential: true,
        user: '33:33',
        environment: [
          { name: 'WORDPRESS_DB_HOST', value: db.endpoint },
          { name: 'WORDPRESS_DB_NAME', value: db.databaseName },
        ],
        secrets: [
          { name: 'WORDPRESS_DB_USER', valueFrom: db.usernameValueFrom },
          { name: 'WORDPRESS_DB_PASSWORD', valueFrom: db.passwordValueFrom },
        ],
        mountPoints: [{ sourceVolume: 'webroot', containerPath: '/var/www/html', readOnly: false }],
      },
    ]),
    dependsOn: [...efs.mountTargets],
  });

  new TerraformOutput(stack, 'file_system_id', { value: efs.fileSystemId });
  new TerraformOutput(stack, 'access_point_id', { value: efs.accessPointId });
  new TerraformOutput(stack, 'cluster_identifier', { value: db.clusterIdentifier });
  new TerraformOutput(stack, 'secret_arn', { value: db.masterUserSecretArn });
  new TerraformOutput(stack, 'task_definition_family', { value: task.family });
  return { stack, efs, db };
}
