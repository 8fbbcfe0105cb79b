/** The `service` stack: the API image in ECR, run on ECS Fargate behind an application load balancer. */
import { Annotations, TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { BaseStack, BaseStackProps } from './base-stack';
import { ContainerImage } from './constructs/container-image';
import { FargateService } from './constructs/fargate-service';
import { dynamodbReadStatement } from './constructs/iam';
import { LoadBalancer } from './constructs/load-balancer';
import { physicalName } from './naming';
import type { PolicyContext } from './policy/engine';
import { BOOKMARK_RESOURCE_INDEX, privateEgressWarning, RESOURCE_CATEGORY_INDEX } from './service-settings';

/** What the service needs of a table; the data stack's `SeededTable` satisfies it. */
export interface ReadableTable {
  readonly tableName: string;
  readonly tableArn: string;
  readonly indexNames: readonly string[];
  /** `<tableArn>/index/<name>`, in the order of `indexNames`. */
  readonly indexArns: readonly string[];
}

/** The subnets and VPC the service runs in; the network stack's `Network` satisfies it. */
export interface ServiceNetwork {
  readonly vpcId: string;
  readonly publicSubnetIds: readonly string[];
  readonly privateSubnetIds: readonly string[];
}

/** Props of {@link ServiceStack}; network and tables come from other stacks as references. */
export interface ServiceStackProps extends BaseStackProps {
  readonly network: ServiceNetwork;
  readonly tables: { readonly category: ReadableTable; readonly resource: ReadableTable; readonly bookmark: ReadableTable };
}

/** ECR repository and image, load balancer, and the Fargate service reading the three tables. */
export class ServiceStack extends BaseStack {
  readonly image: ContainerImage;
  readonly loadBalancer: LoadBalancer;
  readonly service: FargateService;

  constructor(scope: Construct, id: 'service', props: ServiceStackProps) {
    super(scope, id, props);
    const { region } = this.config;
    const settings = this.config.service;
    const { network, tables } = props;
    requireIndex(tables.resource, 'resource', RESOURCE_CATEGORY_INDEX);
    requireIndex(tables.bookmark, 'bookmark', BOOKMARK_RESOURCE_INDEX);
    const egress = privateEgressWarning(settings, this.config.network);
    if (egress) Annotations.of(this).addWarning(`ServiceStack: ${egress}`);

    this.image = new ContainerImage(this, 'image', {
      repositoryName: physicalName(this.config, 'service'),
      source: settings.image,
      cpuArchitecture: settings.cpuArchitecture,
      keepImages: settings.repository.keepImages,
      forceDelete: settings.repository.forceDelete,
    });

    const lb = settings.loadBalancer;
    this.loadBalancer = new LoadBalancer(this, 'alb', {
      name: physicalName(this.config),
      vpcId: network.vpcId,
      subnetIds: lb.internal ? network.privateSubnetIds : network.publicSubnetIds,
      internal: lb.internal,
      ingressCidrs: lb.ingressCidrs,
      certificateArn: lb.protocol === 'HTTPS' ? lb.certificateArn : undefined,
      deletionProtection: lb.deletionProtection,
      targetPort: settings.container.port,
      healthCheck: { path: lb.healthCheckPath, successCodes: lb.healthCheckSuccessCodes },
      deregistrationDelaySeconds: lb.deregistrationDelaySeconds,
    });

    const { container } = settings;
    this.service = new FargateService(this, 'app', {
      name: physicalName(this.config, 'service'),
      region,
      vpcId: network.vpcId,
      subnetIds: settings.taskSubnets === 'public' ? network.publicSubnetIds : network.privateSubnetIds,
      assignPublicIp: settings.taskSubnets === 'public',
      loadBalancer: this.loadBalancer,
      image: this.image,
      cpu: settings.cpu,
      memoryMiB: settings.memoryMiB,
      cpuArchitecture: settings.cpuArchitecture,
      containerPort: container.port,
      // Exactly the variables service/src/config.ts reads.
      environment: {
        PORT: String(container.port),
        AWS_REGION: region,
        CATEGORY_TABLE: tables.category.tableName,
        RESOURCE_TABLE: tables.resource.tableName,
        BOOKMARK_TABLE: tables.bookmark.tableName,
        RESOURCE_CATEGORY_INDEX,
        BOOKMARK_RESOURCE_INDEX,
        LOG_LEVEL: container.logLevel,
        SHUTDOWN_TIMEOUT_MS: String(container.shutdownTimeoutMs),
      },
      secrets: settings.secrets,
      user: container.user,
      readonlyRootFilesystem: container.readonlyRootFilesystem,
      writablePaths: container.writablePaths,
      stopTimeoutSeconds: container.stopTimeoutSeconds,
      logRetentionDays: settings.logRetentionDays,
      taskPolicyStatements: [dynamodbReadStatement([tables.category, tables.resource, tables.bookmark])],
      containerInsights: settings.containerInsights,
      desiredCount: settings.desiredCount,
      minHealthyPercent: settings.minHealthyPercent,
      maxPercent: settings.maxPercent,
      healthCheckGracePeriodSeconds: settings.healthCheckGracePeriodSeconds,
      enableExecuteCommand: settings.enableExecuteCommand,
      spot: settings.spot,
      capacityProviderStrategy: settings.capacityProviderStrategy,
      autoScaling: settings.autoScaling,
    });

    new TerraformOutput(this, 'service_url', { value: this.loadBalancer.url, description: 'URL of the service' });
    new TerraformOutput(this, 'alb_dns_name', { value: this.loadBalancer.dnsName, description: 'DNS name of the load balancer' });
    new TerraformOutput(this, 'cluster_name', { value: this.service.clusterName, description: 'ECS cluster' });
    new TerraformOutput(this, 'service_name', { value: this.service.serviceName, description: 'ECS service' });
    new TerraformOutput(this, 'ecr_repository_url', { value: this.image.repositoryUrl, description: 'ECR repository of the service image' });
    new TerraformOutput(this, 'image_uri', { value: this.image.imageUri, description: 'Image the task runs (by digest when built)' });
  }

  /** Public task IPs are a configured choice here (`taskSubnets: public`), not an accident. */
  protected policyContext(): PolicyContext {
    return { ...super.policyContext(), allowPublicTaskIp: this.config.service.taskSubnets === 'public' };
  }
}

function requireIndex(table: ReadableTable, key: string, index: string): void {
  if (!table.indexNames.includes(index)) {
    throw new Error(
      `ServiceStack: tables.${key} has no index "${index}" (it has ${table.indexNames.join(', ') || 'none'}); the service queries it, so add it to data/${key}.table.json`,
    );
  }
}
