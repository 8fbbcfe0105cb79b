/**
 * The IAM actions a deploy needs, by the Terraform type it creates, reads, updates and deletes:
 * the CI deploy role is granted exactly these, and a test checks that every type the app
 * synthesizes has an entry. Pure data; the bootstrap stack scopes them to this blueprint.
 */
import type { PolicyStatement } from './iam';

/** `resource.<type>` or `data.<type>`, as a stack's JSON names it. */
export type DeployedType = `resource.${string}` | `data.${string}`;

const TAGS = (service: string) => [`${service}:TagResource`, `${service}:UntagResource`];
const EC2_TAGS = ['ec2:CreateTags', 'ec2:DeleteTags'];
const S3_BUCKET_READ = [
  's3:GetBucketAcl',
  's3:GetBucketCORS',
  's3:GetBucketLocation',
  's3:GetBucketLogging',
  's3:GetBucketObjectLockConfiguration',
  's3:GetBucketPolicy',
  's3:GetBucketRequestPayment',
  's3:GetBucketTagging',
  's3:GetBucketVersioning',
  's3:GetBucketWebsite',
  's3:GetAccelerateConfiguration',
  's3:GetEncryptionConfiguration',
  's3:GetLifecycleConfiguration',
  's3:GetReplicationConfiguration',
  's3:ListBucket',
];

/**
 * Per type, the actions of its whole life. An empty list: the type makes no AWS call of its own
 * (Docker images are built locally; remote state is read with the state grants).
 */
