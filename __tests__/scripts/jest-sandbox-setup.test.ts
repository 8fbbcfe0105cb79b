/** Which sandbox runs start the shared Docker engine: the sandbox setup reads jest's path patterns. */
import { TestPathPatterns } from '@jest/pattern';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONTAINER_SANDBOX_FILES, selectsContainerFiles } from '../../scripts/jest-sandbox-setup';

const ROOT = path.resolve(__dirname, '..', '..');
const patterns = (...list: string[]) => ({ testPathPatterns: new TestPathPatterns(list) });

describe('selectsContainerFiles', () => {
  test('names files that exist and run the service as containers', () => {
    // A file asks for containers (SANDBOX_RUNTIME), or runs npm run sandbox and fails unless it chose them.
    const runsContainers = (text: string) => text.includes("SANDBOX_RUNTIME: 'container'") || text.includes("runtime !== 'containers'");
    expect(CONTAINER_SANDBOX_FILES.map((file) => [fs.existsSync(path.join(ROOT, file)), runsContainers(fs.readFileSync(path.join(ROOT, file), 'utf8'))])).toEqual(
      CONTAINER_SANDBOX_FILES.map(() => [true, true]),
    );
  });

  test('the whole suite, or a pattern naming a container file, starts the engine', () => {
    expect([selectsContainerFiles(patterns(), ROOT), selectsContainerFiles({}, ROOT), selectsContainerFiles(patterns('three-services'), ROOT)]).toEqual([true, true, true]);
  });

  test('files that run no container start no engine', () => {
    expect(selectsContainerFiles(patterns('state.sandbox', 'untracked-items'), ROOT)).toBe(false);
  });
});
