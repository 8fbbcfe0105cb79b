/** The pure parts of scripts/lib/terraform.ts: reading what a `plan -json` plans and an `apply -json` changed. */
import { appliedChanges, parsePlanLog } from '../../scripts/lib/terraform';

/** One line of `terraform apply -json`, as Terraform 1.11 writes it. */
const line = (type: string, addr: string, resourceType: string, action?: string) =>
  JSON.stringify({ '@level': 'info', type, hook: { resource: { addr, resource_type: resourceType }, ...(action ? { action } : {}) } });

describe('appliedChanges', () => {
  test('a replacement lists its delete and create in the order they ran', () => {
    const log = [
      line('refresh_start', 'terraform_data.seed', 'terraform_data'),
      JSON.stringify({ type: 'planned_change', change: { resource: { addr: 'terraform_data.seed', resource_type: 'terraform_data' }, action: 'replace' } }),
      line('apply_start', 'terraform_data.seed', 'terraform_data', 'delete'),
      line('apply_complete', 'terraform_data.seed', 'terraform_data', 'delete'),
      line('apply_start', 'terraform_data.seed', 'terraform_data', 'create'),
      line('apply_complete', 'terraform_data.seed', 'terraform_data', 'create'),
    ].join('\n');
    expect(appliedChanges(log)).toEqual([{ address: 'terraform_data.seed', type: 'terraform_data', actions: ['delete', 'create'] }]);
  });

  test('each changed resource appears once, in the order its first step started', () => {
    const log = [
      line('apply_start', 'terraform_data.seed', 'terraform_data', 'delete'),
      line('apply_start', 'aws_dynamodb_table_item.a', 'aws_dynamodb_table_item', 'update'),
      line('apply_start', 'terraform_data.seed', 'terraform_data', 'create'),
    ].join('\n');
    expect(appliedChanges(log).map((c) => [c.address, c.actions.join('+')])).toEqual([
      ['terraform_data.seed', 'delete+create'],
      ['aws_dynamodb_table_item.a', 'update'],
    ]);
  });

  test('an apply that changed nothing, and lines that are not JSON, give no change', () => {
    const log = ['Terraform will perform the following actions:', line('refresh_complete', 'terraform_data.seed', 'terraform_data'), ''].join('\n');
    expect(appliedChanges(log)).toEqual([]);
  });
});

/** A `planned_change` line of `terraform plan -json`. */
const planned = (addr: string, resourceType: string, action: string) =>
  JSON.stringify({ type: 'planned_change', change: { resource: { addr, resource_type: resourceType }, action } });

describe('parsePlanLog', () => {
  test('creates, updates, deletes and reads are exact, listed in address order as terraform show lists them', () => {
    const log = [
      JSON.stringify({ type: 'version', terraform: '1.11.4' }),
      planned('terraform_data.c', 'terraform_data', 'create'),
      planned('module.dev.aws_vpc.main', 'aws_vpc', 'update'),
      planned('data.aws_iam_policy_document.p', 'aws_iam_policy_document', 'read'),
      planned('aws_eip.nat', 'aws_eip', 'delete'),
      JSON.stringify({ type: 'change_summary', changes: { add: 1, change: 1, remove: 1 } }),
    ].join('\n');
    expect(parsePlanLog(log)).toEqual({
      changes: [
        { address: 'aws_eip.nat', type: 'aws_eip', actions: ['delete'] },
        { address: 'data.aws_iam_policy_document.p', type: 'aws_iam_policy_document', actions: ['read'] },
        { address: 'module.dev.aws_vpc.main', type: 'aws_vpc', actions: ['update'] },
        { address: 'terraform_data.c', type: 'terraform_data', actions: ['create'] },
      ],
      exact: true,
      errors: [],
    });
  });

  test('a replacement, whose order the log does not tell, makes the changes inexact', () => {
    const log = [planned('terraform_data.seed', 'terraform_data', 'replace'), planned('terraform_data.c', 'terraform_data', 'create')].join('\n');
    expect(parsePlanLog(log).exact).toBe(false);
  });

  test('a move without a change is no change, and makes the changes inexact', () => {
    const result = parsePlanLog([planned('aws_vpc.main', 'aws_vpc', 'move'), planned('aws_vpc.other', 'aws_vpc', 'noop')].join('\n'));
    expect([result.changes.map((c) => c.actions.join()), result.exact]).toEqual([['move'], false]);
  });

  test('error diagnostics are kept with their detail; warnings are not', () => {
    const diagnostic = (severity: string, summary: string) => JSON.stringify({ type: 'diagnostic', diagnostic: { severity, summary, detail: `${summary} detail` } });
    const log = ['Error: not JSON', diagnostic('warning', 'Deprecated'), diagnostic('error', 'Unsupported argument')].join('\n');
    expect(parsePlanLog(log).errors).toEqual(['Unsupported argument: Unsupported argument detail']);
  });
});
