/**
 * The opt-in `wordpress` stack: WordPress on Fargate, composed of the construct library. One task
 * holds nginx and php-fpm (talking over the task's loopback), the web root lives on EFS and the
 * data in Aurora MySQL Serverless v2, and an internet-facing ALB sits in front.
 */
import { Annotations, TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import { BaseStack, type BaseStackProps } from './base-stack';
import { AuroraServerless } from './constructs/aurora-serverless';
import { BackupPlan } from './constructs/backup-plan';
import { FargateCluster } from './constructs/cluster';
import { EfsFileSystem, subnetsInZones } from './constructs/efs-file-system';
import { LoadBalancer } from './constructs/load-balancer';
import { accessLogBucket } from './shared/access-logs';
import { BASELINE_RULE_GROUPS, WebAcl, WORDPRESS_RULE_GROUPS } from './constructs/web-acl';
import { LoadBalancedFargateService, type ServiceContainerProps } from './constructs/patterns/load-balanced-fargate-service';
import { physicalName } from './lib/naming';
import { databaseAlarms, fileSystemAlarms, loadBalancerAlarms, serviceAlarms, webAclAlarms, type Watched } from './lib/alarm-catalogue';
import { Dashboard } from './constructs/dashboard';
import { MetricAlarms } from './constructs/metric-alarms';
import type { PolicyContext } from './policy/engine';
import { fargateServiceProps, type ServiceNetwork } from './shared/service-props';
import { upstreamNginxWarning, wordpressEgressWarning } from './settings/wordpress';

/** The VPC, subnets and their zones; the network stack's `Network` satisfies it. */
export interface WordPressNetwork extends ServiceNetwork {
  /** Zones of the subnet lists, in their order: the file system gets one mount target per zone. */
  readonly availabilityZones: readonly string[];
}

/** Props of {@link WordPressStack}; the network comes from the network stack as references. */
export interface WordPressStackProps extends BaseStackProps {
  readonly network: WordPressNetwork;
  /**
   * The network stack's alarm topic; every alarm of the stack notifies it.
   * @default - no alarms and no dashboard (alarms off)
   */
  readonly alarmTopicArn?: string;
}

/** The containers of the task and what they share. */
export const NGINX_CONTAINER = 'nginx';
export const PHP_CONTAINER = 'php';
/** nginx-unprivileged listens here as uid 101; the load balancer sends to it. */
export const NGINX_PORT = 8080;
/** php-fpm's FastCGI port on the task's loopback (service/wordpress/nginx/default.conf). */
export const PHP_FPM_PORT = 9000;
/** Where both images expect WordPress: the EFS volume. */
export const WEB_ROOT = '/var/www/html';
export const WEB_ROOT_VOLUME = 'webroot';
/** The directory of the file system that the access point exposes as the web root. */
export const WEB_ROOT_DIRECTORY = '/wordpress';
/** Users of the two images: nginx-unprivileged's nginx, and www-data, the owner the access point enforces. */
export const NGINX_USER = '101';
export const PHP_USER = '33';

/** nginx, php-fpm, EFS and Aurora behind an ALB, in a cluster of their own. */
export class WordPressStack extends BaseStack {
  readonly cluster: FargateCluster;
  readonly loadBalancer: LoadBalancer;
  readonly fileSystem: EfsFileSystem;
  readonly database: AuroraServerless;
  /** Daily recovery points of the file system and the database; only when the settings keep some. */
  readonly backupPlan?: BackupPlan;
  /** The images, the task of nginx and php-fpm, the target group of nginx's port (with the site's URL) and the service. */
  readonly site: LoadBalancedFargateService<'nginx-image' | 'php-image'>;
  /** The site's own dashboard; only with alarms on. */
  readonly dashboard?: Dashboard;

  constructor(scope: Construct, id: 'wordpress', props: WordPressStackProps) {
    super(scope, id, props);
    const settings = this.config.wordpress;
    const { network } = props;
    const name = physicalName(this.config, 'wordpress');
    for (const warning of [wordpressEgressWarning(settings, this.config.network), upstreamNginxWarning(settings)]) {
      if (warning) Annotations.of(this).addWarning(`WordPressStack: ${warning}`);
    }

    // A cluster of its own: the stack is deployed and destroyed apart from the service stack.
    this.cluster = new FargateCluster(this, 'cluster', { name, containerInsights: settings.containerInsights });
    this.fileSystem = new EfsFileSystem(this, 'files', {
      name,
      vpcId: network.vpcId,
      mountTargets: subnetsInZones(network.availabilityZones, network.privateSubnetIds),
      accessPoint: { path: WEB_ROOT_DIRECTORY },
      ...settings.fileSystem,
    });
    this.database = new AuroraServerless(this, 'database', {
      name,
      vpcId: network.vpcId,
      subnetIds: network.privateSubnetIds,
      ...settings.database,
      logRetentionDays: settings.logRetentionDays,
    });
    if (settings.backupPlanDays > 0) {
      this.backupPlan = new BackupPlan(this, 'backup', { name, retentionDays: settings.backupPlanDays, forceDestroy: !settings.database.deletionProtection });
      this.backupPlan.addResource(this.fileSystem.fileSystemArn);
      this.backupPlan.addResource(this.database.clusterArn);
    }
    this.loadBalancer = new LoadBalancer(this, 'alb', {
      name,
      vpcId: network.vpcId,
      subnetIds: network.publicSubnetIds,
      ingressCidrs: settings.loadBalancer.ingressCidrs,
      deletionProtection: settings.loadBalancer.deletionProtection,
      accessLogs: accessLogBucket(this, this.config, settings.loadBalancer, 'wordpress-logs'),
    });
    let webAcl: WebAcl | undefined;
    if (settings.loadBalancer.webAcl) {
      // The login form and xmlrpc.php draw credential stuffing; the WordPress and PHP groups know their exploits.
      webAcl = new WebAcl(this, 'waf', { name, managedRuleGroups: [...BASELINE_RULE_GROUPS, ...WORDPRESS_RULE_GROUPS] });
      webAcl.associate(this.loadBalancer);
    }

    const { target, service, ...fargate } = fargateServiceProps(settings, {
      region: this.config.region,
      network,
      logRetentionDays: settings.logRetentionDays,
      loadBalancers: settings.loadBalancer,
    });
    const image = (key: 'nginx' | 'php') => ({ repositoryName: physicalName(this.config, 'wordpress', key), source: settings.images[key], ...settings.repository });
    this.site = new LoadBalancedFargateService(this, 'wordpress', {
      ...fargate,
      name,
      cluster: this.cluster,
      images: { 'nginx-image': image('nginx'), 'php-image': image('php') },
      // Through the access point, with TLS and the task role's identity; the role may write because php mounts it read-write.
      volumes: { [WEB_ROOT_VOLUME]: { efs: { fileSystem: this.fileSystem } } },
      containers: this.containers(),
      targetContainer: NGINX_CONTAINER,
      // With a certificate, 443 serves HTTPS and the load balancer adds the port-80 redirect.
      targets: [{ loadBalancer: this.loadBalancer, port: settings.certificateArn ? 443 : 80, certificateArn: settings.certificateArn, ...target }],
      // A task that starts before the mount targets exist cannot mount the web root.
      service: { ...service, dependsOn: this.fileSystem.mountTargets },
    });
    // The file system and the database admit the tasks' group, and nothing else.
    this.site.service.allowTo(this.fileSystem, this.fileSystem.port, 'the WordPress web root');
    this.site.service.allowTo(this.database, this.database.port, 'the WordPress database');

    this.dashboard = this.addAlarms(name, props.alarmTopicArn, webAcl);
    this.addOutputs();
  }

  /** The service's alarms (it rolls back on its 5xx rate and p99), the load balancer's, the database's and the file system's, and their dashboard. */
  private addAlarms(name: string, topicArn: string | undefined, webAcl: WebAcl | undefined): Dashboard | undefined {
    const { alarms, wordpress: settings } = this.config;
    if (!alarms.enabled || topicArn === undefined) return undefined;
    const evaluation = alarms.resourceEvaluation;
    const site = serviceAlarms({
      serviceName: name,
      clusterName: name,
      targets: this.site.targets.map((t) => ({ label: 'external', loadBalancerArnSuffix: t.loadBalancer.arnSuffix, targetGroupArnSuffix: t.targetGroupArnSuffix })),
      containerInsights: settings.containerInsights !== 'disabled',
      thresholds: alarms.service,
      evaluation: alarms.serviceEvaluation,
    });
    const siteAlarms = new MetricAlarms(this, 'service-alarms', { watched: site, topicArn });
    this.site.service.useDeploymentAlarms(siteAlarms.rollbackAlarmNames(), alarms.rollback);
    const watched: Watched[] = [
      site,
      loadBalancerAlarms(this.loadBalancer, alarms.resource, evaluation),
      databaseAlarms({ name, clusterIdentifier: this.database.clusterIdentifier, maxCapacityAcu: settings.database.maxCapacityAcu }, alarms.resource, evaluation),
      fileSystemAlarms({ name, fileSystemId: this.fileSystem.fileSystemId, throughputMode: settings.fileSystem.throughputMode }, alarms.resource, evaluation),
      ...(webAcl ? [webAclAlarms({ metricName: webAcl.metricName, region: this.config.region }, alarms.resource, evaluation)] : []),
    ];
    const ids = ['alb-alarms', 'database-alarms', 'files-alarms', 'waf-alarms'];
    watched.slice(1).forEach((w, i) => new MetricAlarms(this, ids[i], { watched: w, topicArn }));
    return new Dashboard(this, 'dashboard', { name: physicalName(this.config, 'wordpress'), region: this.config.region, watched });
  }

  /** php-fpm (read-write web root, database settings) and nginx (read-only web root) in front of it. */
  private containers(): ServiceContainerProps<'nginx-image' | 'php-image'>[] {
    // The exec agent needs a writable root (https://github.com/aws/containers-roadmap/issues/1359).
    const readonlyRootFilesystem = !this.config.wordpress.enableExecuteCommand;
    const db = this.database;
    return [
      {
        name: PHP_CONTAINER,
        image: 'php-image',
        environment: { WORDPRESS_DB_HOST: db.endpoint, WORDPRESS_DB_NAME: db.databaseName },
        // Keys of the secret RDS manages; ECS reads them at task start with the execution role.
        secrets: { WORDPRESS_DB_USER: db.usernameValueFrom, WORDPRESS_DB_PASSWORD: db.passwordValueFrom },
        user: PHP_USER,
        readonlyRootFilesystem,
        // Uploads and sessions are staged in /tmp.
        writablePaths: ['/tmp'],
        mounts: [{ volume: WEB_ROOT_VOLUME, containerPath: WEB_ROOT }],
        healthCheck: {
          // php-fpm accepts FastCGI connections; the image has php but no cgi-fcgi client.
          command: ['CMD-SHELL', `php -r 'exit(@fsockopen("127.0.0.1", ${PHP_FPM_PORT}) ? 0 : 1);'`],
          // The first task copies WordPress onto the empty file system before php-fpm listens.
          startPeriodSeconds: 120,
        },
      },
      {
        name: NGINX_CONTAINER,
        image: 'nginx-image',
        ports: [{ containerPort: NGINX_PORT }],
        user: NGINX_USER,
        readonlyRootFilesystem,
        // Pid file and request buffers of nginx-unprivileged.
        writablePaths: ['/tmp'],
        mounts: [{ volume: WEB_ROOT_VOLUME, containerPath: WEB_ROOT, readOnly: true }],
        // nginx answers 502 until php-fpm listens, so it starts once php-fpm's health check passes.
        dependsOn: [{ container: PHP_CONTAINER, condition: 'HEALTHY' }],
      },
    ];
  }

  private addOutputs(): void {
    const output = (id: string, value: string, description: string) => new TerraformOutput(this, id, { value, description });
    output('wordpress_url', this.site.targets[0].url, 'URL of the WordPress site (the installer at first)');
    output('cluster_name', this.cluster.clusterName, 'ECS cluster of the WordPress service');
    output('service_name', this.site.service.serviceName, 'ECS service running nginx and php-fpm');
    output('file_system_id', this.fileSystem.fileSystemId, 'EFS file system of the web root');
    output('database_endpoint', this.database.endpoint, 'Writer endpoint of the Aurora cluster');
    output('database_secret_arn', this.database.masterUserSecretArn, 'Secrets Manager secret (username, password) that RDS manages');
  }

  /** Public task IPs are a configured choice here (`subnets: public`), not an accident. */
  protected policyContext(): PolicyContext {
    return { ...super.policyContext(), allowPublicTaskIp: this.config.wordpress.subnets === 'public' };
  }
}
