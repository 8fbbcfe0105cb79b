/**
 * The emulator gap `sg-rule-answer-lost` (scripts/lib/emulator.ts) staged with real Terraform on a
 * private moto server: rules a group already holds (as when the answer to a stored
 * AuthorizeSecurityGroupIngress/Egress was lost) stop the apply with InvalidPermission.Duplicate, a
 * plain second apply fails the same way, and the sandbox's retry, which first revokes the rules the
 * state does not track in the groups with standalone rules, completes it. A rule added to a group
 * with inline rules is not the retry's to revoke (Terraform reconciles such a group itself).
 * A private zone beside them, created by the failed apply, reads back public (the gap
 * `route53-private-zone`), so the plain re-run also fails to re-attach its VPC; the retry replaces it.
 */
import { AuthorizeSecurityGroupEgressCommand, AuthorizeSecurityGroupIngressCommand, DescribeSecurityGroupRulesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { LocalBackend, TerraformStack, Testing } from 'cdktf';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Route53Zone } from '@cdktf/provider-aws/lib/route53-zone';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { CdktfError } from '../../scripts/sandbox';
import { trackedGroups } from '../../scripts/lib/untracked-rules';
import { retryContext, stageRetryGap, type StagedRetry } from '../support/retry-staging';
import { awsCli, startMoto, type MotoServer } from '../support/moto-server';
import { init, requireTerraform, terraform } from '../../scripts/lib/terraform';

const REGION = 'eu-west-1';
const VPC_CIDR = '10.20.0.0/16';

let moto: MotoServer;
let work: string;
let dir: string;
let ec2: EC2Client;

const stateFile = () => path.join(work, 'state', 'service.tfstate');

/**
 * A VPC and three groups as the service stack builds them: `tasks` and `alb` with standalone rules
 * only, `endpoints` with an inline rule. Written where the sandbox keeps the service stack's configuration.
 */
function writeStack(): void {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'service');
  new AwsProvider(stack, 'aws', {
    region: REGION,
    accessKey: 'test',
    secretKey: 'test',
    skipCredentialsValidation: true,
    skipRequestingAccountId: true,
    skipMetadataApiCheck: 'true',
    endpoints: [{ ec2: moto.endpoint, route53: moto.endpoint, sts: moto.endpoint }],
  });
  new LocalBackend(stack, { path: stateFile() });
  const vpc = new Vpc(stack, 'vpc', { cidrBlock: VPC_CIDR });
  const group = (id: string, extra: Partial<ConstructorParameters<typeof SecurityGroup>[2]> = {}) =>
    new SecurityGroup(stack, id, { name: `rules-${id}`, description: `${id} group`, vpcId: vpc.id, ...extra });
  const tasks = group('tasks');
  const alb = group('alb');
  group('endpoints', { ingress: [{ description: 'HTTPS from the VPC', protocol: 'tcp', fromPort: 443, toPort: 443, cidrBlocks: [VPC_CIDR] }] });
  new VpcSecurityGroupEgressRule(stack, 'https-out', { securityGroupId: tasks.id, description: 'HTTPS out', ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIpv4: '0.0.0.0/0' });
  new VpcSecurityGroupIngressRule(stack, 'from-vpc', {
    securityGroupId: tasks.id,
    description: 'app port from the VPC',
    ipProtocol: 'tcp',
    fromPort: 8080,
    toPort: 8080,
    cidrIpv4: VPC_CIDR,
  });
  new VpcSecurityGroupEgressRule(stack, 'to-vpc', {
    securityGroupId: alb.id,
    description: 'app port to the VPC',
    ipProtocol: 'tcp',
    fromPort: 8080,
    toPort: 8080,
    cidrIpv4: VPC_CIDR,
  });
  new Route53Zone(stack, 'zone', { name: 'rules.internal', vpc: [{ vpcId: vpc.id }] });
  dir = path.join(work, 'stacks', 'service');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'cdk.tf.json'), Testing.synth(stack));
}

/** The ids of the resources of one type by name, from a state document (by default the stack's file). */
function idsOf(type: string, stateText = fs.readFileSync(stateFile(), 'utf8')): Record<string, string> {
  const state = JSON.parse(stateText) as { resources: { type: string; name: string; instances: { attributes: { id: string } }[] }[] };
  return Object.fromEntries(state.resources.filter((r) => r.type === type).map((r) => [r.name, r.instances[0].attributes.id]));
}

/** The `#   ` lines the log lists under each note of one emulator gap. */
function listedUnder(log: string, gapId: string): string[] {
  return log
    .split(/\n(?=# emulator gap )/)
    .filter((note) => note.startsWith(`# emulator gap ${gapId}:`))
    .flatMap((note) => note.split('\n').filter((line) => line.startsWith('#   ')))
    .map((line) => line.slice(4).trim());
}

/** Every rule of a group, as `ingress tcp 8080 10.20.0.0/16`, sorted. */
async function rulesOf(groupId: string): Promise<string[]> {
  const answer = await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }));
  return (answer.SecurityGroupRules ?? []).map((r) => `${r.IsEgress ? 'egress' : 'ingress'} ${r.IpProtocol} ${r.FromPort} ${r.CidrIpv4}`).sort();
}

beforeAll(async () => {
  requireTerraform();
  moto = await startMoto();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'untracked-rules-'));
  ec2 = new EC2Client({ endpoint: moto.endpoint, region: REGION, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  writeStack();
  init(dir);
});

