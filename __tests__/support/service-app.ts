/** Builds the service app in-process for supertest, against a given DynamoDB endpoint. */
import * as path from 'node:path';
import { Writable } from 'node:stream';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Express } from 'express';
import { createApp } from '../../service/src/app';
import type { BasicAuthCredentials, ServiceConfig, TableNames } from '../../service/src/config';
import { createDocumentClient } from '../../service/src/db';
import { createLogger } from '../../service/src/logger';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../scripts/lib/seeded-tables';

/** The unbundled web page folder. */
export const SERVICE_PUBLIC_DIR = path.resolve(__dirname, '..', '..', 'service', 'public');

/** Options of {@link createTestApp}. */
export interface TestAppOptions {
  readonly endpoint: string;
  readonly names: TableNames;
  /** @default - auth off */
  readonly basicAuth?: BasicAuthCredentials;
  /** @default 2000 */
  readonly dynamoDbTimeoutMs?: number;
}

/** An app plus what the test must clean up and may inspect. */
export interface TestApp {
  readonly app: Express;
  readonly db: DynamoDBDocumentClient;
  /** Parsed JSON log lines written so far. */
  readonly logs: Record<string, unknown>[];
}

/** Creates the app with a real document client on `endpoint` and a logger captured in memory. */
export function createTestApp(options: TestAppOptions): TestApp {
  const config: ServiceConfig = {
    port: 0,
    region: LOCAL_REGION,
    dynamoDbEndpoint: options.endpoint,
    tables: options.names,
    ...(options.basicAuth ? { basicAuth: options.basicAuth } : {}),
    logLevel: 'info',
    shutdownTimeoutMs: 5000,
    dynamoDbTimeoutMs: options.dynamoDbTimeoutMs ?? 2000,
  };
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const logger = createLogger('info', sink);
  const db = createDocumentClient(config, LOCAL_CREDENTIALS);
  return { app: createApp({ config, db, logger, staticDir: SERVICE_PUBLIC_DIR }), db, logs };
}
