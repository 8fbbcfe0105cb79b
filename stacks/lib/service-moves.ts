/**
 * Upgrade in place from the one-service layout (commit 3967a9f, one `FargateService` construct
 * `app` with its own cluster): each resource it deployed gets a `moved` block to its construct
 * in the several-services layout, and keeps the name it had, so a plan after the upgrade destroys
 * and replaces none of them.
 */
import { TerraformResource, type TerraformStack } from 'cdktf';
import { DEFAULT_SERVICE_NAME, loadBalancerName, type NamingContext, serviceName } from './naming';

/** Where the default service's constructs live now, relative to the stack. */
const SERVICE = `services/${DEFAULT_SERVICE_NAME}`;

/**
 * Addresses of the one-service layout → construct paths now. Resources whose paths did not change
 * (the load balancer `alb/*`, its security group and ingress rules, its listeners) need no move.
 */
export const ONE_SERVICE_LAYOUT: Readonly<Record<string, string>> = {
  'aws_ecs_cluster.app_cluster_676669F2': 'cluster/ecs-cluster',
  'aws_ecs_cluster_capacity_providers.app_capacity-providers_E963DCBB': 'cluster/capacity-providers',
  'aws_ecr_repository.image_repository_36043D91': `${SERVICE}/image/repository`,
  'aws_ecr_lifecycle_policy.image_lifecycle_FE8AA4C1': `${SERVICE}/image/lifecycle`,
  'docker_image.image_build_54602642': `${SERVICE}/image/build`,
  'docker_registry_image.image_push_5C9521CF': `${SERVICE}/image/push`,
  'aws_cloudwatch_log_group.app_logs_4354FB9E': `${SERVICE}/task/logs`,
  'aws_iam_role.app_execution-role_8B77B541': `${SERVICE}/task/execution-role`,
  'aws_iam_role_policy.app_execution-policy_230EFE52': `${SERVICE}/task/execution-policy`,
  'aws_iam_role.app_task-role_97992A21': `${SERVICE}/task/task-role`,
  'aws_iam_role_policy.app_task-policy_81116F73': `${SERVICE}/task/task-policy`,
  'aws_ecs_task_definition.app_task_D962A8DF': `${SERVICE}/task/definition`,
  'aws_security_group.app_sg_1ED6C7D4': `${SERVICE}/ecs/sg`,
  'aws_vpc_security_group_ingress_rule.app_from-alb_26FD756A': `${SERVICE}/ecs/from-alb-8080`,
  'aws_vpc_security_group_egress_rule.app_alb-to-tasks_61F706DD': `${SERVICE}/ecs/alb-8080-to-tasks`,
  'aws_vpc_security_group_egress_rule.app_https-out_B4CF8DBC': `${SERVICE}/ecs/https-out`,
  'aws_ecs_service.app_service_BCE5FF06': `${SERVICE}/ecs/service`,
  'aws_lb_target_group.alb_targets_7CB452DA': `alb/${DEFAULT_SERVICE_NAME}-targets`,
  'aws_appautoscaling_target.app_scaling-target_EF5FE2FE': `${SERVICE}/ecs/scaling/target`,
  'aws_appautoscaling_policy.app_scale-on-cpu_DF3E92D5': `${SERVICE}/ecs/scaling/cpu`,
  'aws_appautoscaling_policy.app_scale-on-memory_F7CF78C1': `${SERVICE}/ecs/scaling/memory`,
  'aws_appautoscaling_policy.app_scale-on-requests_3F5FE4DF': `${SERVICE}/ecs/scaling/requests-alb`,
};

/**
 * Names the one-service layout gave outright, where the several-services layout uses a name prefix
 * (create-before-destroy) or another name: construct path → name. Keeping them avoids a replacement
 * that would cut traffic: a new target group takes the listener, and a new load balancer group
 * loses the old tasks, a minute before the service's new tasks are healthy.
 */
export function oneServiceNames(context: NamingContext): Readonly<Record<string, string>> {
  return {
    [`alb/${DEFAULT_SERVICE_NAME}-targets`]: loadBalancerName(context, 'external'),
    'alb/sg': `${loadBalancerName(context, 'external')}-alb`,
    [`${SERVICE}/ecs/sg`]: `${serviceName(context, DEFAULT_SERVICE_NAME)}-tasks`,
    [`${SERVICE}/ecs/scaling/requests-alb`]: 'requests-target-tracking',
  };
}

/**
 * When the stack runs the default service, adopts what the one-service layout deployed: a `moved`
 * block from each old address whose new construct exists (a no-op for Terraform when that address
 * is not in the state), and the old names where they differ. Returns the moved addresses.
 */
export function adoptOneServiceLayout(stack: TerraformStack, context: NamingContext): string[] {
  const byPath = new Map<string, TerraformResource>();
  for (const construct of stack.node.findAll()) {
    if (TerraformResource.isTerraformResource(construct)) byPath.set(construct.node.path.split('/').slice(1).join('/'), construct);
  }
  if (!stack.node.tryFindChild('services')?.node.tryFindChild(DEFAULT_SERVICE_NAME)) return [];
  for (const [path, name] of Object.entries(oneServiceNames(context))) {
    const resource = byPath.get(path);
    if (!resource) continue;
    // A fixed name cannot exist twice, so these are replaced destroy-first, as they were before.
    resource.addOverride('name', name);
    resource.addOverride('name_prefix', undefined);
    resource.addOverride('lifecycle', undefined);
  }
  const moved: string[] = [];
  for (const [from, path] of Object.entries(ONE_SERVICE_LAYOUT)) {
    const resource = byPath.get(path);
    if (!resource || `${resource.terraformResourceType}.` !== from.slice(0, from.indexOf('.') + 1)) continue;
    resource.moveFromId(from);
    moved.push(from);
  }
  return moved;
}
