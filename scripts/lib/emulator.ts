/**
 * The emulated AWS as the sandbox meets it (moto 5.2.1): the flags moto must start with, and every
 * gap of the emulator that shapes the sandbox: a setting left out, or a re-plan drift that is
 * moto's and not ours. Pure data and pure functions; the sandbox scripts and the tests read it.
 */
export { DEFAULT_MOTO_PORT, EMULATED_ENDPOINTS, emulatorEndpoints, emulatorUrl, motoUrl, type EmulatedEndpoint } from '../../stacks/settings/emulator';

/** How the sandbox copes with one gap. */
export type GapHandling =
  /** A setting of the sandbox environment leaves the resource out. */
  | 'setting-off'
  /** moto is started with an environment variable that closes the gap. */
  | 'moto-flag'
  /** The resource applies, and a re-plan shows the drift listed in {@link EXPECTED_REPLAN_DRIFTS}. */
  | 'expected-drift'
  /** A step that failed with the gap's {@link EmulatorGap.signature} runs again (at most three runs in all); the next run finds the work done. */
  | 'retry'
  /**
   * The resource applies and a re-plan shows the drift, but applying that drift fails with the
   * gap's {@link EmulatorGap.signature}: the teardown's unprotect deploy stands aside for it and the
   * destroy, which does not need what the update would restore, goes on. A deploy run again for a
   * `retry` gap would try that update too, so the sandbox first marks the stack's resources of the
   * gap's types for replacement (`replacedBeforeRetry`, scripts/lib/sandbox-state.ts), and the retry creates them afresh.
   */
  | 'drift-unappliable'

  /**
   * The resource applies but cannot be deleted: whoever destroys the stack on the emulator first
   * drops it from the state (`terraform state rm`), and it goes away with what it belongs to.
   */
  | 'forget-before-destroy'
  /** Fixed in the provider; the sandbox pays the time. */
  | 'provider-wait'
  /** A command takes a path of its own against the sandbox only, and says so in its output. */
  | 'sandbox-path'
  /**
   * The resource applies and re-plans clean, but only because the provider keeps in its state what
   * it sent: the emulator dropped the setting, so nothing reads it back from the emulator.
   */
  | 'not-read-back';

/**
 * Work a `retry` gap needs done before the second run: `remove-untracked-items` deletes the items
 * the emulated DynamoDB tables hold but the stack's state does not (scripts/lib/untracked-items.ts);
 * `remove-untracked-rules` revokes the rules the emulated security groups hold but the stack's
 * state does not (scripts/lib/untracked-rules.ts).
 */
export type RetryPreparation = 'remove-untracked-items' | 'remove-untracked-rules';

/** One behaviour of moto 5.2.1 (with hashicorp/aws 5.100.0) that differs from AWS. */
export interface EmulatorGap {
  /** Short stable id, e.g. `appautoscaling-tags`. */
  readonly id: string;
  /** Terraform resource types affected. */
  readonly resourceTypes: readonly string[];
  /** What moto does (or lacks). */
  readonly behaviour: string;
  /** What that does to an apply or a plan. */
  readonly effect: string;
  readonly handling: GapHandling;
  /** How the sandbox handles it, in one sentence: the setting, the flag or the drift. */
  readonly workaround: string;
  /** For `retry` and `drift-unappliable`: text of the error that identifies the gap in Terraform's output. */
  readonly signature?: string;
  /** For `retry`: what the sandbox undoes before the second run (scripts/sandbox.ts carries it out). */
  readonly beforeRetry?: RetryPreparation;
  /** For drifts: the top-level attributes a re-plan shows changing on the resource types of the gap. */
  readonly driftAttributes?: readonly string[];
  /**
   * The configuration that shows the gap when the default sandbox does not; its drift is not listed
   * in EXPECTED_REPLAN_DRIFTS (`__tests__/sandbox/three-services.sandbox.ts` checks that of several services).
   * @default - the default sandbox shows it
   */
  readonly onlyWith?: string;
  /**
   * For `setting-off`: where the sandbox still creates a resource of the gap's types, and why the
   * gap does no harm there.
   * @default - nowhere: the sandbox creates no resource of these types
   */
  readonly keptWhere?: string;
}

