/**
 * The architecture model of a synthesized cdktf app: its stacks, their main resources, the cross-stack
 * references between them, and the load-balancer routes of each ECS service. Everything is derived from
 * resource types and `${...}` references, never from our construct names, so new stacks and services
 * appear without changes here. Pure functions over parsed cdk.tf.json documents.
 */
import { blocks, isRecord, literal, literalNumber, TfDocument, type TfAttributes, type TfElement, type TfJson } from '../../stacks/lib/tf-json';
import { compare } from './compare';

export { compare };

/** What a node stands for; decides its shape and colour in the picture. */
export type NodeKind =
  | 'vpc'
  | 'subnets'
  | 'nat'
  | 'loadBalancer'
  | 'zone'
  | 'cluster'
  | 'service'
  | 'repository'
  | 'table'
  | 'fileSystem'
  | 'database'
  | 'storage'
  | 'messaging'
  | 'secret';

/** One main resource (or a group of like resources, such as the subnets of one tier) of a stack. */
export interface DiagramNode {
  /** `<stack>/<key>`, unique in the app and stable across synths. */
  readonly id: string;
  readonly stack: string;
  readonly kind: NodeKind;
  /** What it is, e.g. `ECS service`. */
  readonly title: string;
  /** Which one, e.g. its physical name. */
  readonly name: string;
  readonly details: readonly string[];
  /** Terraform addresses (`type.logicalId`) the node stands for. */
  readonly addresses: readonly string[];
  /** The node this one is drawn inside (an ECS service inside its cluster). */
  readonly parent?: string;
}

/** One stack of the app. */
export interface StackModel {
  readonly id: string;
  /** Every resource of the stack, drawn or not. */
  readonly resourceCount: number;
  readonly nodes: readonly DiagramNode[];
}

/** One output of a producer stack that a consumer stack reads by remote state. */
export interface CrossStackReference {
  readonly consumer: string;
  /** The producer stack, or the remote-state block's name when it reads state outside this app. */
  readonly producer: string;
  /** True when the remote state is not one of the app's stacks. */
  readonly external: boolean;
  /** The output's name in the producer, e.g. `vpc_id` or `cross-stack-output-aws_vpcvpc_6776A399id`. */
  readonly output: string;
  /** A readable name: a named output with the same value, or the construct path and attribute it holds. */
  readonly label: string;
  /** The producer's node that holds the value, when the value is one of its main resources. */
  readonly producerNode?: string;
}

/** How traffic reaches an ECS service: load balancer listener → target group → container port. */
export interface ServiceRoute {
  readonly service: string;
  /** Node id of the load balancer; undefined when the target group hangs on no listener of this stack. */
  readonly loadBalancer?: string;
  readonly listenerProtocol?: string;
  readonly listenerPort?: number;
  /** Listener-rule conditions, e.g. `path /api/*`; empty for the listener's default action. */
  readonly conditions: readonly string[];
  readonly targetGroup: string;
  readonly targetProtocol?: string;
  /** The port traffic arrives on: the container port of the service's load_balancer block, else the target group's. */
  readonly targetPort?: number;
  readonly container?: string;
}

/** Another edge inside one stack: a DNS alias to a load balancer, or a resource a service's tasks use. */
export interface DiagramLink {
  readonly from: string;
  readonly to: string;
  readonly kind: 'alias' | 'uses';
  readonly label: string;
}

/** Everything the picture shows. */
export interface DiagramModel {
  /** e.g. `bookmarks · dev`, from the providers' default tags Project and Environment, when present. */
  readonly title?: string;
  readonly stacks: readonly StackModel[];
  readonly references: readonly CrossStackReference[];
  readonly routes: readonly ServiceRoute[];
  readonly links: readonly DiagramLink[];
}

/** Counted, not drawn: resources that exist once per item of a parent. */
const CHILD_COUNTS: readonly { readonly type: string; readonly parentType: string; readonly noun: string }[] = [
  { type: 'aws_dynamodb_table_item', parentType: 'aws_dynamodb_table', noun: 'seeded item' },
  { type: 'aws_efs_mount_target', parentType: 'aws_efs_file_system', noun: 'mount target' },
  { type: 'aws_efs_access_point', parentType: 'aws_efs_file_system', noun: 'access point' },
  { type: 'aws_rds_cluster_instance', parentType: 'aws_rds_cluster', noun: 'instance' },
  { type: 'aws_route53_record', parentType: 'aws_route53_zone', noun: 'record' },
];

