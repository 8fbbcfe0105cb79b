/** The `sandbox` environment: dev on the emulated AWS of a local moto server, and the variables it brings. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildConfig, loadConfig, type AppConfig } from '../../stacks/settings/config';
import {
  EMULATED_ENDPOINTS,
  EMULATOR_GAPS,
  EXPECTED_REPLAN_DRIFTS,
  MOTO_SERVER_ENVIRONMENT,
  retryableGap,
  unappliableDriftGap,
  type EmulatedEndpoint,
} from '../../scripts/lib/emulator';
import { EMULATOR_PROFILE, emulatorProfileText } from '../../stacks/lib/emulator-profile';
import { configProblems } from '../support/config';
import { profileFileText, resources, synthAppStack, synthStacks, type SynthJson } from '../support/synth';
import { CERTIFICATE_VARIABLES } from '../support/certificates';

const ROOT = path.resolve(__dirname, '../..');
/** The sandbox with WordPress, on a moto port of its own. */
const SANDBOX_WITH_WORDPRESS = { CDKTF_ENV: 'sandbox', MOTO_PORT: '45123', CDKTF_WORDPRESS: 'true' };

/** main.ts's composition for one configuration, synthesized as an app (validations and cross-stack references included). */
function synthAll(config: AppConfig): Record<'network' | 'data' | 'service', SynthJson> & { wordpress?: SynthJson } {
  return synthStacks(config);
}

describe('sandbox environment', () => {
  const sandbox = loadConfig({ CDKTF_ENV: 'sandbox' }, ROOT);
  const dev = loadConfig({ CDKTF_ENV: 'dev' }, ROOT);

  it('is selected by CDKTF_ENV=sandbox and is valid', () => {
    expect(sandbox.environment).toBe('sandbox');
  });

  it("keeps dev's region, network, data protections and service sizing", () => {
    const [box, api] = [sandbox.service.services[0], dev.service.services[0]];
    expect([sandbox.region, sandbox.network, sandbox.data, box.cpu, box.memoryMiB, box.spot, box.subnets]).toEqual([
      dev.region,
      dev.network,
      dev.data,
      api.cpu,
      api.memoryMiB,
      api.spot,
      api.subnets,
    ]);
  });

  it('points every emulated endpoint at moto on its default port 5000, with fake credentials', () => {
    expect(sandbox.aws).toEqual({ endpoints: Object.fromEntries(EMULATED_ENDPOINTS.map((e) => [e, 'http://127.0.0.1:5000'])), offline: true });
  });

  it('MOTO_PORT moves every endpoint to that port', () => {
    const endpoints = loadConfig({ CDKTF_ENV: 'sandbox', MOTO_PORT: '45123' }, ROOT).aws.endpoints;
    expect([...new Set(Object.values(endpoints))]).toEqual(['http://127.0.0.1:45123']);
  });

  it('refuses a MOTO_PORT that is not a TCP port, naming the variable and the fix', () => {
    expect(configProblems(() => loadConfig({ CDKTF_ENV: 'sandbox', MOTO_PORT: '70000' }, ROOT))).toEqual([
      'MOTO_PORT: "70000" is not a TCP port; use a whole number from 1 to 65535, e.g. 5000',
    ]);
  });

  it('runs a registry image, because the sandbox has no Docker engine', () => {
    expect(sandbox.service.services[0].image.kind).toBe('registry');
  });

  it('turns autoscaling off, because moto cannot create scaling targets', () => {
    expect([sandbox.service.services[0].scaling, dev.service.services[0].scaling?.maxTasks]).toEqual([undefined, 3]);
  });

  it('refuses autoscaling bounds in the sandbox and says to use the desired count', () => {
    expect(configProblems(() => loadConfig({ CDKTF_ENV: 'sandbox', CDKTF_MAX_TASKS: '4' }, ROOT))).toEqual([
      'CDKTF_MAX_TASKS: "4" sets an autoscaling bound, but sandbox has no autoscaling (scripts/lib/emulator.ts: moto cannot create scaling targets); unset CDKTF_MAX_TASKS and use CDKTF_DESIRED_COUNT',
    ]);
  });

  it('keeps its own local state under state/sandbox', () => {
    expect(sandbox.backend).toEqual({ kind: 'local', directory: path.join(ROOT, 'state', 'sandbox') });
  });

  it('tags every resource with Environment=sandbox', () => {
    expect(sandbox.tags).toEqual({ Project: 'bookmarks', Environment: 'sandbox', ManagedBy: 'cdktf' });
  });
});

