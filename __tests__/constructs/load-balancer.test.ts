import { TerraformOutput, Testing } from 'cdktf';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbListenerRule } from '@cdktf/provider-aws/lib/lb-listener-rule';
import { type AddTargetsProps, LoadBalancer, type LoadBalancerProps, type LoadBalancerTarget } from '../../stacks/constructs/load-balancer';
import { byPath, parse, ref, resources, type SynthJson } from '../support/synth';
import { certificateArnProblem, ingressCidrProblem, successCodesProblem } from '../../stacks/lib/load-balancer-rules';

const CERT = 'arn:aws:acm:eu-west-1:123456789012:certificate/abc';
const API: AddTargetsProps = { port: 80, targetPort: 8080 };

function synthLb(overrides: Partial<LoadBalancerProps> = {}, targets: [string, AddTargetsProps][] = [['api', API]]): { json: SynthJson; added: LoadBalancerTarget[] } {
  const added: LoadBalancerTarget[] = [];
  const json = parse(
    Testing.synthScope((scope) => {
      const lb = new LoadBalancer(scope, 'alb', { name: 'test-dev', vpcId: 'vpc-1', subnetIds: ['subnet-a', 'subnet-b'], ...overrides });
      for (const [id, props] of targets) added.push(lb.addTargets(id, props));
      added.forEach((t, i) => {
        new TerraformOutput(scope, `url-${i}`, { value: t.url });
        new TerraformOutput(scope, `label-${i}`, { value: t.requestCountLabel });
      });
    }),
  );
  return { json, added };
}
const lbJson = (overrides: Partial<LoadBalancerProps> = {}, targets?: [string, AddTargetsProps][]) => synthLb(overrides, targets).json;

describe('LoadBalancer', () => {
  it('is an internet-facing ALB in the given subnets by default', () => {
    expect(byPath(lbJson(), 'alb/load-balancer').props).toMatchObject({ name: 'test-dev', load_balancer_type: 'application', internal: false, subnets: ['subnet-a', 'subnet-b'] });
  });

  it('can be internal', () => {
    expect(byPath(lbJson({ internal: true }), 'alb/load-balancer').props.internal).toBe(true);
  });

  it('drops invalid header fields', () => {
    expect(byPath(lbJson(), 'alb/load-balancer').props.drop_invalid_header_fields).toBe(true);
  });

  it('has deletion protection only when asked', () => {
    expect([
      byPath(lbJson(), 'alb/load-balancer').props.enable_deletion_protection,
      byPath(lbJson({ deletionProtection: true }), 'alb/load-balancer').props.enable_deletion_protection,
    ]).toEqual([false, true]);
  });

  it('uses its own described security group, named by prefix and replaced create-before-destroy', () => {
    const json = lbJson();
    const sg = byPath(json, 'alb/sg');
    expect(byPath(json, 'alb/load-balancer').props.security_groups).toEqual([ref(sg)]);
    expect(sg.props).toMatchObject({
      vpc_id: 'vpc-1',
      name_prefix: 'test-dev-alb-',
      description: expect.stringContaining('listener ports'),
      lifecycle: { create_before_destroy: true },
    });
  });
});

describe('LoadBalancer security group rules', () => {
  it('allow only the HTTP listener port from anywhere by default', () => {
    const json = lbJson();
    expect(resources(json, 'aws_vpc_security_group_ingress_rule').map((r) => r.props)).toEqual([
      expect.objectContaining({ security_group_id: ref(byPath(json, 'alb/sg')), ip_protocol: 'tcp', from_port: 80, to_port: 80, cidr_ipv4: '0.0.0.0/0' }),
    ]);
  });

  it('allow the listener ports from each configured CIDR, each rule described', () => {
    const json = lbJson({ ingressCidrs: ['203.0.113.0/24', '2001:db8::/32'] }, [['api', { ...API, port: 443, certificateArn: CERT }]]);
    const rules = resources(json, 'aws_vpc_security_group_ingress_rule').map((r) => [r.props.from_port, r.props.cidr_ipv4 ?? r.props.cidr_ipv6, r.props.description]);
    expect(rules).toEqual(
      expect.arrayContaining([
        [80, '203.0.113.0/24', 'HTTP from 203.0.113.0/24'],
        [80, '2001:db8::/32', 'HTTP from 2001:db8::/32'],
        [443, '203.0.113.0/24', 'HTTPS from 203.0.113.0/24'],
        [443, '2001:db8::/32', 'HTTPS from 2001:db8::/32'],
      ]),
    );
    expect(rules).toHaveLength(4);
  });

  it('an internal load balancer admits no CIDR by default (clients are let in by security group)', () => {
    expect(resources(lbJson({ internal: true }), 'aws_vpc_security_group_ingress_rule')).toEqual([]);
  });

  it('open no egress of their own (each service adds the one to its tasks)', () => {
    expect(resources(lbJson(), 'aws_vpc_security_group_egress_rule')).toEqual([]);
    expect(byPath(lbJson(), 'alb/sg').props.egress).toBeUndefined();
  });
});

