import { Testing } from 'cdktf';
// Types of the matchers that support/setup.ts installs (toHaveResourceWithProperties, ...).
import type {} from 'cdktf/lib/testing/adapters/jest';
import { EfsAccessPoint } from '@cdktf/provider-aws/lib/efs-access-point';
import { EfsBackupPolicy } from '@cdktf/provider-aws/lib/efs-backup-policy';
import { EfsFileSystem as EfsFileSystemResource } from '@cdktf/provider-aws/lib/efs-file-system';
import { EfsMountTarget } from '@cdktf/provider-aws/lib/efs-mount-target';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { EfsFileSystem, type EfsFileSystemProps, fileSystemPolicy, subnetsInZones } from '../../stacks/constructs/efs-file-system';
import { policyDocument } from '../../stacks/lib/iam';
import { byPath, parse, ref, resources } from '../support/synth';

const ZONES = subnetsInZones(['eu-west-1a', 'eu-west-1b'], ['subnet-a', 'subnet-b']);
const PROPS: EfsFileSystemProps = { name: 'wp-dev', vpcId: 'vpc-1', mountTargets: ZONES };

/** Synthesizes one EfsFileSystem; `use` may call its methods inside the scope. */
function synthEfs(overrides: Partial<EfsFileSystemProps> = {}, use?: (efs: EfsFileSystem) => void): string {
  return Testing.synthScope((scope) => {
    const efs = new EfsFileSystem(scope, 'efs', { ...PROPS, ...overrides });
    use?.(efs);
  });
}

/** The statements of the synthesized file-system policy. */
function policyStatements(synthesized: string): Record<string, unknown>[] {
  return (JSON.parse(String(byPath(parse(synthesized), 'efs/policy').props.policy)) as { Statement: Record<string, unknown>[] }).Statement;
}

describe('EfsFileSystem', () => {
  it('is encrypted, with lifecycle to Infrequent Access after 30 days and back on first access', () => {
    expect(synthEfs()).toHaveResourceWithProperties(EfsFileSystemResource, {
      creation_token: 'wp-dev',
      encrypted: true,
      lifecycle_policy: [{ transition_to_ia: 'AFTER_30_DAYS' }, { transition_to_primary_storage_class: 'AFTER_1_ACCESS' }],
    });
  });

  it('can keep every file in Standard storage', () => {
    expect(byPath(parse(synthEfs({ transitionToIaDays: 'never' })), 'efs/file-system').props.lifecycle_policy).toBeUndefined();
  });

  it('is protected from terraform destroy unless told otherwise', () => {
    const fs = (json: string) => byPath(parse(json), 'efs/file-system').props.lifecycle;
    expect([fs(synthEfs()), fs(synthEfs({ preventDestroy: false }))]).toEqual([{ prevent_destroy: true }, undefined]);
  });

  it('uses a customer managed key when given one', () => {
    const key = 'arn:aws:kms:eu-west-1:123456789012:key/abc';
    expect(synthEfs({ kmsKeyArn: key })).toHaveResourceWithProperties(EfsFileSystemResource, { encrypted: true, kms_key_id: key });
  });
});

describe('EfsFileSystem mount targets', () => {
  it('puts one mount target in each subnet, in the file system security group', () => {
    const json = parse(synthEfs());
    const sg = ref(byPath(json, 'efs/sg'));
    expect(resources(json, 'aws_efs_mount_target').map((m) => [m.path, m.props.subnet_id, m.props.security_groups])).toEqual([
      ['efs/mount-eu-west-1a', 'subnet-a', [sg]],
      ['efs/mount-eu-west-1b', 'subnet-b', [sg]],
    ]);
  });

  it('are keyed by zone, so reordering the subnets keeps them', () => {
    const reordered = subnetsInZones(['eu-west-1b', 'eu-west-1a'], ['subnet-b', 'subnet-a']);
    expect(synthEfs({ mountTargets: reordered })).toHaveResourceWithProperties(EfsMountTarget, { subnet_id: 'subnet-a' });
    expect(byPath(parse(synthEfs({ mountTargets: reordered })), 'efs/mount-eu-west-1a').props.subnet_id).toBe('subnet-a');
  });
});

describe('EfsFileSystem security group', () => {
  it('has no rule of its own and no CIDR ever: clients are let in by their own construct (FargateService.allowTo)', () => {
    const json = parse(synthEfs());
    const sg = byPath(json, 'efs/sg').props;
    expect([resources(json, 'aws_vpc_security_group_ingress_rule'), resources(json, 'aws_vpc_security_group_egress_rule'), sg.ingress, sg.egress]).toEqual([
      [],
      [],
      undefined,
      undefined,
    ]);
  });

  it('names NFS as the port clients are let in on', () => {
    let port = 0;
    Testing.synthScope((scope) => {
      port = new EfsFileSystem(scope, 'efs', PROPS).port;
    });
    expect(port).toBe(2049);
  });
});

