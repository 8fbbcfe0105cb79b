/** Process entry point (bundled to dist/server.js): read the environment, serve, drain on SIGTERM. */
import fs from 'node:fs';
import path from 'node:path';
import { createApp } from './app';
import { ConfigError, loadConfig } from './config';
import { createDocumentClient } from './db';
import { listen } from './lifecycle';
import { createLogger } from './logger';

/** The web page's folder: next to the bundle (dist/public) or, unbundled, service/public. */
function findStaticDir(): string | undefined {
  return [path.join(__dirname, 'public'), path.join(__dirname, '..', 'public')].find((dir) => fs.existsSync(path.join(dir, 'index.html')));
}

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\nSee docs/service.md for every variable.\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  const db = createDocumentClient(config);
  const staticDir = findStaticDir();
  const running = await listen((isShuttingDown) => createApp({ config, db, logger, staticDir, isShuttingDown }), config.port, config.shutdownTimeoutMs, logger);
  logger.info({ port: running.port, region: config.region, endpoint: config.dynamoDbEndpoint ?? 'aws', auth: config.basicAuth !== undefined, staticDir }, 'listening');

  // One shutdown, whatever arrives: a terminal's Ctrl-C and a supervisor's SIGTERM often come together.
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    void running.shutdown(signal).then((drained) => {
      db.destroy();
      logger.info({ drained }, 'stopped');
      process.exitCode = drained ? 0 : 1;
      // Exit explicitly: keep-alive sockets to DynamoDB would otherwise hold the event loop.
      setImmediate(() => process.exit());
    });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`fatal: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