/** One node per resource, with a title and the argument that names it. */
const SIMPLE_TYPES: Readonly<Record<string, { readonly kind: NodeKind; readonly title: string; readonly nameArg: string }>> = {
  aws_ecr_repository: { kind: 'repository', title: 'ECR repository', nameArg: 'name' },
  aws_s3_bucket: { kind: 'storage', title: 'S3 bucket', nameArg: 'bucket' },
  aws_sqs_queue: { kind: 'messaging', title: 'SQS queue', nameArg: 'name' },
  aws_sns_topic: { kind: 'messaging', title: 'SNS topic', nameArg: 'name' },
  aws_secretsmanager_secret: { kind: 'secret', title: 'Secrets Manager secret', nameArg: 'name' },
  aws_elasticache_replication_group: { kind: 'database', title: 'ElastiCache', nameArg: 'replication_group_id' },
};

/** Kinds a service's tasks can use, and the word on that edge. */
const USE_LABELS: Partial<Record<NodeKind, string>> = {
  repository: 'image',
  table: 'table',
  fileSystem: 'volume',
  database: 'database',
  loadBalancer: 'calls',
  storage: 'bucket',
  messaging: 'messages',
  secret: 'secret',
};

const KIND_ORDER: readonly NodeKind[] = [
  'vpc',
  'subnets',
  'nat',
  'zone',
  'loadBalancer',
  'cluster',
  'service',
  'repository',
  'table',
  'fileSystem',
  'database',
  'storage',
  'messaging',
  'secret',
];

const REMOTE_STATE_PREFIX = 'cross-stack-reference-input-';

/** The resources of one stack with lookups by type and referrer on top of its document. */
class StackIndex {
  /** Every resource, sorted by address so that the model does not depend on the order of the JSON. */
  readonly resources: readonly TfElement[];
  private readonly referrersOf = new Map<string, TfElement[]>();

  constructor(
    readonly id: string,
    readonly doc: TfDocument,
  ) {
    this.resources = doc.resources().sort((a, b) => compare(a.address, b.address));
    for (const r of this.resources) {
      for (const ref of this.refs(r.props)) {
        const list = this.referrersOf.get(ref.address) ?? [];
        if (!list.includes(r)) list.push(r);
        this.referrersOf.set(ref.address, list);
      }
    }
  }

  ofType(type: string): TfElement[] {
    return this.resources.filter((r) => r.type === type);
  }

  refs(value: unknown) {
    return this.doc.references(value);
  }

  /** The resources of a type that a value references. */
  refsTo(value: unknown, type: string): TfElement[] {
    return this.refs(value)
      .map((ref) => this.doc.element(ref.address))
      .filter((r): r is TfElement => r !== undefined && r.type === type)
      .filter((r, i, all) => all.indexOf(r) === i);
  }

  /** The resources (of a type) that reference a resource anywhere in their arguments. */
  referrers(target: TfElement, type?: string): TfElement[] {
    return (this.referrersOf.get(target.address) ?? []).filter((r) => type === undefined || r.type === type);
  }

  /** A readable name: the literal name argument, the Name tag (first when `tagFirst`), or the construct path. */
  nameOf(r: TfElement, nameArg = 'name', tagFirst = false): string {
    const tags = r.props.tags;
    const tag = isRecord(tags) ? literal(tags.Name) : undefined;
    const arg = literal(r.props[nameArg]);
    return (tagFirst ? (tag ?? arg) : (arg ?? tag)) ?? r.path;
  }

  /** A string with tokens: references to named resources show the name, other tokens `…`. */
  display(value: unknown): string {
    if (typeof value !== 'string') return literal(value) ?? '…';
    return value.replace(/\$\{([^}]*)\}/g, (token) => {
      const [ref] = this.refs(token);
      const target = ref && this.doc.element(ref.address);
      return target && ref.attribute === 'name' && literal(target.props.name) !== undefined ? String(target.props.name) : '…';
    });
  }
}

