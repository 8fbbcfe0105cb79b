/**
 * The pure parts of the local image registry (scripts/local-registry.ts): Debian's docker-registry
 * (CNCF distribution 2.8) with a configuration of our own. The packaged one listens on every
 * interface and wants an htpasswd file; ours listens on loopback only and needs no login, so it
 * must never listen anywhere else.
 */
import * as path from 'node:path';

/** The files of one registry, all below one folder. */
export interface RegistryLayout {
  readonly dir: string;
  readonly configFile: string;
  /** Blobs and manifests. */
  readonly storage: string;
  readonly pidFile: string;
  readonly logFile: string;
}

/** The registry's folder, relative to the project root. */
export const REGISTRY_DIR = path.join('.local', 'docker', 'registry');

/** The port of the registry `npm run image -- --push` starts: fixed, so a pushed reference stays valid. moto's default is 5000. */
export const DEFAULT_REGISTRY_PORT = 5001;

/** `REGISTRY_PORT` from the environment, else {@link DEFAULT_REGISTRY_PORT}; throws for a value that is not a port. */
export function registryPort(env: NodeJS.ProcessEnv): number {
  const raw = env.REGISTRY_PORT?.trim();
  if (raw === undefined || raw === '') return DEFAULT_REGISTRY_PORT;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port < 1 || port > 65535) throw new Error(`REGISTRY_PORT="${raw}" is not a TCP port; use 1 to 65535, e.g. ${DEFAULT_REGISTRY_PORT}`);
  return port;
}

/** The files of a registry kept in `dir`. */
export function registryLayout(dir: string): RegistryLayout {
  const abs = path.resolve(dir);
  return {
    dir: abs,
    configFile: path.join(abs, 'config.yml'),
    storage: path.join(abs, 'storage'),
    pidFile: path.join(abs, 'registry.pid'),
    logFile: path.join(abs, 'registry.log'),
  };
}

/** Loopback addresses; docker treats a registry on one of them as trusted over plain HTTP. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * The registry configuration: filesystem storage in the layout, deletes allowed (so a test can
 * remove what it pushed), the HTTP server on `host:port`. Throws for an address that is not loopback.
 */
export function registryConfig(layout: RegistryLayout, port: number, host = '127.0.0.1'): string {
  if (!isLoopback(host)) throw new Error(`registryConfig: "${host}" is not a loopback address; the registry has no login, so it listens only on 127.0.0.1`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`registryConfig: port ${port} is not a TCP port; use 1 to 65535`);
  return [
    'version: 0.1',
    'log:',
    '  level: info',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${JSON.stringify(layout.storage)}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: ${JSON.stringify(`${host}:${port}`)}`,
    '',
  ].join('\n');
}

/** Whether a process command line (NUL-separated) is the registry serving this layout's configuration. */
export function isRegistryCommandLine(cmdline: string, layout: RegistryLayout): boolean {
  const args = cmdline.split('\0').filter((a) => a !== '');
  return args.length > 0 && path.basename(args[0]) === 'docker-registry' && args.includes(layout.configFile);
}