/** Every known gap, checked by hand and by `__tests__/sandbox/deploy.sandbox.ts`. */
export const EMULATOR_GAPS: readonly EmulatorGap[] = [
  {
    id: 'appautoscaling-tags',
    resourceTypes: ['aws_appautoscaling_target', 'aws_appautoscaling_policy'],
    behaviour: 'Application Auto Scaling has no ListTagsForResource',
    effect: 'the provider retries the tag read after creating a scaling target until the apply times out (with or without default tags)',
    handling: 'setting-off',
    workaround: 'the sandbox services and WordPress leave `scaling` unset: desiredCount tasks and no appautoscaling resources',
  },
  {
    id: 'efs-backup-policy',
    resourceTypes: ['aws_efs_backup_policy'],
    behaviour: 'PutBackupPolicy is not implemented',
    effect: 'the apply never finishes',
    handling: 'setting-off',
    workaround: 'the WordPress file system has no backup policy in the sandbox and local environments (`fileSystem.backups` false, CDKTF_WORDPRESS_EFS_BACKUPS)',
  },
  {
    id: 'efs-file-system-policy-delete',
    resourceTypes: ['aws_efs_file_system_policy'],
    behaviour: 'DeleteFileSystemPolicy answers 500',
    effect: 'a destroy stops at the file-system policy',
    handling: 'forget-before-destroy',
    workaround: 'the test that applies EFS to moto (__tests__/sandbox/wordpress-stack.sandbox.ts) `terraform state rm`s the policy before destroying; it goes with its file system',
  },
  {
    id: 'ecs-service-capacity-strategy',
    resourceTypes: ['aws_ecs_service'],
    behaviour:
      'a service created with a capacity provider strategy reads back as launch type EC2 without the strategy, with a health-check grace period of 0, ECS managed tags off and no availability-zone rebalancing',
    effect: 'every re-plan replaces the ECS service (the capacity provider strategy forces it); a re-deploy replaces it again',
    handling: 'expected-drift',
    workaround: 'listed in EXPECTED_REPLAN_DRIFTS; the product keeps its capacity provider strategy (no ignore_changes)',
    driftAttributes: ['availability_zone_rebalancing', 'capacity_provider_strategy', 'deployment_controller', 'enable_ecs_managed_tags', 'health_check_grace_period_seconds'],
  },
  {
    id: 'ecs-service-execute-command',
    resourceTypes: ['aws_ecs_service'],
    behaviour: 'a service created with enable_execute_command reads it back as false',
    effect: 'a re-plan of a service with ECS Exec on also lists enable_execute_command (within the replacement the strategy gap already causes)',
    handling: 'expected-drift',
    workaround: "the seed's product service (ECS Exec on) is checked by __tests__/sandbox/three-services.sandbox.ts; the default service has exec off",
    driftAttributes: ['enable_execute_command'],
    onlyWith: "a service with ECS Exec on (the seed's product)",
  },
  {
    id: 'sg-rule-referenced-group',
    resourceTypes: ['aws_vpc_security_group_ingress_rule', 'aws_vpc_security_group_egress_rule'],
    behaviour: 'a rule that references a security group reads referenced_security_group_id back as `<account>/sg-…`, and loses its description when created (an update keeps it)',
    effect: 'every re-plan updates each such rule in place; after a re-deploy only referenced_security_group_id differs',
    handling: 'expected-drift',
    workaround: 'listed in EXPECTED_REPLAN_DRIFTS',
    driftAttributes: ['description', 'referenced_security_group_id'],
  },
  {
    id: 'vpc-endpoint-delete-repeat',
    resourceTypes: ['aws_vpc_endpoint'],
    behaviour:
      "DeleteVpcEndpoints is not idempotent: repeated for a gateway endpoint that is already deleted, it fails with InvalidRoute.NotFound because moto deletes the endpoint's routes again (AWS accepts the repeat)",
    effect: 'when the SDK repeats the call because its first answer was lost (seen once in about ten network destroys, on a loaded machine), cdktf destroy network fails',
    handling: 'retry',
    workaround:
      'npm run sandbox:destroy runs a stack destroy that failed with this error again (at most three runs); the endpoint then reads back deleted and the destroy completes',
    signature: 'InvalidRoute.NotFound',
  },
  {
    id: 'dynamodb-put-answer-lost',
    resourceTypes: ['aws_dynamodb_table_item'],
    behaviour:
      'now and then the answer to a PutItem is lost after moto stored the item, so the SDK sends it again and the repeat fails its attribute_not_exists condition (the provider creates items that way) with ConditionalCheckFailedException; seen three times in about twenty data deploys, once with Terraform parallelism 1, and a plain re-run failed the same way because the item was already in the table (the same lost answer as vpc-endpoint-delete-repeat)',
    effect: 'the data deploy stops at that item, which the table holds but the state does not',
    handling: 'retry',
    beforeRetry: 'remove-untracked-items',
    workaround:
      "the sandbox scripts delete the items the emulated tables hold but the stack's state does not, then run that stack deploy again, which creates them; a third failure in a row stops them",
    signature: 'ConditionalCheckFailedException',
  },
  {
    id: 'sg-rule-answer-lost',
    resourceTypes: ['aws_vpc_security_group_ingress_rule', 'aws_vpc_security_group_egress_rule'],
    behaviour:
      'now and then the answer to an AuthorizeSecurityGroupIngress or AuthorizeSecurityGroupEgress is lost after moto stored the rule, so the SDK sends it again and moto refuses the repeat with InvalidPermission.Duplicate (AWS does the same to a repeat); seen once in a CI run of the three-services deploy, on a loaded machine (the same lost answer as dynamodb-put-answer-lost)',
    effect: 'the deploy stops at that rule ("creating VPC Security Group Rule"), which the group holds but the state does not, so a plain re-run fails the same way',
    handling: 'retry',
    beforeRetry: 'remove-untracked-rules',
    workaround:
      "the sandbox scripts revoke the rules that the stack's groups with standalone rules hold but its state does not, then run that stack deploy again, which creates them; a third failure in a row stops them",
    signature: 'InvalidPermission.Duplicate',
  },
  {
    id: 'sg-rule-revoke-repeat',
    resourceTypes: ['aws_vpc_security_group_ingress_rule', 'aws_vpc_security_group_egress_rule'],
    behaviour:
      'now and then the answer to a RevokeSecurityGroupIngress or RevokeSecurityGroupEgress is lost after moto removed the rule, so the SDK sends it again and moto answers InvalidPermission.NotFound (the same lost answer as vpc-endpoint-delete-repeat); seen once in a CI run of the wordpress teardown, on a loaded machine',
    effect: 'the destroy stops at that rule ("deleting VPC Security Group Rule"), which is already gone',
    handling: 'retry',
    workaround:
      'npm run sandbox:destroy and the wordpress teardown run a stack destroy that failed with this error again (at most three runs); the rule then reads back deleted and the destroy completes',
    signature: 'InvalidPermission.NotFound',
  },
  {
    id: 'iam-managed-policies',
    resourceTypes: ['aws_iam_role_policy_attachment'],
    behaviour: 'AWS managed IAM policies (e.g. AmazonECSTaskExecutionRolePolicy) exist only when loaded at start',
    effect: 'attaching one fails with NoSuchEntity',
    handling: 'moto-flag',
    workaround: 'moto starts with MOTO_IAM_LOAD_MANAGED_POLICIES=true',
  },
  {
    id: 'acm-validation-wait',
    resourceTypes: ['aws_acm_certificate', 'aws_acm_certificate_validation'],
    behaviour: 'certificates are issued 60 s after the request',
    effect: 'every HTTPS apply waits a minute for validation',
    handling: 'moto-flag',
    workaround: 'moto starts with MOTO_ACM_VALIDATION_WAIT=0',
  },
  {
    id: 'route53-private-zone',
    resourceTypes: ['aws_route53_zone'],
    behaviour: 'a private zone reads back as public, without its VPC, and refuses to associate a VPC with it afterwards',
    effect:
      'with an internal service (a services file), every re-plan updates the zone in place to re-attach its VPC, and applying that update fails with PublicZoneVPCAssociation',
    handling: 'drift-unappliable',
    workaround:
      'the default sandbox has no internal service, so no zone; with one, a re-deploy stops at the zone, a deploy run again for a retry gap replaces the zone (terraform taint) instead of updating it, and the teardown skips its service unprotect deploy (the sandbox service holds no protection) and destroys',
    signature: 'PublicZoneVPCAssociation',
    driftAttributes: ['vpc'],
    onlyWith: 'an internal service (a services file)',
  },
  {
    id: 'aurora-scaling-configuration',
    resourceTypes: ['aws_rds_cluster'],
    behaviour: 'an Aurora Serverless v2 cluster reads back an empty scaling_configuration',
    effect: 'every re-plan updates the cluster',
    handling: 'expected-drift',
    workaround: 'the wordpress stack keeps its scaling configuration (no ignore_changes); its re-plan shows the update (docs/wordpress.md)',
    driftAttributes: ['scaling_configuration'],
    onlyWith: 'the wordpress stack (Aurora)',
  },
  {
    id: 'provider-fixed-waits',
    resourceTypes: ['aws_lb', 'aws_rds_cluster', 'aws_rds_cluster_instance', 'aws_route53_record', 'aws_s3_bucket_lifecycle_configuration'],
    behaviour:
      'none: the provider itself sleeps about 60 s after creating a load balancer, 30 s per RDS resource and 15 s per Route 53 change, and reads a new bucket lifecycle configuration back every 5 s until it stops changing (about 55 s on moto)',
    effect: 'the service stack takes at least a minute to apply, and the bootstrap stack about one, whatever the emulator does',
    handling: 'provider-wait',
    workaround: 'none; no emulator setting shortens these waits',
  },
  {
    id: 'ecs-deployment-never-completes',
    resourceTypes: ['aws_ecs_service'],
    behaviour:
      'UpdateService to a new task definition starts no deployment: the service names the new revision, and its only deployment stays the first one, of the old revision, with no rollout that ever ends',
    effect: 'a release that waits for the rollout state of its deployment (npm run release) would wait until its timeout',
    handling: 'sandbox-path',
    workaround:
      'with CDKTF_ENV=sandbox only, the release counts a service that names the new revision and has no deployment of it as completed, and prints that it did so (scripts/lib/release.ts); against AWS it waits for COMPLETED, FAILED or its timeout',
  },
  {
    id: 'ecs-service-replaced-after-release',
    resourceTypes: ['aws_ecs_service'],
    behaviour:
      'none of its own: every re-plan replaces the ECS service already (ecs-service-capacity-strategy), and Terraform applies no ignore_changes to the create of a replacement',
    effect:
      "after npm run release, the re-plan of a pipeline service's replacement also lists task_definition (Terraform's first revision instead of the released one); on AWS the service is not replaced and the ignored task_definition leaves the plan clean",
    handling: 'expected-drift',
    workaround:
      '__tests__/sandbox/three-services.sandbox.ts checks that the re-plan after a release is the one before it plus task_definition in that replacement; the product keeps ignore_changes on pipeline services only (docs/release.md)',
    driftAttributes: ['task_definition'],
    onlyWith: 'a pipeline service after npm run release (three-services.sandbox.ts)',
  },
  {
    id: 's3-deny-condition',
    resourceTypes: ['aws_s3_bucket_policy'],
    behaviour: "a bucket policy's Deny statement is applied without evaluating its Condition",
    effect: "the state bucket's TLS-only policy (Deny unless aws:SecureTransport) refuses every request, and every backend in the bucket fails HeadObject with 403",
    handling: 'setting-off',
    workaround:
      "the sandbox's state bucket has no bucket policy (bootstrap tlsOnlyPolicy false, S3003 suppressed with this gap's id); dev and prod keep it, and nothing else is weakened",
    keptWhere:
      "the access-log bucket's policy: nothing in the sandbox reads or writes that bucket (moto's load balancers deliver no logs), so the unevaluated Deny refuses nothing there",
  },
  {
    id: 's3-versioned-bucket-empty',
    resourceTypes: ['aws_s3_bucket'],
    behaviour: 'a versioned bucket that holds delete markers cannot be emptied: force_destroy hangs, and deleting the versions of a lock file answers 500',
    effect: 'destroying the state bucket after the stacks can leave it behind, with the versions moto will not delete',
    handling: 'forget-before-destroy',
    workaround:
      "npm run sandbox:destroy (destroySandbox) deletes every object version and delete marker it can with the S3 API, then destroys bootstrap; when moto refused one, the bucket and its aws_s3_bucket_* settings first leave bootstrap's state (`terraform state rm`), the key and alias are destroyed, and the `bootstrap destroy` step names this gap and the bucket it kept",
  },
  {
    id: 'rds-instance-monitoring',
    resourceTypes: ['aws_rds_cluster_instance'],
    behaviour:
      'DescribeDBInstances answers for an Aurora instance created with Performance Insights and enhanced monitoring without PerformanceInsightsEnabled, PerformanceInsightsRetentionPeriod, MonitoringInterval and MonitoringRoleArn',
    effect: 'every re-plan updates the instance in place to turn them on again',
    handling: 'expected-drift',
    workaround: 'the wordpress stack keeps Performance Insights and enhanced monitoring on in the sandbox (no ignore_changes); its re-plan shows the update',
    driftAttributes: ['monitoring_interval', 'monitoring_role_arn', 'performance_insights_enabled', 'performance_insights_retention_period'],
    onlyWith: 'the wordpress stack (Aurora)',
  },
  {
    id: 'backup-selection',
    resourceTypes: ['aws_backup_selection'],
    behaviour: 'CreateBackupSelection is not implemented: moto answers it with 500',
    effect: 'the provider retries the 500 and the apply never finishes (still creating after 4 minutes)',
    handling: 'setting-off',
    workaround:
      "the sandbox keeps no backup plan (`CDKTF_WORDPRESS_BACKUP_PLAN_DAYS` 0); __tests__/sandbox/wordpress-stack.sandbox.ts applies prod's plan without its selection beside the stack",
  },
  {
    id: 'backup-vault-recovery-points',
    resourceTypes: ['aws_backup_vault'],
    behaviour: 'ListRecoveryPointsByBackupVault is not implemented: moto answers it with 404 and an HTML page',
    effect:
      'the destroy of a vault with force_destroy (the provider lists its recovery points to delete them first) fails: `listing Backup Vault (<name>) recovery points: operation error Backup: ListRecoveryPointsByBackupVault, https response error StatusCode: 404`',
    handling: 'setting-off',
    workaround: 'the sandbox keeps no backup plan, so no vault; __tests__/sandbox/wordpress-stack.sandbox.ts drops the vault from the state and deletes it with the AWS CLI',
  },
  {
    id: 'ecs-service-alarms-on-create',
    resourceTypes: ['aws_ecs_service'],
    behaviour:
      "CreateService drops the service's deploymentConfiguration (the deployment alarms with their rollback, the circuit breaker, the percents); after any UpdateService it stores and returns them",
    effect: "a new service's rollback alarms are not on the emulated service, yet a re-plan looks clean because the provider keeps what it sent in its state",
    handling: 'not-read-back',
    workaround:
      'the sandbox applies the alarms as the product defines them (no ignore_changes); that ECS stores them is seen only after an update of the service, which a default sandbox deploy does not make; three-services.sandbox.ts makes one and reads them back',
  },
];

