/**
 * Real Terraform on the synthesized network stack: init from the machine's provider source
 * (registry or local mirror), validate, then an offline plan with fake credentials. The three
 * variants are modules of one root, so one init and one plan (which validates first) serve them all.
 */
import { Testing } from 'cdktf';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildConfig, type NatMode } from '../../stacks/settings/config';
import { NetworkStack } from '../../stacks/network-stack';
import { countByType, requireTerraform, type PlannedChange } from '../../scripts/lib/terraform';
import { forEnvironment } from '../support/certificates';
import { ModulesRoot, type ModuleValidation } from '../support/terraform-modules';

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
  return Testing.synth(new NetworkStack(Testing.app(), 'network', { config }));
}

let root: ModulesRoot;
let validation: Record<string, ModuleValidation>;
let planned: Record<string, PlannedChange[]>;

beforeAll(() => {
  requireTerraform();
  root = new ModulesRoot({ dev: synthesizeNetwork('dev'), prod: synthesizeNetwork('prod'), 'no-nat': synthesizeNetwork('dev', 'none') }, 'network-');
  ({ validation, planned } = root.validateAndPlan());
});
afterAll(() => root?.remove());

describe.each([
  ['dev', 'single', 2, 1],
  ['prod', 'per-az', 3, 3],
] as const)('the %s network (NAT %s)', (environment, natMode, zones, nats) => {
  it('passes terraform validate', () => {
    expect(validation[environment]).toMatchObject({ valid: true, error_count: 0 });
  });

  it(`plans offline to create ${zones} zones of subnets and ${nats} NAT gateway(s)`, () => {
    const changes = planned[environment];
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
    expect(validation['no-nat']).toMatchObject({ valid: true, error_count: 0 });
    expect(countByType(planned['no-nat'])).toMatchObject({ aws_route: 1, aws_vpc_endpoint: 2 });
    expect(countByType(planned['no-nat']).aws_nat_gateway).toBeUndefined();
  });
});
