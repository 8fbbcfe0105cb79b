/**
 * What the emulator holds of one deployment, listed with the AWS CLI (as the README shows) kind by
 * kind. Records AWS keeps after a delete (INACTIVE ECS clusters and task definitions, deleted NAT
 * gateways and endpoints) are not counted: they are not resources any more.
 */
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { KEPT_BUCKET_GAP, type StepResult } from '../../scripts/sandbox';

const run = promisify(execFile);

/** Resource kinds → ids of ours still alive. */
export type Inventory = Record<string, string[]>;

/** Fails (never skips) with install instructions when the AWS CLI is missing. */
export function requireAwsCli(): void {
  const result = spawnSync('aws', ['--version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new Error(
      'The AWS CLI was not found on PATH; the sandbox test lists what the emulator holds with it. Install it: pip install awscli (or https://docs.aws.amazon.com/cli/).',
    );
  }
}

/** Options of {@link inventory}. */
export interface InventoryOptions {
  /** The moto server, e.g. http://127.0.0.1:5000 */
  readonly endpoint: string;
  readonly region: string;
  /** `<project>-<environment>`: every physical name starts with it. */
  readonly namePrefix: string;
  /** Default tags of the deployment, e.g. { Project: 'bookmarks', Environment: 'sandbox' }. */
  readonly tags: Readonly<Record<string, string>>;
}

