/**
 * `npm run release -- <service> <image>`, its pure parts: which ECS service a name means and
 * whether a pipeline may release it, the image check, the copy of the running revision with only
 * one container's image changed, and the wait for the deployment, through a narrow ECS port that
 * the script fills with the SDK client and the tests with a fake.
 */
import type { Deployment, RegisterTaskDefinitionCommandInput, Service, Tag, TaskDefinition } from '@aws-sdk/client-ecs';
import { clusterName, type NamingContext, serviceName } from '../../stacks/lib/naming';
import type { ReleaseMode } from '../../stacks/lib/service-rules';

/** Exit codes: 0 the deployment completed; 1 it rolled back, failed or timed out; 2 the input was wrong. */
export const RELEASE_EXIT_CODES = { completed: 0, 'rolled-back': 1, failed: 1, 'timed-out': 1, 'bad-input': 2 } as const;

/** A problem with what the release was asked to do (exit code 2); the message names the value and the fix. */
export class ReleaseInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReleaseInputError';
  }
}

/** What the release needs to know of one service of the settings. */
export interface ReleasableService {
  readonly name: string;
  readonly release: ReleaseMode;
}

/** The ECS service a release updates, and the container whose image it changes. */
export interface ReleaseTarget {
  readonly service: string;
  readonly cluster: string;
  readonly ecsService: string;
  readonly container: string;
}

/** How to turn a terraform-mode service into a pipeline one, as the settings say it. */
export interface ReleaseSettingsSource {
  /** `service.services` (the default service and its variables) or the services file's path. */
  readonly servicesSource: string;
}

/**
 * The ECS service that `name` (a service of the settings) runs as, or a {@link ReleaseInputError}
 * naming the bad name and the fix: an unknown service, or one whose revisions Terraform registers.
 */
export function releaseTarget(naming: NamingContext, settings: ReleaseSettingsSource, services: readonly ReleasableService[], name: string, container: string): ReleaseTarget {
  const service = services.find((s) => s.name === name);
  if (!service) {
    throw new ReleaseInputError(
      `release: "${name}" is not a service of ${settings.servicesSource} in ${naming.environment}; give one of ${services.map((s) => s.name).join(', ')} (CDKTF_ENV and CDKTF_SERVICES_FILE choose the settings)`,
    );
  }
  if (service.release !== 'pipeline') {
    const fix =
      settings.servicesSource === 'service.services'
        ? 'set CDKTF_RELEASE=pipeline and deploy the service stack once'
        : `give "${name}" "release": "pipeline" in ${settings.servicesSource} and deploy the service stack once`;
    throw new ReleaseInputError(
      `release: "${name}" is released by Terraform (release: ${service.release}), so a release would be undone by the next deploy; ${fix}, or change its image with a deploy`,
    );
  }
  return { service: name, cluster: clusterName(naming), ecsService: serviceName(naming, name), container };
}

