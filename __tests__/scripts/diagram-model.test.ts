/** The architecture model: pure functions over synthesized JSON, checked on fixtures without synthesizing. */
import { buildModel, type DiagramModel, type DiagramNode } from '../../scripts/lib/diagram-model';
import { crossStack, FixtureStack, networkStack, ref, threeServiceApp, wordpressApp } from './diagram-fixtures';

/** The nodes of a stack as `title | name`, the way a reader of the picture sees them. */
function seen(model: DiagramModel, stack: string): string[] {
  return (model.stacks.find((s) => s.id === stack)?.nodes ?? []).map((n) => `${n.title} | ${n.name}`);
}

/** The one node of a stack with this name (and title, when several share a name). */
function node(model: DiagramModel, stack: string, name: string, title?: string): DiagramNode {
  const found = (model.stacks.find((s) => s.id === stack)?.nodes ?? []).filter((n) => n.name === name && (title === undefined || n.title === title));
  if (found.length !== 1) throw new Error(`expected one node "${name}" in ${stack}, found ${found.length}`);
  return found[0];
}

describe('network resources', () => {
  const model = buildModel({ network: networkStack().stack.json() });

  it('groups subnets per tier instead of one node per subnet', () => {
    expect(seen(model, 'network').filter((n) => n.includes('subnets'))).toEqual(['private subnets | ×2', 'public subnets | ×2']);
  });

  it('takes an untagged subnet’s tier from its route: a NAT route makes it private', () => {
    // Given private subnets without a Tier tag whose route table sends 0.0.0.0/0 to the NAT (the fixture)
    // Then they are grouped as private, with their zones and CIDRs
    expect(node(model, 'network', '×2', 'private subnets').details).toEqual(['eu-west-1a 10.0.10.0/24', 'eu-west-1b 10.0.11.0/24']);
  });

  it('calls a subnet public when its route table reaches an internet gateway', () => {
    // Given the public subnets without their Tier tag
    const { stack } = networkStack();
    for (const subnet of Object.values(stack.resource.aws_subnet)) delete (subnet.tags as Record<string, unknown> | undefined)?.Tier;
    // Then the route to the internet gateway still makes them public
    expect(seen(buildModel({ network: stack.json() }), 'network')).toContain('public subnets | ×2');
  });

  it('draws the NAT gateways as one node with their zones', () => {
    expect(node(model, 'network', '×1', 'NAT gateway').details).toEqual(['eu-west-1a']);
  });

  it('lists the VPC’s gateway endpoints on the VPC', () => {
    expect(node(model, 'network', 'shop-vpc').details).toEqual(['10.0.0.0/16', 'internet gateway', 'endpoints: s3']);
  });
});

describe('seeded tables', () => {
  it('counts seeded items on their table instead of drawing them', () => {
    const model = buildModel(threeServiceApp());
    expect([seen(model, 'data'), node(model, 'data', 'shop-dev-orders').details]).toEqual([['DynamoDB table | shop-dev-orders'], ['key: id', '3 seeded items']]);
  });
});

