import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TfJson } from '../../stacks/lib/tf-json';
import { checkPolicy, type PolicyContext } from '../../stacks/policy/engine';
import { looksSecret, RULES, scannerIds } from '../../stacks/policy/rules';
import { MONITORING_CASES, groupAlarm, serviceWithAlarms } from '../support/policy-cases-monitoring';
import { STORAGE_CASES } from '../support/policy-cases-storage';

/** Given a document, when one rule runs, then these are its findings' messages. */
function run(ruleId: string, json: TfJson, context: Partial<PolicyContext> = {}): string[] {
  const rule = RULES.find((r) => r.id === ruleId);
  if (!rule) throw new Error(`no rule ${ruleId}`);
  const result = checkPolicy(json, { stackId: 'test', environment: 'dev', ...context }, [rule]);
  return result.findings.filter((f) => f.ruleId === ruleId).map((f) => `${f.address}: ${f.message}`);
}

const res = (resource: Record<string, Record<string, Record<string, unknown>>>): TfJson => ({ resource });
const json = (value: unknown) => JSON.stringify(value);

// ------------------------------------------------------------------------------------------------
// Fixtures: a compliant resource of each kind, and variations that break one rule each.

const goodTable = {
  name: 'bookmarks-dev-category',
  billing_mode: 'PAY_PER_REQUEST',
  point_in_time_recovery: { enabled: true },
  server_side_encryption: { enabled: true },
  deletion_protection_enabled: true,
  lifecycle: { prevent_destroy: true },
};
const table = (overrides: Record<string, unknown> = {}) => res({ aws_dynamodb_table: { t: { ...goodTable, ...overrides } } });

const goodRepository = { name: 'app', image_tag_mutability: 'IMMUTABLE', image_scanning_configuration: { scan_on_push: true } };
const repository = (overrides: Record<string, unknown> = {}, lifecycle = true) =>
  res({
    aws_ecr_repository: { repo: { ...goodRepository, ...overrides } },
    ...(lifecycle ? { aws_ecr_lifecycle_policy: { keep: { repository: '${aws_ecr_repository.repo.name}', policy: '{}' } } } : {}),
  });

const redirect = [{ type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', status_code: 'HTTP_301' } }];
const forward = [{ type: 'forward', target_group_arn: '${aws_lb_target_group.tg.arn}' }];
/** An ALB with its group open on 80 and 443 and listeners on both. */
function albStack(options: { httpAction?: unknown[]; sslPolicy?: string; lb?: Record<string, unknown>; openPort?: number } = {}): TfJson {
  const port = options.openPort ?? 443;
  return res({
    aws_security_group: { alb: { description: 'Internet to the load balancer', vpc_id: 'vpc-1' } },
    aws_vpc_security_group_ingress_rule: {
      http: { security_group_id: '${aws_security_group.alb.id}', ip_protocol: 'tcp', from_port: 80, to_port: 80, cidr_ipv4: '0.0.0.0/0', description: 'HTTP (redirect)' },
      https: { security_group_id: '${aws_security_group.alb.id}', ip_protocol: 'tcp', from_port: port, to_port: port, cidr_ipv4: '0.0.0.0/0', description: 'HTTPS' },
    },
    aws_lb: {
      alb: { security_groups: ['${aws_security_group.alb.id}'], drop_invalid_header_fields: true, enable_deletion_protection: true, ...options.lb },
    },
    aws_lb_listener: {
      https: {
        load_balancer_arn: '${aws_lb.alb.arn}',
        port: 443,
        protocol: 'HTTPS',
        certificate_arn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc',
        ssl_policy: options.sslPolicy ?? 'ELBSecurityPolicy-TLS13-1-2-2021-06',
        default_action: forward,
      },
      http: { load_balancer_arn: '${aws_lb.alb.arn}', port: 80, protocol: 'HTTP', default_action: options.httpAction ?? redirect },
    },
  });
}

const goodContainer = {
  name: 'api',
  image: '${aws_ecr_repository.repo.repository_url}:abc',
  user: 'node',
  readonlyRootFilesystem: true,
  privileged: false,
  environment: [{ name: 'TABLE_NAME', value: '${aws_dynamodb_table.t.name}' }],
  secrets: [{ name: 'BASIC_AUTH_PASSWORD', valueFrom: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:pw' }],
  logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/app' } },
};
const task = (container: Record<string, unknown> = {}) =>
  res({ aws_ecs_task_definition: { task: { family: 'app', container_definitions: json([{ ...goodContainer, ...container }]) } } });

const goodService = {
  deployment_circuit_breaker: { enable: true, rollback: true },
  network_configuration: { subnets: ['subnet-1'], assign_public_ip: false },
};
const service = (overrides: Record<string, unknown> = {}) => res({ aws_ecs_service: { svc: { ...goodService, ...overrides } } });

const policy = (statements: unknown[]) => json({ Version: '2012-10-17', Statement: statements });
const rolePolicy = (statements: unknown[]) => res({ aws_iam_role_policy: { p: { role: '${aws_iam_role.r.id}', policy: policy(statements) } } });

const network = (overrides: { endpoint?: Record<string, unknown>; defaultSg?: Record<string, unknown> | null } = {}) =>
  res({
    aws_vpc: { vpc: { cidr_block: '10.0.0.0/16' } },
    ...(overrides.defaultSg === null ? {} : { aws_default_security_group: { d: { vpc_id: '${aws_vpc.vpc.id}', ...overrides.defaultSg } } }),
    aws_vpc_endpoint: {
      ddb: { vpc_id: '${aws_vpc.vpc.id}', service_name: 'com.amazonaws.eu-west-1.dynamodb', vpc_endpoint_type: 'Gateway', ...overrides.endpoint },
    },
  });

/** An internal ALB whose group admits the given CIDR on its listener port. */
const internalAlb = (cidr: string) =>
  res({
    aws_security_group: { alb: { description: 'Clients in the VPC to the internal load balancer', vpc_id: 'vpc-1' } },
    aws_vpc_security_group_ingress_rule: {
      http: { security_group_id: '${aws_security_group.alb.id}', ip_protocol: 'tcp', from_port: 80, to_port: 80, cidr_ipv4: cidr, description: 'HTTP' },
    },
    aws_lb: { alb: { internal: true, security_groups: ['${aws_security_group.alb.id}'] } },
  });

/** An internet-facing ALB (or an internal one) with one HTTP listener that forwards. */
const plainHttpAlb = (lb: Record<string, unknown> = {}) =>
  res({
    aws_lb: { alb: { drop_invalid_header_fields: true, enable_deletion_protection: true, ...lb } },
    aws_lb_listener: { http: { load_balancer_arn: '${aws_lb.alb.arn}', port: 80, protocol: 'HTTP', default_action: forward } },
  });

/** A log bucket with every protection, less the attachments named in `without`. */
const BUCKET_PARTS = {
  aws_s3_bucket_public_access_block: { block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true },
  aws_s3_bucket_server_side_encryption_configuration: { rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }] },
  aws_s3_bucket_policy: {
    policy: json({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: ['${aws_s3_bucket.logs.arn}'], Condition: { Bool: { 'aws:SecureTransport': 'false' } } }],
    }),
  },
  aws_s3_bucket_ownership_controls: { rule: [{ object_ownership: 'BucketOwnerEnforced' }] },
  aws_s3_bucket_lifecycle_configuration: { rule: [{ id: 'expire', status: 'Enabled', expiration: [{ days: 90 }] }] },
};
const logBucket = (without?: keyof typeof BUCKET_PARTS) =>
  res({
    aws_s3_bucket: { logs: { bucket_prefix: 'logs-' } },
    ...Object.fromEntries(
      Object.entries(BUCKET_PARTS)
        .filter(([type]) => type !== without)
        .map(([type, props]) => [type, { part: { bucket: '${aws_s3_bucket.logs.id}', ...props } }]),
    ),
  });

