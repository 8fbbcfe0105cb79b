import {
  chooseRuntime,
  movedHealthCheck,
  pushedImageSetting,
  registeredTaskContainer,
  sandboxContainerEnvironment,
  sandboxContainerName,
  sandboxRuntimeSetting,
  secretLocation,
  secretRequest,
  secretValue,
  serviceNameOutput,
  servicesFileWithImage,
  type RegisteredTaskDefinition,
} from '../../scripts/lib/sandbox-containers';
import { dockerCreateBody } from '../../scripts/lib/task-container';

const DIGEST = `127.0.0.1:5001/bookmarks-service@sha256:${'a'.repeat(64)}`;
const HEALTH = ['CMD', 'node', '-e', "fetch('http://127.0.0.1:8080/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"];

/** A task definition as DescribeTaskDefinition returns it from the emulated ECS. */
const REGISTERED: RegisteredTaskDefinition = {
  family: 'bookmarks-sandbox-service',
  cpu: '256',
  memory: '512',
  volumes: [{ name: 'app-writable-tmp' }],
  containerDefinitions: [
    {
      name: 'app',
      image: DIGEST,
      essential: true,
      environment: [
        { name: 'PORT', value: '8080' },
        { name: 'CATEGORY_TABLE', value: 'bookmarks-sandbox-category' },
      ],
      secrets: [
        { name: 'BASIC_AUTH_USER', valueFrom: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:auth-AbCdEf:user::' },
        { name: 'BASIC_AUTH_PASSWORD', valueFrom: 'arn:aws:ssm:eu-west-1:123456789012:parameter/auth/password' },
      ],
      portMappings: [{ containerPort: 8080, protocol: 'tcp' }],
      user: '1000',
      readonlyRootFilesystem: true,
      mountPoints: [{ sourceVolume: 'app-writable-tmp', containerPath: '/tmp', readOnly: false }],
      healthCheck: { command: HEALTH, interval: 10, timeout: 5, retries: 3, startPeriod: 10 },
      stopTimeout: 30,
    },
  ],
};

describe('SANDBOX_RUNTIME', () => {
  it('is auto when unset or empty', () => {
    expect([sandboxRuntimeSetting({}), sandboxRuntimeSetting({ SANDBOX_RUNTIME: ' ' })]).toEqual(['auto', 'auto']);
  });

  it('refuses another value, naming the variable and the accepted ones', () => {
    expect(() => sandboxRuntimeSetting({ SANDBOX_RUNTIME: 'docker' })).toThrow('SANDBOX_RUNTIME="docker" is not a sandbox runtime; use auto, container, bundle');
  });
});

describe('chooseRuntime', () => {
  const none = { answers: false, installed: false, isRoot: true };

  it('auto runs containers when the engine answers, even for a user who could not start it', () => {
    expect(chooseRuntime('auto', { answers: true, installed: true, isRoot: false })).toMatchObject({ runtime: 'container', install: false });
  });

  it('auto runs containers when docker.io is installed and we are root', () => {
    expect(chooseRuntime('auto', { ...none, installed: true })).toMatchObject({ runtime: 'container', install: false });
  });

  it('auto never installs: without docker.io it runs the bundle and says why', () => {
    expect(chooseRuntime('auto', none)).toEqual({
      runtime: 'bundle',
      install: false,
      reason: 'no Docker engine: docker.io is not installed (SANDBOX_RUNTIME=container installs it)',
    });
  });

  it('auto runs the bundle when dockerd is installed but we are not root', () => {
    expect(chooseRuntime('auto', { answers: false, installed: true, isRoot: false }).reason).toBe('no Docker engine: dockerd needs root (SANDBOX_RUNTIME=container installs it)');
  });

  it('container installs what is missing; bundle ignores a running engine', () => {
    expect([chooseRuntime('container', none), chooseRuntime('bundle', { ...none, answers: true })]).toEqual([
      { runtime: 'container', install: true, reason: 'SANDBOX_RUNTIME=container' },
      { runtime: 'bundle', install: false, reason: 'SANDBOX_RUNTIME=bundle' },
    ]);
  });
});

describe('the image the deploy names', () => {
  it('is the pushed digest as a registry image source', () => {
    expect(pushedImageSetting(DIGEST)).toBe(`registry:${DIGEST}`);
  });

  it('refuses a reference without a digest: a tag could be moved after the deploy', () => {
    expect(() => pushedImageSetting('127.0.0.1:5001/bookmarks-service:abc')).toThrow('names no digest');
  });

  it('keeps a replaced service the catalog API, as build made it, unless the file says otherwise', () => {
    const file = JSON.stringify({
      services: [
        { name: 'product', image: 'build' },
        { name: 'plain', image: 'build', catalog: false },
      ],
    });
    const services = (JSON.parse(servicesFileWithImage(file, 'f.json', 'registry:x').text) as { services: { catalog: boolean }[] }).services;
    expect(services.map((s) => s.catalog)).toEqual([true, false]);
  });

  it('replaces the image of exactly the services built from service/ in a services file', () => {
    const file = JSON.stringify({
      services: [
        { name: 'order', image: 'registry:nginx' },
        { name: 'product', image: 'build' },
        { name: 'legacy', image: 'build:legacy' },
      ],
    });
    const result = servicesFileWithImage(file, 'three.json', `registry:${DIGEST}`);
    expect([result.services, (JSON.parse(result.text) as { services: { image: string }[] }).services.map((s) => s.image)]).toEqual([
      ['product'],
      ['registry:nginx', `registry:${DIGEST}`, 'build:legacy'],
    ]);
  });

  it('names the file when it is not JSON', () => {
    expect(() => servicesFileWithImage('{', 'three.json', 'registry:x')).toThrow(/^three\.json: not JSON/);
  });

  it('reads the ECS service name from service_name alone, and from <name>_service_name among several', () => {
    expect([serviceNameOutput('api', 1), serviceNameOutput('product', 3)]).toEqual(['service_name', 'product_service_name']);
  });
});

describe('a registered task definition as the engine runs it', () => {
  const task = registeredTaskContainer(REGISTERED, 'app');
  const body = dockerCreateBody(task, { image: DIGEST, network: 'host', environment: { BASIC_AUTH_USER: 'u', ...sandboxContainerEnvironment('http://127.0.0.1:5000') } });
  const host = body.HostConfig as Record<string, unknown>;

  it('runs the registered image as the task user with a read-only root and each writable path as a tmpfs', () => {
    expect([body.Image, body.User, host.ReadonlyRootfs, Object.keys(host.Tmpfs as object)]).toEqual([DIGEST, '1000', true, ['/tmp']]);
  });

  it('holds it to the task size: 256 CPU units as a quarter CPU, 512 MiB without swap', () => {
    expect([host.NanoCpus, host.Memory, host.MemorySwap]).toEqual([250_000_000, 512 * 1024 * 1024, 512 * 1024 * 1024]);
  });

  it('keeps the health check in exec form with its timings in nanoseconds, and the stop timeout', () => {
    expect([body.Healthcheck, body.StopTimeout, body.StopSignal]).toEqual([{ Test: HEALTH, Interval: 10e9, Timeout: 5e9, Retries: 3, StartPeriod: 10e9 }, 30, 'SIGTERM']);
  });

  it('gets the registered environment, the secrets, every endpoint at the emulator, dummy credentials and no metadata lookup', () => {
    expect([...(body.Env as string[])].sort()).toEqual(
      [
        'PORT=8080',
        'CATEGORY_TABLE=bookmarks-sandbox-category',
        'BASIC_AUTH_USER=u',
        'DYNAMODB_ENDPOINT=http://127.0.0.1:5000',
        'AWS_ENDPOINT_URL=http://127.0.0.1:5000',
        'AWS_ACCESS_KEY_ID=sandbox',
        'AWS_SECRET_ACCESS_KEY=sandbox',
        'AWS_EC2_METADATA_DISABLED=true',
      ].sort(),
    );
  });

  it('lists the secrets ECS would inject, by variable', () => {
    expect(Object.keys(task.secrets).sort()).toEqual(['BASIC_AUTH_PASSWORD', 'BASIC_AUTH_USER']);
  });

  it('refuses a container that is not in the task definition, naming those that are', () => {
    expect(() => registeredTaskContainer(REGISTERED, 'web')).toThrow('task definition bookmarks-sandbox-service has no container "web"; it has app');
  });

  it('refuses an EFS volume, which a local engine cannot mount', () => {
    const efs = { ...REGISTERED, volumes: [{ name: 'app-writable-tmp', efsVolumeConfiguration: { fileSystemId: 'fs-1' } }] };
    expect(() => registeredTaskContainer(efs, 'app')).toThrow('mounts app-writable-tmp, which is not task scratch space (EFS)');
  });

  it('refuses a task without a size', () => {
    expect(() => registeredTaskContainer({ ...REGISTERED, cpu: undefined }, 'app')).toThrow('has no task size');
  });
});

describe('a moved port', () => {
  const task = registeredTaskContainer(REGISTERED, 'app');

  it('moves the health check URL with PORT', () => {
    expect(movedHealthCheck(task.container, 9123).healthCheck?.command[3]).toContain("fetch('http://127.0.0.1:9123/health')");
  });

  it('leaves the container as it is on the task port', () => {
    expect(movedHealthCheck(task.container, 8080)).toBe(task.container);
  });

  it('refuses a check that does not name the task port, since it would probe something else', () => {
    const other = { ...task.container, healthCheck: { command: ['CMD', 'true'] } };
    expect(() => movedHealthCheck(other, 9123)).toThrow('does not name port 8080, so it cannot follow PORT=9123');
  });

  it('sets PORT only when it moves', () => {
    expect([sandboxContainerEnvironment('http://m', 9123).PORT, 'PORT' in sandboxContainerEnvironment('http://m')]).toEqual(['9123', false]);
  });
});

describe('secrets', () => {
  it('reads a JSON key of a Secrets Manager secret by the secret ARN', () => {
    const location = secretLocation('arn:aws:secretsmanager:eu-west-1:123456789012:secret:auth-AbCdEf:user::');
    expect([location, secretRequest(location)]).toEqual([
      { source: 'secretsmanager', secretId: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:auth-AbCdEf', jsonKey: 'user' },
      { service: 'secretsmanager', target: 'secretsmanager.GetSecretValue', body: { SecretId: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:auth-AbCdEf' } },
    ]);
  });

  it('asks for the version stage a valueFrom names', () => {
    expect(secretRequest(secretLocation('arn:aws:secretsmanager:eu-west-1:123456789012:secret:auth-AbCdEf::AWSPREVIOUS:')).body).toEqual({
      SecretId: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:auth-AbCdEf',
      VersionStage: 'AWSPREVIOUS',
    });
  });

  it('reads SSM parameters by name: hierarchical with its leading slash, flat without', () => {
    expect([
      secretLocation('arn:aws:ssm:eu-west-1:123456789012:parameter/auth/password'),
      secretLocation('arn:aws:ssm:eu-west-1:123456789012:parameter/password'),
      secretRequest(secretLocation('password')),
    ]).toEqual([
      { source: 'ssm', name: '/auth/password' },
      { source: 'ssm', name: 'password' },
      { service: 'ssm', target: 'AmazonSSM.GetParameter', body: { Name: 'password', WithDecryption: true } },
    ]);
  });

  it('refuses a valueFrom of another service', () => {
    expect(() => secretLocation('arn:aws:s3:::bucket/key')).toThrow('is neither a Secrets Manager secret ARN nor an SSM parameter ARN or name');
  });

  it('takes the whole secret string, or the named key of its JSON', () => {
    const whole = secretLocation('arn:aws:secretsmanager:eu-west-1:123456789012:secret:auth-AbCdEf');
    const keyed = secretLocation('arn:aws:secretsmanager:eu-west-1:123456789012:secret:auth-AbCdEf:user::');
    const answer = { SecretString: '{"user":"reader"}' };
    expect([secretValue(whole, answer, 'A'), secretValue(keyed, answer, 'B'), secretValue(secretLocation('p'), { Parameter: { Value: 'pw' } }, 'C')]).toEqual([
      '{"user":"reader"}',
      'reader',
      'pw',
    ]);
  });

  it('names the variable when the secret lacks the key', () => {
    const keyed = secretLocation('arn:aws:secretsmanager:eu-west-1:123456789012:secret:auth-AbCdEf:user::');
    expect(() => secretValue(keyed, { SecretString: '{}' }, 'BASIC_AUTH_USER')).toThrow(
      'BASIC_AUTH_USER: secret arn:aws:secretsmanager:eu-west-1:123456789012:secret:auth-AbCdEf has no key "user"',
    );
  });
});

it('names a container after its ECS service, in characters the engine accepts', () => {
  expect(sandboxContainerName('bookmarks-sandbox-service')).toBe('sandbox-bookmarks-sandbox-service');
});
