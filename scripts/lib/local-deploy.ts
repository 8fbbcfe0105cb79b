/**
 * Where and how the `local` environment's data stack deploys, shared by the deploy
 * (scripts/deploy-data-local.ts) and the check that it is unchanged (scripts/data-unchanged.ts), so
 * that both synthesize the same stack.
 */
import * as path from 'node:path';
import { loadConfig } from '../../stacks/settings/config';

/** The data stack's directory in cdktf.out, where the local deploy (and `cdktf deploy data`) runs Terraform. */
export function dataStackDir(root: string): string {
  return path.join(root, 'cdktf.out', 'stacks', 'data');
}

/** The variables the app is synthesized with for a local deploy to the DynamoDB at `endpoint`. */
export function localDeployEnv(endpoint: string, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, CDKTF_ENV: 'local', DYNAMODB_PORT: new URL(endpoint).port };
}

/** The local environment's data stack state file, or undefined when its settings choose a remote backend. */
export function localStatePath(env: NodeJS.ProcessEnv, root: string): string | undefined {
  const { backend } = loadConfig(env, root);
  return backend.kind === 'local' ? path.join(backend.directory, 'data.tfstate') : undefined;
}
