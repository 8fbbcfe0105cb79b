/**
 * Typed IAM policy statements and the one function that renders them to policy JSON. Every policy
 * of the service stack goes through `policyDocument`, which refuses wildcard actions.
 */
// From its own module: cdktf's index loads some 360 modules, which the settings that use these
// helpers (and every test of them) would otherwise pay for without synthesizing anything.
import { Token, Tokenization } from 'cdktf/lib/tokens/token';

/** One statement of an IAM policy. */
export interface PolicyStatement {
  /** Statement id: letters and digits only. */
  readonly sid: string;
  /** @default 'Allow' */
  readonly effect?: 'Allow' | 'Deny';
  /** Fully named actions, e.g. `dynamodb:GetItem`; wildcards are refused. */
  readonly actions: readonly string[];
  /** ARNs; `*` only where the action supports no resource-level permission. */
  readonly resources: readonly string[];
  /** IAM condition block, e.g. `{ StringEquals: { 'aws:SourceAccount': '123456789012' } }`. */
  readonly conditions?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

/** A trust policy statement: who may assume a role. */
export interface TrustStatement {
  readonly sid: string;
  /** Service principal, e.g. `ecs-tasks.amazonaws.com`. */
  readonly service: string;
}

/** Renders permission statements to IAM policy JSON (`Version` 2012-10-17). */
export function policyDocument(statements: readonly PolicyStatement[]): string {
  if (statements.length === 0) throw new Error('policyDocument: no statements; an IAM policy needs at least one');
  for (const statement of statements) {
    const wildcard = statement.actions.find((action) => action.includes('*'));
    if (wildcard) {
      throw new Error(`policyDocument: statement ${statement.sid} has the wildcard action "${wildcard}"; name each action`);
    }
    if (!/^[A-Za-z0-9]+$/.test(statement.sid)) {
      throw new Error(`policyDocument: sid "${statement.sid}" may hold only letters and digits`);
    }
    if (statement.actions.length === 0 || statement.resources.length === 0) {
      throw new Error(`policyDocument: statement ${statement.sid} needs at least one action and one resource`);
    }
  }
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: statements.map((s) => ({
      Sid: s.sid,
      Effect: s.effect ?? 'Allow',
      Action: [...s.actions],
      Resource: [...s.resources],
      ...(s.conditions ? { Condition: s.conditions } : {}),
    })),
  });
}

/** A statement of a resource policy (a bucket's, say): a permission statement with the principal it applies to. */
export interface ResourcePolicyStatement extends PolicyStatement {
  /** `'*'` (every caller, for Deny statements), an account or role ARN, or a service principal. */
  readonly principal: '*' | { readonly AWS: string } | { readonly Service: string };
}

/**
 * Renders a resource policy. Allow statements follow `policyDocument`'s rules and name a principal
 * other than `*`; a Deny statement may name `*` and a service's every action (`s3:*`), which is
 * how a deny without TLS covers every caller and every request.
 */
export function resourcePolicyDocument(statements: readonly ResourcePolicyStatement[]): string {
  const allows = statements.filter((s) => (s.effect ?? 'Allow') === 'Allow');
  const open = allows.find((s) => s.principal === '*');
  if (open) throw new Error(`resourcePolicyDocument: statement ${open.sid} allows every principal; name the account, role or service`);
  if (allows.length > 0) policyDocument(allows);
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: statements.map((s) => ({
      Sid: s.sid,
      Effect: s.effect ?? 'Allow',
      Principal: s.principal === '*' ? '*' : { ...s.principal },
      Action: [...s.actions],
      Resource: [...s.resources],
      ...(s.conditions ? { Condition: s.conditions } : {}),
    })),
  });
}

/**
 * Renders a KMS key policy: the account administers the key through IAM (the statement of AWS's
 * default key policy, https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html,
 * the one place a wildcard action is written), and each service statement follows
 * `resourcePolicyDocument`'s rules.
 */
export function keyPolicyDocument(accountRootArn: string, statements: readonly ResourcePolicyStatement[]): string {
  const services = JSON.parse(resourcePolicyDocument(statements)) as { Statement: unknown[] };
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: 'AccountAdministersKey', Effect: 'Allow', Principal: { AWS: accountRootArn }, Action: 'kms:*', Resource: '*' }, ...services.Statement],
  });
}

/** Renders a trust policy letting AWS services assume a role. */
export function trustPolicyDocument(statements: readonly TrustStatement[]): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: statements.map((s) => ({ Sid: s.sid, Effect: 'Allow', Principal: { Service: s.service }, Action: 'sts:AssumeRole' })),
  });
}

/** The DynamoDB actions a reader needs: items by key, by index and by scan; nothing that writes. */
export const DYNAMODB_READ_ACTIONS = ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'] as const;

/** Anything with a table ARN and the ARNs of its indexes. */
export interface ReadableTableArns {
  readonly tableArn: string;
  readonly indexArns: readonly string[];
}

/** Read-only access to exactly these tables and their indexes. */
export function dynamodbReadStatement(tables: readonly ReadableTableArns[]): PolicyStatement {
  return {
    sid: 'ReadTables',
    actions: DYNAMODB_READ_ACTIONS,
    resources: tables.flatMap((table) => [table.tableArn, ...table.indexArns]),
  };
}

/** Pulling images from one ECR repository; the token action has no resource-level permission. */
export function ecrPullStatements(repositoryArn: string): PolicyStatement[] {
  return [
    { sid: 'EcrAuthorizationToken', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] },
    {
      sid: 'EcrPullImage',
      actions: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
      resources: [repositoryArn],
    },
  ];
}

