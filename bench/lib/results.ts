/**
 * The metrics a run reports: the catalogue of every key (from the options), their targets, the
 * store the sections fill, and the checks of measured values against the targets.
 */
import type { BenchOptions, Section } from './options';

export type Unit = 'ms' | 'bytes' | 'count' | 'ratio' | 'req/s' | 'MiB';

/** A measured value; `samples` are the repeats behind a median. */
export interface Measured {
  readonly value: number;
  readonly unit: Unit;
  readonly samples?: readonly number[];
  /** How it was measured, when the key alone does not say. */
  readonly note?: string;
}

/** A metric that was not measured in this run, and why. */
export interface Skipped {
  readonly skipped: true;
  readonly unit: Unit;
  readonly reason: string;
}

export type Metric = Measured | Skipped;

/** The goal of one metric, one of the targets of docs/performance.md. */
export interface Target {
  readonly op: '<' | '>=' | '<=';
  readonly value: number;
  /** As docs/performance.md states it. */
  readonly text: string;
}

/** One entry of the catalogue. */
export interface MetricSpec {
  readonly key: string;
  readonly section: Section;
  readonly unit: Unit;
  readonly label: string;
  readonly target?: Target;
}

/** Seeding modes of the data-scale section: every row its own resource, or one batch step per table above the threshold. */
export const SEEDING_MODES = ['resources', 'batch'] as const;
export type SeedingModeName = (typeof SEEDING_MODES)[number];

/** `1k`, `10k`, `100k`, or the plain number when it is not whole thousands. */
export function rowsLabel(rows: number): string {
  return rows >= 1000 && rows % 1000 === 0 ? `${rows / 1000}k` : String(rows);
}

const MB = 1_000_000;

/** Every metric key a run with `options` writes, in report order, with its unit and target. */
export function metricCatalog(options: Pick<BenchOptions, 'rows' | 'planRows'>): MetricSpec[] {
  const specs: MetricSpec[] = [
    { key: 'startup.cold_start_ms', section: 'startup', unit: 'ms', label: 'bundled service: spawn to first 200 on /health', target: { op: '<', value: 300, text: '< 300 ms' } },
    { key: 'startup.bundle_bytes', section: 'startup', unit: 'bytes', label: 'bundle (server.js)', target: { op: '<', value: 3 * MB, text: '< 3 MB' } },
    { key: 'startup.image_bytes', section: 'startup', unit: 'bytes', label: 'everything the Dockerfile COPYs' },

    { key: 'api.resources.rps', section: 'api', unit: 'req/s', label: 'GET /api/resources?category=X' },
    { key: 'api.resources.p50_ms', section: 'api', unit: 'ms', label: '  p50' },
    { key: 'api.resources.p99_ms', section: 'api', unit: 'ms', label: '  p99' },
    { key: 'api.resources.cpu_ms_per_req', section: 'api', unit: 'ms', label: '  service CPU per request' },
    { key: 'api.raw_query.rps', section: 'api', unit: 'req/s', label: 'raw DocumentClient Query loop, same concurrency' },
    { key: 'api.raw_query.p50_ms', section: 'api', unit: 'ms', label: '  p50' },
    { key: 'api.raw_query.p99_ms', section: 'api', unit: 'ms', label: '  p99' },
    { key: 'api.raw_query.cpu_ms_per_req', section: 'api', unit: 'ms', label: '  query loop CPU per query' },
    { key: 'api.throughput_ratio', section: 'api', unit: 'ratio', label: 'API / raw query throughput', target: { op: '>=', value: 0.75, text: '>= 0.75' } },
    { key: 'api.health.rps', section: 'api', unit: 'req/s', label: 'GET /health (HTTP overhead only)' },
    { key: 'api.health.p50_ms', section: 'api', unit: 'ms', label: '  p50' },
    { key: 'api.health.p99_ms', section: 'api', unit: 'ms', label: '  p99' },

    { key: 'synth.project_ms', section: 'synth', unit: 'ms', label: 'cdktf synth, project app command', target: { op: '<', value: 2500, text: '< 2.5 s' } },
    { key: 'synth.fast_ms', section: 'synth', unit: 'ms', label: 'npm run synth (the same app, without the CLI)' },
    { key: 'synth.template_ms', section: 'synth', unit: 'ms', label: 'cdktf synth, npx ts-node main.ts' },
    { key: 'synth.speedup', section: 'synth', unit: 'ratio', label: 'template / project', target: { op: '>=', value: 2, text: '>= 2x' } },
    { key: 'synth.fast_speedup', section: 'synth', unit: 'ratio', label: 'template / npm run synth' },
    { key: 'synth.cli_over_fast', section: 'synth', unit: 'ratio', label: 'cdktf synth / npm run synth (identical output)', target: { op: '>=', value: 4, text: '>= 4x' } },
    { key: 'synth.project_peak_rss_mib', section: 'synth', unit: 'MiB', label: 'peak RSS of the app, project command' },
    { key: 'synth.template_peak_rss_mib', section: 'synth', unit: 'MiB', label: 'peak RSS of the app, ts-node' },
  ];
  for (const rows of options.rows) {
    for (const mode of SEEDING_MODES) {
      const base = `data.${rowsLabel(rows)}.${mode}`;
      const largeBatch = rows === 100_000 && mode === 'batch';
      specs.push(
        {
          key: `${base}.synth_ms`,
          section: 'data',
          unit: 'ms',
          label: `${rowsLabel(rows)} rows, ${mode}: synth (data stack)`,
          ...(largeBatch ? { target: { op: '<' as const, value: 5000, text: '< 5 s' } } : {}),
        },
        { key: `${base}.json_bytes`, section: 'data', unit: 'bytes', label: '  cdk.tf.json' },
        { key: `${base}.resource_count`, section: 'data', unit: 'count', label: '  Terraform resources' },
      );
      if (options.planRows.includes(rows)) {
        specs.push({ key: `${base}.plan_ms`, section: 'plan', unit: 'ms', label: '  terraform plan (dynalite)' });
      }
    }
  }
  specs.push({
    key: 'data.batch.resource_growth',
    section: 'data',
    unit: 'count',
    label: `batch: resources at ${rowsLabel(Math.max(...options.rows))} minus at ${rowsLabel(Math.min(...options.rows))} rows`,
    target: { op: '<=', value: 0, text: 'does not grow' },
  });
  specs.push(
    { key: 'tests.unit_ms', section: 'tests', unit: 'ms', label: 'unit and construct layer (jest --selectProjects unit)', target: { op: '<', value: 10_000, text: '< 10 s' } },
    { key: 'tests.all_ms', section: 'tests', unit: 'ms', label: 'whole npm test', target: { op: '<', value: 150_000, text: '< 150 s' } },
  );
  for (const [run, title] of [
    ['deploy', 'first deploy'],
    ['redeploy', 'no-op re-deploy (moto drifts re-applied)'],
  ] as const) {
    specs.push(
      { key: `sandbox.${run}.total_ms`, section: 'sandbox', unit: 'ms', label: `${title}: synth and three cdktf deploys` },
      { key: `sandbox.${run}.synth_ms`, section: 'sandbox', unit: 'ms', label: '  cdktf synth' },
      ...(['network', 'data', 'service'] as const).map((stack) => ({
        key: `sandbox.${run}.${stack}_ms`,
        section: 'sandbox' as const,
        unit: 'ms' as const,
        label: `  cdktf deploy ${stack}`,
      })),
    );
  }
  return specs;
}

