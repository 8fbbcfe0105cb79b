/**
 * Security group rules an emulated group holds that the stack's Terraform state does not: what an
 * AuthorizeSecurityGroupIngress/Egress leaves behind when moto stored the rule but its answer was
 * lost, so that the provider's SDK sent the call again and the repeat failed with
 * InvalidPermission.Duplicate (the emulator gap `sg-rule-answer-lost`, scripts/lib/emulator.ts).
 * The sandbox revokes them before it runs the failed deploy once more, which then creates them with
 * state to match.
 *
 * Only groups whose rules the stack manages as standalone rule resources are looked at: there
 * every rule has a resource, so a rule without one is left over. A group with inline rules
 * (`ingress`/`egress` blocks) is never touched.
 */
import type { SecurityGroupRule } from '@aws-sdk/client-ec2';
import type { EmulatorTarget } from './untracked-items';

/** The standalone rule resource types: one resource per rule, each with its rule id in the state. */
export const STANDALONE_RULE_TYPES = ['aws_vpc_security_group_ingress_rule', 'aws_vpc_security_group_egress_rule'] as const;

/** One group whose rules are all standalone resources, and the ids of the rules the state records in it. */
export interface TrackedGroup {
  /** `sg-…` */
  readonly id: string;
  /** Terraform address of the group, for messages. */
  readonly address: string;
  readonly trackedRuleIds: ReadonlySet<string>;
}

interface StateFile {
  resources?: { mode: string; type: string; name: string; module?: string; instances?: { deposed?: string; attributes?: Record<string, unknown> }[] }[];
}

interface ConfigFile {
  resource?: Record<string, Record<string, Record<string, unknown> | undefined> | undefined>;
}

/**
 * The groups of a stack whose rules its configuration (`cdk.tf.json`) declares as standalone rule
 * resources, with their ids from its state (`terraform.tfstate` JSON) and the rule ids that state
 * records. A group the configuration also gives inline rules is left out, and so is a group the
 * state does not hold yet (its rules cannot exist either).
 */
export function trackedGroups(stateJson: string, configJson: string, source = 'the state file'): TrackedGroup[] {
  const state = JSON.parse(stateJson) as StateFile;
  const config = JSON.parse(configJson) as ConfigFile;
  const groupsInConfig = config.resource?.aws_security_group ?? {};
  const referenced = new Set<string>();
  for (const type of STANDALONE_RULE_TYPES) {
    for (const rule of Object.values(config.resource?.[type] ?? {})) {
      const match = /^\$\{aws_security_group\.([^.}]+)\.id\}$/.exec(String(rule?.security_group_id ?? ''));
      if (match && groupsInConfig[match[1]] !== undefined) referenced.add(match[1]);
    }
  }
  const managed = (state.resources ?? []).filter((r) => r.mode === 'managed' && r.module === undefined);
  const ruleIds = new Set(
    managed
      .filter((r) => (STANDALONE_RULE_TYPES as readonly string[]).includes(r.type))
      .flatMap((r) => (r.instances ?? []).map((i) => i.attributes?.security_group_rule_id ?? i.attributes?.id))
      .filter((id): id is string => typeof id === 'string'),
  );
  const groups: TrackedGroup[] = [];
  for (const name of referenced) {
    const inConfig = groupsInConfig[name] ?? {};
    if (inConfig.ingress !== undefined || inConfig.egress !== undefined) continue;
    const resource = managed.find((r) => r.type === 'aws_security_group' && r.name === name);
    if (resource === undefined) continue;
    // A group being replaced (create before destroy) keeps its old object as a deposed instance.
    const current = (resource.instances ?? []).filter((instance) => instance.deposed === undefined);
    if (current.length !== 1) throw new Error(`${source}: aws_security_group.${name} has ${current.length} current instances; expected one`);
    const id = current[0].attributes?.id;
    if (typeof id !== 'string') throw new Error(`${source}: aws_security_group.${name} records no id`);
    groups.push({ id, address: `aws_security_group.${name}`, trackedRuleIds: ruleIds });
  }
  return groups;
}

/** What a rule is, for the log: `sg-… ingress tcp 8080 from sg-…`. */
export function describeRule(rule: SecurityGroupRule): string {
  const ports = rule.FromPort === rule.ToPort ? `${rule.FromPort}` : `${rule.FromPort}-${rule.ToPort}`;
  const peer = rule.ReferencedGroupInfo?.GroupId ?? rule.CidrIpv4 ?? rule.CidrIpv6 ?? rule.PrefixListId ?? 'nothing';
  return `${rule.GroupId} ${rule.IsEgress ? 'egress' : 'ingress'} ${rule.IpProtocol} ${ports} ${rule.IsEgress ? 'to' : 'from'} ${peer} (${rule.SecurityGroupRuleId})`;
}

/**
 * Revokes from each group every rule whose id the state does not track; returns what it revoked,
 * as {@link describeRule} writes it. Groups that do not exist in the emulator are skipped.
 */
export async function removeUntrackedRules(groups: readonly TrackedGroup[], target: EmulatorTarget): Promise<string[]> {
  if (groups.length === 0) return [];
  // Loaded only here: the EC2 client is large, and every sandbox command and test imports this module.
  const { DescribeSecurityGroupRulesCommand, EC2Client, RevokeSecurityGroupEgressCommand, RevokeSecurityGroupIngressCommand } = await import('@aws-sdk/client-ec2');
  const client = new EC2Client({ endpoint: target.endpoint, region: target.region, credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' } });
  const removed: string[] = [];
  try {
    for (const group of groups) {
      const answer = await client.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [group.id] }] }));
      const untracked = (answer.SecurityGroupRules ?? []).filter((rule) => rule.SecurityGroupRuleId !== undefined && !group.trackedRuleIds.has(rule.SecurityGroupRuleId));
      for (const rule of untracked) {
        const ids = { GroupId: group.id, SecurityGroupRuleIds: [rule.SecurityGroupRuleId as string] };
        if (rule.IsEgress) await client.send(new RevokeSecurityGroupEgressCommand(ids));
        else await client.send(new RevokeSecurityGroupIngressCommand(ids));
        removed.push(describeRule(rule));
      }
    }
  } finally {
    client.destroy();
  }
  return removed;
}