/** `1 item`, `3 items`. */
function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Detail lines counting the per-item children of a resource (seeded items, mount targets, ...). */
function childCounts(index: StackIndex, r: TfElement): string[] {
  return CHILD_COUNTS.filter((c) => c.parentType === r.type)
    .map((c) => ({ c, n: index.referrers(r, c.type).length }))
    .filter(({ n }) => n > 0)
    .map(({ c, n }) => count(n, c.noun));
}

/** The tier of a subnet: its Tier tag, else public when its route table reaches an internet gateway. */
function subnetTier(index: StackIndex, subnet: TfElement): string {
  const tags = subnet.props.tags;
  const tagged = isRecord(tags) ? literal(tags.Tier) : undefined;
  if (tagged) return tagged.toLowerCase();
  const tables = index.referrers(subnet, 'aws_route_table_association').flatMap((a) => index.refsTo(a.props.route_table_id, 'aws_route_table'));
  if (tables.length === 0) return 'unrouted';
  const routes = tables.flatMap((t) => [...blocks(t.props.route), ...index.referrers(t, 'aws_route').map((r) => r.props)]);
  if (routes.some((route) => index.refsTo(route.gateway_id, 'aws_internet_gateway').length > 0)) return 'public';
  if (routes.some((route) => index.refsTo(route.nat_gateway_id, 'aws_nat_gateway').length > 0)) return 'private';
  return 'isolated';
}

/** The service name of a VPC endpoint without its region prefix, e.g. `ecr.api`. */
function endpointName(index: StackIndex, endpoint: TfElement): string {
  const service = index.display(endpoint.props.service_name);
  return service.replace(/^com\.amazonaws\.(…|[a-z0-9-]+)\./, '');
}

/** Comma-separated, at most `perLine` items per line. */
function wrap(prefix: string, items: readonly string[], perLine = 4): string[] {
  const lines: string[] = [];
  for (let i = 0; i < items.length; i += perLine) lines.push((i === 0 ? prefix : '') + items.slice(i, i + perLine).join(', '));
  return lines;
}

/** VPCs, their subnets grouped per tier, and the NAT gateways as one node. */
function networkNodes(index: StackIndex): DiagramNode[] {
  const nodes: DiagramNode[] = [];
  const vpcs = index.ofType('aws_vpc');
  for (const vpc of vpcs) {
    const endpoints = index
      .referrers(vpc, 'aws_vpc_endpoint')
      .map((e) => endpointName(index, e))
      .sort(compare);
    nodes.push({
      id: `${index.id}/${vpc.address}`,
      stack: index.id,
      kind: 'vpc',
      title: 'VPC',
      name: index.nameOf(vpc),
      details: [
        literal(vpc.props.cidr_block),
        index.referrers(vpc, 'aws_internet_gateway').length > 0 ? 'internet gateway' : undefined,
        ...wrap('endpoints: ', endpoints),
        index.referrers(vpc, 'aws_flow_log').length > 0 ? 'flow logs' : undefined,
      ].filter((line): line is string => line !== undefined),
      addresses: [vpc.address, ...index.referrers(vpc, 'aws_internet_gateway').map((g) => g.address)],
    });
  }
  // Subnets are drawn per VPC and tier, never one node per zone.
  const groups = new Map<string, TfElement[]>();
  for (const subnet of index.ofType('aws_subnet')) {
    const [vpc] = index.refsTo(subnet.props.vpc_id, 'aws_vpc');
    const key = `${vpcs.length > 1 && vpc ? `${vpc.logicalId}/` : ''}${subnetTier(index, subnet)}`;
    groups.set(key, [...(groups.get(key) ?? []), subnet]);
  }
  for (const [key, subnets] of groups) {
    const tier = key.split('/').pop() ?? key;
    const zones = subnets.map((s) => [literal(s.props.availability_zone) ?? literal(s.props.availability_zone_id) ?? '', literal(s.props.cidr_block) ?? ''].join(' ').trim());
    nodes.push({
      id: `${index.id}/subnets/${key}`,
      stack: index.id,
      kind: 'subnets',
      title: `${tier} subnets`,
      name: `×${subnets.length}`,
      details: zones.filter((z) => z !== '').sort(compare),
      addresses: subnets.map((s) => s.address),
    });
  }
  const nats = index.ofType('aws_nat_gateway');
  if (nats.length > 0) {
    const zones = nats.flatMap((n) => index.refsTo(n.props.subnet_id, 'aws_subnet').map((s) => literal(s.props.availability_zone) ?? ''));
    nodes.push({
      id: `${index.id}/nat`,
      stack: index.id,
      kind: 'nat',
      title: 'NAT gateway',
      name: `×${nats.length}`,
      details: [...new Set(zones.filter((z) => z !== ''))].sort(compare),
      addresses: nats.map((n) => n.address),
    });
  }
  return nodes;
}

