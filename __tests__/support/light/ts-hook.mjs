// Node's ESM loader, which jest-light-runner uses to import each test file, knows no `.ts`: this
// hook hands such files to the CommonJS loader, where scripts/register-ts.js compiles them.
export async function load(url, context, nextLoad) {
  if (/\.ts(\?.*)?$/.test(url) && url.startsWith('file:')) return { format: 'commonjs', shortCircuit: true };
  return nextLoad(url, context);
}
