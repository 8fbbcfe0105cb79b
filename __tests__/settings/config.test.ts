import * as path from 'node:path';
import { buildConfig, configWarnings, loadConfig } from '../../stacks/settings/config';
import { CERTIFICATE_VARIABLES, forEnvironment, withCertificates } from '../support/certificates';
import { configProblems } from '../support/config';

const ROOT = '/project';

describe('environments', () => {
  it.each(['local', 'dev', 'prod'])('the %s defaults are valid (prod given a certificate)', (name) => {
    expect(buildConfig(name, forEnvironment(name), ROOT).environment).toBe(name);
  });

  it('local is the default environment', () => {
    expect(loadConfig({}, ROOT).environment).toBe('local');
  });

  it('CDKTF_ENV selects the environment', () => {
    expect(loadConfig({ CDKTF_ENV: 'prod', ...CERTIFICATE_VARIABLES }, ROOT).environment).toBe('prod');
  });

  it('dev uses a single NAT gateway and prod one per zone over three zones', () => {
    const dev = buildConfig('dev', {}, ROOT);
    const prod = buildConfig('prod', withCertificates(), ROOT);
    expect([dev.network.natMode, dev.network.availabilityZones.length]).toEqual(['single', 2]);
    expect([prod.network.natMode, prod.network.availabilityZones.length]).toEqual(['per-az', 3]);
  });

  it('only prod records VPC flow logs, for 90 days', () => {
    expect(['local', 'dev', 'prod'].map((env) => buildConfig(env, forEnvironment(env), ROOT).network.flowLogRetentionDays)).toEqual([0, 0, 90]);
  });

  it('local points DynamoDB at the embedded endpoint, works offline and sets no tags', () => {
    const local = loadConfig({ DYNAMODB_PORT: '8123' }, ROOT);
    expect(local.aws).toEqual({ endpoints: { dynamodb: 'http://127.0.0.1:8123' }, offline: true });
    expect(local.tags).toEqual({});
  });

  it('local state lives under state/<environment> of the project', () => {
    expect(loadConfig({ CDKTF_ENV: 'dev' }, ROOT).backend).toEqual({ kind: 'local', directory: '/project/state/dev' });
  });
});

describe('overrides from environment variables', () => {
  it('zones, CIDR, NAT mode and interface endpoints are read from CDKTF_* variables', () => {
    const config = loadConfig(
      { CDKTF_ENV: 'dev', CDKTF_AZS: 'eu-west-1b, eu-west-1c', CDKTF_VPC_CIDR: '10.9.0.0/20', CDKTF_NAT_MODE: 'none', CDKTF_INTERFACE_ENDPOINTS: 'ecr.api,logs' },
      ROOT,
    );
    expect(config.network).toEqual({
      availabilityZones: ['eu-west-1b', 'eu-west-1c'],
      cidrBlock: '10.9.0.0/20',
      natMode: 'none',
      interfaceEndpoints: ['ecr.api', 'logs'],
      flowLogRetentionDays: 0,
    });
  });

  it('CDKTF_FLOW_LOG_DAYS sets the flow-log retention, and 0 turns flow logs off', () => {
    expect([
      loadConfig({ CDKTF_ENV: 'dev', CDKTF_FLOW_LOG_DAYS: '30' }, ROOT).network.flowLogRetentionDays,
      loadConfig({ CDKTF_ENV: 'prod', ...CERTIFICATE_VARIABLES, CDKTF_FLOW_LOG_DAYS: '0' }, ROOT).network.flowLogRetentionDays,
    ]).toEqual([30, 0]);
  });

  it('CDKTF_INTERFACE_ENDPOINTS=none turns the interface endpoints off', () => {
    expect(loadConfig({ CDKTF_ENV: 'prod', ...CERTIFICATE_VARIABLES, CDKTF_INTERFACE_ENDPOINTS: 'none' }, ROOT).network.interfaceEndpoints).toEqual([]);
  });

  it('a state bucket switches the backend to S3 in the deployment region with the project as key prefix', () => {
    const config = loadConfig({ CDKTF_ENV: 'prod', ...CERTIFICATE_VARIABLES, CDKTF_STATE_BUCKET: 'acme-tf-state' }, ROOT);
    expect(config.backend).toEqual({ kind: 's3', bucket: 'acme-tf-state', region: 'eu-west-1', keyPrefix: 'bookmarks' });
  });

  it('the state region and key prefix can be set apart from the deployment', () => {
    const config = loadConfig({ CDKTF_ENV: 'dev', CDKTF_STATE_BUCKET: 'acme-tf-state', CDKTF_STATE_REGION: 'us-east-2', CDKTF_STATE_KEY_PREFIX: 'team-a' }, ROOT);
    expect(config.backend).toEqual({ kind: 's3', bucket: 'acme-tf-state', region: 'us-east-2', keyPrefix: 'team-a' });
  });

  it('a project name renames the Project tag', () => {
    expect(loadConfig({ CDKTF_ENV: 'dev', CDKTF_PROJECT: 'shop' }, ROOT).tags.Project).toBe('shop');
  });
});