/** `HTTP :80`, plus what the default action does when it does not forward. */
function listenerSummary(index: StackIndex, listener: TfElement): string {
  const head = `${literal(listener.props.protocol) ?? ''} :${literal(listener.props.port) ?? '…'}`.trim();
  const [action] = blocks(listener.props.default_action);
  const type = action ? literal(action.type) : undefined;
  if (type === 'redirect') {
    const [redirect] = blocks(action?.redirect);
    return `${head} → redirect ${literal(redirect?.protocol) ?? ''} :${literal(redirect?.port) ?? '…'}`.replace(/ +/g, ' ');
  }
  if (type === 'fixed-response') {
    const [fixed] = blocks(action?.fixed_response);
    return `${head} (default ${literal(fixed?.status_code) ?? 'fixed response'})`;
  }
  const rules = index.referrers(listener, 'aws_lb_listener_rule').length;
  return rules > 0 ? `${head}, ${count(rules, 'rule')}` : head;
}

/** Load balancers with their scheme and listeners. */
function loadBalancerNodes(index: StackIndex): DiagramNode[] {
  return index.ofType('aws_lb').map((lb) => {
    const type = literal(lb.props.load_balancer_type) ?? 'application';
    const internal = lb.props.internal === true || lb.props.internal === 'true';
    const listeners = index.referrers(lb, 'aws_lb_listener').sort((a, b) => (literalNumber(a.props.port) ?? 0) - (literalNumber(b.props.port) ?? 0));
    return {
      id: `${index.id}/${lb.address}`,
      stack: index.id,
      kind: 'loadBalancer',
      title: `${{ application: 'Application', network: 'Network', gateway: 'Gateway' }[type] ?? type} load balancer`,
      name: index.nameOf(lb),
      details: [internal ? 'internal' : 'internet-facing', ...listeners.map((l) => listenerSummary(index, l))],
      addresses: [lb.address, ...listeners.map((l) => l.address)],
    };
  });
}

/** Route 53 zones, private when attached to a VPC, with their records counted. */
function zoneNodes(index: StackIndex): DiagramNode[] {
  return index.ofType('aws_route53_zone').map((zone) => ({
    id: `${index.id}/${zone.address}`,
    stack: index.id,
    kind: 'zone',
    title: `Route 53 ${blocks(zone.props.vpc).length > 0 ? 'private' : 'public'} zone`,
    name: index.nameOf(zone),
    details: childCounts(index, zone),
    addresses: [zone.address],
  }));
}

/** The containers of a task definition, from its JSON-encoded container_definitions. */
function containers(taskDefinition: TfElement | undefined): { name: string; ports: number[] }[] {
  const text = taskDefinition?.props.container_definitions;
  if (typeof text !== 'string') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.filter(isRecord).map((c) => ({
    name: literal(c.name) ?? '…',
    ports: blocks(c.portMappings)
      .map((p) => literalNumber(p.containerPort))
      .filter((p): p is number => p !== undefined),
  }));
}

