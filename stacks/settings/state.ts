/** The `state` group: where Terraform keeps each stack's state, the deliberate teardown, their variables and checks. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type GroupVariables, type SettingsContext, text, unset, value, variable } from './spec';

/** Where Terraform keeps each stack's state. */
export type BackendSettings =
  | {
      readonly kind: 'local';
      /** Absolute directory holding `<stack>.tfstate`. */
      readonly directory: string;
    }
  | {
      readonly kind: 's3';
      readonly bucket: string;
      readonly region: string;
      /** Key prefix; each stack's key is `<prefix>/<environment>/<stack>.tfstate`. */
      readonly keyPrefix: string;
    };

/** The state settings of a configuration. */
export interface StateSettings {
  readonly backend: BackendSettings;
  /**
   * A deliberate teardown (`CDKTF_TEARDOWN=true`): every protection against destroy is off, and
   * the policy rules that only guard against a destroy step aside. Deploy with it, then destroy.
   */
  readonly teardown: boolean;
}

/** What the state variables set, before they are combined into one backend. */
export interface StateOverrides {
  readonly bucket?: string;
  readonly region?: string;
  readonly keyPrefix?: string;
  /** Local state directory, relative to the project. */
  readonly directory?: string;
  readonly teardown?: boolean;
}

/** Local files below the project, one directory per environment. */
export function stateDefaults(context: Pick<SettingsContext, 'root' | 'environment'>): StateSettings {
  return { backend: { kind: 'local', directory: path.join(context.root, 'state', context.environment) }, teardown: false };
}

const projectPath = (root: string, directory: string) => path.relative(root, directory).split(path.sep).join('/') || '.';

/** The state variables. */
export const STATE_VARIABLES = {
  CDKTF_STATE_BUCKET: variable({
    group: 'state',
    description: 'S3 bucket of the Terraform state (encrypted, lockfile), one key per stack',
    values: 'a bucket name',
    parse: text.any(),
    apply: (o, bucket) => ({ ...o, bucket }),
    defaultIn: (d) => (d.backend.kind === 's3' ? value(d.backend.bucket) : unset('local files')),
  }),
  CDKTF_STATE_REGION: variable({
    group: 'state',
    description: 'region of the state bucket (with CDKTF_STATE_BUCKET)',
    values: 'a region name',
    parse: text.any(),
    apply: (o, region) => ({ ...o, region }),
    defaultIn: (d, c) => value(d.backend.kind === 's3' ? d.backend.region : c.region),
  }),
  CDKTF_STATE_KEY_PREFIX: variable({
    group: 'state',
    description: 'prefix of the state keys, `<prefix>/<env>/<stack>.tfstate` (with CDKTF_STATE_BUCKET)',
    values: 'text',
    parse: text.any(),
    apply: (o, keyPrefix) => ({ ...o, keyPrefix }),
    defaultIn: (d, c) => value(d.backend.kind === 's3' ? d.backend.keyPrefix : c.project),
  }),
  CDKTF_STATE_DIR: variable({
    group: 'state',
    description: 'directory of the local state files `<stack>.tfstate`, relative to the project; not with CDKTF_STATE_BUCKET',
    values: 'a directory',
    parse: text.any(),
    apply: (o, directory) => ({ ...o, directory }),
    defaultIn: (d, c) => (d.backend.kind === 'local' ? value(projectPath(c.root, d.backend.directory)) : unset('S3')),
  }),
  CDKTF_TEARDOWN: variable({
    group: 'state',
    description: 'every protection against destroy off, for a deliberate destroy: deploy with it, then destroy with it',
    values: 'true, false',
    parse: text.boolean('use true to turn protections off before a destroy, or unset it'),
    apply: (o, teardown) => ({ ...o, teardown }),
    defaultIn: (d) => value(d.teardown),
  }),
} satisfies GroupVariables<StateSettings, StateOverrides>;

/**
 * The backend the state variables choose: S3 with a bucket (its region and prefix defaulting to
 * the configuration's), local files with a directory, or undefined for the environment's default;
 * or the problems of a contradictory choice.
 */
export function backendOf(o: StateOverrides, context: SettingsContext): { backend?: BackendSettings; problems: string[] } {
  if (o.bucket && o.directory) {
    return {
      problems: [`CDKTF_STATE_DIR: "${o.directory}" is set together with CDKTF_STATE_BUCKET "${o.bucket}"; state is either local files or S3, so unset one of them`],
    };
  }
  if (o.bucket) {
    return { backend: { kind: 's3', bucket: o.bucket, region: o.region ?? context.region, keyPrefix: o.keyPrefix ?? context.project }, problems: [] };
  }
  if (o.directory) {
    const directory = path.resolve(context.root, o.directory);
    if (fs.existsSync(directory) && !fs.statSync(directory).isDirectory()) {
      return { problems: [`CDKTF_STATE_DIR: "${o.directory}" (${directory}) is a file; give a directory for the <stack>.tfstate files`] };
    }
    return { backend: { kind: 'local', directory }, problems: [] };
  }
  return { problems: [] };
}

/** Every problem with a backend, each naming the setting, the bad value and the fix. */
export function backendProblems(backend: BackendSettings): string[] {
  const problems: string[] = [];
  if (backend.kind === 's3') {
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(backend.bucket)) {
      problems.push(`backend.bucket: "${backend.bucket}" is not a valid S3 bucket name; use 3-63 lower-case letters, digits, dots or hyphens`);
    }
    if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(backend.region)) {
      problems.push(`backend.region: "${backend.region}" is not an AWS region name; set CDKTF_STATE_REGION, e.g. eu-west-1`);
    }
  } else if (!path.isAbsolute(backend.directory)) {
    problems.push(`backend.directory: "${backend.directory}" is relative; give an absolute directory for local state`);
  }
  return problems;
}
