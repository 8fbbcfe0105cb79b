/**
 * An encrypted EFS file system shared by the tasks of a service: mount targets, a security group for
 * NFS, one access point that fixes the POSIX identity and root directory, and a policy refusing
 * clients that come without TLS (or around the access point).
 */
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import type { EcsTaskDefinitionVolume } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { EfsAccessPoint } from '@cdktf/provider-aws/lib/efs-access-point';
import { EfsBackupPolicy } from '@cdktf/provider-aws/lib/efs-backup-policy';
import { EfsFileSystem as EfsFileSystemResource } from '@cdktf/provider-aws/lib/efs-file-system';
import { EfsFileSystemPolicy } from '@cdktf/provider-aws/lib/efs-file-system-policy';
import { EfsMountTarget } from '@cdktf/provider-aws/lib/efs-mount-target';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { policyDocument, type PolicyStatement } from '../lib/iam';
import { type EfsTransitionDays, transitionDaysProblem } from '../lib/storage-rules';

/** NFS, the only port a mount target listens on. */
export const NFS_PORT = 2049;

/** A subnet and the availability zone it lies in; EFS allows one mount target per zone. */
export interface SubnetInZone {
  readonly availabilityZone: string;
  readonly subnetId: string;
}

/**
 * Pairs zones with the subnets created in them, e.g. a `Network`'s `availabilityZones` with its
 * `privateSubnetIds` (both in zone order).
 */
export function subnetsInZones(availabilityZones: readonly string[], subnetIds: readonly string[]): SubnetInZone[] {
  if (availabilityZones.length !== subnetIds.length) {
    throw new Error(`subnetsInZones: ${availabilityZones.length} zones but ${subnetIds.length} subnets; pass one subnet per zone, in the same order`);
  }
  return availabilityZones.map((availabilityZone, i) => ({ availabilityZone, subnetId: subnetIds[i] }));
}

/** The identity every request through the access point runs as, and the directory it sees as `/`. */
export interface EfsAccessPointOptions {
  /**
   * Directory of the file system that clients see as their root; created on first use.
   * @default '/data'
   */
  readonly path?: string;
  /**
   * User id of every file operation, whatever the client runs as.
   * @default 33 - www-data of Debian-based images such as the official wordpress and php ones
   */
  readonly uid?: number;
  /** @default 33 */
  readonly gid?: number;
  /**
   * Mode of the root directory when EFS creates it (octal string).
   * @default '0755'
   */
  readonly permissions?: string;
}

/** Props of {@link EfsFileSystem}. */
export interface EfsFileSystemProps {
  /** Name of the file system (creation token and `Name` tag) and of its security group. */
  readonly name: string;
  readonly vpcId: string;
  /** Where mount targets go: one per zone, normally the private subnets. */
  readonly mountTargets: readonly SubnetInZone[];
  /** @default - the defaults of {@link EfsAccessPointOptions} */
  readonly accessPoint?: EfsAccessPointOptions;
  /**
   * Move files not read for this many days to Infrequent Access (about 95% cheaper per GB-month,
   * with a per-GB read charge); a file read there moves back at once. `'never'` keeps all in Standard.
   * @default 30
   */
  readonly transitionToIaDays?: EfsTransitionDays | 'never';
  /**
   * `bursting` costs storage only and suits small sites; `elastic` bills per GB transferred and
   * follows spikes without credits.
   * @default 'bursting'
   */
  readonly throughputMode?: 'bursting' | 'elastic';
  /**
   * Customer managed KMS key for encryption at rest.
   * @default - the AWS managed key `aws/elasticfilesystem`
   */
  readonly kmsKeyArn?: string;
  /**
   * Daily AWS Backup of the file system (`aws_efs_backup_policy`). Turn it off for throwaway
   * environments, and for emulators that lack the API.
   * @default true
   */
  readonly backups?: boolean;
  /**
   * Terraform's `prevent_destroy` on the file system.
   * @default true
   */
  readonly preventDestroy?: boolean;
  /**
   * The file-system policy also refuses clients that mount without the access point, so no task
   * can reach the root of the file system or act as another user.
   * @default true
   */
  readonly requireAccessPoint?: boolean;
}

