/** The layers of the tree: imports go main.ts → stacks → settings, constructs → pure helpers, never back up, never in a circle. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { importCircles, importGraph } from '../../scripts/lib/import-graph';

const ROOT = path.resolve(__dirname, '../..');
const graph = importGraph(ROOT, ['main.ts', 'app.ts', 'stacks', 'scripts', 'bench', 'service/src']);
const importsOf = (prefix: string) => [...graph].filter(([file]) => file.startsWith(prefix)).flatMap(([file, targets]) => targets.map((target) => `${file} → ${target}`));

describe('the import graph', () => {
  it('has no import circle, type-only imports included', () => {
    expect(importCircles(graph)).toEqual([]);
  });

  it('no settings module imports a construct module', () => {
    expect(importsOf('stacks/settings/').filter((edge) => edge.includes('→ stacks/constructs/'))).toEqual([]);
  });

  it('the pure helpers of stacks/lib import neither settings, constructs, policy nor stacks', () => {
    expect(importsOf('stacks/lib/').filter((edge) => !/→ stacks\/lib\//.test(edge))).toEqual([]);
  });

  it('constructs import no settings module and no stack', () => {
    expect(importsOf('stacks/constructs/').filter((edge) => /→ (stacks\/settings\/|stacks\/shared\/|stacks\/[a-z-]+-stack\.ts|app\.ts)/.test(edge))).toEqual([]);
  });

  it('the bench imports nothing from the tests', () => {
    const fromBench = importsOf('bench/').filter((edge) => edge.includes('→ __tests__/'));
    expect(fromBench).toEqual([]);
  });

  it('stacks/ holds only the stacks and base-stack.ts at its top level', () => {
    const top = fs.readdirSync(path.join(ROOT, 'stacks')).filter((f) => f.endsWith('.ts'));
    expect(top.filter((f) => !/-stack\.ts$/.test(f))).toEqual([]);
  });

  it('finds a circle when there is one (the check can fail)', () => {
    expect(
      importCircles(
        new Map([
          ['a.ts', ['b.ts']],
          ['b.ts', ['a.ts']],
          ['c.ts', ['a.ts']],
        ]),
      ),
    ).toEqual([['a.ts', 'b.ts']]);
  });
});