export const DEPLOY_ACTIONS: Readonly<Record<DeployedType, readonly string[]>> = {
  'data.aws_ecr_authorization_token': ['ecr:GetAuthorizationToken'],
  'data.terraform_remote_state': [],
  'resource.aws_acm_certificate': [
    'acm:RequestCertificate',
    'acm:DescribeCertificate',
    'acm:DeleteCertificate',
    'acm:ListTagsForCertificate',
    'acm:AddTagsToCertificate',
    'acm:RemoveTagsFromCertificate',
  ],
  'resource.aws_acm_certificate_validation': ['acm:DescribeCertificate'],
  'resource.aws_appautoscaling_policy': [
    'application-autoscaling:PutScalingPolicy',
    'application-autoscaling:DescribeScalingPolicies',
    'application-autoscaling:DeleteScalingPolicy',
  ],
  'resource.aws_appautoscaling_target': [
    'application-autoscaling:RegisterScalableTarget',
    'application-autoscaling:DescribeScalableTargets',
    'application-autoscaling:DeregisterScalableTarget',
    'application-autoscaling:ListTagsForResource',
    ...TAGS('application-autoscaling'),
  ],
  'resource.aws_backup_plan': ['backup:CreateBackupPlan', 'backup:GetBackupPlan', 'backup:UpdateBackupPlan', 'backup:DeleteBackupPlan', 'backup:ListTags', ...TAGS('backup')],
  'resource.aws_backup_selection': ['backup:CreateBackupSelection', 'backup:GetBackupSelection', 'backup:DeleteBackupSelection', 'iam:PassRole'],
  'resource.aws_backup_vault': [
    'backup:CreateBackupVault',
    'backup:DescribeBackupVault',
    'backup:DeleteBackupVault',
    'backup:ListTags',
    'backup-storage:MountCapsule',
    'kms:CreateGrant',
    ...TAGS('backup'),
  ],
  'resource.aws_cloudwatch_dashboard': ['cloudwatch:PutDashboard', 'cloudwatch:GetDashboard', 'cloudwatch:DeleteDashboards'],
  'resource.aws_cloudwatch_metric_alarm': [
    'cloudwatch:PutMetricAlarm',
    'cloudwatch:DescribeAlarms',
    'cloudwatch:DeleteAlarms',
    'cloudwatch:ListTagsForResource',
    ...TAGS('cloudwatch'),
  ],
  'resource.aws_cloudwatch_log_group': [
    'logs:CreateLogGroup',
    'logs:DescribeLogGroups',
    'logs:PutRetentionPolicy',
    'logs:DeleteLogGroup',
    'logs:ListTagsForResource',
    ...TAGS('logs'),
  ],
  'resource.aws_db_subnet_group': [
    'rds:CreateDBSubnetGroup',
    'rds:DescribeDBSubnetGroups',
    'rds:ModifyDBSubnetGroup',
    'rds:DeleteDBSubnetGroup',
    'rds:ListTagsForResource',
    'rds:AddTagsToResource',
    'rds:RemoveTagsFromResource',
  ],
  'resource.aws_default_security_group': ['ec2:DescribeSecurityGroups', 'ec2:RevokeSecurityGroupIngress', 'ec2:RevokeSecurityGroupEgress', ...EC2_TAGS],
  'resource.aws_dynamodb_table': [
    'dynamodb:CreateTable',
    'dynamodb:DescribeTable',
    'dynamodb:UpdateTable',
    'dynamodb:DeleteTable',
    'dynamodb:DescribeContinuousBackups',
    'dynamodb:UpdateContinuousBackups',
    'dynamodb:DescribeTimeToLive',
    'dynamodb:ListTagsOfResource',
    ...TAGS('dynamodb'),
  ],
  'resource.aws_dynamodb_table_item': ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
  'resource.aws_ecr_lifecycle_policy': ['ecr:PutLifecyclePolicy', 'ecr:GetLifecyclePolicy', 'ecr:DeleteLifecyclePolicy'],
  'resource.aws_ecr_repository': [
    'ecr:CreateRepository',
    'ecr:DescribeRepositories',
    'ecr:DeleteRepository',
    'ecr:PutImageScanningConfiguration',
    'ecr:PutImageTagMutability',
    'ecr:ListTagsForResource',
    ...TAGS('ecr'),
  ],
  'resource.aws_ecs_cluster': ['ecs:CreateCluster', 'ecs:DescribeClusters', 'ecs:UpdateCluster', 'ecs:DeleteCluster', 'ecs:ListTagsForResource', ...TAGS('ecs')],
  'resource.aws_ecs_cluster_capacity_providers': ['ecs:PutClusterCapacityProviders', 'ecs:DescribeClusters'],
  'resource.aws_ecs_service': ['ecs:CreateService', 'ecs:DescribeServices', 'ecs:UpdateService', 'ecs:DeleteService', 'iam:PassRole', ...TAGS('ecs')],
  'resource.aws_ecs_task_definition': ['ecs:RegisterTaskDefinition', 'ecs:DescribeTaskDefinition', 'ecs:DeregisterTaskDefinition', 'iam:PassRole', ...TAGS('ecs')],
  'resource.aws_efs_access_point': [
    'elasticfilesystem:CreateAccessPoint',
    'elasticfilesystem:DescribeAccessPoints',
    'elasticfilesystem:DeleteAccessPoint',
    'elasticfilesystem:TagResource',
  ],
  'resource.aws_efs_backup_policy': ['elasticfilesystem:PutBackupPolicy', 'elasticfilesystem:DescribeBackupPolicy'],
  'resource.aws_efs_file_system': [
    'elasticfilesystem:CreateFileSystem',
    'elasticfilesystem:DescribeFileSystems',
    'elasticfilesystem:DescribeLifecycleConfiguration',
    'elasticfilesystem:PutLifecycleConfiguration',
    'elasticfilesystem:DeleteFileSystem',
    'elasticfilesystem:TagResource',
    'elasticfilesystem:UntagResource',
  ],
  'resource.aws_efs_file_system_policy': ['elasticfilesystem:PutFileSystemPolicy', 'elasticfilesystem:DescribeFileSystemPolicy', 'elasticfilesystem:DeleteFileSystemPolicy'],
  'resource.aws_efs_mount_target': [
    'elasticfilesystem:CreateMountTarget',
    'elasticfilesystem:DescribeMountTargets',
    'elasticfilesystem:DescribeMountTargetSecurityGroups',
    'elasticfilesystem:DeleteMountTarget',
    'ec2:CreateNetworkInterface',
    'ec2:DescribeNetworkInterfaces',
    'ec2:DeleteNetworkInterface',
  ],
  'resource.aws_eip': ['ec2:AllocateAddress', 'ec2:DescribeAddresses', 'ec2:DescribeAddressesAttribute', 'ec2:ReleaseAddress', ...EC2_TAGS],
  'resource.aws_flow_log': ['ec2:CreateFlowLogs', 'ec2:DescribeFlowLogs', 'ec2:DeleteFlowLogs', 'iam:PassRole', ...EC2_TAGS],
  'resource.aws_iam_role': [
    'iam:CreateRole',
    'iam:GetRole',
    'iam:UpdateRole',
    'iam:UpdateAssumeRolePolicy',
    'iam:DeleteRole',
    'iam:ListRolePolicies',
    'iam:ListAttachedRolePolicies',
    'iam:ListInstanceProfilesForRole',
    'iam:TagRole',
    'iam:UntagRole',
  ],
  'resource.aws_iam_role_policy': ['iam:PutRolePolicy', 'iam:GetRolePolicy', 'iam:DeleteRolePolicy'],
  'resource.aws_iam_role_policy_attachment': ['iam:AttachRolePolicy', 'iam:DetachRolePolicy', 'iam:ListAttachedRolePolicies'],
  'resource.aws_internet_gateway': [
    'ec2:CreateInternetGateway',
    'ec2:AttachInternetGateway',
    'ec2:DescribeInternetGateways',
    'ec2:DetachInternetGateway',
    'ec2:DeleteInternetGateway',
    ...EC2_TAGS,
  ],
  'resource.aws_kms_key': [
    'kms:CreateKey',
    'kms:DescribeKey',
    'kms:GetKeyPolicy',
    'kms:PutKeyPolicy',
    'kms:GetKeyRotationStatus',
    'kms:EnableKeyRotation',
    'kms:ListResourceTags',
    'kms:ScheduleKeyDeletion',
    ...TAGS('kms'),
  ],
  'resource.aws_kms_key_policy': ['kms:PutKeyPolicy', 'kms:GetKeyPolicy', 'kms:DescribeKey'],
  'resource.aws_lb': [
    'elasticloadbalancing:CreateLoadBalancer',
    'elasticloadbalancing:DescribeLoadBalancers',
    'elasticloadbalancing:DescribeLoadBalancerAttributes',
    'elasticloadbalancing:ModifyLoadBalancerAttributes',
    'elasticloadbalancing:SetSecurityGroups',
    'elasticloadbalancing:DeleteLoadBalancer',
    'elasticloadbalancing:DescribeTags',
    'elasticloadbalancing:AddTags',
    'elasticloadbalancing:RemoveTags',
  ],
  'resource.aws_lb_listener': [
    'elasticloadbalancing:CreateListener',
    'elasticloadbalancing:DescribeListeners',
    'elasticloadbalancing:DescribeListenerAttributes',
    'elasticloadbalancing:ModifyListener',
    'elasticloadbalancing:DeleteListener',
    'elasticloadbalancing:AddTags',
  ],
  'resource.aws_lb_target_group': [
    'elasticloadbalancing:CreateTargetGroup',
    'elasticloadbalancing:DescribeTargetGroups',
    'elasticloadbalancing:DescribeTargetGroupAttributes',
    'elasticloadbalancing:ModifyTargetGroup',
    'elasticloadbalancing:ModifyTargetGroupAttributes',
    'elasticloadbalancing:DeleteTargetGroup',
    'elasticloadbalancing:AddTags',
  ],
  'resource.aws_nat_gateway': ['ec2:CreateNatGateway', 'ec2:DescribeNatGateways', 'ec2:DeleteNatGateway', ...EC2_TAGS],
  'resource.aws_rds_cluster': [
    'rds:CreateDBCluster',
    'rds:DescribeDBClusters',
    'rds:ModifyDBCluster',
    'rds:DeleteDBCluster',
    'rds:AddTagsToResource',
    'rds:ListTagsForResource',
    'secretsmanager:CreateSecret',
    'secretsmanager:DescribeSecret',
    'secretsmanager:TagResource',
    'kms:DescribeKey',
    'kms:CreateGrant',
  ],
  'resource.aws_rds_cluster_instance': [
    'rds:CreateDBInstance',
    'rds:DescribeDBInstances',
    'rds:ModifyDBInstance',
    'rds:DeleteDBInstance',
    'rds:AddTagsToResource',
    'rds:ListTagsForResource',
  ],
  'resource.aws_route': ['ec2:CreateRoute', 'ec2:ReplaceRoute', 'ec2:DeleteRoute', 'ec2:DescribeRouteTables'],
  'resource.aws_route53_record': ['route53:ChangeResourceRecordSets', 'route53:ListResourceRecordSets', 'route53:GetChange'],
  'resource.aws_route53_zone': [
    'route53:CreateHostedZone',
    'route53:GetHostedZone',
    'route53:DeleteHostedZone',
    'route53:ChangeTagsForResource',
    'route53:ListTagsForResource',
    'route53:GetChange',
  ],
  'resource.aws_route_table': ['ec2:CreateRouteTable', 'ec2:DescribeRouteTables', 'ec2:DeleteRouteTable', ...EC2_TAGS],
  'resource.aws_route_table_association': ['ec2:AssociateRouteTable', 'ec2:DisassociateRouteTable', 'ec2:DescribeRouteTables'],
  'resource.aws_s3_bucket': ['s3:CreateBucket', 's3:DeleteBucket', 's3:PutBucketTagging', ...S3_BUCKET_READ],
  'resource.aws_s3_bucket_lifecycle_configuration': ['s3:PutLifecycleConfiguration', 's3:GetLifecycleConfiguration'],
  'resource.aws_s3_bucket_ownership_controls': ['s3:PutBucketOwnershipControls', 's3:GetBucketOwnershipControls'],
  'resource.aws_s3_bucket_policy': ['s3:PutBucketPolicy', 's3:GetBucketPolicy', 's3:DeleteBucketPolicy'],
  'resource.aws_s3_bucket_public_access_block': ['s3:PutBucketPublicAccessBlock', 's3:GetBucketPublicAccessBlock'],
  'resource.aws_s3_bucket_server_side_encryption_configuration': ['s3:PutEncryptionConfiguration', 's3:GetEncryptionConfiguration'],
  'resource.aws_security_group': [
    'ec2:CreateSecurityGroup',
    'ec2:DescribeSecurityGroups',
    'ec2:DescribeSecurityGroupRules',
    'ec2:RevokeSecurityGroupEgress',
    'ec2:DeleteSecurityGroup',
    ...EC2_TAGS,
  ],
  'resource.aws_sns_topic': ['sns:CreateTopic', 'sns:GetTopicAttributes', 'sns:SetTopicAttributes', 'sns:DeleteTopic', 'sns:ListTagsForResource', ...TAGS('sns')],
  'resource.aws_sns_topic_policy': ['sns:SetTopicAttributes', 'sns:GetTopicAttributes'],
  'resource.aws_subnet': ['ec2:CreateSubnet', 'ec2:DescribeSubnets', 'ec2:ModifySubnetAttribute', 'ec2:DeleteSubnet', ...EC2_TAGS],
  'resource.aws_vpc': ['ec2:CreateVpc', 'ec2:DescribeVpcs', 'ec2:DescribeVpcAttribute', 'ec2:ModifyVpcAttribute', 'ec2:DeleteVpc', ...EC2_TAGS],
  'resource.aws_vpc_endpoint': ['ec2:CreateVpcEndpoint', 'ec2:DescribeVpcEndpoints', 'ec2:ModifyVpcEndpoint', 'ec2:DeleteVpcEndpoints', 'ec2:DescribePrefixLists', ...EC2_TAGS],
  'resource.aws_vpc_security_group_egress_rule': [
    'ec2:AuthorizeSecurityGroupEgress',
    'ec2:DescribeSecurityGroupRules',
    'ec2:ModifySecurityGroupRules',
    'ec2:RevokeSecurityGroupEgress',
    ...EC2_TAGS,
  ],
  'resource.aws_vpc_security_group_ingress_rule': [
    'ec2:AuthorizeSecurityGroupIngress',
    'ec2:DescribeSecurityGroupRules',
    'ec2:ModifySecurityGroupRules',
    'ec2:RevokeSecurityGroupIngress',
    ...EC2_TAGS,
  ],
  'resource.aws_wafv2_web_acl': ['wafv2:CreateWebACL', 'wafv2:GetWebACL', 'wafv2:UpdateWebACL', 'wafv2:DeleteWebACL', 'wafv2:ListTagsForResource', ...TAGS('wafv2')],
  'resource.aws_wafv2_web_acl_association': ['wafv2:AssociateWebACL', 'wafv2:GetWebACLForResource', 'wafv2:DisassociateWebACL', 'elasticloadbalancing:SetWebAcl'],
  // Pushing the image: the provider's registry calls, after the token above.
  'resource.docker_image': [],
  'resource.docker_registry_image': [
    'ecr:BatchCheckLayerAvailability',
    'ecr:InitiateLayerUpload',
    'ecr:UploadLayerPart',
    'ecr:CompleteLayerUpload',
    'ecr:PutImage',
    'ecr:BatchGetImage',
    'ecr:BatchDeleteImage',
  ],
};

