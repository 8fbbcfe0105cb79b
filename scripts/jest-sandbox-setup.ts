/**
 * jest `globalSetup` of `npm run test:sandbox`: the suites run real Terraform (through cdktf) against
 * moto, so the machine is prepared first, as `npm run sandbox` prepares it (scripts/prepare-machine.ts:
 * the provider mirror link and the CLI config file; no browser). When files that run containers are
 * selected, it starts the project's engine once for all of them: files starting it side by side
 * would race for its pid file, and one file stopping it would break another mid-run.
 */
import * as path from 'node:path';
import { useEngine, type Engine } from './docker-engine';
import { prepareForTests, type SelectedPaths } from './jest-global-setup';

/** The sandbox files that run the service as containers (SANDBOX_RUNTIME=container). */
export const CONTAINER_SANDBOX_FILES = ['deploy.sandbox.ts', 'three-services.sandbox.ts'].map((file) => path.join('__tests__', 'sandbox', file));

/** The engine this setup started or found, for the global teardown. */
export const SANDBOX_ENGINE = Symbol.for('cdktf-fargate-dynamodb.sandbox.engine');

/** Whether jest's path patterns select a file that runs containers (no patterns select every file). */
export function selectsContainerFiles(globalConfig: SelectedPaths, rootDir: string): boolean {
  if (globalConfig.testPathPatterns === undefined) return true;
  const matcher = globalConfig.testPathPatterns.toExecutor({ rootDir });
  return CONTAINER_SANDBOX_FILES.some((file) => matcher.isMatch(path.join(rootDir, file)));
}

export default async function sandboxGlobalSetup(globalConfig: SelectedPaths, projectConfig: { readonly rootDir: string }): Promise<void> {
  await prepareForTests('npm run test:sandbox', 'the sandbox suites', { root: projectConfig.rootDir, purpose: 'start' });
  if (!selectsContainerFiles(globalConfig, projectConfig.rootDir)) return;
  const engine: Engine = await useEngine({ root: projectConfig.rootDir });
  (globalThis as Record<symbol, unknown>)[SANDBOX_ENGINE] = engine;
}
