/**
 * The image run as the dev task definition says, in a network namespace of its own (as awsvpc gives
 * each task one): environment, port, user, read-only root with the task's writable paths, CPU and
 * memory limits, and the task's own health check command reaching `healthy`. Nothing here needs
 * DynamoDB: /health touches nothing.
 */
import { nodeImageVersion, versionMatches } from '../../scripts/lib/node-base';
import { dockerCreateBody, localDynamoEnvironment, resolvedEnvironment } from '../../scripts/lib/task-container';
import { startContainer, type LocalContainer } from '../../scripts/local-task';
import { CONTAINER_PREFIX, imageSuite, ms1, reportImage } from '../support/image-suite';

const { docker, image, task } = imageSuite();
/** The table names and endpoint a local run fills in; the endpoint is never reached here. */
const LOCAL = localDynamoEnvironment('http://127.0.0.1:9', { category: 'task-category', resource: 'task-resource', bookmark: 'task-bookmark' });
const MIB = 1024 * 1024;

let container: LocalContainer;
let healthyAfterMs: number;

/** Runs a node script inside the container, as its user; resolves with what it printed. */
async function inContainer(script: string): Promise<string> {
  const result = await container.exec(['node', '-e', script]);
  if (result.code !== 0) throw new Error(`node -e in the container failed (${result.code}): ${result.stderr}`);
  return result.stdout;
}

beforeAll(async () => {
  // Given the dev task's container, as ECS would create it, from the built image
  container = await startContainer(docker, `${CONTAINER_PREFIX}task`, dockerCreateBody(task, { image: image.reference, network: 'none', environment: LOCAL }));
  // When its own health check has had time to run (the first check comes one interval after start)
  healthyAfterMs = await container.waitForHealth('healthy', ((task.container.healthCheck?.interval ?? 30) + 30) * 1000);
  reportImage('task definition', { healthyAfterMs: ms1(healthyAfterMs), healthCheckIntervalSeconds: task.container.healthCheck?.interval });
});

afterAll(async () => {
  await container?.remove();
});

describe('the image run as the task definition says', () => {
  test("reaches healthy with the task definition's own health check command", async () => {
    const { body } = await docker.api('GET', `/containers/${container.id}/json`);
    const info = body as { Config: { Healthcheck: { Test: string[] } }; State: { Health: { Status: string } } };
    expect({ test: info.Config.Healthcheck.Test, status: info.State.Health.Status }).toEqual({ test: task.container.healthCheck?.command, status: 'healthy' });
  });

  test('the task health check runs node directly (exec form): the image needs no shell', () => {
    expect(task.container.healthCheck?.command[0]).toBe('CMD');
  });

  test('listens on the port the task maps', async () => {
    const listening = (await container.logs()).split('\n').find((line) => line.includes('"msg":"listening"'));
    expect(JSON.parse(listening ?? '{}').port).toBe(task.container.portMappings?.[0]?.containerPort);
  });

  test('runs with every variable of the task environment, the table names filled in locally', async () => {
    const env = Object.fromEntries(JSON.parse(await inContainer('process.stdout.write(JSON.stringify(Object.entries(process.env)))')) as [string, string][]);
    expect(env).toMatchObject(resolvedEnvironment(task, LOCAL));
  });

  test('runs node server.js as PID 1 under the task user', async () => {
    const status = await inContainer("process.stdout.write(require('fs').readFileSync('/proc/1/status','utf8'))");
    const cmdline = await inContainer("process.stdout.write(require('fs').readFileSync('/proc/1/cmdline','utf8').split('\\0').join(' ').trim())");
    const uid = /^Uid:\s+(\d+)/m.exec(status)?.[1];
    expect({ uid, cmdline }).toEqual({ uid: task.container.user, cmdline: 'node server.js' });
  });

  test("can write exactly the task's writable paths: the root, the code and home are read-only", async () => {
    const candidates = ['/', '/app', '/tmp', '/home/node', ...task.scratchPaths];
    const script = `const fs=require('fs');process.stdout.write(JSON.stringify(${JSON.stringify(candidates)}.map(d=>{try{fs.writeFileSync(d.replace(/\\/$/,'')+'/probe','x');return 'written'}catch(e){return e.code}})))`;
    const outcomes = JSON.parse(await inContainer(script)) as string[];
    expect(outcomes).toEqual(candidates.map((dir) => (task.scratchPaths.includes(dir) ? 'written' : 'EROFS')));
  });

  test("is held by the kernel to the task's memory", async () => {
    // cgroup v2 names the file memory.max, v1 memory.limit_in_bytes.
    const limit = await inContainer(
      "const fs=require('fs');const f=['/sys/fs/cgroup/memory.max','/sys/fs/cgroup/memory/memory.limit_in_bytes'].find(p=>fs.existsSync(p));process.stdout.write(fs.readFileSync(f,'utf8').trim())",
    );
    expect(Number(limit)).toBe(task.memoryMiB * MIB);
  });

  test("is held by the kernel to the task's CPU", async () => {
    const quota = await inContainer(
      "const fs=require('fs');const v2='/sys/fs/cgroup/cpu.max';process.stdout.write(fs.existsSync(v2)?fs.readFileSync(v2,'utf8').trim():fs.readFileSync('/sys/fs/cgroup/cpu/cpu.cfs_quota_us','utf8').trim()+' '+fs.readFileSync('/sys/fs/cgroup/cpu/cpu.cfs_period_us','utf8').trim())",
    );
    const [allowed, period] = quota.split(' ').map(Number);
    expect(allowed / period).toBeCloseTo(task.cpu / 1024, 3);
  });

  test('adds at most 5 MB to its base', () => {
    expect(image.sizeBytes - image.base.sizeBytes).toBeLessThanOrEqual(5_000_000);
  });

  test('runs the Node version the Dockerfile names', async () => {
    const version = await inContainer('process.stdout.write(process.versions.node)');
    expect([version, versionMatches(version, nodeImageVersion(image.base.arg.defaultImage).version)]).toEqual([image.base.nodeVersion, true]);
  });
});
