import { Testing } from 'cdktf';
import { LoadBalancer } from '../../stacks/constructs/load-balancer';
import { BASELINE_RULE_GROUPS, WebAcl, type WebAclProps, WORDPRESS_RULE_GROUPS } from '../../stacks/constructs/web-acl';
import { checkPolicy } from '../../stacks/policy/engine';
import { byPath, parse, ref, type SynthJson } from '../support/synth';

function synthAcl(overrides: Partial<WebAclProps> = {}): SynthJson {
  return parse(
    Testing.synthScope((scope) => {
      const lb = new LoadBalancer(scope, 'alb', {
        name: 'test-prod',
        vpcId: 'vpc-1',
        subnetIds: ['subnet-a', 'subnet-b'],
      });
      new WebAcl(scope, 'waf', { name: 'test-prod', ...overrides }).associate(lb);
    }),
  );
}
type AclRule = {
  name: string;
  priority: number;
  statement: Record<string, Record<string, unknown>>;
};
const rulesOf = (json: SynthJson) => byPath(json, 'waf/acl').props.rule as AclRule[];

describe('WebAcl', () => {
  it('is regional and allows what no rule blocks', () => {
    expect(byPath(synthAcl(), 'waf/acl').props).toMatchObject({
      scope: 'REGIONAL',
      default_action: { allow: {} },
    });
  });

  it('blocks an address above the rate limit before the managed groups run', () => {
    expect(rulesOf(synthAcl({ rateLimitPer5Minutes: 500 })).find((r) => r.priority === 0)?.statement).toEqual({
      rate_based_statement: { limit: 500, aggregate_key_type: 'IP' },
    });
  });

  it('runs the baseline AWS managed groups by default, each a rule of its own', () => {
    expect(rulesOf(synthAcl()).flatMap((r) => (r.statement.managed_rule_group_statement ? [r.statement.managed_rule_group_statement.name] : []))).toEqual([
      ...BASELINE_RULE_GROUPS,
    ]);
  });

  it('takes the WordPress and PHP groups when asked', () => {
    const names = rulesOf(
      synthAcl({
        managedRuleGroups: [...BASELINE_RULE_GROUPS, ...WORDPRESS_RULE_GROUPS],
      }),
    ).map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(['AWSManagedRulesWordPressRuleSet', 'AWSManagedRulesPHPRuleSet']));
  });

  it('protects the load balancer it is associated with', () => {
    const json = synthAcl();
    expect(byPath(json, 'waf/association-alb').props).toEqual(
      expect.objectContaining({
        resource_arn: ref(byPath(json, 'alb/load-balancer'), 'arn'),
        web_acl_arn: ref(byPath(json, 'waf/acl'), 'arn'),
      }),
    );
  });

  it('breaks no WAF rule in prod', () => {
    expect(
      checkPolicy(synthAcl(), {
        stackId: 'test',
        environment: 'prod',
      }).findings.filter((f) => f.ruleId.startsWith('WAF')),
    ).toEqual([]);
  });

  it('refuses a rate limit AWS does not take, naming the prop and an example', () => {
    expect(() => synthAcl({ rateLimitPer5Minutes: 5 })).toThrow(/rateLimitPer5Minutes 5 is out of range; use 10 to 2000000000, e\.g\. 2000/);
  });
});
