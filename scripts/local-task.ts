/**
 * The service's container as its ECS task definition says, on the project's engine: the task
 * definition read from a fresh synth of the service stack (scripts/app.mjs --synth), mapped by
 * scripts/lib/task-container.ts, created through the Engine API and started.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { CONTAINER_NAME } from '../stacks/service-stack';
import type { DockerClient } from './lib/docker-cli';
import { taskContainer, type SynthesizedStack, type TaskContainer } from './lib/task-container';

/** The service container of the task definition `CDKTF_ENV=<environment>` synthesizes. */
export async function synthesizedTaskContainer(root: string, environment = 'dev'): Promise<TaskContainer> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'task-synth-'));
  try {
    await promisify(execFile)(process.execPath, [path.join(root, 'scripts', 'app.mjs'), '--synth', '--output', out], {
      cwd: root,
      env: { ...process.env, CDKTF_ENV: environment },
      maxBuffer: 16 * 1024 * 1024,
    });
    const stack = JSON.parse(fs.readFileSync(path.join(out, 'stacks', 'service', 'cdk.tf.json'), 'utf8')) as SynthesizedStack;
    return taskContainer(stack, CONTAINER_NAME);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

/** What the engine says of a container, reduced to what the callers check. */
export interface ContainerState {
  readonly running: boolean;
  readonly exitCode: number;
  /** `starting`, `healthy`, `unhealthy`; undefined without a health check. */
  readonly health?: string;
  /** The image ID (config digest) the container runs. */
  readonly image: string;
  readonly pid: number;
}

/** A container started by {@link startContainer}. */
export interface LocalContainer {
  readonly id: string;
  readonly name: string;
  state(): Promise<ContainerState>;
  /** Waits until the health status is `status`; throws with the last health log when it is not by `timeoutMs`. */
  waitForHealth(status: 'healthy', timeoutMs: number): Promise<number>;
  /** Runs `docker exec <container> <command>` as the container's user; never rejects for a failing command. */
  exec(command: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** `docker stop` (the container's own stop timeout applies); resolves with its wall time and the exit code. */
  stop(): Promise<{ ms: number; cliCode: number | null; exitCode: number }>;
  logs(): Promise<string>;
  /** Removes it, running or not. */
  remove(): Promise<void>;
}

/** Creates a container named `name` from an Engine API body (a leftover of the same name is removed first) and starts it. */
export async function startContainer(docker: DockerClient, name: string, body: Record<string, unknown>): Promise<LocalContainer> {
  await docker.run(['rm', '--force', name]);
  const created = await docker.api('POST', `/containers/create?name=${encodeURIComponent(name)}`, body);
  if (created.status !== 201) throw new Error(`creating container ${name} failed (${created.status}): ${JSON.stringify(created.body)}`);
  const id = (created.body as { Id: string }).Id;
  const started = await docker.api('POST', `/containers/${id}/start`);
  if (started.status !== 204) throw new Error(`starting container ${name} failed (${started.status}): ${JSON.stringify(started.body)}`);

  const inspect = async () => {
    const { status, body: info } = await docker.api('GET', `/containers/${id}/json`);
    if (status !== 200) throw new Error(`inspecting container ${name} failed (${status})`);
    return info as { Image: string; State: { Running: boolean; ExitCode: number; Pid: number; Health?: { Status: string; Log?: { Output: string; ExitCode: number }[] } } };
  };
  const state = async (): Promise<ContainerState> => {
    const { Image, State } = await inspect();
    return { running: State.Running, exitCode: State.ExitCode, image: Image, pid: State.Pid, ...(State.Health ? { health: State.Health.Status } : {}) };
  };
  return {
    id,
    name,
    state,
    waitForHealth: async (status, timeoutMs) => {
      const began = performance.now();
      for (;;) {
        const { State } = await inspect();
        if (State.Health?.Status === status) return performance.now() - began;
        if (!State.Running || performance.now() - began > timeoutMs) {
          const last = State.Health?.Log?.slice(-1)[0];
          throw new Error(
            `container ${name} is ${State.Running ? (State.Health?.Status ?? 'without a health check') : `stopped (exit ${State.ExitCode})`} after ${Math.round(performance.now() - began)} ms, not ${status}; last check: ${last ? `exit ${last.ExitCode}: ${last.Output.trim()}` : 'none'}`,
          );
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    exec: (command) => docker.run(['exec', id, ...command]),
    stop: async () => {
      const result = await docker.run(['stop', id]);
      const { State } = await inspect();
      return { ms: result.ms, cliCode: result.code, exitCode: State.ExitCode };
    },
    logs: async () => {
      const result = await docker.run(['logs', id]);
      return result.stdout + result.stderr;
    },
    remove: async () => {
      await docker.run(['rm', '--force', id]);
    },
  };
}
