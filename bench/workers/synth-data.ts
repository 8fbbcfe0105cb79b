/**
 * Child process of the data-scale benchmark: synthesizes the `data` stack of the local environment
 * from one generated data directory, exactly as main.ts builds it, and prints its phase timings
 * as one JSON line. The parent times the whole process (cold start included).
 * Argument: a JSON {@link SynthDataJob}.
 */
import { App } from 'cdktf';
import { buildConfig } from '../../stacks/settings/config';
import { DataStack } from '../../stacks/data-stack';
import { loadSeedData } from '../../stacks/seed';

/** What to synthesize, and where. */
export interface SynthDataJob {
  /** Project root (the data stack's batch writer command points into it). */
  readonly root: string;
  readonly dataDir: string;
  /** cdktf output directory; the stack lands in `<outDir>/stacks/data/cdk.tf.json`. */
  readonly outDir: string;
  /** Directory of the local backend's state. */
  readonly stateDir: string;
  /** DynamoDB endpoint the provider is pointed at. */
  readonly endpoint: string;
  readonly batchSeedingThresholdRows: number;
}

/** Phase timings the worker prints. */
export interface SynthDataTimings {
  readonly loadMs: number;
  readonly constructMs: number;
  readonly synthMs: number;
}

function main(): void {
  const job = JSON.parse(process.argv[2] ?? '') as SynthDataJob;
  const t0 = performance.now();
  const config = buildConfig(
    'local',
    {
      aws: { endpoints: { dynamodb: job.endpoint } },
      backend: { kind: 'local', directory: job.stateDir },
      data: { directory: job.dataDir, batchSeedingThresholdRows: job.batchSeedingThresholdRows },
    },
    job.root,
  );
  const seed = loadSeedData(job.dataDir);
  const t1 = performance.now();
  const app = new App({ outdir: job.outDir, stackTraces: false });
  new DataStack(app, 'data', { config, seed });
  const t2 = performance.now();
  app.synth();
  const t3 = performance.now();
  const timings: SynthDataTimings = { loadMs: t1 - t0, constructMs: t2 - t1, synthMs: t3 - t2 };
  process.stdout.write(`${JSON.stringify(timings)}\n`);
}

main();
