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
      /**
       * The KMS key (ARN) that encrypts each state object; the bootstrap stack's `state_kms_key_arn`.
       * @default - the bucket's default encryption decides
       */
      readonly kmsKeyId?: string;
    };

/** Who may deploy from a pipeline: a GitHub repository and the branch or environment its workflow runs in. */
export interface CiSettings {
  /** `<owner>/<repo>` on GitHub. */
  readonly repository: string;
  /** The one branch whose workflows may assume the role, unless `environment` is set. */
  readonly branch: string;
  /** The GitHub deployment environment whose jobs may assume the role; it replaces the branch when set. */
  readonly environment?: string;
}

/** What the `bootstrap` stack creates: the state bucket, its key, and optionally the CI deploy role. */
export interface BootstrapSettings {
  /** Days a replaced state version is kept before it expires. */
  readonly noncurrentVersionDays: number;
  /**
   * The bucket policy that refuses requests without TLS. Off only in the sandbox, whose emulator
   * applies a Deny without evaluating its Condition (scripts/lib/emulator.ts, `s3-deny-condition`).
   */
  readonly tlsOnlyPolicy: boolean;
  /** `prevent_destroy` on the bucket and its key; `CDKTF_TEARDOWN=true` turns it off. */
  readonly preventDestroy: boolean;
  /** Where the bootstrap stack keeps its own state: local files until it is moved into its bucket. */
  readonly backend: 'local' | 's3';
  /** The directory of the bootstrap stack's local state. */
  readonly localStateDirectory: string;
  /** The CI deploy role; undefined: no role and no OIDC provider. */
  readonly ci?: CiSettings;
}

/** The state settings of a configuration. */
export interface StateSettings {
  readonly backend: BackendSettings;
  /**
   * A deliberate teardown (`CDKTF_TEARDOWN=true`): every protection against destroy is off, and
   * the policy rules that only guard against a destroy step aside. Deploy with it, then destroy.
   */
  readonly teardown: boolean;
  readonly bootstrap: BootstrapSettings;
}

/** What the state variables set, before they are combined into one backend. */
export interface StateOverrides {
  readonly bucket?: string;
  readonly region?: string;
  readonly keyPrefix?: string;
  /** Local state directory, relative to the project. */
  readonly directory?: string;
  readonly teardown?: boolean;
  readonly kmsKeyId?: string;
  readonly noncurrentVersionDays?: number;
  readonly bootstrapBackend?: 'local' | 's3';
  readonly ciRepository?: string;
  readonly ciBranch?: string;
  readonly ciEnvironment?: string;
}

/** Days a replaced state version is kept unless `CDKTF_STATE_NONCURRENT_DAYS` says otherwise. */
export const DEFAULT_NONCURRENT_VERSION_DAYS = 90;
/** The branch the CI role trusts unless `CDKTF_CI_BRANCH` says otherwise. */
export const DEFAULT_CI_BRANCH = 'main';

/** The state bucket's name when `CDKTF_STATE_BUCKET` is unset: `<project>-<env>-tfstate`. */
export function defaultStateBucketName(project: string, environment: string): string {
  return `${project}-${environment}-tfstate`;
}

