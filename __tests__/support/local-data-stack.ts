/** Synthesizes the `data` stack of the local environment against a given DynamoDB, data and state directory. */
import { Testing } from 'cdktf';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildConfig } from '../../stacks/settings/config';
import { DataStack } from '../../stacks/data-stack';
import { loadSeedData } from '../../stacks/seed';

const PROJECT_ROOT = path.join(__dirname, '..', '..');

/** Where and how to synthesize. */
export interface LocalDataStackOptions {
  /** DynamoDB endpoint, e.g. from startDynalite(). */
  readonly endpoint: string;
  readonly dataDir: string;
  /** Directory of the local backend's `data.tfstate`. */
  readonly stateDir: string;
  /** Directory to write `cdk.tf.json` into (created when missing, overwritten otherwise). */
  readonly outDir: string;
  /** @default 1000 (the configured default) */
  readonly batchSeedingThresholdRows?: number;
}

/** Writes `cdk.tf.json` of the local data stack into `outDir` and returns the stack. */
export function writeLocalDataStack(options: LocalDataStackOptions): DataStack {
  const config = buildConfig(
    'local',
    {
      aws: { endpoints: { dynamodb: options.endpoint } },
      backend: { kind: 'local', directory: options.stateDir },
      data: {
        directory: options.dataDir,
        ...(options.batchSeedingThresholdRows === undefined ? {} : { batchSeedingThresholdRows: options.batchSeedingThresholdRows }),
      },
    },
    PROJECT_ROOT,
  );
  const stack = new DataStack(Testing.app(), 'data', { config, seed: loadSeedData(options.dataDir) });
  fs.mkdirSync(options.outDir, { recursive: true });
  fs.writeFileSync(path.join(options.outDir, 'cdk.tf.json'), Testing.synth(stack));
  return stack;
}
