/**
 * Talking to one Docker engine: the docker client with DOCKER_HOST set, and the Engine API over the
 * unix socket for what the client cannot say (an exec-form health check, as ECS runs it).
 */
import { spawn } from 'node:child_process';
import * as http from 'node:http';
import { ENGINE_CLIENT } from './docker-engine';

/** What a docker command printed and how it ended. */
export interface DockerResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** A client bound to one engine's socket. */
export interface DockerClient {
  /** The engine's unix socket. */
  readonly socket: string;
  /** Runs `docker <args>`; never rejects for a failing command. */
  run(args: readonly string[], options?: { readonly input?: string; readonly env?: NodeJS.ProcessEnv }): Promise<DockerResult>;
  /** Runs `docker <args>` and returns its trimmed stdout; rejects with stderr when it fails. */
  ok(args: readonly string[], options?: { readonly env?: NodeJS.ProcessEnv }): Promise<string>;
  /** One Engine API call; resolves with the status and the parsed JSON body (or the text). */
  api(method: string, apiPath: string, body?: unknown): Promise<{ status: number; body: unknown }>;
}

/**
 * A client for the engine listening on `socket`, using `binary` (the client of docker.io: its API
 * version matches the engine, and it builds with BuildKit).
 */
export function dockerClient(socket: string, binary: string = ENGINE_CLIENT): DockerClient {
  const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({ ...process.env, DOCKER_HOST: `unix://${socket}`, DOCKER_CLI_HINTS: 'false', ...extra });
  const run: DockerClient['run'] = (args, options = {}) =>
    new Promise((resolve) => {
      const started = performance.now();
      const child = spawn(binary, [...args], { env: env(options.env), stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
      child.once('error', (error: NodeJS.ErrnoException) =>
        resolve({ code: -1, stdout, stderr: `could not run ${binary}: ${error.code ?? error.message}`, ms: performance.now() - started }),
      );
      child.once('close', (code) => resolve({ code, stdout, stderr, ms: performance.now() - started }));
      child.stdin.end(options.input ?? '');
    });
  return {
    socket,
    run,
    ok: async (args, options) => {
      const result = await run(args, options);
      if (result.code !== 0) throw new Error(`docker ${args.join(' ')} failed (exit ${result.code}): ${result.stderr.trim() || result.stdout.trim()}`);
      return result.stdout.trim();
    },
    api: (method, apiPath, body) =>
      new Promise((resolve, reject) => {
        const payload = body === undefined ? undefined : JSON.stringify(body);
        const request = http.request(
          { socketPath: socket, method, path: apiPath, headers: payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {} },
          (response) => {
            let text = '';
            response.on('data', (d: Buffer) => (text += d.toString('utf8')));
            response.on('end', () => {
              let parsed: unknown = text;
              try {
                parsed = text === '' ? undefined : JSON.parse(text);
              } catch {
                // Plain text (e.g. `OK` from /_ping).
              }
              resolve({ status: response.statusCode ?? 0, body: parsed });
            });
          },
        );
        request.once('error', reject);
        request.setTimeout(30_000, () => request.destroy(new Error(`${method} ${apiPath}: no answer from ${socket} in 30 s`)));
        request.end(payload);
      }),
  };
}

/** Whether an engine answers `GET /_ping` on `socket` within `timeoutMs`. */
export async function pingEngine(socket: string, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.request({ socketPath: socket, method: 'GET', path: '/_ping', timeout: timeoutMs }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.once('error', () => resolve(false));
    request.once('timeout', () => {
      request.destroy();
      resolve(false);
    });
    request.end();
  });
}