/** The client actions of EFS: what a file-system policy and a task role can allow or deny. */
export const EFS_CLIENT_ACTIONS = ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite', 'elasticfilesystem:ClientRootAccess'] as const;

/**
 * An encrypted EFS file system with a mount target per zone, an NFS security group, an access
 * point and a policy denying access without TLS.
 */
export class EfsFileSystem extends Construct {
  readonly fileSystemId: string;
  readonly fileSystemArn: string;
  readonly accessPointId: string;
  readonly accessPointArn: string;
  /**
   * The group of the mount targets. It has no rule of its own: a client is let in by its own
   * construct (`FargateService.allowTo(fileSystem, fileSystem.port, ...)`), so nothing else reaches NFS.
   */
  readonly securityGroupId: string;
  /** NFS, the port clients are let in on. */
  readonly port = NFS_PORT;
  /** The directory the access point exposes as `/`. */
  readonly rootDirectoryPath: string;
  /** Mount targets: tasks that mount the file system must start after them. */
  readonly mountTargets: readonly EfsMountTarget[];

  constructor(scope: Construct, id: string, props: EfsFileSystemProps) {
    super(scope, id);
    const access = { path: '/data', uid: 33, gid: 33, permissions: '0755', ...props.accessPoint };
    const transitionToIaDays = props.transitionToIaDays ?? 30;
    const throughputMode = props.throughputMode ?? 'bursting';
    const backups = props.backups ?? true;
    const preventDestroy = props.preventDestroy ?? true;
    const requireAccessPoint = props.requireAccessPoint ?? true;
    validate(props, access, transitionToIaDays);

    const fileSystem = new EfsFileSystemResource(this, 'file-system', {
      creationToken: props.name,
      encrypted: true,
      kmsKeyId: props.kmsKeyArn,
      performanceMode: 'generalPurpose',
      throughputMode,
      lifecyclePolicy:
        transitionToIaDays === 'never' ? undefined : [{ transitionToIa: transitionValue(transitionToIaDays) }, { transitionToPrimaryStorageClass: 'AFTER_1_ACCESS' }],
      tags: { Name: props.name },
      lifecycle: preventDestroy ? { preventDestroy: true } : undefined,
    });

    const sg = new SecurityGroup(this, 'sg', {
      name: `${props.name}-efs`,
      description: `EFS ${props.name} mount targets: NFS from client security groups only`,
      vpcId: props.vpcId,
      tags: { Name: `${props.name}-efs` },
    });

    this.mountTargets = props.mountTargets.map(
      (placement) =>
        new EfsMountTarget(this, `mount-${placement.availabilityZone}`, {
          fileSystemId: fileSystem.id,
          subnetId: placement.subnetId,
          securityGroups: [sg.id],
        }),
    );

    const accessPoint = new EfsAccessPoint(this, 'access-point', {
      fileSystemId: fileSystem.id,
      posixUser: { uid: access.uid, gid: access.gid },
      rootDirectory: {
        path: access.path,
        creationInfo: { ownerUid: access.uid, ownerGid: access.gid, permissions: access.permissions },
      },
      tags: { Name: `${props.name}${access.path.replace(/\//g, '-')}` },
    });

    new EfsFileSystemPolicy(this, 'policy', {
      fileSystemId: fileSystem.id,
      policy: fileSystemPolicy(fileSystem.arn, requireAccessPoint ? accessPoint.arn : undefined),
    });

    if (backups) {
      new EfsBackupPolicy(this, 'backup', { fileSystemId: fileSystem.id, backupPolicy: { status: 'ENABLED' } });
    }

    this.fileSystemId = fileSystem.id;
    this.fileSystemArn = fileSystem.arn;
    this.accessPointId = accessPoint.id;
    this.accessPointArn = accessPoint.arn;
    this.securityGroupId = sg.id;
    this.rootDirectoryPath = access.path;
  }

  /**
   * What a task role needs to mount the file system through the access point, and nothing else:
   * no root access, and no mount without the access point.
   */
  mountStatement(options: { readonly readOnly?: boolean; readonly sid?: string } = {}): PolicyStatement {
    return {
      sid: options.sid ?? 'MountFileSystem',
      actions: options.readOnly ? ['elasticfilesystem:ClientMount'] : ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
      resources: [this.fileSystemArn],
      conditions: { StringEquals: { 'elasticfilesystem:AccessPointArn': this.accessPointArn } },
    };
  }