describe('LoadBalancer target groups', () => {
  it('register tasks by IP on the target port, named by prefix and replaced create-before-destroy', () => {
    expect(byPath(lbJson(), 'alb/api-targets').props).toMatchObject({
      target_type: 'ip',
      port: 8080,
      protocol: 'HTTP',
      vpc_id: 'vpc-1',
      name_prefix: 'api-',
      lifecycle: { create_before_destroy: true },
      tags: { Name: 'test-dev-api' },
    });
  });

  it('health-check /health with fast thresholds so a new task is healthy in about 20 s', () => {
    expect(byPath(lbJson(), 'alb/api-targets').props.health_check).toEqual({
      enabled: true,
      path: '/health',
      matcher: '200',
      protocol: 'HTTP',
      port: 'traffic-port',
      interval: 10,
      timeout: 5,
      healthy_threshold: 2,
      unhealthy_threshold: 3,
    });
  });

  it('take configurable success codes, such as 200,302 for a site that redirects to its login', () => {
    const json = lbJson({}, [['wp', { ...API, healthCheck: { successCodes: '200,302' } }]]);
    expect((byPath(json, 'alb/wp-targets').props.health_check as { matcher: string }).matcher).toBe('200,302');
  });

  it('drain targets for 30 s instead of the 300 s default', () => {
    expect(byPath(lbJson(), 'alb/api-targets').props.deregistration_delay).toBe('30');
  });

  it('expose the label of request-count scaling and the URL of their port', () => {
    const json = lbJson({}, [
      ['api', API],
      ['admin', { port: 8080, targetPort: 8080 }],
    ]);
    const lb = byPath(json, 'alb/load-balancer');
    expect([json.output?.['url-0'].value, json.output?.['url-1'].value, json.output?.['label-0'].value]).toEqual([
      `http://${ref(lb, 'dns_name')}`,
      `http://${ref(lb, 'dns_name')}:8080`,
      `${ref(lb, 'arn_suffix')}/${ref(byPath(json, 'alb/api-targets'), 'arn_suffix')}`,
    ]);
  });
});

describe('LoadBalancer listeners', () => {
  it('one port, one group: the listener forwards everything to it', () => {
    const json = lbJson();
    expect(resources(json, 'aws_lb_listener').map((l) => l.path)).toEqual(['alb/http']);
    expect(byPath(json, 'alb/http').props).toMatchObject({
      load_balancer_arn: ref(byPath(json, 'alb/load-balancer'), 'arn'),
      port: 80,
      protocol: 'HTTP',
      default_action: [{ type: 'forward', target_group_arn: ref(byPath(json, 'alb/api-targets'), 'arn') }],
    });
  });

  it('one listener per port, named by protocol and port', () => {
    const json = lbJson({}, [
      ['api', API],
      ['admin', { port: 8080, targetPort: 8080 }],
    ]);
    expect(
      resources(json, 'aws_lb_listener')
        .map((l) => [l.path, l.props.port])
        .sort(),
    ).toEqual([
      ['alb/http', 80],
      ['alb/http-8080', 8080],
    ]);
  });

  it('with a certificate serves HTTPS with a TLS 1.2+ policy and redirects HTTP on 80 permanently', () => {
    const json = lbJson({}, [['api', { ...API, port: 443, certificateArn: CERT }]]);
    expect(byPath(json, 'alb/https').props).toMatchObject({
      port: 443,
      protocol: 'HTTPS',
      certificate_arn: CERT,
      ssl_policy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      default_action: [{ type: 'forward', target_group_arn: ref(byPath(json, 'alb/api-targets'), 'arn') }],
    });
    expect(byPath(json, 'alb/http').props.default_action).toEqual([{ type: 'redirect', redirect: { port: '443', protocol: 'HTTPS', status_code: 'HTTP_301' } }]);
  });

  it('a port shared by rules answers 404 by default and routes each group by its conditions and priority', () => {
    const json = lbJson({}, [
      ['orders', { ...API, conditions: { pathPatterns: ['/orders/*'] } }],
      ['shop', { ...API, conditions: { hostHeaders: ['shop.example.com'] }, priority: 5 }],
    ]);
    expect(byPath(json, 'alb/http').props.default_action).toEqual([
      { type: 'fixed-response', fixed_response: { content_type: 'text/plain', status_code: '404', message_body: 'Not found' } },
    ]);
    expect([byPath(json, 'alb/orders-rule').props, byPath(json, 'alb/shop-rule').props]).toEqual([
      expect.objectContaining({
        listener_arn: ref(byPath(json, 'alb/http'), 'arn'),
        priority: 100,
        action: [{ type: 'forward', target_group_arn: ref(byPath(json, 'alb/orders-targets'), 'arn') }],
        condition: [{ path_pattern: { values: ['/orders/*'] } }],
      }),
      expect.objectContaining({ priority: 5, condition: [{ host_header: { values: ['shop.example.com'] } }] }),
    ]);
  });

  it('a group behind a rule is routed by the listener and the rule', () => {
    const { added } = synthLb({}, [['orders', { ...API, conditions: { pathPatterns: ['/orders/*'] } }]]);
    expect(added[0].routing.map((r) => [r instanceof LbListener, r instanceof LbListenerRule])).toEqual([
      [true, false],
      [false, true],
    ]);
  });
});

