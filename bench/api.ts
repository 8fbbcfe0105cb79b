/**
 * API: requests per second and p50/p99 latency of `GET /api/resources?category=X` on the bundled
 * service over an embedded DynamoDB seeded with the project's data, against a raw DocumentClient
 * Query loop at the same concurrency (alternating pairs; the ratio is the app's overhead), and of
 * `GET /health` (HTTP overhead only). Loopback only; every run is bounded in time.
 */
import autocannon from 'autocannon';
import * as path from 'node:path';
import { createSeededTables, LOCAL_CREDENTIALS, LOCAL_REGION, serviceEnv, type SeededTables } from '../scripts/lib/seeded-tables';
import { DEFAULT_LIMIT } from '../service/src/params';
import { bundleWorker } from './lib/bundle';
import { startDynaliteWorker, type DynaliteWorker, type SectionContext } from './lib/context';
import { groupCpuMs, runProcess, tail } from './lib/processes';
import { startService, type RunningService } from './lib/service';
import { median, round } from './lib/stats';
import type { RawQueryJob, RawQueryResult } from './workers/raw-query';

/** One load run's figures. */
interface LoadFigures {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  /** CPU of the process answering (service or query loop) per successful request. */
  readonly cpuMsPerReq?: number;
  /** dynalite's CPU over the measured window, in cores (1 = one core busy throughout). */
  readonly dynaliteCores?: number;
}

/** The category with the most resources in the seed data (ties: the first by id). */
export function busiestCategory(tables: SeededTables): string {
  const counts = new Map<string, number>();
  for (const item of tables.seed.get('Resource')?.items ?? []) {
    const category = String(item.categoryId);
    counts.set(category, (counts.get(category) ?? 0) + 1);
  }
  const [best] = [...counts].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1));
  if (!best) throw new Error('the seed data has no Resource rows; the API benchmark needs at least one');
  return best[0];
}

/** A bounded autocannon run; only 2xx answers count towards the throughput. */
async function load(url: string, connections: number, seconds: number): Promise<LoadFigures & { failed: number; seconds: number }> {
  const result = await autocannon({ url, connections, duration: seconds, pipelining: 1, timeout: 10 });
  return {
    rps: result['2xx'] / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failed: result.non2xx + result.errors + result.timeouts,
    seconds: result.duration,
  };
}

/** CPU milliseconds of a process group so far (NaN without /proc). */
const cpuOf = (pgid: number): number => groupCpuMs(pgid) ?? Number.NaN;

