/**
 * Smoke test of `npm run bench`: the harness on tiny inputs, with the expensive sections skipped.
 * It checks that the results file holds every metric and that no process outlives the run; it
 * never asserts on a timing.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { parseOptions } from '../../bench/lib/options';
import { metricCatalog, type Metric } from '../../bench/lib/results';

jest.setTimeout(240_000);

const ROOT = path.resolve(__dirname, '..', '..');
// What the harness does is checked, not a figure: the template variant runs ts-node without its type
// check, and the API runs without warm-up; both take the same code paths for a fraction of the CPU.
const ARGS = [
  '--quick',
  '--rows',
  '30,60',
  '--plan-rows',
  '30',
  '--startup-runs',
  '2',
  '--skip',
  'tests,plan,sandbox',
  '--deadline',
  '200',
  '--template-app',
  'npx ts-node --swc main.ts',
  '--api-warmup',
  '0',
];

interface ResultsFile {
  readonly metrics: Record<string, Metric>;
  readonly options: { readonly skip: string[] };
  readonly failures: unknown[];
}

/** Pids of live processes whose environment holds `marker`. */
function processesWith(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/environ`, 'latin1').includes(marker)) pids.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

let out: string;
let stdout: string;
let results: ResultsFile;
let marker: string;

beforeAll(async () => {
  // Given a tiny run whose every descendant inherits a unique marker
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-smoke-'));
  out = path.join(dir, 'results.json');
  marker = `BENCH_SMOKE_RUN=${randomUUID()}`;
  const [name, value] = marker.split('=');
  const run = await promisify(execFile)(process.execPath, ['-r', './scripts/register-ts.js', 'bench/run.ts', ...ARGS, '--out', out], {
    cwd: ROOT,
    env: { ...process.env, [name]: value },
    timeout: 230_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  stdout = run.stdout;
  results = JSON.parse(fs.readFileSync(out, 'utf8')) as ResultsFile;
});

afterAll(() => {
  if (out) fs.rmSync(path.dirname(out), { recursive: true, force: true });
});

describe('npm run bench on tiny inputs', () => {
  test('the results file holds every metric of the catalogue', () => {
    const expected = metricCatalog(parseOptions(ARGS, ROOT)).map((s) => s.key);
    expect(Object.keys(results.metrics).sort()).toEqual([...expected].sort());
  });

  test('every metric of a section that ran holds a number with its unit', () => {
    const ran = metricCatalog(parseOptions(ARGS, ROOT)).filter((s) => !['tests', 'plan', 'sandbox'].includes(s.section));
    const bad = ran.filter((s) => {
      const m = results.metrics[s.key];
      return !m || 'skipped' in m || !Number.isFinite(m.value) || m.unit !== s.unit;
    });
    expect(bad.map((s) => [s.key, results.metrics[s.key]])).toEqual([]);
    expect(results.failures).toEqual([]);
  });

  test('the skipped sections are marked skipped with the reason', () => {
    const skipped = metricCatalog(parseOptions(ARGS, ROOT)).filter((s) => ['tests', 'plan', 'sandbox'].includes(s.section));
    expect(skipped.length).toBeGreaterThan(0);
    for (const spec of skipped) {
      expect(results.metrics[spec.key]).toEqual({ skipped: true, unit: spec.unit, reason: `skipped by --skip ${spec.section}` });
    }
  });

  test('the printed table has a row for the API overhead and names the results file', () => {
    expect(stdout).toMatch(/API \/ raw query throughput\s+\d+\.\d+x\s+>= 0\.75/);
    expect(stdout).toContain('results in');
  });

  test('no process started by the run outlives it', () => {
    expect(processesWith(marker)).toEqual([]);
  });
});