describe('validation', () => {
  it('an unknown environment names the variable, the value and the choices', () => {
    expect(configProblems(() => loadConfig({ CDKTF_ENV: 'staging' }, ROOT))).toEqual(['CDKTF_ENV: unknown environment "staging"; use one of local, dev, prod, sandbox']);
  });

  it.each([
    ['10.0.0.0/33', 'network.cidrBlock: "10.0.0.0/33" is not an IPv4 CIDR block with zero host bits; use one like 10.0.0.0/16'],
    ['10.0.1.0/16', 'network.cidrBlock: "10.0.1.0/16" is not an IPv4 CIDR block with zero host bits; use one like 10.0.0.0/16'],
    ['300.0.0.0/16', 'network.cidrBlock: "300.0.0.0/16" is not an IPv4 CIDR block with zero host bits; use one like 10.0.0.0/16'],
    ['vpc', 'network.cidrBlock: "vpc" is not an IPv4 CIDR block with zero host bits; use one like 10.0.0.0/16'],
    ['10.0.0.0/8', 'network.cidrBlock: "10.0.0.0/8" has prefix /8; AWS VPCs take /16 to /24 here, e.g. 10.0.0.0/16'],
    ['10.0.0.0/26', 'network.cidrBlock: "10.0.0.0/26" has prefix /26; AWS VPCs take /16 to /24 here, e.g. 10.0.0.0/16'],
  ])('the CIDR %s is refused', (cidrBlock, message) => {
    expect(configProblems(() => buildConfig('dev', { network: { cidrBlock } }, ROOT))).toEqual([message]);
  });

  it('zero zones are refused with an example of the region', () => {
    expect(configProblems(() => buildConfig('dev', { network: { availabilityZones: [] } }, ROOT))).toEqual([
      'network.availabilityZones: none listed; list at least one zone of eu-west-1, e.g. eu-west-1a,eu-west-1b',
    ]);
  });

  it('a zone listed twice is refused', () => {
    expect(configProblems(() => buildConfig('dev', { network: { availabilityZones: ['eu-west-1a', 'eu-west-1a'] } }, ROOT))).toEqual([
      'network.availabilityZones: "eu-west-1a" is listed more than once; list each zone once',
    ]);
  });

  it('a zone of another region is refused', () => {
    expect(configProblems(() => buildConfig('dev', { network: { availabilityZones: ['eu-west-1a', 'us-east-1b'] } }, ROOT))).toEqual([
      'network.availabilityZones[1]: "us-east-1b" is not a zone of region eu-west-1; use e.g. eu-west-1a',
    ]);
  });

  it('more zones than the subnet layout holds are refused', () => {
    const zones = 'abcdefghi'.split('').map((l) => `eu-west-1${l}`);
    expect(configProblems(() => buildConfig('dev', { network: { availabilityZones: zones } }, ROOT))).toEqual([
      'network.availabilityZones: 9 zones listed; at most 8 fit the subnet layout',
    ]);
  });

  it('a task CPU that is not a number names CDKTF_TASK_CPU, the value and the sizes Fargate allows', () => {
    expect(configProblems(() => loadConfig({ CDKTF_ENV: 'dev', CDKTF_TASK_CPU: 'abc' }, ROOT))).toEqual([
      'CDKTF_TASK_CPU: "abc" is not a Fargate CPU size; use one of 256, 512, 1024, 2048, 4096, 8192, 16384',
    ]);
  });

  it('every bad variable is reported at once, with the checks of what the others set', () => {
    expect(configProblems(() => loadConfig({ CDKTF_ENV: 'dev', CDKTF_TASK_CPU: 'abc', CDKTF_SPOT: 'yes', CDKTF_VPC_CIDR: '10.0.0.0/8' }, ROOT))).toEqual([
      'CDKTF_TASK_CPU: "abc" is not a Fargate CPU size; use one of 256, 512, 1024, 2048, 4096, 8192, 16384',
      'CDKTF_SPOT: "yes" is not a boolean; use true or false',
      'network.cidrBlock: "10.0.0.0/8" has prefix /8; AWS VPCs take /16 to /24 here, e.g. 10.0.0.0/16',
    ]);
  });

  it('an unknown NAT mode is refused', () => {
    expect(configProblems(() => loadConfig({ CDKTF_ENV: 'dev', CDKTF_NAT_MODE: 'double' }, ROOT))).toEqual([
      'CDKTF_NAT_MODE: "double" is not a NAT mode; use one of none, single, per-az',
    ]);
  });

  it('an unknown interface endpoint is refused', () => {
    expect(configProblems(() => loadConfig({ CDKTF_ENV: 'dev', CDKTF_INTERFACE_ENDPOINTS: 'ecr.api,sqs' }, ROOT))).toEqual([
      'network.interfaceEndpoints: "sqs" is not supported; use any of ecr.api, ecr.dkr, logs, secretsmanager, ssm',
    ]);
  });

  it.each(['45', 'ninety'])('a flow-log retention of %s days is refused, naming CDKTF_FLOW_LOG_DAYS and the accepted values', (value) => {
    expect(configProblems(() => loadConfig({ CDKTF_ENV: 'prod', ...CERTIFICATE_VARIABLES, CDKTF_FLOW_LOG_DAYS: value }, ROOT))).toEqual([
      `CDKTF_FLOW_LOG_DAYS: "${value}" is not a CloudWatch retention period; use 0 (no flow logs) or one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653`,
    ]);
  });

  it('a malformed region is refused', () => {
    expect(configProblems(() => buildConfig('dev', { region: 'europe', network: { availabilityZones: ['europea'] } }, ROOT))).toContain(
      'region: "europe" is not an AWS region name; use one like eu-west-1',
    );
  });

  it('a malformed project prefix is refused', () => {
    expect(configProblems(() => loadConfig({ CDKTF_PROJECT: 'My_Project' }, ROOT))).toEqual([
      'project: "My_Project" is not a valid name prefix; use 2-16 lower-case letters, digits or hyphens, starting with a letter',
    ]);
  });

  it('a malformed state bucket name is refused', () => {
    expect(configProblems(() => loadConfig({ CDKTF_ENV: 'dev', CDKTF_STATE_BUCKET: 'Bad_Bucket' }, ROOT))).toEqual([
      'backend.bucket: "Bad_Bucket" is not a valid S3 bucket name; use 3-63 lower-case letters, digits, dots or hyphens',
    ]);
  });

  it('a relative local state directory is refused', () => {
    expect(configProblems(() => buildConfig('dev', { backend: { kind: 'local', directory: 'state' } }, ROOT))).toEqual([
      'backend.directory: "state" is relative; give an absolute directory for local state',
    ]);
  });

  it('every problem is reported at once, not just the first', () => {
    const problems = configProblems(() => loadConfig({ CDKTF_ENV: 'dev', CDKTF_VPC_CIDR: 'x', CDKTF_AZS: 'none', CDKTF_NAT_MODE: 'two' }, ROOT));
    expect(problems).toHaveLength(3);
  });

  it('the error message lists every problem on its own line', () => {
    expect(() => loadConfig({ CDKTF_ENV: 'dev', CDKTF_VPC_CIDR: 'x' }, ROOT)).toThrow('Invalid configuration:\n  - network.cidrBlock: "x" is not an IPv4 CIDR block');
  });
});

