/**
 * prod's AWS Backup plan of WordPress (the BackupPlan construct with prod's retention) alone in a
 * small stack whose provider points at an emulator, beside a sandbox WordPress stack: the sandbox
 * itself keeps no plan, and this stack shows what the emulator does with one.
 */
import { type App, LocalBackend, Testing, TerraformOutput, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { BackupPlan } from '../../stacks/constructs/backup-plan';
import { emulatorEndpoints } from '../../stacks/settings/emulator';

/** Where the stack's provider points, what it backs up and how it is built. */
export interface BackupStackOptions {
  /** Every AWS API of the stack goes here, e.g. a moto server. */
  readonly endpoint: string;
  readonly region: string;
  /** Local state file. */
  readonly statePath: string;
  /** Name of the plan, the vault and the selection. */
  readonly name: string;
  /** Days prod keeps a recovery point. */
  readonly retentionDays: number;
  /** ARNs the plan selects (a file system, a database cluster). */
  readonly resources: readonly string[];
  /** The vault goes with its recovery points on destroy, as it does wherever the database is not protected. */
  readonly forceDestroy: boolean;
}

/** The stack and its plan. */
export interface BackupStack {
  readonly stack: TerraformStack;
  readonly plan: BackupPlan;
}

/** Builds the stack in `app` (a Testing.app() when omitted). */
export function backupStack(options: BackupStackOptions, app: App = Testing.app()): BackupStack {
  const stack = new TerraformStack(app, 'backup');
  new AwsProvider(stack, 'aws', {
    region: options.region,
    accessKey: 'test',
    secretKey: 'test',
    skipCredentialsValidation: true,
    skipRequestingAccountId: true,
    skipMetadataApiCheck: 'true',
    skipRegionValidation: true,
    endpoints: [emulatorEndpoints(options.endpoint)],
  });
  new LocalBackend(stack, { path: options.statePath });
  const plan = new BackupPlan(stack, 'backup', { name: options.name, retentionDays: options.retentionDays, forceDestroy: options.forceDestroy });
  for (const arn of options.resources) plan.addResource(arn);
  new TerraformOutput(stack, 'vault_name', { value: plan.vaultName });
  new TerraformOutput(stack, 'plan_id', { value: plan.planId });
  return { stack, plan };
}