/**
 * Actions that AWS authorizes only on `*` (listing and describing across a service, creating what
 * has no ARN yet): the deploy role gets them on `*`, and the IAM rules accept that.
 */
export const DEPLOY_ACTIONS_ON_ANY_RESOURCE: ReadonlySet<string> = new Set([
  'ec2:DescribeAddresses',
  'ec2:DescribeAddressesAttribute',
  'ec2:DescribeFlowLogs',
  'ec2:DescribeInternetGateways',
  'ec2:DescribeNatGateways',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribePrefixLists',
  'ec2:DescribeRouteTables',
  'ec2:DescribeSecurityGroupRules',
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeSubnets',
  'ec2:DescribeVpcAttribute',
  'ec2:DescribeVpcEndpoints',
  'ec2:DescribeVpcs',
  'ecr:GetAuthorizationToken',
  'elasticloadbalancing:DescribeListenerAttributes',
  'elasticloadbalancing:DescribeListeners',
  'elasticloadbalancing:DescribeLoadBalancerAttributes',
  'elasticloadbalancing:DescribeLoadBalancers',
  'elasticloadbalancing:DescribeTags',
  'elasticloadbalancing:DescribeTargetGroupAttributes',
  'elasticloadbalancing:DescribeTargetGroups',
  'application-autoscaling:DescribeScalableTargets',
  'application-autoscaling:DescribeScalingPolicies',
  'acm:RequestCertificate',
  'route53:CreateHostedZone',
  'kms:CreateKey',
  'rds:DescribeDBClusters',
  'rds:DescribeDBInstances',
  'rds:DescribeDBSubnetGroups',
  'ecs:RegisterTaskDefinition',
  'ecs:DescribeTaskDefinition',
  'ecs:DeregisterTaskDefinition',
  'elasticfilesystem:DescribeMountTargets',
  'backup-storage:MountCapsule',
  'logs:DescribeLogGroups',
]);

