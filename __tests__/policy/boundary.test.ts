import * as fs from 'node:fs';
import * as path from 'node:path';

const CONSTRUCTS = path.resolve(__dirname, '../../stacks/constructs');
/** An import of stacks/policy/<module> from a construct, relative as constructs write it. */
const POLICY_IMPORT = /from\s+['"]\.\.\/policy\/([\w-]+)['"]/g;

/** The policy modules a source text imports. */
function policyImports(source: string): string[] {
  return [...source.matchAll(POLICY_IMPORT)].map((m) => m[1]);
}

describe('policy boundary', () => {
  it('constructs import nothing from stacks/policy but suppress.ts', () => {
    const offenders = fs
      .readdirSync(CONSTRUCTS)
      .filter((file) => file.endsWith('.ts'))
      .flatMap((file) =>
        policyImports(fs.readFileSync(path.join(CONSTRUCTS, file), 'utf8'))
          .filter((m) => m !== 'suppress')
          .map((m) => `${file} → ${m}`),
      );
    expect(offenders).toEqual([]);
  });

  it('recognises an import of the engine and accepts one of suppress', () => {
    expect(policyImports("import { checkPolicy } from '../policy/engine';\nimport { suppressPolicy } from '../policy/suppress';")).toEqual(['engine', 'suppress']);
  });
});
