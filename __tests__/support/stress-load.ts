/**
 * Load and bookkeeping for the stress suites: a closed-loop HTTP client that records every request
 * (start, end, status, body or socket error), percentiles, and the shared results file.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
/** Where the measured figures go for the lead to quote (test-output/ is gitignored). */
export const STRESS_RESULTS_FILE = path.join(ROOT, 'test-output', 'stress-results.json');

/** A whole number of seconds from `name` in the environment, else `fallback` (lets a developer shorten a run). */
export function secondsFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < 1) throw new Error(`${name} must be a whole number of seconds (≥ 1), got "${raw}"`);
  return Number(raw);
}

/** One request made by {@link closedLoop}; times are `performance.now()` milliseconds. */
export interface RequestRecord {
  readonly path: string;
  readonly requestId: string;
  readonly startedAt: number;
  readonly endedAt: number;
  /** Absent when the socket failed before a complete response arrived. */
  readonly status?: number;
  /** Response headers; empty when there was no response. */
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  /** e.g. `ECONNREFUSED`, `ECONNRESET` */
  readonly errorCode?: string;
}

/** Options of {@link closedLoop}. */
export interface ClosedLoopOptions {
  readonly baseUrl: string;
  /** Request paths, taken round-robin. */
  readonly paths: readonly string[];
  readonly connections: number;
  /** The loop stops issuing requests once this resolves or `durationMs` has passed, whichever is first. */
  readonly until?: Promise<unknown>;
  readonly durationMs: number;
  /** Per-request socket timeout. @default 10000 */
  readonly timeoutMs?: number;
  /** Prefix of the x-request-id sent with each request, so server logs can be matched. @default 'stress' */
  readonly requestIdPrefix?: string;
  /** Stops a worker after a failed socket instead of retrying at once (e.g. during shutdown). @default false */
  readonly stopWorkerOnSocketError?: boolean;
}

/**
 * Runs `connections` workers, each sending its next request as soon as the previous one ends, over
 * keep-alive sockets; resolves with every request once all workers stopped.
 */
export async function closedLoop(options: ClosedLoopOptions): Promise<RequestRecord[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections });
  const records: RequestRecord[] = [];
  const prefix = options.requestIdPrefix ?? 'stress';
  let stopped = false;
  const timer = setTimeout(() => (stopped = true), options.durationMs);
  void options.until?.then(() => (stopped = true));
  let next = 0;
  const worker = async (w: number): Promise<void> => {
    while (!stopped) {
      const p = options.paths[next++ % options.paths.length];
      const record = await send(agent, options.baseUrl, p, `${prefix}-${w}-${next}`, options.timeoutMs ?? 10_000);
      records.push(record);
      if (record.errorCode !== undefined && options.stopWorkerOnSocketError) return;
    }
  };
  try {
    await Promise.all(Array.from({ length: options.connections }, (_, w) => worker(w)));
  } finally {
    clearTimeout(timer);
    agent.destroy();
  }
  return records;
}

function send(agent: http.Agent, baseUrl: string, p: string, requestId: string, timeoutMs: number): Promise<RequestRecord> {
  const startedAt = performance.now();
  return new Promise((resolve) => {
    const req = http.get(`${baseUrl}${p}`, { agent, headers: { 'x-request-id': requestId }, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          path: p,
          requestId,
          startedAt,
          endedAt: performance.now(),
          status: res.statusCode,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', (err: NodeJS.ErrnoException) =>
        resolve({ path: p, requestId, startedAt, endedAt: performance.now(), headers: {}, body: '', errorCode: err.code ?? err.message }),
      );
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('client timeout'), { code: 'CLIENT_TIMEOUT' })));
    req.on('error', (err: NodeJS.ErrnoException) =>
      resolve({ path: p, requestId, startedAt, endedAt: performance.now(), headers: {}, body: '', errorCode: err.code ?? err.message }),
    );
  });
}

/** The `q`-quantile (0..1) of `values` by nearest rank; NaN when empty. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** Rounds to one decimal for reports. */
export function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

/** Merges one suite's figures into test-output/stress-results.json and prints them as a table. */
export function reportStress(section: string, figures: Record<string, unknown>): void {
  fs.mkdirSync(path.dirname(STRESS_RESULTS_FILE), { recursive: true });
  let all: Record<string, unknown> = {};
  try {
    all = JSON.parse(fs.readFileSync(STRESS_RESULTS_FILE, 'utf8')) as Record<string, unknown>;
  } catch {
    // first suite of the run, or an unreadable leftover: start afresh
  }
  all[section] = { ...figures, measuredAt: new Date().toISOString() };
  fs.writeFileSync(STRESS_RESULTS_FILE, `${JSON.stringify(all, null, 2)}\n`);
  // eslint-disable-next-line no-console -- the suite's figures, shown in the jest log as well as written to the file
  console.table(Object.entries(figures).map(([figure, value]) => ({ section, figure, value: typeof value === 'object' ? JSON.stringify(value) : value })));
}
