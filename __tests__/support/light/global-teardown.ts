/** Removes the unit layer's fixture directory (global-setup.ts). */
import * as fs from 'node:fs';

export default function globalTeardown(): void {
  const root = process.env.UNIT_FIXTURE_ROOT;
  if (root) fs.rmSync(root, { recursive: true, force: true });
}
