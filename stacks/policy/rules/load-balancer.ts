/** Load balancer rules: header hygiene, HTTPS, TLS policy, health checks, deletion protection. */
import type { Rule } from '../types';
import { block, blocks, referenceAddress, type TfElement } from '../../lib/tf-json';
import { inProd, isTrue, numberOf, perResource, text, unlessTeardown } from './attributes';

/** Load balancer resource types (aws_alb is the older alias). */
export const LB = ['aws_lb', 'aws_alb'];
/** Listener resource types. */
export const LISTENER = ['aws_lb_listener', 'aws_alb_listener'];
const TARGET_GROUP = ['aws_lb_target_group', 'aws_alb_target_group'];
const LISTENER_RULE = ['aws_lb_listener_rule', 'aws_alb_listener_rule'];
/** TLS 1.2+ policies with forward secrecy only (the provider default, ELBSecurityPolicy-2016-08, allows TLS 1.0). */
const MODERN_TLS_POLICY = /^ELBSecurityPolicy-(TLS13-1-[23]-|TLS-1-2-|FS-1-2-)/;

const isApplicationLb = (lb: TfElement) => (lb.props.load_balancer_type ?? 'application') === 'application';
const listenerProtocol = (listener: TfElement) => String(listener.props.protocol ?? 'HTTP').toUpperCase();
const isInternetFacing = (lb: TfElement) => !isTrue(lb.props.internal);
const redirectsToHttps = (listener: TfElement) => blocks(listener.props.default_action).some((a) => a.type === 'redirect' && block(a.redirect)?.protocol === 'HTTPS');

