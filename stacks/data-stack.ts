/** The `data` stack: the DynamoDB tables of the app, seeded from the CSV files in data/. */
import { TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import { BaseStack, type BaseStackProps } from './base-stack';
import type { AppConfig } from './settings/config';
import { SeededTable, type BatchWriterProps } from './constructs/seeded-table';
import { physicalName } from './lib/naming';
import { tableAlarms } from './lib/alarm-catalogue';
import { MetricAlarms } from './constructs/metric-alarms';
import type { SeedTable } from './seed';

/** Logical names of the tables the service relies on, and their member names on the stack. */
const TABLES = { category: 'Category', resource: 'Resource', bookmark: 'Bookmark' } as const;
type TableKey = keyof typeof TABLES;

/** Props of {@link DataStack}. */
export interface DataStackProps extends BaseStackProps {
  /** The tables and items from `loadSeedData(config.data.directory)`, loaded (and validated) before any stack is built. */
  readonly seed: readonly SeedTable[];
  /**
   * How tables above the batch threshold are written.
   * @default - {@link defaultBatchWriter} of the configuration
   */
  readonly batchWriter?: BatchWriterProps;
  /**
   * The network stack's alarm topic; each table's alarms notify it.
   * @default - no alarms (the local environment, or alarms off)
   */
  readonly alarmTopicArn?: string;
}

/** Category, Resource and Bookmark tables with their seed items; the service stack reads `tables`. */
export class DataStack extends BaseStack {
  /** Each table's name, ARN and index ARNs, for the service stack. */
  readonly tables: { readonly [K in TableKey]: SeededTable };

  constructor(scope: Construct, id: 'data', props: DataStackProps) {
    super(scope, id, props);
    const { data } = this.config;
    const byName = new Map(props.seed.map((t) => [t.definition.name, t]));
    const missing = Object.values(TABLES).filter((name) => !byName.has(name));
    if (missing.length > 0) {
      throw new Error(`DataStack seed: no definition for ${missing.join(', ')} in ${data.directory}; add <name>.table.json beside its CSV`);
    }
    const batchWriter = props.batchWriter ?? defaultBatchWriter(this.config);

    const build = (key: TableKey): SeededTable =>
      new SeededTable(this, key, {
        tableName: physicalName(this.config, key),
        seed: byName.get(TABLES[key]) as SeedTable,
        pointInTimeRecovery: data.pointInTimeRecovery,
        serverSideEncryption: data.serverSideEncryption,
        deletionProtection: data.deletionProtection,
        preventDestroy: data.preventDestroy,
        batchThresholdRows: data.batchSeedingThresholdRows,
        batchWriter,
      });
    this.tables = { category: build('category'), resource: build('resource'), bookmark: build('bookmark') };

    const { alarms } = this.config;
    if (alarms.enabled && props.alarmTopicArn !== undefined) {
      for (const key of Object.keys(TABLES) as TableKey[]) {
        const watched = tableAlarms(physicalName(this.config, key), alarms.resource, alarms.resourceEvaluation);
        new MetricAlarms(this, `${key}-alarms`, { watched, topicArn: props.alarmTopicArn });
      }
    }

    for (const key of Object.keys(TABLES) as TableKey[]) {
      new TerraformOutput(this, `${key}_table_name`, { value: this.tables[key].tableName, description: `${TABLES[key]} table name` });
      new TerraformOutput(this, `${key}_table_arn`, { value: this.tables[key].tableArn, description: `${TABLES[key]} table ARN` });
    }
  }
}

/**
 * The configured batch writer (`scripts/seed-table.ts`), which reads the same CSV files through
 * the same loader, pointed at the environment's DynamoDB. Offline environments get throwaway credentials.
 */
export function defaultBatchWriter(config: AppConfig): BatchWriterProps {
  const dynamodbEndpoint = config.aws.endpoints.dynamodb;
  return {
    command: config.data.batchWriterCommand,
    environment: {
      SEED_DATA_DIR: config.data.directory,
      AWS_REGION: config.region,
      ...(dynamodbEndpoint ? { AWS_ENDPOINT_URL_DYNAMODB: dynamodbEndpoint } : {}),
      ...(config.aws.offline ? { AWS_ACCESS_KEY_ID: 'offline', AWS_SECRET_ACCESS_KEY: 'offline' } : {}),
    },
  };
}