/** The `retry` gap whose error appears in a failed step's output, if any. */
export function retryableGap(output: string): EmulatorGap | undefined {
  return gapWithSignature('retry', output);
}

/** The `drift-unappliable` gap whose signature is in Terraform's output, if any. */
export function unappliableDriftGap(output: string): EmulatorGap | undefined {
  return gapWithSignature('drift-unappliable', output);
}

function gapWithSignature(handling: GapHandling, output: string): EmulatorGap | undefined {
  return EMULATOR_GAPS.find((gap) => gap.handling === handling && gap.signature !== undefined && output.includes(gap.signature));
}

/** Environment variables moto must start with, from the `moto-flag` gaps. */
export const MOTO_SERVER_ENVIRONMENT: Readonly<Record<string, string>> = {
  MOTO_IAM_LOAD_MANAGED_POLICIES: 'true',
  MOTO_ACM_VALIDATION_WAIT: '0',
};

/** A change a re-plan shows right after a successful apply, caused by the emulator alone. */
export interface ExpectedDrift {
  /** Stack id. */
  readonly stack: 'bootstrap' | 'network' | 'data' | 'service';
  /** Construct path of the resource inside its stack, e.g. `services/service/ecs/service`. */
  readonly path: string;
  readonly type: string;
  /** Terraform's planned actions, e.g. `['update']` or `['delete', 'create']`. */
  readonly actions: readonly string[];
  /** Top-level attributes whose read-back value differs from the configuration. */
  readonly attributes: readonly string[];
  /** The {@link EmulatorGap} id that explains it. */
  readonly gap: string;
}

