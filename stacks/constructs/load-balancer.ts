/**
 * An application load balancer with its security group and its listeners, one per port; services
 * add target groups to it (`addTargets`), alone on a port or behind host/path rules.
 */
import { type ITerraformDependable, Lazy } from 'cdktf';
import { Construct } from 'constructs';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener, lbListenerDefaultActionToTerraform } from '@cdktf/provider-aws/lib/lb-listener';
import { LbListenerRule } from '@cdktf/provider-aws/lib/lb-listener-rule';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import type { LogBucket } from './log-bucket';
import { certificateArnProblem, deregistrationDelayProblem, healthCheckPathProblem, ingressCidrProblem, portProblem, successCodesProblem } from '../lib/load-balancer-rules';

/** How the target group decides that a task is healthy. */
export interface TargetHealthCheck {
  /** @default '/health' */
  readonly path?: string;
  /** HTTP codes that count as healthy, e.g. `200`, `200,302` or `200-299`. @default '200' */
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
  /** Name of the load balancer and prefix of its security group's name; at most 32 characters. */
  readonly name: string;
  readonly vpcId: string;
  /** Subnets in at least two zones: public ones for an internet-facing ALB, private ones for an internal one. */
  readonly subnetIds: readonly string[];
  /**
   * Reachable only from inside the VPC.
   * @default false - internet-facing
   */
  readonly internal?: boolean;
  /**
   * Client networks allowed to reach every listener port.
   * @default ['0.0.0.0/0'] when internet-facing; [] when internal (clients are let in by security group)
   */
  readonly ingressCidrs?: readonly string[];
  /** @default 'ELBSecurityPolicy-TLS13-1-2-2021-06' (TLS 1.2 and 1.3) */
  readonly sslPolicy?: string;
  /**
   * AWS refuses to delete the load balancer while this is on.
   * @default false
   */
  readonly deletionProtection?: boolean;
  /** @default 60 */
  readonly idleTimeoutSeconds?: number;
  /**
   * Writes an access log of every request to this bucket, below the load balancer's name.
   * @default - no access logs
   */
  readonly accessLogs?: LogBucket;
}

/** Which requests a rule sends to a target group; all given conditions must match. */
export interface TargetConditions {
  /** e.g. `['api.example.com']`. @default - any host */
  readonly hostHeaders?: readonly string[];
  /** e.g. `['/orders/*']`. @default - any path */
  readonly pathPatterns?: readonly string[];
}

/** Props of {@link LoadBalancer.addTargets}. */
export interface AddTargetsProps {
  /** Listener port; the listener is created with the first target group on it. */
  readonly port: number;
  /**
   * ACM certificate: the listener serves HTTPS, and port 80 redirects to it.
   * @default - plain HTTP
   */
  readonly certificateArn?: string;
  /** Port the targets listen on. */
  readonly targetPort: number;
  /** @default - the defaults of {@link TargetHealthCheck}, tuned so a new task is healthy in about 20 s */
  readonly healthCheck?: TargetHealthCheck;
  /**
   * Time a draining target keeps serving in-flight requests; the AWS default is 300 s.
   * @default 30
   */
  readonly deregistrationDelaySeconds?: number;
  /**
   * Needed when several target groups share the port: each gets a listener rule, and requests
   * that match none get a 404.
   * @default - the only target group of its port, the listener's default
   */
  readonly conditions?: TargetConditions;
  /** Order of the rule among the port's rules (lower first), unique per port. @default - 100 + 10 per earlier rule of the port */
  readonly priority?: number;
}

/** A target group added to a load balancer: what a service registers with and scales on. */
export interface LoadBalancerTarget {
  /** The id given to `addTargets`. */
  readonly id: string;
  readonly loadBalancer: LoadBalancer;
  readonly port: number;
  readonly protocol: 'HTTP' | 'HTTPS';
  readonly targetPort: number;
  readonly targetGroupArn: string;
  /** `targetgroup/<tg>/<id>`: the `TargetGroup` dimension of its CloudWatch metrics. */
  readonly targetGroupArnSuffix: string;
  /** `app/<lb>/<id>/targetgroup/<tg>/<id>`: the label of ALB request-count scaling. */
  readonly requestCountLabel: string;
  /** `http://<dns>[:port]` or `https://...`. */
  readonly url: string;
  /** The listener (and rule) that route to the group: ECS refuses a group that no load balancer uses yet. */
  readonly routing: readonly ITerraformDependable[];
}