describe('EfsFileSystem access point', () => {
  it('runs every request as uid/gid 33 in a root directory it creates 33:33 0755', () => {
    expect(synthEfs({ accessPoint: { path: '/wordpress' } })).toHaveResourceWithProperties(EfsAccessPoint, {
      posix_user: { uid: 33, gid: 33 },
      root_directory: { path: '/wordpress', creation_info: { owner_uid: 33, owner_gid: 33, permissions: '0755' } },
    });
  });
});

describe('EfsFileSystem policy', () => {
  it('denies every client action without TLS, to every principal', () => {
    const [tls] = policyStatements(synthEfs());
    expect(tls).toMatchObject({
      Sid: 'DenyWithoutTls',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite', 'elasticfilesystem:ClientRootAccess'],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
  });

  it('denies mounts that bypass the access point, unless that is turned off', () => {
    const json = synthEfs();
    const ap = ref(byPath(parse(json), 'efs/access-point'), 'arn');
    expect(policyStatements(json)[1]).toMatchObject({ Effect: 'Deny', Condition: { StringNotEquals: { 'elasticfilesystem:AccessPointArn': ap } } });
    expect(policyStatements(synthEfs({ requireAccessPoint: false })).map((s) => s.Sid)).toEqual(['DenyWithoutTls']);
  });

  it('grants nothing itself', () => {
    expect(JSON.parse(fileSystemPolicy('arn:fs', 'arn:ap')).Statement.map((s: { Effect: string }) => s.Effect)).toEqual(['Deny', 'Deny']);
  });
});

describe('EfsFileSystem backups', () => {
  it('are on by default and can be turned off (for emulators and throwaway environments)', () => {
    expect(synthEfs()).toHaveResourceWithProperties(EfsBackupPolicy, { backup_policy: { status: 'ENABLED' } });
    expect(synthEfs({ backups: false })).not.toHaveResourceWithProperties(EfsBackupPolicy, {});
  });
});

describe('EfsFileSystem grants and volumes', () => {
  it('lets a task role mount and write only through the access point', () => {
    const json = parse(
      Testing.synthScope((scope) => {
        const efs = new EfsFileSystem(scope, 'efs', PROPS);
        new IamRolePolicy(scope, 'grant', { role: 'task-role', policy: policyDocument([efs.mountStatement()]) });
      }),
    );
    const [statement] = JSON.parse(String(byPath(json, 'grant').props.policy)).Statement;
    expect(statement).toEqual({
      Sid: 'MountFileSystem',
      Effect: 'Allow',
      Action: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
      Resource: [ref(byPath(json, 'efs/file-system'), 'arn')],
      Condition: { StringEquals: { 'elasticfilesystem:AccessPointArn': ref(byPath(json, 'efs/access-point'), 'arn') } },
    });
  });

  it('gives a read-only mount no ClientWrite and never ClientRootAccess', () => {
    let actions: readonly string[] = [];
    synthEfs({}, (efs) => (actions = efs.mountStatement({ readOnly: true }).actions));
    expect(actions).toEqual(['elasticfilesystem:ClientMount']);
  });

  it('describes a task volume with TLS, the access point and IAM authorization', () => {
    let volume: unknown;
    synthEfs({}, (efs) => (volume = efs.taskVolume('webroot')));
    expect(volume).toMatchObject({
      name: 'webroot',
      efsVolumeConfiguration: { transitEncryption: 'ENABLED', authorizationConfig: { iam: 'ENABLED', accessPointId: expect.any(String) } },
    });
  });
});

describe('EfsFileSystem validation', () => {
  it.each([
    [{ mountTargets: [] }, 'mountTargets is empty'],
    [{ mountTargets: [...ZONES, ZONES[0]] }, 'zone eu-west-1a appears twice'],
    [{ accessPoint: { path: '/' } }, 'accessPoint.path "/" is not a directory below /'],
    [{ accessPoint: { path: 'wordpress/' } }, 'accessPoint.path "wordpress/"'],
    [{ accessPoint: { uid: 0 } }, 'accessPoint.uid 0 is not a non-root POSIX id'],
    [{ accessPoint: { permissions: '755x' } }, 'accessPoint.permissions "755x" is not an octal mode'],
    [{ transitionToIaDays: 45 as 30 }, 'transitionToIaDays 45 is not a period EFS offers'],
    [{ name: 'WP Dev' }, 'name "WP Dev" is not usable'],
  ] as [Partial<EfsFileSystemProps>, string][])('rejects %j', (overrides, message) => {
    expect(() => synthEfs(overrides)).toThrow(message);
  });

  it('pairs zones with subnets only when the counts match', () => {
    expect(() => subnetsInZones(['eu-west-1a'], ['subnet-a', 'subnet-b'])).toThrow('subnetsInZones: 1 zones but 2 subnets');
  });
});
