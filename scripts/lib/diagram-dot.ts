/**
 * Graphviz DOT source of a {@link DiagramModel}: one cluster per stack, left-to-right flow, cross-stack
 * edges labelled with the outputs they carry. Ordering is stable, so the same app gives the same text.
 */
import { compare, type CrossStackReference, type DiagramModel, type DiagramNode, type NodeKind, type ServiceRoute, type StackModel } from './diagram-model';

/** Options of {@link toDot}. */
export interface DotOptions {
  /** Heading of the picture. @default - the model's title (project · environment), else none */
  readonly title?: string;
}

/**
 * Graphviz sizes boxes from built-in metrics of a few named fonts, and a list of families is not one of
 * them; DejaVu Sans is the widest common sans-serif it knows, so text fits wherever the SVG is viewed.
 */
const FONT = 'DejaVu Sans';
/** The families the SVG asks the viewer for: DejaVu Sans where installed, else a narrower sans-serif. */
const FONT_FAMILIES = 'DejaVu Sans,Verdana,Helvetica,Arial,sans-serif';

/** Widens the single font family Graphviz wrote into a list with fallbacks. */
export function withFontFallback(svg: string): string {
  return svg.split(`font-family="${FONT}"`).join(`font-family="${FONT_FAMILIES}"`);
}

/** Shape and colours per kind, after the AWS architecture icon groups (networking, compute, database, ...). */
const STYLES: Record<NodeKind, { readonly shape: string; readonly fill: string; readonly line: string }> = {
  vpc: { shape: 'box', fill: '#f4effe', line: '#8c4fff' },
  subnets: { shape: 'box', fill: '#f4effe', line: '#8c4fff' },
  nat: { shape: 'box', fill: '#f4effe', line: '#8c4fff' },
  loadBalancer: { shape: 'box', fill: '#f4effe', line: '#8c4fff' },
  zone: { shape: 'box', fill: '#f4effe', line: '#8c4fff' },
  cluster: { shape: 'box', fill: '#fff4e8', line: '#ed7100' },
  service: { shape: 'box', fill: '#fff4e8', line: '#ed7100' },
  repository: { shape: 'box3d', fill: '#fff4e8', line: '#ed7100' },
  table: { shape: 'cylinder', fill: '#fcedfc', line: '#c925d1' },
  database: { shape: 'cylinder', fill: '#fcedfc', line: '#c925d1' },
  fileSystem: { shape: 'folder', fill: '#f2f8e6', line: '#7aa116' },
  storage: { shape: 'folder', fill: '#f2f8e6', line: '#7aa116' },
  messaging: { shape: 'box', fill: '#fdedf5', line: '#e7157b' },
  secret: { shape: 'box', fill: '#fdecee', line: '#dd344c' },
};

const CROSS_STACK = '#1a6fb3';

/** Node id prefix of remote state outside the app; no stack node has it, as those are `<stack>/...`. */
export const EXTERNAL_PREFIX = 'remote-state:';

/** A double-quoted DOT string (IDs and plain labels): backslashes and quotes escaped, newlines as `\n`. */
export function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n')}"`;
}

/** Text for a Graphviz HTML-like label. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** `key=value, ...` with every value quoted, except HTML labels (`<...>`). */
function attributes(attrs: Readonly<Record<string, string | undefined>>): string {
  return Object.entries(attrs)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => `${key}=${value.startsWith('<') && value.endsWith('>') ? value : quote(value)}`)
    .join(', ');
}

/** The HTML label of a node: bold title, name, small grey details. */
function nodeLabel(title: string, name: string, details: readonly string[]): string {
  const small = details.map((line) => `<br/><font point-size="9" color="#4a4f57">${escapeHtml(line)}</font>`).join('');
  return `<<b>${escapeHtml(title)}</b>${name ? `<br/>${escapeHtml(name)}` : ''}${small}>`;
}

/** The cluster id of a stack, used by `lhead`/`ltail`. */
export function stackCluster(stack: string): string {
  return `cluster_stack_${stack}`;
}

/** `HTTP :80 path /api/* → app :8080`: listener, rule conditions, container and its port. */
function routeLine(route: ServiceRoute): string {
  const from = [route.listenerProtocol, route.listenerPort !== undefined ? `:${route.listenerPort}` : undefined, ...route.conditions].filter((p) => p !== undefined).join(' ');
  return `${from} → ${route.container ? `${route.container} ` : ''}:${route.targetPort ?? '…'}`;
}

