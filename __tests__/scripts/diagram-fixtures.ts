/**
 * Synthesized-app fixtures for the diagram tests, written the way cdktf writes cdk.tf.json: construct
 * metadata, `${type.id.attr}` references, and cross-stack values as `cross-stack-output-*` outputs read
 * through `terraform_remote_state`. Two shapes that the default app does not have yet: three services
 * behind an external and an internal ALB with Route 53 aliases, and a WordPress stack with EFS and Aurora.
 */
import type { TfJson } from '../../stacks/lib/tf-json';

type Blocks = Record<string, Record<string, Record<string, unknown>>>;

/** A stack under construction; `add` returns the resource's address. */
export class FixtureStack {
  readonly resource: Blocks = {};
  readonly data: Blocks = {};
  readonly output: Record<string, { value: unknown; description?: string; sensitive?: boolean }> = {};
  readonly provider: Record<string, unknown> = {};

  constructor(
    readonly id: string,
    tags?: Record<string, string>,
  ) {
    if (tags) this.provider.aws = [{ default_tags: [{ tags }], region: 'eu-west-1' }];
  }

  /** Adds a resource at a construct path (relative to the stack); its logical id is derived as cdktf does. */
  add(type: string, path: string, props: Record<string, unknown>): string {
    const logicalId = `${path.split('/').join('_')}_${fakeHash(`${this.id}/${path}`)}`;
    this.resource[type] = { ...this.resource[type], [logicalId]: { '//': { metadata: { path: `${this.id}/${path}`, uniqueId: logicalId } }, ...props } };
    return `${type}.${logicalId}`;
  }

  /** Adds a remote-state block of another kind than cdktf's, e.g. state of another project. */
  addRemoteState(name: string, config: Record<string, unknown>): string {
    this.data.terraform_remote_state = { ...this.data.terraform_remote_state, [name]: { backend: 's3', config } };
    return name;
  }

  json(): TfJson {
    const json: Record<string, unknown> = { resource: this.resource, output: this.output };
    if (Object.keys(this.data).length > 0) json.data = this.data;
    if (Object.keys(this.provider).length > 0) json.provider = this.provider;
    return json as TfJson;
  }
}

/** Eight hex digits from a string, standing in for cdktf's hash of the construct path. */
function fakeHash(text: string): string {
  let h = 0x811c9dc5;
  for (const c of text) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return h.toString(16).toUpperCase().padStart(8, '0');
}

/** `${address.attribute}` */
export function ref(address: string, attribute: string): string {
  return `\${${address}.${attribute}}`;
}

/**
 * A value of `producer` used in `consumer`, as cdktf wires it: an output in the producer and a
 * terraform_remote_state read in the consumer. Returns the consumer's token and the output's name.
 */
export function crossStack(producer: FixtureStack, consumer: FixtureStack, address: string, attribute: string): { token: string; output: string } {
  const output = `cross-stack-output-${address.replace('.', '')}${attribute}`;
  producer.output[output] = { value: ref(address, attribute), sensitive: true };
  const block = `cross-stack-reference-input-${producer.id}`;
  consumer.data.terraform_remote_state = {
    ...consumer.data.terraform_remote_state,
    [block]: { backend: 'local', config: { path: `/state/dev/${producer.id}.tfstate` }, workspace: '${terraform.workspace}' },
  };
  return { token: `\${data.terraform_remote_state.${block}.outputs.${output}}`, output };
}