/** Every action of the given types, sorted and once each. */
export function deployActions(types: Iterable<DeployedType> = Object.keys(DEPLOY_ACTIONS) as DeployedType[]): string[] {
  return [...new Set([...types].flatMap((type) => DEPLOY_ACTIONS[type] ?? []))].sort();
}

/** Where the deploy role may act: this account and region, this project's names, and not the state bucket. */
export interface DeployScope {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  /** The project prefix every physical name starts with. */
  readonly project: string;
  /** The state bucket: the role reaches it only through the state grants. */
  readonly stateBucketArn: string;
}

/** The ARNs one service's actions are granted on. */
function serviceResources(service: string, scope: DeployScope): string[] {
  const { partition: p, region, account, project } = scope;
  switch (service) {
    case 'iam':
      return [`arn:${p}:iam::${account}:role/${project}-*`, `arn:${p}:iam::${account}:policy/${project}-*`];
    case 's3':
      return [`arn:${p}:s3:::${project}-*`];
    case 'route53':
      return [`arn:${p}:route53:::hostedzone/*`, `arn:${p}:route53:::change/*`];
    case 'cloudwatch':
      // Dashboards are global: their ARNs name no region.
      return [`arn:${p}:cloudwatch:${region}:${account}:alarm:*`, `arn:${p}:cloudwatch::${account}:dashboard/${project}-*`];
    default:
      return [`arn:${p}:${service}:${region}:${account}:*`];
  }
}

