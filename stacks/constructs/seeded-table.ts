/** A DynamoDB table together with the items seeded into it from a CSV file. */
import { DataResource } from 'cdktf';
import { Construct } from 'constructs';
import { DynamodbTable, type DynamodbTableAttribute } from '@cdktf/provider-aws/lib/dynamodb-table';
import { DynamodbTableItem } from '@cdktf/provider-aws/lib/dynamodb-table-item';
import { contentHash, itemConstructId, toDynamoDbJson, type KeyAttribute, type SeedTable } from '../seed';

/** How seeding above the threshold runs: a command that writes every item of one table in batches. */
export interface BatchWriterProps {
  /**
   * Shell command run by a `local-exec` provisioner. It receives `SEED_TABLE` (logical name),
   * `SEED_TABLE_NAME` (physical name) and `SEED_CONTENT_HASH` (of the planned items) in its
   * environment, and must write exactly those items.
   */
  readonly command: string;
  /**
   * More environment for the command, e.g. the data directory and the DynamoDB endpoint.
   * @default - none beyond the three variables above
   */
  readonly environment?: Readonly<Record<string, string>>;
}

/** Props of {@link SeededTable}. */
export interface SeededTableProps {
  /** Physical table name. */
  readonly tableName: string;
  /** The definition (keys, indexes) and items of the table, from `loadSeedData`. */
  readonly seed: SeedTable;
  /**
   * Continuous backups with point-in-time restore.
   * @default true
   */
  readonly pointInTimeRecovery?: boolean;
  /**
   * Encrypt with the AWS managed KMS key `aws/dynamodb` (auditable in CloudTrail).
   * @default true
   */
  readonly serverSideEncryption?: boolean;
  /**
   * DynamoDB's own deletion protection.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * Terraform's `prevent_destroy` on the table.
   * @default true
   */
  readonly preventDestroy?: boolean;
  /**
   * Up to this many rows, each item is one `aws_dynamodb_table_item`; above it, one
   * `terraform_data` runs `batchWriter`, so the resource count does not grow with the rows.
   * @default 1000
   */
  readonly batchThresholdRows?: number;
  /**
   * The batch writer for tables above `batchThresholdRows`.
   * @default - none; a table above the threshold is rejected
   */
  readonly batchWriter?: BatchWriterProps;
}

/** How the items of a table reach DynamoDB. */
export type SeedingMode = 'resources' | 'batch';

/**
 * A DynamoDB table (on-demand billing, its global secondary indexes) with its seed items: one
 * Terraform resource per item, or one batch-writing step for large tables.
 */
export class SeededTable extends Construct {
  /** Physical table name. */
  readonly tableName: string;
  readonly tableArn: string;
  /** Names of the global secondary indexes, in definition order. */
  readonly indexNames: readonly string[];
  /** `<tableArn>/index/<name>` for each index, in the order of `indexNames`. */
  readonly indexArns: readonly string[];
  readonly seedingMode: SeedingMode;
  /** The underlying table, for outputs and dependencies. */
  readonly table: DynamodbTable;

  constructor(scope: Construct, id: string, props: SeededTableProps) {
    super(scope, id);
    const {
      tableName,
      seed: { definition, items },
      pointInTimeRecovery = true,
      serverSideEncryption = true,
      deletionProtection = true,
      preventDestroy = true,
      batchThresholdRows = 1000,
      batchWriter,
    } = props;
    validate(props, batchThresholdRows);

    this.seedingMode = items.length > batchThresholdRows ? 'batch' : 'resources';
    this.table = new DynamodbTable(this, 'table', {
      name: tableName,
      billingMode: 'PAY_PER_REQUEST',
      hashKey: definition.partitionKey.name,
      rangeKey: definition.sortKey?.name,
      attribute: keyAttributes(props.seed),
      globalSecondaryIndex: definition.globalSecondaryIndexes.map((index) => ({
        name: index.name,
        hashKey: index.partitionKey.name,
        rangeKey: index.sortKey?.name,
        projectionType: index.projection,
        nonKeyAttributes: index.nonKeyAttributes ? [...index.nonKeyAttributes] : undefined,
      })),
      // Leaving a block out (rather than enabled = false) keeps providers and emulators that lack
      // the feature from reading it at all.
      pointInTimeRecovery: pointInTimeRecovery ? { enabled: true } : undefined,
      serverSideEncryption: serverSideEncryption ? { enabled: true } : undefined,
      deletionProtectionEnabled: deletionProtection ? true : undefined,
      lifecycle: preventDestroy ? { preventDestroy: true } : undefined,
    });
    this.tableName = this.table.name;
    this.tableArn = this.table.arn;
    this.indexNames = definition.globalSecondaryIndexes.map((index) => index.name);
    this.indexArns = this.indexNames.map((name) => `${this.table.arn}/index/${name}`);

    if (this.seedingMode === 'resources') {
      for (const item of items) {
        new DynamodbTableItem(this, itemConstructId(definition, item), {
          tableName: this.table.name,
          hashKey: definition.partitionKey.name,
          rangeKey: definition.sortKey?.name,
          item: JSON.stringify(toDynamoDbJson(item)),
        });
      }
    } else if (batchWriter) {
      const hash = contentHash(definition, items);
      new DataResource(this, 'batch-seed', {
        // A new hash (an item added, edited or removed) replaces this resource, which re-runs the
        // writer; so does a replaced table, whose ARN is unknown until it is created again.
        triggersReplace: { contentHash: hash, tableArn: this.table.arn },
        provisioners: [
          {
            type: 'local-exec',
            command: batchWriter.command,
            environment: {
              ...batchWriter.environment,
              SEED_TABLE: definition.name,
              SEED_TABLE_NAME: this.table.name,
              SEED_CONTENT_HASH: hash,
            },
          },
        ],
      });
    }
  }
}

function keyAttributes(seed: SeedTable): DynamodbTableAttribute[] {
  const { definition } = seed;
  const keys: KeyAttribute[] = [definition.partitionKey, ...(definition.sortKey ? [definition.sortKey] : [])];
  for (const index of definition.globalSecondaryIndexes) keys.push(index.partitionKey, ...(index.sortKey ? [index.sortKey] : []));
  const byName = new Map(keys.map((k) => [k.name, k.type]));
  // DynamoDB rejects attribute definitions that no key uses, so only key attributes are declared.
  return [...byName].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, type]) => ({ name, type }));
}

function validate(props: SeededTableProps, threshold: number): void {
  if (!/^[a-zA-Z0-9_.-]{3,255}$/.test(props.tableName)) {
    throw new Error(`SeededTable tableName: "${props.tableName}" is not a DynamoDB table name; use 3-255 characters of a-z A-Z 0-9 _ . -`);
  }
  if (!Number.isInteger(threshold) || threshold < 0) {
    throw new Error(`SeededTable batchThresholdRows: ${threshold} is not a whole number of rows; use e.g. 1000`);
  }
  if (props.seed.items.length > threshold && !props.batchWriter) {
    throw new Error(
      `SeededTable ${props.seed.definition.name}: ${props.seed.items.length} rows exceed batchThresholdRows (${threshold}) ` +
        'but no batchWriter is set; pass batchWriter, or raise batchThresholdRows to seed one resource per row',
    );
  }
}
