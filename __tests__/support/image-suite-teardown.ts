/** jest `globalTeardown` of `npm run test:image`: removes the suites' containers, stops the engine if the setup started it. */
import type { Engine } from '../../scripts/docker-engine';
import { CONTAINER_PREFIX } from './image-suite';
import { ENGINE_KEY } from './image-suite-setup';

export default async function globalTeardown(): Promise<void> {
  const engine = (globalThis as Record<symbol, unknown>)[ENGINE_KEY] as Engine | undefined;
  if (!engine) return;
  const leftovers = (await engine.docker.ok(['ps', '--all', '--quiet', '--filter', `name=^${CONTAINER_PREFIX}`])).split('\n').filter((id) => id !== '');
  if (leftovers.length > 0) await engine.docker.run(['rm', '--force', ...leftovers]);
  await engine.stop();
}
