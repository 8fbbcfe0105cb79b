/** An application load balancer with its security group, listeners and the target group of one service. */
import { Construct } from 'constructs';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { parseCidr } from './cidr';

/** How the target group decides that a task is healthy. */
export interface TargetHealthCheck {
  /** @default '/health' */
  readonly path?: string;
  /** HTTP codes that count as healthy, e.g. `200`, `200,401` or `200-299`. @default '200' */
  readonly successCodes?: string;
  /** @default 10 */
  readonly intervalSeconds?: number;
  /** @default 5 */
  readonly timeoutSeconds?: number;
  /** Consecutive passes before a new task takes traffic. @default 2 */
  readonly healthyThreshold?: number;
  /** @default 3 */
  readonly unhealthyThreshold?: number;
}

/** Props of {@link LoadBalancer}. */
export interface LoadBalancerProps {
  /** Name of the load balancer, its target group and security group; at most 32 characters. */
  readonly name: string;
  readonly vpcId: string;
  /** Subnets in at least two zones: public ones for an internet-facing ALB. */
  readonly subnetIds: readonly string[];
  /**
   * Reachable only from inside the VPC.
   * @default false - internet-facing
   */
  readonly internal?: boolean;
  /**
   * Client networks allowed to reach the listener ports.
   * @default ['0.0.0.0/0']
   */
  readonly ingressCidrs?: readonly string[];
  /**
   * ACM certificate: port 443 serves HTTPS and port 80 redirects to it.
   * @default - HTTP on port 80 only
   */
  readonly certificateArn?: string;
  /** @default 'ELBSecurityPolicy-TLS13-1-2-2021-06' (TLS 1.2 and 1.3) */
  readonly sslPolicy?: string;
  /**
   * AWS refuses to delete the load balancer while this is on.
   * @default false
   */
  readonly deletionProtection?: boolean;
  /** Port the targets listen on. */
  readonly targetPort: number;
  /** @default - the defaults of {@link TargetHealthCheck}, tuned so a new task is healthy in about 20 s */
  readonly healthCheck?: TargetHealthCheck;
  /**
   * Time a draining target keeps serving in-flight requests; the AWS default is 300 s.
   * @default 30
   */
  readonly deregistrationDelaySeconds?: number;
  /** @default 60 */
  readonly idleTimeoutSeconds?: number;
}

/** TLS 1.2+ with forward secrecy; see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html */
export const DEFAULT_SSL_POLICY = 'ELBSecurityPolicy-TLS13-1-2-2021-06';

/** Why a list of ALB health-check success codes is invalid, or undefined if it is fine. */
export function successCodesProblem(codes: string): string | undefined {
  const parts = codes.split(',');
  const valid = parts.every((part) => {
    const match = /^(\d{3})(?:-(\d{3}))?$/.exec(part);
    if (!match) return false;
    const low = Number(match[1]);
    const high = Number(match[2] ?? match[1]);
    return low >= 200 && high <= 499 && low <= high;
  });
  return valid ? undefined : `health-check success codes "${codes}" are invalid; use codes or ranges from 200 to 499, e.g. 200,401 or 200-299`;
}

/** An ALB (drops invalid headers) with HTTP or HTTPS listeners forwarding to an `ip` target group. */
export class LoadBalancer extends Construct {
  readonly arn: string;
  /** `app/<name>/<id>`, for CloudWatch metrics and request-count scaling. */
  readonly arnSuffix: string;
  readonly dnsName: string;
  /** `http://<dns>` or `https://<dns>`. */
  readonly url: string;
  readonly securityGroupId: string;
  readonly targetGroupArn: string;
  readonly targetGroupArnSuffix: string;
  readonly targetPort: number;
  /** Listeners: a service must be created after them, or ECS refuses the target group. */
  readonly listeners: readonly LbListener[];

