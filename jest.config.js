/**
 * Two layers: `unit` (pure functions, constructs, stacks: no processes) and `integration`
 * (real terraform, the embedded DynamoDB, HTTP and the browser). `npm test` runs both. Before the
 * integration layer, scripts/jest-global-setup.ts prepares the machine: the Terraform provider
 * mirror and CLI config file, and Chromium when the browser tests are selected.
 */
// The pinned AWS SDK runs on Node 20; its notice that releases after January 2027 need Node 22 is
// not the tests' to act on. Set here, before jest starts its workers, it reaches every suite of
// every jest configuration (the sandbox, stress and image ones load this file).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const transform = { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] };
const common = {
  transform,
  testEnvironment: 'node',
  setupFilesAfterEnv: ['<rootDir>/__tests__/support/token-traces.ts', '<rootDir>/__tests__/support/binary-versions.ts', '<rootDir>/__tests__/support/setup.ts'],
  modulePathIgnorePatterns: ['<rootDir>/cdktf.out', '<rootDir>/.build', '<rootDir>/dist'],
};

module.exports = {
  // Jest's default on a 2-core machine is one worker; the suites are independent, so use both cores.
  maxWorkers: 2,
  // The integration layer's longest files start first: on a fresh clone jest would order by size.
  testSequencer: '<rootDir>/scripts/jest-sequencer.js',
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
      testPathIgnorePatterns: ['\\.int\\.test\\.ts$'],
      // Each worker loads cdktf, the provider classes and our stacks once for all its files, where
      // jest's own runner loads them again for every file (two thirds of the layer's CPU). No unit
      // file changes the environment or a shared module, so none leaves state to the next one.
      // __tests__/support/light/ compiles TypeScript for it and gives the run one fixture directory.
      runner: 'jest-light-runner',
      setupFiles: ['<rootDir>/__tests__/support/light/register.mjs'],
      globalSetup: '<rootDir>/__tests__/support/light/global-setup.ts',
      globalTeardown: '<rootDir>/__tests__/support/light/global-teardown.ts',
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/__tests__/**/*.int.test.ts'],
      slowTestThreshold: 60,
      globalSetup: '<rootDir>/scripts/jest-global-setup.ts',
    },
  ],
};
