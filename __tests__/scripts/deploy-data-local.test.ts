/** The pure parts of scripts/deploy-data-local.ts: the tables a stack names, and the summary line. */
import { describeDeployment, tableNames } from '../../scripts/deploy-data-local';

describe('tableNames', () => {
  test('lists the literal name of every aws_dynamodb_table', () => {
    const stack = { resource: { aws_dynamodb_table: { a: { name: 'bookmarks-local-category' }, b: { name: 'bookmarks-local-resource' } } } };
    expect(tableNames(stack)).toEqual(['bookmarks-local-category', 'bookmarks-local-resource']);
  });

  test('a stack without tables has none', () => {
    expect(tableNames({ resource: { aws_vpc: { v: {} } } })).toEqual([]);
  });

  test('a name that is a Terraform expression is an error naming the resource', () => {
    const stack = { resource: { aws_dynamodb_table: { t: { name: '${var.prefix}-x' } } } };
    expect(() => tableNames(stack)).toThrow('cdk.tf.json aws_dynamodb_table.t.name: "${var.prefix}-x" is not a literal table name');
  });
});

describe('describeDeployment', () => {
  test('counts tables and items in words', () => {
    expect(describeDeployment({ tables: { a: 10, b: 104, c: 0 }, items: 114 })).toBe('3 tables, 114 items');
  });

  test('uses the singular for one', () => {
    expect(describeDeployment({ tables: { a: 1 }, items: 1 })).toBe('1 table, 1 item');
  });
});