  constructor(scope: Construct, id: string, props: LoadBalancerProps) {
    super(scope, id);
    const internal = props.internal ?? false;
    const ingressCidrs = props.ingressCidrs ?? ['0.0.0.0/0'];
    const health = {
      path: '/health',
      successCodes: '200',
      intervalSeconds: 10,
      timeoutSeconds: 5,
      healthyThreshold: 2,
      unhealthyThreshold: 3,
      ...props.healthCheck,
    };
    const deregistrationDelaySeconds = props.deregistrationDelaySeconds ?? 30;
    validate(props, ingressCidrs, health, deregistrationDelaySeconds);
    const https = props.certificateArn !== undefined;

    const sg = new SecurityGroup(this, 'sg', {
      name: `${props.name}-alb`,
      description: `Load balancer ${props.name}: listener ports from clients, the target port to tasks`,
      vpcId: props.vpcId,
      tags: { Name: `${props.name}-alb` },
    });
    const ports = https ? [80, 443] : [80];
    for (const port of ports) {
      for (const cidr of ingressCidrs) {
        const ipv6 = cidr.includes(':');
        new VpcSecurityGroupIngressRule(this, `ingress-${port}-${cidr.replace(/[^0-9a-fA-F]+/g, '-')}`, {
          securityGroupId: sg.id,
          description: `${port === 443 ? 'HTTPS' : 'HTTP'} from ${cidr}`,
          ipProtocol: 'tcp',
          fromPort: port,
          toPort: port,
          ...(ipv6 ? { cidrIpv6: cidr } : { cidrIpv4: cidr }),
        });
      }
    }

    const lb = new Lb(this, 'load-balancer', {
      name: props.name,
      loadBalancerType: 'application',
      internal,
      subnets: [...props.subnetIds],
      securityGroups: [sg.id],
      // Requests with malformed headers are dropped instead of reaching the app (request smuggling).
      dropInvalidHeaderFields: true,
      enableDeletionProtection: props.deletionProtection ?? false,
      idleTimeout: props.idleTimeoutSeconds ?? 60,
    });

    const targetGroup = new LbTargetGroup(this, 'targets', {
      name: props.name,
      port: props.targetPort,
      protocol: 'HTTP',
      // Fargate tasks use awsvpc networking: each task is registered by its own IP.
      targetType: 'ip',
      vpcId: props.vpcId,
      deregistrationDelay: String(deregistrationDelaySeconds),
      healthCheck: {
        enabled: true,
        path: health.path,
        matcher: health.successCodes,
        protocol: 'HTTP',
        port: 'traffic-port',
        interval: health.intervalSeconds,
        timeout: health.timeoutSeconds,
        healthyThreshold: health.healthyThreshold,
        unhealthyThreshold: health.unhealthyThreshold,
      },
    });

    const forward = [{ type: 'forward', targetGroupArn: targetGroup.arn }];
    const listeners = https
      ? [
          new LbListener(this, 'https', {
            loadBalancerArn: lb.arn,
            port: 443,
            protocol: 'HTTPS',
            certificateArn: props.certificateArn,
            sslPolicy: props.sslPolicy ?? DEFAULT_SSL_POLICY,
            defaultAction: forward,
          }),
          new LbListener(this, 'http', {
            loadBalancerArn: lb.arn,
            port: 80,
            protocol: 'HTTP',
            defaultAction: [{ type: 'redirect', redirect: { port: '443', protocol: 'HTTPS', statusCode: 'HTTP_301' } }],
          }),
        ]
      : [new LbListener(this, 'http', { loadBalancerArn: lb.arn, port: 80, protocol: 'HTTP', defaultAction: forward })];

    this.arn = lb.arn;
    this.arnSuffix = lb.arnSuffix;
    this.dnsName = lb.dnsName;
    this.url = `${https ? 'https' : 'http'}://${lb.dnsName}`;
    this.securityGroupId = sg.id;
    this.targetGroupArn = targetGroup.arn;
    this.targetGroupArnSuffix = targetGroup.arnSuffix;
    this.targetPort = props.targetPort;
    this.listeners = listeners;
  }
}

function validate(
  props: LoadBalancerProps,
  ingressCidrs: readonly string[],
  health: Required<TargetHealthCheck>,
  deregistrationDelaySeconds: number,
): void {
  const fail = (message: string) => {
    throw new Error(`LoadBalancer: ${message}`);
  };
  if (props.name.length > 32) fail(`name "${props.name}" has ${props.name.length} characters; ALB names take at most 32`);
  if (props.subnetIds.length < 2) fail(`subnetIds lists ${props.subnetIds.length} subnet(s); an ALB needs subnets in at least two zones`);
  if (ingressCidrs.length === 0) fail('ingressCidrs is empty; list the client networks, e.g. ["0.0.0.0/0"]');
  for (const cidr of ingressCidrs) {
    if (!cidr.includes(':') && !parseCidr(cidr)) fail(`ingressCidrs: "${cidr}" is not a CIDR block; use one like 203.0.113.0/24`);
  }
  if (props.certificateArn !== undefined && !/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/.+/.test(props.certificateArn)) {
    fail(`certificateArn "${props.certificateArn}" is not an ACM certificate ARN; use arn:aws:acm:<region>:<account>:certificate/<id>`);
  }
  const codes = successCodesProblem(health.successCodes);
  if (codes) fail(`healthCheck.${codes}`);
  if (!health.path.startsWith('/')) fail(`healthCheck.path "${health.path}" must start with "/", e.g. /health`);
  if (health.timeoutSeconds >= health.intervalSeconds) {
    fail(`healthCheck.timeoutSeconds ${health.timeoutSeconds} must be below intervalSeconds ${health.intervalSeconds}`);
  }
  if (health.intervalSeconds < 5 || health.intervalSeconds > 300) fail(`healthCheck.intervalSeconds ${health.intervalSeconds} is out of range; use 5 to 300`);
  if (health.timeoutSeconds < 2 || health.timeoutSeconds > 120) fail(`healthCheck.timeoutSeconds ${health.timeoutSeconds} is out of range; use 2 to 120`);
  for (const key of ['healthyThreshold', 'unhealthyThreshold'] as const) {
    if (!Number.isInteger(health[key]) || health[key] < 2 || health[key] > 10) fail(`healthCheck.${key} ${health[key]} is out of range; use 2 to 10`);
  }
  if (!Number.isInteger(deregistrationDelaySeconds) || deregistrationDelaySeconds < 0 || deregistrationDelaySeconds > 3600) {
    fail(`deregistrationDelaySeconds ${deregistrationDelaySeconds} is out of range; use 0 to 3600`);
  }
}