/** The load balancer rules. */
export const loadBalancerRules: readonly Rule[] = [
  perResource({
    id: 'ALB001',
    mirrors: 'checkov CKV_AWS_131; tfsec aws-elb-drop-invalid-headers',
    title: 'Application load balancers drop invalid HTTP headers',
    fix: 'set dropInvalidHeaderFields: true on the load balancer',
    resourceTypes: LB,
    test: (lb) => (!isApplicationLb(lb) || isTrue(lb.props.drop_invalid_header_fields) ? undefined : 'invalid headers are passed to targets (request smuggling)'),
  }),
  {
    id: 'ALB002',
    mirrors: 'checkov CKV2_AWS_20; tfsec aws-elb-http-not-used',
    title: 'When a load balancer has an HTTPS listener, every HTTP listener redirects to HTTPS',
    fix: "give the HTTP listener a default action { type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' } }",
    resourceTypes: LISTENER,
    check(doc) {
      const listeners = doc.resources(...LISTENER);
      const withHttps = new Set(listeners.filter((l) => listenerProtocol(l) === 'HTTPS').map((l) => String(l.props.load_balancer_arn)));
      return listeners
        .filter((l) => listenerProtocol(l) === 'HTTP' && withHttps.has(String(l.props.load_balancer_arn)))
        .filter((l) => !redirectsToHttps(l))
        .map((element) => ({ element, message: `HTTP listener on port ${element.props.port} serves plain HTTP beside HTTPS` }));
    },
  },
  {
    id: 'ALB007',
    mirrors: 'checkov CKV_AWS_2, CKV2_AWS_20; trivy AWS-0054',
    title: 'Internet-facing application load balancers in prod serve HTTPS, and every HTTP listener on them redirects',
    fix: 'give the service a certificate (CDKTF_CERTIFICATE_ARN, external.certificateArn, CDKTF_PUBLIC_ZONE_ID with CDKTF_PUBLIC_RECORD_NAME, CDKTF_WORDPRESS_CERTIFICATE_ARN)',
    resourceTypes: [...LB, ...LISTENER],
    check(doc, context) {
      if (!inProd(context)) return [];
      const listeners = doc.resources(...LISTENER);
      return doc
        .resources(...LB)
        .filter((lb) => isApplicationLb(lb) && isInternetFacing(lb))
        .flatMap((lb) => {
          const own = listeners.filter((l) => referenceAddress(l.props.load_balancer_arn) === lb.address);
          const plain = own.filter((l) => listenerProtocol(l) === 'HTTP' && !redirectsToHttps(l));
          if (!own.some((l) => listenerProtocol(l) === 'HTTPS')) return [{ element: lb, message: 'serves the internet in prod without an HTTPS listener' }];
          return plain.map((element) => ({ element, message: `HTTP listener on port ${element.props.port} serves plain HTTP to the internet in prod` }));
        });
    },
  },
  perResource({
    id: 'ALB008',
    mirrors: 'checkov CKV_AWS_91; cdk-nag ELB2; Security Hub ELB.5',
    title: 'Internet-facing load balancers in prod write access logs',
    fix: 'set CDKTF_ALB_ACCESS_LOG_DAYS (or CDKTF_WORDPRESS_ALB_ACCESS_LOG_DAYS) above 0; LoadBalancer accessLogs then names a LogBucket',
    resourceTypes: LB,
    appliesTo: inProd,
    test: (lb) => {
      if (!isInternetFacing(lb)) return undefined;
      const logs = block(lb.props.access_logs);
      return logs && isTrue(logs.enabled) && text(logs.bucket) ? undefined : 'no access logs: requests to the internet-facing load balancer leave no trace';
    },
  }),
  perResource({
    id: 'ALB009',
    mirrors: 'checkov CKV_AWS_328',
    title: 'Application load balancers mitigate HTTP desync (defensive or strictest, never monitor)',
    fix: "leave desyncMitigationMode unset (defensive) or set it to 'strictest'",
    resourceTypes: LB,
    test: (lb) => (isApplicationLb(lb) && lb.props.desync_mitigation_mode === 'monitor' ? 'desync mitigation only monitors: ambiguous requests reach the targets' : undefined),
  }),
  perResource({
    id: 'ALB003',
    mirrors: 'checkov CKV_AWS_150',
    title: 'Load balancers in prod have deletion protection',
    fix: 'set enableDeletionProtection: true on the load balancer in prod',
    resourceTypes: LB,
    appliesTo: unlessTeardown(inProd),
    test: (lb) => (isTrue(lb.props.enable_deletion_protection) ? undefined : 'deletion protection is off in prod'),
  }),
  perResource({
    id: 'ALB004',
    mirrors: 'checkov CKV_AWS_103; tfsec aws-elb-use-secure-tls-policy',
    title: 'HTTPS listeners use a TLS 1.2+ security policy',
    fix: "set sslPolicy to e.g. 'ELBSecurityPolicy-TLS13-1-2-2021-06'",
    resourceTypes: LISTENER,
    test: (l) => {
      if (listenerProtocol(l) !== 'HTTPS') return undefined;
      const policy = l.props.ssl_policy;
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
      if (tg.props.target_type === 'lambda') return undefined;
      const check = block(tg.props.health_check);
      if (check?.enabled === false || check?.enabled === 'false') return 'health checks are disabled';
      const http = ['HTTP', 'HTTPS'].includes(String(tg.props.protocol ?? 'HTTP').toUpperCase());
      return http && !text(check?.path) ? 'no health check path: a target that cannot serve the app still counts as healthy' : undefined;
    },
  }),
  {
    id: 'ALB006',
    mirrors: 'own',
    title: 'Listener rules name a priority, unique on their listener',
    fix: 'give each rule an explicit priority (LoadBalancer.addTargets priority), different from every other rule of its listener',
    resourceTypes: LISTENER_RULE,
    check(doc) {
      const rules = doc.resources(...LISTENER_RULE);
      return rules.flatMap((rule) => {
        const priority = numberOf(rule.props.priority);
        if (priority === undefined)
          return [{ element: rule, message: 'no priority: AWS appends the rule after the others, so the order of rules depends on the order of creation' }];
        const clash = rules.find((other) => other !== rule && other.props.listener_arn === rule.props.listener_arn && numberOf(other.props.priority) === priority);
        return clash ? [{ element: rule, message: `priority ${priority} is also the priority of ${clash.address} on the same listener` }] : [];
      });
    },
  },
];
