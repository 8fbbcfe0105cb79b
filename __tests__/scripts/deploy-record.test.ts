/** The record of the last local deploy, and when it says the stack must deploy again. */
import { formatDeployRecord, parseDeployRecord, redeployReason, sha256, type AppliedState, type DeployInputs, type DeployRecord } from '../../scripts/lib/deploy-record';

const inputs: DeployInputs = {
  environment: 'local',
  endpoint: 'http://127.0.0.1:8000',
  statePath: '/p/state/local/data.tfstate',
  terraformVersion: '1.11.4',
  stackSha256: sha256('{"resource":{}}'),
};
const record: DeployRecord = { inputs, stateSha256: sha256('state after the deploy') };
const applied: AppliedState = { stackDirSha256: inputs.stackSha256, backendStatePath: inputs.statePath, stateSha256: record.stateSha256 };

describe('parseDeployRecord', () => {
  test('reads back what formatDeployRecord wrote', () => {
    expect(parseDeployRecord(formatDeployRecord(record))).toEqual(record);
  });

  test('a record of another version is no record', () => {
    const other = JSON.stringify({ ...JSON.parse(formatDeployRecord(record)), version: 2 });
    expect(parseDeployRecord(other)).toBeUndefined();
  });

  test('a record missing an input is no record', () => {
    const partial = JSON.parse(formatDeployRecord(record)) as { inputs: Record<string, unknown> };
    delete partial.inputs.terraformVersion;
    expect(parseDeployRecord(JSON.stringify(partial))).toBeUndefined();
  });

  test('a truncated file is no record', () => {
    expect(parseDeployRecord(formatDeployRecord(record).slice(0, 40))).toBeUndefined();
  });
});

describe('redeployReason', () => {
  test('nothing changed since the recorded deploy: no reason to deploy', () => {
    expect(redeployReason(record, inputs, applied)).toBeUndefined();
  });

  test('without a record the stack deploys', () => {
    expect(redeployReason(undefined, inputs, applied)).toBe('no earlier deploy is recorded');
  });

  test('a changed synthesized stack (an edited CSV row, another setting) deploys', () => {
    expect(redeployReason(record, { ...inputs, stackSha256: sha256('{"resource":{"x":{}}}') }, applied)).toBe('the synthesized data stack changed since the last deploy');
  });

  test.each([
    ['environment', { environment: 'sandbox' }, 'the last deploy was for the local environment'],
    ['endpoint', { endpoint: 'http://127.0.0.1:8001' }, 'the last deploy went to http://127.0.0.1:8000'],
    ['state file', { statePath: '/q/state/local/data.tfstate' }, 'the last deploy kept its state in /p/state/local/data.tfstate'],
    ['Terraform version', { terraformVersion: '1.12.0' }, 'the last deploy ran Terraform 1.11.4, this is 1.12.0'],
  ])('another %s deploys', (_what, change, reason) => {
    expect(redeployReason(record, { ...inputs, ...change }, applied)).toBe(reason);
  });

  test('a stack directory holding another synthesis (a sandbox deploy since) deploys', () => {
    expect(redeployReason(record, inputs, { ...applied, stackDirSha256: sha256('sandbox') })).toBe('the stack directory holds another synthesis (another environment or input)');
  });

  test('a stack directory without cdk.tf.json deploys', () => {
    expect(redeployReason(record, inputs, { ...applied, stackDirSha256: undefined })).toBe('the stack directory has no cdk.tf.json');
  });

  test("a stack directory initialised for another environment's state deploys", () => {
    expect(redeployReason(record, inputs, { ...applied, backendStatePath: '/p/state/sandbox/data.tfstate' })).toBe(
      'the stack directory is initialised for another state (/p/state/sandbox/data.tfstate)',
    );
  });

  test('a stack directory never initialised deploys', () => {
    expect(redeployReason(record, inputs, { ...applied, backendStatePath: undefined })).toBe('the stack directory is not initialised for a local state');
  });

  test('a state file changed by another apply deploys', () => {
    expect(redeployReason(record, inputs, { ...applied, stateSha256: sha256('state after a hand-run apply') })).toBe('the state file changed since the last deploy');
  });

  test('a deleted state file deploys', () => {
    expect(redeployReason(record, inputs, { ...applied, stateSha256: undefined })).toBe('the state file /p/state/local/data.tfstate is missing');
  });
});
