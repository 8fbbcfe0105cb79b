/** WAF rules: internet-facing load balancers in prod sit behind a web ACL that is measured and knows the known-bad inputs. */
import type { TfElement } from '../../lib/tf-json';
import { block, blocks } from '../../lib/tf-json';
import type { Rule } from '../types';
import { inProd, isTrue, perResource } from './attributes';
import { LB } from './load-balancer';

const WEB_ACL = 'aws_wafv2_web_acl';
const ASSOCIATION = 'aws_wafv2_web_acl_association';

const metricsOn = (config: unknown) => isTrue(block(config)?.cloudwatch_metrics_enabled);
/** The managed rule group names of a web ACL's rules. */
const managedGroups = (acl: TfElement) =>
  blocks(acl.props.rule).flatMap((r) => {
    const statement = block(r.statement);
    const group = block(statement?.managed_rule_group_statement);
    return typeof group?.name === 'string' ? [group.name] : [];
  });

/** The WAF rules. */
export const wafRules: readonly Rule[] = [
  perResource({
    id: 'WAF001',
    mirrors: 'checkov CKV2_AWS_28',
    title: 'Internet-facing application load balancers in prod are behind a WAF web ACL',
    fix: 'set CDKTF_ALB_WAF=true (CDKTF_WORDPRESS_WAF=true); WebAcl.associate then adds an aws_wafv2_web_acl_association for the load balancer',
    resourceTypes: LB,
    alsoReads: [ASSOCIATION],
    appliesTo: inProd,
    test: (lb, doc) => {
      if (isTrue(lb.props.internal) || (lb.props.load_balancer_type ?? 'application') !== 'application') return undefined;
      const protectedBy = doc.resources(ASSOCIATION).some((a) => doc.referenced(a.props.resource_arn)?.address === lb.address);
      return protectedBy ? undefined : 'no web ACL: requests reach the targets unfiltered and unlimited';
    },
  }),
  perResource({
    id: 'WAF002',
    mirrors: 'Security Hub WAF.12',
    title: 'Web ACLs and each of their rules send CloudWatch metrics',
    fix: 'set visibilityConfig { cloudwatchMetricsEnabled: true } on the web ACL and on every rule (WebAcl does)',
    resourceTypes: [WEB_ACL],
    test: (acl) => {
      const silent = blocks(acl.props.rule)
        .filter((r) => !metricsOn(r.visibility_config))
        .map((r) => String(r.name));
      if (!metricsOn(acl.props.visibility_config)) silent.unshift('the web ACL');
      return silent.length === 0 ? undefined : `no CloudWatch metrics for ${silent.join(', ')}`;
    },
  }),
  perResource({
    id: 'WAF003',
    mirrors: 'checkov CKV_AWS_192',
    title: 'Web ACLs include the AWS managed known-bad-inputs rules (Log4Shell among them)',
    fix: "add the managed rule group 'AWSManagedRulesKnownBadInputsRuleSet' (WebAcl's BASELINE_RULE_GROUPS)",
    resourceTypes: [WEB_ACL],
    test: (acl) => (managedGroups(acl).includes('AWSManagedRulesKnownBadInputsRuleSet') ? undefined : 'the known-bad-inputs rules are missing'),
  }),
];