/** `[registry[:port]/]path[:tag][@sha256:digest]` as Docker reads it, lower-case path. */
const IMAGE_REFERENCE =
  /^(?:(?<registry>(?:localhost|[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)+|[a-zA-Z0-9-]+(?=:[0-9]+\/))(?::[0-9]+)?)\/)?(?<path>[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)(?::(?<tag>[\w][\w.-]{0,127}))?(?:@(?<digest>sha256:[a-f0-9]{64}))?$/;

/**
 * Why `image` cannot be released, or undefined: it must be an image reference with a tag or a
 * digest, because a release names one build, and a moving `latest` names none.
 */
export function imageProblem(image: string): string | undefined {
  const example = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/bookmarks-dev-customer:3f2c1ab';
  if (image.startsWith('registry:') || image.startsWith('build')) {
    return `image "${image}" is a setting of the services file, not an image; give the pushed image itself, e.g. ${example}`;
  }
  const match = IMAGE_REFERENCE.exec(image);
  if (!match) return `image "${image}" is not an image reference; give [registry/]repository:tag or repository@sha256:<digest>, e.g. ${example}`;
  if (!match.groups?.tag && !match.groups?.digest) return `image "${image}" has no tag or digest; give the tag the pipeline pushed (e.g. the commit), e.g. ${example}`;
  return undefined;
}

/**
 * Every field of a task-definition registration, none optional. The copy below is written as this
 * type, so a field that a newer SDK adds to RegisterTaskDefinition fails `npm run typecheck` until
 * the copy handles it: a release must never drop a setting of the running revision.
 */
type EveryRegistrationField = { [K in keyof Required<RegisterTaskDefinitionCommandInput>]: RegisterTaskDefinitionCommandInput[K] };

/**
 * The registration of a new revision that is `running` (with its tags) in every field, but for the
 * image of `container`. A revision without that container is a {@link ReleaseInputError}.
 */
export function registrationOf(running: TaskDefinition, tags: readonly Tag[] | undefined, container: string, image: string): RegisterTaskDefinitionCommandInput {
  const containers = running.containerDefinitions ?? [];
  if (!containers.some((c) => c.name === container)) {
    throw new ReleaseInputError(
      `release: the running revision ${running.taskDefinitionArn} has no container "${container}" (it has ${containers.map((c) => `"${c.name}"`).join(', ') || 'none'}); it was not registered by this project`,
    );
  }
  const every: EveryRegistrationField = {
    family: running.family,
    taskRoleArn: running.taskRoleArn,
    executionRoleArn: running.executionRoleArn,
    networkMode: running.networkMode,
    containerDefinitions: containers.map((c) => (c.name === container ? { ...c, image } : c)),
    volumes: running.volumes,
    placementConstraints: running.placementConstraints,
    requiresCompatibilities: running.requiresCompatibilities,
    cpu: running.cpu,
    memory: running.memory,
    tags: tags && tags.length > 0 ? [...tags] : undefined,
    pidMode: running.pidMode,
    ipcMode: running.ipcMode,
    proxyConfiguration: running.proxyConfiguration,
    inferenceAccelerators: running.inferenceAccelerators,
    ephemeralStorage: running.ephemeralStorage,
    runtimePlatform: running.runtimePlatform,
    enableFaultInjection: running.enableFaultInjection,
  };
  return withoutUnset(every);
}

/** `o` without its undefined fields: the registration names only what the running revision has. */
function withoutUnset<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** The ECS calls a release makes; the script adapts the SDK client (scripts/release.ts), tests fake it. */
export interface ReleaseEcs {
  /** DescribeServices of one service; undefined when the cluster has no such active service. */
  describeService(cluster: string, service: string): Promise<Service | undefined>;
  /** DescribeTaskDefinition with its tags. */
  describeTaskDefinition(taskDefinition: string): Promise<{ readonly taskDefinition: TaskDefinition; readonly tags?: readonly Tag[] }>;
  registerTaskDefinition(input: RegisterTaskDefinitionCommandInput): Promise<TaskDefinition>;
  /** UpdateService to `taskDefinitionArn` (always a full ARN); the service as ECS answers. */
  updateService(cluster: string, service: string, taskDefinitionArn: string): Promise<Service>;
}

/** How a release ended. */
export type ReleaseState = 'completed' | 'rolled-back' | 'failed' | 'timed-out';

/** What a release did and how it ended. */
export interface ReleaseOutcome {
  readonly state: ReleaseState;
  /** The revision the service ran before. */
  readonly previousTaskDefinitionArn: string;
  /** The revision the release registered. */
  readonly taskDefinitionArn: string;
  /** ECS's reason (`rolloutStateReason`), or what the wait saw last. */
  readonly reason: string;
  /** After a rollback: the revision the service runs again. */
  readonly rolledBackTo?: string;
  /** Set when the wait took the emulator's word instead of a rollout state (scripts/lib/emulator.ts). */
  readonly emulatorGap?: string;
}

/** How the wait proceeds. */
export interface ReleaseOptions {
  /**
   * The sandbox's emulated ECS, which starts no deployment on UpdateService (emulator gap
   * `ecs-deployment-never-completes`): the wait accepts a service that names the new revision.
   */
  readonly emulated: boolean;
  readonly timeoutMs: number;
  readonly pollMs: number;
  /** Progress lines. */
  readonly log: (line: string) => void;
  /** @default Date.now */
  readonly now?: () => number;
  /** @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** The emulator gap the sandbox path of the wait stands on (scripts/lib/emulator.ts). */
export const DEPLOYMENT_GAP = 'ecs-deployment-never-completes';

/**
 * Releases `image` to the target: registers a copy of the running revision with only the
 * container's image changed, points the service at it by its full ARN (moto stores a `family:rev`
 * as it is given, and the provider then fails to refresh the service), and waits for the
 * deployment of that revision to complete, roll back or fail, or for the timeout.
 */
export async function release(ecs: ReleaseEcs, target: ReleaseTarget, image: string, options: ReleaseOptions): Promise<ReleaseOutcome> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const running = await ecs.describeService(target.cluster, target.ecsService);
  if (!running?.taskDefinition) {
    throw new ReleaseInputError(
      `release: ECS has no active service ${target.ecsService} in cluster ${target.cluster}; deploy the service stack first (cdktf deploy service), with the same CDKTF_ENV and CDKTF_PROJECT`,
    );
  }
  const previous = running.taskDefinition;
  const { taskDefinition, tags } = await ecs.describeTaskDefinition(previous);
  const registered = await ecs.registerTaskDefinition(registrationOf(taskDefinition, tags, target.container, image));
  const arn = registered.taskDefinitionArn;
  if (!arn) throw new Error(`release: ECS registered no ARN for ${taskDefinition.family}`);
  options.log(`registered ${arn} (${target.container}: ${image})`);
  const updated = await ecs.updateService(target.cluster, target.ecsService, arn);
  options.log(`updated ${target.ecsService} in ${target.cluster} to it`);
  // ECS answers UpdateService with the new PRIMARY deployment; later answers are matched by its id.
  const deploymentId = updated.deployments?.find((d) => d.taskDefinition === arn)?.id;
  const deadline = now() + options.timeoutMs;
  const base = { previousTaskDefinitionArn: previous, taskDefinitionArn: arn };
  let seen = '';
  for (;;) {
    const service = await ecs.describeService(target.cluster, target.ecsService);
    const deployments = service?.deployments ?? [];
    const mine = deployments.find((d) => (deploymentId ? d.id === deploymentId : d.taskDefinition === arn));
    const ended = outcomeOf(mine, deployments, service, arn);
    if (ended) return { ...base, ...ended };
    if (options.emulated && !mine && service?.taskDefinition === arn) {
      options.log(`emulator gap ${DEPLOYMENT_GAP}: the emulated ECS starts no deployment, so the release counts the service naming ${arn} as completed`);
      return { ...base, state: 'completed', reason: 'the emulated ECS has no rollout state; the service names the revision', emulatorGap: DEPLOYMENT_GAP };
    }
    const progress = mine ? `${mine.rolloutState ?? 'no rollout state'}${mine.rolloutStateReason ? `: ${mine.rolloutStateReason}` : ''}` : 'no deployment of the new revision yet';
    if (progress !== seen) options.log(`rollout ${progress}`);
    seen = progress;
    if (now() >= deadline) {
      return { ...base, state: 'timed-out', reason: `no outcome within ${Math.round(options.timeoutMs / 1000)} s; last seen: ${progress}` };
    }
    await sleep(options.pollMs);
  }
}

/** The end of a deployment, or undefined while it goes on. */
function outcomeOf(
  mine: Deployment | undefined,
  deployments: readonly Deployment[],
  service: Service | undefined,
  arn: string,
): Pick<ReleaseOutcome, 'state' | 'reason' | 'rolledBackTo'> | undefined {
  const primary = deployments.find((d) => d.status === 'PRIMARY');
  if (mine?.rolloutState === 'COMPLETED') return { state: 'completed', reason: mine.rolloutStateReason ?? 'rollout completed' };
  if (mine?.rolloutState === 'FAILED') {
    const reason = mine.rolloutStateReason ?? 'rollout failed';
    // The circuit breaker (or a rollback alarm) starts a deployment of the previous revision.
    if (primary?.taskDefinition && primary.taskDefinition !== arn) return { state: 'rolled-back', reason, rolledBackTo: primary.taskDefinition };
    return { state: 'failed', reason };
  }
  if (!mine && service?.taskDefinition && service.taskDefinition !== arn) {
    return { state: 'rolled-back', reason: `the service runs ${service.taskDefinition} again: its deployment of the new revision is gone`, rolledBackTo: service.taskDefinition };
  }
  return undefined;
}

/** The exit code of a release's outcome. */
export function exitCodeOf(outcome: ReleaseOutcome): number {
  return RELEASE_EXIT_CODES[outcome.state];
}

/** One line that says how the release ended. */
export function outcomeLine(target: ReleaseTarget, outcome: ReleaseOutcome): string {
  switch (outcome.state) {
    case 'completed':
      return `${target.service}: completed, running ${outcome.taskDefinitionArn} (${outcome.reason})`;
    case 'rolled-back':
      return `${target.service}: rolled back to ${outcome.rolledBackTo}: ${outcome.reason}`;
    case 'failed':
      return `${target.service}: failed: ${outcome.reason}`;
    case 'timed-out':
      return `${target.service}: timed out: ${outcome.reason}`;
  }
}
