/** Reading the version out of `terraform version`. */
import { parseTerraformVersion } from '../../scripts/lib/terraform-version';

describe('parseTerraformVersion', () => {
  test('reads terraform_version of the JSON output', () => {
    expect(parseTerraformVersion(JSON.stringify({ terraform_version: '1.11.4', platform: 'linux_amd64' }))).toBe('1.11.4');
  });

  test('reads the plain text of binaries without -json', () => {
    expect(parseTerraformVersion('Terraform v0.12.31\n')).toBe('0.12.31');
  });

  test('keeps a pre-release suffix, which plans as another version', () => {
    expect(parseTerraformVersion('Terraform v1.12.0-beta1\non linux_amd64\n')).toBe('1.12.0-beta1');
  });

  test('output without a version gives none', () => {
    expect(parseTerraformVersion('command not found')).toBeUndefined();
  });
});
