/** When a build is current, from size-and-mtime prints of its inputs and outputs. */
import { buildChange, changedFile, type BuildPrints } from '../../scripts/lib/build-prints';

const built: BuildPrints = {
  inputs: { 'service/src/app.ts': [1200, 1000.5], 'service/public/index.html': [800, 1000.25] },
  outputs: { 'service/dist/server.js': [90_000, 2000.75] },
};

describe('changedFile', () => {
  test('the same prints: nothing changed', () => {
    expect(changedFile(built.inputs, { ...built.inputs })).toBeUndefined();
  });

  test('an edit that keeps the size is found by its mtime', () => {
    expect(changedFile(built.inputs, { ...built.inputs, 'service/src/app.ts': [1200, 1001] })).toBe('service/src/app.ts');
  });

  test('an added file is found', () => {
    expect(changedFile(built.inputs, { ...built.inputs, 'service/src/new.ts': [10, 1] })).toBe('service/src/new.ts');
  });

  test('a removed file is found', () => {
    expect(changedFile(built.inputs, { 'service/src/app.ts': [1200, 1000.5] })).toBe('service/public/index.html');
  });
});

describe('buildChange', () => {
  test('inputs and outputs as the last build left them: the build is current', () => {
    expect(buildChange(built, { inputs: { ...built.inputs }, outputs: { ...built.outputs } })).toBeUndefined();
  });

  test('without a record the build runs', () => {
    expect(buildChange(undefined, built)).toBe('no build recorded');
  });

  test('deleted outputs make it run', () => {
    expect(buildChange(built, { inputs: built.inputs, outputs: {} })).toBe('no output');
  });

  test('outputs rebuilt since from other inputs make it run', () => {
    expect(buildChange(built, { inputs: built.inputs, outputs: { 'service/dist/server.js': [91_000, 3000] } })).toBe('service/dist/server.js');
  });

  test('an edited source makes it run', () => {
    expect(buildChange(built, { inputs: { ...built.inputs, 'service/src/app.ts': [1300, 1002] }, outputs: built.outputs })).toBe('service/src/app.ts');
  });
});
