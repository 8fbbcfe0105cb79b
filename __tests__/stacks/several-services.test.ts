/**
 * The DualAlbFargateService scenarios: the seed's three services (order calls customer and product
 * through the internal load balancer), and the internal-only and external-only variants.
 */
import { Testing } from 'cdktf';
import * as path from 'node:path';
import { buildConfig, type ConfigOverrides, loadConfig } from '../../stacks/settings/config';
import { ServiceStack } from '../../stacks/service-stack';
import type { ServiceSettings } from '../../stacks/settings/service';
import { FAKE_ALARM_TOPIC, FAKE_NETWORK, fakeTables } from '../support/service-fixtures';
import { byPath, parse, ref, resources, type SynthJson } from '../support/synth';

const ROOT = path.resolve(__dirname, '../..');
const EXAMPLE = 'docs/examples/three-services.json';
const THREE = loadConfig({ CDKTF_ENV: 'dev', CDKTF_SERVICES_FILE: EXAMPLE }, ROOT).service.services;

function synth(services: readonly ServiceSettings[], overrides: ConfigOverrides['service'] = {}): SynthJson {
  const config = buildConfig('dev', { service: { services, servicesSource: EXAMPLE, ...overrides } }, ROOT);
  return parse(Testing.synth(new ServiceStack(Testing.app(), 'service', { config, network: FAKE_NETWORK, tables: fakeTables(), alarmTopicArn: FAKE_ALARM_TOPIC }), true));
}
const environmentOf = (json: SynthJson, service: string) =>
  Object.fromEntries(
    (JSON.parse(byPath(json, `services/${service}/task/definition`).props.container_definitions as string)[0].environment as { name: string; value: string }[]).map((v) => [
      v.name,
      v.value,
    ]),
  );
const rulesOf = (json: SynthJson, type: string, group: string) => resources(json, type).filter((r) => r.props.security_group_id === group);

describe('the three-service topology', () => {
  const json = synth(THREE);
  const internalSg = ref(byPath(json, 'internal-alb/sg'));

  it('has one cluster for all three services', () => {
    const clusters = resources(json, 'aws_ecs_service').map((s) => s.props.cluster);
    expect([resources(json, 'aws_ecs_cluster').length, new Set(clusters).size, clusters.length]).toEqual([1, 1, 3]);
  });

  it('has an internet-facing and an internal load balancer, the internal one in the private subnets', () => {
    expect(resources(json, 'aws_lb').map((lb) => [lb.path, lb.props.internal, lb.props.subnets])).toEqual([
      ['alb/load-balancer', false, FAKE_NETWORK.publicSubnetIds],
      ['internal-alb/load-balancer', true, FAKE_NETWORK.privateSubnetIds],
    ]);
  });

  it('serves order externally on 80 and all three internally on 80, 8080 and 9090', () => {
    const listeners = resources(json, 'aws_lb_listener').map((l) => [l.path.split('/')[0], l.props.port]);
    expect(listeners.sort()).toEqual([
      ['alb', 80],
      ['internal-alb', 80],
      ['internal-alb', 8080],
      ['internal-alb', 9090],
    ]);
  });

  it('order receives CUSTOMER_URL and PRODUCT_URL of the internal load balancer name', () => {
    expect(environmentOf(json, 'order')).toEqual({
      CUSTOMER_URL: 'http://internal.dev.bookmarks.internal:8080',
      PRODUCT_URL: 'http://internal.dev.bookmarks.internal:9090',
    });
  });

  it("order's security group reaches exactly ports 8080 and 9090 of the internal load balancer", () => {
    const orderSg = ref(byPath(json, 'services/order/ecs/sg'));
    const toInternal = rulesOf(json, 'aws_vpc_security_group_egress_rule', orderSg).filter((r) => r.props.referenced_security_group_id === internalSg);
    expect(toInternal.map((r) => [r.props.from_port, r.props.to_port]).sort()).toEqual([
      [8080, 8080],
      [9090, 9090],
    ]);
  });

  it('the internal load balancer admits order on exactly those ports, and no CIDR', () => {
    const ingress = rulesOf(json, 'aws_vpc_security_group_ingress_rule', internalSg);
    expect(ingress.map((r) => [r.props.referenced_security_group_id, r.props.from_port, r.props.cidr_ipv4]).sort()).toEqual([
      [ref(byPath(json, 'services/order/ecs/sg')), 8080, undefined],
      [ref(byPath(json, 'services/order/ecs/sg')), 9090, undefined],
    ]);
  });

  it('each load balancer reaches only the container ports of its own services', () => {
    const egress = (lb: string) =>
      rulesOf(json, 'aws_vpc_security_group_egress_rule', ref(byPath(json, `${lb}/sg`))).map((r) => [r.props.referenced_security_group_id, r.props.from_port]);
    const sg = (service: string) => ref(byPath(json, `services/${service}/ecs/sg`));
    expect([egress('alb'), egress('internal-alb').sort()]).toEqual([
      [[sg('order'), 8080]],
      [
        [sg('customer'), 8080],
        [sg('order'), 8080],
        [sg('product'), 8080],
      ].sort(),
    ]);
  });

  it('customer and product take no traffic from the internet-facing load balancer', () => {
    const externalSg = ref(byPath(json, 'alb/sg'));
    const fromExternal = ['customer', 'product'].flatMap((s) =>
      rulesOf(json, 'aws_vpc_security_group_ingress_rule', ref(byPath(json, `services/${s}/ecs/sg`))).filter((r) => r.props.referenced_security_group_id === externalSg),
    );
    expect(fromExternal).toEqual([]);
  });

  it('names both load balancers in a private zone on the VPC', () => {
    const zone = byPath(json, 'zone/hosted-zone');
    expect([
      zone.props.name,
      zone.props.vpc,
      resources(json, 'aws_route53_record')
        .map((r) => [r.props.name, r.props.zone_id])
        .sort(),
    ]).toEqual([
      'dev.bookmarks.internal',
      [{ vpc_id: FAKE_NETWORK.vpcId }],
      [
        ['external.dev.bookmarks.internal', ref(zone, 'zone_id')],
        ['internal.dev.bookmarks.internal', ref(zone, 'zone_id')],
      ],
    ]);
  });

  it('scales order on CPU 50 % and on requests per target of both its target groups; the others not at all', () => {
    expect(
      resources(json, 'aws_appautoscaling_policy')
        .map((p) => [p.path, p.props.name])
        .sort(),
    ).toEqual([
      ['services/order/ecs/scaling/cpu', 'cpu-target-tracking'],
      ['services/order/ecs/scaling/memory', 'memory-target-tracking'],
      ['services/order/ecs/scaling/requests-alb', 'requests-alb-target-tracking'],
      ['services/order/ecs/scaling/requests-internal-alb', 'requests-internal-alb-target-tracking'],
    ]);
  });

  it('runs customer on one on-demand task first, then three Spot tasks per on-demand one', () => {
    expect(byPath(json, 'services/customer/ecs/service').props.capacity_provider_strategy).toEqual([
      { capacity_provider: 'FARGATE', base: 1, weight: 1 },
      { capacity_provider: 'FARGATE_SPOT', base: 0, weight: 3 },
    ]);
  });

  it('turns ECS Exec on for product only', () => {
    expect(['order', 'customer', 'product'].map((s) => byPath(json, `services/${s}/ecs/service`).props.enable_execute_command)).toEqual([false, false, true]);
  });

  it('gives product, the catalog API, the table variables and read access; the nginx services neither', () => {
    expect([environmentOf(json, 'product').CATEGORY_TABLE, environmentOf(json, 'product').LOG_LEVEL, environmentOf(json, 'customer')]).toEqual(['t-category', 'debug', {}]);
    expect(
      resources(json, 'aws_iam_role_policy')
        .filter((p) => String(p.props.policy).includes('dynamodb:'))
        .map((p) => p.path),
    ).toEqual(['services/product/task/task-policy']);
  });

  it('names every target group and security group by prefix, replaced create-before-destroy', () => {
    const named = [...resources(json, 'aws_lb_target_group'), ...resources(json, 'aws_security_group')];
    expect([
      named.length,
      named.filter(
        (r) => r.props.name !== undefined || typeof r.props.name_prefix !== 'string' || !(r.props.lifecycle as { create_before_destroy?: boolean })?.create_before_destroy,
      ),
    ]).toEqual([9, []]);
  });

  it('gives each service roles of its own', () => {
    const roles = resources(json, 'aws_ecs_task_definition').flatMap((t) => [t.props.task_role_arn, t.props.execution_role_arn]);
    expect(new Set(roles).size).toBe(6);
  });
});