/** TLS 1.2+ with forward secrecy; see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html */
export const DEFAULT_SSL_POLICY = 'ELBSecurityPolicy-TLS13-1-2-2021-06';

/** One listener and what routes through it. */
interface Listener {
  readonly port: number;
  readonly protocol: 'HTTP' | 'HTTPS';
  readonly certificateArn?: string;
  readonly resource: LbListener;
  readonly targets: { readonly id: string; readonly arn: string; readonly conditions?: TargetConditions; readonly priority?: number }[];
  /** Set on the port-80 listener that sends HTTP to the HTTPS port. */
  readonly redirectTo?: number;
}

/** An ALB (drops invalid headers) whose listeners are created as target groups are added. */
export class LoadBalancer extends Construct {
  readonly name: string;
  readonly arn: string;
  /** `app/<name>/<id>`, for CloudWatch metrics. */
  readonly arnSuffix: string;
  readonly dnsName: string;
  /** The hosted zone of the ALB's DNS name, for Route 53 aliases. */
  readonly zoneId: string;
  readonly securityGroupId: string;
  readonly internal: boolean;

  private readonly vpcId: string;
  private readonly ingressCidrs: readonly string[];
  private readonly sslPolicy: string;
  private readonly listeners = new Map<number, Listener>();

  constructor(scope: Construct, id: string, props: LoadBalancerProps) {
    super(scope, id);
    this.internal = props.internal ?? false;
    this.ingressCidrs = props.ingressCidrs ?? (this.internal ? [] : ['0.0.0.0/0']);
    this.sslPolicy = props.sslPolicy ?? DEFAULT_SSL_POLICY;
    this.vpcId = props.vpcId;
    this.name = props.name;
    const problems: string[] = [];
    if (props.name.length > 32) problems.push(`name "${props.name}" has ${props.name.length} characters; ALB names take at most 32`);
    if (props.subnetIds.length < 2) problems.push(`subnetIds lists ${props.subnetIds.length} subnet(s); an ALB needs subnets in at least two zones`);
    for (const cidr of this.ingressCidrs) {
      const problem = ingressCidrProblem(cidr);
      if (problem) problems.push(`ingressCidrs: ${problem}`);
    }
    if (problems.length > 0) throw new Error(`LoadBalancer ${props.name}: ${problems.join('; ')}`);

    // A name prefix lets a changed group be created before the old one goes (no name clash).
    const sg = new SecurityGroup(this, 'sg', {
      namePrefix: `${props.name}-alb-`,
      description: `Load balancer ${props.name}: listener ports from clients, the target port to tasks`,
      vpcId: props.vpcId,
      tags: { Name: `${props.name}-alb` },
      lifecycle: { createBeforeDestroy: true },
    });
    const lb = new Lb(this, 'load-balancer', {
      name: props.name,
      loadBalancerType: 'application',
      internal: this.internal,
      subnets: [...props.subnetIds],
      securityGroups: [sg.id],
      // Requests with malformed headers are dropped instead of reaching the app (request smuggling).
      dropInvalidHeaderFields: true,
      enableDeletionProtection: props.deletionProtection ?? false,
      idleTimeout: props.idleTimeoutSeconds ?? 60,
      ...(props.accessLogs
        ? {
            accessLogs: { bucket: props.accessLogs.bucketName, prefix: props.name, enabled: true },
            // AWS checks that it may write to the bucket when logging is turned on.
            dependsOn: [props.accessLogs.policy],
          }
        : {}),
    });
    this.arn = lb.arn;
    this.arnSuffix = lb.arnSuffix;
    this.dnsName = lb.dnsName;
    this.zoneId = lb.zoneId;
    this.securityGroupId = sg.id;
  }

  /** The listener ports, ascending. */
  get ports(): number[] {
    return [...this.listeners.keys()].sort((a, b) => a - b);
  }

