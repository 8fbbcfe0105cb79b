/**
 * jest `globalTeardown` of `npm run test:sandbox`: the files that run containers share the project's
 * engine and leave it running (`keepEngine`), so that one file finishing cannot stop it under
 * another. Once every file is done, this stops it, unless it was already running before the suite.
 */
import * as path from 'node:path';
import { runningPid, stopEngine } from './docker-engine';
import { ENGINE_DIR, engineLayout } from './lib/docker-engine';
import { ENGINE_RUNNING_BEFORE } from './jest-sandbox-setup';

export default async function sandboxGlobalTeardown(_globalConfig: unknown, projectConfig: { readonly rootDir: string }): Promise<void> {
  const layout = engineLayout(path.join(projectConfig.rootDir, ENGINE_DIR));
  if ((globalThis as Record<symbol, unknown>)[ENGINE_RUNNING_BEFORE] === true || runningPid(layout) === undefined) return;
  await stopEngine(layout);
}
