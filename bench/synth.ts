/**
 * Synth: all three stacks in a cold process, three ways, in rotating order:
 * - `project`: `cdktf synth` with the app command of cdktf.json (the project's local cdktf binary);
 * - `fast`: `npm run synth`, the same app without the CLI;
 * - `template`: `cdktf synth --app "npx ts-node main.ts"`, the template default (`--template-app`).
 * Every repeat checks that `fast` wrote byte-identical files to `project`. Peak RSS is that of the
 * app (the largest process under the app command).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SectionContext } from './lib/context';
import { runProcess, tail } from './lib/processes';
import { median, round } from './lib/stats';

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

/** Every file under `dir`, relative to it, sorted. */
function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

/**
 * The synthesized files (`manifest.json` and every `stacks/<stack>/cdk.tf.json`) that differ between
 * two output folders, or exist in only one of them; empty when the two are byte-identical.
 */
export function differingSynthFiles(a: string, b: string): string[] {
  const synthesized = (file: string): boolean => file === 'manifest.json' || /^stacks\/[^/]+\/cdk\.tf\.json$/.test(file);
  const files = new Set([...listFiles(a), ...listFiles(b)].filter(synthesized));
  return [...files].filter((file) => {
    const [left, right] = [path.join(a, file), path.join(b, file)];
    return !fs.existsSync(left) || !fs.existsSync(right) || !fs.readFileSync(left).equals(fs.readFileSync(right));
  });
}

interface Variant {
  readonly name: 'project' | 'fast' | 'template';
  /** What runs, for the notes. */
  readonly label: string;
  /** The command and its arguments for an output folder and an RSS file (undefined: no RSS measured). */
  readonly command: (outDir: string, rssFile: string | undefined) => [string, string[]];
  readonly ms: number[];
  readonly rssMiB: number[];
}

/** Runs the synth section. */
export async function measureSynth(ctx: SectionContext): Promise<void> {
  const { root, options, results, deadline, workDir } = ctx;
  const cdktf = path.join(root, 'node_modules', '.bin', 'cdktf');
  const projectApp = (JSON.parse(fs.readFileSync(path.join(root, 'cdktf.json'), 'utf8')) as { app: string }).app;
  const rssMethod = fs.existsSync(GNU_TIME) ? 'gnu-time' : 'none';
  const cdktfSynth =
    (app: string) =>
    (outDir: string, rssFile: string | undefined): [string, string[]] => [cdktf, ['synth', '--app', rssFile ? withPeakRss(app, rssFile) : app, '--output', outDir]];
  const npmSynth = ['run', '--silent', 'synth', '--', '--output'];
  const variants: Variant[] = [
    { name: 'project', label: `cdktf synth (app: ${projectApp})`, command: cdktfSynth(projectApp), ms: [], rssMiB: [] },
    {
      name: 'fast',
      label: 'npm run synth',
      command: (outDir) => ['npm', [...npmSynth, outDir]],
      ms: [],
      rssMiB: [],
    },
    { name: 'template', label: `cdktf synth (app: ${options.templateApp})`, command: cdktfSynth(options.templateApp), ms: [], rssMiB: [] },
  ];
  const env = { ...ctx.env, CI: '1', CHECKPOINT_DISABLE: '1', FORCE_COLOR: '0' };

  const run = async (variant: Variant, outDir: string, rssFile: string | undefined): Promise<number> => {
    fs.rmSync(outDir, { recursive: true, force: true });
    const [command, args] = variant.command(outDir, rssFile);
    const result = await runProcess(command, args, { cwd: root, env, timeoutMs: deadline.limit(SYNTH_TIMEOUT_MS) });
    if (result.timedOut) throw new Error(`${variant.label} stopped at its time limit`);
    if (result.code !== 0) throw new Error(`${variant.label} exited ${result.code}:\n${tail(result.stderr || result.stdout)}`);
    const missing = STACKS.filter((s) => !fs.existsSync(path.join(outDir, 'stacks', s, 'cdk.tf.json')));
    if (missing.length > 0) throw new Error(`${variant.label} wrote no ${missing.join(', ')} stack`);
    return result.ms;
  };

  // Untimed: brings .build/main.js up to date, so no timed run pays for a rebuild.
  deadline.require(10_000, 'synth (warm-up)');
  await run(variants[1], path.join(workDir, 'synth-warm-up'), undefined);

  for (let i = 0; i < options.repeats; i++) {
    // Rotate which command goes first, so none always runs on a warmer cache.
    const order = [...variants.slice(i % variants.length), ...variants.slice(0, i % variants.length)];
    for (const variant of order) {
      deadline.require(10_000, `synth (${variant.name})`);
      // The fast path runs the app in npm's child; its RSS is the project's app RSS, so it is not measured twice.
      const rssFile = rssMethod === 'gnu-time' && variant.name !== 'fast' ? path.join(workDir, `rss-${variant.name}-${i}`) : undefined;
      const ms = await run(variant, path.join(workDir, `synth-${variant.name}`), rssFile);
      variant.ms.push(ms);
      if (rssFile) variant.rssMiB.push(Number(fs.readFileSync(rssFile, 'utf8').trim().split('\n').pop()) / 1024);
      ctx.log(`synth ${variant.name} #${i + 1}: ${(ms / 1000).toFixed(2)} s`);
    }
    const differing = differingSynthFiles(path.join(workDir, 'synth-project'), path.join(workDir, 'synth-fast'));
    if (differing.length > 0) throw new Error(`npm run synth and cdktf synth wrote different files: ${differing.join(', ')}`);
  }

  const [project, fast, template] = variants;
  const note = `${STACKS.join(', ')} in a cold process, median of ${options.repeats}, rotating order`;
  for (const variant of variants) {
    results.set(`synth.${variant.name}_ms`, round(median(variant.ms)), { samples: variant.ms.map((v) => round(v)), note: `${variant.label}; ${note}` });
  }
  // Ratios of medians: all medians come from the same interleaved runs.
  results.set('synth.speedup', round(median(template.ms) / median(project.ms), 2));
  results.set('synth.fast_speedup', round(median(template.ms) / median(fast.ms), 2));
  results.set('synth.cli_over_fast', round(median(project.ms) / median(fast.ms), 2), {
    note: `cdktf synth / npm run synth; cdk.tf.json and manifest.json byte-identical in all ${options.repeats} repeats`,
  });
  for (const variant of [project, template]) {
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
