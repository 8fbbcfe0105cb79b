/** Which local state a stack directory is initialised for. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initialisedStatePath } from '../../scripts/lib/backend-cache';

describe('initialisedStatePath', () => {
  let work: string;
  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'backend-cache-'));
  });
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  const stackDir = (backend?: unknown): string => {
    const dir = fs.mkdtempSync(path.join(work, 'stack-'));
    if (backend !== undefined) {
      fs.mkdirSync(path.join(dir, '.terraform'));
      fs.writeFileSync(path.join(dir, '.terraform', 'terraform.tfstate'), JSON.stringify({ version: 3, backend }));
    }
    return dir;
  };

  test('names the state of a directory initialised for a local backend', () => {
    expect(initialisedStatePath(stackDir({ type: 'local', config: { path: '/p/state/local/data.tfstate' } }))).toBe('/p/state/local/data.tfstate');
  });

  test('a directory never initialised has none', () => {
    expect(initialisedStatePath(stackDir())).toBeUndefined();
  });

  test('a directory initialised for S3 has no local state', () => {
    expect(initialisedStatePath(stackDir({ type: 's3', config: { bucket: 'b', key: 'k' } }))).toBeUndefined();
  });
});
