/** The table `npm run bench` prints: one row per metric, with its target and whether it was met. */
import { SECTIONS, type Section } from './options';
import { checkTargets, formatValue, isMeasured, type Metric, type MetricSpec } from './results';

const TITLES: Record<Section, string> = {
  startup: 'Start-up and size',
  api: 'API (loopback, embedded DynamoDB)',
  synth: 'Synth (all three stacks)',
  data: 'Data scale (data stack)',
  plan: 'Data scale: terraform plan',
  tests: 'Tests',
  sandbox: 'Sandbox (three stacks on the emulated AWS, moto)',
};

/** Renders the metrics as a plain-text table. */
export function renderTable(catalog: readonly MetricSpec[], metrics: Readonly<Record<string, Metric>>): string {
  const checks = new Map(checkTargets(catalog, metrics).map((c) => [c.key, c]));
  const rows: string[][] = [];
  // The plan rows sit with their data-scale case, so the data section is printed in catalogue order.
  const sectionOf = (s: MetricSpec): Section => (s.section === 'plan' ? 'data' : s.section);
  for (const section of SECTIONS.filter((s) => s !== 'plan')) {
    const specs = catalog.filter((s) => sectionOf(s) === section);
    if (specs.length === 0) continue;
    rows.push([`## ${TITLES[section]}`, '', '', '']);
    for (const spec of specs) {
      const metric = metrics[spec.key];
      const check = checks.get(spec.key);
      const value = isMeasured(metric) ? formatValue(metric.value, spec.unit) : 'skipped';
      const status = !isMeasured(metric) ? (metric?.reason ?? 'not measured').split('\n')[0].slice(0, 70) : check ? (check.met ? 'met' : `MISSED: ${check.miss}`) : '';
      rows.push([spec.label, value, spec.target?.text ?? '', status]);
    }
  }
  const widths = [0, 1, 2].map((i) => Math.max(...rows.filter((r) => !r[0].startsWith('## ')).map((r) => r[i].length)));
  return rows
    .map((r) => (r[0].startsWith('## ') ? `\n${r[0].slice(3)}` : `  ${r[0].padEnd(widths[0])}  ${r[1].padStart(widths[1])}  ${r[2].padEnd(widths[2])}  ${r[3]}`.trimEnd()))
    .join('\n');
}
