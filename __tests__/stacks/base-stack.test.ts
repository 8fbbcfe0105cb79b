import { Testing } from 'cdktf';
import { buildConfig, type ConfigOverrides } from '../../stacks/settings/config';
import { NetworkStack } from '../../stacks/network-stack';
import { EMULATOR_PROFILE, emulatorProfileText } from '../../stacks/lib/emulator-profile';
import { parse, profileFileText } from '../support/synth';
import { forEnvironment } from '../support/certificates';

function synthNetworkStack(env: string, overrides: ConfigOverrides = {}) {
  const app = Testing.app();
  const stack = new NetworkStack(app, 'network', { config: buildConfig(env, forEnvironment(env, overrides), '/project') });
  return parse(Testing.synth(stack));
}

const S3_STATE = { kind: 's3', bucket: 'acme-tf-state', region: 'eu-central-1', keyPrefix: 'bookmarks' } as const;

describe('backend', () => {
  it('keeps state in a local file per stack by default', () => {
    expect(synthNetworkStack('dev').terraform?.backend).toEqual({ local: { path: '/project/state/dev/network.tfstate' } });
  });

  it('uses an encrypted, lockfile-locked S3 backend with a per-stack key when a bucket is set', () => {
    expect(synthNetworkStack('prod', { backend: S3_STATE }).terraform?.backend).toEqual({
      s3: { bucket: 'acme-tf-state', key: 'bookmarks/prod/network.tfstate', region: 'eu-central-1', encrypt: true, use_lockfile: true },
    });
  });
});

describe('AWS provider', () => {
  it('tags every resource through default_tags', () => {
    const provider = synthNetworkStack('dev').provider?.aws[0];
    expect(provider).toMatchObject({
      region: 'eu-west-1',
      default_tags: [{ tags: { Project: 'bookmarks', Environment: 'dev', ManagedBy: 'cdktf' } }],
    });
  });

  it('uses the default credential chain outside local', () => {
    const provider = synthNetworkStack('prod').provider?.aws[0] ?? {};
    expect([provider.access_key, provider.skip_credentials_validation, provider.endpoints]).toEqual([undefined, undefined, undefined]);
  });

  it('local talks to the embedded DynamoDB, through a profile and not the endpoints block, with fake credentials and no AWS lookups', () => {
    const provider = synthNetworkStack('local').provider?.aws[0];
    expect([provider?.endpoints, provider?.profile, profileFileText(provider)]).toEqual([undefined, EMULATOR_PROFILE, emulatorProfileText('http://127.0.0.1:8000')]);
    expect(provider).toMatchObject({
      access_key: 'offline',
      skip_credentials_validation: true,
      skip_requesting_account_id: true,
      skip_region_validation: true,
    });
    expect(provider?.default_tags).toBeUndefined();
  });

  it('keeps endpoints that point at several URLs in the endpoints block, and names no profile', () => {
    const endpoints = { dynamodb: 'http://127.0.0.1:8000', s3: 'http://127.0.0.1:5000' };
    const provider = synthNetworkStack('local', { aws: { endpoints } }).provider?.aws[0];
    expect([provider?.endpoints, provider?.profile, provider?.shared_config_files]).toEqual([[endpoints], undefined, undefined]);
  });
});

describe('network stack', () => {
  it('reads nothing from AWS at plan time: no data sources', () => {
    expect(synthNetworkStack('prod').data).toBeUndefined();
  });

  it('outputs the VPC and subnet ids', () => {
    expect(Object.keys(synthNetworkStack('dev').output ?? {})).toEqual(expect.arrayContaining(['vpc_id', 'public_subnet_ids', 'private_subnet_ids']));
  });
});