/** ECS clusters and their services (drawn inside the cluster), with task size, capacity and containers. */
function computeNodes(index: StackIndex): DiagramNode[] {
  const nodes: DiagramNode[] = [];
  for (const cluster of index.ofType('aws_ecs_cluster')) {
    const providers = index.referrers(cluster, 'aws_ecs_cluster_capacity_providers').flatMap((c) => (Array.isArray(c.props.capacity_providers) ? c.props.capacity_providers : []));
    nodes.push({
      id: `${index.id}/${cluster.address}`,
      stack: index.id,
      kind: 'cluster',
      title: 'ECS cluster',
      name: index.nameOf(cluster),
      details: wrap('capacity: ', [...new Set(providers.map((p) => literal(p) ?? '…'))].sort(compare)),
      addresses: [cluster.address, ...index.referrers(cluster, 'aws_ecs_cluster_capacity_providers').map((c) => c.address)],
    });
  }
  for (const service of index.ofType('aws_ecs_service')) {
    const [cluster] = index.refsTo(service.props.cluster, 'aws_ecs_cluster');
    const [task] = index.refsTo(service.props.task_definition, 'aws_ecs_task_definition');
    const strategy = blocks(service.props.capacity_provider_strategy).map((s) => literal(s.capacity_provider) ?? '…');
    const capacity = strategy.length > 0 ? strategy.join(' + ') : literal(service.props.launch_type);
    const desired = literalNumber(service.props.desired_count);
    const cpu = literalNumber(task?.props.cpu);
    const memory = literalNumber(task?.props.memory);
    const size = cpu !== undefined && memory !== undefined ? ` × ${cpu / 1024} vCPU / ${memory} MiB` : '';
    nodes.push({
      id: `${index.id}/${service.address}`,
      stack: index.id,
      kind: 'service',
      title: 'ECS service',
      name: index.nameOf(service),
      details: [
        desired !== undefined ? `${count(desired, 'task')}${size}` : undefined,
        capacity,
        ...wrap(
          'containers: ',
          containers(task).map((c) => `${c.name}${c.ports.map((p) => ` :${p}`).join('')}`),
          2,
        ),
      ].filter((line): line is string => line !== undefined),
      addresses: [service.address, ...(task ? [task.address] : [])],
      ...(cluster ? { parent: `${index.id}/${cluster.address}` } : {}),
    });
  }
  return nodes;
}

/** Tables, file systems, databases and the simple one-resource kinds. */
function dataNodes(index: StackIndex): DiagramNode[] {
  const nodes: DiagramNode[] = [];
  for (const table of index.ofType('aws_dynamodb_table')) {
    const keys = [literal(table.props.hash_key), literal(table.props.range_key)].filter((k): k is string => k !== undefined);
    const indexes = blocks(table.props.global_secondary_index).length;
    nodes.push({
      id: `${index.id}/${table.address}`,
      stack: index.id,
      kind: 'table',
      title: 'DynamoDB table',
      name: index.nameOf(table),
      details: [keys.length > 0 ? `key: ${keys.join(' + ')}` : undefined, indexes > 0 ? count(indexes, 'index', 'indexes') : undefined, ...childCounts(index, table)].filter(
        (line): line is string => line !== undefined,
      ),
      addresses: [table.address, ...index.referrers(table, 'aws_dynamodb_table_item').map((i) => i.address)],
    });
  }
  for (const fs of index.ofType('aws_efs_file_system')) {
    nodes.push({
      id: `${index.id}/${fs.address}`,
      stack: index.id,
      kind: 'fileSystem',
      title: 'EFS file system',
      name: index.nameOf(fs, 'creation_token', true),
      details: [fs.props.encrypted === true ? 'encrypted' : undefined, ...childCounts(index, fs)].filter((line): line is string => line !== undefined),
      addresses: [fs.address, ...index.referrers(fs, 'aws_efs_mount_target').map((m) => m.address), ...index.referrers(fs, 'aws_efs_access_point').map((a) => a.address)],
    });
  }
  for (const db of index.ofType('aws_rds_cluster')) {
    const engine = literal(db.props.engine) ?? 'aurora';
    const [scaling] = blocks(db.props.serverlessv2_scaling_configuration);
    const acu = scaling ? `serverless v2: ${literal(scaling.min_capacity) ?? '…'}–${literal(scaling.max_capacity) ?? '…'} ACU` : undefined;
    const version = literal(db.props.engine_version);
    nodes.push({
      id: `${index.id}/${db.address}`,
      stack: index.id,
      kind: 'database',
      title: engine.startsWith('aurora') ? 'Aurora cluster' : 'RDS cluster',
      name: index.nameOf(db, 'cluster_identifier'),
      details: [`${engine}${version ? ` ${version}` : ''}`, acu, ...childCounts(index, db)].filter((line): line is string => line !== undefined),
      addresses: [db.address, ...index.referrers(db, 'aws_rds_cluster_instance').map((i) => i.address)],
    });
  }
  for (const db of index.ofType('aws_db_instance')) {
    nodes.push({
      id: `${index.id}/${db.address}`,
      stack: index.id,
      kind: 'database',
      title: 'RDS instance',
      name: index.nameOf(db, 'identifier'),
      details: [literal(db.props.engine), literal(db.props.instance_class)].filter((line): line is string => line !== undefined),
      addresses: [db.address],
    });
  }
  for (const [type, simple] of Object.entries(SIMPLE_TYPES)) {
    for (const r of index.ofType(type)) {
      nodes.push({
        id: `${index.id}/${r.address}`,
        stack: index.id,
        kind: simple.kind,
        title: simple.title,
        name: index.nameOf(r, simple.nameArg),
        details: childCounts(index, r),
        addresses: [r.address],
      });
    }
  }
  return nodes;
}