describe('sandbox stacks, WordPress included', () => {
  const stacks = synthAll(loadConfig(SANDBOX_WITH_WORDPRESS, ROOT));

  it('synthesize no appautoscaling resources', () => {
    expect(
      resources(stacks.service)
        .filter((r) => r.type.startsWith('aws_appautoscaling_'))
        .map((r) => r.path),
    ).toEqual([]);
  });

  it('give every stack a provider that sends every service to moto, through a profile, and makes no AWS lookups', () => {
    const providers = Object.values(stacks).map((json) => json.provider?.aws?.[0]);
    for (const provider of providers) {
      expect([provider?.endpoints, provider?.profile, profileFileText(provider)]).toEqual([undefined, EMULATOR_PROFILE, emulatorProfileText('http://127.0.0.1:45123')]);
      expect(provider).toMatchObject({
        skip_credentials_validation: true,
        skip_requesting_account_id: true,
      });
    }
  });

  it('use only resource types whose AWS service has an emulated endpoint', () => {
    // Which endpoint serves a resource type; a new type fails here until it is listed (and moto checked).
    const endpointOf: [RegExp, EmulatedEndpoint][] = [
      [
        /^aws_(vpc|subnet|route|route_table|route_table_association|internet_gateway|nat_gateway|eip|security_group|default_security_group|vpc_endpoint|flow_log|vpc_security_group_(ingress|egress)_rule)$/,
        'ec2',
      ],
      [/^aws_dynamodb_/, 'dynamodb'],
      [/^aws_ecs_/, 'ecs'],
      [/^aws_ecr_/, 'ecr'],
      [/^aws_iam_/, 'iam'],
      [/^aws_cloudwatch_log_/, 'logs'],
      [/^aws_lb(_listener|_target_group|_listener_rule)?$/, 'elbv2'],
      [/^aws_s3_/, 's3'],
      [/^aws_wafv2_/, 'wafv2'],
      [/^aws_efs_/, 'efs'],
      [/^aws_(rds_cluster|rds_cluster_instance|db_subnet_group)$/, 'rds'],
      [/^aws_backup_/, 'backup'],
      [/^aws_kms_/, 'kms'],
      [/^aws_sns_/, 'sns'],
      [/^aws_cloudwatch_(metric_alarm|dashboard)$/, 'cloudwatch'],
    ];
    const types = [...new Set(Object.values(stacks).flatMap((json) => resources(json).map((r) => r.type)))];
    const unserved = types.filter((type) => !endpointOf.some(([pattern, endpoint]) => pattern.test(type) && EMULATED_ENDPOINTS.includes(endpoint)));
    expect([types.length > 10, unserved]).toEqual([true, []]);
  });
});

