import {
  dockerCreateBody,
  isUnresolved,
  localDynamoEnvironment,
  resolvedEnvironment,
  taskContainer,
  type EcsContainerDefinition,
  type SynthesizedStack,
} from '../../scripts/lib/task-container';

const APP: EcsContainerDefinition = {
  name: 'app',
  image: '${aws_ecr_repository.repo.repository_url}@${docker_registry_image.push.sha256_digest}',
  portMappings: [{ containerPort: 8080, protocol: 'tcp' }],
  environment: [
    { name: 'PORT', value: '8080' },
    { name: 'CATEGORY_TABLE', value: '${data.terraform_remote_state.data.outputs.category}' },
  ],
  user: '1000',
  readonlyRootFilesystem: true,
  mountPoints: [
    { sourceVolume: 'app-writable-tmp', containerPath: '/tmp', readOnly: false },
    { sourceVolume: 'app-writable-var-cache', containerPath: '/var/cache', readOnly: true },
  ],
  healthCheck: { command: ['CMD', 'node', '-e', 'process.exit(0)'], interval: 10, timeout: 5, retries: 3, startPeriod: 10 },
  stopTimeout: 30,
};

/** A synthesized stack with task definitions of these families, each with `containers`. */
function stack(definitions: { family: string; containers: EcsContainerDefinition[]; volume?: unknown[] }[]): SynthesizedStack {
  return {
    resource: {
      aws_ecs_task_definition: Object.fromEntries(
        definitions.map((d, i) => [`td${i}`, { family: d.family, cpu: '256', memory: '512', container_definitions: JSON.stringify(d.containers), volume: d.volume }]),
      ),
    },
  };
}
const SCRATCH = [{ name: 'app-writable-tmp' }, { name: 'app-writable-var-cache' }];
const task = taskContainer(stack([{ family: 'bookmarks-dev-service', containers: [APP], volume: SCRATCH }]), 'app');
const body = (overrides = {}) => dockerCreateBody(task, { image: 'local/service:1', network: 'none', environment: { CATEGORY_TABLE: 'test-category' }, ...overrides });
const host = (b: Record<string, unknown>) => b.HostConfig as Record<string, unknown>;

describe('taskContainer', () => {
  it("reads the container with the task's CPU and memory", () => {
    expect([task.family, task.cpu, task.memoryMiB, task.container.name]).toEqual(['bookmarks-dev-service', 256, 512, 'app']);
  });

  it('takes the read-write mounts of task scratch volumes as the writable paths', () => {
    expect(task.scratchPaths).toEqual(['/tmp']);
  });

  it('picks the task definition by family when the stack holds several', () => {
    const two = stack([
      { family: 'a', containers: [APP], volume: SCRATCH },
      { family: 'b', containers: [{ ...APP, user: '2000' }], volume: SCRATCH },
    ]);
    expect(taskContainer(two, 'app', 'b').container.user).toBe('2000');
  });

  it('without a family, refuses a stack of several task definitions and names them', () => {
    const two = stack([
      { family: 'a', containers: [APP], volume: SCRATCH },
      { family: 'b', containers: [APP], volume: SCRATCH },
    ]);
    expect(() => taskContainer(two, 'app')).toThrow('must hold exactly one task definition; it has a, b');
  });

  it('refuses an unknown container, naming those there are', () => {
    expect(() => taskContainer(stack([{ family: 'a', containers: [APP], volume: SCRATCH }]), 'web')).toThrow('a has no container "web"; it has app');
  });

  it('refuses a container that mounts EFS, which a local engine cannot', () => {
    const efs = stack([{ family: 'a', containers: [APP], volume: [{ name: 'app-writable-tmp', efs_volume_configuration: [{}] }, SCRATCH[1]] }]);
    expect(() => taskContainer(efs, 'app')).toThrow('mounts app-writable-tmp, which is not task scratch space (EFS)');
  });
});

describe('resolvedEnvironment', () => {
  it('keeps the task values and applies the overrides', () => {
    expect(resolvedEnvironment(task, { CATEGORY_TABLE: 'test-category', DYNAMODB_ENDPOINT: 'http://127.0.0.1:4567' })).toEqual({
      PORT: '8080',
      CATEGORY_TABLE: 'test-category',
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:4567',
    });
  });

  it('refuses to run with a value known only at apply, naming the variable', () => {
    expect(() => resolvedEnvironment(task)).toThrow('CATEGORY_TABLE of app are known only at apply');
  });
});