/** Conditions of a listener rule as short phrases, e.g. `path /api/*`, `host api.example.com`. */
function ruleConditions(index: StackIndex, rule: TfElement): string[] {
  return blocks(rule.props.condition).flatMap((condition) =>
    Object.entries(condition).flatMap(([key, value]) =>
      blocks(value).map((block) => {
        const values = Array.isArray(block.values) ? block.values.map((v) => index.display(v)) : Object.values(block).map((v) => index.display(v));
        return `${key.replace(/_pattern$|_header$/, '').replace(/_/g, ' ')} ${values.join(', ')}`;
      }),
    ),
  );
}

/** The routes of one ECS service: each load_balancer block, followed to its listeners and load balancer. */
function serviceRoutes(index: StackIndex, service: TfElement, nodeOf: (address: string) => string | undefined): ServiceRoute[] {
  const serviceId = `${index.id}/${service.address}`;
  return blocks(service.props.load_balancer).flatMap((attachment) => {
    const container = literal(attachment.container_name);
    const containerPort = literalNumber(attachment.container_port);
    const groups = index.refsTo(attachment.target_group_arn, 'aws_lb_target_group');
    if (groups.length === 0) {
      // A target group of another stack (read by remote state) or a literal ARN: nothing to follow here.
      return [{ service: serviceId, conditions: [], targetGroup: index.display(attachment.target_group_arn), targetPort: containerPort, ...(container ? { container } : {}) }];
    }
    return groups.flatMap((group) => {
      const base = {
        service: serviceId,
        targetGroup: index.nameOf(group),
        ...(literal(group.props.protocol) ? { targetProtocol: literal(group.props.protocol) } : {}),
        targetPort: containerPort ?? literalNumber(group.props.port),
        ...(container ? { container } : {}),
      };
      const byDefault = index
        .referrers(group, 'aws_lb_listener')
        .filter((l) => index.refsTo(l.props.default_action, 'aws_lb_target_group').includes(group))
        .map((listener) => ({ listener, conditions: [] as string[] }));
      const byRule = index
        .referrers(group, 'aws_lb_listener_rule')
        .flatMap((rule) => index.refsTo(rule.props.listener_arn, 'aws_lb_listener').map((listener) => ({ listener, conditions: ruleConditions(index, rule) })));
      const entries = [...byDefault, ...byRule];
      if (entries.length === 0) return [{ ...base, conditions: [] }];
      return entries.map(({ listener, conditions }) => {
        const [lb] = index.refsTo(listener.props.load_balancer_arn, 'aws_lb');
        const loadBalancer = lb ? nodeOf(lb.address) : undefined;
        const protocol = literal(listener.props.protocol);
        const port = literalNumber(listener.props.port);
        return {
          ...base,
          ...(loadBalancer ? { loadBalancer } : {}),
          ...(protocol ? { listenerProtocol: protocol } : {}),
          ...(port !== undefined ? { listenerPort: port } : {}),
          conditions,
        };
      });
    });
  });
}

