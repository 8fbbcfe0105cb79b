import { TerraformStack, Testing } from 'cdktf';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import {
  dynamodbReadStatement,
  efsClientStatement,
  keyPolicyDocument,
  mergeStatements,
  secretArnOf,
  ecrPullStatements,
  ecsExecStatement,
  logWriteStatement,
  policyDocument,
  resourcePolicyDocument,
  secretReadStatements,
  trustPolicyDocument,
} from '../../stacks/lib/iam';

const TABLE = 'arn:aws:dynamodb:eu-west-1:123456789012:table/t';

describe('policyDocument', () => {
  it('renders typed statements to IAM JSON', () => {
    expect(JSON.parse(policyDocument([{ sid: 'Read', actions: ['dynamodb:GetItem'], resources: [TABLE] }]))).toEqual({
      Version: '2012-10-17',
      Statement: [{ Sid: 'Read', Effect: 'Allow', Action: ['dynamodb:GetItem'], Resource: [TABLE] }],
    });
  });

  it.each(['*', 'dynamodb:*', 'dynamodb:Get*'])('refuses the wildcard action %s', (action) => {
    expect(() => policyDocument([{ sid: 'Bad', actions: [action], resources: [TABLE] }])).toThrow(`statement Bad has the wildcard action "${action}"; name each action`);
  });

  it('refuses a statement without resources', () => {
    expect(() => policyDocument([{ sid: 'Empty', actions: ['dynamodb:GetItem'], resources: [] }])).toThrow('needs at least one action and one resource');
  });

  it('refuses an empty policy', () => {
    expect(() => policyDocument([])).toThrow('no statements');
  });
});

