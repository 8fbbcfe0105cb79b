/**
 * The service's environment: the one module that knows the variable names. The ECS task definition
 * sets exactly the variables in {@link SERVICE_ENV_VARS}; `scripts/start-local.ts` sets them locally.
 */

/** Documentation of one environment variable the service reads. */
export interface EnvVarSpec {
  readonly name: string;
  readonly required: boolean;
  /** Default used when unset, as a string; absent for required or purely optional variables. */
  readonly default?: string;
  readonly description: string;
}

/** Every environment variable the service reads, in the order docs/service.md lists them. */
export const SERVICE_ENV_VARS: readonly EnvVarSpec[] = [
  { name: 'PORT', required: false, default: '8080', description: 'TCP port the HTTP server listens on.' },
  { name: 'AWS_REGION', required: true, description: 'AWS region of the DynamoDB tables.' },
  {
    name: 'DYNAMODB_ENDPOINT',
    required: false,
    description: 'DynamoDB endpoint URL override, e.g. http://localhost:8000 for the embedded DynamoDB. Unset on AWS.',
  },
  { name: 'CATEGORY_TABLE', required: true, description: 'Physical name of the Category table.' },
  { name: 'RESOURCE_TABLE', required: true, description: 'Physical name of the Resource table.' },
  { name: 'BOOKMARK_TABLE', required: true, description: 'Physical name of the Bookmark table.' },
  {
    name: 'RESOURCE_CATEGORY_INDEX',
    required: false,
    default: 'byCategory',
    description: 'GSI on Resource keyed by categoryId (sort key title).',
  },
  {
    name: 'BOOKMARK_RESOURCE_INDEX',
    required: false,
    default: 'byResource',
    description: 'GSI on Bookmark keyed by resourceId (sort key createdAt).',
  },
  {
    name: 'BASIC_AUTH_USER',
    required: false,
    description: 'Enables HTTP basic auth on everything but /health; set together with BASIC_AUTH_PASSWORD.',
  },
  {
    name: 'BASIC_AUTH_PASSWORD',
    required: false,
    description: 'Basic auth password; inject it from a secret, never bake it into the image.',
  },
  { name: 'LOG_LEVEL', required: false, default: 'info', description: 'pino level: fatal, error, warn, info, debug, trace or silent.' },
  {
    name: 'SHUTDOWN_TIMEOUT_MS',
    required: false,
    default: '20000',
    description: 'Deadline to drain in-flight requests after SIGTERM; keep it below the ECS stopTimeout (30 s).',
  },
  {
    name: 'DYNAMODB_TIMEOUT_MS',
    required: false,
    default: '2000',
    description: 'Per-request DynamoDB deadline (all retries included); beyond it the API answers 503.',
  },
];

/** Log levels pino accepts. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Physical table and index names the repository reads. */
export interface TableNames {
  readonly category: string;
  readonly resource: string;
  readonly bookmark: string;
  readonly resourceCategoryIndex: string;
  readonly bookmarkResourceIndex: string;
}

/** Credentials for optional HTTP basic auth. */
export interface BasicAuthCredentials {
  readonly user: string;
  readonly password: string;
}

/** The validated service configuration. */
export interface ServiceConfig {
  readonly port: number;
  readonly region: string;
  /** @default - the regional AWS endpoint */
  readonly dynamoDbEndpoint?: string;
  readonly tables: TableNames;
  /** @default - no authentication */
  readonly basicAuth?: BasicAuthCredentials;
  readonly logLevel: LogLevel;
  readonly shutdownTimeoutMs: number;
  readonly dynamoDbTimeoutMs: number;
}

/** Thrown when the environment is invalid; the message lists every problem at once. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid service environment:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** Parses and validates the service environment, reporting every problem with the variable's name. */
export function loadConfig(env: Env): ServiceConfig {
  const problems: string[] = [];
  const value = (name: string): string | undefined => {
    const raw = env[name];
    return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
  };
  const required = (name: string): string => {
    const v = value(name);
    if (v === undefined) problems.push(`${name} is required (${describe(name)})`);
    return v ?? '';
  };
  const integer = (name: string, min: number, max: number): number => {
    const fallback = SERVICE_ENV_VARS.find((s) => s.name === name)?.default ?? '0';
    const v = value(name) ?? fallback;
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
      problems.push(`${name} must be an integer from ${min} to ${max}, got "${v}"`);
      return Number(fallback);
    }
    return Number(v);
  };
  const tableName = (name: string, v: string): string => {
    // DynamoDB's own rule for table and index names; catching it here beats a 400 from AWS per request.
    if (v !== '' && !/^[A-Za-z0-9_.-]{3,255}$/.test(v)) {
      problems.push(`${name} must be 3-255 characters of A-Z a-z 0-9 _ . -, got "${v}"`);
    }
    return v;
  };

  const port = integer('PORT', 0, 65535); // 0 picks a free port (tests); the log line says which
  const region = required('AWS_REGION');
  if (region !== '' && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
    problems.push(`AWS_REGION must look like eu-central-1, got "${region}"`);
  }

  const endpoint = value('DYNAMODB_ENDPOINT');
  if (endpoint !== undefined && !isHttpUrl(endpoint)) {
    problems.push(`DYNAMODB_ENDPOINT must be an http(s) URL such as http://localhost:8000, got "${endpoint}"`);
  }

  const tables: TableNames = {
    category: tableName('CATEGORY_TABLE', required('CATEGORY_TABLE')),
    resource: tableName('RESOURCE_TABLE', required('RESOURCE_TABLE')),
    bookmark: tableName('BOOKMARK_TABLE', required('BOOKMARK_TABLE')),
    resourceCategoryIndex: tableName('RESOURCE_CATEGORY_INDEX', value('RESOURCE_CATEGORY_INDEX') ?? 'byCategory'),
    bookmarkResourceIndex: tableName('BOOKMARK_RESOURCE_INDEX', value('BOOKMARK_RESOURCE_INDEX') ?? 'byResource'),
  };

  const user = value('BASIC_AUTH_USER');
  const password = env.BASIC_AUTH_PASSWORD === '' ? undefined : env.BASIC_AUTH_PASSWORD;
  if ((user === undefined) !== (password === undefined)) {
    problems.push('BASIC_AUTH_USER and BASIC_AUTH_PASSWORD must be set together (both for auth, neither for none)');
  }
  if (user?.includes(':')) problems.push('BASIC_AUTH_USER must not contain ":" (RFC 7617)');

  const logLevel = (value('LOG_LEVEL') ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }

  const shutdownTimeoutMs = integer('SHUTDOWN_TIMEOUT_MS', 0, 120_000);
  const dynamoDbTimeoutMs = integer('DYNAMODB_TIMEOUT_MS', 50, 60_000);

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    port,
    region,
    ...(endpoint !== undefined ? { dynamoDbEndpoint: endpoint } : {}),
    tables,
    ...(user !== undefined && password !== undefined ? { basicAuth: { user, password } } : {}),
    logLevel: LOG_LEVELS.includes(logLevel) ? logLevel : 'info',
    shutdownTimeoutMs,
    dynamoDbTimeoutMs,
  };
}

function describe(name: string): string {
  return SERVICE_ENV_VARS.find((s) => s.name === name)?.description ?? name;
}

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}