describe('variants', () => {
  it('internal only: no internet-facing load balancer, and the zone names only the internal one', () => {
    const json = synth(THREE.map((s) => ({ ...s, external: undefined })));
    expect([resources(json, 'aws_lb').map((lb) => lb.path), resources(json, 'aws_route53_record').map((r) => r.props.name)]).toEqual([
      ['internal-alb/load-balancer'],
      ['internal.dev.bookmarks.internal'],
    ]);
  });

  it('external only: no internal load balancer, no private zone, no URL variables', () => {
    const services = THREE.map((s, i) => ({ ...s, internal: undefined, consumes: [], external: { port: 80 + i } }));
    const json = synth(services);
    expect([resources(json, 'aws_lb').map((lb) => lb.path), resources(json, 'aws_route53_zone'), environmentOf(json, 'order')]).toEqual([['alb/load-balancer'], [], {}]);
  });

  it('a public name puts the external load balancer in the public zone and serves HTTPS with a DNS-validated certificate', () => {
    const json = synth(THREE, { dns: { publicZoneId: 'Z0123456789ABCDEFGHIJ', publicRecordName: 'shop.example.com' } });
    expect([
      byPath(json, 'public-name/record').props.zone_id,
      byPath(json, 'alb/https').props.certificate_arn,
      (byPath(json, 'alb/http').props.default_action as { type: string }[])[0].type,
    ]).toEqual(['Z0123456789ABCDEFGHIJ', ref(byPath(json, 'public-certificate/validated'), 'certificate_arn'), 'redirect']);
  });

  it('a configured private zone name is used for the URLs', () => {
    const json = synth(THREE, { dns: { privateZoneName: 'svc.local' } });
    expect(environmentOf(json, 'order').PRODUCT_URL).toBe('http://internal.svc.local:9090');
  });
});

describe('a pipeline service beside terraform-mode ones', () => {
  const json = synth(THREE.map((s) => (s.name === 'customer' ? { ...s, release: 'pipeline' } : s)));

  it('leaves only the pipeline service’s revision to the pipeline; order keeps its scaling count ignored and nothing more', () => {
    const ignored = (service: string) => (byPath(json, `services/${service}/ecs/service`).props.lifecycle as { ignore_changes?: string[] } | undefined)?.ignore_changes;
    expect(['order', 'customer', 'product'].map(ignored)).toEqual([['desired_count'], ['task_definition'], undefined]);
  });
});
