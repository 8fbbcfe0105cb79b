/**
 * What the image suites share: the engine, the image and the dev task's container that the global
 * setup (image-suite-setup.ts) prepared once, and the figures file the suites write their timings to.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { dockerClient, type DockerClient } from '../../scripts/lib/docker-cli';
import type { TaskContainer } from '../../scripts/lib/task-container';
import type { ServiceImage } from '../../scripts/service-image';

export const ROOT = path.resolve(__dirname, '..', '..');
/** Where the setup leaves its state for the suites (environment variables carry only strings). */
export const SUITE_STATE_FILE = path.join(ROOT, '.local', 'docker', 'image-suite.json');
/** The measured times and sizes, for docs/image.md (test-output/ is gitignored). */
export const IMAGE_RESULTS_FILE = path.join(ROOT, 'test-output', 'image-results.json');
/** Containers of the suites are named with this prefix, so the teardown can remove every one. */
export const CONTAINER_PREFIX = 'image-suite-';

/** What the global setup prepared. */
export interface ImageSuiteState {
  /** The engine's unix socket. */
  readonly socket: string;
  readonly image: ServiceImage;
  /** The service container of the dev task definition. */
  readonly task: TaskContainer;
}

/** The state of the global setup and a client of its engine. */
export function imageSuite(): ImageSuiteState & { readonly docker: DockerClient } {
  const state = JSON.parse(fs.readFileSync(SUITE_STATE_FILE, 'utf8')) as ImageSuiteState;
  return { ...state, docker: dockerClient(state.socket) };
}

/** Merges figures into one section of the results file. */
export function reportImage(section: string, figures: Record<string, unknown>): void {
  fs.mkdirSync(path.dirname(IMAGE_RESULTS_FILE), { recursive: true });
  const all = fs.existsSync(IMAGE_RESULTS_FILE) ? (JSON.parse(fs.readFileSync(IMAGE_RESULTS_FILE, 'utf8')) as Record<string, unknown>) : {};
  all[section] = { ...(all[section] as object | undefined), ...figures, measuredAt: new Date().toISOString() };
  fs.writeFileSync(IMAGE_RESULTS_FILE, `${JSON.stringify(all, null, 2)}\n`);
}

/** Milliseconds to one decimal. */
export const ms1 = (ms: number): number => Math.round(ms * 10) / 10;

/** Polls `url` until it answers `status`; resolves with the wait in milliseconds. */
export async function waitForStatus(url: string, status: number, timeoutMs: number): Promise<number> {
  const began = performance.now();
  for (;;) {
    const answered = await fetch(url, { signal: AbortSignal.timeout(1000) }).then(
      (r) => r.status,
      () => undefined,
    );
    if (answered === status) return performance.now() - began;
    if (performance.now() - began > timeoutMs) throw new Error(`${url} answered ${answered ?? 'nothing'}, not ${status}, for ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
