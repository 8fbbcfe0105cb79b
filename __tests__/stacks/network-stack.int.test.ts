/**
 * Real Terraform on the synthesized network stack: init from the machine's provider source
 * (registry or local mirror), validate, then an offline plan with fake credentials.
 */
import { Testing } from 'cdktf';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildConfig, type NatMode } from '../../stacks/settings/config';
import { NetworkStack } from '../../stacks/network-stack';
import { countByType, init, plan, requireTerraform, terraform, writeStackDir } from '../../scripts/lib/terraform';
import { forEnvironment } from '../support/certificates';

jest.setTimeout(180_000);

const stateRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'network-state-'));
afterAll(() => fs.rmSync(stateRoot, { recursive: true, force: true }));

function synthesizeNetwork(environment: 'dev' | 'prod', natMode?: NatMode): string {
  const config = buildConfig(
    environment,
    forEnvironment(environment, {
      backend: { kind: 'local', directory: path.join(stateRoot, environment) },
      aws: { offline: true },
      network: natMode ? { natMode } : {},
    }),
  );
  const stack = new NetworkStack(Testing.app(), 'network', { config });
  return writeStackDir(Testing.synth(stack), `network-${environment}-`);
}

beforeAll(() => {
  requireTerraform();
});

describe.each([
  ['dev', 'single', 2, 1],
  ['prod', 'per-az', 3, 3],
] as const)('the %s network (NAT %s)', (environment, natMode, zones, nats) => {
  let dir: string;
  beforeAll(() => {
    dir = synthesizeNetwork(environment);
    init(dir);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('passes terraform validate', () => {
    const result = terraform(dir, ['validate', '-json'], false);
    expect(JSON.parse(result.stdout)).toMatchObject({ valid: true, error_count: 0 });
  });

  it(`plans offline to create ${zones} zones of subnets and ${nats} NAT gateway(s)`, () => {
    const changes = plan(dir);
    expect(changes.every((c) => c.actions.join() === 'create')).toBe(true);
    expect(countByType(changes)).toMatchObject({
      aws_vpc: 1,
      aws_subnet: zones * 2,
      aws_route_table: zones + 1,
      aws_nat_gateway: nats,
      aws_eip: nats,
      aws_route: 1 + zones,
    });
    expect(natMode).toBe(buildConfig(environment, forEnvironment(environment)).network.natMode);
    // prod records VPC flow logs: the flow log, its log group, role and role policy.
    const flowLogTypes = ['aws_flow_log', 'aws_cloudwatch_log_group', 'aws_iam_role', 'aws_iam_role_policy'];
    expect(flowLogTypes.map((type) => countByType(changes)[type] ?? 0)).toEqual(environment === 'prod' ? [1, 1, 1, 1] : [0, 0, 0, 0]);
  });
});

describe('a network with no NAT', () => {
  it('validates, with only the public default route', () => {
    const dir = synthesizeNetwork('dev', 'none');
    try {
      init(dir);
      const changes = plan(dir);
      expect(countByType(changes)).toMatchObject({ aws_route: 1, aws_vpc_endpoint: 2 });
      expect(countByType(changes).aws_nat_gateway).toBeUndefined();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