/** A VPC with public subnets (tagged) and private subnets (tier only from their routes) in two zones, and one NAT. */
export function networkStack(tags?: Record<string, string>): { stack: FixtureStack; vpc: string; publicSubnets: string[]; privateSubnets: string[] } {
  const stack = new FixtureStack('network', tags);
  const vpc = stack.add('aws_vpc', 'vpc', { cidr_block: '10.0.0.0/16', tags: { Name: 'shop-vpc' } });
  const igw = stack.add('aws_internet_gateway', 'vpc/igw', { vpc_id: ref(vpc, 'id') });
  const zones = ['eu-west-1a', 'eu-west-1b'];
  const publicSubnets = zones.map((az, i) =>
    stack.add('aws_subnet', `vpc/public-${az}`, {
      vpc_id: ref(vpc, 'id'),
      availability_zone: az,
      cidr_block: `10.0.${i}.0/24`,
      tags: { Name: `shop-public-${az}`, Tier: 'public' },
    }),
  );
  const publicRt = stack.add('aws_route_table', 'vpc/public-rt', { vpc_id: ref(vpc, 'id') });
  stack.add('aws_route', 'vpc/public-default', { route_table_id: ref(publicRt, 'id'), destination_cidr_block: '0.0.0.0/0', gateway_id: ref(igw, 'id') });
  publicSubnets.forEach((s, i) => stack.add('aws_route_table_association', `vpc/public-${zones[i]}-rta`, { subnet_id: ref(s, 'id'), route_table_id: ref(publicRt, 'id') }));
  const eip = stack.add('aws_eip', 'vpc/nat-eip', { domain: 'vpc' });
  const nat = stack.add('aws_nat_gateway', 'vpc/nat', { allocation_id: ref(eip, 'id'), subnet_id: ref(publicSubnets[0], 'id') });
  const privateSubnets = zones.map((az, i) => {
    const subnet = stack.add('aws_subnet', `vpc/private-${az}`, { vpc_id: ref(vpc, 'id'), availability_zone: az, cidr_block: `10.0.${10 + i}.0/24` });
    const rt = stack.add('aws_route_table', `vpc/private-${az}-rt`, { vpc_id: ref(vpc, 'id'), route: [{ cidr_block: '0.0.0.0/0', nat_gateway_id: ref(nat, 'id') }] });
    stack.add('aws_route_table_association', `vpc/private-${az}-rta`, { subnet_id: ref(subnet, 'id'), route_table_id: ref(rt, 'id') });
    return subnet;
  });
  stack.add('aws_vpc_endpoint', 'vpc/s3-endpoint', { vpc_id: ref(vpc, 'id'), service_name: 'com.amazonaws.eu-west-1.s3', vpc_endpoint_type: 'Gateway' });
  stack.output.vpc_id = { value: ref(vpc, 'id'), description: 'VPC id' };
  return { stack, vpc, publicSubnets, privateSubnets };
}

/** A container definition list as cdktf encodes it: a JSON string with tokens inside its strings. */
function containerDefinitions(containers: readonly Record<string, unknown>[]): string {
  return JSON.stringify(containers);
}

/**
 * The seed's three services: `order` external (HTTPS, host rule) and internal (path rule on a shared port
 * whose default is a 404), `customer` internal on 8080, `product` internal on 9090; one shared cluster,
 * a private zone with aliases for both ALBs, and a data stack whose table name `order` reads.
 */