describe('warnings', () => {
  it.each(['dev', 'prod'])('%s on local state files is told how to keep state in S3', (env) => {
    expect(configWarnings(buildConfig(env, withCertificates(), ROOT))).toEqual([
      expect.stringMatching(new RegExp(`^${env} keeps its Terraform state in local files \\(/project/state/${env}\\).*set CDKTF_STATE_BUCKET=<bucket>`)),
    ]);
  });

  it('local on local state files, and dev on S3, are not warned', () => {
    const s3 = { kind: 's3', bucket: 'acme-tf-state', region: 'eu-west-1', keyPrefix: 'b' } as const;
    expect([configWarnings(buildConfig('local', {}, ROOT)), configWarnings(buildConfig('dev', withCertificates({ backend: s3 }), ROOT))]).toEqual([[], []]);
  });

  it('dev serving plain HTTP on the internet-facing load balancer is told which certificates to give', () => {
    const s3 = { kind: 's3', bucket: 'acme-tf-state', region: 'eu-west-1', keyPrefix: 'b' } as const;
    expect(configWarnings(buildConfig('dev', { backend: s3, wordpress: { enabled: true } }, ROOT))).toEqual([
      expect.stringMatching(/^dev serves "service", WordPress over plain HTTP.*set CDKTF_CERTIFICATE_ARN.*CDKTF_WORDPRESS_CERTIFICATE_ARN/),
    ]);
  });
});

