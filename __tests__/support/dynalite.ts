import { startLocalDynamo } from '../../scripts/local-dynamodb';

/** A dynalite server for one test file. */
export interface TestDynalite {
  /** e.g. `http://127.0.0.1:41234` */
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * Starts dynalite on 127.0.0.1 with a free port: in memory, or persisted to `opts.path`.
 * Call `stop()` in `afterAll`.
 */
export async function startDynalite(opts: { path?: string } = {}): Promise<TestDynalite> {
  return startLocalDynamo({ port: 0, ...(opts.path ? { dir: opts.path } : { inMemory: true }) });
}