/** A task group's egress rule to the internet. */
const egress = (protocol: string, port: number) =>
  res({
    aws_security_group: { sg: { description: 'Tasks', vpc_id: 'vpc-1' } },
    aws_vpc_security_group_egress_rule: {
      out: { security_group_id: '${aws_security_group.sg.id}', ip_protocol: protocol, from_port: port, to_port: port, cidr_ipv4: '0.0.0.0/0', description: 'Out' },
    },
  });

/** A role whose trust policy lets this principal assume it. */
const trustedRole = (principal: Record<string, string>) =>
  res({ aws_iam_role: { r: { assume_role_policy: json({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole' }] }) } } });

/** A web ACL with one managed rule group, its rule's visibility overridden. */
const webAcl = (visibility: Record<string, unknown> = {}, group = 'AWSManagedRulesKnownBadInputsRuleSet') => {
  const seen = { cloudwatch_metrics_enabled: true, sampled_requests_enabled: true, metric_name: 'm' };
  return res({
    aws_wafv2_web_acl: {
      acl: {
        scope: 'REGIONAL',
        visibility_config: seen,
        rule: [{ name: group, priority: 1, statement: { managed_rule_group_statement: { name: group, vendor_name: 'AWS' } }, visibility_config: { ...seen, ...visibility } }],
      },
    },
  });
};

/** Two listener rules on one listener with these priorities. */
const listenerRules = (first?: number, second?: number) =>
  res({
    aws_lb_listener_rule: {
      a: { listener_arn: '${aws_lb_listener.http.arn}', priority: first, action: forward, condition: [{ path_pattern: { values: ['/a/*'] } }] },
      b: { listener_arn: '${aws_lb_listener.http.arn}', priority: second, action: forward, condition: [{ path_pattern: { values: ['/b/*'] } }] },
    },
  });

/** Two task definitions with these task roles (each with its own execution role). */
const tasksWithRoles = (first: string, second: string) =>
  res({
    aws_ecs_task_definition: {
      a: { family: 'a', container_definitions: json([goodContainer]), task_role_arn: first, execution_role_arn: '${aws_iam_role.a-exec.arn}' },
      b: { family: 'b', container_definitions: json([goodContainer]), task_role_arn: second, execution_role_arn: '${aws_iam_role.b-exec.arn}' },
    },
  });

/** An alias of an internal ALB in a zone with or without a vpc block. */
const internalAlias = (privateZone: boolean) =>
  res({
    aws_lb: { internal: { internal: true } },
    aws_route53_zone: { z: { name: 'svc.internal', ...(privateZone ? { vpc: [{ vpc_id: 'vpc-1' }] } : {}) } },
    aws_route53_record: {
      r: {
        zone_id: '${aws_route53_zone.z.zone_id}',
        name: 'internal.svc.internal',
        type: 'A',
        alias: { name: '${aws_lb.internal.dns_name}', zone_id: '${aws_lb.internal.zone_id}' },
      },
    },
  });

// ------------------------------------------------------------------------------------------------
// Every rule: one fixture that breaks it, one that complies.

interface Case {
  readonly violating: TfJson;
  readonly violation: string;
  readonly compliant: TfJson;
  readonly context?: Partial<PolicyContext>;
}

/** A state bucket as the bootstrap stack writes it; `without` drops one attached resource, `change` alters the encryption rule. */
const stateBucket = (without?: string, rule: Record<string, unknown> = {}): TfJson =>
  res({
    aws_kms_key: { key: { enable_key_rotation: true } },
    aws_s3_bucket: { b: { bucket: 'acme-tf-state' } },
    ...(without === 'aws_s3_bucket_versioning' ? {} : { aws_s3_bucket_versioning: { v: { bucket: '${aws_s3_bucket.b.id}', versioning_configuration: { status: 'Enabled' } } } }),
    aws_s3_bucket_server_side_encryption_configuration: {
      e: {
        bucket: '${aws_s3_bucket.b.id}',
        rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: '${aws_kms_key.key.arn}' }, bucket_key_enabled: true, ...rule }],
      },
    },
    aws_s3_bucket_lifecycle_configuration: {
      l: {
        bucket: '${aws_s3_bucket.b.id}',
        rule: [{ status: 'Enabled', noncurrent_version_expiration: [{ noncurrent_days: 90 }], abort_incomplete_multipart_upload: [{ days_after_initiation: 1 }] }],
      },
    },
  });
/** A role that GitHub Actions tokens with this `sub` may assume. */
const githubRole = (sub: string): TfJson =>
  res({
    aws_iam_openid_connect_provider: { github: { url: 'https://token.actions.githubusercontent.com', client_id_list: ['sts.amazonaws.com'] } },
    aws_iam_role: {
      ci: {
        assume_role_policy: json({
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Federated: '${aws_iam_openid_connect_provider.github.arn}' },
              Action: 'sts:AssumeRoleWithWebIdentity',
              Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'token.actions.githubusercontent.com:sub': sub } },
            },
          ],
        }),
      },
    },
  });