const sidOf = (service: string) => `Deploy${service.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase())}`;

/**
 * The deploy role's statements: the actions of `types`, each service's on its ARNs in this
 * account and region (IAM and S3 on the project's names), the few AWS authorizes only on `*`
 * there, and a Deny that keeps the role from reconfiguring or deleting the state bucket.
 */
export function deployStatements(scope: DeployScope, types?: Iterable<DeployedType>): PolicyStatement[] {
  const actions = deployActions(types);
  const anyResource = actions.filter((a) => DEPLOY_ACTIONS_ON_ANY_RESOURCE.has(a));
  const byService = new Map<string, string[]>();
  for (const action of actions.filter((a) => !DEPLOY_ACTIONS_ON_ANY_RESOURCE.has(a))) {
    const service = action.split(':')[0];
    byService.set(service, [...(byService.get(service) ?? []), action]);
  }
  const bucketWrites = actions.filter((a) => a.startsWith('s3:') && !/^s3:(Get|List)/.test(a));
  return [
    ...[...byService].map(([service, list]) => ({ sid: sidOf(service), actions: list, resources: serviceResources(service, scope) })),
    ...(anyResource.length > 0 ? [{ sid: 'DeployDescribe', actions: anyResource, resources: ['*'] }] : []),
    ...(bucketWrites.length > 0 ? [{ sid: 'KeepStateBucket', effect: 'Deny' as const, actions: bucketWrites, resources: [scope.stateBucketArn] }] : []),
  ];
}
