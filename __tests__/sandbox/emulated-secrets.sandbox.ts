/**
 * The sandbox's containers get their secrets from the emulated Secrets Manager and SSM, as ECS
 * would inject them: read here from a moto server of the test's own, with a secret and a parameter
 * created by the AWS CLI.
 */
import { readEmulatedSecret } from '../../scripts/sandbox-containers';
import { requireAwsCli } from './inventory';
import { awsCli, startMoto, type MotoServer } from '../support/moto-server';

jest.setTimeout(60_000);

const REGION = 'eu-west-1';
let moto: MotoServer;
let secretArn: string;
let parameterArn: string;

beforeAll(async () => {
  requireAwsCli();
  moto = await startMoto();
  // Given a JSON secret and a SecureString parameter in the emulator
  secretArn = awsCli<{ ARN: string }>(moto, REGION, ['secretsmanager', 'create-secret', '--name', 'sandbox-auth', '--secret-string', '{"user":"reader"}']).ARN;
  awsCli(moto, REGION, ['ssm', 'put-parameter', '--name', '/sandbox/auth/password', '--type', 'SecureString', '--value', 'pa55']);
  parameterArn = awsCli<{ Parameter: { ARN: string } }>(moto, REGION, ['ssm', 'get-parameter', '--name', '/sandbox/auth/password']).Parameter.ARN;
});

afterAll(async () => {
  await moto?.stop();
});

describe('secrets from the emulated Secrets Manager and SSM', () => {
  it('reads a JSON key of a Secrets Manager secret, as a valueFrom of <arn>:<key>:: names it', async () => {
    expect(await readEmulatedSecret(moto.endpoint, REGION, 'BASIC_AUTH_USER', `${secretArn}:user::`)).toBe('reader');
  });

  it('reads the whole secret string by the secret ARN', async () => {
    expect(await readEmulatedSecret(moto.endpoint, REGION, 'AUTH', secretArn)).toBe('{"user":"reader"}');
  });

  it('reads a SecureString parameter decrypted, by its ARN', async () => {
    expect(await readEmulatedSecret(moto.endpoint, REGION, 'BASIC_AUTH_PASSWORD', parameterArn)).toBe('pa55');
  });

  it('names the variable and the secret when the emulator has no such secret', async () => {
    await expect(readEmulatedSecret(moto.endpoint, REGION, 'BASIC_AUTH_USER', `arn:aws:secretsmanager:${REGION}:123456789012:secret:missing-AbCdEf`)).rejects.toThrow(
      /^BASIC_AUTH_USER: secretsmanager\.GetSecretValue of arn:aws:secretsmanager:eu-west-1:123456789012:secret:missing-AbCdEf answered 404: .*ResourceNotFoundException/,
    );
  });
});
