/**
 * Child process that runs the embedded DynamoDB (dynalite, in memory) for one benchmark section,
 * on its own core rather than in the event loop of the process that measures it.
 * Prints `{"endpoint": ...}` once listening; stops on SIGTERM. Argument: the port (0 picks one).
 */
import { startLocalDynamo } from '../../scripts/local-dynamodb';

async function main(): Promise<void> {
  const dynamo = await startLocalDynamo({ port: Number(process.argv[2] ?? '0'), inMemory: true });
  process.stdout.write(`${JSON.stringify({ endpoint: dynamo.endpoint })}\n`);
  const stop = (): void => {
    void dynamo.stop().finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`dynalite worker: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