/** A node statement; `extra` lines are appended to its details. */
function nodeStatement(node: DiagramNode, indent: string, extra: readonly string[] = []): string {
  const style = STYLES[node.kind];
  const label = nodeLabel(node.title, node.name, [...node.details, ...extra]);
  return `${indent}${quote(node.id)} [${attributes({ label, shape: style.shape, fillcolor: style.fill, color: style.line, style: style.shape === 'box' ? 'rounded,filled' : 'filled' })}];`;
}

/**
 * The cluster of one stack: an invisible anchor for edges that start or end at the stack as a whole,
 * its nodes, and a nested cluster for each node that holds others (an ECS cluster and its services).
 */
function stackSubgraph(stack: StackModel, extraDetails: ReadonlyMap<string, readonly string[]>): string[] {
  const out = [`  subgraph ${quote(stackCluster(stack.id))} {`];
  out.push(
    `    graph [${attributes({
      label: `<<b>${escapeHtml(stack.id)} stack</b><br/><font point-size="9" color="#59606b">${stack.resourceCount} resources</font>>`,
      labeljust: 'l',
      style: 'rounded,filled',
      fillcolor: '#f8f9fb',
      color: '#8d96a3',
      fontsize: '13',
      margin: '14',
    })}];`,
  );
  out.push(`    ${quote(stack.id)} [${attributes({ shape: 'point', style: 'invis', width: '0.01', height: '0.01', label: '' })}];`);
  const children = new Map<string, DiagramNode[]>();
  for (const node of stack.nodes) if (node.parent) children.set(node.parent, [...(children.get(node.parent) ?? []), node]);
  for (const node of stack.nodes.filter((n) => n.parent === undefined)) {
    const inner = children.get(node.id);
    if (!inner) {
      out.push(nodeStatement(node, '    ', extraDetails.get(node.id)));
      continue;
    }
    const style = STYLES[node.kind];
    out.push(`    subgraph ${quote(`cluster_${node.id}`)} {`);
    out.push(
      `      graph [${attributes({ label: nodeLabel(node.title, node.name, node.details), labeljust: 'l', style: 'rounded,filled,dashed', fillcolor: style.fill, color: style.line, fontsize: '11', margin: '10' })}];`,
    );
    out.push(...inner.map((child) => nodeStatement(child, '      ', extraDetails.get(child.id))), '    }');
  }
  out.push('  }');
  return out;
}

/** One edge per load balancer and service, a line per route. */
function routeEdges(routes: readonly ServiceRoute[]): string[] {
  const byPair = new Map<string, { from: string; to: string; lines: string[]; groups: string[] }>();
  for (const route of routes) {
    if (route.loadBalancer === undefined) continue;
    const key = `${route.loadBalancer}\u0000${route.service}`;
    const entry = byPair.get(key) ?? { from: route.loadBalancer, to: route.service, lines: [], groups: [] };
    entry.lines.push(routeLine(route));
    entry.groups.push(route.targetGroup);
    byPair.set(key, entry);
  }
  return [...byPair.values()].map(
    ({ from, to, lines, groups }) =>
      `  ${quote(from)} -> ${quote(to)} [${attributes({ label: [...new Set(lines)].join('\n'), tooltip: `target groups: ${[...new Set(groups)].sort(compare).join(', ')}`, penwidth: '1.6', color: '#2b2f36' })}];`,
  );
}

/** DNS aliases (dotted) and what services use (dashed). */
function linkEdges(model: DiagramModel): string[] {
  const kinds = new Map(model.stacks.flatMap((s) => s.nodes.map((n) => [n.id, n.kind] as const)));
  return model.links.map((link) => {
    const style = link.kind === 'alias' ? { style: 'dotted', color: '#8c4fff', fontcolor: '#5b2fb8' } : { style: 'dashed', color: '#8d96a3' };
    // A service calling a load balancer runs against the traffic flow; it must not pull the balancer right.
    const constraint = link.kind === 'uses' && kinds.get(link.to) === 'loadBalancer' ? 'false' : undefined;
    return `  ${quote(link.from)} -> ${quote(link.to)} [${attributes({ label: link.label, ...style, constraint })}];`;
  });
}