const CASES: Record<string, Case> = {
  DDB001: { violation: 'a table without point-in-time recovery', violating: table({ point_in_time_recovery: undefined }), compliant: table() },
  DDB002: { violation: 'a table without KMS encryption', violating: table({ server_side_encryption: { enabled: false } }), compliant: table() },
  DDB003: { violation: 'a table without deletion protection', violating: table({ deletion_protection_enabled: undefined }), compliant: table() },
  DDB004: { violation: 'a table without prevent_destroy', violating: table({ lifecycle: undefined }), compliant: table() },
  DDB005: {
    violation: 'a provisioned table without autoscaling',
    violating: table({ billing_mode: 'PROVISIONED', read_capacity: 5, write_capacity: 5 }),
    compliant: table(),
  },
  ECR001: { violation: 'a repository without scan on push', violating: repository({ image_scanning_configuration: undefined }), compliant: repository() },
  ECR002: { violation: 'a repository with mutable tags', violating: repository({ image_tag_mutability: 'MUTABLE' }), compliant: repository() },
  ECR003: { violation: 'a repository without a lifecycle policy', violating: repository({}, false), compliant: repository() },
  ECR004: {
    violation: 'a force-deletable repository in prod',
    violating: repository({ force_delete: true }),
    compliant: repository(),
    context: { environment: 'prod' },
  },
  ALB001: { violation: 'an ALB that keeps invalid headers', violating: albStack({ lb: { drop_invalid_header_fields: false } }), compliant: albStack() },
  ALB002: { violation: 'an HTTP listener that forwards beside an HTTPS one', violating: albStack({ httpAction: forward }), compliant: albStack() },
  ALB003: {
    violation: 'a prod ALB without deletion protection',
    violating: albStack({ lb: { enable_deletion_protection: false } }),
    compliant: albStack(),
    context: { environment: 'prod' },
  },
  ALB004: { violation: 'an HTTPS listener on a TLS 1.0 policy', violating: albStack({ sslPolicy: 'ELBSecurityPolicy-2016-08' }), compliant: albStack() },
  ALB005: {
    violation: 'an HTTP target group without a health check path',
    violating: res({ aws_lb_target_group: { tg: { port: 8080, protocol: 'HTTP' } } }),
    compliant: res({ aws_lb_target_group: { tg: { port: 8080, protocol: 'HTTP', health_check: { enabled: true, path: '/health' } } } }),
  },
  ALB006: { violation: 'two listener rules with one priority', violating: listenerRules(10, 10), compliant: listenerRules(10, 20) },
  ALB007: {
    violation: 'a prod internet-facing ALB with only a forwarding HTTP listener',
    violating: plainHttpAlb(),
    compliant: albStack(),
    context: { environment: 'prod' },
  },
  ALB008: {
    violation: 'a prod internet-facing ALB without access logs',
    violating: albStack(),
    compliant: albStack({ lb: { access_logs: { bucket: '${aws_s3_bucket.logs.bucket}', prefix: 'alb', enabled: true } } }),
    context: { environment: 'prod' },
  },
  ALB009: {
    violation: 'an ALB that only monitors desync',
    violating: albStack({ lb: { desync_mitigation_mode: 'monitor' } }),
    compliant: albStack({ lb: { desync_mitigation_mode: 'strictest' } }),
  },
  SG004: { violation: 'egress on every protocol to the internet', violating: egress('-1', -1), compliant: egress('tcp', 443) },
  ECS010: {
    violation: "a task sharing the host's process namespace",
    violating: res({ aws_ecs_task_definition: { t: { network_mode: 'awsvpc', pid_mode: 'host', container_definitions: json([goodContainer]) } } }),
    compliant: res({ aws_ecs_task_definition: { t: { network_mode: 'awsvpc', container_definitions: json([goodContainer]) } } }),
  },
  ECS011: {
    violation: 'a container adding NET_ADMIN',
    violating: task({ linuxParameters: { capabilities: { add: ['NET_ADMIN'] } } }),
    compliant: task({ linuxParameters: { capabilities: { drop: ['ALL'] } } }),
  },
  IAM005: {
    violation: 'a role any principal of an account may assume',
    violating: trustedRole({ AWS: 'arn:aws:iam::123456789012:root' }),
    compliant: trustedRole({ Service: 'ecs-tasks.amazonaws.com' }),
  },
  WAF001: {
    violation: 'a prod internet-facing ALB without a web ACL',
    violating: albStack(),
    compliant: { resource: { ...albStack().resource, aws_wafv2_web_acl_association: { waf: { resource_arn: '${aws_lb.alb.arn}', web_acl_arn: '${aws_wafv2_web_acl.acl.arn}' } } } },
    context: { environment: 'prod' },
  },
  WAF002: { violation: 'a web ACL rule without CloudWatch metrics', violating: webAcl({ cloudwatch_metrics_enabled: false }), compliant: webAcl() },
  WAF003: { violation: 'a web ACL without the known-bad-inputs rules', violating: webAcl({}, 'AWSManagedRulesCommonRuleSet'), compliant: webAcl() },
  S3001: { violation: 'a bucket without a public access block', violating: logBucket('aws_s3_bucket_public_access_block'), compliant: logBucket() },
  S3002: { violation: 'a bucket without default encryption', violating: logBucket('aws_s3_bucket_server_side_encryption_configuration'), compliant: logBucket() },
  S3003: { violation: 'a bucket that allows plain HTTP', violating: logBucket('aws_s3_bucket_policy'), compliant: logBucket() },
  S3004: { violation: 'a bucket whose ACLs decide ownership', violating: logBucket('aws_s3_bucket_ownership_controls'), compliant: logBucket() },
  S3005: { violation: 'a bucket that keeps objects forever', violating: logBucket('aws_s3_bucket_lifecycle_configuration'), compliant: logBucket() },
  SG001: { violation: 'a load balancer group open on a port it does not listen on', violating: albStack({ openPort: 22 }), compliant: albStack() },
  SG003: { violation: 'an internal load balancer open to the internet', violating: internalAlb('0.0.0.0/0'), compliant: internalAlb('10.0.0.0/16') },
  IAM004: {
    violation: 'two task definitions sharing a task role',
    violating: tasksWithRoles('${aws_iam_role.shared.arn}', '${aws_iam_role.shared.arn}'),
    compliant: tasksWithRoles('${aws_iam_role.a.arn}', '${aws_iam_role.b.arn}'),
  },
  DNS001: { violation: 'an internal load balancer named in a public zone', violating: internalAlias(false), compliant: internalAlias(true) },
  SG002: {
    violation: 'an inline ingress rule without a description',
    violating: res({ aws_security_group: { sg: { description: 'Tasks', ingress: [{ protocol: 'tcp', from_port: 8080, to_port: 8080, security_groups: ['sg-1'] }] } } }),
    compliant: res({
      aws_security_group: {
        sg: { description: 'Tasks', ingress: [{ protocol: 'tcp', from_port: 8080, to_port: 8080, security_groups: ['sg-1'], description: 'From the ALB' }] },
      },
    }),
  },
  ECS001: { violation: 'a privileged container', violating: task({ privileged: true }), compliant: task() },
  ECS002: { violation: 'a container that runs as root', violating: task({ user: 'root' }), compliant: task() },
  ECS003: {
    violation: 'a password in plaintext',
    violating: task({ environment: [{ name: 'BASIC_AUTH_PASSWORD', value: 'hunter22' }] }),
    compliant: task(),
  },
  ECS004: { violation: 'a writable root filesystem', violating: task({ readonlyRootFilesystem: false }), compliant: task() },
  ECS005: { violation: 'a container without a log configuration', violating: task({ logConfiguration: undefined }), compliant: task() },
  ECS006: {
    violation: 'a cluster without Container Insights',
    violating: res({ aws_ecs_cluster: { c: { name: 'app' } } }),
    compliant: res({ aws_ecs_cluster: { c: { name: 'app', setting: [{ name: 'containerInsights', value: 'enabled' }] } } }),
  },
  ECS007: {
    violation: 'a service without a rollback circuit breaker',
    violating: service({ deployment_circuit_breaker: { enable: true, rollback: false } }),
    compliant: service(),
  },
  ECS008: {
    violation: 'a service with public task IPs that the configuration does not ask for',
    violating: service({ network_configuration: { subnets: ['subnet-1'], assign_public_ip: true } }),
    compliant: service(),
  },
  ECS009: {
    violation: 'container definitions rendered with jsonencode',
    violating: res({ aws_ecs_task_definition: { task: { container_definitions: '${jsonencode([{"name" = "api"}])}' } } }),
    compliant: task(),
  },
  LOG001: {
    violation: 'a log group kept forever',
    violating: res({ aws_cloudwatch_log_group: { g: { name: '/ecs/app' } } }),
    compliant: res({ aws_cloudwatch_log_group: { g: { name: '/ecs/app', retention_in_days: 30 } } }),
  },
  IAM001: {
    violation: 'an action wildcard of a service',
    violating: rolePolicy([{ Effect: 'Allow', Action: ['dynamodb:*'], Resource: ['${aws_dynamodb_table.t.arn}'] }]),
    compliant: rolePolicy([{ Effect: 'Allow', Action: ['dynamodb:GetItem'], Resource: ['${aws_dynamodb_table.t.arn}'] }]),
  },
  IAM002: {
    violation: 'a table action on every resource',
    violating: rolePolicy([{ Effect: 'Allow', Action: ['dynamodb:GetItem'], Resource: '*' }]),
    compliant: rolePolicy([{ Effect: 'Allow', Action: ['ecr:GetAuthorizationToken'], Resource: '*' }]),
  },
  IAM003: {
    violation: 'a policy rendered with jsonencode',
    violating: res({ aws_iam_role_policy: { p: { policy: '${jsonencode({"Statement" = []})}' } } }),
    compliant: rolePolicy([{ Effect: 'Allow', Action: ['dynamodb:GetItem'], Resource: ['${aws_dynamodb_table.t.arn}'] }]),
  },
  VPC001: {
    violation: 'a subnet that maps public IPs on launch',
    violating: res({ aws_subnet: { s: { map_public_ip_on_launch: true } } }),
    compliant: res({ aws_subnet: { s: { map_public_ip_on_launch: false } } }),
  },
  VPC002: {
    violation: 'a VPC whose only gateway endpoint is S3',
    violating: network({ endpoint: { service_name: 'com.amazonaws.eu-west-1.s3' } }),
    compliant: network(),
  },
  VPC003: { violation: 'a VPC whose default security group is not adopted', violating: network({ defaultSg: null }), compliant: network() },
  VPC004: {
    violation: 'a prod VPC without a flow log',
    violating: network(),
    compliant: { resource: { ...network().resource, aws_flow_log: { f: { vpc_id: '${aws_vpc.vpc.id}', traffic_type: 'ALL' } } } },
    context: { environment: 'prod' },
  },
  TF001: {
    violation: 'an S3 backend without locking',
    violating: { terraform: { backend: { s3: { bucket: 'b', key: 'k', encrypt: true } } } },
    compliant: { terraform: { backend: { s3: { bucket: 'b', key: 'k', encrypt: true, use_lockfile: true } } } },
  },
  TF002: {
    violation: 'a state bucket without versioning',
    violating: stateBucket('aws_s3_bucket_versioning'),
    compliant: stateBucket(),
    context: { stackId: 'bootstrap' },
  },
  TF003: {
    violation: 'a state bucket without a bucket key',
    violating: stateBucket(undefined, { bucket_key_enabled: false }),
    compliant: stateBucket(),
    context: { stackId: 'bootstrap' },
  },
  IAM006: {
    violation: 'a role every branch of a repository may assume',
    violating: githubRole('repo:acme/bookmarks:*'),
    compliant: githubRole('repo:acme/bookmarks:ref:refs/heads/main'),
  },
  ...STORAGE_CASES,
  ...MONITORING_CASES,
};

