/** Security group rules: no open ingress beyond the load balancer listeners, every rule described. */
import type { Rule, Violation } from '../types';
import { blocks, type TfDocument, type TfElement } from '../../lib/tf-json';
import { numberOf, strings, text } from './attributes';
import { LB, LISTENER } from './load-balancer';

const SG = 'aws_security_group';
const SG_RULE = 'aws_security_group_rule';
const INGRESS_RULE = 'aws_vpc_security_group_ingress_rule';
const EGRESS_RULE = 'aws_vpc_security_group_egress_rule';
const OPEN_CIDRS = new Set(['0.0.0.0/0', '::/0']);

/** One ingress permission, wherever it is declared. */
interface Ingress {
  /** Where the finding is reported: the rule resource, or the group for inline blocks. */
  readonly element: TfElement;
  /** The group the permission belongs to, if it is in this stack. */
  readonly group?: TfElement;
  readonly protocol: string;
  readonly fromPort?: number;
  readonly toPort?: number;
  readonly cidrs: string[];
}

function ingressPermissions(doc: TfDocument): Ingress[] {
  const inline = doc.resources(SG).flatMap((group) =>
    blocks(group.props.ingress).map((b) => ({
      element: group,
      group,
      protocol: String(b.protocol ?? ''),
      fromPort: numberOf(b.from_port),
      toPort: numberOf(b.to_port),
      cidrs: [...strings(b.cidr_blocks), ...strings(b.ipv6_cidr_blocks)],
    })),
  );
  const legacy = doc
    .resources(SG_RULE)
    .filter((r) => r.props.type === 'ingress')
    .map((r) => ({
      element: r,
      group: doc.referenced(r.props.security_group_id),
      protocol: String(r.props.protocol ?? ''),
      fromPort: numberOf(r.props.from_port),
      toPort: numberOf(r.props.to_port),
      cidrs: [...strings(r.props.cidr_blocks), ...strings(r.props.ipv6_cidr_blocks)],
    }));
  const modern = doc.resources(INGRESS_RULE).map((r) => ({
    element: r,
    group: doc.referenced(r.props.security_group_id),
    protocol: String(r.props.ip_protocol ?? ''),
    fromPort: numberOf(r.props.from_port),
    toPort: numberOf(r.props.to_port),
    cidrs: [...strings(r.props.cidr_ipv4), ...strings(r.props.cidr_ipv6)],
  }));
  return [...inline, ...legacy, ...modern];
}

/** Group address → the listener ports of the load balancers that use the group. */
function listenerPortsByGroup(doc: TfDocument): Map<string, Set<number>> {
  const portsByLb = new Map<string, Set<number>>();
  for (const listener of doc.resources(...LISTENER)) {
    const lb = doc.referenced(listener.props.load_balancer_arn);
    const port = numberOf(listener.props.port);
    if (!lb || port === undefined) continue;
    portsByLb.set(lb.address, (portsByLb.get(lb.address) ?? new Set()).add(port));
  }
  const byGroup = new Map<string, Set<number>>();
  for (const lb of doc.resources(...LB)) {
    for (const ref of strings(lb.props.security_groups)) {
      const group = doc.referenced(ref);
      if (!group) continue;
      const ports = byGroup.get(group.address) ?? new Set<number>();
      for (const port of portsByLb.get(lb.address) ?? []) ports.add(port);
      byGroup.set(group.address, ports);
    }
  }
  return byGroup;
}

function describePorts(p: Ingress): string {
  if (p.protocol === '-1' || p.protocol === 'all') return 'all traffic';
  return p.fromPort === p.toPort ? `${p.protocol} port ${p.fromPort}` : `${p.protocol} ports ${p.fromPort}-${p.toPort}`;
}

/** The description problems of every rule of every group, inline or standalone. */
function undescribedRules(doc: TfDocument): Violation[] {
  const inline = doc.resources(SG).flatMap((group) => {
    const problems: Violation[] = [];
    const description = text(group.props.description);
    if (!description || description === 'Managed by Terraform') problems.push({ element: group, message: 'the group has no description of its own' });
    for (const direction of ['ingress', 'egress'] as const) {
      blocks(group.props[direction]).forEach((b, i) => {
        if (!text(b.description)) problems.push({ element: group, message: `inline ${direction} rule #${i + 1} has no description` });
      });
    }
    return problems;
  });
  const standalone = doc
    .resources(SG_RULE, INGRESS_RULE, EGRESS_RULE)
    .filter((r) => !text(r.props.description))
    .map((element) => ({ element, message: 'the rule has no description' }));
  return [...inline, ...standalone];
}