/**
 * One edge per producer node and consumer stack, ending at the consumer's cluster, labelled with the
 * readable output names; the tooltip lists the outputs' real names.
 */
function referenceEdges(references: readonly CrossStackReference[]): string[] {
  const byPair = new Map<string, { from: string; producer: string; consumer: string; labels: string[]; outputs: string[]; whole: boolean }>();
  for (const ref of references) {
    const from = ref.external ? `${EXTERNAL_PREFIX}${ref.producer}` : (ref.producerNode ?? ref.producer);
    const key = `${from}\u0000${ref.consumer}`;
    const entry = byPair.get(key) ?? { from, producer: ref.producer, consumer: ref.consumer, labels: [], outputs: [], whole: !ref.external && ref.producerNode === undefined };
    entry.labels.push(ref.label);
    entry.outputs.push(ref.output);
    byPair.set(key, entry);
  }
  return [...byPair.values()].map(
    (pair) =>
      `  ${quote(pair.from)} -> ${quote(pair.consumer)} [${attributes({
        label: [...new Set(pair.labels)].sort(compare).join('\n'),
        tooltip: `${pair.consumer} reads from ${pair.producer}:\n${[...new Set(pair.outputs)].sort(compare).join('\n')}`,
        lhead: stackCluster(pair.consumer),
        ltail: pair.whole ? stackCluster(pair.producer) : undefined,
        color: CROSS_STACK,
        fontcolor: CROSS_STACK,
        penwidth: '1.4',
      })}];`,
  );
}

/**
 * Invisible edges from each consumer's anchor to its nodes: the anchor then comes first in the consumer's
 * cluster, and the whole cluster is drawn right of the stacks it reads.
 */
function layoutEdges(model: DiagramModel): string[] {
  const consumers = new Set(model.references.map((r) => r.consumer));
  const parents = new Set(model.stacks.flatMap((s) => s.nodes.flatMap((n) => (n.parent ? [n.parent] : []))));
  return model.stacks
    .filter((stack) => consumers.has(stack.id))
    .flatMap((stack) => stack.nodes.filter((n) => !parents.has(n.id)).map((node) => `  ${quote(stack.id)} -> ${quote(node.id)} [style="invis"];`));
}

/** The DOT source of the app's architecture. */
export function toDot(model: DiagramModel, options: DotOptions = {}): string {
  const title = options.title ?? model.title;
  const out = ['digraph architecture {'];
  out.push(
    `  graph [${attributes({
      rankdir: 'LR',
      compound: 'true',
      newrank: 'true',
      fontname: FONT,
      fontsize: '14',
      labelloc: 't',
      label: title ? `<<b>${escapeHtml(title)}</b>>` : undefined,
      nodesep: '0.3',
      ranksep: '1.2',
      pad: '0.3',
      bgcolor: 'white',
    })}];`,
  );
  out.push(`  node [${attributes({ shape: 'box', style: 'rounded,filled', fontname: FONT, fontsize: '11', margin: '0.18,0.08', penwidth: '1.3' })}];`);
  out.push(`  edge [${attributes({ fontname: FONT, fontsize: '9', color: '#59606b', fontcolor: '#2b2f36', arrowsize: '0.7' })}];`);

  // A target group that hangs on no load balancer of this app is listed on its service.
  const unattached = new Map<string, string[]>();
  for (const route of model.routes.filter((r) => r.loadBalancer === undefined)) {
    unattached.set(route.service, [...(unattached.get(route.service) ?? []), `target group ${route.targetGroup} → :${route.targetPort ?? '…'}`]);
  }
  for (const stack of model.stacks) out.push(...stackSubgraph(stack, unattached));
  const external = [...new Set(model.references.filter((r) => r.external).map((r) => r.producer))].sort(compare);
  for (const block of external) {
    out.push(
      `  ${quote(`${EXTERNAL_PREFIX}${block}`)} [${attributes({ label: nodeLabel('Remote state', block, ['outside this app']), shape: 'note', style: 'filled', fillcolor: '#f1f2f4', color: '#8d96a3' })}];`,
    );
  }
  out.push(...[...routeEdges(model.routes), ...linkEdges(model), ...referenceEdges(model.references)].sort(compare), ...layoutEdges(model));
  out.push('}');
  return `${out.join('\n')}\n`;
}
