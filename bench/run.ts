/**
 * `npm run bench`: measures synth, tests, data scale, the API and start-up in one run, prints a
 * table and writes bench/results.json. It prepares the machine for Terraform first
 * (scripts/prepare-machine.ts). Every child runs in its own process group and is killed on exit,
 * on a signal or at its time limit; servers listen on 127.0.0.1 only. See docs/performance.md.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { StepFailure } from '../scripts/lib/quiet-run';
import { buildServiceBundle } from '../scripts/lib/service-bundle';
import { prepareMachineLine } from '../scripts/prepare-machine';
import { measureApi } from './api';
import { measureDataScale } from './data-scale';
import { cleanEnvironment, Deadline, DeadlineError, type SectionContext } from './lib/context';
import { OptionsError, parseOptions, SECTIONS, type BenchOptions, type Section } from './lib/options';
import { installCleanupHandlers, killAllGroups } from './lib/processes';
import { renderTable } from './lib/report';
import { checkTargets, metricCatalog, ResultStore } from './lib/results';
import { measureSandbox } from './sandbox';
import { measureStartup } from './startup';
import { measureSynth } from './synth';
import { measureTests } from './tests';

const ROOT = path.resolve(__dirname, '..');

/** Runs every section that is not skipped and writes the results file; returns the exit code. */
export async function runBench(options: BenchOptions): Promise<number> {
  installCleanupHandlers();
  const startedAt = new Date();
  const started = performance.now();
  const loadBefore = os.loadavg();
  const catalog = metricCatalog(options);
  const results = new ResultStore(catalog);
  const log = (message: string) => process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${message}\n`);
  // The plan, tests and sandbox sections run Terraform: a fresh machine is prepared for it first.
  const prepared = await prepareMachineLine({ root: ROOT });
  if (prepared !== undefined) log(prepared);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  const ctx: SectionContext = {
    root: ROOT,
    options,
    results,
    deadline: new Deadline(options.deadlineS),
    workDir,
    env: cleanEnvironment(process.env),
    log,
  };
  const failures: { section: Section; error: string }[] = [];
  let bundleDir: string | undefined;
  const bundle = async (): Promise<string> => (bundleDir ??= await buildServiceBundle());

  const sections: Record<Exclude<Section, 'plan'>, () => Promise<void>> = {
    startup: async () => measureStartup(ctx, await bundle()),
    api: async () => measureApi(ctx, await bundle()),
    synth: () => measureSynth(ctx),
    data: () => measureDataScale(ctx, !options.skip.has('plan')),
    tests: () => measureTests(ctx),
    sandbox: () => measureSandbox(ctx),
  };

  try {
    for (const section of SECTIONS) {
      if (options.skip.has(section)) {
        results.skipSection(section, `skipped by --skip ${section}`);
        continue;
      }
      if (section === 'plan') {
        // Planned inside the data section, on the stacks it synthesizes.
        if (options.skip.has('data')) results.skipSection('plan', 'the plan needs the data section, which was skipped');
        continue;
      }
      ctx.log(`${section}...`);
      try {
        ctx.deadline.require(1000, `the ${section} section`);
        await sections[section]();
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (!(error instanceof DeadlineError)) failures.push({ section, error: message });
        ctx.log(`${section}: ${message}`);
        const reason = error instanceof DeadlineError ? `deadline: ${message}` : `failed: ${message}`;
        results.skipSection(section, reason);
        if (section === 'data') results.skipSection('plan', reason);
      }
    }
  } finally {
    killAllGroups();
    fs.rmSync(workDir, { recursive: true, force: true });
    if (bundleDir) fs.rmSync(bundleDir, { recursive: true, force: true });
  }

  const metrics = results.complete('not measured');
  const wallMs = performance.now() - started;
  const report = {
    schemaVersion: 1,
    startedAt: startedAt.toISOString(),
    wallMs: Math.round(wallMs),
    machine: {
      node: process.version,
      platform: `${os.platform()} ${os.arch()}`,
      cpus: os.cpus().length,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      loadAverageBefore: loadBefore.map((l) => Math.round(l * 100) / 100),
      loadAverageAfter: os.loadavg().map((l) => Math.round(l * 100) / 100),
    },
    commit: gitCommit(),
    options: { ...options, skip: [...options.skip], out: path.relative(ROOT, options.out) },
    metrics,
    targets: checkTargets(catalog, metrics),
    failures,
  };
  fs.mkdirSync(path.dirname(options.out), { recursive: true });
  fs.writeFileSync(options.out, `${JSON.stringify(report, null, 2)}\n`);

  process.stdout.write(`${renderTable(catalog, metrics)}\n\n`);
  process.stdout.write(`bench: ${(wallMs / 1000).toFixed(0)} s, results in ${path.relative(process.cwd(), options.out) || options.out}\n`);
  for (const f of failures) process.stdout.write(`bench: the ${f.section} section failed: ${f.error.split('\n')[0]}\n`);
  return failures.length > 0 ? 1 : 0;
}

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

if (require.main === module) {
  let options: BenchOptions;
  try {
    options = parseOptions(process.argv.slice(2), ROOT);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(error instanceof OptionsError ? 2 : 1);
  }
  runBench(options).then(
    (code) => process.exit(code),
    (error: unknown) => {
      // A machine that cannot be prepared says why and how to fix it; a stack trace adds nothing.
      const shown = error instanceof StepFailure ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
      process.stderr.write(`bench: ${shown}\n`);
      process.exit(1);
    },
  );
}
