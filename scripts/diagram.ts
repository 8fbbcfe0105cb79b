/**
 * `npm run diagram`: draws the synthesized app (cdktf.out) as an SVG: the stacks, their main resources,
 * the cross-stack references between them, and each ECS service's load balancers and target ports.
 * When cdktf.out holds nothing, or stacks made with other settings (environment, project, region,
 * state location: scripts/lib/synth-settings.ts), it synthesizes the app into it first, as
 * `npm run synth` would. Graphviz runs as WebAssembly (@viz-js/viz), so no system package is needed.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { instance } from '@viz-js/viz';
import { asTfJson, isRecord, type TfJson } from '../stacks/lib/tf-json';
import { toDot, withFontFallback } from './lib/diagram-dot';
import { buildModel, compare, type DiagramModel } from './lib/diagram-model';
import { loadConfig } from '../stacks/settings/config';
import { configSettings, settingsMismatch } from './lib/synth-settings';
import { runAsScript } from './run-as-script';

const ROOT = path.resolve(__dirname, '..');

const USAGE = `usage: npm run diagram -- [options]
  --input DIR     synthesized app to draw (its manifest.json, else stacks/*/cdk.tf.json), as it is
                  default cdktf.out, synthesized first when it holds nothing or another environment,
                  project, region or state location than the CDKTF_* settings give
  --output FILE   SVG to write                                                             default docs/images/architecture.svg
  --dot FILE      also write the Graphviz source
  --title TEXT    heading of the picture                               default: the Project · Environment tags
  --synth         synthesize the app into --input first, always (the app command of cdktf.json; CDKTF_* as usual)`;

/**
 * When the app is synthesized before it is drawn: `always` (--synth), `when-needed` (the default
 * cdktf.out: when it holds nothing or was made with other settings), `never` (an --input given
 * without --synth is drawn as it is).
 */
export type SynthMode = 'always' | 'when-needed' | 'never';

/** Options of one run. */
export interface DiagramOptions {
  /** A cdktf.out directory. */
  readonly input: string;
  /** The SVG file. */
  readonly output: string;
  /** Where to write the DOT source as well. @default - not written */
  readonly dot?: string;
  /** @default - the model's title: the Project · Environment default tags */
  readonly title?: string;
  /** When to synthesize the app into `input` first. */
  readonly synth: SynthMode;
  /** Print the usage and do nothing else. @default false */
  readonly help?: boolean;
}

/** Parses the command line (without node and the script); throws with the usage on a bad option. */
export function parseDiagramArgs(argv: readonly string[], cwd: string): DiagramOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        input: { type: 'string' },
        output: { type: 'string' },
        dot: { type: 'string' },
        title: { type: 'string' },
        synth: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  }
  if (values.help) return { input: '', output: '', synth: 'never', help: true };
  return {
    input: path.resolve(cwd, values.input ?? 'cdktf.out'),
    output: path.resolve(cwd, values.output ?? path.join('docs', 'images', 'architecture.svg')),
    ...(values.dot ? { dot: path.resolve(cwd, values.dot) } : {}),
    ...(values.title ? { title: values.title } : {}),
    synth: values.synth === true ? 'always' : values.input === undefined ? 'when-needed' : 'never',
  };
}

/**
 * The stack files of a synthesized app: those its manifest.json names (so stacks left over from an older
 * synth are ignored), else every stacks/<id>/cdk.tf.json.
 */
function stackFiles(dir: string): Record<string, string> {
  const manifestFile = path.join(dir, 'manifest.json');
  if (fs.existsSync(manifestFile)) {
    const manifest: unknown = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
    const stacks = isRecord(manifest) && isRecord(manifest.stacks) ? manifest.stacks : undefined;
    if (!stacks) throw new Error(`${shown(manifestFile)}: no "stacks" object; re-synthesize the app (npx cdktf synth)`);
    return Object.fromEntries(
      Object.entries(stacks).map(([id, stack]) => {
        const file = isRecord(stack) && typeof stack.synthesizedStackPath === 'string' ? stack.synthesizedStackPath : path.join('stacks', id, 'cdk.tf.json');
        return [id, path.join(dir, file)];
      }),
    );
  }
  const stacksDir = path.join(dir, 'stacks');
  const ids = fs.existsSync(stacksDir) ? fs.readdirSync(stacksDir).filter((id) => fs.existsSync(path.join(stacksDir, id, 'cdk.tf.json'))) : [];
  return Object.fromEntries(ids.map((id) => [id, path.join(stacksDir, id, 'cdk.tf.json')]));
}

/** A file as messages show it: relative to the working directory when inside it. */
function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

/**
 * Why the app must be synthesized into `options.input` before it is drawn, or undefined when it
 * must not: `env` and `root` give the settings, as the app command reads them.
 */
export function synthReason(options: Pick<DiagramOptions, 'input' | 'synth'>, env: NodeJS.ProcessEnv, root: string): string | undefined {
  if (options.synth === 'never') return undefined;
  if (options.synth === 'always') return 'asked with --synth';
  if (Object.keys(stackFiles(options.input)).length === 0) return `${shown(options.input)} holds no synthesized stack`;
  let stacks: Record<string, TfJson>;
  try {
    stacks = readStacks(options.input);
  } catch (error) {
    return `${shown(options.input)} cannot be read: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
  }
  const mismatch = settingsMismatch(stacks, configSettings(loadConfig(env, root)));
  return mismatch === undefined ? undefined : `${shown(options.input)} was synthesized with other settings (${mismatch})`;
}

