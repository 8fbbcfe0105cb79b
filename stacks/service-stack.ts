/**
 * The `service` stack: the configured Fargate services in one cluster, behind an internet-facing
 * and/or an internal load balancer, with Route 53 names for both (the DualAlbFargateService pattern).
 */
import { Annotations, TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { BaseStack, type BaseStackProps } from './base-stack';
import { DnsValidatedCertificate } from './constructs/certificate';
import { FargateCluster } from './constructs/cluster';
import { AliasRecord, PrivateHostedZone } from './constructs/dns';
import { dynamodbReadStatement } from './lib/iam';
import { LoadBalancer } from './constructs/load-balancer';
import { accessLogBucket } from './shared/access-logs';
import type { LogBucket } from './constructs/log-bucket';
import { WebAcl } from './constructs/web-acl';
import { Dashboard } from './constructs/dashboard';
import { MetricAlarms } from './constructs/metric-alarms';
import { loadBalancerAlarms, serviceAlarms, tableAlarms, webAclAlarms, type Watched } from './lib/alarm-catalogue';
import { LoadBalancedFargateService, type ServiceTargetProps } from './constructs/patterns/load-balanced-fargate-service';
import { CONTAINER_NAME, clusterName, loadBalancerName, physicalName, privateZoneName, serviceName, serviceUrlVariable } from './lib/naming';
import { nodeHealthCheck } from './lib/node-health-check';
import type { PolicyContext } from './policy/engine';
import { adoptOneServiceLayout } from './lib/service-moves';
import { BOOKMARK_RESOURCE_INDEX, privateEgressWarning, RESOURCE_CATEGORY_INDEX, runsCatalogImage, type ServiceSettings } from './settings/service';
import { fargateServiceProps, type ServiceNetwork } from './shared/service-props';

/** What the service needs of a table; the data stack's `SeededTable` satisfies it. */
export interface ReadableTable {
  readonly tableName: string;
  readonly tableArn: string;
  readonly indexNames: readonly string[];
  /** `<tableArn>/index/<name>`, in the order of `indexNames`. */
  readonly indexArns: readonly string[];
}

/** Props of {@link ServiceStack}; network and tables come from other stacks as references. */
export interface ServiceStackProps extends BaseStackProps {
  readonly network: ServiceNetwork;
  readonly tables: { readonly category: ReadableTable; readonly resource: ReadableTable; readonly bookmark: ReadableTable };
  /**
   * The network stack's alarm topic; every alarm of the stack notifies it.
   * @default - no alarms and no dashboard (the local environment, or alarms off)
   */
  readonly alarmTopicArn?: string;
}

/** One configured service: its image (`images.image`), task, target groups and ECS service. */
export type DeployedService = LoadBalancedFargateService<'image'>;

export { CONTAINER_NAME };

/** A shared cluster, the load balancers the services need, their DNS names, and each service. */
export class ServiceStack extends BaseStack {
  readonly cluster: FargateCluster;
  /** Internet-facing; only when some service is external. */
  readonly externalLoadBalancer?: LoadBalancer;
  /** Access logs of the internet-facing load balancer; only when some service is external and the logs are on. */
  readonly accessLogs?: LogBucket;
  /** The WAF in front of the internet-facing load balancer; only when it exists and the settings ask for it. */
  readonly webAcl?: WebAcl;
  /** In the private subnets; only when some service is internal. */
  readonly internalLoadBalancer?: LoadBalancer;
  /** Private names of the load balancers; only with an internal load balancer. */
  readonly zone?: PrivateHostedZone;
  /** Each configured service by name. */
  readonly services: ReadonlyMap<string, DeployedService>;
  /** Each service's alarms by service name; only with alarms on. */
  readonly serviceAlarms: ReadonlyMap<string, MetricAlarms>;
  /** The environment's dashboard; only with alarms on. */
  readonly dashboard?: Dashboard;

  constructor(scope: Construct, id: 'service', props: ServiceStackProps) {
    super(scope, id, props);
    const settings = this.config.service;
    const { network, tables } = props;
    requireIndex(tables.resource, 'resource', RESOURCE_CATEGORY_INDEX);
    requireIndex(tables.bookmark, 'bookmark', BOOKMARK_RESOURCE_INDEX);
    for (const service of settings.services) {
      const egress = privateEgressWarning(service, this.config.network);
      if (egress) Annotations.of(this).addWarning(`ServiceStack: ${egress}`);
    }

    this.cluster = new FargateCluster(this, 'cluster', { name: clusterName(this.config), containerInsights: settings.containerInsights });
    const lbSettings = settings.loadBalancers;
    if (settings.services.some((s) => s.external)) {
      this.accessLogs = accessLogBucket(this, this.config, lbSettings);
      this.externalLoadBalancer = new LoadBalancer(this, 'alb', {
        name: loadBalancerName(this.config, 'external'),
        vpcId: network.vpcId,
        subnetIds: network.publicSubnetIds,
        ingressCidrs: lbSettings.ingressCidrs,
        deletionProtection: lbSettings.deletionProtection,
        accessLogs: this.accessLogs,
      });
      if (lbSettings.webAcl) {
        this.webAcl = new WebAcl(this, 'waf', { name: loadBalancerName(this.config, 'external') });
        this.webAcl.associate(this.externalLoadBalancer);
      }
    }
    if (settings.services.some((s) => s.internal)) {
      this.internalLoadBalancer = new LoadBalancer(this, 'internal-alb', {
        name: loadBalancerName(this.config, 'internal'),
        vpcId: network.vpcId,
        subnetIds: network.privateSubnetIds,
        internal: true,
        deletionProtection: lbSettings.deletionProtection,
      });
      this.zone = new PrivateHostedZone(this, 'zone', { zoneName: settings.dns.privateZoneName ?? privateZoneName(this.config), vpcId: network.vpcId });
      this.zone.addAlias('internal', this.internalLoadBalancer);
      if (this.externalLoadBalancer) this.zone.addAlias('external', this.externalLoadBalancer);
    }
    const publicCertificateArn = this.addPublicName();

    const servicesScope = new Construct(this, 'services');
    const deployed = new Map<string, DeployedService>();
    const scopes = new Map<string, Construct>();
    for (const service of settings.services) {
      scopes.set(service.name, new Construct(servicesScope, service.name));
      deployed.set(service.name, this.addService(scopes.get(service.name) as Construct, service, props, publicCertificateArn));
    }
    // Each consumer may reach exactly the internal listener ports of the services it calls.
    for (const service of settings.services) {
      for (const consumed of service.consumes) {
        const port = settings.services.find((s) => s.name === consumed)?.internal?.port;
        if (this.internalLoadBalancer && port !== undefined) {
          deployed.get(service.name)?.service.allowTo(this.internalLoadBalancer, port, `${service.name} calls ${consumed}`);
        }
      }
    }
    this.services = deployed;
    const monitoring = this.addAlarms(props, scopes);
    this.serviceAlarms = monitoring.byService;
    this.dashboard = monitoring.dashboard;
    adoptOneServiceLayout(this, this.config);
    this.addOutputs(settings.services);
  }

  /**
   * Each service's alarms (its rollback list naming its own target groups' 5xx-rate and p99),
   * the load balancers' and the web ACL's, and one dashboard that also graphs the tables, whose
   * alarms the data stack owns.
   */
  private addAlarms(props: ServiceStackProps, scopes: ReadonlyMap<string, Construct>): { byService: Map<string, MetricAlarms>; dashboard?: Dashboard } {
    const byService = new Map<string, MetricAlarms>();
    const { alarms, service: settings } = this.config;
    const topicArn = props.alarmTopicArn;
    if (!alarms.enabled || topicArn === undefined) return { byService };
    const shown: Watched[] = [];
    for (const service of settings.services) {
      const deployed = this.services.get(service.name) as DeployedService;
      const watched = serviceAlarms({
        serviceName: serviceName(this.config, service.name),
        clusterName: clusterName(this.config),
        targets: deployed.targets.map((t) => ({
          label: t.loadBalancer.internal ? 'internal' : 'external',
          loadBalancerArnSuffix: t.loadBalancer.arnSuffix,
          targetGroupArnSuffix: t.targetGroupArnSuffix,
        })),
        containerInsights: settings.containerInsights !== 'disabled',
        thresholds: { ...alarms.service, ...service.alarms },
        evaluation: alarms.serviceEvaluation,
      });
      // Beside the service's other pieces, in its own scope.
      const serviceAlarmSet = new MetricAlarms(scopes.get(service.name) as Construct, 'alarms', { watched, topicArn });
      deployed.service.useDeploymentAlarms(serviceAlarmSet.rollbackAlarmNames(), alarms.rollback);
      byService.set(service.name, serviceAlarmSet);
      shown.push(watched);
    }
    const resource = (watched: Watched, id: string) => {
      new MetricAlarms(this, id, { watched, topicArn });
      shown.push(watched);
    };
    if (this.externalLoadBalancer) resource(loadBalancerAlarms(this.externalLoadBalancer, alarms.resource, alarms.resourceEvaluation), 'alb-alarms');
    if (this.internalLoadBalancer) resource(loadBalancerAlarms(this.internalLoadBalancer, alarms.resource, alarms.resourceEvaluation), 'internal-alb-alarms');
    if (this.webAcl) resource(webAclAlarms({ metricName: this.webAcl.metricName, region: this.config.region }, alarms.resource, alarms.resourceEvaluation), 'waf-alarms');
    for (const table of [props.tables.category, props.tables.resource, props.tables.bookmark]) {
      shown.push(tableAlarms(table.tableName, alarms.resource, alarms.resourceEvaluation));
    }
    const dashboard = new Dashboard(this, 'dashboard', { name: physicalName(this.config), region: this.config.region, watched: shown });
    return { byService, dashboard };
  }

  /** The consumer's URL of an internal service: `http://internal.<zone>[:port]`. */
  internalUrl(service: ServiceSettings): string | undefined {
    if (!service.internal || !this.zone) return undefined;
    return `http://internal.${this.zone.zoneName}${service.internal.port === 80 ? '' : `:${service.internal.port}`}`;
  }

  /** The public record name of the external load balancer with its DNS-validated certificate, if configured. */
  private addPublicName(): string | undefined {
    const { publicZoneId, publicRecordName } = this.config.service.dns;
    if (!this.externalLoadBalancer || publicZoneId === undefined || publicRecordName === undefined) return undefined;
    new AliasRecord(this, 'public-name', { zoneId: publicZoneId, name: publicRecordName, target: this.externalLoadBalancer });
    return new DnsValidatedCertificate(this, 'public-certificate', { domainName: publicRecordName, zoneId: publicZoneId }).certificateArn;
  }

  private addService(scope: Construct, service: ServiceSettings, props: ServiceStackProps, publicCertificateArn?: string): DeployedService {
    const settings = this.config.service;
    const name = serviceName(this.config, service.name);
    const { target, ...fargate } = fargateServiceProps(service, {
      region: this.config.region,
      network: props.network,
      logRetentionDays: settings.logRetentionDays,
      loadBalancers: settings.loadBalancers,
    });
    const targets: ServiceTargetProps[] = [];
    if (service.external && this.externalLoadBalancer) {
      // With a public name, external services serve HTTPS with its certificate (port 80 then redirects).
      const { port, certificateArn } = service.external;
      targets.push({
        loadBalancer: this.externalLoadBalancer,
        ...(publicCertificateArn ? { port: port === 80 ? 443 : port, certificateArn: publicCertificateArn } : { port, certificateArn }),
        ...target,
      });
    }
    if (service.internal && this.internalLoadBalancer) targets.push({ loadBalancer: this.internalLoadBalancer, port: service.internal.port, ...target });
    const consumed = Object.fromEntries(
      service.consumes.flatMap((other) => {
        const url = this.internalUrl(settings.services.find((s) => s.name === other) as ServiceSettings);
        return url ? [[serviceUrlVariable(other), url]] : [];
      }),
    );
    const { container } = service;
    const deployed = new LoadBalancedFargateService(scope, service.name, {
      ...fargate,
      service: { ...fargate.service, release: service.release },
      name,
      cluster: this.cluster,
      images: { image: { repositoryName: name, source: service.image, ...settings.repository } },
      containers: [
        {
          name: CONTAINER_NAME,
          image: 'image',
          ports: [{ containerPort: service.containerPort }],
          environment: { ...(service.catalog ? this.catalogEnvironment(service, props) : {}), ...consumed, ...service.environment },
          secrets: service.secrets,
          user: container.user,
          readonlyRootFilesystem: container.readonlyRootFilesystem,
          writablePaths: container.writablePaths,
          stopTimeoutSeconds: container.stopTimeoutSeconds,
          // The catalog image is ours and has node; other images may not, so they keep only the load balancer's check.
          healthCheck: runsCatalogImage(service) ? nodeHealthCheck({ port: service.containerPort, path: service.healthCheck.path, codes: service.healthCheck.codes }) : undefined,
        },
      ],
      targets,
      // Construct ids are Terraform addresses: each service deployed so far has its ECS service under `ecs`.
      constructIds: { service: 'ecs' },
    });
    if (service.catalog) deployed.task.addToTaskPolicy(dynamodbReadStatement([props.tables.category, props.tables.resource, props.tables.bookmark]));
    return deployed;
  }

  /** Exactly the variables service/src/config.ts reads, for a service running the catalog API. */
  private catalogEnvironment(service: ServiceSettings, props: ServiceStackProps): Record<string, string> {
    const { tables } = props;
    return {
      PORT: String(service.containerPort),
      AWS_REGION: this.config.region,
      CATEGORY_TABLE: tables.category.tableName,
      RESOURCE_TABLE: tables.resource.tableName,
      BOOKMARK_TABLE: tables.bookmark.tableName,
      RESOURCE_CATEGORY_INDEX,
      BOOKMARK_RESOURCE_INDEX,
      LOG_LEVEL: service.container.logLevel,
      SHUTDOWN_TIMEOUT_MS: String(service.container.shutdownTimeoutMs),
    };
  }

  private addOutputs(services: readonly ServiceSettings[]): void {
    const output = (id: string, value: string, description: string) => new TerraformOutput(this, id, { value, description });
    output('cluster_name', this.cluster.clusterName, 'ECS cluster of every service');
    if (this.externalLoadBalancer) output('alb_dns_name', this.externalLoadBalancer.dnsName, 'DNS name of the internet-facing load balancer');
    if (this.internalLoadBalancer) output('internal_alb_dns_name', this.internalLoadBalancer.dnsName, 'DNS name of the internal load balancer');
    if (this.zone) output('private_zone_name', this.zone.zoneName, 'Private hosted zone of internal.<zone> and external.<zone>');
    services.forEach((settings, i) => {
      const deployed = this.services.get(settings.name) as DeployedService;
      const url = deployed.targets.find((t) => !t.loadBalancer.internal)?.url ?? this.internalUrl(settings) ?? '';
      // The first service keeps the output names of the one-service layout; with several, each also has its own.
      const names = [...(i === 0 ? [''] : []), ...(services.length > 1 ? [`${settings.name}_`] : [])];
      for (const prefix of names) {
        output(`${prefix}service_url`, url, `URL of ${settings.name}`);
        output(`${prefix}service_name`, deployed.service.serviceName, `ECS service of ${settings.name}`);
        output(`${prefix}ecr_repository_url`, deployed.images.image.repositoryUrl, `ECR repository of ${settings.name}`);
        output(`${prefix}image_uri`, deployed.images.image.imageUri, `Image ${settings.name} runs (by digest when built)`);
      }
    });
  }

  /** Public task IPs are a configured choice here (`subnets: public`), not an accident. */
  protected policyContext(): PolicyContext {
    return { ...super.policyContext(), allowPublicTaskIp: this.config.service.services.some((s) => s.subnets === 'public') };
  }
}

function requireIndex(table: ReadableTable, key: string, index: string): void {
  if (!table.indexNames.includes(index)) {
    throw new Error(
      `ServiceStack: tables.${key} has no index "${index}" (it has ${table.indexNames.join(', ') || 'none'}); the service queries it, so add it to data/${key}.table.json`,
    );
  }
}