afterAll(async () => {
  ec2?.destroy();
  await moto?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('rules a group holds but the state does not (the lost AuthorizeSecurityGroup* answer)', () => {
  let firstFailure: unknown;
  let plainRerun: unknown;
  let log = '';
  let retried: StagedRetry['retried'] | undefined;
  let ids: Record<string, string> = {};
  /** Ids of the rules the state tracked when the retry prepared. */
  const trackedBeforeRetry = new Set<string>();
  /** The private zone's id when the retry first prepared: the one the failed apply created. */
  let zoneBeforeRetry: string | undefined;

  beforeAll(async () => {
    // The groups and one tracked rule, then the two rules a lost answer would have left behind, and one more on the inline group.
    terraform(dir, [
      'apply',
      '-auto-approve',
      '-input=false',
      '-no-color',
      '-lock=false',
      '-target=aws_security_group.endpoints',
      '-target=aws_security_group.alb',
      '-target=aws_vpc_security_group_egress_rule.https-out',
    ]);
    ids = idsOf('aws_security_group');
    const permission = (fromPort: number, cidr: string) => ({ IpProtocol: 'tcp', FromPort: fromPort, ToPort: fromPort, IpRanges: [{ CidrIp: cidr }] });
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: ids.tasks, IpPermissions: [permission(8080, VPC_CIDR)] }));
    await ec2.send(new AuthorizeSecurityGroupEgressCommand({ GroupId: ids.alb, IpPermissions: [permission(8080, VPC_CIDR)] }));
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: ids.endpoints, IpPermissions: [permission(22, VPC_CIDR)] }));
    ({ firstFailure, plainRerun, retried, log } = await stageRetryGap({
      dir,
      context: retryContext(moto.port, work, REGION),
      stack: 'service',
      stateFile: stateFile(),
      beforePrepare: (state) => {
        for (const group of trackedGroups(state, fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8'))) for (const id of group.trackedRuleIds) trackedBeforeRetry.add(id);
        zoneBeforeRetry ??= idsOf('aws_route53_zone', state).zone;
      },
    }));
  });

  it('stops the apply with InvalidPermission.Duplicate at both rules, on every plain re-run', () => {
    const stoppedAt = (e: unknown) =>
      e instanceof CdktfError && /InvalidPermission\.Duplicate/.test(e.output)
        ? ['aws_vpc_security_group_ingress_rule.from-vpc', 'aws_vpc_security_group_egress_rule.to-vpc'].filter((address) => e.output.includes(`with ${address}`))
        : e;
    expect([stoppedAt(firstFailure), stoppedAt(plainRerun)]).toEqual([
      ['aws_vpc_security_group_ingress_rule.from-vpc', 'aws_vpc_security_group_egress_rule.to-vpc'],
      ['aws_vpc_security_group_ingress_rule.from-vpc', 'aws_vpc_security_group_egress_rule.to-vpc'],
    ]);
  });

  it('also stops the plain re-run at the private zone the first apply created, whose VPC it cannot re-attach', () => {
    const output = plainRerun instanceof CdktfError ? plainRerun.output : String(plainRerun);
    expect([/PublicZoneVPCAssociation/.test(output), output.includes('with aws_route53_zone.zone'), typeof zoneBeforeRetry]).toEqual([true, true, 'string']);
  });

  it("revokes those two before the retry, and no rule the state tracks nor the inline group's own, as the log says", () => {
    const removed = listedUnder(log, 'sg-rule-answer-lost');
    const counted = [...log.matchAll(/^# emulator gap sg-rule-answer-lost: removed (\d+) security group rule\(s\) the groups hold but service's state does not$/gm)].reduce(
      (sum, m) => sum + Number(m[1]),
      0,
    );
    const staged = [`${ids.alb} egress tcp 8080 to ${VPC_CIDR}`, `${ids.tasks} ingress tcp 8080 from ${VPC_CIDR}`];
    expect({
      staged: staged.filter((rule) => removed.some((line) => line.startsWith(`${rule} (sgr-`))),
      counted: counted === removed.length,
      tracked: removed.filter((line) => trackedBeforeRetry.has(/\((sgr-[0-9a-f]+)\)$/.exec(line)?.[1] ?? '')),
      inline: removed.filter((line) => line.startsWith(`${ids.endpoints} `)),
    }).toEqual({ staged, counted: true, tracked: [], inline: [] });
  });

  it('marks the zone for replacement before the retry, whose apply leaves a new zone in its place and no other', () => {
    const zones = awsCli<{ HostedZones: { Id: string }[] }>(moto, REGION, ['route53', 'list-hosted-zones']).HostedZones.map((z) => z.Id.replace('/hostedzone/', ''));
    const zone = idsOf('aws_route53_zone').zone;
    expect({ marked: [...new Set(listedUnder(log, 'route53-private-zone'))], zones, replaced: zone !== zoneBeforeRetry }).toEqual({
      marked: ['aws_route53_zone.zone'],
      zones: [zone],
      replaced: true,
    });
  });

  it('then creates them with the retried apply, with state to match', async () => {
    expect([retried?.retriedFor, await rulesOf(ids.tasks), await rulesOf(ids.alb)]).toEqual([
      'sg-rule-answer-lost',
      ['egress tcp 443 0.0.0.0/0', `ingress tcp 8080 ${VPC_CIDR}`],
      [`egress tcp 8080 ${VPC_CIDR}`],
    ]);
    const plan = terraform(
      dir,
      ['plan', '-detailed-exitcode', '-input=false', '-no-color', '-lock=false', '-target=aws_security_group.tasks', '-target=aws_security_group.alb'],
      false,
    );
    expect(plan.status).toBe(0);
  });
});