describe('rule catalogue', () => {
  it('has at least 25 rules with unique ids, each with a mirror, a title and a fix', () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThanOrEqual(25);
    expect(RULES.filter((r) => !r.mirrors || !r.title || !r.fix).map((r) => r.id)).toEqual([]);
  });

  it('has a violating and a compliant case for every rule', () => {
    expect(Object.keys(CASES).sort()).toEqual(RULES.map((r) => r.id).sort());
  });
});

describe.each(Object.entries(CASES))('%s', (ruleId, c) => {
  it(`fires on ${c.violation}`, () => {
    expect(run(ruleId, c.violating, c.context)).not.toEqual([]);
  });

  it('passes the compliant fixture', () => {
    expect(run(ruleId, c.compliant, c.context)).toEqual([]);
  });
});

// ------------------------------------------------------------------------------------------------
// Edge cases of the rules that reason about more than one attribute.

describe('environment scope', () => {
  it('skips the DynamoDB protections in local, whose embedded DynamoDB has none of them', () => {
    const bare = table({ point_in_time_recovery: undefined, server_side_encryption: undefined, deletion_protection_enabled: undefined, lifecycle: undefined });
    expect(['DDB001', 'DDB002', 'DDB003', 'DDB004'].flatMap((id) => run(id, bare, { environment: 'local' }))).toEqual([]);
  });

  it('does not require load balancer deletion protection in dev', () => {
    expect(run('ALB003', albStack({ lb: { enable_deletion_protection: false } }), { environment: 'dev' })).toEqual([]);
  });
});

