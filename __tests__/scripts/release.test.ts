/**
 * npm run release: which service a name means, the image check, the copy of the running revision,
 * and the wait for its deployment against a fake ECS that answers as AWS does (and once as the
 * emulator does).
 */
import type { Deployment, RegisterTaskDefinitionCommandInput, Service, TaskDefinition } from '@aws-sdk/client-ecs';
import * as path from 'node:path';
import { parseReleaseArguments, runRelease } from '../../scripts/release';
import {
  exitCodeOf,
  imageProblem,
  outcomeLine,
  release,
  ReleaseInputError,
  registrationOf,
  releaseTarget,
  type ReleaseEcs,
  type ReleaseOptions,
  type ReleaseTarget,
} from '../../scripts/lib/release';
import { EMULATOR_GAPS } from '../../scripts/lib/emulator';

const NAMING = { project: 'bookmarks', environment: 'dev' };
const FILE = { servicesSource: 'services.json' };
const SERVICES = [
  { name: 'order', release: 'terraform' as const },
  { name: 'customer', release: 'pipeline' as const },
];
const ACCOUNT = 'arn:aws:ecs:eu-west-1:123456789012';
const OLD_ARN = `${ACCOUNT}:task-definition/bookmarks-dev-customer:1`;
const NEW_ARN = `${ACCOUNT}:task-definition/bookmarks-dev-customer:2`;
const IMAGE = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/bookmarks-dev-customer:3f2c1ab';
const TARGET: ReleaseTarget = { service: 'customer', cluster: 'bookmarks-dev-service', ecsService: 'bookmarks-dev-customer', container: 'app' };

const RUNNING: TaskDefinition = {
  taskDefinitionArn: OLD_ARN,
  family: 'bookmarks-dev-customer',
  revision: 1,
  taskRoleArn: 'arn:aws:iam::123456789012:role/task',
  executionRoleArn: 'arn:aws:iam::123456789012:role/execution',
  networkMode: 'awsvpc',
  containerDefinitions: [
    { name: 'app', image: 'nginx:1', portMappings: [{ containerPort: 8080 }], environment: [{ name: 'A', value: '1' }], readonlyRootFilesystem: true },
    { name: 'sidecar', image: 'envoy:1' },
  ],
  volumes: [{ name: 'tmp' }],
  requiresCompatibilities: ['FARGATE'],
  cpu: '256',
  memory: '512',
  ephemeralStorage: { sizeInGiB: 30 },
  runtimePlatform: { cpuArchitecture: 'X86_64', operatingSystemFamily: 'LINUX' },
  // Read-only fields of a described revision, which a registration does not take.
  status: 'ACTIVE',
  registeredAt: new Date(0),
  compatibilities: ['EC2', 'FARGATE'],
};

const deployment = (taskDefinition: string, status: string, rolloutState?: Deployment['rolloutState'], rolloutStateReason?: string): Deployment => ({
  id: `ecs-svc/${taskDefinition.slice(-1)}`,
  taskDefinition,
  status,
  rolloutState,
  rolloutStateReason,
});
const service = (taskDefinition: string, deployments: Deployment[]): Service => ({ serviceName: TARGET.ecsService, status: 'ACTIVE', taskDefinition, deployments });

/** A fake ECS: the service before the release, the answer to UpdateService, then each DescribeServices answer in turn (the last repeats). */
function fakeEcs(before: Service | undefined, updated: Service, afterwards: Service[]) {
  const calls: { registered?: RegisterTaskDefinitionCommandInput; updatedTo?: string; describes: number } = { describes: 0 };
  const ecs: ReleaseEcs = {
    describeService: async () => {
      calls.describes += 1;
      return calls.describes === 1 ? before : afterwards[Math.min(calls.describes - 2, afterwards.length - 1)];
    },
    describeTaskDefinition: async () => ({ taskDefinition: RUNNING, tags: [{ key: 'Project', value: 'bookmarks' }] }),
    registerTaskDefinition: async (input) => {
      calls.registered = input;
      return { ...RUNNING, taskDefinitionArn: NEW_ARN, revision: 2 };
    },
    updateService: async (_cluster, _service, taskDefinition) => {
      calls.updatedTo = taskDefinition;
      return updated;
    },
  };
  return { ecs, calls };
}

/** Options with a fake clock: each sleep moves it on. */
function options(overrides: Partial<ReleaseOptions> = {}): ReleaseOptions & { lines: string[] } {
  let clock = 0;
  const lines: string[] = [];
  return {
    emulated: false,
    timeoutMs: 60_000,
    pollMs: 10_000,
    log: (line) => lines.push(line),
    now: () => clock,
    sleep: async (ms) => {
      clock += ms;
    },
    lines,
    ...overrides,
  };
}