/** Writing log events into the streams of one log group. */
export function logWriteStatement(logGroupArn: string): PolicyStatement {
  // Log streams are resources below the group: `<group arn>:log-stream:<name>`, hence the `:*`.
  return { sid: 'WriteLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`${logGroupArn}:*`] };
}

/** ECS Exec's SSM session channels; AWS supports no resource narrower than `*` for them. */
export function ecsExecStatement(): PolicyStatement {
  return {
    sid: 'EcsExecChannels',
    actions: ['ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel', 'ssmmessages:OpenControlChannel', 'ssmmessages:OpenDataChannel'],
    resources: ['*'],
  };
}

/** Where a container secret comes from. */
export type SecretSource = 'secretsmanager' | 'ssm';

/** The service holding a secret `valueFrom` ARN, or undefined when it is neither Secrets Manager nor SSM. */
export function secretSource(valueFrom: string): SecretSource | undefined {
  // An ARN known only at apply is a Secrets Manager secret (a managed database secret, say).
  if (Token.isUnresolved(valueFrom)) return secretArnOf(valueFrom) === undefined ? undefined : 'secretsmanager';
  if (/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[^:]+/.test(valueFrom)) return 'secretsmanager';
  if (/^arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter\/.+/.test(valueFrom)) return 'ssm';
  return undefined;
}

/** `:<json key>:<version stage>:<version id>` after a secret ARN, each part possibly empty. */
const SECRET_SUFFIX = /^(:[^:]*){0,3}$/;

/**
 * The ARN to grant for a secret `valueFrom`: a Secrets Manager `valueFrom` may name a JSON key and
 * version after the secret ARN (`<arn>:<key>:<stage>:<version>`), but the policy needs the secret's
 * own ARN. A token (an ARN known only at apply, such as a database's managed secret) is taken as a
 * Secrets Manager secret ARN, alone or followed by such a suffix. Undefined when neither form fits.
 */
export function secretArnOf(valueFrom: string): string | undefined {
  if (Token.isUnresolved(valueFrom)) {
    const fragments = Tokenization.reverseString(valueFrom);
    if (fragments.tokens.length !== 1) return undefined;
    const suffix = fragments.literals.map(String).join('');
    const arn = valueFrom.slice(0, valueFrom.length - suffix.length);
    // The token must come first: `<token>:key::`, never `prefix<token>`.
    const leadingToken = valueFrom.endsWith(suffix) && Tokenization.reverseString(arn).literals.length === 0;
    return leadingToken && SECRET_SUFFIX.test(suffix) ? arn : undefined;
  }
  if (/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[^:]+/.test(valueFrom)) return valueFrom.split(':').slice(0, 7).join(':');
  if (/^arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter\/.+/.test(valueFrom)) return valueFrom;
  return undefined;
}

/** Reading the secrets that ECS injects at task start: each secret's own ARN (see {@link secretArnOf}). */
export function secretReadStatements(valueFroms: readonly string[]): PolicyStatement[] {
  const secrets = new Set<string>();
  const parameters = new Set<string>();
  for (const valueFrom of valueFroms) {
    const arn = secretArnOf(valueFrom);
    if (arn === undefined) {
      throw new Error(`secretReadStatements: "${valueFrom}" is neither a Secrets Manager secret ARN nor an SSM parameter ARN`);
    }
    (secretSource(valueFrom) === 'ssm' ? parameters : secrets).add(arn);
  }
  const statements: PolicyStatement[] = [];
  if (secrets.size > 0) statements.push({ sid: 'ReadSecrets', actions: ['secretsmanager:GetSecretValue'], resources: [...secrets] });
  if (parameters.size > 0) statements.push({ sid: 'ReadParameters', actions: ['ssm:GetParameters'], resources: [...parameters] });
  return statements;
}

/**
 * Statements of several sources as one policy without duplicate ids: statements that share a sid
 * and grant the same (effect, actions, conditions) become one with the union of their resources;
 * a sid reused for a different grant gets a number (`EcrPullImage2`), so no grant is lost.
 */
export function mergeStatements(statements: readonly PolicyStatement[]): PolicyStatement[] {
  const merged: PolicyStatement[] = [];
  const shape = (s: PolicyStatement) => JSON.stringify([s.effect ?? 'Allow', [...s.actions].sort(), s.conditions ?? null]);
  for (const statement of statements) {
    const same = merged.find((m) => numberedFrom(m.sid, statement.sid) && shape(m) === shape(statement));
    if (same) {
      const resources = [...same.resources, ...statement.resources.filter((r) => !same.resources.includes(r))];
      merged[merged.indexOf(same)] = { ...same, resources };
      continue;
    }
    let sid = statement.sid;
    for (let n = 2; merged.some((m) => m.sid === sid); n++) sid = `${statement.sid}${n}`;
    merged.push({ ...statement, sid });
  }
  return merged;
}

/** Whether `sid` is `root` or a numbered copy of it (`EcrPullImage2` of `EcrPullImage`). */
function numberedFrom(sid: string, root: string): boolean {
  return sid === root || (sid.startsWith(root) && /^\d+$/.test(sid.slice(root.length)));
}

/**
 * Mounting an EFS file system with IAM authorization, read-only or read-write, through one access
 * point when its ARN is known (the condition keeps the role off the rest of the file system).
 */
export function efsClientStatement(fileSystemArn: string, options: { readonly write: boolean; readonly accessPointArn?: string }): PolicyStatement {
  return {
    sid: options.write ? 'MountFileSystemReadWrite' : 'MountFileSystemReadOnly',
    actions: options.write ? ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'] : ['elasticfilesystem:ClientMount'],
    resources: [fileSystemArn],
    ...(options.accessPointArn ? { conditions: { StringEquals: { 'elasticfilesystem:AccessPointArn': options.accessPointArn } } } : {}),
  };
}