describe('DDB005 autoscaling', () => {
  it('accepts a provisioned table with an autoscaling target for it', () => {
    const doc = res({
      aws_dynamodb_table: { t: { ...goodTable, billing_mode: 'PROVISIONED' } },
      aws_appautoscaling_target: { read: { service_namespace: 'dynamodb', resource_id: 'table/${aws_dynamodb_table.t.name}' } },
    });
    expect(run('DDB005', doc)).toEqual([]);
  });
});

describe('ECR003 lifecycle policy', () => {
  it('does not count a lifecycle policy of another repository', () => {
    const doc = res({
      aws_ecr_repository: { repo: goodRepository, other: { ...goodRepository, name: 'other' } },
      aws_ecr_lifecycle_policy: { keep: { repository: '${aws_ecr_repository.other.name}', policy: '{}' } },
    });
    expect(run('ECR003', doc)).toEqual(['aws_ecr_repository.repo: no lifecycle policy: old images pile up and keep their storage cost and vulnerabilities']);
  });
});

describe('ALB002 redirect', () => {
  it('allows a plain HTTP listener on a load balancer without HTTPS', () => {
    const doc = res({ aws_lb_listener: { http: { load_balancer_arn: '${aws_lb.alb.arn}', port: 80, protocol: 'HTTP', default_action: forward } } });
    expect(run('ALB002', doc)).toEqual([]);
  });

  it('rejects a redirect that stays on HTTP', () => {
    const doc = albStack({ httpAction: [{ type: 'redirect', redirect: { protocol: 'HTTP', port: '8080' } }] });
    expect(run('ALB002', doc)).toHaveLength(1);
  });
});

