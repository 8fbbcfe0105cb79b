/** The `data` group: the DynamoDB tables of the data stack and how they are seeded, with their variables and checks. */
import * as path from 'node:path';
import type { EnvironmentName } from './environments';
import { type GroupVariables, type SettingsContext, text, value, variable } from './spec';

/** Beyond ~1000 item resources a plan takes minutes and state grows to megabytes. */
const DEFAULT_BATCH_SEEDING_THRESHOLD_ROWS = 1000;

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

/** Stateful tables are protected wherever they hold real data; local is disposable. */
export function dataDefaults(name: EnvironmentName, root: string): DataSettings {
  const protectedData: DataSettings = {
    directory: path.join(root, 'data'),
    pointInTimeRecovery: true,
    serverSideEncryption: true,
    deletionProtection: true,
    preventDestroy: true,
    batchSeedingThresholdRows: DEFAULT_BATCH_SEEDING_THRESHOLD_ROWS,
    batchWriterCommand: `node -r "${path.join(root, 'scripts', 'register-ts.js')}" "${path.join(root, 'scripts', 'seed-table.ts')}"`,
  };
  // The embedded DynamoDB has no backups or KMS and cannot protect tables; it fails or drifts on each.
  if (name === 'local') return { ...protectedData, pointInTimeRecovery: false, serverSideEncryption: false, deletionProtection: false, preventDestroy: false };
  return protectedData;
}

const projectPath = (root: string, directory: string) => path.relative(root, directory).split(path.sep).join('/') || '.';

/** The data variables. */
export const DATA_VARIABLES = {
  CDKTF_DATA_DIR: variable({
    group: 'data',
    description: 'directory of the table definitions and their CSV files, relative to the project',
    values: 'a directory',
    parse: text.any(),
    apply: (o, directory, c: SettingsContext) => ({ ...o, directory: path.resolve(c.root, directory) }),
    defaultIn: (d, c) => value(projectPath(c.root, d.directory)),
  }),
  CDKTF_SEED_BATCH_THRESHOLD: variable({
    group: 'data',
    description: 'rows above which a table is seeded by the batch writer instead of one resource per row',
    values: 'a whole number',
    parse: text.integer(1000),
    apply: (o, batchSeedingThresholdRows) => ({ ...o, batchSeedingThresholdRows }),
    defaultIn: (d) => value(d.batchSeedingThresholdRows),
  }),
} satisfies GroupVariables<DataSettings, Partial<DataSettings>>;

/** Every problem with the data settings of `environment`. */
export function dataProblems(data: DataSettings, environment: EnvironmentName): string[] {
  const problems: string[] = [];
  if (!path.isAbsolute(data.directory)) {
    problems.push(`data.directory: "${data.directory}" is relative; give an absolute directory of table definitions and CSV files`);
  }
  if (!Number.isInteger(data.batchSeedingThresholdRows) || data.batchSeedingThresholdRows < 0) {
    problems.push(`data.batchSeedingThresholdRows: ${data.batchSeedingThresholdRows} is not a whole number of rows; set CDKTF_SEED_BATCH_THRESHOLD to e.g. 1000`);
  }
  if (environment === 'local') {
    const unsupported = (['pointInTimeRecovery', 'serverSideEncryption', 'deletionProtection'] as const).filter((k) => data[k]);
    for (const key of unsupported) {
      problems.push(`data.${key}: the embedded DynamoDB of the local environment does not support it; turn it off for local`);
    }
  }
  return problems;
}
