/** Command-line options of `npm run bench` (bench/run.ts). */
import * as path from 'node:path';
import { parseArgs } from 'node:util';

/** The measurements, in the order they run. */
export const SECTIONS = ['startup', 'api', 'synth', 'data', 'plan', 'tests', 'sandbox'] as const;
/** One measurement; `plan` is the real `terraform plan` part of the data-scale section. */
export type Section = (typeof SECTIONS)[number];

/** Everything a run is told; every field has a default (see {@link parseOptions}). */
export interface BenchOptions {
  /** Repeats of each synth and data-scale timing; the median is reported. @default 5 (1 with --quick) */
  readonly repeats: number;
  /** Repeats of the unit layer; the whole `npm test` runs once per `fullTestRepeats`. @default 3 */
  readonly testRepeats: number;
  /** @default 1 */
  readonly fullTestRepeats: number;
  /** Generated Resource rows for the data-scale section. @default 1000,10000,100000 */
  readonly rows: readonly number[];
  /** Row counts (among `rows`) that also get a real `terraform plan`. @default 1000,10000 */
  readonly planRows: readonly number[];
  /** Load duration of each API run, in seconds. @default 5 */
  readonly apiDurationS: number;
  /** Concurrent connections of the API load and workers of the raw query loop. @default 10 */
  readonly connections: number;
  /** Alternating app/raw pairs of API runs. @default 3 */
  readonly apiRepeats: number;
  /**
   * Warm-up of the service and of each raw query loop before they are measured, in seconds; 0 skips
   * it (the smoke test, which reads no figure). @default half of apiDurationS, at least 2
   */
  readonly apiWarmupS: number;
  /** Cold starts of the bundled service. @default 10 */
  readonly startupRuns: number;
  /** Sections not to run; their metrics are written with `skipped: true` and the reason. */
  readonly skip: ReadonlySet<Section>;
  /** The whole run stops starting work after this many seconds. @default 900 */
  readonly deadlineS: number;
  /** Largest time one data-scale synth may take before it is stopped, in seconds. @default 120 */
  readonly caseTimeoutS: number;
  /**
   * App command of the synth section's `template` variant. The smoke test passes ts-node without
   * its type check: the harness runs the same way, without the CPU a type check costs (about 10 s here).
   * @default npx ts-node main.ts (what `cdktf init --template typescript` writes)
   */
  readonly templateApp: string;
  /** @default bench/results.json */
  readonly out: string;
}

/** The app command `cdktf init --template typescript` writes. */
export const TEMPLATE_APP = 'npx ts-node main.ts';

const USAGE = `usage: npm run bench -- [options]
  --quick               1 repeat, rows 100,1000, 1 s API runs, 3 cold starts (a fast look, not a result)
  --repeats N           repeats of each synth timing (median reported)            default 5
  --test-repeats N      repeats of the unit layer                                  default 3
  --rows a,b,c          generated Resource rows for the data-scale section         default 1000,10000,100000
  --plan-rows a,b       rows that also get a real terraform plan                   default 1000,10000
  --api-duration S      seconds of each API load run                               default 5
  --api-repeats N       app/raw pairs of API runs                                  default 3
  --api-warmup S        seconds of warm-up before the API runs (0: none)          default half of --api-duration, >= 2
  --connections N       concurrent connections (and raw-loop workers)              default 10
  --startup-runs N      cold starts of the bundled service                         default 10
  --skip a,b            skip sections: ${SECTIONS.join(', ')}
  --skip-tests          same as --skip tests (the whole npm test takes minutes)
  --deadline S          start no work after S seconds                              default 1200
  --case-timeout S      stop one data-scale synth after S seconds                  default 120
  --template-app CMD    app command of the synth section's template variant        default ${TEMPLATE_APP}
  --out FILE            results file                                               default bench/results.json`;

/** Parses `argv` (without node and the script); throws with the usage on a bad option. */
export function parseOptions(argv: readonly string[], root: string): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      repeats: { type: 'string' },
      'test-repeats': { type: 'string' },
      'full-test-repeats': { type: 'string' },
      rows: { type: 'string' },
      'plan-rows': { type: 'string' },
      'api-duration': { type: 'string' },
      'api-repeats': { type: 'string' },
      'api-warmup': { type: 'string' },
      connections: { type: 'string' },
      'startup-runs': { type: 'string' },
      skip: { type: 'string' },
      'skip-tests': { type: 'boolean', default: false },
      deadline: { type: 'string' },
      'case-timeout': { type: 'string' },
      'template-app': { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) throw new OptionsError(USAGE);
  const quick = values.quick === true;
  const int = (name: string, raw: string | undefined, fallback: number, min = 1): number => {
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min) throw new OptionsError(`--${name}: "${raw}" is not a whole number >= ${min}\n${USAGE}`);
    return Number(raw);
  };
  const list = (name: string, raw: string | undefined, fallback: number[]): number[] => {
    if (raw === undefined) return fallback;
    const parts = raw
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    if (parts.some((p) => !/^\d+$/.test(p) || Number(p) < 1)) throw new OptionsError(`--${name}: "${raw}" is not a list of row counts like 1000,10000\n${USAGE}`);
    return [...new Set(parts.map(Number))].sort((a, b) => a - b);
  };
  const skip = new Set<Section>();
  for (const name of (values.skip ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')) {
    if (!(SECTIONS as readonly string[]).includes(name)) throw new OptionsError(`--skip: "${name}" is not a section; use any of ${SECTIONS.join(', ')}`);
    skip.add(name as Section);
  }
  if (values['skip-tests']) skip.add('tests');

  const rows = list('rows', values.rows, quick ? [100, 1000] : [1000, 10_000, 100_000]);
  const planRows = list(
    'plan-rows',
    values['plan-rows'],
    rows.filter((r) => r <= 10_000),
  );
  const unknown = planRows.filter((r) => !rows.includes(r));
  if (unknown.length > 0) throw new OptionsError(`--plan-rows: ${unknown.join(', ')} not among --rows ${rows.join(',')}; plan only row counts that are synthesized`);
  const apiDurationS = int('api-duration', values['api-duration'], quick ? 1 : 5);
  return {
    repeats: int('repeats', values.repeats, quick ? 1 : 5),
    testRepeats: int('test-repeats', values['test-repeats'], quick ? 1 : 3),
    fullTestRepeats: int('full-test-repeats', values['full-test-repeats'], 1),
    rows,
    planRows,
    apiDurationS,
    apiRepeats: int('api-repeats', values['api-repeats'], quick ? 1 : 3),
    // A 1 s warm-up left the first measured run at half speed (JIT, keep-alive sockets still opening).
    apiWarmupS: int('api-warmup', values['api-warmup'], Math.max(2, Math.round(apiDurationS / 2)), 0),
    connections: int('connections', values.connections, 10),
    startupRuns: int('startup-runs', values['startup-runs'], quick ? 3 : 10),
    skip,
    deadlineS: int('deadline', values.deadline, 1200),
    caseTimeoutS: int('case-timeout', values['case-timeout'], 120),
    templateApp: templateApp(values['template-app']),
    out: path.resolve(root, values.out ?? path.join('bench', 'results.json')),
  };
}

/** The `--template-app` value, or the template default; an empty command is refused. */
function templateApp(raw: string | undefined): string {
  if (raw === undefined) return TEMPLATE_APP;
  if (raw.trim() === '') throw new OptionsError(`--template-app: the app command is empty; pass a command like "${TEMPLATE_APP}" or leave the option out\n${USAGE}`);
  return raw.trim();
}

/** A bad command line; the message includes the usage. */
export class OptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OptionsError';
  }
}
