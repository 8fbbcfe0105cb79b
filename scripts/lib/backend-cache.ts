/**
 * One stack directory of cdktf.out serves every environment in turn, but Terraform remembers the
 * backend it was last initialised with (`.terraform/terraform.tfstate`) and stops with "Backend
 * configuration changed" when another environment's state path appears. The scripts that deploy
 * into a shared cdktf.out (`npm start`, `npm run sandbox`) make it forget that choice first.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TfDocument, type TfJson } from '../../stacks/lib/tf-json';

/**
 * Removes the backend cache of `stackDir` when it points at a state other than `statePath` (by
 * default the one its synthesized cdk.tf.json names), as `terraform init -reconfigure` would. No
 * state file is touched. Returns the state path the directory pointed at, if it was reset.
 */
export function forgetOtherBackend(stackDir: string, statePath?: string): string | undefined {
  const cache = backendCache(stackDir);
  if (!fs.existsSync(cache)) return undefined;
  const previous = initialisedBackend(cache);
  const wanted = statePath ?? synthesizedStatePath(stackDir);
  if (previous?.type === 'local' && previous.config?.path === wanted) return undefined;
  fs.rmSync(cache);
  return String(previous?.config?.path ?? previous?.type ?? 'unknown');
}

/** The local state `stackDir` is initialised for, or undefined when it is not initialised (or for another backend type). */
export function initialisedStatePath(stackDir: string): string | undefined {
  const cache = backendCache(stackDir);
  if (!fs.existsSync(cache)) return undefined;
  const backend = initialisedBackend(cache);
  return backend?.type === 'local' && typeof backend.config?.path === 'string' ? backend.config.path : undefined;
}

function backendCache(stackDir: string): string {
  return path.join(stackDir, '.terraform', 'terraform.tfstate');
}

function initialisedBackend(cache: string): { type?: string; config?: Record<string, unknown> } | undefined {
  return (JSON.parse(fs.readFileSync(cache, 'utf8')) as { backend?: { type?: string; config?: Record<string, unknown> } }).backend;
}

/** The local state path a synthesized stack names, or undefined for another backend (or none yet). */
function synthesizedStatePath(stackDir: string): string | undefined {
  const file = path.join(stackDir, 'cdk.tf.json');
  if (!fs.existsSync(file)) return undefined;
  const backend = new TfDocument(JSON.parse(fs.readFileSync(file, 'utf8')) as TfJson).backend();
  return backend?.kind === 'local' && typeof backend.config.path === 'string' ? backend.config.path : undefined;
}