describe('emulator gaps', () => {
  it('explain every expected drift by a gap whose handling is expected-drift', () => {
    const drifting = EMULATOR_GAPS.filter((g) => g.handling === 'expected-drift').map((g) => g.id);
    expect(EXPECTED_REPLAN_DRIFTS.filter((d) => !drifting.includes(d.gap)).map((d) => d.path)).toEqual([]);
  });

  it('list a drift for every expected-drift gap the default sandbox shows', () => {
    const explained = new Set(EXPECTED_REPLAN_DRIFTS.map((d) => d.gap));
    expect(EMULATOR_GAPS.filter((g) => g.handling === 'expected-drift' && g.onlyWith === undefined && !explained.has(g.id)).map((g) => g.id)).toEqual([]);
  });

  it('name the drifting attributes of every gap that drifts', () => {
    const drifting = EMULATOR_GAPS.filter((g) => g.handling === 'expected-drift' || g.handling === 'drift-unappliable');
    expect(drifting.filter((g) => (g.driftAttributes ?? []).length === 0).map((g) => g.id)).toEqual([]);
  });

  it('let the teardown stand aside only for the error of a drift-unappliable gap', () => {
    expect([unappliableDriftGap('Error: ... PublicZoneVPCAssociation: ...')?.id, unappliableDriftGap('Error: Instance cannot be destroyed')]).toEqual([
      'route53-private-zone',
      undefined,
    ]);
  });

  it('give every retry gap the error text that identifies it', () => {
    expect(EMULATOR_GAPS.filter((g) => g.handling === 'retry').map((g) => [g.id, retryableGap(`Error: ... ${g.signature} ...`)?.id])).toEqual([
      ['vpc-endpoint-delete-repeat', 'vpc-endpoint-delete-repeat'],
      ['dynamodb-put-answer-lost', 'dynamodb-put-answer-lost'],
      ['sg-rule-answer-lost', 'sg-rule-answer-lost'],
      ['sg-rule-revoke-repeat', 'sg-rule-revoke-repeat'],
    ]);
  });

  it('retry no error that is not a known gap', () => {
    expect(retryableGap('Error: Instance cannot be destroyed')).toBeUndefined();
  });

  it('start moto with the variable of every moto-flag gap', () => {
    const flags = EMULATOR_GAPS.filter((g) => g.handling === 'moto-flag').map((g) => Object.keys(MOTO_SERVER_ENVIRONMENT).find((key) => g.workaround.includes(key)));
    expect(flags).toEqual(['MOTO_IAM_LOAD_MANAGED_POLICIES', 'MOTO_ACM_VALIDATION_WAIT']);
  });

  it('leave out of the sandbox stacks, WordPress included, every resource type the emulator cannot create', () => {
    // The configuration 'sandbox stacks, WordPress included' synthesized (so synthesized once per file):
    // the moto port moves endpoints, never which resources there are.
    const stacks = synthAll(loadConfig(SANDBOX_WITH_WORDPRESS, ROOT));
    // A gap that says where the sandbox keeps such a resource, and why that is harmless, is not one of these.
    const uncreatable = EMULATOR_GAPS.filter((g) => g.handling === 'setting-off' && g.keptWhere === undefined).flatMap((g) => g.resourceTypes);
    const used = Object.values(stacks).flatMap((json) => resources(json).map((r) => r.type));
    expect(used.filter((type) => uncreatable.includes(type))).toEqual([]);
  });
});

