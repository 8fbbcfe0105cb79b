/**
 * Real Terraform on a small stack holding EfsFileSystem and AuroraServerless: `terraform validate`
 * (throwaway and protected settings), then an apply to a private moto server, checks through the
 * AWS CLI, and a destroy.
 */
import { Testing } from 'cdktf';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { awsCli, type MotoServer, startMoto } from '../support/moto-server';
import { STORAGE_NAME, STORAGE_REGION, storageStack } from '../support/storage-stack';
import { init, requireTerraform, terraform, writeStackDir } from '../../scripts/lib/terraform';

jest.setTimeout(600_000);

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'storage-int-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

beforeAll(() => {
  requireTerraform();
});

/** Synthesizes the stack into its own directory and runs terraform init there. */
function prepare(name: string, options: { endpoint?: string; disposable?: boolean }): string {
  const { stack } = storageStack({ ...options, statePath: path.join(root, `${name}.tfstate`) });
  const dir = writeStackDir(Testing.synth(stack), `storage-${name}-`);
  init(dir);
  return dir;
}

describe.each([
  ['throwaway', true],
  ['protected', false],
])('the storage stack with %s settings', (name, disposable) => {
  it('passes terraform validate', () => {
    const dir = prepare(name, { disposable });
    try {
      expect(JSON.parse(terraform(dir, ['validate', '-json'], false).stdout)).toMatchObject({ valid: true, error_count: 0 });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the storage stack applied to the emulated AWS', () => {
  let moto: MotoServer;
  let dir: string;
  let applySeconds = 0;
  let outputs: Record<string, { value: string }> = {};
  const aws = <T>(...args: string[]) => awsCli<T>(moto, STORAGE_REGION, args);
  const output = (key: string) => outputs[key].value;

  beforeAll(async () => {
    moto = await startMoto();
    dir = prepare('moto', { endpoint: moto.endpoint, disposable: true });
    const started = Date.now();
    const applied = terraform(dir, ['apply', '-auto-approve', '-input=false', '-no-color', '-lock=false']);
    applySeconds = (Date.now() - started) / 1000;
    // Read by a human in the test log; the issue asks for the apply time.
    const slowest = [...applied.stdout.matchAll(/^(\S+): Creation complete after (\S+)/gm)].map((m) => `${m[1]} ${m[2]}`).filter((line) => /\d+m|\b[1-9]\d+s/.test(line));
    process.stdout.write(`storage stack apply to moto: ${applySeconds.toFixed(1)} s; 10 s or more: ${slowest.join(', ')}\n`);
    outputs = JSON.parse(terraform(dir, ['output', '-json'], true).stdout);
  });

  afterAll(async () => {
    await moto?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('creates an encrypted file system with a mount target in each subnet', () => {
    const id = output('file_system_id');
    const [fileSystem] = aws<{ FileSystems: { Encrypted: boolean; CreationToken: string }[] }>('efs', 'describe-file-systems', '--file-system-id', id).FileSystems;
    const targets = aws<{ MountTargets: { SubnetId: string }[] }>('efs', 'describe-mount-targets', '--file-system-id', id).MountTargets;
    expect([fileSystem.Encrypted, fileSystem.CreationToken, targets.length]).toEqual([true, STORAGE_NAME, 2]);
  });

  it('creates the access point for uid/gid 33 with its root directory', () => {
    const [accessPoint] = aws<{ AccessPoints: { AccessPointId: string; PosixUser: { Uid: number; Gid: number }; RootDirectory: { Path: string } }[] }>(
      'efs',
      'describe-access-points',
      '--file-system-id',
      output('file_system_id'),
    ).AccessPoints;
    expect(accessPoint).toMatchObject({ AccessPointId: output('access_point_id'), PosixUser: { Uid: 33, Gid: 33 }, RootDirectory: { Path: '/wordpress' } });
  });

  it('stores the TLS-only file-system policy', () => {
    const { Policy } = aws<{ Policy: string }>('efs', 'describe-file-system-policy', '--file-system-id', output('file_system_id'));
    expect(JSON.parse(Policy).Statement.map((s: { Sid: string; Effect: string }) => `${s.Effect} ${s.Sid}`)).toEqual(['Deny DenyWithoutTls', 'Deny DenyWithoutAccessPoint']);
  });

  it('creates an encrypted Aurora MySQL Serverless v2 cluster with a managed secret', () => {
    const [cluster] = aws<{ DBClusters: Record<string, unknown>[] }>('rds', 'describe-db-clusters', '--db-cluster-identifier', output('cluster_identifier')).DBClusters;
    expect(cluster).toMatchObject({ Engine: 'aurora-mysql', StorageEncrypted: true, DatabaseName: 'wordpress' });
    expect((cluster.MasterUserSecret as { SecretArn: string }).SecretArn).toBe(output('secret_arn'));
  });

  it('creates the db.serverless writer instance', () => {
    const instances = aws<{ DBInstances: { DBInstanceIdentifier: string; DBInstanceClass: string; PubliclyAccessible: boolean }[] }>(
      'rds',
      'describe-db-instances',
    ).DBInstances.filter((i) => i.DBInstanceIdentifier.startsWith(STORAGE_NAME));
    expect(instances.map((i) => [i.DBInstanceIdentifier, i.DBInstanceClass, i.PubliclyAccessible])).toEqual([[`${STORAGE_NAME}-1`, 'db.serverless', false]]);
  });

  it('registers a task definition with the EFS volume and the database secrets', () => {
    const { taskDefinition } = aws<{ taskDefinition: { volumes: Record<string, unknown>[]; containerDefinitions: { secrets: { valueFrom: string }[] }[] } }>(
      'ecs',
      'describe-task-definition',
      '--task-definition',
      output('task_definition_family'),
    );
    expect(taskDefinition.volumes[0]).toMatchObject({
      name: 'webroot',
      efsVolumeConfiguration: { transitEncryption: 'ENABLED', authorizationConfig: { accessPointId: output('access_point_id'), iam: 'ENABLED' } },
    });
    expect(taskDefinition.containerDefinitions[0].secrets.map((s) => s.valueFrom)).toEqual([`${output('secret_arn')}:username::`, `${output('secret_arn')}:password::`]);
  });

  it('applies in under five minutes', () => {
    expect(applySeconds).toBeLessThan(300);
  });

  it('is destroyed, once the file-system policy (which moto cannot delete) is dropped from the state', () => {
    // moto 5.2.1 answers DeleteFileSystemPolicy with HTTP 500 (scripts/lib/emulator.ts); real AWS deletes
    // it. The test forgets it instead: it goes away with its file system.
    const policyAddress = terraform(dir, ['state', 'list'], true)
      .stdout.split('\n')
      .filter((address) => address.startsWith('aws_efs_file_system_policy.'));
    expect(policyAddress).toHaveLength(1);
    terraform(dir, ['state', 'rm', policyAddress[0]]);
    terraform(dir, ['destroy', '-auto-approve', '-input=false', '-no-color', '-lock=false']);
    expect(terraform(dir, ['state', 'list'], true).stdout.trim()).toBe('');
    expect(aws<{ FileSystems: unknown[] }>('efs', 'describe-file-systems').FileSystems).toEqual([]);
  });
});