/** Every resource of ours the emulator still holds, by kind (each kind listed, empty or not); the bootstrap stack's state bucket and key included. */
export async function inventory(options: InventoryOptions): Promise<Inventory> {
  const env = { ...process.env, AWS_ACCESS_KEY_ID: 'sandbox', AWS_SECRET_ACCESS_KEY: 'sandbox', AWS_DEFAULT_REGION: options.region, AWS_PAGER: '' };
  const aws = async (...args: string[]): Promise<Record<string, unknown[]>> => {
    const { stdout } = await run('aws', ['--endpoint-url', options.endpoint, '--output', 'json', ...args], { env, maxBuffer: 64 * 1024 * 1024 });
    return JSON.parse(stdout || '{}') as Record<string, unknown[]>;
  };
  const tagFilters = Object.entries(options.tags).map(([key, value]) => `Name=tag:${key},Values=${value}`);
  const ours = (name: unknown) => typeof name === 'string' && name.startsWith(options.namePrefix);
  const field = <T>(items: unknown[] | undefined, key: string): T[] => (items ?? []).map((item) => (item as Record<string, T>)[key]);
  const alive = (items: unknown[] | undefined, idKey: string, stateKey: string, dead: string[]) =>
    (items ?? [])
      .filter((item) => !dead.includes(String((item as Record<string, unknown>)[stateKey]).toLowerCase()))
      .map((item) => String((item as Record<string, unknown>)[idKey]));

  const [
    vpcs,
    subnets,
    gateways,
    routeTables,
    groups,
    addresses,
    nats,
    endpoints,
    tables,
    clusters,
    taskDefinitions,
    repositories,
    roles,
    logGroups,
    balancers,
    targetGroups,
    buckets,
    keys,
  ] = await Promise.all([
    aws('ec2', 'describe-vpcs', '--filters', ...tagFilters),
    aws('ec2', 'describe-subnets', '--filters', ...tagFilters),
    aws('ec2', 'describe-internet-gateways', '--filters', ...tagFilters),
    aws('ec2', 'describe-route-tables', '--filters', ...tagFilters),
    aws('ec2', 'describe-security-groups', '--filters', ...tagFilters),
    aws('ec2', 'describe-addresses', '--filters', ...tagFilters),
    aws('ec2', 'describe-nat-gateways', '--filter', ...tagFilters),
    aws('ec2', 'describe-vpc-endpoints', '--filters', ...tagFilters),
    aws('dynamodb', 'list-tables'),
    aws('ecs', 'list-clusters'),
    // moto's --family-prefix matches whole families only, so the prefix is applied here.
    aws('ecs', 'list-task-definitions', '--status', 'ACTIVE'),
    aws('ecr', 'describe-repositories'),
    aws('iam', 'list-roles'),
    aws('logs', 'describe-log-groups'),
    aws('elbv2', 'describe-load-balancers'),
    aws('elbv2', 'describe-target-groups'),
    aws('s3api', 'list-buckets'),
    aws('kms', 'list-keys'),
  ]);
  const clusterArns = (clusters.clusterArns as string[] | undefined) ?? [];
  const described = clusterArns.length > 0 ? await aws('ecs', 'describe-clusters', '--clusters', ...clusterArns) : { clusters: [] };
  const activeClusters = (described.clusters as { clusterName: string; status: string }[]).filter((c) => c.status === 'ACTIVE' && ours(c.clusterName));
  // A destroyed key is scheduled for deletion, not gone; a key is ours when it carries our default tags.
  const keyIds = field<string>(keys.Keys, 'KeyId');
  const liveKeys = (
    await Promise.all(
      keyIds.map(async (keyId) => {
        const { KeyMetadata } = (await aws('kms', 'describe-key', '--key-id', keyId)) as unknown as { KeyMetadata: { KeyState: string; KeyManager: string } };
        if (KeyMetadata.KeyManager !== 'CUSTOMER' || KeyMetadata.KeyState.startsWith('Pending')) return [];
        const tags = ((await aws('kms', 'list-resource-tags', '--key-id', keyId)).Tags ?? []) as { TagKey: string; TagValue: string }[];
        return Object.entries(options.tags).every(([key, value]) => tags.some((t) => t.TagKey === key && t.TagValue === value)) ? [keyId] : [];
      }),
    )
  ).flat();
  const services = (await Promise.all(activeClusters.map(async (c) => ((await aws('ecs', 'list-services', '--cluster', c.clusterName)).serviceArns as string[]) ?? []))).flat();

  return {
    'ec2 vpc': field(vpcs.Vpcs, 'VpcId'),
    'ec2 subnet': field(subnets.Subnets, 'SubnetId'),
    'ec2 internet gateway': field(gateways.InternetGateways, 'InternetGatewayId'),
    'ec2 route table': field(routeTables.RouteTables, 'RouteTableId'),
    'ec2 security group': field(groups.SecurityGroups, 'GroupId'),
    'ec2 elastic ip': field(addresses.Addresses, 'AllocationId'),
    'ec2 nat gateway': alive(nats.NatGateways, 'NatGatewayId', 'State', ['deleted', 'deleting']),
    'ec2 vpc endpoint': alive(endpoints.VpcEndpoints, 'VpcEndpointId', 'State', ['deleted', 'deleting']),
    'dynamodb table': (tables.TableNames as string[]).filter(ours),
    'ecs cluster': activeClusters.map((c) => c.clusterName),
    'ecs service': services,
    'ecs task definition': (taskDefinitions.taskDefinitionArns as string[]).filter((arn) => ours(arn.split('task-definition/')[1])),
    'ecr repository': field<string>(repositories.repositories, 'repositoryName').filter(ours),
    'iam role': field<string>(roles.Roles, 'RoleName').filter(ours),
    'logs log group': field<string>(logGroups.logGroups, 'logGroupName').filter((name) => name.includes(options.namePrefix)),
    'elbv2 load balancer': field<string>(balancers.LoadBalancers, 'LoadBalancerName').filter(ours),
    'elbv2 target group': field<string>(targetGroups.TargetGroups, 'TargetGroupName').filter(ours),
    's3 bucket': field<string>(buckets.Buckets, 'Name').filter(ours),
    'kms key': liveKeys,
  };
}

/**
 * What a teardown may leave in the emulator: nothing, or the state bucket when the bootstrap
 * destroy step reports the emulator gap that keeps it (scripts/lib/emulator.ts).
 */
export function keptByTeardown(steps: readonly StepResult[], stateBucket: string): string[] {
  const bootstrap = steps.find((s) => s.step === 'bootstrap destroy');
  return bootstrap?.summary.includes(KEPT_BUCKET_GAP) ? [stateBucket] : [];
}
