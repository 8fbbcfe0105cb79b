/**
 * The embedded DynamoDB (dynalite) on loopback, persisted under the project so data survives a
 * restart. `npm run dynamodb:local` runs it in the foreground; other scripts and tests import
 * {@link startLocalDynamo}.
 */
import * as fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { runAsScript } from './run-as-script';

/** Where the embedded DynamoDB keeps its data, relative to the project root. */
export const DEFAULT_DYNAMODB_DIR = path.join('.local', 'dynamodb');
/** Port of the embedded DynamoDB; the `local` environment points the AWS provider at it. */
export const DEFAULT_DYNAMODB_PORT = 8000;

/** Options of {@link startLocalDynamo}. */
export interface LocalDynamoOptions {
  /** TCP port on 127.0.0.1; 0 picks a free one. @default 8000 */
  readonly port?: number;
  /** LevelDB directory, created when missing. @default '.local/dynamodb' under the working directory */
  readonly dir?: string;
  /** Keep data in memory only, ignoring `dir` (tests). @default false */
  readonly inMemory?: boolean;
}

/** A running embedded DynamoDB. */
export interface LocalDynamo {
  /** e.g. `http://127.0.0.1:8000` */
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** Starts dynalite on 127.0.0.1 and resolves once it accepts connections. */
export async function startLocalDynamo(options: LocalDynamoOptions = {}): Promise<LocalDynamo> {
  const dir = options.inMemory ? undefined : path.resolve(options.dir ?? DEFAULT_DYNAMODB_DIR);
  if (dir) fs.mkdirSync(dir, { recursive: true });
  // Terraform waits for tables to become ACTIVE; dynalite's default 500 ms per state change only slows applies.
  const server = dynalite({ ...(dir ? { path: dir } : {}), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_DYNAMODB_PORT, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Whether a DynamoDB API answers at `endpoint` (a ListTables with throwaway credentials). */
export async function isDynamoRunning(endpoint: string): Promise<boolean> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
    requestHandler: { requestTimeout: 1000 },
  });
  try {
    await client.send(new ListTablesCommand({ Limit: 1 }));
    return true;
  } catch {
    return false;
  } finally {
    client.destroy();
  }
}

async function main(): Promise<void> {
  const port = Number(process.env.DYNAMODB_PORT ?? DEFAULT_DYNAMODB_PORT);
  const dynamo = await startLocalDynamo({ port, dir: path.resolve(process.cwd(), DEFAULT_DYNAMODB_DIR) });
  console.log(`dynalite listening on ${dynamo.endpoint}, data in ${DEFAULT_DYNAMODB_DIR}/ (Ctrl-C to stop)`);
  const shutdown = (): void => {
    void dynamo.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

runAsScript(module, main);