/** The main nodes a service's tasks use: what its task definition references, directly or through one non-main resource. */
function serviceUses(index: StackIndex, service: TfElement, nodes: ReadonlyMap<string, DiagramNode>, nodeOf: (address: string) => string | undefined): DiagramLink[] {
  const serviceId = `${index.id}/${service.address}`;
  const [task] = index.refsTo(service.props.task_definition, 'aws_ecs_task_definition');
  if (!task) return [];
  const targets = new Set<string>();
  for (const ref of index.refs(task.props)) {
    const direct = nodeOf(ref.address);
    if (direct) {
      targets.add(direct);
      continue;
    }
    const via = index.doc.element(ref.address);
    for (const next of via ? index.refs(via.props) : []) {
      const node = nodeOf(next.address);
      if (node) targets.add(node);
    }
  }
  return [...targets]
    .filter((id) => id !== serviceId)
    .flatMap((id) => {
      const kind = nodes.get(id)?.kind;
      const label = kind && USE_LABELS[kind];
      return label ? [{ from: serviceId, to: id, kind: 'uses' as const, label }] : [];
    });
}

/** DNS alias records pointing at drawn resources: from their zone when it is drawn. */
function aliasLinks(index: StackIndex, nodeOf: (address: string) => string | undefined): DiagramLink[] {
  const byPair = new Map<string, { from: string; to: string; names: string[] }>();
  for (const record of index.ofType('aws_route53_record')) {
    const [zone] = index.refsTo(record.props.zone_id, 'aws_route53_zone');
    const from = zone ? nodeOf(zone.address) : undefined;
    for (const alias of blocks(record.props.alias)) {
      const to = index
        .refs(alias.name)
        .map((ref) => nodeOf(ref.address))
        .find((id) => id !== undefined);
      if (!from || !to) continue;
      const key = `${from}\u0000${to}`;
      const entry = byPair.get(key) ?? { from, to, names: [] };
      entry.names.push(index.display(record.props.name));
      byPair.set(key, entry);
    }
  }
  return [...byPair.values()].map(({ from, to, names }) => ({ from, to, kind: 'alias' as const, label: names.sort(compare).join('\n') }));
}

/** The stack a remote-state block reads: by cdktf's block name, else by the state file name in its config. */
function producerOf(block: string, config: TfAttributes, stackIds: ReadonlySet<string>): string | undefined {
  if (block.startsWith(REMOTE_STATE_PREFIX) && stackIds.has(block.slice(REMOTE_STATE_PREFIX.length))) return block.slice(REMOTE_STATE_PREFIX.length);
  const file = literal(config.path) ?? literal(config.key);
  const stem = file
    ?.split('/')
    .pop()
    ?.replace(/\.tfstate$/, '');
  return stem !== undefined && stackIds.has(stem) ? stem : undefined;
}

/** The readable name of an output: a named output with the same value, else what its value references. */
function outputLabel(index: StackIndex, output: string): string {
  const outputs = index.doc.outputs();
  const value = outputs.find((o) => o.name === output)?.value;
  const twin = outputs
    .filter((o) => o.name !== output && !o.name.startsWith('cross-stack-output-') && JSON.stringify(o.value) === JSON.stringify(value))
    .map((o) => o.name)
    .sort(compare)[0];
  if (twin) return twin;
  const refs = index.refs(value);
  if (refs.length !== 1) return output;
  const target = index.doc.element(refs[0].address);
  return target ? `${target.path}${refs[0].attribute ? `.${refs[0].attribute}` : ''}` : output;
}