describe('ALB004 TLS policy', () => {
  it('rejects an HTTPS listener that leaves the policy to the provider default', () => {
    const doc = albStack();
    delete (doc.resource?.aws_lb_listener.https as Record<string, unknown>).ssl_policy;
    expect(run('ALB004', doc)).toEqual(['aws_lb_listener.https: no ssl_policy: the provider default still accepts TLS 1.0']);
  });
});

describe('SG001 open ingress', () => {
  it('rejects an open port on a group that no load balancer uses', () => {
    const doc = res({
      aws_security_group: { tasks: { description: 'Tasks' } },
      aws_vpc_security_group_ingress_rule: {
        web: { security_group_id: '${aws_security_group.tasks.id}', ip_protocol: 'tcp', from_port: 443, to_port: 443, cidr_ipv4: '0.0.0.0/0', description: 'x' },
      },
    });
    expect(run('SG001', doc)).toEqual(['aws_vpc_security_group_ingress_rule.web: tcp port 443 open to the internet (0.0.0.0/0)']);
  });

  it('rejects all-protocol ingress from ::/0 even on a load balancer group', () => {
    const doc = albStack();
    (doc.resource?.aws_vpc_security_group_ingress_rule as Record<string, unknown>).all = {
      security_group_id: '${aws_security_group.alb.id}',
      ip_protocol: '-1',
      cidr_ipv6: '::/0',
      description: 'everything',
    };
    expect(run('SG001', doc)).toEqual(['aws_vpc_security_group_ingress_rule.all: all traffic open to the internet (::/0)']);
  });

  it('reports an open inline ingress block on its group', () => {
    const doc = res({
      aws_security_group: { sg: { description: 'x', ingress: [{ protocol: 'tcp', from_port: 22, to_port: 22, cidr_blocks: ['0.0.0.0/0'], description: 'ssh' }] } },
    });
    expect(run('SG001', doc)).toEqual(['aws_security_group.sg: tcp port 22 open to the internet (0.0.0.0/0)']);
  });

  it('checks aws_security_group_rule ingress rules', () => {
    const doc = res({
      aws_security_group_rule: { r: { type: 'ingress', protocol: 'tcp', from_port: 0, to_port: 65535, cidr_blocks: ['0.0.0.0/0'], description: 'x' } },
    });
    expect(run('SG001', doc)).toEqual(['aws_security_group_rule.r: tcp ports 0-65535 open to the internet (0.0.0.0/0)']);
  });

  it('allows ingress from inside the VPC on any port', () => {
    const doc = res({
      aws_security_group: { sg: { description: 'x', ingress: [{ protocol: 'tcp', from_port: 443, to_port: 443, cidr_blocks: ['10.0.0.0/16'], description: 'VPC' }] } },
    });
    expect(run('SG001', doc)).toEqual([]);
  });
});

describe('SG002 descriptions', () => {
  it('rejects a group left with the provider default description', () => {
    const doc = res({ aws_security_group: { sg: { description: 'Managed by Terraform' } } });
    expect(run('SG002', doc)).toEqual(['aws_security_group.sg: the group has no description of its own']);
  });

  it('rejects a standalone egress rule without a description', () => {
    const doc = res({ aws_vpc_security_group_egress_rule: { out: { ip_protocol: 'tcp', from_port: 443, to_port: 443, cidr_ipv4: '0.0.0.0/0' } } });
    expect(run('SG002', doc)).toEqual(['aws_vpc_security_group_egress_rule.out: the rule has no description']);
  });
});

describe('ECS containers', () => {
  it('rejects a container without a user, which runs as root by default', () => {
    expect(run('ECS002', task({ user: undefined }))).toHaveLength(1);
  });

  it('rejects uid 0 with a group', () => {
    expect(run('ECS002', task({ user: '0:1000' }))).toEqual(['aws_ecs_task_definition.task: container "api": runs as 0:1000']);
  });

  it('names every plaintext secret of a container in one finding', () => {
    const environment = [
      { name: 'DB_PASSWORD', value: 'x' },
      { name: 'GITHUB_TOKEN', value: 'y' },
      { name: 'PORT', value: '8080' },
    ];
    expect(run('ECS003', task({ environment }))).toEqual(['aws_ecs_task_definition.task: container "api": plaintext value for DB_PASSWORD, GITHUB_TOKEN']);
  });

  it('allows a secret-looking variable with an empty value', () => {
    expect(run('ECS003', task({ environment: [{ name: 'API_KEY', value: '' }] }))).toEqual([]);
  });

  it('leaves unreadable container definitions to ECS009 instead of guessing', () => {
    const doc = res({ aws_ecs_task_definition: { task: { container_definitions: '${jsonencode([])}' } } });
    expect(['ECS001', 'ECS002', 'ECS003', 'ECS004', 'ECS005'].flatMap((id) => run(id, doc))).toEqual([]);
  });
});