/** Whether a metric holds a number. */
export function isMeasured(metric: Metric | undefined): metric is Measured {
  return metric !== undefined && !('skipped' in metric);
}

/** The metrics of one run, keyed as in the catalogue. */
export class ResultStore {
  private readonly metrics = new Map<string, Metric>();

  constructor(private readonly catalog: readonly MetricSpec[]) {}

  /** Records a measured value; `key` must be in the catalogue. */
  set(key: string, value: number, extra: { samples?: readonly number[]; note?: string } = {}): void {
    const spec = this.spec(key);
    if (!Number.isFinite(value)) throw new Error(`bench metric ${key}: ${value} is not a finite number`);
    this.metrics.set(key, { value, unit: spec.unit, ...extra });
  }

  /** Marks a metric as not measured, with the reason. */
  skip(key: string, reason: string): void {
    this.metrics.set(key, { skipped: true, unit: this.spec(key).unit, reason });
  }

  /** Marks every metric of `section` that has no value yet as skipped. */
  skipSection(section: Section, reason: string): void {
    for (const spec of this.catalog) if (spec.section === section && !this.metrics.has(spec.key)) this.skip(spec.key, reason);
  }

  get(key: string): Metric | undefined {
    return this.metrics.get(key);
  }

  /** Every metric in catalogue order; keys never measured are marked skipped with `reason`. */
  complete(reason: string): Record<string, Metric> {
    for (const spec of this.catalog) if (!this.metrics.has(spec.key)) this.skip(spec.key, reason);
    return Object.fromEntries(this.catalog.map((spec) => [spec.key, this.metrics.get(spec.key) as Metric]));
  }

  private spec(key: string): MetricSpec {
    const spec = this.catalog.find((s) => s.key === key);
    if (!spec) throw new Error(`bench metric ${key} is not in the catalogue (bench/lib/results.ts)`);
    return spec;
  }
}

/** How a measured value compares with its target. */
export interface TargetCheck {
  readonly key: string;
  readonly target: string;
  readonly met: boolean;
  /** e.g. `1.4x over`, `12% short`; empty when met. */
  readonly miss: string;
}

/** Checks every measured metric that has a target. */
export function checkTargets(catalog: readonly MetricSpec[], metrics: Readonly<Record<string, Metric>>): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const spec of catalog) {
    const metric = metrics[spec.key];
    if (!spec.target || !isMeasured(metric)) continue;
    const { op, value: goal } = spec.target;
    const v = metric.value;
    const met = op === '<' ? v < goal : op === '<=' ? v <= goal : v >= goal;
    let miss = '';
    if (!met) {
      if (op === '>=') miss = `${(((goal - v) / goal) * 100).toFixed(0)}% short`;
      else if (goal > 0) miss = `${(v / goal).toFixed(2)}x the limit (+${formatValue(v - goal, spec.unit)})`;
      else miss = `+${formatValue(v - goal, spec.unit)}`;
    }
    checks.push({ key: spec.key, target: spec.target.text, met, miss });
  }
  return checks;
}

/** A value with its unit, as the table prints it. */
export function formatValue(value: number, unit: Unit): string {
  switch (unit) {
    case 'ms':
      return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(value < 10 ? 2 : 0)} ms`;
    case 'bytes':
      return value >= MB ? `${(value / MB).toFixed(2)} MB` : value >= 1000 ? `${(value / 1000).toFixed(1)} kB` : `${value} B`;
    case 'ratio':
      return `${value.toFixed(2)}x`;
    case 'req/s':
      return `${value.toFixed(0)} req/s`;
    case 'MiB':
      return `${value.toFixed(0)} MiB`;
    case 'count':
      return String(value);
  }
}