  /**
   * A task-definition volume of this file system: through the access point, with TLS and with the
   * task role's IAM identity (so {@link mountStatement} and the file-system policy apply).
   */
  taskVolume(name: string): EcsTaskDefinitionVolume {
    return {
      name,
      efsVolumeConfiguration: {
        fileSystemId: this.fileSystemId,
        transitEncryption: 'ENABLED',
        authorizationConfig: { accessPointId: this.accessPointId, iam: 'ENABLED' },
      },
    };
  }
}

/**
 * The file-system policy: every client action is refused without TLS and, when `accessPointArn`
 * is given, without that access point. It grants nothing: clients get their rights from their own
 * IAM role (see `mountStatement`), and anonymous NFS clients get none.
 */
export function fileSystemPolicy(fileSystemArn: string, accessPointArn?: string): string {
  const statements: PolicyStatement[] = [
    {
      sid: 'DenyWithoutTls',
      effect: 'Deny',
      actions: EFS_CLIENT_ACTIONS,
      resources: [fileSystemArn],
      conditions: { Bool: { 'aws:SecureTransport': 'false' } },
    },
  ];
  if (accessPointArn !== undefined) {
    statements.push({
      sid: 'DenyWithoutAccessPoint',
      effect: 'Deny',
      actions: EFS_CLIENT_ACTIONS,
      resources: [fileSystemArn],
      conditions: { StringNotEquals: { 'elasticfilesystem:AccessPointArn': accessPointArn } },
    });
  }
  return withAnyPrincipal(policyDocument(statements));
}

/** A resource policy names its principals; these statements apply to every caller. */
function withAnyPrincipal(document: string): string {
  const parsed = JSON.parse(document) as { Version: string; Statement: Record<string, unknown>[] };
  return JSON.stringify({ ...parsed, Statement: parsed.Statement.map((s) => ({ Sid: s.Sid, Effect: s.Effect, Principal: { AWS: '*' }, ...s })) });
}

function transitionValue(days: EfsTransitionDays): string {
  return days === 1 ? 'AFTER_1_DAY' : `AFTER_${days}_DAYS`;
}

function validate(props: EfsFileSystemProps, access: Required<EfsAccessPointOptions>, transitionToIaDays: EfsTransitionDays | 'never'): void {
  const problems: string[] = [];
  if (!/^[a-z0-9][a-z0-9-]{0,59}$/.test(props.name)) {
    problems.push(`name "${props.name}" is not usable; use up to 60 lower-case letters, digits and hyphens, e.g. bookmarks-dev-wordpress`);
  }
  if (props.mountTargets.length === 0) problems.push('mountTargets is empty; give one subnet per zone (the private subnets)');
  const zones = new Set<string>();
  for (const { availabilityZone } of props.mountTargets) {
    if (Token.isUnresolved(availabilityZone) || !/^[a-z0-9-]+$/.test(availabilityZone)) {
      problems.push(`mountTargets: zone "${availabilityZone}" is not a literal zone name; pass names such as eu-west-1a (they key the mount targets)`);
    } else if (zones.has(availabilityZone)) {
      problems.push(`mountTargets: zone ${availabilityZone} appears twice; EFS allows one mount target per zone`);
    }
    zones.add(availabilityZone);
  }
  if (!/^(\/[A-Za-z0-9._-]+)+$/.test(access.path)) {
    problems.push(`accessPoint.path "${access.path}" is not a directory below /; use an absolute path without a trailing slash, e.g. /wordpress`);
  }
  for (const key of ['uid', 'gid'] as const) {
    const value = access[key];
    if (!Number.isInteger(value) || value < 1 || value > 4294967294) {
      problems.push(`accessPoint.${key} ${value} is not a non-root POSIX id; use a whole number from 1, e.g. 33 (www-data)`);
    }
  }
  if (!/^0?[0-7]{3}$/.test(access.permissions)) {
    problems.push(`accessPoint.permissions "${access.permissions}" is not an octal mode; use e.g. 0755 or 0750`);
  }
  const transition = transitionDaysProblem(transitionToIaDays);
  if (transition) problems.push(transition);
  if (problems.length > 0) throw new Error(`EfsFileSystem ${props.name}: ${problems.join('; ')}`);
}
