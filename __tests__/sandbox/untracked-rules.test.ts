import { describeRule, trackedGroups } from '../../scripts/lib/untracked-rules';

/** A Terraform state JSON holding the given managed resources (one instance each). */
function state(...resources: { type: string; name: string; attributes: Record<string, unknown>; module?: string }[]): string {
  return JSON.stringify({
    version: 4,
    resources: resources.map((r) => ({ mode: 'managed', type: r.type, name: r.name, ...(r.module ? { module: r.module } : {}), instances: [{ attributes: r.attributes }] })),
  });
}

/** A synthesized configuration with these groups (inline rules when given) and standalone rules on them. */
function config(groups: Record<string, Record<string, unknown>>, rules: { type: string; name: string; group: string }[]): string {
  const resource: Record<string, Record<string, unknown>> = { aws_security_group: groups };
  for (const rule of rules)
    resource[rule.type] = { ...(resource[rule.type] ?? {}), [rule.name]: { security_group_id: `\${aws_security_group.${rule.group}.id}`, ip_protocol: 'tcp' } };
  return JSON.stringify({ resource });
}

describe('trackedGroups', () => {
  it('gives each group with standalone rules the rule ids of the state, and leaves out groups with inline rules or none', () => {
    const groups = trackedGroups(
      state(
        { type: 'aws_security_group', name: 'tasks', attributes: { id: 'sg-tasks' } },
        { type: 'aws_security_group', name: 'alb', attributes: { id: 'sg-alb' } },
        { type: 'aws_security_group', name: 'endpoints', attributes: { id: 'sg-endpoints' } },
        { type: 'aws_security_group', name: 'db', attributes: { id: 'sg-db' } },
        { type: 'aws_vpc_security_group_ingress_rule', name: 'tasks_in', attributes: { id: 'sgr-1', security_group_rule_id: 'sgr-1' } },
        { type: 'aws_vpc_security_group_egress_rule', name: 'alb_out', attributes: { id: 'sgr-2', security_group_rule_id: 'sgr-2' } },
      ),
      config({ tasks: {}, alb: {}, endpoints: { ingress: [{ from_port: 443 }] }, db: {} }, [
        { type: 'aws_vpc_security_group_ingress_rule', name: 'tasks_in', group: 'tasks' },
        { type: 'aws_vpc_security_group_egress_rule', name: 'alb_out', group: 'alb' },
        { type: 'aws_vpc_security_group_ingress_rule', name: 'endpoints_extra', group: 'endpoints' },
      ]),
    );
    expect(groups.map((g) => [g.id, g.address, [...g.trackedRuleIds].sort()])).toEqual([
      ['sg-tasks', 'aws_security_group.tasks', ['sgr-1', 'sgr-2']],
      ['sg-alb', 'aws_security_group.alb', ['sgr-1', 'sgr-2']],
    ]);
  });

  it('leaves out a group the state does not hold yet, and groups of modules', () => {
    const groups = trackedGroups(
      state({ type: 'aws_security_group', name: 'tasks', module: 'module.other', attributes: { id: 'sg-other' } }),
      config({ tasks: {}, later: {} }, [
        { type: 'aws_vpc_security_group_ingress_rule', name: 'a', group: 'tasks' },
        { type: 'aws_vpc_security_group_ingress_rule', name: 'b', group: 'later' },
      ]),
    );
    expect(groups).toEqual([]);
  });

  it('takes the current object of a group being replaced, not the deposed one', () => {
    const stateJson = JSON.stringify({
      version: 4,
      resources: [
        { mode: 'managed', type: 'aws_security_group', name: 'tasks', instances: [{ attributes: { id: 'sg-new' } }, { deposed: '00000001', attributes: { id: 'sg-old' } }] },
      ],
    });
    const groups = trackedGroups(stateJson, config({ tasks: {} }, [{ type: 'aws_vpc_security_group_ingress_rule', name: 'a', group: 'tasks' }]));
    expect(groups.map((g) => g.id)).toEqual(['sg-new']);
  });

  it('names the state when a group it holds has no id', () => {
    expect(() =>
      trackedGroups(
        state({ type: 'aws_security_group', name: 'tasks', attributes: {} }),
        config({ tasks: {} }, [{ type: 'aws_vpc_security_group_ingress_rule', name: 'a', group: 'tasks' }]),
        's3://bucket/service.tfstate',
      ),
    ).toThrow('s3://bucket/service.tfstate: aws_security_group.tasks records no id');
  });
});

describe('describeRule', () => {
  it('says the group, the direction, the ports and the peer of a rule', () => {
    expect([
      describeRule({ GroupId: 'sg-a', IsEgress: false, IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, ReferencedGroupInfo: { GroupId: 'sg-b' }, SecurityGroupRuleId: 'sgr-1' }),
      describeRule({ GroupId: 'sg-a', IsEgress: true, IpProtocol: 'tcp', FromPort: 1024, ToPort: 2048, CidrIpv4: '0.0.0.0/0', SecurityGroupRuleId: 'sgr-2' }),
    ]).toEqual(['sg-a ingress tcp 8080 from sg-b (sgr-1)', 'sg-a egress tcp 1024-2048 to 0.0.0.0/0 (sgr-2)']);
  });
});