describe('looksSecret', () => {
  it.each(['PASSWORD', 'BASIC_AUTH_PASSWORD', 'CLIENT_SECRET', 'SESSION_TOKEN', 'API_KEY', 'AWS_SECRET_ACCESS_KEY', 'PRIVATE_KEY', 'DB_CREDENTIALS'])(
    'takes %s for a secret',
    (name) => {
      expect(looksSecret(name)).toBe(true);
    },
  );

  it.each(['TABLE_NAME', 'PARTITION_KEY', 'SORT_KEY', 'PORT', 'CURSOR_TTL_SECONDS'])('takes %s for a plain setting', (name) => {
    expect(looksSecret(name)).toBe(false);
  });
});

describe('ECS008 public IP', () => {
  it('allows public task IPs when the configuration asks for public mode', () => {
    const doc = service({ network_configuration: { subnets: ['subnet-1'], assign_public_ip: true } });
    expect(run('ECS008', doc, { allowPublicTaskIp: true })).toEqual([]);
  });
});

describe('ECS007 circuit breaker', () => {
  it('does not apply to services deployed by CodeDeploy', () => {
    expect(run('ECS007', service({ deployment_circuit_breaker: undefined, deployment_controller: { type: 'CODE_DEPLOY' } }))).toEqual([]);
  });
});

describe('IAM policies', () => {
  it('allows `*` for the ECS Exec channel actions', () => {
    const statements = [{ Effect: 'Allow', Action: ['ssmmessages:CreateControlChannel', 'ssmmessages:OpenDataChannel'], Resource: ['*'] }];
    expect(run('IAM002', rolePolicy(statements))).toEqual([]);
  });

  it('names only the actions that need a resource when an allowed one shares the statement', () => {
    const statements = [{ Effect: 'Allow', Action: ['ecr:GetAuthorizationToken', 'ecr:BatchGetImage'], Resource: '*' }];
    expect(run('IAM002', rolePolicy(statements))).toEqual(['aws_iam_role_policy.p: policy grants ecr:BatchGetImage on every resource (*)']);
  });

  it('ignores wildcards in Deny statements', () => {
    expect(run('IAM001', rolePolicy([{ Effect: 'Deny', Action: '*', Resource: '*' }]))).toEqual([]);
  });

  it('rejects NotAction in an Allow statement', () => {
    expect(run('IAM001', rolePolicy([{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }]))).toHaveLength(1);
  });

  it('checks inline policies of roles', () => {
    const doc = res({ aws_iam_role: { r: { assume_role_policy: '{}', inline_policy: [{ name: 'app', policy: policy([{ Effect: 'Allow', Action: '*', Resource: '*' }]) }] } } });
    expect(run('IAM001', doc)).toEqual(['aws_iam_role.r: inline policy "app" allows *']);
  });

  it('checks policy documents and not the role policies that merely refer to them', () => {
    const doc: TfJson = {
      data: { aws_iam_policy_document: { doc: { statement: [{ actions: ['s3:*'], resources: ['arn:aws:s3:::bucket/*'] }] } } },
      resource: { aws_iam_role_policy: { p: { policy: '${data.aws_iam_policy_document.doc.json}' } } },
    };
    expect(run('IAM001', doc)).toEqual(['data.aws_iam_policy_document.doc: policy document allows s3:*']);
  });

  it('does not read a trust policy as a grant, so it may be any expression', () => {
    expect(run('IAM003', res({ aws_iam_role: { r: { assume_role_policy: '${jsonencode({})}' } } }))).toEqual([]);
  });
});

describe('ALB007 HTTPS in prod', () => {
  it('lets an internal load balancer serve HTTP inside the VPC', () => {
    expect(run('ALB007', plainHttpAlb({ internal: true }), { environment: 'prod' })).toEqual([]);
  });

  it('does not ask for HTTPS outside prod', () => {
    expect(run('ALB007', plainHttpAlb())).toEqual([]);
  });

  it('names the HTTP listener that forwards beside an HTTPS one', () => {
    expect(run('ALB007', albStack({ httpAction: forward }), { environment: 'prod' })).toEqual([
      'aws_lb_listener.http: HTTP listener on port 80 serves plain HTTP to the internet in prod',
    ]);
  });
});

describe('ALB006 listener rule priorities', () => {
  it('rejects a rule without a priority', () => {
    expect(run('ALB006', listenerRules(10, undefined))).toEqual([
      'aws_lb_listener_rule.b: no priority: AWS appends the rule after the others, so the order of rules depends on the order of creation',
    ]);
  });

  it('accepts one priority on two different listeners', () => {
    const doc = listenerRules(10, 10);
    (doc.resource?.aws_lb_listener_rule.b as Record<string, unknown>).listener_arn = '${aws_lb_listener.other.arn}';
    expect(run('ALB006', doc)).toEqual([]);
  });
});

describe('IAM004 roles per task', () => {
  it('rejects a task whose task role is its execution role', () => {
    const doc = res({ aws_ecs_task_definition: { t: { family: 't', task_role_arn: '${aws_iam_role.r.arn}', execution_role_arn: '${aws_iam_role.r.arn}' } } });
    expect(run('IAM004', doc)).toEqual(['aws_ecs_task_definition.t: the task role is also the execution role: the application gets what ECS needs to start it']);
  });
});

