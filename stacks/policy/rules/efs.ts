/** EFS rules: encryption at rest and in transit, access through access points, backups, a TLS-only policy. */
import type { PolicyContext, Rule } from '../types';
import { block, blocks, isRecord, type TfAttributes, type TfDocument, type TfElement } from '../../lib/tf-json';
import { isTrue, perResource, strings, text } from './attributes';

const FILE_SYSTEM = 'aws_efs_file_system';
const TASK_DEFINITION = 'aws_ecs_task_definition';

/** Environments without real backups: `local` (nothing in AWS) and the throwaway `sandbox`. */
const withBackups = (context: PolicyContext) => !['local', 'sandbox'].includes(context.environment);

/** The EFS volumes of a task definition: name and `efs_volume_configuration`. */
function efsVolumes(task: TfElement): { name: string; config: TfAttributes }[] {
  return blocks(task.props.volume).flatMap((volume) => {
    const config = block(volume.efs_volume_configuration);
    return config ? [{ name: String(volume.name ?? '?'), config }] : [];
  });
}

/** A rule about each EFS volume of each task definition; one finding per task names every bad volume. */
function perEfsVolume(spec: Omit<Rule, 'check' | 'resourceTypes'> & { readonly test: (config: TfAttributes) => string | undefined }): Rule {
  const { test, ...rule } = spec;
  return perResource({
    ...rule,
    resourceTypes: [TASK_DEFINITION],
    test: (task) => {
      const problems = efsVolumes(task).flatMap(({ name, config }) => {
        const problem = test(config);
        return problem === undefined ? [] : [`volume "${name}": ${problem}`];
      });
      return problems.length > 0 ? problems.join('; ') : undefined;
    },
  });
}

/** Whether `value` references the file system (its id or ARN). */
function refersTo(doc: TfDocument, value: unknown, fileSystem: TfElement): boolean {
  return doc.referenced(value)?.address === fileSystem.address;
}

/** Whether a policy JSON string holds a Deny statement conditioned on `aws:SecureTransport` false. */
export function deniesInsecureTransport(policy: unknown): boolean {
  if (typeof policy !== 'string') return false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(policy);
  } catch {
    return false;
  }
  if (!isRecord(parsed)) return false;
  return blocks(parsed.Statement).some((statement) => {
    if (statement.Effect !== 'Deny') return false;
    const condition = block(statement.Condition);
    const bool = block(condition?.Bool);
    return bool !== undefined && strings(bool['aws:SecureTransport']).includes('false');
  });
}

/** The EFS rules. */
export const efsRules: readonly Rule[] = [
  perResource({
    id: 'EFS001',
    mirrors: 'checkov CKV_AWS_42; Security Hub EFS.1',
    title: 'EFS file systems are encrypted at rest',
    fix: 'set encrypted: true (EfsFileSystem always does); an existing file system must be copied to a new encrypted one',
    resourceTypes: [FILE_SYSTEM],
    test: (fs) => (isTrue(fs.props.encrypted) ? undefined : 'the file system is not encrypted at rest'),
  }),
  perEfsVolume({
    id: 'EFS002',
    mirrors: 'checkov CKV_AWS_97',
    title: 'ECS task EFS volumes encrypt traffic in transit',
    fix: "set efsVolumeConfiguration.transitEncryption: 'ENABLED' (EfsFileSystem.taskVolume does)",
    test: (config) => (config.transit_encryption === 'ENABLED' ? undefined : 'NFS traffic is not encrypted in transit'),
  }),
  perEfsVolume({
    id: 'EFS003',
    mirrors: 'own (Security Hub EFS.3, EFS.4 for the access point itself)',
    title: 'ECS task EFS volumes mount through an access point with IAM authorization',
    fix: "set authorizationConfig: { accessPointId, iam: 'ENABLED' } (EfsFileSystem.taskVolume does)",
    test: (config) => {
      const authorization = block(config.authorization_config);
      const problems = [
        ...(text(authorization?.access_point_id) ? [] : ['no access point: the task sees the whole file system as root']),
        ...(authorization?.iam === 'ENABLED' ? [] : ['IAM authorization is off: the task role and file-system policy are not consulted']),
      ];
      return problems.length > 0 ? problems.join(', ') : undefined;
    },
  }),
  perResource({
    id: 'EFS004',
    mirrors: 'Security Hub EFS.3, EFS.4',
    title: 'EFS access points enforce a non-root POSIX user and a root directory other than /',
    fix: 'give the access point posixUser { uid, gid } (not 0) and rootDirectory { path, creationInfo } below / (EfsFileSystem accessPoint)',
    resourceTypes: ['aws_efs_access_point'],
    test: (ap) => {
      const user = block(ap.props.posix_user);
      const path = text(block(ap.props.root_directory)?.path) ?? '/';
      const problems = [
        ...(user === undefined ? ['no POSIX user: clients act as whoever they claim to be'] : []),
        ...(user !== undefined && (String(user.uid) === '0' || String(user.gid) === '0') ? ['the POSIX user is root'] : []),
        ...(path === '/' ? ['the root directory is / : clients reach the whole file system'] : []),
      ];
      return problems.length > 0 ? problems.join(', ') : undefined;
    },
  }),
  perResource({
    id: 'EFS005',
    mirrors: 'Security Hub EFS.2 (the backup plan checkov asks for is BAK001)',
    title: 'EFS file systems are backed up (outside local and sandbox)',
    fix: 'pass backups: true to EfsFileSystem (an aws_efs_backup_policy with status ENABLED)',
    resourceTypes: [FILE_SYSTEM],
    alsoReads: ['aws_efs_backup_policy'],
    appliesTo: withBackups,
    test: (fs, doc) =>
      doc.resources('aws_efs_backup_policy').some((p) => refersTo(doc, p.props.file_system_id, fs) && block(p.props.backup_policy)?.status === 'ENABLED')
        ? undefined
        : 'no backup policy: a deleted upload or a broken plugin update cannot be restored',
  }),
  perResource({
    id: 'EFS006',
    mirrors: 'own (AWS guidance: enforce encryption in transit with a file-system policy)',
    title: 'EFS file systems have a policy that denies access without TLS',
    fix: 'add an aws_efs_file_system_policy with a Deny statement on Bool aws:SecureTransport false (EfsFileSystem adds it)',
    resourceTypes: [FILE_SYSTEM],
    alsoReads: ['aws_efs_file_system_policy'],
    test: (fs, doc) =>
      doc.resources('aws_efs_file_system_policy').some((p) => refersTo(doc, p.props.file_system_id, fs) && deniesInsecureTransport(p.props.policy))
        ? undefined
        : 'no policy denies plain NFS: a client that mounts without TLS is let in',
  }),
];
