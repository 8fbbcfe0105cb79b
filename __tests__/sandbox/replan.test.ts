/** driftsOf: a plan read as drifts, the way the sandbox test compares it with EXPECTED_REPLAN_DRIFTS. */
import { driftsOf, type PlanJson } from './replan';

const SYNTH = {
  resource: {
    aws_ecs_service: { app_service_BCE5FF06: { '//': { metadata: { path: 'service/app/service' } } } },
    aws_vpc_security_group_ingress_rule: { app_from_1: { '//': { metadata: { path: 'service/app/from-alb' } } } },
  },
};

function change(type: string, name: string, actions: string[], before: Record<string, unknown>, after: Record<string, unknown>, extra: object = {}) {
  return { address: `${type}.${name}`, type, name, change: { actions, before, after, ...extra } };
}

describe('driftsOf', () => {
  it('names each change by its construct path, with the attributes whose values differ', () => {
    const plan: PlanJson = {
      resource_changes: [
        change(
          'aws_vpc_security_group_ingress_rule',
          'app_from_1',
          ['update'],
          { referenced_security_group_id: '123456789012/sg-1', from_port: 8080 },
          { referenced_security_group_id: 'sg-1', from_port: 8080 },
        ),
      ],
    };
    expect(driftsOf(plan, SYNTH)).toEqual([
      { path: 'app/from-alb', type: 'aws_vpc_security_group_ingress_rule', actions: ['update'], attributes: ['referenced_security_group_id'] },
    ]);
  });

  it('leaves out no-ops', () => {
    const plan: PlanJson = { resource_changes: [change('aws_ecs_service', 'app_service_BCE5FF06', ['no-op'], { a: 1 }, { a: 1 })] };
    expect(driftsOf(plan, SYNTH)).toEqual([]);
  });

  it('treats empty and absent values as equal', () => {
    const plan: PlanJson = {
      resource_changes: [change('aws_ecs_service', 'app_service_BCE5FF06', ['update'], { tags: {}, triggers: [], name: '' }, { tags: null, triggers: null, name: null })],
    };
    expect(driftsOf(plan, SYNTH)[0].attributes).toEqual([]);
  });

  it('counts values known only after apply only when they force the replacement', () => {
    const plan: PlanJson = {
      resource_changes: [
        change(
          'aws_ecs_service',
          'app_service_BCE5FF06',
          ['delete', 'create'],
          { id: 'arn:1', launch_type: 'EC2', capacity_provider_strategy: [], health_check_grace_period_seconds: 0 },
          { health_check_grace_period_seconds: 60 },
          { after_unknown: { id: true, launch_type: true, capacity_provider_strategy: true }, replace_paths: [['capacity_provider_strategy']] },
        ),
      ],
    };
    expect(driftsOf(plan, SYNTH)[0].attributes).toEqual(['capacity_provider_strategy', 'health_check_grace_period_seconds']);
  });

  it('falls back to the Terraform address for a resource without metadata', () => {
    const plan: PlanJson = { resource_changes: [change('aws_lb', 'alb_1', ['update'], { idle_timeout: 60 }, { idle_timeout: 30 })] };
    expect(driftsOf(plan, SYNTH)[0].path).toBe('aws_lb.alb_1');
  });
});
