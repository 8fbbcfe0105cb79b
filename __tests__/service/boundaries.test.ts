import * as fs from 'node:fs';
import * as path from 'node:path';

const SERVICE = path.resolve(__dirname, '..', '..', 'service');
const files = (dir: string, ext: RegExp): string[] =>
  fs
    .readdirSync(dir)
    .filter((f) => ext.test(f))
    .map((f) => path.join(dir, f));
const IMPORT = /(?:from\s+|require\(\s*|import\(\s*)['"]([^'"]+)['"]/g;

describe('service boundaries', () => {
  test('service/src imports only its own modules, node built-ins and npm packages', () => {
    const outside = files(path.join(SERVICE, 'src'), /\.ts$/).flatMap((file) =>
      [...fs.readFileSync(file, 'utf8').matchAll(IMPORT)]
        .map((m) => m[1])
        .filter((spec) => spec.startsWith('.') && !path.resolve(path.dirname(file), spec).startsWith(path.join(SERVICE, 'src')))
        .map((spec) => `${path.basename(file)} → ${spec}`),
    );
    expect(outside).toEqual([]);
  });

  test('the web page script never assigns HTML from data (no innerHTML, outerHTML or insertAdjacentHTML)', () => {
    const script = fs.readFileSync(path.join(SERVICE, 'public', 'app.js'), 'utf8');
    expect(script.match(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/g)).toBeNull();
  });

  test('the Dockerfile runs as a non-root user with an exec-form CMD on Node 22', () => {
    const dockerfile = fs.readFileSync(path.join(SERVICE, 'Dockerfile'), 'utf8');
    expect([/^ARG BASE_IMAGE=node:22-/m.test(dockerfile), /^USER node$/m.test(dockerfile), /^CMD \["node", "server\.js"\]$/m.test(dockerfile)]).toEqual([true, true, true]);
  });
});
