/**
 * jest `globalSetup` of `npm run test:image`: the project's engine (installed and started when
 * needed), Chromium for the page test, the service image on the local base, and the dev task
 * definition's service container from a fresh synth. A step that cannot be done stops the run
 * with one line: what is missing and the command that fixes it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { useEngine, type Engine } from '../../scripts/docker-engine';
import { StepFailure } from '../../scripts/lib/quiet-run';
import { megabytes } from '../../scripts/lib/service-image';
import { synthesizedTaskContainer } from '../../scripts/local-task';
import { ensureChromium } from '../../scripts/prepare-machine';
import { buildServiceImage } from '../../scripts/service-image';
import { IMAGE_RESULTS_FILE, ms1, reportImage, ROOT, SUITE_STATE_FILE, type ImageSuiteState } from './image-suite';

/** The engine, for the teardown (globalSetup and globalTeardown share this process's globals). */
export const ENGINE_KEY = Symbol.for('image-suite-engine');

export default async function globalSetup(): Promise<void> {
  try {
    const began = performance.now();
    const engine = await useEngine({ root: ROOT });
    (globalThis as Record<symbol, unknown>)[ENGINE_KEY] = engine;
    const engineMs = performance.now() - began;
    await ensureChromium({ root: ROOT });
    const image = await buildServiceImage(engine.docker, ROOT);
    const task = await synthesizedTaskContainer(ROOT, 'dev');
    const state: ImageSuiteState = { socket: engine.layout.socket, image, task };
    fs.mkdirSync(path.dirname(SUITE_STATE_FILE), { recursive: true });
    fs.writeFileSync(SUITE_STATE_FILE, JSON.stringify(state));
    fs.rmSync(IMAGE_RESULTS_FILE, { force: true });
    reportImage('build', {
      engineStartMs: engine.startedHere ? ms1(engineMs) : 'already running',
      baseMadeMs: image.base.built ? ms1(image.base.ms) : 'present',
      bundleMs: ms1(image.bundleMs),
      dockerBuildMs: ms1(image.buildMs),
      image: image.reference,
      imageSize: megabytes(image.sizeBytes),
      base: image.base.tag,
      baseSize: megabytes(image.base.sizeBytes),
      addedToBase: megabytes(image.sizeBytes - image.base.sizeBytes),
    });
    process.stderr.write(`\n[test:image] ${image.reference} (${megabytes(image.sizeBytes)}) on ${image.base.tag}; engine ${engine.startedHere ? 'started' : 'already running'}\n`);
  } catch (error) {
    // jest runs no teardown after a failed setup.
    await ((globalThis as Record<symbol, unknown>)[ENGINE_KEY] as Engine | undefined)?.stop();
    if (!(error instanceof StepFailure)) throw error;
    process.stderr.write(`\n[test:image] cannot run the image tests: ${error.message}\n`);
    process.exit(1);
  }
}
