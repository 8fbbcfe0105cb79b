/**
 * The policy rules: pure checks of a stack's synthesized Terraform JSON. Each rule names the
 * checkov / tfsec / AWS Security Hub check it mirrors; docs/security.md lists them all.
 */
import type { PolicyContext, PolicyDocument, Rule, TfAttributes, TfElement, Violation } from './engine';

// ---------------------------------------------------------------------------------------------
// Reading synthesized attributes. Blocks of at most one item synthesize as an object or as a
// one-item list depending on the provider schema, so both shapes are accepted.

function block(value: unknown): TfAttributes | undefined {
  if (Array.isArray(value)) return isObject(value[0]) ? value[0] : undefined;
  return isObject(value) ? value : undefined;
}

function blocks(value: unknown): TfAttributes[] {
  if (Array.isArray(value)) return value.filter(isObject);
  return isObject(value) ? [value] : [];
}

function isObject(value: unknown): value is TfAttributes {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}

function strings(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? [value] : [];
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function numberOf(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

const outsideLocal = (context: PolicyContext) => context.environment !== 'local';
const inProd = (context: PolicyContext) => context.environment === 'prod';

/** A rule that looks at each resource of some types on its own. */
function perResource(
  spec: Omit<Rule, 'check'> & {
    /** Other resource types the test reads (e.g. policies that target the resource). */
    readonly alsoReads?: readonly string[];
    readonly appliesTo?: (context: PolicyContext) => boolean;
    /** The problem with one resource, or undefined when it complies. */
    readonly test: (element: TfElement, doc: PolicyDocument, context: PolicyContext) => string | undefined;
  },
): Rule {
  const { appliesTo, test, alsoReads = [], ...rule } = spec;
  return {
    ...rule,
    resourceTypes: [...rule.resourceTypes, ...alsoReads],
    check(doc, context) {
      if (appliesTo && !appliesTo(context)) return [];
      return doc.resources(...spec.resourceTypes).flatMap((element) => {
        const message = test(element, doc, context);
        return message === undefined ? [] : [{ element, message }];
      });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// DynamoDB. The embedded DynamoDB of `local` supports none of the protections, so they apply elsewhere.

const TABLE = ['aws_dynamodb_table'];

const dynamodbRules: Rule[] = [
  perResource({
    id: 'DDB001',
    mirrors: 'checkov CKV_AWS_28; Security Hub DynamoDB.2',
    title: 'DynamoDB tables have point-in-time recovery (outside local)',
    fix: 'pass pointInTimeRecovery: true to SeededTable (config data.pointInTimeRecovery)',
    resourceTypes: TABLE,
    appliesTo: outsideLocal,
    test: (t) => (isTrue(block(t.attributes.point_in_time_recovery)?.enabled) ? undefined : 'point-in-time recovery is off'),
  }),
  perResource({
    id: 'DDB002',
    mirrors: 'tfsec aws-dynamodb-enable-at-rest-encryption; checkov CKV_AWS_119 (which wants a customer key)',
    title: 'DynamoDB tables are encrypted with a KMS key (outside local)',
    fix: 'pass serverSideEncryption: true to SeededTable (config data.serverSideEncryption)',
    resourceTypes: TABLE,
    appliesTo: outsideLocal,
    test: (t) => (isTrue(block(t.attributes.server_side_encryption)?.enabled) ? undefined : 'encryption with a KMS key is off (AWS owned key only)'),
  }),
  perResource({
    id: 'DDB003',
    mirrors: 'Security Hub DynamoDB.6',
    title: 'DynamoDB tables have deletion protection (outside local)',
    fix: 'pass deletionProtection: true to SeededTable (config data.deletionProtection)',
    resourceTypes: TABLE,
    appliesTo: outsideLocal,
    test: (t) => (isTrue(t.attributes.deletion_protection_enabled) ? undefined : 'deletion protection is off'),
  }),
  perResource({
    id: 'DDB004',
    mirrors: 'own',
    title: 'DynamoDB tables have lifecycle.prevent_destroy (outside local)',
    fix: 'pass preventDestroy: true to SeededTable (config data.preventDestroy)',
    resourceTypes: TABLE,
    appliesTo: outsideLocal,
    test: (t) => (isTrue(block(t.attributes.lifecycle)?.prevent_destroy) ? undefined : 'Terraform may destroy the table: prevent_destroy is not set'),
  }),
  perResource({
    id: 'DDB005',
    mirrors: 'own (Security Hub DynamoDB.1)',
    title: 'DynamoDB tables bill on demand or scale provisioned capacity automatically',
    fix: "use billingMode 'PAY_PER_REQUEST', or add an aws_appautoscaling_target for the table",
    resourceTypes: TABLE,
    alsoReads: ['aws_appautoscaling_target'],
    test: (t, doc) => {
      if (t.attributes.billing_mode === 'PAY_PER_REQUEST') return undefined;
      const scaled = doc
        .resources('aws_appautoscaling_target')
        .some((s) => s.attributes.service_namespace === 'dynamodb' && tableOfScalingTarget(s, t));
      return scaled ? undefined : 'provisioned capacity without autoscaling throttles under load';
    },
  }),
];

function tableOfScalingTarget(target: TfElement, table: TfElement): boolean {
  const resourceId = String(target.attributes.resource_id ?? '');
  const name = typeof table.attributes.name === 'string' ? table.attributes.name : undefined;
  return resourceId.includes(`${table.type}.${table.logicalId}.`) || (name !== undefined && resourceId === `table/${name}`);
}

// ---------------------------------------------------------------------------------------------
// ECR

const REPOSITORY = ['aws_ecr_repository'];

const ecrRules: Rule[] = [
  perResource({
    id: 'ECR001',
    mirrors: 'checkov CKV_AWS_163; tfsec aws-ecr-enable-image-scans',
    title: 'ECR repositories scan images on push',
    fix: 'set imageScanningConfiguration: { scanOnPush: true } on the repository',
    resourceTypes: REPOSITORY,
    test: (r) => (isTrue(block(r.attributes.image_scanning_configuration)?.scan_on_push) ? undefined : 'images are not scanned on push'),
  }),
  perResource({
    id: 'ECR002',
    mirrors: 'checkov CKV_AWS_51; tfsec aws-ecr-enforce-immutable-repository',
    title: 'ECR repositories have immutable tags',
    fix: "set imageTagMutability: 'IMMUTABLE' and tag images by content (digest or hash)",
    resourceTypes: REPOSITORY,
    test: (r) =>
      String(r.attributes.image_tag_mutability ?? 'MUTABLE').startsWith('IMMUTABLE') ? undefined : 'tags are mutable: a pushed tag can be silently replaced',
  }),
  perResource({
    id: 'ECR003',
    mirrors: 'AWS Config ecr-private-lifecycle-policy-configured; Control Tower CT.ECR.PR.1',
    title: 'ECR repositories have a lifecycle policy',
    fix: 'add an aws_ecr_lifecycle_policy whose repository is this repository (ContainerImage keepImages)',
    resourceTypes: REPOSITORY,
    alsoReads: ['aws_ecr_lifecycle_policy'],
    test: (r, doc) => {
      const covered = doc.resources('aws_ecr_lifecycle_policy').some((p) => {
        const target = p.attributes.repository;
        return doc.referenced(target)?.address === r.address || (typeof target === 'string' && target === r.attributes.name);
      });
      return covered ? undefined : 'no lifecycle policy: old images pile up and keep their storage cost and vulnerabilities';
    },
  }),
  perResource({
    id: 'ECR004',
    mirrors: 'own',
    title: 'ECR repositories in prod cannot be deleted while they hold images',
    fix: 'leave forceDelete unset (false) in prod',
    resourceTypes: REPOSITORY,
    appliesTo: inProd,
    test: (r) => (isTrue(r.attributes.force_delete) ? 'force_delete lets a destroy remove every image of the running service' : undefined),
  }),
];

// ---------------------------------------------------------------------------------------------
// Load balancers

const LB = ['aws_lb', 'aws_alb'];
const LISTENER = ['aws_lb_listener', 'aws_alb_listener'];
const TARGET_GROUP = ['aws_lb_target_group', 'aws_alb_target_group'];
/** TLS 1.2+ policies with forward secrecy only (the provider default, ELBSecurityPolicy-2016-08, allows TLS 1.0). */
const MODERN_TLS_POLICY = /^ELBSecurityPolicy-(TLS13-1-[23]-|TLS-1-2-|FS-1-2-)/;

const isApplicationLb = (lb: TfElement) => (lb.attributes.load_balancer_type ?? 'application') === 'application';
const listenerProtocol = (listener: TfElement) => String(listener.attributes.protocol ?? 'HTTP').toUpperCase();

const loadBalancerRules: Rule[] = [
  perResource({
    id: 'ALB001',
    mirrors: 'checkov CKV_AWS_131; tfsec aws-elb-drop-invalid-headers',
    title: 'Application load balancers drop invalid HTTP headers',
    fix: 'set dropInvalidHeaderFields: true on the load balancer',
    resourceTypes: LB,
    test: (lb) =>
      !isApplicationLb(lb) || isTrue(lb.attributes.drop_invalid_header_fields) ? undefined : 'invalid headers are passed to targets (request smuggling)',
  }),
  {
    id: 'ALB002',
    mirrors: 'checkov CKV2_AWS_20; tfsec aws-elb-http-not-used',
    title: 'When a load balancer has an HTTPS listener, every HTTP listener redirects to HTTPS',
    fix: "give the HTTP listener a default action { type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' } }",
    resourceTypes: LISTENER,
    check(doc) {
      const listeners = doc.resources(...LISTENER);
      const withHttps = new Set(listeners.filter((l) => listenerProtocol(l) === 'HTTPS').map((l) => String(l.attributes.load_balancer_arn)));
      return listeners
        .filter((l) => listenerProtocol(l) === 'HTTP' && withHttps.has(String(l.attributes.load_balancer_arn)))
        .filter((l) => !blocks(l.attributes.default_action).some((a) => a.type === 'redirect' && block(a.redirect)?.protocol === 'HTTPS'))
        .map((element) => ({ element, message: `HTTP listener on port ${element.attributes.port} serves plain HTTP beside HTTPS` }));
    },
  },
  perResource({
    id: 'ALB003',
    mirrors: 'checkov CKV_AWS_150',
    title: 'Load balancers in prod have deletion protection',
    fix: 'set enableDeletionProtection: true on the load balancer in prod',
    resourceTypes: LB,
    appliesTo: inProd,
    test: (lb) => (isTrue(lb.attributes.enable_deletion_protection) ? undefined : 'deletion protection is off in prod'),
  }),
  perResource({
    id: 'ALB004',
    mirrors: 'checkov CKV_AWS_103; tfsec aws-elb-use-secure-tls-policy',
    title: 'HTTPS listeners use a TLS 1.2+ security policy',
    fix: "set sslPolicy to e.g. 'ELBSecurityPolicy-TLS13-1-2-2021-06'",
    resourceTypes: LISTENER,
    test: (l) => {
      if (listenerProtocol(l) !== 'HTTPS') return undefined;
      const policy = l.attributes.ssl_policy;
      if (typeof policy !== 'string') return 'no ssl_policy: the provider default still accepts TLS 1.0';
      return MODERN_TLS_POLICY.test(policy) ? undefined : `ssl_policy ${policy} accepts TLS older than 1.2`;
    },
  }),
  perResource({
    id: 'ALB005',
    mirrors: 'checkov CKV_AWS_261',
    title: 'HTTP target groups check the health of their targets on a path',
    fix: "set healthCheck: { enabled: true, path: '/health', matcher: '200' } on the target group",
    resourceTypes: TARGET_GROUP,
    test: (tg) => {
      if (tg.attributes.target_type === 'lambda') return undefined;
      const check = block(tg.attributes.health_check);
      if (check?.enabled === false || check?.enabled === 'false') return 'health checks are disabled';
      const http = ['HTTP', 'HTTPS'].includes(String(tg.attributes.protocol ?? 'HTTP').toUpperCase());
      return http && !text(check?.path) ? 'no health check path: a target that cannot serve the app still counts as healthy' : undefined;
    },
  }),
];

// ---------------------------------------------------------------------------------------------
// Security groups

const SG = 'aws_security_group';
const SG_RULE = 'aws_security_group_rule';
const INGRESS_RULE = 'aws_vpc_security_group_ingress_rule';
const EGRESS_RULE = 'aws_vpc_security_group_egress_rule';
const OPEN_CIDRS = new Set(['0.0.0.0/0', '::/0']);

/** One ingress permission, wherever it is declared. */
interface Ingress {
  /** Where the finding is reported: the rule resource, or the group for inline blocks. */
  readonly element: TfElement;
  /** The group the permission belongs to, if it is in this stack. */
  readonly group?: TfElement;
  readonly protocol: string;
  readonly fromPort?: number;
  readonly toPort?: number;
  readonly cidrs: string[];
}

function ingressPermissions(doc: PolicyDocument): Ingress[] {
  const inline = doc.resources(SG).flatMap((group) =>
    blocks(group.attributes.ingress).map((b) => ({
      element: group,
      group,
      protocol: String(b.protocol ?? ''),
      fromPort: numberOf(b.from_port),
      toPort: numberOf(b.to_port),
      cidrs: [...strings(b.cidr_blocks), ...strings(b.ipv6_cidr_blocks)],
    })),
  );
  const legacy = doc
    .resources(SG_RULE)
    .filter((r) => r.attributes.type === 'ingress')
    .map((r) => ({
      element: r,
      group: doc.referenced(r.attributes.security_group_id),
      protocol: String(r.attributes.protocol ?? ''),
      fromPort: numberOf(r.attributes.from_port),
      toPort: numberOf(r.attributes.to_port),
      cidrs: [...strings(r.attributes.cidr_blocks), ...strings(r.attributes.ipv6_cidr_blocks)],
    }));
  const modern = doc.resources(INGRESS_RULE).map((r) => ({
    element: r,
    group: doc.referenced(r.attributes.security_group_id),
    protocol: String(r.attributes.ip_protocol ?? ''),
    fromPort: numberOf(r.attributes.from_port),
    toPort: numberOf(r.attributes.to_port),
    cidrs: [...strings(r.attributes.cidr_ipv4), ...strings(r.attributes.cidr_ipv6)],
  }));
  return [...inline, ...legacy, ...modern];
}

/** Group address → the listener ports of the load balancers that use the group. */
function listenerPortsByGroup(doc: PolicyDocument): Map<string, Set<number>> {
  const portsByLb = new Map<string, Set<number>>();
  for (const listener of doc.resources(...LISTENER)) {
    const lb = doc.referenced(listener.attributes.load_balancer_arn);
    const port = numberOf(listener.attributes.port);
    if (!lb || port === undefined) continue;
    portsByLb.set(lb.address, (portsByLb.get(lb.address) ?? new Set()).add(port));
  }
  const byGroup = new Map<string, Set<number>>();
  for (const lb of doc.resources(...LB)) {
    for (const ref of strings(lb.attributes.security_groups)) {
      const group = doc.referenced(ref);
      if (!group) continue;
      const ports = byGroup.get(group.address) ?? new Set<number>();
      for (const port of portsByLb.get(lb.address) ?? []) ports.add(port);
      byGroup.set(group.address, ports);
    }
  }
  return byGroup;
}

function describePorts(p: Ingress): string {
  if (p.protocol === '-1' || p.protocol === 'all') return 'all traffic';
  return p.fromPort === p.toPort ? `${p.protocol} port ${p.fromPort}` : `${p.protocol} ports ${p.fromPort}-${p.toPort}`;
}

/** The description problems of every rule of every group, inline or standalone. */
function undescribedRules(doc: PolicyDocument): Violation[] {
  const inline = doc.resources(SG).flatMap((group) => {
    const problems: Violation[] = [];
    const description = text(group.attributes.description);
    if (!description || description === 'Managed by Terraform') problems.push({ element: group, message: 'the group has no description of its own' });
    for (const direction of ['ingress', 'egress'] as const) {
      blocks(group.attributes[direction]).forEach((b, i) => {
        if (!text(b.description)) problems.push({ element: group, message: `inline ${direction} rule #${i + 1} has no description` });
      });
    }
    return problems;
  });
  const standalone = doc
    .resources(SG_RULE, INGRESS_RULE, EGRESS_RULE)
    .filter((r) => !text(r.attributes.description))
    .map((element) => ({ element, message: 'the rule has no description' }));
  return [...inline, ...standalone];
}

const securityGroupRules: Rule[] = [
  {
    id: 'SG001',
    mirrors: 'checkov CKV_AWS_24, CKV_AWS_25, CKV_AWS_260; tfsec aws-ec2-no-public-ingress-sgr',
    title: "No ingress from 0.0.0.0/0 or ::/0, except to a load balancer's group on its listener ports",
    fix: 'allow the source security group (or a narrower CIDR) instead; only a load balancer group may be open, on its listener ports',
    resourceTypes: [SG, SG_RULE, INGRESS_RULE, ...LB, ...LISTENER],
    check(doc) {
      const listenerPorts = listenerPortsByGroup(doc);
      return ingressPermissions(doc)
        .filter((p) => p.cidrs.some((c) => OPEN_CIDRS.has(c)))
        .filter((p) => {
          const ports = p.group ? listenerPorts.get(p.group.address) : undefined;
          const tcp = p.protocol === 'tcp' || p.protocol === '6';
          if (!ports || !tcp || p.fromPort === undefined || p.toPort === undefined) return true;
          for (let port = p.fromPort; port <= p.toPort; port++) if (!ports.has(port)) return true;
          return false;
        })
        .map((p) => ({ element: p.element, message: `${describePorts(p)} open to the internet (${p.cidrs.filter((c) => OPEN_CIDRS.has(c)).join(', ')})` }));
    },
  },
  {
    id: 'SG002',
    mirrors: 'checkov CKV_AWS_23',
    title: 'Every security group and every rule has a description',
    fix: 'give the group and each ingress/egress rule a description saying who talks to whom and why',
    resourceTypes: [SG, SG_RULE, INGRESS_RULE, EGRESS_RULE],
    check: undescribedRules,
  },
];

// ---------------------------------------------------------------------------------------------
// ECS

const TASK_DEFINITION = ['aws_ecs_task_definition'];

/** The container definitions of a task definition, or undefined when they are not a JSON literal. */
function containersOf(task: TfElement): TfAttributes[] | undefined {
  const raw = task.attributes.container_definitions;
  if (typeof raw !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? parsed.filter(isObject) : undefined;
  } catch {
    return undefined;
  }
}

/** A rule about each container of each task definition; unreadable definitions are ECS009's finding. */
function perContainer(
  spec: Omit<Rule, 'check' | 'resourceTypes'> & { readonly test: (container: TfAttributes) => string | undefined },
): Rule {
  const { test, ...rule } = spec;
  return {
    ...rule,
    resourceTypes: TASK_DEFINITION,
    check: (doc) =>
      doc.resources(...TASK_DEFINITION).flatMap((element) =>
        (containersOf(element) ?? []).flatMap((container) => {
          const message = test(container);
          return message === undefined ? [] : [{ element, message: `container "${String(container.name ?? '?')}": ${message}` }];
        }),
      ),
  };
}

/** Root, by name or by id, with or without a group. */
const ROOT_USER = /^(root|0)(:.*)?$/;
/** Name segments that mark a secret; KEY only with a qualifier, so that e.g. PARTITION_KEY passes. */
const SECRET_SEGMENT = /^(PASSWORD|PASSWD|PWD|SECRET|SECRETS|TOKEN|CREDENTIAL|CREDENTIALS|APIKEY)$/;
const SECRET_KEY = /(^|_)(API|ACCESS|PRIVATE|SECRET|SIGNING|ENCRYPTION|AUTH)_KEY($|_)/;

/** Whether an environment variable name says it holds a secret. */
export function looksSecret(name: string): boolean {
  const upper = name.toUpperCase();
  return upper === 'KEY' || SECRET_KEY.test(upper) || upper.split(/[_-]/).some((segment) => SECRET_SEGMENT.test(segment));
}

const ecsRules: Rule[] = [
  perContainer({
    id: 'ECS001',
    mirrors: 'Security Hub ECS.4; AWS Config ecs-containers-nonprivileged',
    title: 'Containers are not privileged',
    fix: 'remove privileged: true from the container definition',
    test: (c) => (isTrue(c.privileged) ? 'runs privileged' : undefined),
  }),
  perContainer({
    id: 'ECS002',
    mirrors: 'own (Security Hub ECS.1 for host networking)',
    title: 'Containers run as a named non-root user',
    fix: "set user to a non-root user of the image, e.g. 'node' or '1000'",
    test: (c) => {
      const user = text(c.user);
      if (!user) return "no user: it runs as the image's default user, which is root unless the Dockerfile says otherwise";
      return ROOT_USER.test(user.trim()) ? `runs as ${user}` : undefined;
    },
  }),
  perContainer({
    id: 'ECS003',
    mirrors: 'tfsec aws-ecs-no-plaintext-secrets; Security Hub ECS.8',
    title: 'No secret-looking environment variable has a plaintext value',
    fix: 'move the value to Secrets Manager or SSM and pass it as secrets: [{ name, valueFrom }]',
    test: (c) => {
      const leaked = blocks(c.environment)
        .filter((v) => typeof v.name === 'string' && looksSecret(v.name) && text(v.value) !== undefined)
        .map((v) => String(v.name));
      return leaked.length > 0 ? `plaintext value for ${leaked.join(', ')}` : undefined;
    },
  }),
  perContainer({
    id: 'ECS004',
    mirrors: 'checkov CKV_AWS_336; Security Hub ECS.5',
    title: 'Containers have a read-only root filesystem',
    fix: 'set readonlyRootFilesystem: true and mount a volume for any path the app writes',
    test: (c) => (isTrue(c.readonlyRootFilesystem) ? undefined : 'the root filesystem is writable'),
  }),
  perContainer({
    id: 'ECS005',
    mirrors: 'Security Hub ECS.9',
    title: 'Containers send their logs somewhere',
    fix: "set logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': ..., ... } }",
    test: (c) => (text(block(c.logConfiguration)?.logDriver) ? undefined : 'no log configuration: its output is lost'),
  }),
  perResource({
    id: 'ECS006',
    mirrors: 'checkov CKV_AWS_65; Security Hub ECS.12',
    title: 'ECS clusters have Container Insights',
    fix: "add setting: [{ name: 'containerInsights', value: 'enabled' }] to the cluster",
    resourceTypes: ['aws_ecs_cluster'],
    test: (c) =>
      blocks(c.attributes.setting).some((s) => s.name === 'containerInsights' && ['enabled', 'enhanced'].includes(String(s.value)))
        ? undefined
        : 'Container Insights is off',
  }),
  perResource({
    id: 'ECS007',
    mirrors: 'own',
    title: 'ECS services roll back failed deployments (deployment circuit breaker)',
    fix: 'set deploymentCircuitBreaker: { enable: true, rollback: true } on the service',
    resourceTypes: ['aws_ecs_service'],
    test: (s) => {
      const controller = String(block(s.attributes.deployment_controller)?.type ?? 'ECS');
      if (controller !== 'ECS') return undefined;
      const breaker = block(s.attributes.deployment_circuit_breaker);
      return isTrue(breaker?.enable) && isTrue(breaker?.rollback) ? undefined : 'a deployment that never gets healthy keeps replacing tasks';
    },
  }),
  perResource({
    id: 'ECS008',
    mirrors: 'checkov CKV_AWS_333; Security Hub ECS.2',
    title: 'ECS services give tasks no public IP unless the configuration chooses public subnets',
    fix: 'run tasks in private subnets with assignPublicIp: false, or configure public mode explicitly',
    resourceTypes: ['aws_ecs_service'],
    test: (s, _doc, context) =>
      isTrue(block(s.attributes.network_configuration)?.assign_public_ip) && !context.allowPublicTaskIp
        ? 'tasks get public IPs but the configuration does not ask for public mode'
        : undefined,
  }),
  perResource({
    id: 'ECS009',
    mirrors: 'own',
    title: 'Task container definitions are a JSON literal the checker can read',
    fix: 'build container_definitions with JSON.stringify (tokens inside strings are fine), not Fn.jsonencode',
    resourceTypes: TASK_DEFINITION,
    test: (t) => (containersOf(t) ? undefined : 'container_definitions is not a JSON array: no container rule could check it'),
  }),
];

// ---------------------------------------------------------------------------------------------
// CloudWatch Logs

const logRules: Rule[] = [
  perResource({
    id: 'LOG001',
    mirrors: 'checkov CKV_AWS_66 (CKV_AWS_338 wants at least a year)',
    title: 'Log groups expire their events',
    fix: 'set retentionInDays (FargateService logRetentionDays)',
    resourceTypes: ['aws_cloudwatch_log_group'],
    test: (g) => ((numberOf(g.attributes.retention_in_days) ?? 0) > 0 ? undefined : 'events are kept forever and billed forever'),
  }),
];

// ---------------------------------------------------------------------------------------------
// IAM

/** A statement reduced to what the rules read. */
interface Statement {
  readonly effect: string;
  readonly actions: string[];
  readonly notActions: string[];
  readonly resources: string[];
  readonly notResources: string[];
}

/** One permissions policy, with its statements or undefined when they cannot be read. */
interface PolicySource {
  readonly element: TfElement;
  readonly label: string;
  readonly statements?: Statement[];
}

/**
 * Actions that support no resource-level permission, so `Resource: "*"` is their only form:
 * ECR's login token, ECS Exec's session channels, listing log groups (ECS Exec logging) and
 * the X-Ray daemon's calls.
 */
export const RESOURCELESS_ACTIONS: ReadonlySet<string> = new Set([
  'ecr:GetAuthorizationToken',
  'ssmmessages:CreateControlChannel',
  'ssmmessages:CreateDataChannel',
  'ssmmessages:OpenControlChannel',
  'ssmmessages:OpenDataChannel',
  'logs:DescribeLogGroups',
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
  'xray:GetSamplingStatisticSummaries',
]);

function fromJsonStatement(s: TfAttributes): Statement {
  return {
    effect: String(s.Effect ?? 'Allow'),
    actions: strings(s.Action),
    notActions: strings(s.NotAction),
    resources: strings(s.Resource),
    notResources: strings(s.NotResource),
  };
}

function fromDocumentStatement(s: TfAttributes): Statement {
  return {
    effect: String(s.effect ?? 'Allow'),
    actions: strings(s.actions),
    notActions: strings(s.not_actions),
    resources: strings(s.resources),
    notResources: strings(s.not_resources),
  };
}

/** Statements of a policy JSON string; undefined when it is not literal JSON. */
function parsePolicy(policy: string): Statement[] | undefined {
  try {
    const parsed: unknown = JSON.parse(policy);
    if (!isObject(parsed)) return undefined;
    return blocks(parsed.Statement).map(fromJsonStatement);
  } catch {
    return undefined;
  }
}

/**
 * Every permissions policy of the stack: policy documents (data sources) and the JSON of role
 * policies, managed policies and inline role policies. A policy that refers to a policy document
 * is left to the document. Trust policies (`assume_role_policy`) grant no permissions and are skipped.
 */
function policySources(doc: PolicyDocument): PolicySource[] {
  const sources: PolicySource[] = doc.dataSources('aws_iam_policy_document').map((element) => ({
    element,
    label: 'policy document',
    statements: [
      ...blocks(element.attributes.statement).map(fromDocumentStatement),
      ...[...strings(element.attributes.source_policy_documents), ...strings(element.attributes.override_policy_documents)]
        .filter((p) => doc.referenced(p) === undefined)
        .flatMap((p) => parsePolicy(p) ?? []),
    ],
  }));
  const fromString = (element: TfElement, label: string, policy: unknown): PolicySource[] => {
    if (doc.referenced(policy)?.type === 'aws_iam_policy_document') return [];
    return [{ element, label, statements: typeof policy === 'string' ? parsePolicy(policy) : undefined }];
  };
  for (const element of doc.resources('aws_iam_role_policy', 'aws_iam_policy')) {
    sources.push(...fromString(element, 'policy', element.attributes.policy));
  }
  for (const role of doc.resources('aws_iam_role')) {
    for (const inline of blocks(role.attributes.inline_policy)) {
      if (inline.policy !== undefined) sources.push(...fromString(role, `inline policy "${String(inline.name ?? '?')}"`, inline.policy));
    }
  }
  return sources;
}

const IAM_TYPES = ['aws_iam_role_policy', 'aws_iam_policy', 'aws_iam_role'];
const isWildcardAction = (action: string) => action === '*' || /^[A-Za-z0-9-]+:\*$/.test(action);

const iamRules: Rule[] = [
  {
    id: 'IAM001',
    mirrors: 'checkov CKV_AWS_62, CKV_AWS_63; tfsec aws-iam-no-policy-wildcards',
    title: 'Allow statements name their actions: no `*`, no `service:*`, no NotAction',
    fix: 'list the exact actions the caller uses (e.g. dynamodb:GetItem, dynamodb:Query)',
    resourceTypes: IAM_TYPES,
    dataTypes: ['aws_iam_policy_document'],
    check: (doc) =>
      policySources(doc).flatMap(({ element, label, statements = [] }) =>
        statements
          .filter((s) => s.effect === 'Allow')
          .flatMap((s) => {
            const wild = s.actions.filter(isWildcardAction);
            const messages = wild.length > 0 ? [`${label} allows ${wild.join(', ')}`] : [];
            if (s.notActions.length > 0) messages.push(`${label} allows everything except ${s.notActions.join(', ')} (NotAction)`);
            return messages.map((message) => ({ element, message }));
          }),
      ),
  },
  {
    id: 'IAM002',
    mirrors: 'checkov CKV_AWS_355, CKV_AWS_290; tfsec aws-iam-no-policy-wildcards',
    title: 'Allow statements name their resources; `*` only for actions AWS offers no resource for',
    fix: 'use the ARN (a `${...arn}` reference is fine); `*` is allowed only for the actions listed in docs/security.md',
    resourceTypes: IAM_TYPES,
    dataTypes: ['aws_iam_policy_document'],
    check: (doc) =>
      policySources(doc).flatMap(({ element, label, statements = [] }) =>
        statements
          .filter((s) => s.effect === 'Allow')
          .flatMap((s) => {
            const messages: string[] = [];
            if (s.resources.includes('*')) {
              const scoped = [...s.actions, ...s.notActions.map((a) => `NotAction ${a}`)].filter((a) => !RESOURCELESS_ACTIONS.has(a));
              if (scoped.length > 0) messages.push(`${label} grants ${scoped.join(', ')} on every resource (*)`);
            }
            if (s.notResources.length > 0) messages.push(`${label} grants on every resource except ${s.notResources.join(', ')} (NotResource)`);
            return messages.map((message) => ({ element, message }));
          }),
      ),
  },
  {
    id: 'IAM003',
    mirrors: 'own',
    title: 'Every permissions policy is literal JSON or a policy document the checker can read',
    fix: 'render policies with JSON.stringify (tokens inside strings are fine) or data.aws_iam_policy_document, not Fn.jsonencode',
    resourceTypes: IAM_TYPES,
    dataTypes: ['aws_iam_policy_document'],
    check: (doc) =>
      policySources(doc)
        .filter((s) => s.statements === undefined)
        .map(({ element, label }) => ({ element, message: `${label} is not literal JSON: IAM001/IAM002 could not check it` })),
  },
];

// ---------------------------------------------------------------------------------------------
// VPC

const vpcRules: Rule[] = [
  perResource({
    id: 'VPC001',
    mirrors: 'checkov CKV_AWS_130; Security Hub EC2.15',
    title: 'Subnets do not give instances public IPs on launch',
    fix: 'set mapPublicIpOnLaunch: false; a resource that needs a public IP asks for it explicitly',
    resourceTypes: ['aws_subnet'],
    test: (s) => (isTrue(s.attributes.map_public_ip_on_launch) ? 'every instance launched here gets a public IP' : undefined),
  }),
  perResource({
    id: 'VPC002',
    mirrors: 'own',
    title: 'Every VPC has a DynamoDB gateway endpoint',
    fix: "add an aws_vpc_endpoint for com.amazonaws.<region>.dynamodb of type Gateway (Network gatewayEndpoints includes 'dynamodb')",
    resourceTypes: ['aws_vpc'],
    alsoReads: ['aws_vpc_endpoint'],
    test: (vpc, doc) => {
      const found = doc
        .resources('aws_vpc_endpoint')
        .some(
          (e) =>
            doc.referenced(e.attributes.vpc_id)?.address === vpc.address &&
            String(e.attributes.service_name ?? '').endsWith('.dynamodb') &&
            String(e.attributes.vpc_endpoint_type ?? 'Gateway') === 'Gateway',
        );
      return found ? undefined : 'no DynamoDB gateway endpoint: table traffic goes through NAT (billed) or fails';
    },
  }),
  {
    id: 'VPC003',
    mirrors: 'checkov CKV2_AWS_12; Security Hub EC2.2',
    title: "Every VPC's default security group is adopted and has no rules",
    fix: 'declare an aws_default_security_group for the VPC with no ingress or egress',
    resourceTypes: ['aws_vpc', 'aws_default_security_group'],
    check(doc) {
      const defaults = doc.resources('aws_default_security_group');
      const adopted = new Set(defaults.map((g) => doc.referenced(g.attributes.vpc_id)?.address));
      const unadopted = doc
        .resources('aws_vpc')
        .filter((vpc) => !adopted.has(vpc.address))
        .map((element) => ({ element, message: 'the default security group keeps its allow-all rules' }));
      const withRules = defaults
        .filter((g) => blocks(g.attributes.ingress).length > 0 || blocks(g.attributes.egress).length > 0)
        .map((element) => ({ element, message: 'the default security group has rules; anything launched without a group gets them' }));
      return [...unadopted, ...withRules];
    },
  },
];

// ---------------------------------------------------------------------------------------------
// State

const stateRules: Rule[] = [
  {
    id: 'TF001',
    mirrors: 'own',
    title: 'An S3 state backend encrypts and locks the state',
    fix: 'set encrypt: true and use_lockfile: true (or a dynamodb_table) on the S3 backend',
    resourceTypes: [],
    check(doc) {
      const backend = doc.backend();
      if (backend?.kind !== 's3') return [];
      const problems: string[] = [];
      if (!isTrue(backend.attributes.encrypt)) problems.push('state is stored unencrypted');
      if (!isTrue(backend.attributes.use_lockfile) && !text(backend.attributes.dynamodb_table)) problems.push('state is not locked: two applies can interleave');
      return problems.map((message) => ({ message }));
    },
  },
];

/** Every rule, in the order of docs/security.md. */
export const RULES: readonly Rule[] = [
  ...dynamodbRules,
  ...ecrRules,
  ...loadBalancerRules,
  ...securityGroupRules,
  ...ecsRules,
  ...logRules,
  ...iamRules,
  ...vpcRules,
  ...stateRules,
];
