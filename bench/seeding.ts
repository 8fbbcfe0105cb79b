/**
 * Seeding benchmark: synth time and cdk.tf.json size of the `data` stack for N generated rows in
 * both seeding modes, and the time of a real `terraform plan` against dynalite.
 *
 *   tsx bench/seeding.ts [--rows 1000,10000,100000] [--plan 1000,10000]
 *
 * Each synth runs in its own process so that one case's memory does not slow the next.
 */
import { App } from 'cdktf';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildConfig } from '../stacks/config';
import { DataStack } from '../stacks/data-stack';
import { loadSeedData } from '../stacks/seed';
import { startLocalDynamo } from '../scripts/local-dynamodb';
import { generateSeedData } from './generate-data';

const ROOT = path.join(__dirname, '..');
type Mode = 'resources' | 'batch';
// Batch mode seeds every table through its batch step; resources mode never does.
const THRESHOLD: Record<Mode, number> = { resources: Number.MAX_SAFE_INTEGER, batch: 0 };

interface SynthResult {
  readonly rows: number;
  readonly mode: Mode;
  readonly synthMs: number;
  readonly bytes: number;
  readonly resources: number;
}

/** Loads, builds and synthesizes the local data stack into `outDir`; returns timings. */
function synthOnce(dataDir: string, outDir: string, mode: Mode, endpoint: string): Omit<SynthResult, 'rows' | 'mode'> {
  const started = performance.now();
  const config = buildConfig(
    'local',
    {
      aws: { endpoints: { dynamodb: endpoint } },
      backend: { kind: 'local', directory: path.join(outDir, 'state') },
      data: { directory: dataDir, batchSeedingThresholdRows: THRESHOLD[mode] },
    },
    ROOT,
  );
  const app = new App({ outdir: outDir });
  new DataStack(app, 'data', { config, seed: loadSeedData(dataDir) });
  app.synth();
  const synthMs = performance.now() - started;
  const file = path.join(outDir, 'stacks', 'data', 'cdk.tf.json');
  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as { resource: Record<string, Record<string, unknown>> };
  const resources = Object.values(json.resource).reduce((n, byId) => n + Object.keys(byId).length, 0);
  return { synthMs, bytes: fs.statSync(file).size, resources };
}

function run(command: string, args: string[], cwd: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' } });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 || (args.includes('-detailed-exitcode') && code === 2) ? resolve(performance.now() - started) : reject(new Error(`${command} ${args.join(' ')} exited ${code}`))));
  });
}

const list = (flag: string, fallback: number[]): number[] => {
  const i = process.argv.indexOf(flag);
  return i < 0 ? fallback : process.argv[i + 1].split(',').map(Number);
};
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function main(): Promise<void> {
  if (process.argv[2] === '--synth-one') {
    const [dataDir, outDir, mode, endpoint] = process.argv.slice(3);
    process.stdout.write(JSON.stringify(synthOnce(dataDir, outDir, mode as Mode, endpoint)));
    return;
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-seeding-'));
  const dynamo = await startLocalDynamo({ port: 0, inMemory: true });
  const results: (SynthResult & { planMs?: number })[] = [];
  try {
    const planRows = new Set(list('--plan', [1000, 10000]));
    for (const rows of list('--rows', [1000, 10000, 100000])) {
      const dataDir = generateSeedData(path.join(work, `data-${rows}`), rows);
      for (const mode of ['resources', 'batch'] as const) {
        const outDir = path.join(work, `out-${rows}-${mode}`);
        const child = spawnSync(process.execPath, ['--max-old-space-size=6144', ...process.execArgv, __filename, '--synth-one', dataDir, outDir, mode, dynamo.endpoint], {
          encoding: 'utf8',
          maxBuffer: 64 * 1024 * 1024,
        });
        if (child.status !== 0) throw new Error(`synth of ${rows} rows (${mode}) failed:\n${child.stderr}`);
        const result: SynthResult & { planMs?: number } = { rows, mode, ...(JSON.parse(child.stdout) as Omit<SynthResult, 'rows' | 'mode'>) };
        if (planRows.has(rows)) {
          // dynalite serves from this process, so terraform runs asynchronously.
          const stackDir = path.join(outDir, 'stacks', 'data');
          await run('terraform', ['init', '-input=false', '-no-color'], stackDir);
          result.planMs = await run('terraform', ['plan', '-input=false', '-no-color', '-lock=false', '-detailed-exitcode', '-out=tfplan'], stackDir);
        }
        results.push(result);
        console.log(
          `${String(rows).padStart(7)} rows  ${mode.padEnd(9)}  synth ${sec(result.synthMs).padStart(7)}  cdk.tf.json ${mib(result.bytes).padStart(10)}  ` +
            `${String(result.resources).padStart(6)} resources${result.planMs === undefined ? '' : `  plan ${sec(result.planMs)}`}`,
        );
      }
    }
    fs.writeFileSync(path.join(__dirname, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  } finally {
    await dynamo.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
