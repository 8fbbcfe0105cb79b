import { TerraformStack, Testing } from 'cdktf';
import { EcrLifecyclePolicy } from '@cdktf/provider-aws/lib/ecr-lifecycle-policy';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import type { TfJson } from '../../stacks/lib/tf-json';
import { checkPolicy } from '../../stacks/policy/engine';
import { formatReport } from '../../stacks/policy/report';
import { suppressPolicy } from '../../stacks/policy/suppress';

/** Given a stack with one repository whose tags are mutable (ECR002) and nothing else wrong. */
function mutableRepository() {
  const stack = new TerraformStack(Testing.app(), 'service');
  const repository = new EcrRepository(stack, 'repository', {
    name: 'app',
    imageTagMutability: 'MUTABLE',
    imageScanningConfiguration: { scanOnPush: true },
  });
  new EcrLifecyclePolicy(stack, 'lifecycle', { repository: repository.name, policy: '{}' });
  return { stack, repository };
}

const REASON = 'local builds push the tag "latest" on every start';
// Testing.synth strips every `//` block, suppressions included; toTerraform keeps them, as synth does.
const check = (stack: TerraformStack) => checkPolicy(stack.toTerraform() as TfJson, { stackId: 'service', environment: 'local' });

describe('suppressPolicy', () => {
  it('refuses an empty reason', () => {
    const { repository } = mutableRepository();
    expect(() => suppressPolicy(repository, 'ECR002', '')).toThrow(/reason "" is too short/);
  });

  it('refuses a reason of only a word or two', () => {
    const { repository } = mutableRepository();
    expect(() => suppressPolicy(repository, 'ECR002', '  ok  ')).toThrow(/too short/);
  });

  it('refuses a malformed rule id', () => {
    const { repository } = mutableRepository();
    expect(() => suppressPolicy(repository, 'ecr-2', REASON)).toThrow(/"ecr-2" is not a rule id/);
  });

  it('turns the finding of the suppressed rule into a suppressed finding with its reason', () => {
    const { stack, repository } = mutableRepository();
    suppressPolicy(repository, 'ECR002', REASON);
    const result = check(stack);
    expect([result.findings, result.suppressed.map((s) => [s.ruleId, s.path, s.reason])]).toEqual([[], [['ECR002', 'repository', REASON]]]);
  });

  it('suppresses only the named rule', () => {
    const { stack, repository } = mutableRepository();
    repository.imageScanningConfiguration.scanOnPush = false;
    suppressPolicy(repository, 'ECR002', REASON);
    expect(check(stack).findings.map((f) => f.ruleId)).toEqual(['ECR001']);
  });

  it('reports a suppression of a rule that does not exist', () => {
    const { stack, repository } = mutableRepository();
    suppressPolicy(repository, 'ECR999', REASON);
    expect(check(stack).findings.map((f) => [f.ruleId, f.message])).toContainEqual(['POL001', 'suppresses "ECR999", which is not a rule']);
  });
});

describe('report', () => {
  it('shows each suppression with its reason', () => {
    const { stack, repository } = mutableRepository();
    suppressPolicy(repository, 'ECR002', REASON);
    expect(formatReport(check(stack))).toContain(`reason: ${REASON}`);
  });

  it('shows each finding with its address, construct path, message and fix', () => {
    const { stack } = mutableRepository();
    const lines = formatReport(check(stack)).split('\n');
    expect(lines.slice(0, 4)).toEqual([
      'Policy check of stack "service" (local): 1 finding',
      expect.stringMatching(/^ {2}ECR002 aws_ecr_repository\.repository \(repository\)$/),
      '      tags are mutable: a pushed tag can be silently replaced',
      "      fix: set imageTagMutability: 'IMMUTABLE' and tag images by content (digest or hash)",
    ]);
  });
});
