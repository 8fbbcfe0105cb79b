/**
 * jest `globalSetup` of `npm run test:sandbox`: the suites run real Terraform (through cdktf) against
 * moto, so the machine is prepared first, as `npm run sandbox` prepares it (scripts/prepare-machine.ts:
 * the provider mirror link and the CLI config file; no browser).
 */
import { prepareForTests } from './jest-global-setup';

export default async function sandboxGlobalSetup(_globalConfig: unknown, projectConfig: { readonly rootDir: string }): Promise<void> {
  await prepareForTests('npm run test:sandbox', 'the sandbox suites', { root: projectConfig.rootDir, purpose: 'start' });
}