describe('load balancer access logs', () => {
  it('are kept 90 days in prod and off in dev, for the service stack and WordPress alike', () => {
    const days = (env: string) => {
      const config = buildConfig(env, forEnvironment(env), ROOT);
      return [config.service.loadBalancers.accessLogDays, config.wordpress.loadBalancer.accessLogDays];
    };
    expect([days('dev'), days('prod')]).toEqual([
      [0, 0],
      [90, 90],
    ]);
  });

  it('CDKTF_ALB_ACCESS_LOG_DAYS and CDKTF_WORDPRESS_ALB_ACCESS_LOG_DAYS set them, 0 turning them off', () => {
    const config = loadConfig({ CDKTF_ENV: 'prod', ...CERTIFICATE_VARIABLES, CDKTF_ALB_ACCESS_LOG_DAYS: '0', CDKTF_WORDPRESS_ALB_ACCESS_LOG_DAYS: '30' }, ROOT);
    expect([config.service.loadBalancers.accessLogDays, config.wordpress.loadBalancer.accessLogDays]).toEqual([0, 30]);
  });

  it('refuses a number of days that is not a whole number, naming the variable', () => {
    expect(configProblems(() => loadConfig({ CDKTF_ENV: 'dev', CDKTF_ALB_ACCESS_LOG_DAYS: 'ninety' }, ROOT))).toEqual([
      expect.stringMatching(/^CDKTF_ALB_ACCESS_LOG_DAYS: "ninety" is not a whole number/),
    ]);
  });
});

describe('HTTPS in prod', () => {
  it('stops prod without a certificate, naming the variables that give one', () => {
    expect(configProblems(() => loadConfig({ CDKTF_ENV: 'prod', CDKTF_WORDPRESS: 'true' }, ROOT))).toEqual([
      expect.stringMatching(/^service\.services\[0\]\.external: "service" would serve plain HTTP.*set CDKTF_CERTIFICATE_ARN=.*CDKTF_PUBLIC_ZONE_ID=.*CDKTF_PUBLIC_RECORD_NAME=/),
      expect.stringMatching(/^wordpress\.certificateArn: unset, so WordPress would serve .* plain HTTP.*\(set by CDKTF_WORDPRESS_CERTIFICATE_ARN\)$/),
    ]);
  });

  it('names the services file field for a service of the file', () => {
    expect(configProblems(() => loadConfig({ CDKTF_ENV: 'prod', CDKTF_SERVICES_FILE: 'docs/examples/three-services.json' }, path.resolve(__dirname, '../..')))).toEqual([
      expect.stringMatching(
        /^docs\/examples\/three-services\.json: services\[\d\]\.external: "\w+" would serve plain HTTP.*"certificateArn".*in docs\/examples\/three-services\.json/,
      ),
    ]);
  });

  it('accepts prod with a public name instead of a certificate, whose DNS-validated certificate serves every external service', () => {
    const vars = { CDKTF_ENV: 'prod', CDKTF_PUBLIC_ZONE_ID: 'Z0123456789ABCDEFGHIJ', CDKTF_PUBLIC_RECORD_NAME: 'shop.example.com' };
    expect(loadConfig(vars, ROOT).service.dns.publicRecordName).toBe('shop.example.com');
  });

  it('lets an internal-only prod service stay on HTTP inside the VPC', () => {
    expect(loadConfig({ CDKTF_ENV: 'prod', CDKTF_ALB_INTERNAL: 'true' }, ROOT).service.services[0].internal).toEqual({ port: 80 });
  });
});
