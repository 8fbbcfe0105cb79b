/** Edge cases of the EFS and RDS rules; the one-fixture-each cases run in rules.test.ts. */
import type { TfJson } from '../../stacks/lib/tf-json';
import { checkPolicy, type PolicyContext } from '../../stacks/policy/engine';
import { RULES } from '../../stacks/policy/rules';
import { deniesInsecureTransport } from '../../stacks/policy/rules/efs';
import { auroraStack, efsStack, efsTask, tlsOnlyPolicy } from '../support/policy-cases-storage';

/** Given a document, when one rule runs, then these are its findings' messages. */
function run(ruleId: string, json: TfJson, context: Partial<PolicyContext> = {}): string[] {
  const rule = RULES.find((r) => r.id === ruleId);
  if (!rule) throw new Error(`no rule ${ruleId}`);
  return checkPolicy(json, { stackId: 'test', environment: 'dev', ...context }, [rule]).findings.map((f) => `${f.address}: ${f.message}`);
}

describe('EFS volume rules', () => {
  it('name the offending volume and leave task-storage volumes alone', () => {
    expect(run('EFS002', efsTask({ transit_encryption: undefined }))).toEqual(['aws_ecs_task_definition.task: volume "webroot": NFS traffic is not encrypted in transit']);
  });

  it('report both a missing access point and IAM authorization that is off', () => {
    expect(run('EFS003', efsTask({ authorization_config: undefined }))).toEqual([
      'aws_ecs_task_definition.task: volume "webroot": no access point: the task sees the whole file system as root, ' +
        'IAM authorization is off: the task role and file-system policy are not consulted',
    ]);
  });

  it('reject an access point with IAM authorization turned off', () => {
    expect(run('EFS003', efsTask({ authorization_config: { access_point_id: 'fsap-1', iam: 'DISABLED' } }))).toHaveLength(1);
  });
});

describe('EFS004 access points', () => {
  it('rejects an access point that acts as root', () => {
    expect(run('EFS004', efsStack({ accessPoint: { posix_user: { uid: 0, gid: 0 } } }))).toEqual(['aws_efs_access_point.ap: the POSIX user is root']);
  });

  it('rejects an access point without a POSIX user or root directory', () => {
    expect(run('EFS004', efsStack({ accessPoint: { posix_user: undefined, root_directory: undefined } }))).toEqual([
      'aws_efs_access_point.ap: no POSIX user: clients act as whoever they claim to be, the root directory is / : clients reach the whole file system',
    ]);
  });
});

describe('EFS005 backups', () => {
  it.each(['local', 'sandbox'])('are not required in %s', (environment) => {
    expect(run('EFS005', efsStack({ backup: null }), { environment })).toEqual([]);
  });

  it('do not count a disabled backup policy', () => {
    expect(run('EFS005', efsStack({ backup: { backup_policy: { status: 'DISABLED' } } }), { environment: 'prod' })).toHaveLength(1);
  });

  it('do not count the backup policy of another file system', () => {
    const doc = efsStack();
    (doc.resource?.aws_efs_file_system as Record<string, unknown>).other = { encrypted: true };
    expect(run('EFS005', doc)).toEqual(['aws_efs_file_system.other: no backup policy: a deleted upload or a broken plugin update cannot be restored']);
  });
});

describe('EFS006 TLS-only policy', () => {
  it('recognises the policy EfsFileSystem writes', () => {
    expect(deniesInsecureTransport(tlsOnlyPolicy)).toBe(true);
  });

  it('does not take an Allow on secure transport for a deny of the insecure one', () => {
    const allow = JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'elasticfilesystem:ClientMount', Condition: { Bool: { 'aws:SecureTransport': 'true' } } }] });
    expect(deniesInsecureTransport(allow)).toBe(false);
  });

  it('rejects a policy that is not literal JSON', () => {
    expect(run('EFS006', efsStack({ policy: { policy: '${data.aws_iam_policy_document.x.json}' } }))).toHaveLength(1);
  });
});

describe('RDS rules', () => {
  it('do not require deletion protection or a final snapshot outside prod', () => {
    const lax = auroraStack({ deletion_protection: false, skip_final_snapshot: true, final_snapshot_identifier: undefined });
    expect([...run('RDS003', lax), ...run('RDS005', lax)]).toEqual([]);
  });

  it('accept one day of backups in dev and say what prod needs', () => {
    const doc = auroraStack({ backup_retention_period: 1 });
    expect([run('RDS004', doc), run('RDS004', doc, { environment: 'prod' })]).toEqual([[], ['aws_rds_cluster.db: backups are kept 1 day(s); prod needs at least 7']]);
  });

  it('reject a stand-alone instance with backups turned off', () => {
    const doc: TfJson = { resource: { aws_db_instance: { db: { storage_encrypted: true, backup_retention_period: 0 } } } };
    expect(run('RDS004', doc)).toEqual(['aws_db_instance.db: backups are kept 0 day(s); dev needs at least 1']);
  });

  it('reject a prod cluster that would need a snapshot name to be deleted', () => {
    expect(run('RDS005', auroraStack({ final_snapshot_identifier: undefined }), { environment: 'prod' })).toHaveLength(1);
  });

  it('accept instances that leave public access at its default (off)', () => {
    expect(run('RDS002', auroraStack({}, { publicly_accessible: undefined }))).toEqual([]);
  });
});