describe('statements', () => {
  it('the trust policy lets only the named service assume the role', () => {
    expect(JSON.parse(trustPolicyDocument([{ sid: 'EcsTasks', service: 'ecs-tasks.amazonaws.com' }])).Statement).toEqual([
      { Sid: 'EcsTasks', Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);
  });

  it('table reads cover each table and its index ARNs with read actions only', () => {
    expect(dynamodbReadStatement([{ tableArn: TABLE, indexArns: [`${TABLE}/index/i`] }])).toEqual({
      sid: 'ReadTables',
      actions: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'],
      resources: [TABLE, `${TABLE}/index/i`],
    });
  });

  it('ECR pulls are scoped to the repository; only the token action uses "*"', () => {
    const repo = 'arn:aws:ecr:eu-west-1:123456789012:repository/r';
    expect(ecrPullStatements(repo)).toEqual([
      { sid: 'EcrAuthorizationToken', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] },
      { sid: 'EcrPullImage', actions: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'], resources: [repo] },
    ]);
  });

  it('log writes are scoped to the streams of one group', () => {
    expect(logWriteStatement('arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/x').resources).toEqual(['arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/x:*']);
  });

  it('ECS Exec lists its four SSM channel actions explicitly', () => {
    expect(ecsExecStatement().actions).toEqual([
      'ssmmessages:CreateControlChannel',
      'ssmmessages:CreateDataChannel',
      'ssmmessages:OpenControlChannel',
      'ssmmessages:OpenDataChannel',
    ]);
  });
});

describe('secret statements', () => {
  const secret = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:app/auth-AbCdEf';
  const parameter = 'arn:aws:ssm:eu-west-1:123456789012:parameter/app/user';

  it('grant GetSecretValue on the secret ARN without the JSON key suffix', () => {
    expect(secretReadStatements([`${secret}:password::`, `${secret}:user::`])).toEqual([{ sid: 'ReadSecrets', actions: ['secretsmanager:GetSecretValue'], resources: [secret] }]);
  });

  it('grant GetParameters on SSM parameters', () => {
    expect(secretReadStatements([parameter])).toEqual([{ sid: 'ReadParameters', actions: ['ssm:GetParameters'], resources: [parameter] }]);
  });

  it('are empty without secrets', () => {
    expect(secretReadStatements([])).toEqual([]);
  });

  it('refuse a value that is not a secret ARN', () => {
    expect(() => secretReadStatements(['hunter2'])).toThrow('"hunter2" is neither a Secrets Manager secret ARN nor an SSM parameter ARN');
  });
});

describe('secrets known only at apply', () => {
  // Each read of `.arn` is a new token, so the test reads it once.
  const arn = new SecretsmanagerSecret(new TerraformStack(Testing.app(), 'stack'), 'db', { name: 'db' }).arn;

  it.each([
    ['the bare token', arn],
    ['a JSON key', `${arn}:password::`],
    ['a JSON key and a version stage', `${arn}:password:AWSCURRENT:`],
  ])('%s resolves to the secret ARN token', (_name, valueFrom) => {
    expect(secretArnOf(valueFrom)).toBe(arn);
  });

  it('are granted by the secret ARN, not the key-suffixed string', () => {
    expect(secretReadStatements([`${arn}:password::`, `${arn}:username::`])).toEqual([{ sid: 'ReadSecrets', actions: ['secretsmanager:GetSecretValue'], resources: [arn] }]);
  });

  it('refuse a token that is not the start of the value', () => {
    expect(() => secretReadStatements([`prefix-${arn}`])).toThrow('is neither a Secrets Manager secret ARN nor an SSM parameter ARN');
  });
});

describe('mergeStatements', () => {
  const repoA = 'arn:aws:ecr:eu-west-1:123456789012:repository/a';
  const repoB = 'arn:aws:ecr:eu-west-1:123456789012:repository/b';

  it('joins the resources of statements that share a sid and grant the same actions', () => {
    expect(mergeStatements([...ecrPullStatements(repoA), ...ecrPullStatements(repoB)])).toEqual([
      { sid: 'EcrAuthorizationToken', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] },
      { sid: 'EcrPullImage', actions: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'], resources: [repoA, repoB] },
    ]);
  });

  it('numbers a sid reused for another grant, so no grant is lost and no id repeats', () => {
    const merged = mergeStatements([
      { sid: 'Read', actions: ['dynamodb:GetItem'], resources: [TABLE] },
      { sid: 'Read', actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/*'] },
      { sid: 'Read', actions: ['dynamodb:GetItem'], resources: [`${TABLE}2`] },
    ]);
    expect(merged.map((s) => [s.sid, s.resources])).toEqual([
      ['Read', [TABLE, `${TABLE}2`]],
      ['Read2', ['arn:aws:s3:::b/*']],
    ]);
  });

  it('renders a policy that IAM accepts: no duplicate Sid', () => {
    const sids = JSON.parse(policyDocument(mergeStatements([...ecrPullStatements(repoA), ...ecrPullStatements(repoB)]))).Statement.map((s: { Sid: string }) => s.Sid);
    expect(new Set(sids).size).toBe(sids.length);
  });
});

describe('EFS client statements', () => {
  const fs = 'arn:aws:elasticfilesystem:eu-west-1:123456789012:file-system/fs-1';

  it('read-only mounting grants ClientMount alone', () => {
    expect(efsClientStatement(fs, { write: false }).actions).toEqual(['elasticfilesystem:ClientMount']);
  });

  it('read-write mounting through an access point adds ClientWrite and the access point condition', () => {
    const ap = 'arn:aws:elasticfilesystem:eu-west-1:123456789012:access-point/fsap-1';
    expect(efsClientStatement(fs, { write: true, accessPointArn: ap })).toEqual({
      sid: 'MountFileSystemReadWrite',
      actions: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
      resources: [fs],
      conditions: { StringEquals: { 'elasticfilesystem:AccessPointArn': ap } },
    });
  });
});

describe('resourcePolicyDocument', () => {
  it('renders each statement with its principal', () => {
    const doc = JSON.parse(
      resourcePolicyDocument([
        { sid: 'Delivery', principal: { Service: 'logdelivery.elasticloadbalancing.amazonaws.com' }, actions: ['s3:PutObject'], resources: ['arn:aws:s3:::logs/*'] },
      ]),
    ) as { Statement: unknown[] };
    expect(doc.Statement).toEqual([
      { Sid: 'Delivery', Effect: 'Allow', Principal: { Service: 'logdelivery.elasticloadbalancing.amazonaws.com' }, Action: ['s3:PutObject'], Resource: ['arn:aws:s3:::logs/*'] },
    ]);
  });

  it('lets a Deny statement name every principal and every action of a service', () => {
    const doc = JSON.parse(resourcePolicyDocument([{ sid: 'DenyWithoutTls', effect: 'Deny', principal: '*', actions: ['s3:*'], resources: ['arn:aws:s3:::logs'] }])) as {
      Statement: { Principal: unknown; Action: unknown }[];
    };
    expect([doc.Statement[0].Principal, doc.Statement[0].Action]).toEqual(['*', ['s3:*']]);
  });

  it('refuses an Allow statement for every principal, naming the statement', () => {
    expect(() => resourcePolicyDocument([{ sid: 'Open', principal: '*', actions: ['s3:GetObject'], resources: ['arn:aws:s3:::logs/*'] }])).toThrow(
      'resourcePolicyDocument: statement Open allows every principal; name the account, role or service',
    );
  });

  it('refuses a wildcard action in an Allow statement', () => {
    expect(() => resourcePolicyDocument([{ sid: 'Wide', principal: { AWS: 'arn:aws:iam::123456789012:role/r' }, actions: ['s3:*'], resources: ['arn:aws:s3:::logs/*'] }])).toThrow(
      /wildcard action "s3:\*"/,
    );
  });
});

describe('keyPolicyDocument', () => {
  const cloudwatch = { sid: 'CloudWatch', principal: { Service: 'cloudwatch.amazonaws.com' }, actions: ['kms:Decrypt'], resources: ['*'] } as const;

  it('lets the account administer the key, then adds the service statements', () => {
    const policy = JSON.parse(keyPolicyDocument('arn:aws:iam::123456789012:root', [cloudwatch])) as { Statement: { Sid: string; Principal: unknown; Action: unknown }[] };
    expect(policy.Statement.map((s) => [s.Sid, s.Principal, s.Action])).toEqual([
      ['AccountAdministersKey', { AWS: 'arn:aws:iam::123456789012:root' }, 'kms:*'],
      ['CloudWatch', { Service: 'cloudwatch.amazonaws.com' }, ['kms:Decrypt']],
    ]);
  });

  it('refuses a service statement with a wildcard action', () => {
    expect(() => keyPolicyDocument('arn:aws:iam::123456789012:root', [{ ...cloudwatch, actions: ['kms:*'] }])).toThrow(/wildcard action "kms:\*"/);
  });
});