describe('DNS001 internal names', () => {
  it('rejects an internal load balancer named in a zone outside the stack (a public zone id)', () => {
    const doc = internalAlias(true);
    (doc.resource?.aws_route53_record.r as Record<string, unknown>).zone_id = 'Z0123456789';
    expect(run('DNS001', doc)).toEqual([
      'aws_route53_record.r: names the internal load balancer aws_lb.internal in the zone Z0123456789, which is not a private zone of this stack',
    ]);
  });

  it('has nothing to say about an internet-facing load balancer in a public zone', () => {
    const doc = internalAlias(false);
    (doc.resource?.aws_lb.internal as Record<string, unknown>).internal = false;
    expect(run('DNS001', doc)).toEqual([]);
  });
});

describe('VPC004 flow logs', () => {
  it('does not ask for flow logs outside prod', () => {
    expect(run('VPC004', network(), { environment: 'dev' })).toEqual([]);
  });

  it('does not count a flow log of another VPC', () => {
    const doc = { resource: { ...network().resource, aws_vpc: { vpc: {}, other: {} }, aws_flow_log: { f: { vpc_id: '${aws_vpc.other.id}' } } } };
    expect(run('VPC004', doc, { environment: 'prod' })).toEqual(['aws_vpc.vpc: no flow log: there is no record of who talked to what when an incident needs one']);
  });
});

describe('VPC003 default security group', () => {
  it('rejects an adopted default group that keeps rules', () => {
    const doc = network({ defaultSg: { ingress: [{ protocol: '-1', from_port: 0, to_port: 0, self: true }] } });
    expect(run('VPC003', doc)).toEqual(['aws_default_security_group.d: the default security group has rules; anything launched without a group gets them']);
  });
});

describe('TF001 state backend', () => {
  it('accepts DynamoDB locking', () => {
    expect(run('TF001', { terraform: { backend: { s3: { encrypt: true, dynamodb_table: 'locks' } } } })).toEqual([]);
  });

  it('rejects an unencrypted S3 backend', () => {
    expect(run('TF001', { terraform: { backend: { s3: { use_lockfile: true } } } })).toEqual(['terraform.backend: state is stored unencrypted']);
  });

  it('has nothing to say about a local backend', () => {
    expect(run('TF001', { terraform: { backend: { local: { path: 'x.tfstate' } } } })).toEqual([]);
  });
});

describe('scannerIds', () => {
  it('lists the checkov ids and the trivy ids and check names a rule mirrors', () => {
    expect(scannerIds('checkov CKV_AWS_2, CKV2_AWS_20; trivy AWS-0054; tfsec aws-elb-http-not-used; Security Hub ELB.1')).toBe(
      'CKV_AWS_2, CKV2_AWS_20, AVD-AWS-0054, aws-elb-http-not-used',
    );
  });

  it('says "-" for a rule that mirrors no scanner check', () => {
    expect(scannerIds('own (Security Hub ECS.1)')).toBe('-');
  });
});

describe('MON001 rollback alarms', () => {
  const own = '${aws_cloudwatch_metric_alarm.a.alarm_name}';
  it('rejects rollback alarms that watch a target group of another service', () => {
    const alarms = { a: groupAlarm('a'), b: groupAlarm('b') };
    expect(run('MON001', serviceWithAlarms([own, '${aws_cloudwatch_metric_alarm.b.alarm_name}'], alarms))).toEqual([
      expect.stringMatching(/watches aws_lb_target_group\.b, which is not a target group of this service/),
    ]);
  });

  it('rejects a service with two target groups whose alarms watch only one', () => {
    expect(run('MON001', serviceWithAlarms([own], { a: groupAlarm('a') }, ['b']))).toEqual([
      expect.stringMatching(/no deployment alarm watches its target group aws_lb_target_group\.b/),
    ]);
  });

  it('accepts alarms named by their literal names', () => {
    expect(run('MON001', serviceWithAlarms(['app-a-5xx-rate']))).toEqual([]);
  });

  it('rejects alarms that watch but do not roll back', () => {
    const json = serviceWithAlarms([own]);
    const svc = (json.resource as Record<string, Record<string, Record<string, unknown>>>).aws_ecs_service.svc;
    svc.alarms = { enable: true, rollback: false, alarm_names: [own] };
    expect(run('MON001', json)).toEqual([expect.stringMatching(/no deployment alarms with rollback/)]);
  });

  it('does not apply in local or the sandbox', () => {
    expect(run('MON001', serviceWithAlarms(null), { environment: 'local' })).toEqual([]);
    expect(run('MON001', serviceWithAlarms(null), { environment: 'sandbox' })).toEqual([]);
  });
});

describe('the rule table of docs/policy.md', () => {
  it('has a row for every rule with its mirrors, check and fix', () => {
    const doc = fs.readFileSync(path.join(__dirname, '../../docs/policy.md'), 'utf8');
    const row = (r: (typeof RULES)[number]) => [r.id, r.mirrors, scannerIds(r.mirrors), r.title, r.fix].map((cell) => cell.replace(/\|/g, '\\|')).join(' | ');
    expect(RULES.filter((r) => !doc.includes(`| ${row(r)} |`)).map((r) => r.id)).toEqual([]);
  });
});
