import { ConfigError, SERVICE_ENV_VARS, loadConfig } from '../../service/src/config';

const minimal = {
  AWS_REGION: 'eu-central-1',
  CATEGORY_TABLE: 'bookmarks-local-category',
  RESOURCE_TABLE: 'bookmarks-local-resource',
  BOOKMARK_TABLE: 'bookmarks-local-bookmark',
};

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  test('applies the documented defaults when only the required variables are set', () => {
    const config = loadConfig(minimal);
    expect(config).toEqual({
      port: 8080,
      region: 'eu-central-1',
      tables: {
        category: 'bookmarks-local-category',
        resource: 'bookmarks-local-resource',
        bookmark: 'bookmarks-local-bookmark',
        resourceCategoryIndex: 'byCategory',
        bookmarkResourceIndex: 'byResource',
      },
      logLevel: 'info',
      shutdownTimeoutMs: 20000,
      dynamoDbTimeoutMs: 2000,
    });
  });

  test('the default shutdown deadline is below the ECS stop timeout of 30 s', () => {
    expect(loadConfig(minimal).shutdownTimeoutMs).toBeLessThan(30_000);
  });

  test('reports every missing required variable by name at once', () => {
    const problems = problemsOf({});
    expect(problems.map((p) => p.split(' ')[0])).toEqual(['AWS_REGION', 'CATEGORY_TABLE', 'RESOURCE_TABLE', 'BOOKMARK_TABLE']);
  });

  test('rejects a non-numeric PORT naming the variable and the value', () => {
    expect(problemsOf({ ...minimal, PORT: 'eighty' })).toEqual(['PORT must be an integer from 0 to 65535, got "eighty"']);
  });

  test('rejects a DYNAMODB_ENDPOINT that is not an http(s) URL', () => {
    expect(problemsOf({ ...minimal, DYNAMODB_ENDPOINT: 'localhost:8000' })[0]).toMatch(/^DYNAMODB_ENDPOINT must be an http\(s\) URL/);
  });

  test('rejects a basic auth user without a password', () => {
    expect(problemsOf({ ...minimal, BASIC_AUTH_USER: 'admin' })[0]).toMatch(/BASIC_AUTH_USER and BASIC_AUTH_PASSWORD must be set together/);
  });

  test('enables basic auth when both user and password are set', () => {
    expect(loadConfig({ ...minimal, BASIC_AUTH_USER: 'admin', BASIC_AUTH_PASSWORD: 's3cret ' }).basicAuth).toEqual({
      user: 'admin',
      password: 's3cret ',
    });
  });

  test('rejects an unknown LOG_LEVEL listing the allowed ones', () => {
    expect(problemsOf({ ...minimal, LOG_LEVEL: 'verbose' })[0]).toMatch(/^LOG_LEVEL must be one of fatal, error, warn, info/);
  });

  test('rejects a table name DynamoDB would refuse', () => {
    expect(problemsOf({ ...minimal, RESOURCE_TABLE: 'bad name' })[0]).toMatch(/^RESOURCE_TABLE must be 3-255 characters/);
  });

  test('the exported variable list names every variable loadConfig reads', () => {
    expect(SERVICE_ENV_VARS.map((v) => v.name)).toEqual([
      'PORT',
      'AWS_REGION',
      'DYNAMODB_ENDPOINT',
      'CATEGORY_TABLE',
      'RESOURCE_TABLE',
      'BOOKMARK_TABLE',
      'RESOURCE_CATEGORY_INDEX',
      'BOOKMARK_RESOURCE_INDEX',
      'BASIC_AUTH_USER',
      'BASIC_AUTH_PASSWORD',
      'LOG_LEVEL',
      'SHUTDOWN_TIMEOUT_MS',
      'DYNAMODB_TIMEOUT_MS',
    ]);
  });
});