describe('cross-stack references', () => {
  const model = buildModel(threeServiceApp());

  it('names consumer, producer and output for every remote-state read', () => {
    expect(model.references.map((r) => `${r.producer} → ${r.consumer}: ${r.output}`)).toEqual([
      expect.stringMatching(/^data → service: cross-stack-output-aws_dynamodb_tableorders_table_\w+name$/),
      expect.stringMatching(/^network → service: cross-stack-output-aws_subnetvpc_private-eu-west-1a_\w+id$/),
      expect.stringMatching(/^network → service: cross-stack-output-aws_subnetvpc_private-eu-west-1b_\w+id$/),
      expect.stringMatching(/^network → service: cross-stack-output-aws_subnetvpc_public-eu-west-1a_\w+id$/),
      expect.stringMatching(/^network → service: cross-stack-output-aws_subnetvpc_public-eu-west-1b_\w+id$/),
      expect.stringMatching(/^network → service: cross-stack-output-aws_vpcvpc_\w+id$/),
    ]);
  });

  it('labels an output by the named output of the same value, else by the construct path it holds', () => {
    expect(model.references.map((r) => r.label)).toEqual([
      'orders_table_name',
      'vpc/private-eu-west-1a.id',
      'vpc/private-eu-west-1b.id',
      'vpc/public-eu-west-1a.id',
      'vpc/public-eu-west-1b.id',
      'vpc_id',
    ]);
  });

  it('starts each reference at the producer node that holds the value', () => {
    expect(model.references.map((r) => r.producerNode)).toEqual([
      node(model, 'data', 'shop-dev-orders').id,
      node(model, 'network', '×2', 'private subnets').id,
      node(model, 'network', '×2', 'private subnets').id,
      node(model, 'network', '×2', 'public subnets').id,
      node(model, 'network', '×2', 'public subnets').id,
      node(model, 'network', 'shop-vpc').id,
    ]);
  });

  it('finds the producer by its state file when the remote-state block has another name', () => {
    // Given a consumer whose block is named after the state file, not after cdktf's convention
    const producer = new FixtureStack('network');
    const vpc = producer.add('aws_vpc', 'vpc', { cidr_block: '10.0.0.0/16' });
    producer.output.vpc_id = { value: ref(vpc, 'id') };
    const consumer = new FixtureStack('service');
    consumer.addRemoteState('shared', { bucket: 'state', key: 'team/dev/network.tfstate' });
    consumer.add('aws_security_group', 'sg', { vpc_id: '${data.terraform_remote_state.shared.outputs.vpc_id}' });
    // When the model is built
    const [reference] = buildModel({ network: producer.json(), service: consumer.json() }).references;
    // Then the read is attributed to the network stack
    expect(reference).toMatchObject({ consumer: 'service', producer: 'network', external: false, output: 'vpc_id' });
  });

  it('keeps a read of state outside the app as an external reference', () => {
    const consumer = new FixtureStack('service');
    consumer.addRemoteState('platform', { bucket: 'state', key: 'platform/vpc.tfstate' });
    consumer.add('aws_security_group', 'sg', { vpc_id: '${data.terraform_remote_state.platform.outputs.vpc_id}' });
    expect(buildModel({ service: consumer.json() }).references).toEqual([{ consumer: 'service', producer: 'platform', external: true, output: 'vpc_id', label: 'vpc_id' }]);
  });

  it('refuses a read of an output that the producer does not write, naming both files and the fix', () => {
    // Given a consumer synthesized against an older network stack
    const producer = new FixtureStack('network');
    const consumer = new FixtureStack('service');
    const { token } = crossStack(producer, consumer, 'aws_vpc.vpc', 'id');
    consumer.add('aws_security_group', 'sg', { vpc_id: token });
    delete producer.output['cross-stack-output-aws_vpcvpcid'];
    producer.output.vpc_id = { value: '${aws_vpc.vpc.id}' };
    // Then the model says which read is dangling
    expect(() => buildModel({ network: producer.json(), service: consumer.json() })).toThrow(
      'stacks/service/cdk.tf.json reads output "cross-stack-output-aws_vpcvpcid" of stack network (data.terraform_remote_state.cross-stack-reference-input-network), ' +
        'but stacks/network/cdk.tf.json writes only vpc_id; synthesize all stacks together (npx cdktf synth)',
    );
  });
});

