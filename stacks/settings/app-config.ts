/**
 * The shape of one deployment's configuration (AppConfig and its settings) and the error of a bad
 * one. A module of its own so that config.ts (which builds it) and variables.ts (whose defaults
 * read it) share it without importing each other.
 */
import type { EnvironmentName } from './environments';
import type { ServiceStackSettings } from './service';
import type { WordPressSettings } from './wordpress';

export const NAT_MODES = ['none', 'single', 'per-az'] as const;
/**
 * How private subnets reach the internet: `none` (only VPC endpoints), `single` (one NAT gateway
 * for all zones: cheaper, but a zone outage cuts egress) or `per-az` (one per zone: resilient).
 */
export type NatMode = (typeof NAT_MODES)[number];

export const INTERFACE_ENDPOINTS = ['ecr.api', 'ecr.dkr', 'logs', 'secretsmanager', 'ssm'] as const;
/** Interface endpoints that let tasks in private subnets pull images and ship logs without a NAT. */
export type InterfaceEndpointName = (typeof INTERFACE_ENDPOINTS)[number];

/** The VPC layout. */
export interface NetworkSettings {
  /** IPv4 block of the VPC, /16 to /24. */
  readonly cidrBlock: string;
  /** Zones to spread subnets over, named explicitly so that a plan needs no API lookup. */
  readonly availabilityZones: readonly string[];
  readonly natMode: NatMode;
  readonly interfaceEndpoints: readonly InterfaceEndpointName[];
  /** Days to keep VPC flow logs in CloudWatch Logs; 0 records none. */
  readonly flowLogRetentionDays: number;
}

/** Where Terraform keeps each stack's state. */
export type BackendSettings =
  | {
      readonly kind: 'local';
      /** Absolute directory holding `<stack>.tfstate`. */
      readonly directory: string;
    }
  | {
      readonly kind: 's3';
      readonly bucket: string;
      readonly region: string;
      /** Key prefix; each stack's key is `<prefix>/<environment>/<stack>.tfstate`. */
      readonly keyPrefix: string;
    };

/** How the AWS provider reaches AWS. */
export interface AwsAccessSettings {
  /** Per-service endpoint overrides, e.g. `{ dynamodb: 'http://127.0.0.1:8000' }` for the embedded DynamoDB. */
  readonly endpoints: Readonly<Record<string, string>>;
  /** Use fixed fake credentials and skip every AWS lookup (embedded DynamoDB, the sandbox's moto, offline plans). */
  readonly offline: boolean;
}

/** The DynamoDB tables of the `data` stack and how they are seeded. */
export interface DataSettings {
  /** Absolute directory of the table definitions (`*.table.json`) and their CSV files. */
  readonly directory: string;
  /** Continuous backups with 35 days of point-in-time restore (the embedded DynamoDB lacks it). */
  readonly pointInTimeRecovery: boolean;
  /** Encryption at rest with the AWS managed KMS key `aws/dynamodb` instead of an AWS owned key. */
  readonly serverSideEncryption: boolean;
  /** DynamoDB refuses DeleteTable while this is on. */
  readonly deletionProtection: boolean;
  /** Terraform refuses any plan that destroys a table (`lifecycle.prevent_destroy`). */
  readonly preventDestroy: boolean;
  /**
   * Tables with more rows than this are seeded by one batch-writing step per table instead of one
   * Terraform resource per row (see docs/data.md).
   */
  readonly batchSeedingThresholdRows: number;
  /**
   * Shell command that writes one table's items in batches (`scripts/seed-table.ts`); Terraform
   * runs it from the stack directory, so paths are absolute.
   */
  readonly batchWriterCommand: string;
}

/** Everything the stacks need to know about one deployment. */
export interface AppConfig {
  /** Short lower-case prefix of every physical name. */
  readonly project: string;
  readonly environment: EnvironmentName;
  readonly region: string;
  readonly network: NetworkSettings;
  readonly backend: BackendSettings;
  /** Applied to every taggable resource through the provider's `default_tags`. */
  readonly tags: Readonly<Record<string, string>>;
  readonly aws: AwsAccessSettings;
  readonly data: DataSettings;
  /** The ECS services, their images, load balancers and DNS names (stacks/settings/service.ts). */
  readonly service: ServiceStackSettings;
  /** The opt-in `wordpress` stack (stacks/settings/wordpress.ts). */
  readonly wordpress: WordPressSettings;
  /**
   * A deliberate teardown (`CDKTF_TEARDOWN=true`): every protection against destroy is off, and
   * the policy rules that only guard against a destroy step aside. Deploy with it, then destroy.
   * @default false
   */
  readonly teardown?: boolean;
}

/** A setting that failed validation; synth stops and prints every one of them. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}
