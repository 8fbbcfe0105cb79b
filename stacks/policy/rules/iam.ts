/** IAM rules: named actions, named resources, readable policies. */
import type { Rule } from '../types';
import { blocks, isRecord, type TfAttributes, type TfDocument, type TfElement } from '../../lib/tf-json';
import { perResource, strings } from './attributes';
import { DEPLOY_ACTIONS_ON_ANY_RESOURCE } from '../../lib/deploy-actions';

/** The AWS principals of the Allow statements of a trust policy given as JSON (`*` for `Principal: "*"`). */
function trustedPrincipals(policy: unknown): string[] {
  if (typeof policy !== 'string') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(policy);
  } catch {
    return [];
  }
  if (!isRecord(parsed)) return [];
  return blocks(parsed.Statement)
    .filter((s) => s.Effect === 'Allow')
    .flatMap((s) => (s.Principal === '*' ? ['*'] : isRecord(s.Principal) ? strings(s.Principal.AWS) : []));
}

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
 * the X-Ray daemon's calls, and the CI deploy role's (stacks/lib/deploy-actions.ts).
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
  // The CI deploy role's listing and describing across a service, and the creations AWS authorizes only on `*`.
  ...DEPLOY_ACTIONS_ON_ANY_RESOURCE,
]);

/** Where each field of a statement lives: in IAM JSON (`Action`) or in a policy document block (`actions`). */
type StatementKeys = Readonly<Record<keyof Statement, string>>;
const JSON_KEYS: StatementKeys = { effect: 'Effect', actions: 'Action', notActions: 'NotAction', resources: 'Resource', notResources: 'NotResource' };
const DOCUMENT_KEYS: StatementKeys = { effect: 'effect', actions: 'actions', notActions: 'not_actions', resources: 'resources', notResources: 'not_resources' };

function toStatement(s: TfAttributes, keys: StatementKeys): Statement {
  return {
    effect: String(s[keys.effect] ?? 'Allow'),
    actions: strings(s[keys.actions]),
    notActions: strings(s[keys.notActions]),
    resources: strings(s[keys.resources]),
    notResources: strings(s[keys.notResources]),
  };
}

/** Statements of a policy JSON string; undefined when it is not literal JSON. */
function parsePolicy(policy: string): Statement[] | undefined {
  try {
    const parsed: unknown = JSON.parse(policy);
    if (!isRecord(parsed)) return undefined;
    return blocks(parsed.Statement).map((statement) => toStatement(statement, JSON_KEYS));
  } catch {
    return undefined;
  }
}

/**
 * Every permissions policy of the stack: policy documents (data sources) and the JSON of role
 * policies, managed policies and inline role policies. A policy that refers to a policy document
 * is left to the document. Trust policies (`assume_role_policy`) grant no permissions and are skipped.
 */
function policySources(doc: TfDocument): PolicySource[] {
  const sources: PolicySource[] = doc.dataSources('aws_iam_policy_document').map((element) => ({
    element,
    label: 'policy document',
    statements: [
      ...blocks(element.props.statement).map((statement) => toStatement(statement, DOCUMENT_KEYS)),
      ...[...strings(element.props.source_policy_documents), ...strings(element.props.override_policy_documents)]
        .filter((p) => doc.referenced(p) === undefined)
        .flatMap((p) => parsePolicy(p) ?? []),
    ],
  }));
  const fromString = (element: TfElement, label: string, policy: unknown): PolicySource[] => {
    if (doc.referenced(policy)?.type === 'aws_iam_policy_document') return [];
    return [{ element, label, statements: typeof policy === 'string' ? parsePolicy(policy) : undefined }];
  };
  for (const element of doc.resources('aws_iam_role_policy', 'aws_iam_policy')) {
    sources.push(...fromString(element, 'policy', element.props.policy));
  }
  for (const role of doc.resources('aws_iam_role')) {
    for (const inline of blocks(role.props.inline_policy)) {
      if (inline.policy !== undefined) sources.push(...fromString(role, `inline policy "${String(inline.name ?? '?')}"`, inline.policy));
    }
  }
  return sources;
}

const IAM_TYPES = ['aws_iam_role_policy', 'aws_iam_policy', 'aws_iam_role'];
const isWildcardAction = (action: string) => action === '*' || /^[A-Za-z0-9-]+:\*$/.test(action);

/** The IAM rules. */
export const iamRules: readonly Rule[] = [
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
    fix: 'use the ARN (a `${...arn}` reference is fine); `*` is allowed only for the actions listed in docs/policy.md',
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
  {
    id: 'IAM004',
    mirrors: 'own',
    title: 'Every ECS task definition has a task role and an execution role of its own',
    fix: 'give each task definition its own two roles (FargateTaskDefinition creates them): a shared role grants one service what another needs',
    resourceTypes: ['aws_ecs_task_definition'],
    check(doc) {
      const tasks = doc.resources('aws_ecs_task_definition');
      const users = new Map<string, string[]>();
      for (const task of tasks) {
        for (const key of ['task_role_arn', 'execution_role_arn']) {
          const role = task.props[key];
          if (typeof role === 'string') users.set(role, [...(users.get(role) ?? []), `${task.address} (${key})`]);
        }
      }
      return tasks.flatMap((task) => {
        const messages: string[] = [];
        const { task_role_arn: taskRole, execution_role_arn: executionRole } = task.props;
        if (typeof taskRole === 'string' && taskRole === executionRole) messages.push('the task role is also the execution role: the application gets what ECS needs to start it');
        for (const role of [taskRole, executionRole]) {
          const shared = typeof role === 'string' ? (users.get(role) ?? []).filter((u) => !u.startsWith(`${task.address} `)) : [];
          if (shared.length > 0) messages.push(`${String(role)} is also used by ${shared.join(', ')}`);
        }
        return messages.map((message) => ({ element: task, message }));
      });
    },
  },
  perResource({
    id: 'IAM005',
    mirrors: 'checkov CKV_AWS_60, CKV_AWS_61',
    title: 'Trust policies let named services or roles assume a role: no `*` and no whole account',
    fix: 'name the service principal (trustPolicyDocument) or the exact role ARN that assumes the role',
    resourceTypes: ['aws_iam_role'],
    test: (role) => {
      const open = trustedPrincipals(role.props.assume_role_policy).filter((p) => p === '*' || /^\d{12}$/.test(p) || /^arn:[\w-]+:iam::\d{12}:root$/.test(p));
      return open.length === 0 ? undefined : `anyone in ${open.join(', ')} may assume the role`;
    },
  }),
];
