/**
 * jest `globalSetup` of `npm run test:sandbox`: the suites run real Terraform (through cdktf) against
 * moto, so the machine is prepared first, as `npm run sandbox` prepares it (scripts/prepare-machine.ts:
 * the provider mirror link and the CLI config file; no browser).
 */
import * as path from 'node:path';
import { runningPid } from './docker-engine';
import { prepareForTests } from './jest-global-setup';
import { ENGINE_DIR, engineLayout } from './lib/docker-engine';

/** Whether the project's engine ran before the suite: its global teardown then leaves it running. */
export const ENGINE_RUNNING_BEFORE = Symbol.for('cdktf-fargate-dynamodb.sandbox.engine-running-before');

export default async function sandboxGlobalSetup(_globalConfig: unknown, projectConfig: { readonly rootDir: string }): Promise<void> {
  (globalThis as Record<symbol, unknown>)[ENGINE_RUNNING_BEFORE] = runningPid(engineLayout(path.join(projectConfig.rootDir, ENGINE_DIR))) !== undefined;
  await prepareForTests('npm run test:sandbox', 'the sandbox suites', { root: projectConfig.rootDir, purpose: 'start' });
}
