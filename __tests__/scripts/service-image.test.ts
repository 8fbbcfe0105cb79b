import { digestReference, megabytes, parseImageCommand, pushedDigest, registryReference, serviceImageReference } from '../../scripts/lib/service-image';

const DIGEST = `sha256:${'a1'.repeat(32)}`;

describe('serviceImageReference', () => {
  it('tags the local repository with the first 16 digits of the content hash', () => {
    expect(serviceImageReference('c0c9647c4c828ea3ffff0000')).toBe('local/bookmarks-service:c0c9647c4c828ea3');
  });

  it('refuses something that is not a hex hash', () => {
    expect(() => serviceImageReference('latest')).toThrow('"latest" is not a hex content hash');
  });
});

describe('registryReference', () => {
  it('moves the image to the registry host, keeping its last name part and tag', () => {
    expect(registryReference('127.0.0.1:5000', 'local/bookmarks-service:c0c9')).toBe('127.0.0.1:5000/bookmarks-service:c0c9');
  });

  it('does not take the port of a registry in the reference for a tag', () => {
    expect(registryReference('127.0.0.1:6000', '127.0.0.1:5000/bookmarks-service')).toBe('127.0.0.1:6000/bookmarks-service');
  });
});

describe('digestReference', () => {
  it('replaces the tag with the digest', () => {
    expect(digestReference('127.0.0.1:5000/bookmarks-service:c0c9', DIGEST)).toBe(`127.0.0.1:5000/bookmarks-service@${DIGEST}`);
  });

  it('refuses a digest that is not sha256', () => {
    expect(() => digestReference('x:1', 'sha256:abc')).toThrow('"sha256:abc" is not a sha256 digest');
  });
});

describe('pushedDigest', () => {
  it('reads the digest docker push reports', () => {
    const output = `The push refers to repository [127.0.0.1:5000/bookmarks-service]\n5f70bf18a086: Pushed\nc0c9: digest: ${DIGEST} size: 1163\n`;
    expect(pushedDigest(output)).toBe(DIGEST);
  });

  it('fails when the output holds no digest, quoting its end', () => {
    expect(() => pushedDigest('denied: requested access to the resource is denied\n')).toThrow('docker push printed no digest: "denied: requested access');
  });
});

describe('megabytes', () => {
  it('shows decimal megabytes with one decimal, as docker does', () => {
    expect([megabytes(131_800_000), megabytes(1_549_999)]).toEqual(['131.8 MB', '1.5 MB']);
  });
});

describe('parseImageCommand', () => {
  it('builds only, without options', () => {
    expect(parseImageCommand([])).toEqual({ run: false, push: false });
  });

  it('reads --run with an endpoint (trailing slash dropped) and a port', () => {
    expect(parseImageCommand(['--run', '--endpoint', 'http://127.0.0.1:8000/', '--port', '9090'])).toEqual({
      run: true,
      push: false,
      endpoint: 'http://127.0.0.1:8000',
      port: 9090,
    });
  });

  it('reads --push', () => {
    expect(parseImageCommand(['--push']).push).toBe(true);
  });

  it.each([
    [['--endpoint', 'http://127.0.0.1:8000'], '--endpoint and --port go with --run'],
    [['--run', '--endpoint', 'localhost:8000'], '--endpoint "localhost:8000" is not an http(s) URL'],
    [['--run', '--port', '0'], '--port 0 is not a TCP port'],
    [['--run', '--port'], '--port needs a value'],
    [['--build'], 'unknown argument "--build"'],
  ])('refuses %j', (argv, message) => {
    expect(() => parseImageCommand(argv)).toThrow(message);
  });
});