/** Reads and checks every stack of a synthesized app (a cdktf.out directory), keyed by stack id. */
export function readStacks(dir: string): Record<string, TfJson> {
  const files = stackFiles(dir);
  const ids = Object.keys(files).sort(compare);
  if (ids.length === 0) {
    throw new Error(`${shown(path.join(dir, 'stacks'))}: no synthesized stack (stacks/<id>/cdk.tf.json); run npx cdktf synth first, or npm run diagram -- --synth`);
  }
  return Object.fromEntries(
    ids.map((id) => {
      const file = files[id];
      if (!fs.existsSync(file)) throw new Error(`${shown(file)}: missing, although manifest.json names stack ${id}; re-synthesize the app (npx cdktf synth)`);
      let parsed: unknown;
      try {
        parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
      } catch (error) {
        throw new Error(`${shown(file)}: not valid JSON (${error instanceof Error ? error.message : String(error)}); re-synthesize the app (npx cdktf synth)`);
      }
      return [id, asTfJson(parsed, shown(file), 're-synthesize the app (npx cdktf synth) or point --input at a cdktf.out directory')];
    }),
  );
}

/**
 * Synthesizes the app into `outdir` the way cdktf does: runs the `app` command of cdktf.json in `root`
 * with CDKTF_OUTDIR set. `env` supplies CDKTF_ENV and the other settings.
 */
export function synthesizeApp(root: string, outdir: string, env: NodeJS.ProcessEnv = process.env): void {
  const config: unknown = JSON.parse(fs.readFileSync(path.join(root, 'cdktf.json'), 'utf8'));
  const app = isRecord(config) && typeof config.app === 'string' ? config.app : undefined;
  if (!app) throw new Error(`${path.join(root, 'cdktf.json')}: no "app" command to synthesize with`);
  const result = spawnSync(app, { cwd: root, shell: true, env: { ...env, CDKTF_OUTDIR: outdir }, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`synthesizing the app (${app}) failed with exit code ${result.status}:\n${`${result.stdout}${result.stderr}`.trim()}`);
  }
}

/** Renders DOT source to SVG with Graphviz compiled to WebAssembly. */
export async function renderSvg(dot: string): Promise<string> {
  const viz = await instance();
  const result = viz.render(dot, { format: 'svg', engine: 'dot' });
  if (result.status !== 'success') {
    throw new Error(`Graphviz could not render the diagram: ${result.errors.map((e) => e.message).join('; ')}`);
  }
  return withFontFallback(result.output);
}

/** Draws the app in `options.input`; returns the model, the DOT source and the SVG. */
export async function drawApp(options: Pick<DiagramOptions, 'input' | 'title'>): Promise<{ model: DiagramModel; dot: string; svg: string }> {
  const model = buildModel(readStacks(options.input));
  const dot = toDot(model, options.title ? { title: options.title } : {});
  return { model, dot, svg: await renderSvg(dot) };
}

async function main(): Promise<void> {
  const started = performance.now();
  const options = parseDiagramArgs(process.argv.slice(2), process.cwd());
  if (options.help) {
    console.log(USAGE);
    return;
  }
  const reason = synthReason(options, process.env, ROOT);
  if (reason !== undefined) {
    const synthStarted = performance.now();
    synthesizeApp(ROOT, options.input);
    console.log(`diagram: synthesized the app into ${shown(options.input)} in ${((performance.now() - synthStarted) / 1000).toFixed(2)} s: ${reason}`);
  }
  const { model, dot, svg } = await drawApp(options);
  fs.mkdirSync(path.dirname(options.output), { recursive: true });
  fs.writeFileSync(options.output, svg);
  if (options.dot) {
    fs.mkdirSync(path.dirname(options.dot), { recursive: true });
    fs.writeFileSync(options.dot, dot);
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  console.log(
    `diagram: ${shown(options.output)} (${model.stacks.length} stacks, ${model.references.length} cross-stack references, ${model.routes.length} service routes) in ${seconds} s`,
  );
}

runAsScript(module, main);