/** Every output a stack reads from another by remote state, sorted by consumer, producer and output. */
function crossStackReferences(indexes: ReadonlyMap<string, StackIndex>, nodeOf: (stack: string, address: string) => string | undefined): CrossStackReference[] {
  const stackIds = new Set(indexes.keys());
  const references: CrossStackReference[] = [];
  for (const consumer of indexes.values()) {
    const states = consumer.doc.remoteStates();
    for (const { block, output } of consumer.doc.remoteReads()) {
      const producer = producerOf(block, states.find((s) => s.name === block)?.config ?? {}, stackIds);
      if (producer === undefined) {
        references.push({ consumer: consumer.id, producer: block, external: true, output, label: output });
        continue;
      }
      const index = indexes.get(producer);
      const written = index?.doc.outputs() ?? [];
      const value = written.find((o) => o.name === output);
      if (!index || value === undefined) {
        const names = written.map((o) => o.name).sort(compare);
        throw new Error(
          `stacks/${consumer.id}/cdk.tf.json reads output "${output}" of stack ${producer} (data.terraform_remote_state.${block}), ` +
            `but stacks/${producer}/cdk.tf.json writes ${names.length > 0 ? `only ${names.join(', ')}` : 'no outputs'}; synthesize all stacks together (npx cdktf synth)`,
        );
      }
      const [ref] = index.refs(value.value);
      const producerNode = ref ? nodeOf(producer, ref.address) : undefined;
      references.push({ consumer: consumer.id, producer, external: false, output, label: outputLabel(index, output), ...(producerNode ? { producerNode } : {}) });
    }
  }
  return references.sort((a, b) => compare(a.consumer, b.consumer) || compare(a.producer, b.producer) || compare(a.output, b.output));
}

/** The project and environment of the app, from the default tags of its providers. */
function appTitle(stacks: readonly TfJson[]): string | undefined {
  const tags = stacks.flatMap((json) =>
    Object.values(json.provider ?? {}).flatMap((configs) => blocks(configs).flatMap((config) => blocks(config.default_tags).map((d) => (isRecord(d.tags) ? d.tags : {})))),
  );
  const one = (key: string) => {
    const values = [...new Set(tags.map((t) => literal(t[key])).filter((v): v is string => v !== undefined))];
    return values.length === 1 ? values[0] : undefined;
  };
  const parts = [one('Project'), one('Environment')].filter((p): p is string => p !== undefined);
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

/** Builds the model of an app from the parsed cdk.tf.json of each of its stacks, keyed by stack id. */
export function buildModel(stacks: Readonly<Record<string, TfJson>>): DiagramModel {
  const ids = Object.keys(stacks).sort(compare);
  const indexes = new Map(ids.map((id) => [id, new StackIndex(id, new TfDocument(stacks[id]))]));
  const stackModels: StackModel[] = [];
  const nodeByAddress = new Map<string, string>();
  const nodesById = new Map<string, DiagramNode>();
  for (const index of indexes.values()) {
    const nodes = [...networkNodes(index), ...loadBalancerNodes(index), ...zoneNodes(index), ...computeNodes(index), ...dataNodes(index)].sort(
      (a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || compare(a.name, b.name) || compare(a.id, b.id),
    );
    for (const node of nodes) {
      nodesById.set(node.id, node);
      for (const address of node.addresses) nodeByAddress.set(`${index.id}\u0000${address}`, node.id);
    }
    stackModels.push({ id: index.id, resourceCount: index.resources.length, nodes });
  }
  const nodeOf = (stack: string, address: string) => nodeByAddress.get(`${stack}\u0000${address}`);
  const routes: ServiceRoute[] = [];
  const links: DiagramLink[] = [];
  for (const index of indexes.values()) {
    const local = (address: string) => nodeOf(index.id, address);
    for (const service of index.ofType('aws_ecs_service')) {
      routes.push(...serviceRoutes(index, service, local));
      links.push(...serviceUses(index, service, nodesById, local));
    }
    links.push(...aliasLinks(index, local));
  }
  const title = appTitle(ids.map((id) => stacks[id]));
  return {
    ...(title ? { title } : {}),
    stacks: stackModels,
    references: crossStackReferences(indexes, nodeOf),
    routes: routes.sort(
      (a, b) =>
        compare(a.service, b.service) ||
        compare(a.loadBalancer ?? '', b.loadBalancer ?? '') ||
        (a.listenerPort ?? 0) - (b.listenerPort ?? 0) ||
        compare(a.conditions.join(), b.conditions.join()),
    ),
    links: links.sort((a, b) => compare(a.from, b.from) || compare(a.to, b.to)),
  };
}
