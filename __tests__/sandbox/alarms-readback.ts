/**
 * An ECS service's rollback alarms read back from the emulated ECS rather than trusted from
 * Terraform's state. moto drops a service's deploymentConfiguration on CreateService (the gap
 * `ecs-service-alarms-on-create` in scripts/lib/emulator.ts), so a re-plan right after the deploy
 * looks clean only because the provider keeps what it sent. The read-back stores the configuration
 * once with UpdateService (as an in-place update on AWS would), drops the service from the state,
 * imports it from the emulator and plans without a refresh: the plan's `before` is what the provider
 * reads back, its `after` what the stack configures. The stack's state is put back as it was, so
 * what runs after (the teardown) sees the deployment unchanged.
 */
import { DescribeServicesCommand, ECSClient, UpdateServiceCommand, type DeploymentConfiguration } from '@aws-sdk/client-ecs';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { terraform } from '../../scripts/lib/terraform';
import type { PlanJson } from './replan';

/** The ECS service's deployment settings as Terraform's state and plans write them. */
export interface DeploymentSettings {
  readonly alarms: { alarm_names: string[]; enable: boolean; rollback: boolean }[];
  readonly deployment_circuit_breaker: { enable: boolean; rollback: boolean }[];
}

/** What one read-back saw, step by step. */
export interface AlarmsReadBack {
  /** What the provider sent on create, from its state. */
  readonly sent: DeploymentSettings;
  /** The service's deployment configuration as the emulator describes it after the create. */
  readonly onCreate: DeploymentConfiguration | undefined;
  /** ... and after one UpdateService that sends what the provider sent. */
  readonly afterUpdate: DeploymentConfiguration | undefined;
  /** What a fresh import reads back from the emulator. */
  readonly readBack: DeploymentSettings;
  /** What the stack configures. */
  readonly configured: DeploymentSettings;
}

/** Where the service is: its stack directory, its state address, its cluster and the emulator. */
export interface ReadBackTarget {
  readonly stackDir: string;
  /** e.g. `aws_ecs_service.services_order_ecs_service_1234ABCD` */
  readonly address: string;
  readonly cluster: string;
  readonly serviceName: string;
  readonly endpoint: string;
  readonly region: string;
  /** The service's values in the stack's state (`terraform show -json`). */
  readonly values: Record<string, unknown>;
}

export const deploymentSettingsOf = (values: Record<string, unknown>): DeploymentSettings => ({
  alarms: values.alarms as DeploymentSettings['alarms'],
  deployment_circuit_breaker: values.deployment_circuit_breaker as DeploymentSettings['deployment_circuit_breaker'],
});

/** Runs the read-back on `target`, and puts the stack's state back as it was, whatever happened. */
export async function readAlarmsBack(target: ReadBackTarget): Promise<AlarmsReadBack> {
  const sent = deploymentSettingsOf(target.values);
  const ecs = new ECSClient({ endpoint: target.endpoint, region: target.region, credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' } });
  const deploymentOf = async () =>
    (await ecs.send(new DescribeServicesCommand({ cluster: target.cluster, services: [target.serviceName] }))).services?.[0]?.deploymentConfiguration;
  let onCreate: DeploymentConfiguration | undefined;
  let afterUpdate: DeploymentConfiguration | undefined;
  try {
    onCreate = await deploymentOf();
    const [alarms] = sent.alarms;
    const [breaker] = sent.deployment_circuit_breaker;
    await ecs.send(
      new UpdateServiceCommand({
        cluster: target.cluster,
        service: target.serviceName,
        deploymentConfiguration: {
          ...onCreate,
          alarms: { alarmNames: alarms.alarm_names, enable: alarms.enable, rollback: alarms.rollback },
          deploymentCircuitBreaker: { enable: breaker.enable, rollback: breaker.rollback },
        },
      }),
    );
    afterUpdate = await deploymentOf();
  } finally {
    ecs.destroy();
  }

  const dir = target.stackDir;
  const saved = path.join(dir, 'before-readback.tfstate');
  fs.writeFileSync(saved, terraform(dir, ['state', 'pull']).stdout);
  try {
    // Forget what the provider sent, and read the service back from the emulator alone.
    terraform(dir, ['state', 'rm', '-lock=false', target.address]);
    terraform(dir, ['import', '-input=false', '-no-color', '-lock=false', target.address, `${target.cluster}/${target.serviceName}`]);
    terraform(dir, ['plan', '-input=false', '-no-color', '-lock=false', '-refresh=false', '-out=readback.tfplan']);
    const plan = JSON.parse(terraform(dir, ['show', '-json', 'readback.tfplan']).stdout) as PlanJson;
    const change = plan.resource_changes?.find((rc) => rc.address === target.address)?.change;
    if (!change?.before || !change.after) throw new Error(`the plan has no change of ${target.address} to compare`);
    return { sent, onCreate, afterUpdate, readBack: deploymentSettingsOf(change.before), configured: deploymentSettingsOf(change.after) };
  } finally {
    // The state as the deploy left it: rm and import raised its serial, so the push is forced.
    terraform(dir, ['state', 'push', '-force', '-lock=false', saved]);
    fs.rmSync(saved, { force: true });
  }
}