describe('CDKTF_STATE_DIR', () => {
  it('puts the local state files of any environment in that directory, resolved from the project', () => {
    expect(loadConfig({ CDKTF_ENV: 'sandbox', CDKTF_STATE_DIR: 'tmp/state' }, '/project').backend).toEqual({ kind: 'local', directory: '/project/tmp/state' });
  });

  it("keeps the bootstrap stack's local state there too", () => {
    expect(loadConfig({ CDKTF_ENV: 'sandbox', CDKTF_STATE_DIR: 'tmp/state' }, '/project').bootstrap.localStateDirectory).toBe('/project/tmp/state');
  });

  it("names only the bootstrap stack's local state directory when CDKTF_STATE_BUCKET puts the other stacks in S3", () => {
    const config = loadConfig({ CDKTF_ENV: 'sandbox', CDKTF_STATE_DIR: '/tmp/s', CDKTF_STATE_BUCKET: 'acme-state' }, '/project');
    expect([config.backend.kind, config.bootstrap.backend, config.bootstrap.localStateDirectory]).toEqual(['s3', 'local', '/tmp/s']);
  });

  it('refuses to be combined with CDKTF_STATE_BUCKET and CDKTF_BOOTSTRAP_STATE=s3, where no stack keeps local state', () => {
    expect(configProblems(() => loadConfig({ CDKTF_ENV: 'dev', CDKTF_STATE_DIR: '/tmp/s', CDKTF_STATE_BUCKET: 'acme-state', CDKTF_BOOTSTRAP_STATE: 's3' }, '/project'))).toEqual([
      'CDKTF_STATE_DIR: "/tmp/s" is set together with CDKTF_STATE_BUCKET "acme-state" and CDKTF_BOOTSTRAP_STATE=s3, so no stack keeps local state; unset CDKTF_STATE_DIR, or use CDKTF_BOOTSTRAP_STATE=local',
    ]);
  });

  it.each([
    ['alone', {}],
    ['with CDKTF_STATE_BUCKET', { CDKTF_STATE_BUCKET: 'acme-state' }],
  ])('refuses a path that is a file (%s)', (_, extra) => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'state-dir-')), 'not-a-dir');
    fs.writeFileSync(file, '');
    expect(configProblems(() => loadConfig({ CDKTF_ENV: 'sandbox', CDKTF_STATE_DIR: file, ...extra }, '/project'))).toEqual([
      `CDKTF_STATE_DIR: "${file}" (${file}) is a file; give a directory for the <stack>.tfstate files`,
    ]);
  });
});

describe('CDKTF_TEARDOWN', () => {
  it.each(['dev', 'prod', 'sandbox'])('turns every protection against destroy off in %s', (env) => {
    const config = loadConfig({ CDKTF_ENV: env, ...(env === 'prod' ? CERTIFICATE_VARIABLES : {}), CDKTF_TEARDOWN: 'true' }, ROOT);
    expect([
      config.teardown,
      config.data.deletionProtection,
      config.data.preventDestroy,
      config.service.loadBalancers.deletionProtection,
      config.service.repository.forceDelete,
    ]).toEqual([true, false, false, false, true]);
  });

  it('keeps backups and encryption of the tables on', () => {
    const config = loadConfig({ CDKTF_ENV: 'prod', ...CERTIFICATE_VARIABLES, CDKTF_TEARDOWN: 'true' }, ROOT);
    expect([config.data.pointInTimeRecovery, config.data.serverSideEncryption]).toEqual([true, true]);
  });

  it('changes nothing when false', () => {
    expect(loadConfig({ CDKTF_ENV: 'prod', ...CERTIFICATE_VARIABLES, CDKTF_TEARDOWN: 'false' }, ROOT)).toEqual(loadConfig({ CDKTF_ENV: 'prod', ...CERTIFICATE_VARIABLES }, ROOT));
  });

  it('refuses a value that is not a boolean', () => {
    expect(configProblems(() => loadConfig({ CDKTF_ENV: 'prod', ...CERTIFICATE_VARIABLES, CDKTF_TEARDOWN: 'yes' }, ROOT))).toEqual([
      'CDKTF_TEARDOWN: "yes" is not a boolean; use true to turn protections off before a destroy, or unset it',
    ]);
  });

  it('drops prevent_destroy and deletion protection from the synthesized tables, which have both without it', () => {
    const protections = (config: AppConfig) =>
      resources(synthAppStack(config, 'data'), 'aws_dynamodb_table').map((t) => [
        t.props.deletion_protection_enabled ?? false,
        (t.props.lifecycle as { prevent_destroy?: boolean } | undefined)?.prevent_destroy ?? false,
      ]);
    expect([protections(buildConfig('sandbox', {}, ROOT)), protections(buildConfig('sandbox', { teardown: true }, ROOT))]).toEqual([
      [
        [true, true],
        [true, true],
        [true, true],
      ],
      [
        [false, false],
        [false, false],
        [false, false],
      ],
    ]);
  });
});
