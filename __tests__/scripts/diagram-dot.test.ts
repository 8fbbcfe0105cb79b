/** The DOT source of the model: clusters per stack, labelled edges, escaping, stable order, left-to-right layout. */
import { instance } from '@viz-js/viz';
import { renderSvg } from '../../scripts/diagram';
import { escapeHtml, EXTERNAL_PREFIX, quote, stackCluster, toDot, withFontFallback } from '../../scripts/lib/diagram-dot';
import { buildModel, type DiagramModel } from '../../scripts/lib/diagram-model';
import { FixtureStack, networkStack, threeServiceApp, wordpressApp } from './diagram-fixtures';

/** The DOT edge statements from one node to another. */
function edges(dot: string, from: string, to: string): string[] {
  return dot.split('\n').filter((line) => line.trimStart().startsWith(`${quote(from)} -> ${quote(to)} [`));
}

const threeServices = buildModel(threeServiceApp());

describe('DOT text', () => {
  it('quotes IDs with backslashes, quotes and newlines escaped', () => {
    expect(quote('a\\b "c"\nd')).toBe('"a\\\\b \\"c\\"\\nd"');
  });

  it('escapes HTML label text', () => {
    expect(escapeHtml('<b> & "x"')).toBe('&lt;b&gt; &amp; &quot;x&quot;');
  });

  it('renders names that contain quotes, backslashes and markup', async () => {
    // Given a VPC whose Name tag looks like markup and a DOT string
    const stack = new FixtureStack('net"work');
    stack.add('aws_vpc', 'vpc', { cidr_block: '10.0.0.0/16', tags: { Name: '<b>"odd"</b> \\ & vpc' } });
    // When it is drawn
    const svg = await renderSvg(toDot(buildModel({ 'net"work': stack.json() })));
    // Then Graphviz accepts the source and shows the name as text
    expect(svg).toContain('&lt;b&gt;&quot;odd&quot;&lt;/b&gt; \\ &amp; vpc');
  });

  it('is the same text for the same app', () => {
    expect(toDot(buildModel(threeServiceApp()))).toBe(toDot(threeServices));
  });
});

describe('stacks and cross-stack edges', () => {
  const dot = toDot(threeServices);

  it('draws every stack as a cluster of its own', () => {
    expect(threeServices.stacks.map((s) => dot.includes(`subgraph ${quote(stackCluster(s.id))} {`))).toEqual([true, true, true]);
  });

  it('draws one edge per producer node and consumer, ending at the consumer’s cluster and labelled with the outputs', () => {
    const vpc = threeServices.references.find((r) => r.label === 'vpc_id');
    const [edge] = edges(dot, vpc?.producerNode ?? '', 'service');
    expect(edge).toContain(`label="vpc_id", tooltip="service reads from network:\\n${vpc?.output}", lhead="${stackCluster('service')}"`);
  });

  it('groups the outputs that one producer node gives one consumer into one edge', () => {
    const subnets = threeServices.references.filter((r) => r.label.startsWith('vpc/private'));
    expect(edges(dot, subnets[0].producerNode ?? '', 'service').map((e) => e.match(/label="([^"]*)"/)?.[1])).toEqual(['vpc/private-eu-west-1a.id\\nvpc/private-eu-west-1b.id']);
  });

  it('starts at the producer’s cluster when the value is no drawn resource', () => {
    // Given a producer that exports a security group id, which is not a main resource
    const producer = new FixtureStack('network');
    const sg = producer.add('aws_security_group', 'sg', { name: 'x' });
    producer.output['cross-stack-output-sg'] = { value: `\${${sg}.id}` };
    const consumer = new FixtureStack('service');
    consumer.data.terraform_remote_state = { 'cross-stack-reference-input-network': { backend: 'local', config: { path: 'network.tfstate' } } };
    consumer.add('aws_lb', 'alb', { security_groups: ['${data.terraform_remote_state.cross-stack-reference-input-network.outputs.cross-stack-output-sg}'] });
    // When it is drawn
    const source = toDot(buildModel({ network: producer.json(), service: consumer.json() }));
    // Then the edge leaves the network cluster as a whole
    expect(edges(source, 'network', 'service')[0]).toContain(`ltail="${stackCluster('network')}"`);
  });

  it('draws state outside the app as a node of its own', () => {
    const consumer = new FixtureStack('service');
    consumer.addRemoteState('platform', { bucket: 'b', key: 'platform/vpc.tfstate' });
    consumer.add('aws_lb', 'alb', { subnets: '${data.terraform_remote_state.platform.outputs.public_subnet_ids}' });
    expect(edges(toDot(buildModel({ service: consumer.json() })), `${EXTERNAL_PREFIX}platform`, 'service')).toHaveLength(1);
  });
});

describe('services', () => {
  const dot = toDot(threeServices);
  const id = (name: string, title: string) => threeServices.stacks.flatMap((s) => s.nodes).find((n) => n.name === name && n.title === title)?.id ?? '';

  it('labels each load balancer → service edge with listener, rule and container port', () => {
    const [edge] = edges(dot, id('shop-dev-int', 'Application load balancer'), id('shop-dev-order', 'ECS service'));
    expect(edge).toContain('label="HTTP :80 path /orders/* → order :8080"');
  });

  it('draws the services of a cluster inside the cluster', () => {
    const block = dot.slice(dot.indexOf(`subgraph ${quote(`cluster_${id('shop-dev', 'ECS cluster')}`)}`));
    const inside = block.slice(0, block.indexOf('\n    }'));
    expect(['order', 'customer', 'product'].map((s) => inside.includes(quote(id(`shop-dev-${s}`, 'ECS service'))))).toEqual([true, true, true]);
  });

  it('lists a target group that hangs on no listener on its service', () => {
    // Given a service whose target group no listener forwards to
    const stack = new FixtureStack('service');
    const tg = stack.add('aws_lb_target_group', 'tg', { name: 'orphan', port: 8080 });
    stack.add('aws_ecs_service', 'svc', { name: 'api', load_balancer: [{ container_name: 'app', container_port: 8080, target_group_arn: `\${${tg}.arn}` }] });
    // Then the service's label says so
    expect(toDot(buildModel({ service: stack.json() }))).toContain('target group orphan → :8080');
  });
});

describe('layout', () => {
  /** The left and right edges (x) of each stack cluster in the laid-out graph. */
  async function clusterSpans(model: DiagramModel): Promise<Record<string, { left: number; right: number }>> {
    const viz = await instance();
    const json = viz.renderJSON(toDot(model)) as { objects?: { name: string; bb?: string }[] };
    return Object.fromEntries(
      (json.objects ?? [])
        .filter((o) => o.name.startsWith('cluster_stack_') && o.bb)
        .map((o) => {
          const [left, , right] = (o.bb ?? '').split(',').map(Number);
          return [o.name.replace('cluster_stack_', ''), { left, right }];
        }),
    );
  }

  it('draws a consumer stack right of the stacks it reads', async () => {
    const spans = await clusterSpans(buildModel(wordpressApp()));
    expect(spans.wordpress.left).toBeGreaterThan(spans.network.right);
  });

  it('adds no layout edges to a stack that reads nothing', () => {
    expect(toDot(buildModel({ network: networkStack().stack.json() }))).not.toMatch(/"network" -> /);
  });
});

describe('fonts', () => {
  it('offers the viewer fallbacks for the font Graphviz measured with', () => {
    expect(withFontFallback('<text font-family="DejaVu Sans">x</text>')).toBe('<text font-family="DejaVu Sans,Verdana,Helvetica,Arial,sans-serif">x</text>');
  });
});
