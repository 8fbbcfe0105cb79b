/** The pure parts of the benchmark harness: statistics, options, the metric catalogue and the parsers. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { countResources, seedingThreshold } from '../../bench/data-scale';
import { cleanEnvironment } from '../../bench/lib/context';
import { parseOptions } from '../../bench/lib/options';
import { checkTargets, metricCatalog, rowsLabel, type Metric } from '../../bench/lib/results';
import { median, percentile } from '../../bench/lib/stats';
import { dockerfileCopySources } from '../../bench/startup';
import { differingSynthFiles, shellQuote, withPeakRss } from '../../bench/synth';
import { failedRunLog, keepFailedOutput } from '../../bench/tests';
import { VARIABLES } from '../../stacks/settings/variables';

const ROOT = path.resolve(__dirname, '..', '..');

describe('statistics', () => {
  test('the median of an even count is the mean of the two middle values', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([5, 1, 3])).toBe(3);
  });

  test('the median of nothing is an error, not NaN', () => {
    expect(() => median([])).toThrow(/no values/);
  });

  test('percentiles use the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
  });
});

describe('options', () => {
  test('the defaults measure 1k, 10k and 100k rows and plan the first two', () => {
    const options = parseOptions([], ROOT);
    expect(options.rows).toEqual([1000, 10_000, 100_000]);
    expect(options.planRows).toEqual([1000, 10_000]);
    expect(options.out).toBe(path.join(ROOT, 'bench', 'results.json'));
  });

  test('--skip-tests skips the tests section', () => {
    expect([...parseOptions(['--skip-tests'], ROOT).skip]).toEqual(['tests']);
  });

  test('an unknown section names the sections that exist', () => {
    expect(() => parseOptions(['--skip', 'lint'], ROOT)).toThrow(/"lint" is not a section; use any of startup, api/);
  });

  test('the template variant runs the template default unless --template-app names another app', () => {
    expect(parseOptions([], ROOT).templateApp).toBe('npx ts-node main.ts');
    expect(parseOptions(['--template-app', 'npx ts-node --transpile-only main.ts'], ROOT).templateApp).toBe('npx ts-node --transpile-only main.ts');
  });

  test('the API warm-up is half the run, at least 2 s, unless --api-warmup sets it (0 skips it)', () => {
    expect([parseOptions([], ROOT).apiWarmupS, parseOptions(['--quick'], ROOT).apiWarmupS, parseOptions(['--api-duration', '10'], ROOT).apiWarmupS]).toEqual([3, 2, 5]);
    expect(parseOptions(['--api-warmup', '0'], ROOT).apiWarmupS).toBe(0);
  });

  test('an empty --template-app is refused with the fix', () => {
    expect(() => parseOptions(['--template-app', ' '], ROOT)).toThrow(/--template-app: the app command is empty; pass a command like "npx ts-node main.ts"/);
  });

  test('plan rows must be among the synthesized rows', () => {
    expect(() => parseOptions(['--rows', '100', '--plan-rows', '200'], ROOT)).toThrow(/--plan-rows: 200 not among --rows 100/);
  });
});

describe('metric catalogue', () => {
  test('plan metrics exist only for the plan rows', () => {
    const keys = metricCatalog({ rows: [1000, 100_000], planRows: [1000] }).map((s) => s.key);
    expect(keys).toContain('data.1k.resources.plan_ms');
    expect(keys).toContain('data.1k.batch.plan_ms');
    expect(keys.filter((k) => k.startsWith('data.100k.') && k.endsWith('.plan_ms'))).toEqual([]);
  });

  test('100k rows in batch mode carry the 5 s synth target', () => {
    const spec = metricCatalog({ rows: [100_000], planRows: [] }).find((s) => s.key === 'data.100k.batch.synth_ms');
    expect(spec?.target).toEqual({ op: '<', value: 5000, text: '< 5 s' });
  });

  test('row labels use k for whole thousands only', () => {
    expect([rowsLabel(1000), rowsLabel(100_000), rowsLabel(1500), rowsLabel(30)]).toEqual(['1k', '100k', '1500', '30']);
  });
});

describe('target checks', () => {
  const catalog = metricCatalog({ rows: [1000], planRows: [] });
  const value = (v: number, unit: Metric['unit']): Metric => ({ value: v, unit });

  test('a time over its limit says by how much', () => {
    const [check] = checkTargets(catalog, { 'synth.project_ms': value(3000, 'ms') });
    expect(check).toEqual({ key: 'synth.project_ms', target: '< 2.5 s', met: false, miss: '1.20x the limit (+500 ms)' });
  });

  test('a ratio under its floor says how far short it is', () => {
    const [check] = checkTargets(catalog, { 'api.throughput_ratio': value(0.6, 'ratio') });
    expect(check).toMatchObject({ met: false, miss: '20% short' });
  });

  test('npm run synth must be at least 4x faster than cdktf synth', () => {
    const [check] = checkTargets(catalog, { 'synth.cli_over_fast': value(3, 'ratio') });
    expect(check).toEqual({ key: 'synth.cli_over_fast', target: '>= 4x', met: false, miss: '25% short' });
  });

  test('skipped metrics are not checked', () => {
    expect(checkTargets(catalog, { 'synth.speedup': { skipped: true, unit: 'ratio', reason: 'x' } })).toEqual([]);
  });
});

describe('parsers', () => {
  test('the Dockerfile copies the bundle, its legal notices and the web page', () => {
    const dockerfile = fs.readFileSync(path.join(ROOT, 'service', 'Dockerfile'), 'utf8');
    expect(dockerfileCopySources(dockerfile).sort()).toEqual(['dist/public', 'dist/server.js', 'dist/server.js.LEGAL.txt']);
  });

  test('COPY --from and flags are not counted as sources', () => {
    const text = 'FROM x AS build\nCOPY --from=build /out /app\nCOPY --chown=node:node a.js \\\n  b.js ./\nCOPY ["c d", "/e"]\n';
    expect(dockerfileCopySources(text)).toEqual(['a.js', 'b.js', 'c d']);
  });

  test('resources are counted across types; data sources are not', () => {
    const stack = { resource: { aws_dynamodb_table: { a: {}, b: {} }, terraform_data: { c: {} } }, data: { aws_iam_policy_document: { d: {} } } };
    expect(countResources(stack)).toBe(3);
  });

  test('batch mode lowers the threshold below the rows only when the configured one would not apply', () => {
    expect(seedingThreshold('resources', 10_000, 1000)).toBe(10_000);
    expect(seedingThreshold('batch', 10_000, 1000)).toBe(1000);
    expect(seedingThreshold('batch', 1000, 1000)).toBe(999);
  });

  test('the app command is wrapped as one shell word for GNU time', () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(withPeakRss('a && b', '/tmp/r')).toBe(`/usr/bin/time -f %M -o '/tmp/r' sh -c 'a && b'`);
  });
});

describe('synth output comparison', () => {
  const write = (dir: string, files: Record<string, string>): string => {
    for (const [file, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
    return dir;
  };
  let tmp: string;
  beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-compare-'))));
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('identical manifests and stacks differ in nothing, whatever else lies beside them', () => {
    const same = { 'manifest.json': '{}', 'stacks/data/cdk.tf.json': '{"a":1}' };
    const a = write(path.join(tmp, 'a'), { ...same, 'stacks/data/.terraform/x': 'cache' });
    const b = write(path.join(tmp, 'b'), same);
    expect(differingSynthFiles(a, b)).toEqual([]);
  });

  test('a stack whose bytes differ, or that only one side wrote, is named', () => {
    const a = write(path.join(tmp, 'a'), { 'manifest.json': '{}', 'stacks/data/cdk.tf.json': '{"a":1}', 'stacks/extra/cdk.tf.json': '{}' });
    const b = write(path.join(tmp, 'b'), { 'manifest.json': '{}', 'stacks/data/cdk.tf.json': '{"a": 1}' });
    expect(differingSynthFiles(a, b).sort()).toEqual(['stacks/data/cdk.tf.json', 'stacks/extra/cdk.tf.json']);
  });
});

describe('the environment of the children', () => {
  it('drops every variable the configuration reads, so each run measures the defaults, and keeps the rest', () => {
    const env = { ...Object.fromEntries(Object.keys(VARIABLES).map((name) => [name, 'x'])), PATH: '/usr/bin', HOME: '/root' };
    expect(cleanEnvironment(env)).toEqual({ PATH: '/usr/bin', HOME: '/root' });
  });
});

describe('the output of a failed test run', () => {
  test('is kept beside the results file, named for the layer and the attempt', () => {
    expect([failedRunLog('/tmp/run/results.json', 'npm-test', 1), failedRunLog('/tmp/run/results.json', 'unit', 3)]).toEqual([
      '/tmp/run/results.npm-test-1.log',
      '/tmp/run/results.unit-3.log',
    ]);
  });

  test("holds a failed run's stdout and stderr, and nothing is written for a run that passed", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-kept-'));
    try {
      const run = { stdout: 'FAIL a.test.ts', stderr: 'Tests: 1 failed', ms: 1, timedOut: false, signal: null };
      const failed = keepFailedOutput({ ...run, code: 1 }, path.join(dir, 'failed.log'));
      const passed = keepFailedOutput({ ...run, code: 0 }, path.join(dir, 'passed.log'));
      expect([failed && fs.readFileSync(failed, 'utf8'), passed, fs.readdirSync(dir)]).toEqual(['FAIL a.test.ts\nTests: 1 failed', undefined, ['failed.log']]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