/** Local files below the project, one directory per environment. */
export function stateDefaults(context: Pick<SettingsContext, 'root' | 'environment'>): StateSettings {
  const directory = path.join(context.root, 'state', context.environment);
  return {
    backend: { kind: 'local', directory },
    teardown: false,
    bootstrap: {
      noncurrentVersionDays: DEFAULT_NONCURRENT_VERSION_DAYS,
      // The sandbox's emulator refuses every request under a TLS-only policy (gap s3-deny-condition).
      tlsOnlyPolicy: context.environment !== 'sandbox',
      preventDestroy: true,
      backend: 'local',
      localStateDirectory: directory,
    },
  };
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
  CDKTF_STATE_KMS_KEY: variable({
    group: 'state',
    description: "KMS key ARN that encrypts each state object (with CDKTF_STATE_BUCKET); `npm run bootstrap` prints the bucket's",
    values: 'a KMS key ARN',
    parse: text.any(),
    apply: (o, kmsKeyId) => ({ ...o, kmsKeyId }),
    defaultIn: (d) => (d.backend.kind === 's3' && d.backend.kmsKeyId ? value(d.backend.kmsKeyId) : unset("the bucket's default encryption")),
  }),
  CDKTF_STATE_NONCURRENT_DAYS: variable({
    group: 'state',
    description: "days the bootstrap stack's state bucket keeps a replaced state version",
    values: 'a whole number from 1',
    parse: text.integer(DEFAULT_NONCURRENT_VERSION_DAYS, 1),
    apply: (o, noncurrentVersionDays) => ({ ...o, noncurrentVersionDays }),
    defaultIn: (d) => value(d.bootstrap.noncurrentVersionDays),
  }),
  CDKTF_BOOTSTRAP_STATE: variable({
    group: 'state',
    description: 'where the bootstrap stack keeps its own state: local files, or s3 once moved into its bucket (`terraform init -migrate-state`, docs/new-account.md)',
    values: 'local, s3',
    parse: text.oneOf(['local', 's3'] as const, 'a bootstrap state location'),
    apply: (o, bootstrapBackend) => ({ ...o, bootstrapBackend }),
    defaultIn: (d) => value(d.bootstrap.backend),
  }),
  CDKTF_CI_REPOSITORY: variable({
    group: 'state',
    description: "GitHub repository whose workflows may deploy: the bootstrap stack adds GitHub's OIDC provider and a deploy role trusting only it",
    values: '<owner>/<repo>',
    parse: text.any(),
    apply: (o, ciRepository) => ({ ...o, ciRepository }),
    defaultIn: (d) => (d.bootstrap.ci ? value(d.bootstrap.ci.repository) : unset('no CI role')),
  }),
  CDKTF_CI_BRANCH: variable({
    group: 'state',
    description: 'the branch whose workflows may assume the CI role (with CDKTF_CI_REPOSITORY)',
    values: 'a branch name',
    parse: text.any(),
    apply: (o, ciBranch) => ({ ...o, ciBranch }),
    defaultIn: (d) => (d.bootstrap.ci ? value(d.bootstrap.ci.branch) : unset(`no CI role (with one: ${DEFAULT_CI_BRANCH})`)),
  }),
  CDKTF_CI_ENVIRONMENT: variable({
    group: 'state',
    description: 'the GitHub environment whose jobs may assume the CI role, instead of a branch (with CDKTF_CI_REPOSITORY)',
    values: 'an environment name',
    parse: text.any(),
    apply: (o, ciEnvironment) => ({ ...o, ciEnvironment }),
    defaultIn: (d) => (d.bootstrap.ci?.environment ? value(d.bootstrap.ci.environment) : unset('the branch')),
  }),
  CDKTF_STATE_DIR: variable({
    group: 'state',
    description:
      "directory of the local state files `<stack>.tfstate`, relative to the project; with CDKTF_STATE_BUCKET, only the bootstrap stack's local state (not with CDKTF_BOOTSTRAP_STATE=s3)",
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
 * the configuration's; a directory given too then holds only the bootstrap stack's local state, as
 * in the sandbox), local files with a directory alone, or undefined for the environment's default;
 * or the problems of a contradictory choice.
 */
export function backendOf(o: StateOverrides, context: SettingsContext): { backend?: BackendSettings; problems: string[] } {
  const directory = o.directory === undefined ? undefined : path.resolve(context.root, o.directory);
  if (o.directory && directory && fs.existsSync(directory) && !fs.statSync(directory).isDirectory()) {
    return { problems: [`CDKTF_STATE_DIR: "${o.directory}" (${directory}) is a file; give a directory for the <stack>.tfstate files`] };
  }
  if (o.bucket) {
    const kms = o.kmsKeyId ? { kmsKeyId: o.kmsKeyId } : {};
    const backend: BackendSettings = { kind: 's3', bucket: o.bucket, region: o.region ?? context.region, keyPrefix: o.keyPrefix ?? context.project, ...kms };
    const problems =
      o.directory && o.bootstrapBackend === 's3'
        ? [
            `CDKTF_STATE_DIR: "${o.directory}" is set together with CDKTF_STATE_BUCKET "${o.bucket}" and CDKTF_BOOTSTRAP_STATE=s3, so no stack keeps local state; unset CDKTF_STATE_DIR, or use CDKTF_BOOTSTRAP_STATE=local`,
          ]
        : [];
    return { backend, problems };
  }
  if (directory) return { backend: { kind: 'local', directory }, problems: [] };
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

/**
 * The bootstrap settings the state variables set over the environment's (CDKTF_STATE_DIR, resolved
 * from `root`, holds its local state too), or the problems of a CI choice that names no repository.
 */
export function bootstrapOf(o: StateOverrides, defaults: BootstrapSettings, root: string): { bootstrap: BootstrapSettings; problems: string[] } {
  const problems: string[] = [];
  if (!o.ciRepository && (o.ciBranch || o.ciEnvironment)) {
    problems.push(
      `${o.ciBranch ? 'CDKTF_CI_BRANCH' : 'CDKTF_CI_ENVIRONMENT'}: "${o.ciBranch ?? o.ciEnvironment}" is set without CDKTF_CI_REPOSITORY; set the repository (<owner>/<repo>) too, or unset it`,
    );
  }
  if (o.ciBranch && o.ciEnvironment) {
    problems.push(`CDKTF_CI_ENVIRONMENT: "${o.ciEnvironment}" is set together with CDKTF_CI_BRANCH "${o.ciBranch}"; the role trusts one of them, so unset the other`);
  }
  const ci: CiSettings | undefined = o.ciRepository
    ? { repository: o.ciRepository, branch: o.ciBranch ?? DEFAULT_CI_BRANCH, ...(o.ciEnvironment ? { environment: o.ciEnvironment } : {}) }
    : defaults.ci;
  return {
    bootstrap: {
      ...defaults,
      noncurrentVersionDays: o.noncurrentVersionDays ?? defaults.noncurrentVersionDays,
      backend: o.bootstrapBackend ?? defaults.backend,
      localStateDirectory: o.directory ? path.resolve(root, o.directory) : defaults.localStateDirectory,
      ...(ci ? { ci } : {}),
    },
    problems,
  };
}

/** Every problem with the bootstrap settings, each naming the setting, the bad value and the fix. */
export function bootstrapProblems(bootstrap: BootstrapSettings, backend: BackendSettings): string[] {
  const problems: string[] = [];
  if (bootstrap.ci) {
    const { repository, branch, environment } = bootstrap.ci;
    if (!/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/.test(repository)) {
      problems.push(`bootstrap.ci.repository: "${repository}" is not a GitHub repository; set CDKTF_CI_REPOSITORY to <owner>/<repo>, e.g. acme/bookmarks (no wildcards)`);
    }
    if (!/^[A-Za-z0-9._/-]+$/.test(branch)) {
      problems.push(`bootstrap.ci.branch: "${branch}" is not a branch name; set CDKTF_CI_BRANCH to one branch, e.g. main (no wildcards)`);
    }
    if (environment !== undefined && !/^[A-Za-z0-9._-]+$/.test(environment)) {
      problems.push(`bootstrap.ci.environment: "${environment}" is not a GitHub environment name; set CDKTF_CI_ENVIRONMENT to one name, e.g. production (no wildcards)`);
    }
  }
  if (!Number.isInteger(bootstrap.noncurrentVersionDays) || bootstrap.noncurrentVersionDays < 1) {
    problems.push(`bootstrap.noncurrentVersionDays: ${bootstrap.noncurrentVersionDays} is not a number of days; set CDKTF_STATE_NONCURRENT_DAYS to a whole number from 1, e.g. 90`);
  }
  if (bootstrap.backend === 's3' && backend.kind !== 's3') {
    problems.push('CDKTF_BOOTSTRAP_STATE: "s3" needs the bucket; set CDKTF_STATE_BUCKET to the bucket the bootstrap stack created, or use local');
  }
  return problems;
}
