/**
 * jest `globalTeardown` of `npm run test:sandbox`: stops the project's engine once every file is
 * done, if the global setup started it (scripts/jest-sandbox-setup.ts); an engine that was already
 * running before the suite is left running.
 */
import type { Engine } from './docker-engine';
import { SANDBOX_ENGINE } from './jest-sandbox-setup';

export default async function sandboxGlobalTeardown(): Promise<void> {
  const engine = (globalThis as Record<symbol, unknown>)[SANDBOX_ENGINE] as Engine | undefined;
  await engine?.stop();
}
