/**
 * The rollback alarms of the ECS service, read back from the emulated ECS rather than trusted from
 * Terraform's state. moto drops a service's deploymentConfiguration on CreateService (the gap
 * `ecs-service-alarms-on-create` in scripts/lib/emulator.ts), so a re-plan right after the deploy
 * looks clean only because the provider keeps what it sent. This file shows the gap, then stores the
 * configuration once with UpdateService (as an in-place update on AWS would), drops the service from
 * the state, imports it from the emulator and plans: the alarms and the circuit breaker the provider
 * reads back equal what the stack configures. Runs under `npm run test:sandbox`.
 */
import { DescribeServicesCommand, ECSClient, UpdateServiceCommand, type DeploymentConfiguration } from '@aws-sdk/client-ecs';
import * as path from 'node:path';
import { deploySandbox, destroySandbox, sandboxConfig, stackOutputs, type SandboxContext } from '../../scripts/sandbox';
import type { Moto } from '../../scripts/moto';
import { EMULATOR_GAPS } from '../../scripts/lib/emulator';
import { requireTerraform, terraform } from '../../scripts/lib/terraform';
import { requireAwsCli } from './inventory';
import type { PlanJson } from './replan';
import { keepLogsAndClean, startSandboxSuite, stateCounts, stateResources } from './suite';

jest.setTimeout(15 * 60_000);
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const ROOT = path.join(__dirname, '..', '..');

/** The ECS service's deployment settings as Terraform's state and plans write them. */
interface DeploymentSettings {
  readonly alarms: { alarm_names: string[]; enable: boolean; rollback: boolean }[];
  readonly deployment_circuit_breaker: { enable: boolean; rollback: boolean }[];
}

let work: string;
let moto: Moto;
let context: SandboxContext;
let address: string;
let cluster: string;
let serviceName: string;
/** What the provider sent on create, from its state. */
let sent: DeploymentSettings;
let onCreate: DeploymentConfiguration | undefined;
let afterUpdate: DeploymentConfiguration | undefined;
let readBack: DeploymentSettings;
let configured: DeploymentSettings;

const serviceDir = () => path.join(context.outDir, 'stacks', 'service');
const settingsOf = (values: Record<string, unknown>): DeploymentSettings => ({
  alarms: values.alarms as DeploymentSettings['alarms'],
  deployment_circuit_breaker: values.deployment_circuit_breaker as DeploymentSettings['deployment_circuit_breaker'],
});

async function deploymentOf(ecs: ECSClient): Promise<DeploymentConfiguration | undefined> {
  const { services } = await ecs.send(new DescribeServicesCommand({ cluster, services: [serviceName] }));
  return services?.[0]?.deploymentConfiguration;
}

beforeAll(async () => {
  requireTerraform();
  requireAwsCli();
  ({ work, moto, context } = await startSandboxSuite(ROOT, 'sandbox-alarms-'));
  await deploySandbox(context);
  const resource = stateResources(context, 'service').find((r) => r.type === 'aws_ecs_service');
  if (!resource) throw new Error('the service stack holds no aws_ecs_service');
  address = resource.address;
  sent = settingsOf(resource.values);
  cluster = String(stackOutputs(context, 'service').cluster_name);
  serviceName = String(resource.values.name);

  const ecs = new ECSClient({ endpoint: moto.url, region: sandboxConfig(context).region, credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' } });
  try {
    onCreate = await deploymentOf(ecs);
    const [alarms] = sent.alarms;
    const [breaker] = sent.deployment_circuit_breaker;
    await ecs.send(
      new UpdateServiceCommand({
        cluster,
        service: serviceName,
        deploymentConfiguration: {
          ...onCreate,
          alarms: { alarmNames: alarms.alarm_names, enable: alarms.enable, rollback: alarms.rollback },
          deploymentCircuitBreaker: { enable: breaker.enable, rollback: breaker.rollback },
        },
      }),
    );
    afterUpdate = await deploymentOf(ecs);
  } finally {
    ecs.destroy();
  }

  // Forget what the provider sent, and read the service back from the emulator alone.
  terraform(serviceDir(), ['state', 'rm', '-lock=false', address]);
  terraform(serviceDir(), ['import', '-input=false', '-no-color', '-lock=false', address, `${cluster}/${serviceName}`]);
  terraform(serviceDir(), ['plan', '-input=false', '-no-color', '-lock=false', '-refresh=false', '-out=readback.tfplan']);
  const plan = JSON.parse(terraform(serviceDir(), ['show', '-json', 'readback.tfplan']).stdout) as PlanJson;
  const change = plan.resource_changes?.find((rc) => rc.address === address)?.change;
  if (!change?.before || !change.after) throw new Error(`the plan has no change of ${address} to compare`);
  readBack = settingsOf(change.before);
  configured = settingsOf(change.after);
});

afterAll(async () => {
  await moto?.stop();
  if (work) keepLogsAndClean(ROOT, work, ['sandbox.log', 'moto.log'], 'alarms-readback-');
});

describe('the ECS service’s rollback alarms on the emulated AWS', () => {
  it('are sent on create, naming the service’s own 5xx-rate and p99 alarms, with rollback and the circuit breaker on', () => {
    const [alarms] = sent.alarms;
    expect([alarms.enable, alarms.rollback, alarms.alarm_names.map((n) => n.replace(/^.*-(5xx-rate|p99)$/, '$1')).sort(), sent.deployment_circuit_breaker]).toEqual([
      true,
      true,
      ['5xx-rate', 'p99'],
      [{ enable: true, rollback: true }],
    ]);
  });

  it('are dropped by the emulator on create, as the named gap says', () => {
    expect([EMULATOR_GAPS.some((g) => g.id === 'ecs-service-alarms-on-create'), onCreate?.alarms]).toEqual([true, undefined]);
  });

  it('are stored and described by the emulator after one update', () => {
    const [alarms] = sent.alarms;
    expect([afterUpdate?.alarms, afterUpdate?.deploymentCircuitBreaker]).toEqual([
      { alarmNames: alarms.alarm_names, enable: true, rollback: true },
      { enable: true, rollback: true },
    ]);
  });

  it('read back by a fresh import equal what the stack configures', () => {
    expect(readBack).toEqual(configured);
    expect(configured.alarms[0].alarm_names).toEqual(sent.alarms[0].alarm_names);
  });

  it('tear down with the documented procedure, leaving every stack’s state empty', async () => {
    await destroySandbox(context);
    expect(await stateCounts(context)).toEqual({ bootstrap: 0, network: 0, data: 0, service: 0 });
  });
});