describe('LoadBalancer validation', () => {
  it.each([
    [{ subnetIds: ['subnet-a'] }, 'subnetIds lists 1 subnet(s); an ALB needs subnets in at least two zones'],
    [{ name: 'x'.repeat(33) }, 'ALB names take at most 32'],
    [{ ingressCidrs: ['10.0.0.1/16'] }, 'client CIDR "10.0.0.1/16" is not an IPv4 or IPv6 CIDR block'],
  ] as const)('refuses %j', (overrides, message) => {
    expect(() => lbJson(overrides as Partial<LoadBalancerProps>)).toThrow(message);
  });

  it.each([
    [{ ...API, certificateArn: 'my-cert', port: 443 }, 'certificate ARN "my-cert" is not an ACM certificate ARN'],
    [{ ...API, healthCheck: { successCodes: '200;401' } }, 'health-check success codes "200;401" are invalid'],
    [{ ...API, healthCheck: { path: 'health' } }, 'health-check path "health" must start with "/"'],
    [{ ...API, healthCheck: { intervalSeconds: 5, timeoutSeconds: 5 } }, 'healthCheck.timeoutSeconds 5 must be below intervalSeconds 5'],
    [{ ...API, deregistrationDelaySeconds: 4000 }, 'deregistration delay 4000 s is out of range'],
    [{ ...API, certificateArn: CERT }, 'HTTPS on port 80 leaves no port for the HTTP redirect; use 443'],
    [{ ...API, conditions: {} }, 'conditions names no host and no path'],
  ] as const)('addTargets refuses %j', (props, message) => {
    expect(() => lbJson({}, [['api', props as AddTargetsProps]])).toThrow(`addTargets("api"): ${message}`);
  });

  it('refuses a second group on a port without conditions', () => {
    expect(() =>
      lbJson({}, [
        ['api', API],
        ['web', API],
      ]),
    ).toThrow('port 80 is shared with api; give every group on a shared port conditions (host or path)');
  });

  it('refuses plain HTTP beside HTTPS on one load balancer', () => {
    expect(() =>
      lbJson({}, [
        ['api', { ...API, port: 443, certificateArn: CERT }],
        ['web', { ...API, port: 8080 }],
      ]),
    ).toThrow('with HTTPS, every listener serves HTTPS (port 80 only redirects)');
  });

  it('refuses a group on the redirect port', () => {
    expect(() =>
      lbJson({}, [
        ['api', { ...API, port: 443, certificateArn: CERT }],
        ['web', { ...API, conditions: { pathPatterns: ['/web/*'] } }],
      ]),
    ).toThrow('port 80 redirects HTTP to HTTPS port 443');
  });

  it('refuses two rules with one priority on a port', () => {
    expect(() =>
      lbJson({}, [
        ['a', { ...API, conditions: { pathPatterns: ['/a/*'] }, priority: 7 }],
        ['b', { ...API, conditions: { pathPatterns: ['/b/*'] }, priority: 7 }],
      ]),
    ).toThrow('priority 7 is taken by a on port 80');
  });

  it.each(['200', '200,401', '200-299', '200,302'])('accepts success codes %s', (codes) => {
    expect(successCodesProblem(codes)).toBeUndefined();
  });

  it.each(['0.0.0.0/0', '203.0.113.0/24', '::/0', '2001:db8::/32'])('accepts the client CIDR %s, IPv4 or IPv6', (cidr) => {
    expect(ingressCidrProblem(cidr)).toBeUndefined();
  });

  it('accepts a certificate ARN known only at apply', () => {
    expect(certificateArnProblem('${aws_acm_certificate_validation.v.certificate_arn}')).toBeUndefined();
  });
});
