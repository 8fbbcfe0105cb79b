/**
 * Synth: `cdktf synth` of all three stacks in a cold process, with the app command of cdktf.json
 * against the template default `npx ts-node main.ts` on the same code, in alternation, with the
 * project's local cdktf binary. Peak RSS is that of the app (the largest process under the app command).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SectionContext } from './lib/context';
import { runProcess, tail } from './lib/processes';
import { median, round } from './lib/stats';

/** The app command `cdktf init --template typescript` writes. */
export const TEMPLATE_APP = 'npx ts-node main.ts';
const GNU_TIME = '/usr/bin/time';
const SYNTH_TIMEOUT_MS = 120_000;
const STACKS = ['network', 'data', 'service'];

/** Quotes `text` as one POSIX shell word. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * `app` wrapped so that GNU time writes the peak RSS (KiB) of the largest process it runs into
 * `rssFile`: wait4 reports the maximum over the command and the descendants it reaped.
 */
export function withPeakRss(app: string, rssFile: string): string {
  return `${GNU_TIME} -f %M -o ${shellQuote(rssFile)} sh -c ${shellQuote(app)}`;
}

interface Variant {
  readonly name: 'project' | 'template';
  readonly app: string;
  readonly ms: number[];
  readonly rssMiB: number[];
}

/** Runs the synth section. */
export async function measureSynth(ctx: SectionContext): Promise<void> {
  const { root, options, results, deadline, workDir } = ctx;
  const cdktf = path.join(root, 'node_modules', '.bin', 'cdktf');
  const projectApp = (JSON.parse(fs.readFileSync(path.join(root, 'cdktf.json'), 'utf8')) as { app: string }).app;
  const rssMethod = fs.existsSync(GNU_TIME) ? 'gnu-time' : 'none';
  const variants: Variant[] = [
    { name: 'project', app: projectApp, ms: [], rssMiB: [] },
    { name: 'template', app: TEMPLATE_APP, ms: [], rssMiB: [] },
  ];

  for (let i = 0; i < options.repeats; i++) {
    // Alternate which command goes first, so neither always runs on a warmer cache.
    const order = i % 2 === 0 ? variants : [...variants].reverse();
    for (const variant of order) {
      deadline.require(10_000, `synth (${variant.name})`);
      const outDir = path.join(workDir, `synth-${variant.name}`);
      const rssFile = path.join(workDir, `rss-${variant.name}-${i}`);
      fs.rmSync(outDir, { recursive: true, force: true });
      const app = rssMethod === 'gnu-time' ? withPeakRss(variant.app, rssFile) : variant.app;
      const run = await runProcess(cdktf, ['synth', '--app', app, '--output', outDir], {
        cwd: root,
        env: { ...ctx.env, CI: '1', CHECKPOINT_DISABLE: '1', FORCE_COLOR: '0' },
        timeoutMs: deadline.limit(SYNTH_TIMEOUT_MS),
      });
      if (run.timedOut) throw new Error(`cdktf synth (${variant.name}) stopped at its time limit`);
      if (run.code !== 0) throw new Error(`cdktf synth (${variant.name}) exited ${run.code}:\n${tail(run.stderr || run.stdout)}`);
      const missing = STACKS.filter((s) => !fs.existsSync(path.join(outDir, 'stacks', s, 'cdk.tf.json')));
      if (missing.length > 0) throw new Error(`cdktf synth (${variant.name}) wrote no ${missing.join(', ')} stack`);
      variant.ms.push(run.ms);
      if (rssMethod === 'gnu-time') variant.rssMiB.push(Number(fs.readFileSync(rssFile, 'utf8').trim().split('\n').pop()) / 1024);
      ctx.log(`synth ${variant.name} #${i + 1}: ${(run.ms / 1000).toFixed(2)} s`);
    }
  }

  const [project, template] = variants;
  const note = `cdktf synth of ${STACKS.join(', ')} in a cold process, median of ${options.repeats}, alternating`;
  results.set('synth.project_ms', round(median(project.ms)), { samples: project.ms.map((v) => round(v)), note: `${note}; app: ${project.app}` });
  results.set('synth.template_ms', round(median(template.ms)), { samples: template.ms.map((v) => round(v)), note: `${note}; app: ${template.app}` });
  // Ratio of medians: both medians come from the same interleaved runs.
  results.set('synth.speedup', round(median(template.ms) / median(project.ms), 2));
  for (const variant of variants) {
    const key = `synth.${variant.name}_peak_rss_mib`;
    if (variant.rssMiB.length > 0) {
      results.set(key, round(median(variant.rssMiB)), {
        samples: variant.rssMiB.map((v) => round(v)),
        note: 'GNU time %M around the app command: peak RSS of its largest process (not the cdktf CLI)',
      });
    } else {
      results.skip(key, `${GNU_TIME} is missing (apt-get install time)`);
    }
  }
}
