/** Checks of task and container options, shared by the settings and the FargateTaskDefinition construct. */
import { architectureProblem, taskSizeProblem } from './fargate-rules';
import { secretSource } from './iam';
import { isLogRetentionDays, LOG_RETENTION_DAYS } from './log-retention';

/** The options of a task that can be checked without building it; see {@link taskOptionProblems}. */
export interface TaskOptions {
  readonly cpu: number;
  readonly memoryMiB: number;
  readonly cpuArchitecture: string;
  readonly logRetentionDays: number;
  /** @default - Fargate's free 20 GiB */
  readonly ephemeralStorageGiB?: number;
}

/** Every reason these task options would fail at deploy time, each with its fix. */
export function taskOptionProblems(options: TaskOptions): string[] {
  const problems: string[] = [];
  const size = taskSizeProblem(options.cpu, options.memoryMiB);
  if (size) problems.push(size);
  const architecture = architectureProblem(options.cpuArchitecture);
  if (architecture) problems.push(architecture);
  if (!isLogRetentionDays(options.logRetentionDays)) {
    problems.push(`logRetentionDays ${options.logRetentionDays} is not a CloudWatch retention; use one of ${LOG_RETENTION_DAYS.join(', ')}`);
  }
  const storage = options.ephemeralStorageGiB;
  if (storage !== undefined && (!Number.isInteger(storage) || storage < 21 || storage > 200)) {
    problems.push(`ephemeralStorageGiB ${storage} is out of range; Fargate takes 21 to 200 GiB (unset keeps the free 20 GiB)`);
  }
  return problems;
}

/** The options of one container that can be checked alone; see {@link containerProblems}. */
export interface ContainerOptions {
  readonly environment?: Readonly<Record<string, string>>;
  readonly secrets?: Readonly<Record<string, string>>;
  readonly user?: string;
  readonly readonlyRootFilesystem: boolean;
  readonly writablePaths?: readonly string[];
  readonly stopTimeoutSeconds: number;
  readonly ports?: readonly number[];
  readonly enableExecuteCommand?: boolean;
}

/** Every reason one container would fail, or break our hardening rules, each with its fix. */
export function containerProblems(options: ContainerOptions): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(options.stopTimeoutSeconds) || options.stopTimeoutSeconds < 2 || options.stopTimeoutSeconds > 120) {
    problems.push(`stopTimeoutSeconds ${options.stopTimeoutSeconds} is out of range; Fargate allows 2 to 120`);
  }
  for (const port of options.ports ?? []) {
    if (!Number.isInteger(port) || port < 1 || port > 65535) problems.push(`port ${port} is not a TCP port; use 1 to 65535, e.g. 8080`);
  }
  if (options.user !== undefined && /^(0|root)(:|$)/.test(options.user)) {
    problems.push(`user "${options.user}" is root; run as an unprivileged uid such as 1000, or unset it to keep the image's USER`);
  }
  for (const writable of options.writablePaths ?? []) {
    if (!/^\/[A-Za-z0-9._/-]+$/.test(writable) || writable === '/') problems.push(`writablePaths: "${writable}" is not an absolute directory below /; use one like /tmp`);
  }
  if (options.enableExecuteCommand && options.readonlyRootFilesystem) {
    problems.push(
      'enableExecuteCommand needs a writable root filesystem for the exec agent (https://github.com/aws/containers-roadmap/issues/1359); set readonlyRootFilesystem false or turn ECS Exec off',
    );
  }
  for (const [name, valueFrom] of Object.entries(options.secrets ?? {})) {
    if (!secretSource(valueFrom)) {
      problems.push(`secrets.${name}: "${valueFrom}" is neither a Secrets Manager secret ARN nor an SSM parameter ARN; give the ARN, never the value`);
    }
    if (options.environment && name in options.environment) {
      problems.push(`${name} is both a plain environment variable and a secret; keep it as a secret only`);
    }
  }
  return problems;
}
