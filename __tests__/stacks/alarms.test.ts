/**
 * The alarms of the app as main.ts composes it, with the three-services file in dev: each ECS
 * service rolls back on alarms of its own target groups, every alarm notifies the encrypted topic
 * of the network stack, and the dashboard shows every service, target group, load balancer and
 * table. One synthesized app serves every test; `local` gets none of it.
 */
import * as path from 'node:path';
import { block, blocks, referenceAddress, TfDocument, type TfElement } from '../../stacks/lib/tf-json';
import { loadConfig } from '../../stacks/settings/config';
import { resources, synthStacks, type SynthJson } from '../support/synth';

const ROOT = path.resolve(__dirname, '../..');
const config = loadConfig({ CDKTF_ENV: 'dev', CDKTF_SERVICES_FILE: 'docs/examples/three-services.json' }, ROOT);
let stacks: Record<'network' | 'data' | 'service', SynthJson>;
beforeAll(() => {
  stacks = synthStacks(config);
});

const doc = (json: SynthJson) => new TfDocument(json);
/** The target groups whose metrics an alarm reads, by address. */
function watchedGroups(alarm: TfElement, service: TfDocument): string[] {
  const dims = [block(alarm.props.dimensions) ?? {}, ...blocks(alarm.props.metric_query).map((q) => block(block(q.metric)?.dimensions) ?? {})];
  return dims.flatMap((d) => {
    const group = service.referenced(d.TargetGroup);
    return group ? [group.address] : [];
  });
}

describe('rollback on alarms (three services in dev)', () => {
  it('gives every ECS service alarms with rollback, kept beside the circuit breaker', () => {
    const services = resources(stacks.service, 'aws_ecs_service');
    expect(services.map((s) => s.props.name).sort()).toEqual(config.service.services.map((s) => `bookmarks-dev-${s.name}`).sort());
    for (const service of services) {
      expect(service.props.alarms).toMatchObject({ enable: true, rollback: true });
      expect(service.props.deployment_circuit_breaker).toEqual({ enable: true, rollback: true });
    }
  });

  it("names in each service's rollback alarms exactly its own target groups, a 5xx-rate and a p99 alarm for each", () => {
    const service = doc(stacks.service);
    for (const ecs of service.resources('aws_ecs_service')) {
      const own = blocks(ecs.props.load_balancer).map((lb) => service.referenced(lb.target_group_arn)?.address);
      const alarms = (block(ecs.props.alarms)?.alarm_names as string[]).map((name) => service.referenced(name) as TfElement);
      const watched = alarms.flatMap((a) => watchedGroups(a, service));
      expect({ service: ecs.props.name, groups: [...new Set(watched)].sort() }).toEqual({ service: ecs.props.name, groups: [...own].sort() });
      expect(alarms.map((a) => String(a.props.alarm_name).replace(/^.*-(5xx-rate|p99)$/, '$1')).sort()).toEqual(own.flatMap(() => ['5xx-rate', 'p99']).sort());
    }
  });
});

describe('notifications', () => {
  it('encrypts the topic with its own rotating key', () => {
    const network = doc(stacks.network);
    const [topic] = network.resources('aws_sns_topic');
    expect(topic.props.name).toBe('bookmarks-dev-alarms');
    const key = network.referenced(topic.props.kms_master_key_id);
    expect([key?.type, key?.props.enable_key_rotation]).toEqual(['aws_kms_key', true]);
  });

  it('sends the alarm and OK actions of every alarm of the data and service stacks to the topic, through the network output', () => {
    // cdktf's own output of the topic's ARN, which the other stacks read through remote state.
    const topicOutput = Object.entries(stacks.network.output ?? {}).find(
      ([name, o]) => name.startsWith('cross-stack-output-') && referenceAddress(o.value)?.startsWith('aws_sns_topic.'),
    )?.[0];
    expect(topicOutput).toBeDefined();
    const alarms = [...resources(stacks.data, 'aws_cloudwatch_metric_alarm'), ...resources(stacks.service, 'aws_cloudwatch_metric_alarm')];
    const targets = new Set(alarms.flatMap((a) => [...(a.props.alarm_actions as string[]), ...(a.props.ok_actions as string[])]));
    expect([...targets]).toEqual([expect.stringMatching(new RegExp(`^\\$\\{data\\.terraform_remote_state\\.[\\w-]+\\.outputs\\.${topicOutput}\\}$`))]);
    expect(alarms.filter((a) => (a.props.alarm_actions as string[]).length !== 1 || (a.props.ok_actions as string[]).length !== 1)).toEqual([]);
  });

  it('has 29 alarms: 3 per target group and 3 per service (order has two groups), one per load balancer, two per table', () => {
    // order: 2 × 3 + 3; customer and product: 3 + 3 each; the external and internal load balancers; three tables × 2.
    expect([resources(stacks.service, 'aws_cloudwatch_metric_alarm').length, resources(stacks.data, 'aws_cloudwatch_metric_alarm').length]).toEqual([9 + 6 + 6 + 2, 6]);
  });
});

describe('the dashboard', () => {
  const body = () => {
    const [dashboard] = resources(stacks.service, 'aws_cloudwatch_dashboard');
    return {
      name: dashboard.props.dashboard_name,
      text: String(dashboard.props.dashboard_body),
      json: JSON.parse(String(dashboard.props.dashboard_body)) as { widgets: unknown[] },
    };
  };

  it('is one dashboard named after the environment, whose body is JSON', () => {
    expect(resources(stacks.service, 'aws_cloudwatch_dashboard')).toHaveLength(1);
    expect(body().name).toBe('bookmarks-dev');
    expect(body().json.widgets.length).toBeGreaterThan(20);
  });

  it('graphs every service, target group and load balancer', () => {
    const { text } = body();
    const service = doc(stacks.service);
    for (const s of config.service.services) expect(text).toContain(`"ServiceName","bookmarks-dev-${s.name}"`);
    for (const group of service.resources('aws_lb_target_group')) expect(text).toContain(`\${aws_lb_target_group.${group.logicalId}.arn_suffix}`);
    for (const lb of service.resources('aws_lb')) expect(text).toContain(`"LoadBalancer","\${aws_lb.${lb.logicalId}.arn_suffix}"`);
  });

  it('graphs every table, whose name it reads from the data stack', () => {
    const { text } = body();
    const tableOutputs = Object.entries(stacks.data.output ?? {}).filter(
      ([name, o]) => name.startsWith('cross-stack-output-') && /^\$\{aws_dynamodb_table\.[\w-]+\.name\}$/.test(String(o.value)),
    );
    expect(tableOutputs).toHaveLength(3);
    for (const [name] of tableOutputs) expect(text).toMatch(new RegExp(`"TableName","\\$\\{data\\.terraform_remote_state\\.[\\w-]+\\.outputs\\.${name}\\}"`));
  });
});

describe('the local environment', () => {
  it('has no topic, no alarm and no dashboard', () => {
    const local = synthStacks(loadConfig({ CDKTF_ENV: 'local' }, ROOT));
    const types = Object.values(local).flatMap((json) => resources(json).map((r) => r.type));
    expect(types.filter((t) => /^aws_(sns|kms|cloudwatch_metric_alarm|cloudwatch_dashboard)/.test(t))).toEqual([]);
  });
});
