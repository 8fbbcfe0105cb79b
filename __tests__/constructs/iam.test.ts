import {
  dynamodbReadStatement,
  ecrPullStatements,
  ecsExecStatement,
  logWriteStatement,
  policyDocument,
  secretReadStatements,
  trustPolicyDocument,
} from '../../stacks/constructs/iam';

const TABLE = 'arn:aws:dynamodb:eu-west-1:123456789012:table/t';

describe('policyDocument', () => {
  it('renders typed statements to IAM JSON', () => {
    expect(JSON.parse(policyDocument([{ sid: 'Read', actions: ['dynamodb:GetItem'], resources: [TABLE] }]))).toEqual({
      Version: '2012-10-17',
      Statement: [{ Sid: 'Read', Effect: 'Allow', Action: ['dynamodb:GetItem'], Resource: [TABLE] }],
    });
  });

  it.each(['*', 'dynamodb:*', 'dynamodb:Get*'])('refuses the wildcard action %s', (action) => {
    expect(() => policyDocument([{ sid: 'Bad', actions: [action], resources: [TABLE] }])).toThrow(
      `statement Bad has the wildcard action "${action}"; name each action`,
    );
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
    expect(logWriteStatement('arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/x').resources).toEqual([
      'arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/x:*',
    ]);
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
    expect(secretReadStatements([`${secret}:password::`, `${secret}:user::`])).toEqual([
      { sid: 'ReadSecrets', actions: ['secretsmanager:GetSecretValue'], resources: [secret] },
    ]);
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