const BEFORE = service(OLD_ARN, [deployment(OLD_ARN, 'PRIMARY', 'COMPLETED')]);
const UPDATED = service(NEW_ARN, [deployment(NEW_ARN, 'PRIMARY', 'IN_PROGRESS'), deployment(OLD_ARN, 'ACTIVE', 'COMPLETED')]);

describe('the service a release names', () => {
  it('is the ECS service of a pipeline service, in the cluster of the environment', () => {
    expect(releaseTarget(NAMING, FILE, SERVICES, 'customer', 'app')).toEqual(TARGET);
  });

  it('refuses an unknown service, naming it and the services there are', () => {
    expect(() => releaseTarget(NAMING, FILE, SERVICES, 'billing', 'app')).toThrow(
      expect.objectContaining({ name: 'ReleaseInputError', message: expect.stringContaining('"billing" is not a service of services.json in dev; give one of order, customer') }),
    );
  });

  it('refuses a terraform-mode service of a services file, with the field that makes it a pipeline one', () => {
    expect(() => releaseTarget(NAMING, FILE, SERVICES, 'order', 'app')).toThrow('give "order" "release": "pipeline" in services.json and deploy the service stack once');
  });

  it('refuses the default service in terraform mode, with the variable that changes it', () => {
    expect(() => releaseTarget(NAMING, { servicesSource: 'service.services' }, [{ name: 'service', release: 'terraform' }], 'service', 'app')).toThrow(
      'set CDKTF_RELEASE=pipeline and deploy the service stack once',
    );
  });
});

describe('the image of a release', () => {
  it.each([IMAGE, 'nginx:1.27', 'localhost:5001/app:abc', `repo/app@sha256:${'a'.repeat(64)}`, `ghcr.io/org/app:v1@sha256:${'b'.repeat(64)}`])('accepts %s', (image) => {
    expect(imageProblem(image)).toBeUndefined();
  });

  it.each([
    ['nginx', 'has no tag or digest'],
    ['registry:nginx:1', 'is a setting of the services file'],
    ['Nginx:1', 'is not an image reference'],
    ['app:', 'is not an image reference'],
    ['app with space:1', 'is not an image reference'],
  ])('refuses %s: %s', (image, problem) => {
    expect(imageProblem(image)).toContain(`image "${image}" ${problem}`);
  });

  it('is checked with the command line, as bad input', () => {
    expect(() => parseReleaseArguments(['customer', 'nginx'])).toThrow(ReleaseInputError);
  });

  it('comes second on the command line, with an optional timeout in minutes', () => {
    expect(parseReleaseArguments(['customer', IMAGE, '--timeout', '5'])).toEqual({ service: 'customer', image: IMAGE, timeoutMinutes: 5 });
  });
});

describe('the revision a release registers', () => {
  const tags = [{ key: 'Project', value: 'bookmarks' }];

  it('copies every registration field of the running revision, with its tags', () => {
    const { containerDefinitions: _c, ...rest } = registrationOf(RUNNING, tags, 'app', IMAGE);
    expect(rest).toEqual({
      family: RUNNING.family,
      taskRoleArn: RUNNING.taskRoleArn,
      executionRoleArn: RUNNING.executionRoleArn,
      networkMode: 'awsvpc',
      volumes: RUNNING.volumes,
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      ephemeralStorage: { sizeInGiB: 30 },
      runtimePlatform: RUNNING.runtimePlatform,
      tags,
    });
  });

  it('changes only the image of the named container', () => {
    const [app, sidecar] = registrationOf(RUNNING, tags, 'app', IMAGE).containerDefinitions ?? [];
    expect([app, sidecar]).toEqual([{ ...RUNNING.containerDefinitions?.[0], image: IMAGE }, RUNNING.containerDefinitions?.[1]]);
  });

  it('refuses a revision without the container, naming the ones it has', () => {
    expect(() => registrationOf(RUNNING, tags, 'web', IMAGE)).toThrow('has no container "web" (it has "app", "sidecar")');
  });
});

