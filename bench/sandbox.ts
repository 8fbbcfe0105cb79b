/**
 * Sandbox: the full deploy of bootstrap, then network, data and service with their state in its
 * bucket, to the emulated AWS (a moto server of its own, bootstrap's state and cdktf output in the
 * run's work directory), exactly as `npm run sandbox` deploys,
 * then the same deploy again with nothing changed. Nothing is destroyed: the emulator is stopped.
 */
import * as path from 'node:path';
import { isMotoRunning, motoServerProblem } from '../scripts/moto';
import { deploySandbox, type SandboxContext, type StepResult } from '../scripts/sandbox';
import { MOTO_SERVER_ENVIRONMENT, motoUrl } from '../scripts/lib/emulator';
import type { SectionContext } from './lib/context';
import { freePort, startProcess } from './lib/processes';

/** A deploy and a re-deploy, each stack's `cdktf deploy` timed on its own (bootstrap included). */
const NEEDED_MS = 480_000;

/** The two deploys whose times the section reports. */
export const SANDBOX_RUNS = ['deploy', 'redeploy'] as const;

/** Runs the sandbox section. */
export async function measureSandbox(ctx: SectionContext): Promise<void> {
  ctx.deadline.require(NEEDED_MS, 'the sandbox section (a deploy and a no-op re-deploy of three stacks)');
  const binary = ctx.env.MOTO_SERVER ?? 'moto_server';
  const problem = motoServerProblem(binary);
  if (problem !== undefined) throw new Error(problem);
  const port = await freePort();
  const moto = startProcess(binary, ['-H', '127.0.0.1', '-p', String(port)], { env: { ...ctx.env, ...MOTO_SERVER_ENVIRONMENT } });
  try {
    const url = motoUrl(port);
    const until = Date.now() + 30_000;
    while (!(await isMotoRunning(url))) {
      if (Date.now() > until) throw new Error(`moto_server did not answer on ${url} within 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const context: SandboxContext = {
      root: ctx.root,
      env: { ...ctx.env, MOTO_PORT: String(port), CDKTF_STATE_DIR: path.join(ctx.workDir, 'sandbox-state') },
      outDir: path.join(ctx.workDir, 'sandbox-out'),
      logFile: path.join(ctx.workDir, 'sandbox.log'),
    };
    for (const run of SANDBOX_RUNS) {
      const started = performance.now();
      const steps = await deploySandbox(context, (step) => ctx.log(`sandbox ${run}: ${step.step} ${(step.ms / 1000).toFixed(1)} s (${step.summary})`));
      record(ctx, run, steps, performance.now() - started);
    }
  } finally {
    await moto.stop();
  }
}

function record(ctx: SectionContext, run: (typeof SANDBOX_RUNS)[number], steps: readonly StepResult[], totalMs: number): void {
  // Every step: the two synths (`synth`, `synth_s3_state`), bootstrap and the three app stacks.
  for (const step of steps) ctx.results.set(`sandbox.${run}.${step.step.replace(/ /g, '_')}_ms`, Math.round(step.ms), { note: step.summary });
  ctx.results.set(`sandbox.${run}.total_ms`, Math.round(totalMs), {
    note: 'cdktf synth, deploy bootstrap, synth with its bucket and key, then cdktf deploy of network, data and service in turn',
  });
}
