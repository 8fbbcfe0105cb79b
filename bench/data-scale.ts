/**
 * Data scale: for each generated row count and both seeding modes, a cold child process
 * synthesizes the `data` stack (median of repeats), the JSON's size and resource count are read,
 * and for the plan rows a real `terraform plan` runs against an embedded DynamoDB.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TfDocument, type TfJson } from '../stacks/lib/tf-json';
import { environmentDefaults } from '../stacks/settings/config';
import { init, requireTerraform } from '../scripts/lib/terraform';
import { generateSeedData } from './generate-data';
import { bundleWorker } from './lib/bundle';
import { DeadlineError, startDynaliteWorker, type DynaliteWorker, type SectionContext } from './lib/context';
import { runProcess, tail } from './lib/processes';
import { isMeasured, rowsLabel, SEEDING_MODES, type SeedingModeName } from './lib/results';
import { median, round } from './lib/stats';
import type { SynthDataJob, SynthDataTimings } from './workers/synth-data';

/** Repeats of one case stop once it has taken this long (a 100k-resource synth takes ~20 s). */
const CASE_BUDGET_MS = 25_000;
/** Time limit of one `terraform plan` (10k item resources plan in about a minute here). */
const PLAN_TIMEOUT_MS = 240_000;
const TERRAFORM_ENV = { TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1', NO_COLOR: '1' };

/**
 * The threshold that puts a generated table into `mode`: above every row count for one resource
 * per row; the configured default (or rows - 1 when there are fewer rows) for batches.
 */
export function seedingThreshold(mode: SeedingModeName, rows: number, configuredThreshold: number): number {
  return mode === 'resources' ? rows : Math.min(configuredThreshold, rows - 1);
}

/** Number of Terraform resources (not data sources) in a synthesized stack. */
export function countResources(stackJson: TfJson): number {
  return new TfDocument(stackJson).resources().length;
}

/** Runs the data-scale section; `plan` adds the terraform plans of `options.planRows`. */
export async function measureDataScale(ctx: SectionContext, plan: boolean): Promise<void> {
  const { root, options, results, deadline, workDir } = ctx;
  const worker = await bundleWorker(root, path.join(root, 'bench', 'workers', 'synth-data.ts'));
  const configured = environmentDefaults('local', root).data.batchSeedingThresholdRows;

  let dynamo: DynaliteWorker | undefined;
  let planProblem: string | undefined;
  if (plan) {
    try {
      requireTerraform();
      dynamo = await startDynaliteWorker(ctx);
    } catch (error) {
      planProblem = error instanceof Error ? error.message : String(error);
    }
  }
  // The provider points at the bench's dynalite; without one (synth only) nothing ever connects.
  const endpoint = dynamo?.endpoint ?? 'http://127.0.0.1:9';

  try {
    for (const rows of options.rows) {
      const label = rowsLabel(rows);
      const dataDir = generateSeedData(path.join(workDir, `data-${label}`), rows);
      for (const mode of SEEDING_MODES) {
        const key = `data.${label}.${mode}`;
        const planned = plan && options.planRows.includes(rows);
        try {
          const outDir = path.join(workDir, `synth-${label}-${mode}`);
          const threshold = seedingThreshold(mode, rows, configured);
          const job: SynthDataJob = { root, dataDir, outDir, stateDir: path.join(outDir, 'state'), endpoint, batchSeedingThresholdRows: threshold };
          const samples: number[] = [];
          let timings: SynthDataTimings | undefined;
          const started = Date.now();
          while (samples.length < options.repeats && (samples.length === 0 || Date.now() - started < CASE_BUDGET_MS)) {
            deadline.require(5000, `${key} synth`);
            fs.rmSync(outDir, { recursive: true, force: true });
            const run = await runProcess(process.execPath, [worker, JSON.stringify(job)], {
              cwd: root,
              env: ctx.env,
              timeoutMs: deadline.limit(options.caseTimeoutS * 1000),
            });
            if (run.timedOut) throw new Error(`synth stopped at its time limit (${Math.round(run.ms / 1000)} s)`);
            if (run.code !== 0) throw new Error(`synth worker exited ${run.code}:\n${tail(run.stderr)}`);
            samples.push(run.ms);
            timings = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as SynthDataTimings;
          }
          const stackFile = path.join(outDir, 'stacks', 'data', 'cdk.tf.json');
          const stackText = fs.readFileSync(stackFile, 'utf8');
          const phases = timings ? `last run: load ${timings.loadMs.toFixed(0)} ms, construct ${timings.constructMs.toFixed(0)} ms, synth ${timings.synthMs.toFixed(0)} ms` : '';
          results.set(`${key}.synth_ms`, round(median(samples)), {
            samples: samples.map((s) => round(s)),
            note: `cold node process (bundled), threshold ${threshold}; ${samples.length} run(s); ${phases}`,
          });
          results.set(`${key}.json_bytes`, Buffer.byteLength(stackText));
          results.set(`${key}.resource_count`, countResources(JSON.parse(stackText)));
          ctx.log(`data ${label} ${mode}: ${median(samples).toFixed(0)} ms, ${countResources(JSON.parse(stackText))} resources`);

          if (planned) {
            if (planProblem) results.skip(`${key}.plan_ms`, `terraform plan not run: ${planProblem}`);
            else await timePlan(ctx, key, path.dirname(stackFile));
          }
          fs.rmSync(outDir, { recursive: true, force: true });
        } catch (error) {
          if (error instanceof DeadlineError) throw error;
          const reason = `failed: ${error instanceof Error ? error.message : String(error)}`;
          ctx.log(`data ${label} ${mode}: ${reason}`);
          for (const metric of ['synth_ms', 'json_bytes', 'resource_count', ...(planned ? ['plan_ms'] : [])]) {
            if (!results.get(`${key}.${metric}`)) results.skip(`${key}.${metric}`, reason);
          }
        }
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  } finally {
    await dynamo?.stop();
  }

  const small = results.get(`data.${rowsLabel(Math.min(...options.rows))}.batch.resource_count`);
  const large = results.get(`data.${rowsLabel(Math.max(...options.rows))}.batch.resource_count`);
  if (isMeasured(small) && isMeasured(large)) {
    results.set('data.batch.resource_growth', large.value - small.value);
  } else {
    results.skip('data.batch.resource_growth', 'a batch-mode resource count is missing');
  }
}

/** `terraform init` (from the machine's provider source) then a timed `terraform plan`. */
async function timePlan(ctx: SectionContext, key: string, stackDir: string): Promise<void> {
  ctx.deadline.require(15_000, `${key} terraform plan`);
  init(stackDir, TERRAFORM_ENV);
  const run = await runProcess('terraform', ['plan', '-input=false', '-no-color', '-lock=false', '-out=tfplan'], {
    cwd: stackDir,
    env: { ...ctx.env, ...TERRAFORM_ENV },
    timeoutMs: ctx.deadline.limit(PLAN_TIMEOUT_MS),
  });
  if (run.timedOut) {
    ctx.results.skip(`${key}.plan_ms`, `terraform plan stopped at its time limit after ${Math.round(run.ms / 1000)} s`);
    return;
  }
  if (run.code !== 0) throw new Error(`terraform plan exited ${run.code}:\n${tail(run.stderr || run.stdout)}`);
  const summary = /Plan: (\d+) to add, (\d+) to change, (\d+) to destroy/.exec(run.stdout);
  ctx.results.set(`${key}.plan_ms`, round(run.ms), { note: `1 run, empty state; ${summary ? summary[0] : 'no plan summary'}` });
  ctx.log(`plan ${key}: ${(run.ms / 1000).toFixed(1)} s`);
}
