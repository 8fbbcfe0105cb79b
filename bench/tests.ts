/** Tests: wall time of the unit and construct layer (median of repeats) and of the whole `npm test`. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SectionContext } from './lib/context';
import { runProcess, type RunResult } from './lib/processes';
import { median, round } from './lib/stats';

const UNIT_TIMEOUT_MS = 120_000;

/**
 * Where the output of a failed test run is kept: beside the results file, so that a failure the
 * note reports can be read afterwards (the bench otherwise prints only its table).
 */
export function failedRunLog(resultsFile: string, what: 'unit' | 'npm-test', attempt: number): string {
  return `${resultsFile.replace(/\.json$/, '')}.${what}-${attempt}.log`;
}

/** Keeps a failed run's output (see {@link failedRunLog}); returns the file's path, or undefined for a run that passed. */
export function keepFailedOutput(run: RunResult, file: string): string | undefined {
  if (run.code === 0) return undefined;
  fs.writeFileSync(file, `${run.stdout}\n${run.stderr}`);
  return file;
}

/** Runs the tests section; the whole suite gets whatever time the deadline leaves. */
export async function measureTests(ctx: SectionContext): Promise<void> {
  const { root, options, results, deadline } = ctx;
  const env = { ...ctx.env, CI: 'true', FORCE_COLOR: '0' };
  const failures = (runs: RunResult[]) => runs.filter((r) => r.code !== 0).length;

  /** Logs one run's line, keeping its output when it failed (see {@link failedRunLog}). */
  const report = (run: RunResult, what: 'unit' | 'npm-test', attempt: number, label: string): void => {
    const file = keepFailedOutput(run, failedRunLog(options.out, what, attempt));
    ctx.log(`${label} #${attempt}: ${(run.ms / 1000).toFixed(1)} s (exit ${run.code}${file ? `; output in ${file}` : ''})`);
  };
  /** ` (output in …)` naming the kept output of `runs` that failed; empty when none did. */
  const keptOutput = (runs: readonly RunResult[], what: 'unit' | 'npm-test'): string => {
    const files = runs.flatMap((run, i) => (run.code === 0 ? [] : [failedRunLog(options.out, what, i + 1)]));
    return files.length > 0 ? ` (output in ${files.join(', ')})` : '';
  };

  const unit: RunResult[] = [];
  for (let i = 0; i < options.testRepeats; i++) {
    deadline.require(15_000, 'unit tests');
    const run = await runProcess(process.execPath, [path.join(root, 'node_modules', 'jest', 'bin', 'jest.js'), '--selectProjects', 'unit'], {
      cwd: root,
      env,
      timeoutMs: deadline.limit(UNIT_TIMEOUT_MS),
    });
    if (run.timedOut) throw new Error('the unit layer did not finish within its time limit');
    unit.push(run);
    report(run, 'unit', i + 1, 'unit tests');
  }
  results.set('tests.unit_ms', round(median(unit.map((r) => r.ms))), {
    samples: unit.map((r) => round(r.ms)),
    note: `jest --selectProjects unit, median of ${unit.length}${failures(unit) > 0 ? `; ${failures(unit)} run(s) had failing tests${keptOutput(unit, 'unit')}` : ''}`,
  });

  const all: RunResult[] = [];
  for (let i = 0; i < options.fullTestRepeats; i++) {
    deadline.require(60_000, 'the whole npm test');
    const run = await runProcess('npm', ['test'], { cwd: root, env, timeoutMs: deadline.remainingMs() });
    if (run.timedOut) {
      results.skip('tests.all_ms', `npm test was stopped at the run deadline after ${Math.round(run.ms / 1000)} s`);
      return;
    }
    all.push(run);
    report(run, 'npm-test', i + 1, 'npm test');
  }
  results.set('tests.all_ms', round(median(all.map((r) => r.ms))), {
    samples: all.map((r) => round(r.ms)),
    note: `npm test (unit + integration: real terraform, dynalite, HTTP, browser)${failures(all) > 0 ? `; exit ${all.map((r) => r.code).join(', ')}: some tests failed${keptOutput(all, 'npm-test')}` : ''}`,
  });
}