  /**
   * Adds a target group on a listener port, creating the listener (and, for HTTPS, the port-80
   * redirect) with the first group on it. Several groups on one port each need conditions.
   */
  addTargets(id: string, props: AddTargetsProps): LoadBalancerTarget {
    const fail = (problem: string) => {
      throw new Error(`LoadBalancer ${this.name} addTargets("${id}"): ${problem}`);
    };
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
    const problems = [
      portProblem(props.port),
      portProblem(props.targetPort),
      props.certificateArn !== undefined ? certificateArnProblem(props.certificateArn) : undefined,
      deregistrationDelayProblem(deregistrationDelaySeconds),
      ...targetHealthProblems(health),
      ...this.routingProblems(id, props),
    ].filter((p): p is string => p !== undefined);
    if (problems.length > 0) fail(problems.join('; '));

    const listener = this.listener(props.port, props.certificateArn);
    const targetGroup = new LbTargetGroup(this, `${id}-targets`, {
      // Target group prefixes take at most 6 characters.
      namePrefix: `${id.replace(/[^A-Za-z0-9]/g, '').slice(0, 5)}-`,
      port: props.targetPort,
      protocol: 'HTTP',
      // Fargate tasks use awsvpc networking: each task is registered by its own IP.
      targetType: 'ip',
      vpcId: this.vpcId,
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
      tags: { Name: `${this.name}-${id}` },
      // The replacement registers with the listener before the old group is deleted.
      lifecycle: { createBeforeDestroy: true },
    });
    const routing: ITerraformDependable[] = [listener.resource];
    if (props.conditions) {
      const priority = props.priority ?? 100 + 10 * listener.targets.filter((t) => t.conditions).length;
      routing.push(
        new LbListenerRule(this, `${id}-rule`, {
          listenerArn: listener.resource.arn,
          priority,
          action: [{ type: 'forward', targetGroupArn: targetGroup.arn }],
          condition: [
            ...(props.conditions.hostHeaders ? [{ hostHeader: { values: [...props.conditions.hostHeaders] } }] : []),
            ...(props.conditions.pathPatterns ? [{ pathPattern: { values: [...props.conditions.pathPatterns] } }] : []),
          ],
        }),
      );
      listener.targets.push({ id, arn: targetGroup.arn, conditions: props.conditions, priority });
    } else {
      listener.targets.push({ id, arn: targetGroup.arn });
    }
    const protocol = listener.protocol;
    const defaultPort = protocol === 'HTTPS' ? 443 : 80;
    return {
      id,
      loadBalancer: this,
      port: props.port,
      protocol,
      targetPort: props.targetPort,
      targetGroupArn: targetGroup.arn,
      targetGroupArnSuffix: targetGroup.arnSuffix,
      requestCountLabel: `${this.arnSuffix}/${targetGroup.arnSuffix}`,
      url: `${protocol.toLowerCase()}://${this.dnsName}${props.port === defaultPort ? '' : `:${props.port}`}`,
      routing,
    };
  }