describe('services behind an external and an internal ALB (three services)', () => {
  const model = buildModel(threeServiceApp());
  const service = (name: string) => node(model, 'service', `shop-dev-${name}`, 'ECS service').id;
  const lb = (name: string) => node(model, 'service', name).id;
  const routesOf = (name: string) =>
    model.routes
      .filter((r) => r.service === service(name))
      .map((r) => ({ lb: r.loadBalancer, listener: `${r.listenerProtocol} :${r.listenerPort}`, conditions: r.conditions, target: `${r.container} :${r.targetPort}` }));

  it('follows each of order’s target groups through its listener rule to both load balancers', () => {
    expect(routesOf('order')).toEqual([
      { lb: lb('shop-dev-ext'), listener: 'HTTPS :443', conditions: ['host order.shop.example'], target: 'order :8080' },
      { lb: lb('shop-dev-int'), listener: 'HTTP :80', conditions: ['path /orders/*'], target: 'order :8080' },
    ]);
  });

  it('follows a listener’s default action to the internal-only services', () => {
    expect([routesOf('customer'), routesOf('product')]).toEqual([
      [{ lb: lb('shop-dev-int'), listener: 'HTTP :8080', conditions: [], target: 'customer :8080' }],
      [{ lb: lb('shop-dev-int'), listener: 'HTTP :9090', conditions: [], target: 'product :8080' }],
    ]);
  });

  it('tells an internal from an internet-facing load balancer and lists its listeners', () => {
    expect([node(model, 'service', 'shop-dev-ext').details, node(model, 'service', 'shop-dev-int').details]).toEqual([
      ['internet-facing', 'HTTP :80 → redirect HTTPS :443', 'HTTPS :443 (default 404)'],
      ['internal', 'HTTP :80 (default 404)', 'HTTP :8080', 'HTTP :9090'],
    ]);
  });

  it('draws the services inside their shared cluster', () => {
    const cluster = node(model, 'service', 'shop-dev', 'ECS cluster').id;
    expect(['order', 'customer', 'product'].map((name) => node(model, 'service', `shop-dev-${name}`, 'ECS service').parent)).toEqual([cluster, cluster, cluster]);
  });

  it('links the private zone to each load balancer by its alias record', () => {
    const zone = node(model, 'service', 'shop.internal').id;
    expect(model.links.filter((l) => l.kind === 'alias')).toEqual([
      { from: zone, to: lb('shop-dev-ext'), kind: 'alias', label: 'external.shop.internal' },
      { from: zone, to: lb('shop-dev-int'), kind: 'alias', label: 'internal.shop.internal' },
    ]);
  });

  it('shows that order calls the internal load balancer through the alias in its environment', () => {
    expect(model.links.filter((l) => l.from === service('order'))).toEqual([{ from: service('order'), to: lb('shop-dev-int'), kind: 'uses', label: 'calls' }]);
  });

  it('takes the project and environment from the default tags', () => {
    expect(model.title).toBe('shop · dev');
  });
});

describe('WordPress: EFS and Aurora', () => {
  const model = buildModel(wordpressApp());
  const wordpress = node(model, 'wordpress', 'wordpress-dev', 'ECS service');

  it('draws the file system with its encryption, mount targets and access points counted', () => {
    expect(node(model, 'wordpress', 'wordpress-dev-files').details).toEqual(['encrypted', '2 mount targets', '1 access point']);
  });

  it('draws the Aurora cluster with its engine, serverless capacity and instances', () => {
    expect(node(model, 'wordpress', 'wordpress-dev', 'Aurora cluster').details).toEqual(['aurora-mysql 8.0.mysql_aurora.3.08.0', 'serverless v2: 0.5–2 ACU', '1 instance']);
  });

  it('shows what the task uses: its volume, its database secret and both images', () => {
    expect(model.links.filter((l) => l.from === wordpress.id).map((l) => `${l.label} → ${l.to.split('/')[1]}`)).toEqual([
      expect.stringMatching(/^image → aws_ecr_repository\.nginx_repository_/),
      expect.stringMatching(/^image → aws_ecr_repository\.php_repository_/),
      expect.stringMatching(/^volume → aws_efs_file_system\.files_file-system_/),
      expect.stringMatching(/^database → aws_rds_cluster\.database_cluster_/),
    ]);
  });

  it('lists both containers with their ports on the service', () => {
    expect(wordpress.details).toEqual(['1 task × 1 vCPU / 2048 MiB', 'FARGATE', 'containers: nginx :80, php :9000']);
  });

  it('routes the load balancer to nginx’s port', () => {
    expect(model.routes.map((r) => `${r.listenerProtocol} :${r.listenerPort} → ${r.container} :${r.targetPort}`)).toEqual(['HTTP :80 → nginx :80']);
  });

  it('reads the VPC and subnets from the network stack', () => {
    expect([...new Set(model.references.map((r) => `${r.producer} → ${r.consumer}`))]).toEqual(['network → wordpress']);
  });
});

describe('stable output', () => {
  it('gives the same model whatever order the stacks are read in', () => {
    const app = threeServiceApp();
    const reversed = Object.fromEntries(Object.entries(app).reverse());
    expect(JSON.stringify(buildModel(reversed))).toBe(JSON.stringify(buildModel(app)));
  });
});
