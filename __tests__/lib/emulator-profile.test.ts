import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EMULATOR_PROFILE, emulatorProfilePath, emulatorProfileText, singleEndpointUrl, userCacheDir, writeEmulatorProfile } from '../../stacks/lib/emulator-profile';

describe('singleEndpointUrl', () => {
  it('is the URL every endpoint shares', () => {
    expect(singleEndpointUrl({ dynamodb: 'http://127.0.0.1:8000' })).toBe('http://127.0.0.1:8000');
    expect(singleEndpointUrl({ s3: 'http://127.0.0.1:5000', sts: 'http://127.0.0.1:5000' })).toBe('http://127.0.0.1:5000');
  });

  it('is undefined for endpoints that differ, and for none', () => {
    expect([singleEndpointUrl({ s3: 'http://127.0.0.1:5000', dynamodb: 'http://127.0.0.1:8000' }), singleEndpointUrl({})]).toEqual([undefined, undefined]);
  });
});

describe('the emulator profile', () => {
  it('sends every service of the named profile to the URL', () => {
    expect(emulatorProfileText('http://127.0.0.1:8000').split('\n').slice(1)).toEqual([`[profile ${EMULATOR_PROFILE}]`, 'endpoint_url = http://127.0.0.1:8000', '']);
  });

  it('has a file per URL under the cache directory', () => {
    const a = emulatorProfilePath('http://127.0.0.1:8000', '/cache');
    expect([path.dirname(a), a === emulatorProfilePath('http://127.0.0.1:8000', '/cache'), a === emulatorProfilePath('http://127.0.0.1:8001', '/cache')]).toEqual([
      '/cache/cdktf-fargate-dynamodb',
      true,
      false,
    ]);
  });

  it('lives in XDG_CACHE_HOME when set, else in ~/.cache', () => {
    expect([userCacheDir({ XDG_CACHE_HOME: '/xdg' }), userCacheDir({})]).toEqual(['/xdg', path.join(os.homedir(), '.cache')]);
  });

  it('is always absolute: a relative XDG_CACHE_HOME is ignored and an empty HOME falls back to the temporary directory', () => {
    expect([userCacheDir({ XDG_CACHE_HOME: 'cache' }, '/home/ada'), userCacheDir({}, '')]).toEqual(['/home/ada/.cache', path.join(os.tmpdir(), '.cache')]);
  });

  it('is written when missing and written again when its text was changed by hand', () => {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'profile-cache-'));
    try {
      const file = writeEmulatorProfile('http://127.0.0.1:8000', cache);
      const first = fs.readFileSync(file, 'utf8');
      fs.writeFileSync(file, '[profile emulator]\nendpoint_url = https://dynamodb.us-east-1.amazonaws.com\n');
      expect([writeEmulatorProfile('http://127.0.0.1:8000', cache), first, fs.readFileSync(file, 'utf8')]).toEqual([file, emulatorProfileText('http://127.0.0.1:8000'), first]);
    } finally {
      fs.rmSync(cache, { recursive: true, force: true });
    }
  });
});
