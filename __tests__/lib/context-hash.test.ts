import * as fs from 'node:fs';
import * as path from 'node:path';
import { hashBuildContext, isIgnored, parseDockerignore } from '../../stacks/lib/context-hash';
import { serviceLikeContext, writeTree } from '../support/service-fixtures';

const SERVICE_DIR = path.resolve(__dirname, '../../service');

describe('.dockerignore rules', () => {
  it('drops comments and blank lines and cleans leading and trailing slashes', () => {
    expect(parseDockerignore('# comment\n\n/dist/\n!./keep\n').map((r) => [r.pattern, r.negated])).toEqual([
      ['dist', false],
      ['keep', true],
    ]);
  });

  it('a pattern that matches a directory excludes everything below it', () => {
    expect(isIgnored('node_modules/a/b.js', parseDockerignore('node_modules'))).toBe(true);
  });

  it('a later negation re-includes a path, the last matching rule winning', () => {
    const rules = parseDockerignore('*\n!dist/server.js\n');
    expect([isIgnored('dist/server.js', rules), isIgnored('dist/other.js', rules), isIgnored('src/app.ts', rules)]).toEqual([false, true, true]);
  });

  it('a single star stays within one directory level', () => {
    const rules = parseDockerignore('*.md');
    expect([isIgnored('README.md', rules), isIgnored('docs/guide.md', rules)]).toEqual([true, false]);
  });

  it('a double star matches any number of directories', () => {
    const rules = parseDockerignore('**/*.map');
    expect([isIgnored('server.js.map', rules), isIgnored('dist/a/b/server.js.map', rules), isIgnored('dist/server.js', rules)]).toEqual([true, true, false]);
  });

  it('question marks and character classes match one character', () => {
    const rules = parseDockerignore('log?.txt\n[ab].txt');
    expect(['log1.txt', 'log12.txt', 'a.txt', 'c.txt'].map((p) => isIgnored(p, rules))).toEqual([true, false, true, false]);
  });
});

describe('build context hash', () => {
  it('hashes exactly the files docker would send, plus the Dockerfile and .dockerignore', () => {
    const dir = serviceLikeContext();
    expect(hashBuildContext(dir).files).toEqual(['.dockerignore', 'Dockerfile', 'dist/public/index.html', 'dist/server.js']);
  });

  it('is stable when nothing changes', () => {
    const dir = serviceLikeContext();
    expect(hashBuildContext(dir).hash).toBe(hashBuildContext(dir).hash);
  });

  it('changes when a file in the context changes', () => {
    const dir = serviceLikeContext();
    const before = hashBuildContext(dir).hash;
    fs.writeFileSync(path.join(dir, 'dist/server.js'), 'console.log("v2");\n');
    expect(hashBuildContext(dir).hash).not.toBe(before);
  });

  it('changes when the Dockerfile changes', () => {
    const dir = serviceLikeContext();
    const before = hashBuildContext(dir).hash;
    fs.appendFileSync(path.join(dir, 'Dockerfile'), 'EXPOSE 8080\n');
    expect(hashBuildContext(dir).hash).not.toBe(before);
  });

  it('changes when a file is added to the context', () => {
    const dir = serviceLikeContext();
    const before = hashBuildContext(dir).hash;
    fs.writeFileSync(path.join(dir, 'dist/public/app.js'), 'void 0;\n');
    expect(hashBuildContext(dir).hash).not.toBe(before);
  });

  it('does not change when an ignored file changes', () => {
    const dir = serviceLikeContext();
    const before = hashBuildContext(dir).hash;
    fs.writeFileSync(path.join(dir, 'src/app.ts'), 'export const v = 2;\n');
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not sent to docker\n');
    expect(hashBuildContext(dir).hash).toBe(before);
  });

  it('does not depend on where the context lives', () => {
    expect(hashBuildContext(serviceLikeContext()).hash).toBe(hashBuildContext(serviceLikeContext()).hash);
  });

  it('tells a renamed file apart from the original', () => {
    const a = writeTree({ Dockerfile: 'FROM x\n', 'a.txt': 'same' });
    const b = writeTree({ Dockerfile: 'FROM x\n', 'b.txt': 'same' });
    expect(hashBuildContext(a).hash).not.toBe(hashBuildContext(b).hash);
  });

  it('folds extra inputs such as the platform into the hash', () => {
    const dir = serviceLikeContext();
    expect(hashBuildContext(dir, { extra: ['platform=linux/amd64'] }).hash).not.toBe(hashBuildContext(dir, { extra: ['platform=linux/arm64'] }).hash);
  });
});

describe('the service/ build context', () => {
  /** A copy of service/'s Dockerfile, .dockerignore and sources, with a stand-in dist/ bundle. */
  function copyOfService(): string {
    const files: Record<string, string> = {
      Dockerfile: fs.readFileSync(path.join(SERVICE_DIR, 'Dockerfile'), 'utf8'),
      '.dockerignore': fs.readFileSync(path.join(SERVICE_DIR, '.dockerignore'), 'utf8'),
      'dist/server.js': 'bundle v1',
      'dist/server.js.LEGAL.txt': 'licenses',
      'dist/server.js.map': 'map v1',
      'dist/public/index.html': '<html></html>',
    };
    for (const name of fs.readdirSync(path.join(SERVICE_DIR, 'src'))) {
      files[`src/${name}`] = fs.readFileSync(path.join(SERVICE_DIR, 'src', name), 'utf8');
    }
    return writeTree(files, 'service-copy-');
  }

  it('the tag changes when the bundled server changes', () => {
    const dir = copyOfService();
    const before = hashBuildContext(dir).hash;
    fs.writeFileSync(path.join(dir, 'dist/server.js'), 'bundle v2');
    expect(hashBuildContext(dir).hash).not.toBe(before);
  });

  it('the tag stays when only files the image leaves out change (sources, source maps)', () => {
    const dir = copyOfService();
    const before = hashBuildContext(dir).hash;
    fs.appendFileSync(path.join(dir, 'src/app.ts'), '\n// edited\n');
    fs.writeFileSync(path.join(dir, 'dist/server.js.map'), 'map v2');
    expect(hashBuildContext(dir).hash).toBe(before);
  });
});
