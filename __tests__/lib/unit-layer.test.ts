/** What the unit layer's setup (__tests__/support/light/) gives every file. */
import { Testing } from 'cdktf';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

describe('the unit layer', () => {
  it("keeps temporary files in the run's fixture directory, which the global teardown removes, cdktf's app directories too", () => {
    const app = Testing.app();
    expect([os.tmpdir(), path.dirname(app.outdir)]).toEqual([process.env.UNIT_FIXTURE_ROOT, process.env.UNIT_FIXTURE_ROOT]);
  });

  it('points stack traces at the lines of the TypeScript source, not of the compiled file', () => {
    const source = fs.readFileSync(__filename, 'utf8').split('\n');
    const line = source.findIndex((text) => text.trimStart().startsWith('const stack = new Error(')) + 1;
    const stack = new Error(`made here`).stack ?? '';
    expect(stack).toContain(`${__filename}:${line}:`);
  });

  it('compiles each source once: a file is read back from the cache after its first compilation', () => {
    const cache = path.join(__dirname, '..', '..', 'node_modules', '.cache', 'ts');
    const compiled = fs.readdirSync(cache).filter((name) => name.endsWith('.js'));
    const thisFile = compiled.filter((name) => fs.readFileSync(path.join(cache, name), 'utf8').includes('compiles each source once: a file is read back'));
    expect(thisFile.length).toBeGreaterThanOrEqual(1);
  });
});
