/** ECS rules: container hardening, logging, secrets, cluster and service settings. */
import type { Rule } from '../types';
import { block, blocks, isRecord, type TfAttributes, type TfElement } from '../../lib/tf-json';
import { isTrue, perResource, text } from './attributes';

const TASK_DEFINITION = ['aws_ecs_task_definition'];

/** The container definitions of a task definition, or undefined when they are not a JSON literal. */
function containersOf(task: TfElement): TfAttributes[] | undefined {
  const raw = task.props.container_definitions;
  if (typeof raw !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? parsed.filter(isRecord) : undefined;
  } catch {
    return undefined;
  }
}

/** A rule about each container of each task definition; unreadable definitions are ECS009's finding. */
function perContainer(spec: Omit<Rule, 'check' | 'resourceTypes'> & { readonly test: (container: TfAttributes) => string | undefined }): Rule {
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

/** The ECS rules. */
export const ecsRules: readonly Rule[] = [
  perResource({
    id: 'ECS010',
    mirrors: 'checkov CKV_AWS_335; Security Hub ECS.1, ECS.3',
    title: "Task definitions use awsvpc networking and share neither the host's process nor its IPC namespace",
    fix: "set networkMode: 'awsvpc' and leave pidMode and ipcMode unset (FargateTaskDefinition does)",
    resourceTypes: TASK_DEFINITION,
    test: (task) => {
      const problems = [
        task.props.network_mode === 'awsvpc' ? undefined : `network mode ${String(task.props.network_mode ?? 'bridge')}`,
        task.props.pid_mode === 'host' ? "the host's process namespace" : undefined,
        task.props.ipc_mode === 'host' ? "the host's IPC namespace" : undefined,
      ].filter((p) => p !== undefined);
      return problems.length === 0 ? undefined : `shares with the host: ${problems.join(', ')}`;
    },
  }),
  perContainer({
    id: 'ECS011',
    mirrors: 'own (Security Hub ECS.4 for privileged; AWS Fargate allows only SYS_PTRACE)',
    title: 'Containers add no Linux capabilities',
    fix: 'remove linuxParameters.capabilities.add from the container definition',
    test: (c) => {
      const add = block(block(c.linuxParameters)?.capabilities)?.add;
      const names = Array.isArray(add) ? add.map(String) : [];
      return names.length === 0 ? undefined : `adds the capabilities ${names.join(', ')}`;
    },
  }),
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
      blocks(c.props.setting).some((s) => s.name === 'containerInsights' && ['enabled', 'enhanced'].includes(String(s.value))) ? undefined : 'Container Insights is off',
  }),
  perResource({
    id: 'ECS007',
    mirrors: 'own',
    title: 'ECS services roll back failed deployments (deployment circuit breaker)',
    fix: 'set deploymentCircuitBreaker: { enable: true, rollback: true } on the service',
    resourceTypes: ['aws_ecs_service'],
    test: (s) => {
      const controller = String(block(s.props.deployment_controller)?.type ?? 'ECS');
      if (controller !== 'ECS') return undefined;
      const breaker = block(s.props.deployment_circuit_breaker);
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
      isTrue(block(s.props.network_configuration)?.assign_public_ip) && !context.allowPublicTaskIp
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
