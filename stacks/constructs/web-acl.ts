/**
 * A regional WAF web ACL for load balancers: AWS managed rule groups (each a rule of its own, so
 * each has its own metrics) and a rate-based rule that blocks a client address sending too many
 * requests. Load balancers join it with `associate`.
 */
import { Construct } from 'constructs';
import { Wafv2WebAcl, type Wafv2WebAclRule } from '@cdktf/provider-aws/lib/wafv2-web-acl';
import { Wafv2WebAclAssociation } from '@cdktf/provider-aws/lib/wafv2-web-acl-association';
import type { LoadBalancer } from './load-balancer';

/** The AWS managed rule groups every internet-facing site gets. https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-list.html */
export const BASELINE_RULE_GROUPS = ['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet', 'AWSManagedRulesAmazonIpReputationList'] as const;
/** The rule groups for a WordPress site: WordPress's own exploits and PHP's. */
export const WORDPRESS_RULE_GROUPS = ['AWSManagedRulesWordPressRuleSet', 'AWSManagedRulesPHPRuleSet'] as const;

/** Props of {@link WebAcl}. */
export interface WebAclProps {
  /** Name of the web ACL and prefix of its metric names: letters, digits, hyphens and underscores. */
  readonly name: string;
  /**
   * AWS managed rule groups, by name, evaluated in this order.
   * @default BASELINE_RULE_GROUPS
   */
  readonly managedRuleGroups?: readonly string[];
  /**
   * Requests one client address may send in any 5 minutes before it is blocked; AWS takes 10 to 2 000 000 000.
   * @default 2000
   */
  readonly rateLimitPer5Minutes?: number;
}

/** A REGIONAL web ACL with CloudWatch metrics and sampled requests on every rule. */
export class WebAcl extends Construct {
  readonly arn: string;
  /** The `WebACL` dimension of its CloudWatch metrics (`AWS/WAFV2`), and its region's. */
  readonly metricName: string;
  private readonly acl: Wafv2WebAcl;
  private readonly associated = new Set<string>();

  constructor(scope: Construct, id: string, props: WebAclProps) {
    super(scope, id);
    const groups = props.managedRuleGroups ?? BASELINE_RULE_GROUPS;
    const limit = props.rateLimitPer5Minutes ?? 2000;
    const problems: string[] = [];
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(props.name)) problems.push(`name "${props.name}" is not a web ACL name; use up to 128 letters, digits, hyphens and underscores`);
    if (!Number.isInteger(limit) || limit < 10 || limit > 2_000_000_000) problems.push(`rateLimitPer5Minutes ${limit} is out of range; use 10 to 2000000000, e.g. 2000`);
    if (new Set(groups).size !== groups.length) problems.push(`managedRuleGroups lists a group twice (${groups.join(', ')}); list each once`);
    if (problems.length > 0) throw new Error(`WebAcl ${props.name}: ${problems.join('; ')}`);

    const visibility = (metric: string) => ({
      cloudwatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName: `${props.name}-${metric}`,
    });
    const rules: Wafv2WebAclRule[] = groups.map((group, i) => ({
      name: group,
      priority: i + 1,
      // A managed group's own actions (block) apply; `none` overrides nothing.
      overrideAction: { none: {} },
      statement: {
        managed_rule_group_statement: { name: group, vendor_name: 'AWS' },
      },
      visibilityConfig: visibility(group),
    }));
    rules.push({
      name: 'rate-limit',
      // First: a flood is blocked before the managed groups spend capacity on it.
      priority: 0,
      action: { block: {} },
      statement: { rate_based_statement: { limit, aggregate_key_type: 'IP' } },
      visibilityConfig: visibility('rate-limit'),
    });
    this.acl = new Wafv2WebAcl(this, 'acl', {
      name: props.name,
      description: `Managed rules (${groups.join(', ')}) and ${limit} requests per 5 minutes per address`,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      rule: rules,
      visibilityConfig: visibility('all'),
    });
    this.arn = this.acl.arn;
    this.metricName = visibility('all').metricName;
  }

  /** Puts the web ACL in front of a load balancer. */
  associate(loadBalancer: LoadBalancer): void {
    if (this.associated.has(loadBalancer.node.path)) throw new Error(`WebAcl associate: ${loadBalancer.name} is associated already; associate each load balancer once`);
    this.associated.add(loadBalancer.node.path);
    new Wafv2WebAclAssociation(this, `association-${loadBalancer.node.id}`, {
      resourceArn: loadBalancer.arn,
      webAclArn: this.acl.arn,
    });
  }
}