/** The security group rules. */
export const securityGroupRules: readonly Rule[] = [
  {
    id: 'SG001',
    mirrors: 'checkov CKV_AWS_24, CKV_AWS_25, CKV_AWS_260; tfsec aws-ec2-no-public-ingress-sgr',
    title: "No ingress from 0.0.0.0/0 or ::/0, except to a load balancer's group on its listener ports",
    fix: 'allow the source security group (or a narrower CIDR) instead; only a load balancer group may be open, on its listener ports',
    resourceTypes: [SG, SG_RULE, INGRESS_RULE, ...LB, ...LISTENER],
    check(doc) {
      const listenerPorts = listenerPortsByGroup(doc);
      return ingressPermissions(doc)
        .filter((p) => p.cidrs.some((c) => OPEN_CIDRS.has(c)))
        .filter((p) => {
          const ports = p.group ? listenerPorts.get(p.group.address) : undefined;
          const tcp = p.protocol === 'tcp' || p.protocol === '6';
          if (!ports || !tcp || p.fromPort === undefined || p.toPort === undefined) return true;
          for (let port = p.fromPort; port <= p.toPort; port++) if (!ports.has(port)) return true;
          return false;
        })
        .map((p) => ({ element: p.element, message: `${describePorts(p)} open to the internet (${p.cidrs.filter((c) => OPEN_CIDRS.has(c)).join(', ')})` }));
    },
  },
  {
    id: 'SG002',
    mirrors: 'checkov CKV_AWS_23',
    title: 'Every security group and every rule has a description',
    fix: 'give the group and each ingress/egress rule a description saying who talks to whom and why',
    resourceTypes: [SG, SG_RULE, INGRESS_RULE, EGRESS_RULE],
    check: undescribedRules,
  },
  {
    id: 'SG003',
    mirrors: 'own',
    title: "An internal load balancer's group admits no client from 0.0.0.0/0 or ::/0",
    fix: 'let clients in by their security group (FargateService.allowTo) or a private CIDR; an internal load balancer has no internet clients',
    resourceTypes: [SG, SG_RULE, INGRESS_RULE, ...LB],
    check(doc) {
      const internalGroups = new Set(
        doc
          .resources(...LB)
          .filter((lb) => lb.props.internal === true || lb.props.internal === 'true')
          .flatMap((lb) => strings(lb.props.security_groups).map((ref) => doc.referenced(ref)?.address)),
      );
      return ingressPermissions(doc)
        .filter((p) => p.group !== undefined && internalGroups.has(p.group.address) && p.cidrs.some((c) => OPEN_CIDRS.has(c)))
        .map((p) => ({ element: p.element, message: `${describePorts(p)} of an internal load balancer open to ${p.cidrs.filter((c) => OPEN_CIDRS.has(c)).join(', ')}` }));
    },
  },
  {
    id: 'SG004',
    mirrors: 'checkov CKV_AWS_382',
    title: 'Egress to 0.0.0.0/0 or ::/0 is TCP 443 only',
    fix: 'open egress to the internet only on tcp/443 (AWS APIs behind NAT); reach anything else by its security group or a narrower CIDR',
    resourceTypes: [SG, SG_RULE, EGRESS_RULE],
    check(doc) {
      const inline = doc.resources(SG).flatMap((group) =>
        blocks(group.props.egress).map((b) => ({
          element: group,
          protocol: String(b.protocol ?? ''),
          from: numberOf(b.from_port),
          to: numberOf(b.to_port),
          cidrs: [...strings(b.cidr_blocks), ...strings(b.ipv6_cidr_blocks)],
        })),
      );
      const legacy = doc
        .resources(SG_RULE)
        .filter((r) => r.props.type === 'egress')
        .map((r) => ({
          element: r,
          protocol: String(r.props.protocol ?? ''),
          from: numberOf(r.props.from_port),
          to: numberOf(r.props.to_port),
          cidrs: [...strings(r.props.cidr_blocks), ...strings(r.props.ipv6_cidr_blocks)],
        }));
      const modern = doc.resources(EGRESS_RULE).map((r) => ({
        element: r,
        protocol: String(r.props.ip_protocol ?? ''),
        from: numberOf(r.props.from_port),
        to: numberOf(r.props.to_port),
        cidrs: [...strings(r.props.cidr_ipv4), ...strings(r.props.cidr_ipv6)],
      }));
      return [...inline, ...legacy, ...modern]
        .filter((p) => p.cidrs.some((c) => OPEN_CIDRS.has(c)))
        .filter((p) => !((p.protocol === 'tcp' || p.protocol === '6') && p.from === 443 && p.to === 443))
        .map((p) => ({ element: p.element, message: `egress ${p.protocol === '-1' ? 'on every protocol' : `${p.protocol} ${p.from}-${p.to}`} to the internet` }));
    },
  },
];