describe('a release against AWS', () => {
  it('points the service at the full ARN of the new revision and completes when its rollout does (exit 0)', async () => {
    const { ecs, calls } = fakeEcs(BEFORE, UPDATED, [UPDATED, service(NEW_ARN, [deployment(NEW_ARN, 'PRIMARY', 'COMPLETED', 'ECS deployment ecs-svc/2 completed.')])]);
    const outcome = await release(ecs, TARGET, IMAGE, options());
    expect([calls.updatedTo, outcome.state, outcome.reason, exitCodeOf(outcome)]).toEqual([NEW_ARN, 'completed', 'ECS deployment ecs-svc/2 completed.', 0]);
  });

  it('reports a rollback by the circuit breaker with its reason and the revision it went back to (exit 1)', async () => {
    const reason = 'ECS deployment circuit breaker: tasks failed to start.';
    const rolledBack = service(OLD_ARN, [deployment(OLD_ARN, 'PRIMARY', 'IN_PROGRESS'), deployment(NEW_ARN, 'ACTIVE', 'FAILED', reason)]);
    const { ecs } = fakeEcs(BEFORE, UPDATED, [UPDATED, rolledBack]);
    const outcome = await release(ecs, TARGET, IMAGE, options());
    expect([outcome.state, outcome.rolledBackTo, exitCodeOf(outcome), outcomeLine(TARGET, outcome)]).toEqual([
      'rolled-back',
      OLD_ARN,
      1,
      `customer: rolled back to ${OLD_ARN}: ${reason}`,
    ]);
  });

  it('reports a failed rollout that nothing rolled back (exit 1)', async () => {
    const failed = service(NEW_ARN, [deployment(NEW_ARN, 'PRIMARY', 'FAILED', 'tasks failed to start')]);
    const { ecs } = fakeEcs(BEFORE, UPDATED, [failed]);
    const outcome = await release(ecs, TARGET, IMAGE, options());
    expect([outcome.state, outcome.reason, exitCodeOf(outcome)]).toEqual(['failed', 'tasks failed to start', 1]);
  });

  it('times out on a rollout that never ends, saying what it saw last (exit 1)', async () => {
    const { ecs } = fakeEcs(BEFORE, UPDATED, [UPDATED]);
    const run = options({ timeoutMs: 30_000 });
    const outcome = await release(ecs, TARGET, IMAGE, run);
    expect([outcome.state, outcome.reason, exitCodeOf(outcome)]).toEqual(['timed-out', 'no outcome within 30 s; last seen: IN_PROGRESS', 1]);
  });

  it('times out on the emulator’s answer too: a service that names the revision without a deployment of it is no completion on AWS', async () => {
    const emulatorAnswer = service(NEW_ARN, [deployment(OLD_ARN, 'PRIMARY', 'IN_PROGRESS')]);
    const { ecs } = fakeEcs(BEFORE, emulatorAnswer, [emulatorAnswer]);
    const outcome = await release(ecs, TARGET, IMAGE, options({ timeoutMs: 30_000 }));
    expect([outcome.state, outcome.emulatorGap]).toEqual(['timed-out', undefined]);
  });

  it('refuses a service that ECS does not run, as bad input (exit 2)', async () => {
    const { ecs } = fakeEcs(undefined, UPDATED, [UPDATED]);
    await expect(release(ecs, TARGET, IMAGE, options())).rejects.toMatchObject({
      name: 'ReleaseInputError',
      message: expect.stringContaining('ECS has no active service bookmarks-dev-customer in cluster bookmarks-dev-service; deploy the service stack first'),
    });
  });
});

describe('a release against the sandbox', () => {
  const emulatorAnswer = service(NEW_ARN, [deployment(OLD_ARN, 'PRIMARY', 'IN_PROGRESS')]);

  it('counts the service naming the new revision as completed, under the named emulator gap, and says so', async () => {
    const { ecs } = fakeEcs(BEFORE, emulatorAnswer, [emulatorAnswer]);
    const run = options({ emulated: true });
    const outcome = await release(ecs, TARGET, IMAGE, run);
    const gap = EMULATOR_GAPS.find((g) => g.id === outcome.emulatorGap);
    expect([outcome.state, gap?.handling, run.lines.some((l) => l.startsWith('emulator gap ecs-deployment-never-completes:'))]).toEqual(['completed', 'sandbox-path', true]);
  });
});

describe('the release command’s exit codes for bad input', () => {
  const ROOT = path.resolve(__dirname, '../..');
  /** Runs the command with these variables; nothing reaches ECS, because each input is refused first. */
  async function run(args: string[], env: NodeJS.ProcessEnv): Promise<[number, string]> {
    const errors: string[] = [];
    const code = await runRelease(args, { CDKTF_ENV: 'dev', ...env }, ROOT, { out: () => undefined, err: (line) => errors.push(line) });
    return [code, errors.join('\n')];
  }

  it('exits 2 for an unknown service, naming it', async () => {
    expect(await run(['billing', IMAGE], {})).toEqual([2, expect.stringContaining('"billing" is not a service of service.services in dev; give one of service')]);
  });

  it('exits 2 for the default service in terraform mode, with CDKTF_RELEASE as the fix', async () => {
    expect(await run(['service', IMAGE], {})).toEqual([2, expect.stringContaining('set CDKTF_RELEASE=pipeline')]);
  });

  it('exits 2 for a malformed image, naming it', async () => {
    expect(await run(['service', 'nginx'], { CDKTF_RELEASE: 'pipeline' })).toEqual([2, expect.stringContaining('image "nginx" has no tag or digest')]);
  });

  it('exits 2 for settings that do not load, with their problem', async () => {
    expect(await run(['service', IMAGE], { CDKTF_RELEASE: 'ci' })).toEqual([2, expect.stringContaining('CDKTF_RELEASE: "ci"')]);
  });
});