describe('isUnresolved', () => {
  it('tells a Terraform expression from a plain value', () => {
    expect([isUnresolved('${aws_dynamodb_table.t.name}'), isUnresolved('bookmarks-dev-category')]).toEqual([true, false]);
  });
});

describe('dockerCreateBody', () => {
  it('runs the given image as the task user, with the task environment', () => {
    const b = body();
    expect([b.Image, b.User, b.Env]).toEqual(['local/service:1', '1000', ['PORT=8080', 'CATEGORY_TABLE=test-category']]);
  });

  it('makes the root read-only and each writable path a tmpfs', () => {
    expect([host(body()).ReadonlyRootfs, Object.keys(host(body()).Tmpfs as object)]).toEqual([true, ['/tmp']]);
  });

  it("limits CPU and memory to the task's size, without swap", () => {
    const h = host(body());
    expect([h.NanoCpus, h.Memory, h.MemorySwap]).toEqual([250_000_000, 512 * 1024 * 1024, 512 * 1024 * 1024]);
  });

  it("uses the container's own memory limit when it has one", () => {
    const small = taskContainer(stack([{ family: 'a', containers: [{ ...APP, memory: 128 }], volume: SCRATCH }]), 'app');
    expect(host(dockerCreateBody(small, { image: 'x', network: 'none', environment: { CATEGORY_TABLE: 't' } })).Memory).toBe(128 * 1024 * 1024);
  });

  it('runs the health check command in exec form, its times in nanoseconds', () => {
    expect(body().Healthcheck).toEqual({ Test: ['CMD', 'node', '-e', 'process.exit(0)'], Interval: 10e9, Timeout: 5e9, Retries: 3, StartPeriod: 10e9 });
  });

  it("fills in ECS's health check defaults the task leaves out", () => {
    const bare = taskContainer(stack([{ family: 'a', containers: [{ ...APP, healthCheck: { command: ['CMD', 'true'] } }], volume: SCRATCH }]), 'app');
    expect(dockerCreateBody(bare, { image: 'x', network: 'none', environment: { CATEGORY_TABLE: 't' } }).Healthcheck).toEqual({
      Test: ['CMD', 'true'],
      Interval: 30e9,
      Timeout: 5e9,
      Retries: 3,
      StartPeriod: 0,
    });
  });

  it('leaves the health check out when asked', () => {
    expect(body({ withoutHealthCheck: true }).Healthcheck).toBeUndefined();
  });

  it('stops with SIGTERM and the task stop timeout', () => {
    expect([body().StopSignal, body().StopTimeout]).toEqual(['SIGTERM', 30]);
  });

  it("passes the container's ulimits", () => {
    const limited = taskContainer(stack([{ family: 'a', containers: [{ ...APP, ulimits: [{ name: 'nofile', softLimit: 4096, hardLimit: 8192 }] }], volume: SCRATCH }]), 'app');
    expect(host(dockerCreateBody(limited, { image: 'x', network: 'none', environment: { CATEGORY_TABLE: 't' } })).Ulimits).toEqual([{ Name: 'nofile', Soft: 4096, Hard: 8192 }]);
  });

  it('uses the network asked for', () => {
    expect([host(body()).NetworkMode, host(body({ network: 'host' })).NetworkMode]).toEqual(['none', 'host']);
  });
});

describe('localDynamoEnvironment', () => {
  const env = localDynamoEnvironment('http://127.0.0.1:4567', { category: 'c', resource: 'r', bookmark: 'b' });

  it('points the service at the endpoint and the given tables', () => {
    expect([env.DYNAMODB_ENDPOINT, env.CATEGORY_TABLE, env.RESOURCE_TABLE, env.BOOKMARK_TABLE]).toEqual(['http://127.0.0.1:4567', 'c', 'r', 'b']);
  });

  it('gives throwaway credentials and turns the instance metadata lookup off', () => {
    expect([env.AWS_ACCESS_KEY_ID !== undefined, env.AWS_SECRET_ACCESS_KEY !== undefined, env.AWS_EC2_METADATA_DISABLED]).toEqual([true, true, 'true']);
  });

  it('resolves the table names a task definition knows only at apply', () => {
    expect(() => resolvedEnvironment(task, env)).not.toThrow();
  });
});