/** Runs the API section with a service bundle built into `bundleDir`. */
export async function measureApi(ctx: SectionContext, bundleDir: string): Promise<void> {
  const { root, options, results, deadline } = ctx;
  const seconds = options.apiDurationS;
  const warmupS = options.apiWarmupS;
  deadline.require((options.apiRepeats * 3 * (seconds + warmupS) + 15) * 1000, 'the API section');

  const rawWorker = await bundleWorker(root, path.join(root, 'bench', 'workers', 'raw-query.ts'));
  let dynamo: DynaliteWorker | undefined;
  let service: RunningService | undefined;
  try {
    dynamo = await startDynaliteWorker(ctx);
    const tables = await createSeededTables(dynamo.endpoint, 'bench');
    const category = busiestCategory(tables);
    service = await startService(bundleDir, {
      ...serviceEnv(dynamo.endpoint, tables.names),
      LOG_LEVEL: 'info',
    });
    const resourcesUrl = `${service.url}/api/resources?category=${encodeURIComponent(category)}`;
    const rawJob: RawQueryJob = {
      endpoint: dynamo.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      table: tables.names.resource,
      index: tables.names.resourceCategoryIndex,
      categoryId: category,
      limit: DEFAULT_LIMIT,
      connections: options.connections,
      durationMs: seconds * 1000,
      warmupMs: warmupS * 1000,
    };
    const { pid: servicePid } = service;
    const dynamoPid = dynamo.pid;
    const app = async (): Promise<LoadFigures & { failed: number }> => {
      const [s0, d0] = [cpuOf(servicePid), cpuOf(dynamoPid)];
      const figures = await load(resourcesUrl, options.connections, seconds);
      const [s1, d1] = [cpuOf(servicePid), cpuOf(dynamoPid)];
      return { ...figures, cpuMsPerReq: (s1 - s0) / (figures.rps * figures.seconds), dynaliteCores: (d1 - d0) / (figures.seconds * 1000) };
    };
    const raw = async (): Promise<LoadFigures> => {
      // dynalite's CPU is read when the loop's warm-up ends (give or take its ~0.1 s start) and after it exits.
      let d0 = Number.NaN;
      const timer = setTimeout(() => (d0 = cpuOf(dynamoPid)), warmupS * 1000 + 100);
      const run = await runProcess(process.execPath, [rawWorker, JSON.stringify(rawJob)], {
        cwd: root,
        env: ctx.env,
        timeoutMs: deadline.limit((seconds + warmupS + 30) * 1000),
      });
      if (run.timedOut || run.code !== 0) throw new Error(`raw query loop failed (exit ${run.code}):\n${tail(run.stderr)}`);
      const out = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as RawQueryResult;
      clearTimeout(timer);
      const d1 = cpuOf(dynamoPid);
      if (out.errors > 0) throw new Error(`raw query loop: ${out.errors} queries failed`);
      return { rps: out.rps, p50: out.latenciesMs.p50, p99: out.latenciesMs.p99, cpuMsPerReq: out.cpuMs / out.requests, dynaliteCores: (d1 - d0) / (seconds * 1000) };
    };

    // The service warms up once (it keeps running); each raw loop warms up inside its own process.
    if (warmupS > 0) await load(resourcesUrl, options.connections, warmupS);
    const apps: LoadFigures[] = [];
    const base: LoadFigures[] = [];
    const ratios: number[] = [];
    for (let i = 0; i < options.apiRepeats; i++) {
      deadline.require((2 * seconds + warmupS + 5) * 1000, `API pair ${i + 1}`);
      // Alternate the order so neither side always runs second.
      const first = i % 2 === 0 ? 'app' : 'raw';
      let a: LoadFigures & { failed: number };
      let r: LoadFigures;
      if (first === 'app') {
        a = await app();
        r = await raw();
      } else {
        r = await raw();
        a = await app();
      }
      if (a.failed) throw new Error(`GET ${resourcesUrl}: ${a.failed} requests failed or were not 2xx`);
      apps.push(a);
      base.push(r);
      ratios.push(a.rps / r.rps);
      ctx.log(`api pair ${i + 1}: app ${a.rps.toFixed(0)} req/s, raw ${r.rps.toFixed(0)} req/s`);
    }

    const health: LoadFigures[] = [];
    for (let i = 0; i < options.apiRepeats; i++) {
      deadline.require((seconds + 5) * 1000, `/health run ${i + 1}`);
      const h = await load(`${service.url}/health`, options.connections, seconds);
      if (h.failed) throw new Error(`GET /health: ${h.failed} requests failed or were not 2xx`);
      health.push(h);
    }

    const how = `${options.connections} connections, ${seconds} s per run, median of ${options.apiRepeats}`;
    const put = (prefix: string, runs: LoadFigures[], note: string) => {
      results.set(`${prefix}.rps`, round(median(runs.map((x) => x.rps))), { samples: runs.map((x) => round(x.rps)), note });
      results.set(`${prefix}.p50_ms`, round(median(runs.map((x) => x.p50)), 2), { samples: runs.map((x) => round(x.p50, 2)) });
      results.set(`${prefix}.p99_ms`, round(median(runs.map((x) => x.p99)), 2), { samples: runs.map((x) => round(x.p99, 2)) });
    };
    const cpuNote = (runs: LoadFigures[], who: string) => {
      const cores = median(runs.map((x) => x.dynaliteCores ?? Number.NaN));
      return `; ${who}; dynalite busy ${Number.isFinite(cores) ? cores.toFixed(2) : '?'} cores meanwhile`;
    };
    put('api.resources', apps, `autocannon on the bundled service (LOG_LEVEL=info), category "${category}"; ${how}${cpuNote(apps, 'service CPU from /proc')}`);
    put(
      'api.raw_query',
      base,
      `${options.connections} async workers, DocumentClient Query on ${tables.names.resourceCategoryIndex} (Limit ${DEFAULT_LIMIT}) in a child process; ${how}${cpuNote(base, 'query loop CPU from process.cpuUsage')}`,
    );
    put('api.health', health, `autocannon; ${how}`);
    const cpuPerReq = (key: string, runs: LoadFigures[]) => {
      const v = median(runs.map((x) => x.cpuMsPerReq ?? Number.NaN));
      if (Number.isFinite(v)) results.set(key, round(v, 3), { samples: runs.map((x) => round(x.cpuMsPerReq ?? Number.NaN, 3)) });
      else results.skip(key, 'no /proc to read CPU time from');
    };
    cpuPerReq('api.resources.cpu_ms_per_req', apps);
    cpuPerReq('api.raw_query.cpu_ms_per_req', base);
    results.set('api.throughput_ratio', round(median(ratios), 2), {
      samples: ratios.map((x) => round(x, 3)),
      note: 'median of the per-pair ratios app / raw (each pair run back to back)',
    });
  } finally {
    await service?.stop();
    await dynamo?.stop();
  }
}
