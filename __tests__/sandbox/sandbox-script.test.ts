/** The pure parts of scripts/sandbox.ts: reading cdktf's output, local state and the registered container. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  applySummary,
  CdktfError,
  discardStaleState,
  KEPT_BUCKET_GAP,
  localEnvironment,
  MAX_RUNS_FOR_RETRY_GAPS,
  retryOnEmulatorGap,
  sandboxConfig,
  sandboxEnv,
  stateResourceCount,
  stepLineText,
  stepResultsOf,
  stripAnsi,
  type RegisteredContainer,
} from '../../scripts/sandbox';
import { forgetOtherBackend } from '../../scripts/lib/backend-cache';
import { loadConfig } from '../../stacks/settings/config';
import { EMULATOR_GAPS, emulatorUrl } from '../../scripts/lib/emulator';
import { bucketAddresses, managedAddressesOfTypes, managedResourceCount, replacedBeforeRetry, stateLocationOf, stateOutputValues } from '../../scripts/lib/sandbox-state';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-script-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('applySummary', () => {
  it("reads Terraform's apply line through cdktf's stack prefix and colours", () => {
    const output = '\x1b[2K\x1b[1A\x1b[Gnetwork  \x1b[0m\x1b[1m\x1b[32mApply complete! Resources: 21 added, 0 changed, 0 destroyed.\x1b[0m\n';
    expect(applySummary(output)).toBe('21 added, 0 changed, 0 destroyed');
  });

  it('reads a destroy line', () => {
    expect(applySummary('data  Destroy complete! Resources: 117 destroyed.\n')).toBe('117 destroyed');
  });

  it('takes the last summary when Terraform printed several', () => {
    expect(applySummary('Apply complete! Resources: 1 added, 0 changed, 0 destroyed.\nApply complete! Resources: 0 added, 3 changed, 0 destroyed.\n')).toBe(
      '0 added, 3 changed, 0 destroyed',
    );
  });

  it('says so when the output has no summary', () => {
    expect(applySummary('Synthesizing\n')).toBe('no summary in the output');
  });
});

describe('stepResultsOf', () => {
  const output = [
    '[sandbox] moto                  1.7 s  started on http://127.0.0.1:5000',
    `[sandbox] ${stepLineText({ step: 'synth s3 state', ms: 5230, summary: 'network, data, service with state in s3://b' })}`,
    `[sandbox] ${stepLineText({ step: 'data', ms: 34_340, summary: '30 added, 0 changed, 0 destroyed', retriedFor: 'dynamodb-put-answer-lost' })}`,
    `[sandbox] ${stepLineText({ step: 'service unprotect', ms: 128_010, summary: '0 added, 2 changed, 0 destroyed' })}`,
    `[sandbox] ${stepLineText({ step: 'service', ms: 95_200, summary: '37 added, 0 changed, 0 destroyed' })}`,
    '[sandbox] deployed            241.8 s  bootstrap 77.8 s, network 41.1 s',
    '[sandbox] service              11.7 s  container sandbox-bookmarks-sandbox-service healthy on http://localhost:8080',
  ].join('\n');

  it('reads back the named steps the command printed, their gap and their time to a tenth of a second', () => {
    expect(stepResultsOf(output, ['synth s3 state', 'data', 'service unprotect', 'service'])).toEqual([
      { step: 'synth s3 state', ms: 5200, summary: 'network, data, service with state in s3://b' },
      { step: 'data', ms: 34_300, summary: '30 added, 0 changed, 0 destroyed', retriedFor: 'dynamodb-put-answer-lost' },
      { step: 'service unprotect', ms: 128_000, summary: '0 added, 2 changed, 0 destroyed' },
      { step: 'service', ms: 95_200, summary: '37 added, 0 changed, 0 destroyed' },
    ]);
  });

  it("takes a step's first line only, so that a container's line of the same name is not read as a step", () => {
    expect(stepResultsOf(output, ['service']).map((s) => s.summary)).toEqual(['37 added, 0 changed, 0 destroyed']);
  });

  it('leaves out lines of steps not asked for', () => {
    expect(stepResultsOf(output, ['bootstrap', 'network'])).toEqual([]);
  });
});

describe('stripAnsi', () => {
  it('removes colour and cursor sequences and keeps the text', () => {
    expect(stripAnsi('\x1b[2K\x1b[1A\x1b[Gservice  \x1b[1mPlan:\x1b[0m 1 to add')).toBe('service  Plan: 1 to add');
  });
});

describe('local state of the sandbox', () => {
  const config = loadConfig({ CDKTF_ENV: 'sandbox', CDKTF_STATE_DIR: path.join(work, 'state') }, '/project');
  const write = (stack: string, resources: { mode: string }[]) => {
    fs.mkdirSync(path.join(work, 'state'), { recursive: true });
    fs.writeFileSync(path.join(work, 'state', `${stack}.tfstate`), JSON.stringify({ version: 4, resources }));
  };

  it('counts managed resources, not data sources', async () => {
    write('service', [{ mode: 'managed' }, { mode: 'data' }, { mode: 'managed' }]);
    expect(await stateResourceCount(config, 'service')).toBe(2);
  });

  it('counts 0 for a stack that has no state file', async () => {
    expect(await stateResourceCount(config, 'network')).toBe(0);
  });

  it("moves aside the state of stacks whose emulator is gone, bootstrap's included, and only theirs", () => {
    write('data', [{ mode: 'managed' }]);
    write('network', []);
    write('bootstrap', [{ mode: 'managed' }]);
    expect([discardStaleState(config), fs.readdirSync(path.join(work, 'state')).sort()]).toEqual([
      ['bootstrap', 'data', 'service'],
      ['bootstrap.tfstate.stale', 'data.tfstate.stale', 'network.tfstate', 'service.tfstate.stale'],
    ]);
  });
});

describe('state of the sandbox in S3', () => {
  const root = '/project';
  const context = { root, env: { MOTO_PORT: '5123', CDKTF_STATE_DIR: '/tmp/sandbox-state' } };

  it('puts network, data and service in the bucket the bootstrap stack creates, unless CDKTF_STATE_BUCKET names one', () => {
    expect([sandboxEnv(context).CDKTF_STATE_BUCKET, sandboxEnv({ root, env: { ...context.env, CDKTF_STATE_BUCKET: 'mine' } }).CDKTF_STATE_BUCKET]).toEqual([
      'bookmarks-sandbox-tfstate',
      'mine',
    ]);
  });

  it("keeps bootstrap's state in a local file of CDKTF_STATE_DIR and each app stack's under its key of the bucket on moto", () => {
    const config = sandboxConfig(context);
    expect([stateLocationOf(config, 'bootstrap'), stateLocationOf(config, 'service')]).toEqual([
      { kind: 'local', file: '/tmp/sandbox-state/bootstrap.tfstate' },
      { kind: 's3', bucket: 'bookmarks-sandbox-tfstate', key: 'bookmarks/sandbox/service.tfstate', region: config.region, endpoint: emulatorUrl(config.aws.endpoints) },
    ]);
  });

  it('counts the managed resources of a state document, 0 for an empty one', () => {
    const state = JSON.stringify({ version: 4, resources: [{ mode: 'managed' }, { mode: 'data' }] });
    expect([managedResourceCount(state), managedResourceCount(''), managedResourceCount('{"version":4}')]).toEqual([1, 0, 0]);
  });

  it("reads a state document's root outputs by name", () => {
    const state = JSON.stringify({ outputs: { state_bucket: { value: 'b', type: 'string' }, state_kms_key_arn: { value: 'arn:k', type: 'string' } } });
    expect(stateOutputValues(state)).toEqual({ state_bucket: 'b', state_kms_key_arn: 'arn:k' });
  });

  it("picks the bucket and its settings out of bootstrap's state list, and leaves the key alone", () => {
    const list = [
      'aws_kms_key.state_key_1',
      'aws_kms_alias.state_alias_2',
      'aws_s3_bucket.state_bucket_3',
      'aws_s3_bucket_versioning.state_versioning_4',
      'aws_s3_bucket_public_access_block.x',
    ];
    expect(bucketAddresses(list)).toEqual(['aws_s3_bucket.state_bucket_3', 'aws_s3_bucket_versioning.state_versioning_4', 'aws_s3_bucket_public_access_block.x']);
  });

  it('names one address per managed instance of the given types, counted instances with their index', () => {
    const state = JSON.stringify({
      resources: [
        { mode: 'managed', type: 'aws_route53_zone', name: 'zone_a', instances: [{ attributes: {} }] },
        { mode: 'managed', type: 'aws_route53_zone', name: 'zones', instances: [{ index_key: 0 }, { index_key: 'b' }] },
        { mode: 'data', type: 'aws_route53_zone', name: 'looked_up', instances: [{}] },
        { mode: 'managed', type: 'aws_route53_record', name: 'alias', instances: [{}] },
      ],
    });
    expect([managedAddressesOfTypes(state, ['aws_route53_zone']), managedAddressesOfTypes('', ['aws_route53_zone'])]).toEqual([
      ['aws_route53_zone.zone_a', 'aws_route53_zone.zones[0]', 'aws_route53_zone.zones["b"]'],
      [],
    ]);
  });

  it("has a retry replace the private zone (a drift moto cannot apply) and nothing else of the stack's", () => {
    const state = JSON.stringify({
      resources: [
        { mode: 'managed', type: 'aws_route53_zone', name: 'zone_hosted-zone_1F7299A6', instances: [{}] },
        { mode: 'managed', type: 'aws_route53_record', name: 'alias', instances: [{}] },
        { mode: 'managed', type: 'aws_vpc_security_group_ingress_rule', name: 'rule', instances: [{}] },
      ],
    });
    const found = (text: string) => replacedBeforeRetry(text).map(({ gap, addresses }) => [gap.id, addresses]);
    expect([found(state), found(JSON.stringify({ resources: [] }))]).toEqual([[['route53-private-zone', ['aws_route53_zone.zone_hosted-zone_1F7299A6']]], []]);
  });

  it('reports a kept bucket with the id of a declared emulator gap', () => {
    expect(EMULATOR_GAPS.find((g) => g.id === KEPT_BUCKET_GAP)?.resourceTypes).toEqual(['aws_s3_bucket']);
  });
});

describe('localEnvironment', () => {
  const container: RegisteredContainer = {
    taskDefinitionArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/bookmarks-sandbox-service:1',
    image: 'localhost/bookmarks-service:sandbox',
    environment: { PORT: '8080', AWS_REGION: 'eu-west-1', CATEGORY_TABLE: 'bookmarks-sandbox-category' },
    secretNames: [],
  };

  it('keeps the registered variables and adds what AWS would give the task: the endpoint and credentials', () => {
    expect(localEnvironment(container, { emulatorUrl: 'http://127.0.0.1:5000', path: '/usr/bin' })).toEqual({
      PORT: '8080',
      AWS_REGION: 'eu-west-1',
      CATEGORY_TABLE: 'bookmarks-sandbox-category',
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:5000',
      AWS_ACCESS_KEY_ID: 'sandbox',
      AWS_SECRET_ACCESS_KEY: 'sandbox',
      PATH: '/usr/bin',
    });
  });

  it('overrides the registered port only when asked', () => {
    expect(localEnvironment(container, { emulatorUrl: 'http://127.0.0.1:5000', path: '', port: 18080 }).PORT).toBe('18080');
  });
});

describe('emulatorUrl', () => {
  it('is the one URL every endpoint points at', () => {
    expect(emulatorUrl({ ec2: 'http://127.0.0.1:5000', sts: 'http://127.0.0.1:5000' })).toBe('http://127.0.0.1:5000');
  });

  it('refuses endpoints that point at several servers', () => {
    expect(() => emulatorUrl({ ec2: 'http://127.0.0.1:5000', sts: 'http://127.0.0.1:5001' })).toThrow(
      'sandbox: the provider endpoints point at 2 URLs (http://127.0.0.1:5000, http://127.0.0.1:5001); the sandbox expects one moto server',
    );
  });
});

describe('retryOnEmulatorGap', () => {
  const gapFailure = new CdktfError(
    'cdktf destroy network failed (exit 1)',
    'network  Error: deleting EC2 VPC Endpoint (vpce-1): api error InvalidRoute.NotFound: no route with destination-cidr-block pl-1 in route table rtb-1',
  );

  it('runs a step once more when it failed with the error of a retry gap, and names the gap', async () => {
    const attempts: number[] = [];
    const outcome = await retryOnEmulatorGap(async () => {
      attempts.push(attempts.length);
      if (attempts.length === 1) throw gapFailure;
      return 'destroyed';
    });
    expect([outcome, attempts.length]).toEqual([{ result: 'destroyed', retriedFor: 'vpc-endpoint-delete-repeat' }, 2]);
  });

  it("does the gap's work before the second run, and none when the first run succeeds", async () => {
    const events: string[] = [];
    const itemFailure = new CdktfError(
      'cdktf deploy data failed (exit 1)',
      'data  Error: creating DynamoDB Table (t) Item: ConditionalCheckFailedException: The conditional request failed',
    );
    const prepare = async (gap: { id: string; beforeRetry?: string }) => {
      events.push(`prepare ${gap.id} ${gap.beforeRetry}`);
    };
    await retryOnEmulatorGap(async () => {
      events.push('run');
      if (events.length === 1) throw itemFailure;
      return 'deployed';
    }, prepare);
    await retryOnEmulatorGap(async () => events.push('clean run'), prepare);
    expect(events).toEqual(['run', 'prepare dynamodb-put-answer-lost remove-untracked-items', 'run', 'clean run']);
  });

  it('does not retry any other failure', async () => {
    let attempts = 0;
    const other = new CdktfError('cdktf destroy data failed (exit 1)', 'data  Error: Instance cannot be destroyed');
    await expect(
      retryOnEmulatorGap(async () => {
        attempts += 1;
        throw other;
      }),
    ).rejects.toBe(other);
    expect(attempts).toBe(1);
  });

  it('runs a step a third time when the gap repeats, and names each gap once', async () => {
    let attempts = 0;
    const outcome = await retryOnEmulatorGap(async () => {
      attempts += 1;
      if (attempts < 3) throw gapFailure;
      return 'destroyed';
    });
    expect([outcome, attempts]).toEqual([{ result: 'destroyed', retriedFor: 'vpc-endpoint-delete-repeat' }, 3]);
  });

  it(`gives up after ${MAX_RUNS_FOR_RETRY_GAPS} failures in a row`, async () => {
    let attempts = 0;
    await expect(
      retryOnEmulatorGap(async () => {
        attempts += 1;
        throw gapFailure;
      }),
    ).rejects.toBe(gapFailure);
    expect(attempts).toBe(MAX_RUNS_FOR_RETRY_GAPS);
  });
});

describe('forgetOtherBackend', () => {
  const stackDir = (synthesizedPath: string, initialisedPath?: string) => {
    const dir = fs.mkdtempSync(path.join(work, 'stack-'));
    fs.writeFileSync(path.join(dir, 'cdk.tf.json'), JSON.stringify({ terraform: { backend: { local: { path: synthesizedPath } } } }));
    if (initialisedPath !== undefined) {
      fs.mkdirSync(path.join(dir, '.terraform'));
      fs.writeFileSync(path.join(dir, '.terraform', 'terraform.tfstate'), JSON.stringify({ version: 3, backend: { type: 'local', config: { path: initialisedPath } } }));
    }
    return dir;
  };

  it("removes the backend cache of a directory initialised for another environment's state", () => {
    const dir = stackDir('/p/state/sandbox/data.tfstate', '/p/state/local/data.tfstate');
    expect([forgetOtherBackend(dir), fs.existsSync(path.join(dir, '.terraform', 'terraform.tfstate'))]).toEqual(['/p/state/local/data.tfstate', false]);
  });

  it('keeps the cache when the directory already points at the synthesized state', () => {
    const dir = stackDir('/p/state/sandbox/data.tfstate', '/p/state/sandbox/data.tfstate');
    expect([forgetOtherBackend(dir), fs.existsSync(path.join(dir, '.terraform', 'terraform.tfstate'))]).toEqual([undefined, true]);
  });

  it('compares with a given state path instead of the synthesized one (npm start before its synth)', () => {
    const dir = stackDir('/p/state/sandbox/data.tfstate', '/p/state/sandbox/data.tfstate');
    expect(forgetOtherBackend(dir, '/p/state/local/data.tfstate')).toBe('/p/state/sandbox/data.tfstate');
  });

  it('does nothing in a directory never initialised', () => {
    expect(forgetOtherBackend(stackDir('/p/state/sandbox/data.tfstate'))).toBeUndefined();
  });
});
