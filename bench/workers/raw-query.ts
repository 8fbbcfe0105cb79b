/**
 * Child process of the API benchmark: the baseline the service is compared with. `connections`
 * async workers each run the same DocumentClient Query the service runs for
 * `GET /api/resources?category=X` (GSI byCategory, same limit), back to back, for `durationMs`
 * after `warmupMs`. Prints a {@link RawQueryResult} as one JSON line. Argument: a JSON {@link RawQueryJob}.
 */
import http from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { percentile } from '../lib/stats';

/** The query and the load. */
export interface RawQueryJob {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly table: string;
  readonly index: string;
  readonly categoryId: string;
  /** Page size; the service's default `limit`. */
  readonly limit: number;
  readonly connections: number;
  readonly durationMs: number;
  readonly warmupMs: number;
}

/** What the loop measured after its warm-up. */
export interface RawQueryResult {
  readonly requests: number;
  readonly errors: number;
  readonly seconds: number;
  /** Successful queries per second. */
  readonly rps: number;
  /** CPU time (user + system) of this process during the measured window. */
  readonly cpuMs: number;
  readonly latenciesMs: { readonly p50: number; readonly p99: number };
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '') as RawQueryJob;
  // Keep-alive with a socket per worker, as the service's client has (service/src/db.ts).
  const client = new DynamoDBClient({
    region: job.region,
    endpoint: job.endpoint,
    credentials: job.credentials,
    requestHandler: { httpAgent: new http.Agent({ keepAlive: true, maxSockets: 64 }) },
  });
  const doc = DynamoDBDocumentClient.from(client);
  const query = () =>
    doc.send(
      new QueryCommand({
        TableName: job.table,
        IndexName: job.index,
        KeyConditionExpression: '#c = :c',
        ExpressionAttributeNames: { '#c': 'categoryId' },
        ExpressionAttributeValues: { ':c': job.categoryId },
        Limit: job.limit,
      }),
    );

  const latencies: number[] = [];
  let errors = 0;
  const warmEnd = performance.now() + job.warmupMs;
  const end = warmEnd + job.durationMs;
  const worker = async (): Promise<void> => {
    for (;;) {
      const start = performance.now();
      if (start >= end) return;
      try {
        const out = await query();
        if ((out.Items ?? []).length === 0) throw new Error(`no items for category ${job.categoryId}`);
        if (start >= warmEnd) latencies.push(performance.now() - start);
      } catch {
        if (start >= warmEnd) errors++;
      }
    }
  };
  let cpuAtWarm = process.cpuUsage();
  const warmTimer = setTimeout(() => (cpuAtWarm = process.cpuUsage()), job.warmupMs);
  await Promise.all(Array.from({ length: job.connections }, worker));
  const cpu = process.cpuUsage(cpuAtWarm);
  clearTimeout(warmTimer);
  client.destroy();

  if (latencies.length === 0) throw new Error(`no query succeeded in ${job.durationMs} ms (${errors} errors)`);
  const seconds = job.durationMs / 1000;
  const result: RawQueryResult = {
    requests: latencies.length,
    errors,
    seconds,
    rps: latencies.length / seconds,
    cpuMs: (cpu.user + cpu.system) / 1000,
    latenciesMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99) },
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`raw query worker: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