  private routingProblems(id: string, props: AddTargetsProps): string[] {
    const problems: string[] = [];
    const https = props.certificateArn !== undefined;
    const existing = this.listeners.get(props.port);
    if (existing?.redirectTo !== undefined) {
      problems.push(`port ${props.port} redirects HTTP to HTTPS port ${existing.redirectTo}; serve this group on another port`);
    } else if (existing && existing.certificateArn !== props.certificateArn) {
      problems.push(
        `port ${props.port} already serves ${existing.protocol}${existing.certificateArn ? ` with ${existing.certificateArn}` : ''}; every group on a port uses the same protocol and certificate`,
      );
    }
    const protocols = new Set([...this.listeners.values()].filter((l) => l.redirectTo === undefined).map((l) => l.protocol));
    if (protocols.size > 0 && !protocols.has(https ? 'HTTPS' : 'HTTP')) {
      problems.push(
        `the load balancer serves ${[...protocols].join(', ')} and this group ${https ? 'HTTPS' : 'HTTP'}; with HTTPS, every listener serves HTTPS (port 80 only redirects), so give each group a certificate or none`,
      );
    }
    if (https && props.port === 80) problems.push('HTTPS on port 80 leaves no port for the HTTP redirect; use 443');
    if (existing && (!props.conditions || existing.targets.some((t) => !t.conditions))) {
      problems.push(`port ${props.port} is shared with ${existing.targets.map((t) => t.id).join(', ')}; give every group on a shared port conditions (host or path)`);
    }
    if (props.conditions && !props.conditions.hostHeaders?.length && !props.conditions.pathPatterns?.length) {
      problems.push('conditions names no host and no path; give hostHeaders or pathPatterns');
    }
    if (props.priority !== undefined) {
      if (!Number.isInteger(props.priority) || props.priority < 1 || props.priority > 50000) problems.push(`priority ${props.priority} is out of range; use 1 to 50000`);
      const clash = existing?.targets.find((t) => t.priority === props.priority);
      if (clash) problems.push(`priority ${props.priority} is taken by ${clash.id} on port ${props.port}; give each rule its own priority`);
    }
    if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) problems.push('the id may hold only lower-case letters, digits and hyphens');
    return problems;
  }

  /** The listener of a port, created on first use with its client ingress rules. */
  private listener(port: number, certificateArn?: string): Listener {
    const existing = this.listeners.get(port);
    if (existing) return existing;
    const protocol = certificateArn !== undefined ? 'HTTPS' : 'HTTP';
    const listener: Listener = {
      port,
      protocol,
      certificateArn,
      targets: [],
      resource: new LbListener(this, listenerId(protocol, port), {
        loadBalancerArn: this.arn,
        port,
        protocol,
        ...(certificateArn !== undefined ? { certificateArn, sslPolicy: this.sslPolicy } : {}),
        // Decided at synth, when every group of the port is known.
        defaultAction: Lazy.anyValue({ produce: () => [lbListenerDefaultActionToTerraform(defaultAction(listener))] }),
      }),
    };
    this.listeners.set(port, listener);
    this.allowClients(port, protocol);
    if (protocol === 'HTTPS' && !this.listeners.has(80)) {
      const redirect = new LbListener(this, listenerId('HTTP', 80), {
        loadBalancerArn: this.arn,
        port: 80,
        protocol: 'HTTP',
        defaultAction: [{ type: 'redirect', redirect: { port: String(port), protocol: 'HTTPS', statusCode: 'HTTP_301' } }],
      });
      this.listeners.set(80, { port: 80, protocol: 'HTTP', targets: [], resource: redirect, redirectTo: port });
      this.allowClients(80, 'HTTP');
    }
    return listener;
  }

  private allowClients(port: number, protocol: 'HTTP' | 'HTTPS'): void {
    const where = port === (protocol === 'HTTPS' ? 443 : 80) ? protocol : `${protocol} port ${port}`;
    for (const cidr of this.ingressCidrs) {
      const ipv6 = cidr.includes(':');
      new VpcSecurityGroupIngressRule(this, `ingress-${port}-${cidr.replace(/[^0-9a-fA-F]+/g, '-')}`, {
        securityGroupId: this.securityGroupId,
        description: `${where} from ${cidr}`,
        ipProtocol: 'tcp',
        fromPort: port,
        toPort: port,
        ...(ipv6 ? { cidrIpv6: cidr } : { cidrIpv4: cidr }),
      });
    }
  }
}

/** `http` / `https` on the protocol's own port, else `http-8080`: the default ports keep short, stable ids. */
function listenerId(protocol: 'HTTP' | 'HTTPS', port: number): string {
  const name = protocol.toLowerCase();
  return port === (protocol === 'HTTPS' ? 443 : 80) ? name : `${name}-${port}`;
}

/** A port's only group takes every request; a port shared by rules answers what no rule matches with 404. */
function defaultAction(listener: Listener): { type: string; targetGroupArn?: string; fixedResponse?: { contentType: string; statusCode: string; messageBody: string } } {
  const [only] = listener.targets;
  if (listener.targets.length === 1 && !only.conditions) return { type: 'forward', targetGroupArn: only.arn };
  return { type: 'fixed-response', fixedResponse: { contentType: 'text/plain', statusCode: '404', messageBody: 'Not found' } };
}

function targetHealthProblems(health: Required<TargetHealthCheck>): string[] {
  const problems: (string | undefined)[] = [successCodesProblem(health.successCodes), healthCheckPathProblem(health.path)];
  if (health.timeoutSeconds >= health.intervalSeconds) {
    problems.push(`healthCheck.timeoutSeconds ${health.timeoutSeconds} must be below intervalSeconds ${health.intervalSeconds}`);
  }
  if (health.intervalSeconds < 5 || health.intervalSeconds > 300) problems.push(`healthCheck.intervalSeconds ${health.intervalSeconds} is out of range; use 5 to 300`);
  if (health.timeoutSeconds < 2 || health.timeoutSeconds > 120) problems.push(`healthCheck.timeoutSeconds ${health.timeoutSeconds} is out of range; use 2 to 120`);
  for (const key of ['healthyThreshold', 'unhealthyThreshold'] as const) {
    if (!Number.isInteger(health[key]) || health[key] < 2 || health[key] > 10) problems.push(`healthCheck.${key} ${health[key]} is out of range; use 2 to 10`);
  }
  return problems.filter((p): p is string => p !== undefined);
}