/**
 * Exactly what a re-plan shows right after the first deploy (`cdktf diff service`; network and
 * data re-plan clean): these changes, with these attributes, and nothing else. An attribute counts
 * when its read-back value differs from the configuration (empty and absent are equal; values
 * known only after apply count only when they force the replacement). A new drift, or a gone
 * one, fails `__tests__/sandbox/deploy.sandbox.ts`.
 */
export const EXPECTED_REPLAN_DRIFTS: readonly ExpectedDrift[] = [
  {
    stack: 'service',
    path: 'services/service/ecs/service',
    type: 'aws_ecs_service',
    actions: ['delete', 'create'],
    // deployment_controller: moto reads back { type: ECS }; the provider hides that default on an update, not on a replacement.
    attributes: ['availability_zone_rebalancing', 'capacity_provider_strategy', 'deployment_controller', 'enable_ecs_managed_tags', 'health_check_grace_period_seconds'],
    gap: 'ecs-service-capacity-strategy',
  },
  {
    stack: 'service',
    path: 'services/service/ecs/from-alb-8080',
    type: 'aws_vpc_security_group_ingress_rule',
    actions: ['update'],
    attributes: ['description', 'referenced_security_group_id'],
    gap: 'sg-rule-referenced-group',
  },
  {
    stack: 'service',
    path: 'services/service/ecs/alb-8080-to-tasks',
    type: 'aws_vpc_security_group_egress_rule',
    actions: ['update'],
    attributes: ['description', 'referenced_security_group_id'],
    gap: 'sg-rule-referenced-group',
  },
];