export function threeServiceApp(): Record<string, TfJson> {
  const tags = { Project: 'shop', Environment: 'dev' };
  const net = networkStack(tags);
  const data = new FixtureStack('data', tags);
  const svc = new FixtureStack('service', tags);
  const table = data.add('aws_dynamodb_table', 'orders/table', { name: 'shop-dev-orders', hash_key: 'id', billing_mode: 'PAY_PER_REQUEST' });
  for (const id of ['o-1', 'o-2', 'o-3'])
    data.add('aws_dynamodb_table_item', `orders/item-${id}`, { table_name: ref(table, 'name'), hash_key: 'id', item: `{"id":{"S":"${id}"}}` });
  data.output.orders_table_name = { value: ref(table, 'name') };

  const vpcId = crossStack(net.stack, svc, net.vpc, 'id').token;
  const publicIds = net.publicSubnets.map((s) => crossStack(net.stack, svc, s, 'id').token);
  const privateIds = net.privateSubnets.map((s) => crossStack(net.stack, svc, s, 'id').token);
  const tableName = crossStack(data, svc, table, 'name').token;

  const cluster = svc.add('aws_ecs_cluster', 'cluster/cluster', { name: 'shop-dev' });
  svc.add('aws_ecs_cluster_capacity_providers', 'cluster/capacity-providers', { cluster_name: ref(cluster, 'name'), capacity_providers: ['FARGATE', 'FARGATE_SPOT'] });

  const external = svc.add('aws_lb', 'external/load-balancer', { name: 'shop-dev-ext', internal: false, load_balancer_type: 'application', subnets: publicIds });
  const internal = svc.add('aws_lb', 'internal/load-balancer', { name: 'shop-dev-int', internal: true, load_balancer_type: 'application', subnets: privateIds });
  svc.add('aws_lb_listener', 'external/http', {
    load_balancer_arn: ref(external, 'arn'),
    port: 80,
    protocol: 'HTTP',
    default_action: [{ type: 'redirect', redirect: { port: '443', protocol: 'HTTPS', status_code: 'HTTP_301' } }],
  });
  const https = svc.add('aws_lb_listener', 'external/https', {
    load_balancer_arn: ref(external, 'arn'),
    port: 443,
    protocol: 'HTTPS',
    certificate_arn: 'arn:aws:acm:eu-west-1:111122223333:certificate/abc',
    default_action: [{ type: 'fixed-response', fixed_response: { content_type: 'text/plain', status_code: '404' } }],
  });
  const internal80 = svc.add('aws_lb_listener', 'internal/port-80', {
    load_balancer_arn: ref(internal, 'arn'),
    port: 80,
    protocol: 'HTTP',
    default_action: [{ type: 'fixed-response', fixed_response: { content_type: 'text/plain', status_code: '404' } }],
  });
  const targetGroup = (name: string) =>
    svc.add('aws_lb_target_group', `${name}/targets`, { name_prefix: 'tg-', port: 8080, protocol: 'HTTP', target_type: 'ip', vpc_id: vpcId, tags: { Name: name } });
  const orderExt = targetGroup('order-external');
  const orderInt = targetGroup('order-internal');
  const customerTg = targetGroup('customer-internal');
  const productTg = targetGroup('product-internal');
  svc.add('aws_lb_listener_rule', 'order/external-rule', {
    listener_arn: ref(https, 'arn'),
    priority: 10,
    action: [{ type: 'forward', target_group_arn: ref(orderExt, 'arn') }],
    condition: [{ host_header: { values: ['order.shop.example'] } }],
  });
  svc.add('aws_lb_listener_rule', 'order/internal-rule', {
    listener_arn: ref(internal80, 'arn'),
    priority: 10,
    // The weighted form of forward, as a blue/green setup would write it.
    action: [{ type: 'forward', forward: { target_group: [{ arn: ref(orderInt, 'arn'), weight: 1 }] } }],
    condition: [{ path_pattern: { values: ['/orders/*'] } }],
  });
  svc.add('aws_lb_listener', 'internal/port-8080', {
    load_balancer_arn: ref(internal, 'arn'),
    port: 8080,
    protocol: 'HTTP',
    default_action: [{ type: 'forward', target_group_arn: ref(customerTg, 'arn') }],
  });
  svc.add('aws_lb_listener', 'internal/port-9090', {
    load_balancer_arn: ref(internal, 'arn'),
    port: 9090,
    protocol: 'HTTP',
    default_action: [{ type: 'forward', target_group_arn: ref(productTg, 'arn') }],
  });

  const zone = svc.add('aws_route53_zone', 'dns/zone', { name: 'shop.internal', vpc: [{ vpc_id: vpcId }] });
  const internalRecord = svc.add('aws_route53_record', 'dns/internal', {
    zone_id: ref(zone, 'zone_id'),
    name: `internal.${ref(zone, 'name')}`,
    type: 'A',
    alias: { name: ref(internal, 'dns_name'), zone_id: ref(internal, 'zone_id'), evaluate_target_health: true },
  });
  svc.add('aws_route53_record', 'dns/external', {
    zone_id: ref(zone, 'zone_id'),
    name: 'external.shop.internal',
    type: 'A',
    alias: { name: ref(external, 'dns_name'), zone_id: ref(external, 'zone_id'), evaluate_target_health: true },
  });

  const productRepo = svc.add('aws_ecr_repository', 'product/repository', { name: 'shop-dev-product' });
  const service = (name: string, image: string, env: Record<string, string>, attachments: { tg: string; port: number }[], cpu = '256') => {
    const role = svc.add('aws_iam_role', `${name}/execution-role`, { name_prefix: `${name}-exec-` });
    const task = svc.add('aws_ecs_task_definition', `${name}/task`, {
      family: `shop-dev-${name}`,
      cpu,
      memory: '512',
      execution_role_arn: ref(role, 'arn'),
      container_definitions: containerDefinitions([
        { name, image, portMappings: [{ containerPort: 8080, protocol: 'tcp' }], environment: Object.entries(env).map(([n, value]) => ({ name: n, value })) },
      ]),
    });
    return svc.add('aws_ecs_service', `${name}/service`, {
      name: `shop-dev-${name}`,
      cluster: ref(cluster, 'arn'),
      task_definition: ref(task, 'arn'),
      desired_count: name === 'order' ? 2 : 1,
      capacity_provider_strategy: [
        { capacity_provider: 'FARGATE', base: 1, weight: 1 },
        { capacity_provider: 'FARGATE_SPOT', weight: 3 },
      ],
      load_balancer: attachments.map(({ tg, port }) => ({ container_name: name, container_port: port, target_group_arn: ref(tg, 'arn') })),
      network_configuration: { subnets: privateIds, assign_public_ip: false },
    });
  };
  service(
    'order',
    'public.ecr.aws/nginx/nginx:stable',
    { CUSTOMER_URL: `http://${ref(internalRecord, 'fqdn')}:8080`, PRODUCT_URL: `http://${ref(internalRecord, 'fqdn')}:9090`, ORDERS_TABLE: tableName },
    [
      { tg: orderExt, port: 8080 },
      { tg: orderInt, port: 8080 },
    ],
  );
  service('customer', 'public.ecr.aws/nginx/nginx:stable', {}, [{ tg: customerTg, port: 8080 }]);
  service('product', `${ref(productRepo, 'repository_url')}:latest`, { LOG_LEVEL: 'debug' }, [{ tg: productTg, port: 8080 }], '512');
  return { network: net.stack.json(), data: data.json(), service: svc.json() };
}

