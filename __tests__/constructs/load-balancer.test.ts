import { Testing } from 'cdktf';
import { LoadBalancer, LoadBalancerProps, successCodesProblem } from '../../stacks/constructs/load-balancer';
import { byPath, parse, ref, resources } from '../support/synth';

const CERT = 'arn:aws:acm:eu-west-1:123456789012:certificate/abc';

function synthLb(overrides: Partial<LoadBalancerProps> = {}) {
  return parse(
    Testing.synthScope((scope) => {
      new LoadBalancer(scope, 'alb', { name: 'test-dev', vpcId: 'vpc-1', subnetIds: ['subnet-a', 'subnet-b'], targetPort: 8080, ...overrides });
    }),
  );
}

describe('LoadBalancer', () => {
  it('is an internet-facing ALB in the given subnets by default', () => {
    expect(byPath(synthLb(), 'alb/load-balancer').props).toMatchObject({
      load_balancer_type: 'application',
      internal: false,
      subnets: ['subnet-a', 'subnet-b'],
    });
  });

  it('can be internal', () => {
    expect(byPath(synthLb({ internal: true }), 'alb/load-balancer').props.internal).toBe(true);
  });

  it('drops invalid header fields', () => {
    expect(byPath(synthLb(), 'alb/load-balancer').props.drop_invalid_header_fields).toBe(true);
  });

  it('has deletion protection only when asked', () => {
    expect([
      byPath(synthLb(), 'alb/load-balancer').props.enable_deletion_protection,
      byPath(synthLb({ deletionProtection: true }), 'alb/load-balancer').props.enable_deletion_protection,
    ]).toEqual([false, true]);
  });

  it('uses its own described security group', () => {
    const json = synthLb();
    const sg = byPath(json, 'alb/sg');
    expect(byPath(json, 'alb/load-balancer').props.security_groups).toEqual([ref(sg)]);
    expect(sg.props).toMatchObject({ vpc_id: 'vpc-1', description: expect.stringContaining('listener ports') });
  });
});

describe('LoadBalancer security group rules', () => {
  it('allow only the HTTP listener port from anywhere by default', () => {
    const json = synthLb();
    const rules = resources(json, 'aws_vpc_security_group_ingress_rule').map((r) => r.props);
    expect(rules).toEqual([
      expect.objectContaining({ security_group_id: ref(byPath(json, 'alb/sg')), ip_protocol: 'tcp', from_port: 80, to_port: 80, cidr_ipv4: '0.0.0.0/0' }),
    ]);
  });

  it('allow the listener ports from each configured CIDR, each rule described', () => {
    const json = synthLb({ certificateArn: CERT, ingressCidrs: ['203.0.113.0/24', '198.51.100.0/24'] });
    const rules = resources(json, 'aws_vpc_security_group_ingress_rule').map((r) => [r.props.from_port, r.props.cidr_ipv4, r.props.description]);
    expect(rules).toEqual(
      expect.arrayContaining([
        [80, '203.0.113.0/24', 'HTTP from 203.0.113.0/24'],
        [80, '198.51.100.0/24', 'HTTP from 198.51.100.0/24'],
        [443, '203.0.113.0/24', 'HTTPS from 203.0.113.0/24'],
        [443, '198.51.100.0/24', 'HTTPS from 198.51.100.0/24'],
      ]),
    );
    expect(rules).toHaveLength(4);
  });

  it('open no egress of their own (the service adds the one to its tasks)', () => {
    expect(resources(synthLb(), 'aws_vpc_security_group_egress_rule')).toEqual([]);
    expect(byPath(synthLb(), 'alb/sg').props.egress).toBeUndefined();
  });
});

describe('LoadBalancer target group', () => {
  it('registers tasks by IP on the target port', () => {
    expect(byPath(synthLb(), 'alb/targets').props).toMatchObject({ target_type: 'ip', port: 8080, protocol: 'HTTP', vpc_id: 'vpc-1' });
  });

  it('health-checks /health with fast thresholds so a new task is healthy in about 20 s', () => {
    expect(byPath(synthLb(), 'alb/targets').props.health_check).toEqual({
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

  it('takes configurable success codes, such as 200,401 behind basic auth', () => {
    const json = synthLb({ healthCheck: { successCodes: '200,401' } });
    expect((byPath(json, 'alb/targets').props.health_check as { matcher: string }).matcher).toBe('200,401');
  });

  it('drains targets for 30 s instead of the 300 s default', () => {
    expect(byPath(synthLb(), 'alb/targets').props.deregistration_delay).toBe('30');
  });
});

describe('LoadBalancer listeners', () => {
  it('forwards HTTP on port 80 to the targets by default', () => {
    const json = synthLb();
    expect(resources(json, 'aws_lb_listener').map((l) => l.path)).toEqual(['alb/http']);
    expect(byPath(json, 'alb/http').props).toMatchObject({
      load_balancer_arn: ref(byPath(json, 'alb/load-balancer'), 'arn'),
      port: 80,
      protocol: 'HTTP',
      default_action: [{ type: 'forward', target_group_arn: ref(byPath(json, 'alb/targets'), 'arn') }],
    });
  });

  it('with a certificate serves HTTPS on 443 with a TLS 1.2+ policy', () => {
    const json = synthLb({ certificateArn: CERT });
    expect(byPath(json, 'alb/https').props).toMatchObject({
      port: 443,
      protocol: 'HTTPS',
      certificate_arn: CERT,
      ssl_policy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      default_action: [{ type: 'forward', target_group_arn: ref(byPath(json, 'alb/targets'), 'arn') }],
    });
  });

  it('with a certificate redirects HTTP to HTTPS permanently', () => {
    expect(byPath(synthLb({ certificateArn: CERT }), 'alb/http').props.default_action).toEqual([
      { type: 'redirect', redirect: { port: '443', protocol: 'HTTPS', status_code: 'HTTP_301' } },
    ]);
  });
});

describe('LoadBalancer validation', () => {
  it.each([
    [{ subnetIds: ['subnet-a'] }, 'subnetIds lists 1 subnet(s); an ALB needs subnets in at least two zones'],
    [{ name: 'x'.repeat(33) }, 'ALB names take at most 32'],
    [{ ingressCidrs: ['10.0.0.1/16'] }, 'ingressCidrs: "10.0.0.1/16" is not a CIDR block'],
    [{ certificateArn: 'my-cert' }, 'certificateArn "my-cert" is not an ACM certificate ARN'],
    [{ healthCheck: { successCodes: '200;401' } }, 'health-check success codes "200;401" are invalid'],
    [{ healthCheck: { path: 'health' } }, 'healthCheck.path "health" must start with "/"'],
    [{ healthCheck: { intervalSeconds: 5, timeoutSeconds: 5 } }, 'healthCheck.timeoutSeconds 5 must be below intervalSeconds 5'],
  ] as const)('refuses %j', (overrides, message) => {
    expect(() => synthLb(overrides as Partial<LoadBalancerProps>)).toThrow(message);
  });

  it.each(['200', '200,401', '200-299', '200,302'])('accepts success codes %s', (codes) => {
    expect(successCodesProblem(codes)).toBeUndefined();
  });
});
