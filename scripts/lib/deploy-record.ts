/**
 * The record a successful local deploy of the `data` stack leaves, and whether Terraform's side of
 * that deploy still holds: the same synthesized stack for the same environment, state file,
 * endpoint and Terraform, the stack directory still initialised for that state, and the state file
 * as the deploy left it. Pure: the files are read and hashed by scripts/data-unchanged.ts.
 */
import { createHash } from 'node:crypto';
import { isRecord } from '../../stacks/lib/tf-json';

/** What the outcome of a deploy depends on, apart from what the DynamoDB holds. */
export interface DeployInputs {
  /** The environment the stack was synthesized for, e.g. `local`. */
  readonly environment: string;
  /** The DynamoDB endpoint the AWS provider is pointed at. */
  readonly endpoint: string;
  /** The state file of the stack's local backend. */
  readonly statePath: string;
  /** The Terraform that plans and applies, e.g. `1.11.4`: another version may plan differently. */
  readonly terraformVersion: string;
  /** SHA-256 of the synthesized cdk.tf.json: tables, items, provider and backend blocks. */
  readonly stackSha256: string;
}

/** Written after a successful deploy; any other deploy or a failed one removes it first. */
export interface DeployRecord {
  readonly inputs: DeployInputs;
  /** SHA-256 of the state file the deploy left. */
  readonly stateSha256: string;
}

/** What the stack directory and the state file hold now. */
export interface AppliedState {
  /** SHA-256 of the stack directory's cdk.tf.json; undefined when there is none. */
  readonly stackDirSha256: string | undefined;
  /** The local state the stack directory is initialised for; undefined when not initialised for a local one. */
  readonly backendStatePath: string | undefined;
  /** SHA-256 of the state file; undefined when it is missing. */
  readonly stateSha256: string | undefined;
}

const RECORD_VERSION = 1;

/** Hex SHA-256 of a text or file contents. */
export function sha256(contents: string | Uint8Array): string {
  return createHash('sha256').update(contents).digest('hex');
}

/** The record as the file holds it. */
export function formatDeployRecord(record: DeployRecord): string {
  return `${JSON.stringify({ version: RECORD_VERSION, ...record }, null, 2)}\n`;
}

/** The record in `text`, or undefined when it is not a complete record of this version (then the stack deploys). */
export function parseDeployRecord(text: string): DeployRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(value) || value.version !== RECORD_VERSION || typeof value.stateSha256 !== 'string' || !isRecord(value.inputs)) return undefined;
  const inputs = value.inputs;
  const fields: (keyof DeployInputs)[] = ['environment', 'endpoint', 'statePath', 'terraformVersion', 'stackSha256'];
  if (!fields.every((field) => typeof inputs[field] === 'string')) return undefined;
  return {
    inputs: {
      environment: inputs.environment as string,
      endpoint: inputs.endpoint as string,
      statePath: inputs.statePath as string,
      terraformVersion: inputs.terraformVersion as string,
      stackSha256: inputs.stackSha256 as string,
    },
    stateSha256: value.stateSha256,
  };
}

/**
 * Why the stack must deploy as far as Terraform's side goes, as a clause that follows "because", or
 * undefined when the last successful deploy applied exactly `current` and nothing has touched its
 * stack directory or state since. What the DynamoDB holds is checked separately.
 */
export function redeployReason(record: DeployRecord | undefined, current: DeployInputs, applied: AppliedState): string | undefined {
  if (record === undefined) return 'no earlier deploy is recorded';
  const before = record.inputs;
  if (before.environment !== current.environment) return `the last deploy was for the ${before.environment} environment`;
  if (before.endpoint !== current.endpoint) return `the last deploy went to ${before.endpoint}`;
  if (before.statePath !== current.statePath) return `the last deploy kept its state in ${before.statePath}`;
  if (before.terraformVersion !== current.terraformVersion) return `the last deploy ran Terraform ${before.terraformVersion}, this is ${current.terraformVersion}`;
  if (before.stackSha256 !== current.stackSha256) return 'the synthesized data stack changed since the last deploy';
  if (applied.stackDirSha256 !== before.stackSha256) {
    return applied.stackDirSha256 === undefined ? 'the stack directory has no cdk.tf.json' : 'the stack directory holds another synthesis (another environment or input)';
  }
  if (applied.backendStatePath !== current.statePath) {
    return applied.backendStatePath === undefined
      ? 'the stack directory is not initialised for a local state'
      : `the stack directory is initialised for another state (${applied.backendStatePath})`;
  }
  if (applied.stateSha256 !== record.stateSha256) {
    return applied.stateSha256 === undefined ? `the state file ${current.statePath} is missing` : 'the state file changed since the last deploy';
  }
  return undefined;
}