/** WordPress as a fourth kind of stack: nginx and php-fpm in one task, EFS with an access point, Aurora Serverless v2. */
export function wordpressApp(): Record<string, TfJson> {
  const net = networkStack();
  const wp = new FixtureStack('wordpress');
  const vpcId = crossStack(net.stack, wp, net.vpc, 'id').token;
  const publicIds = net.publicSubnets.map((s) => crossStack(net.stack, wp, s, 'id').token);
  const privateIds = net.privateSubnets.map((s) => crossStack(net.stack, wp, s, 'id').token);

  const fs = wp.add('aws_efs_file_system', 'files/file-system', { creation_token: 'wordpress-dev', encrypted: true, tags: { Name: 'wordpress-dev-files' } });
  privateIds.forEach((subnet, i) => wp.add('aws_efs_mount_target', `files/mount-${i}`, { file_system_id: ref(fs, 'id'), subnet_id: subnet }));
  const accessPoint = wp.add('aws_efs_access_point', 'files/access-point', { file_system_id: ref(fs, 'id'), posix_user: { uid: 33, gid: 33 } });
  const db = wp.add('aws_rds_cluster', 'database/cluster', {
    cluster_identifier: 'wordpress-dev',
    engine: 'aurora-mysql',
    engine_version: '8.0.mysql_aurora.3.08.0',
    engine_mode: 'provisioned',
    manage_master_user_password: true,
    serverlessv2_scaling_configuration: { min_capacity: 0.5, max_capacity: 2 },
  });
  wp.add('aws_rds_cluster_instance', 'database/writer', { cluster_identifier: ref(db, 'id'), instance_class: 'db.serverless', engine: ref(db, 'engine') });
  wp.add('aws_db_subnet_group', 'database/subnets', { subnet_ids: privateIds });

  const nginxRepo = wp.add('aws_ecr_repository', 'nginx/repository', { name: 'wordpress-dev-nginx' });
  const phpRepo = wp.add('aws_ecr_repository', 'php/repository', { name: 'wordpress-dev-php' });
  const cluster = wp.add('aws_ecs_cluster', 'cluster', { name: 'wordpress-dev' });
  const lb = wp.add('aws_lb', 'alb/load-balancer', { name: 'wordpress-dev', internal: false, subnets: publicIds });
  const tg = wp.add('aws_lb_target_group', 'alb/targets', {
    name: 'wordpress-dev',
    port: 80,
    protocol: 'HTTP',
    target_type: 'ip',
    vpc_id: vpcId,
    health_check: { matcher: '200,302' },
  });
  wp.add('aws_lb_listener', 'alb/http', { load_balancer_arn: ref(lb, 'arn'), port: 80, protocol: 'HTTP', default_action: [{ type: 'forward', target_group_arn: ref(tg, 'arn') }] });
  const task = wp.add('aws_ecs_task_definition', 'wordpress/task', {
    family: 'wordpress-dev',
    cpu: '1024',
    memory: '2048',
    container_definitions: containerDefinitions([
      {
        name: 'nginx',
        image: `${ref(nginxRepo, 'repository_url')}:1`,
        portMappings: [{ containerPort: 80 }],
        mountPoints: [{ sourceVolume: 'files', containerPath: '/var/www/html', readOnly: true }],
      },
      {
        name: 'php',
        image: `${ref(phpRepo, 'repository_url')}:1`,
        portMappings: [{ containerPort: 9000 }],
        secrets: [{ name: 'WORDPRESS_DB_PASSWORD', valueFrom: `${ref(db, 'master_user_secret[0].secret_arn')}:password::` }],
        environment: [{ name: 'WORDPRESS_DB_HOST', value: ref(db, 'endpoint') }],
      },
    ]),
    volume: [
      {
        name: 'files',
        efs_volume_configuration: {
          file_system_id: ref(fs, 'id'),
          transit_encryption: 'ENABLED',
          authorization_config: { access_point_id: ref(accessPoint, 'id'), iam: 'ENABLED' },
        },
      },
    ],
  });
  wp.add('aws_ecs_service', 'wordpress/service', {
    name: 'wordpress-dev',
    cluster: ref(cluster, 'id'),
    task_definition: ref(task, 'arn'),
    desired_count: 1,
    launch_type: 'FARGATE',
    load_balancer: { container_name: 'nginx', container_port: 80, target_group_arn: ref(tg, 'arn') },
    network_configuration: { subnets: privateIds },
  });
  return { network: net.stack.json(), wordpress: wp.json() };
}
