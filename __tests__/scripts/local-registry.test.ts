import { isLoopback, isRegistryCommandLine, registryConfig, registryLayout, registryPort } from '../../scripts/lib/local-registry';

const layout = registryLayout('/work/project/.local/docker/registry');

describe('registryConfig', () => {
  const config = registryConfig(layout, 5107);

  it('listens on 127.0.0.1 at the port, nowhere else', () => {
    expect(config.match(/^\s*addr: .*$/gm)).toEqual(['  addr: "127.0.0.1:5107"']);
  });

  it('stores blobs in the layout folder', () => {
    expect(config).toContain('    rootdirectory: "/work/project/.local/docker/registry/storage"');
  });

  it('asks for no login (no auth section), so it must stay on loopback', () => {
    expect(config).not.toMatch(/^auth:/m);
  });

  it('refuses an address off loopback, since it has no login', () => {
    expect(() => registryConfig(layout, 5107, '0.0.0.0')).toThrow('"0.0.0.0" is not a loopback address');
  });

  it('refuses a port that is not a TCP port', () => {
    expect(() => registryConfig(layout, 70000)).toThrow('port 70000 is not a TCP port');
  });
});

describe('isLoopback', () => {
  it('accepts 127.0.0.0/8, ::1 and localhost only', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', 'localhost', '10.0.0.1', '0.0.0.0', '128.0.0.1'].map(isLoopback)).toEqual([true, true, true, true, false, false, false]);
  });
});

describe('isRegistryCommandLine', () => {
  it('recognises docker-registry serving this layout, not another one', () => {
    const other = registryLayout('/work/other/.local/docker/registry');
    const cmdline = (config: string) => ['/usr/bin/docker-registry', 'serve', config, ''].join('\0');
    expect([isRegistryCommandLine(cmdline(layout.configFile), layout), isRegistryCommandLine(cmdline(other.configFile), layout)]).toEqual([true, false]);
  });
});

describe('registryPort', () => {
  it('is 5001 without REGISTRY_PORT, clear of moto on 5000', () => {
    expect(registryPort({})).toBe(5001);
  });

  it('reads REGISTRY_PORT', () => {
    expect(registryPort({ REGISTRY_PORT: '5108' })).toBe(5108);
  });

  it('refuses a REGISTRY_PORT that is not a port, naming it', () => {
    expect(() => registryPort({ REGISTRY_PORT: 'five' })).toThrow('REGISTRY_PORT="five" is not a TCP port');
  });
});
