/**
 * A local image registry on 127.0.0.1 for push and pull without the internet: Debian's
 * docker-registry with our own configuration (scripts/lib/local-registry.ts), its storage under
 * .local/docker/registry/. {@link startRegistry} starts one on a free port; `stop` ends it.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureEnginePackages } from './docker-engine';
import { freePort } from './lib/free-port';
import { isRegistryCommandLine, REGISTRY_DIR, registryConfig, registryLayout, type RegistryLayout } from './lib/local-registry';
import { StepFailure } from './lib/quiet-run';

const ROOT = path.resolve(__dirname, '..');
const REGISTRY = '/usr/bin/docker-registry';

/** A running registry. */
export interface LocalRegistry {
  /** `127.0.0.1:<port>`: the prefix of image references pushed to it. */
  readonly host: string;
  readonly port: number;
  readonly layout: RegistryLayout;
  /** Milliseconds from spawn to the first answer of `/v2/`. */
  readonly startMs: number;
  stop(): Promise<void>;
}

/** Ends the registry a pid file names, if that process is the registry of `layout`. */
export async function stopRegistry(layout: RegistryLayout): Promise<void> {
  let pid: number | undefined;
  try {
    pid = Number(fs.readFileSync(layout.pidFile, 'utf8').trim());
    if (!isRegistryCommandLine(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'), layout)) pid = undefined;
  } catch {
    pid = undefined;
  }
  if (pid !== undefined) {
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + 10_000;
    while (fs.existsSync(`/proc/${pid}`) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    if (fs.existsSync(`/proc/${pid}`)) process.kill(pid, 'SIGKILL');
  }
  fs.rmSync(layout.pidFile, { force: true });
}

/** Options of {@link startRegistry}. */
export interface StartRegistryOptions {
  readonly root?: string;
  /** @default a free port */
  readonly port?: number;
  /** @default `<root>/.local/docker/registry` */
  readonly dir?: string;
}

/** Starts the registry on 127.0.0.1 (a leftover one of the same folder is stopped first) and waits for it to answer. */
export async function startRegistry(options: StartRegistryOptions = {}): Promise<LocalRegistry> {
  const root = options.root ?? ROOT;
  if (!fs.existsSync(REGISTRY)) await ensureEnginePackages(root);
  const layout = registryLayout(options.dir ?? path.join(root, REGISTRY_DIR));
  await stopRegistry(layout);
  const port = options.port ?? (await freePort());
  fs.mkdirSync(layout.storage, { recursive: true });
  fs.writeFileSync(layout.configFile, registryConfig(layout, port));
  const log = fs.openSync(layout.logFile, 'a');
  const began = performance.now();
  const child = spawn(REGISTRY, ['serve', layout.configFile], { stdio: ['ignore', log, log] });
  fs.closeSync(log);
  fs.writeFileSync(layout.pidFile, `${child.pid}\n`);
  let exited = false;
  child.once('exit', () => (exited = true));
  const host = `127.0.0.1:${port}`;
  for (;;) {
    const ok = await fetch(`http://${host}/v2/`, { signal: AbortSignal.timeout(1000) }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) break;
    if (exited || performance.now() - began > 15_000) {
      child.kill('SIGKILL');
      fs.rmSync(layout.pidFile, { force: true });
      const tail = fs.readFileSync(layout.logFile, 'utf8').trim().split('\n').slice(-3).join(' | ');
      const hint = /address already in use/.test(tail) ? `; port ${port} is taken: choose another with REGISTRY_PORT` : '';
      throw new StepFailure(`docker-registry did not answer on ${host}: ${tail}${hint}`, layout.logFile);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const startMs = performance.now() - began;
  return {
    host,
    port,
    layout,
    startMs,
    stop: async () => {
      if (!exited) {
        const done = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([done, new Promise((r) => setTimeout(r, 10_000))]);
        if (!exited) child.kill('SIGKILL');
      }
      fs.rmSync(layout.pidFile, { force: true });
    },
  };
}
