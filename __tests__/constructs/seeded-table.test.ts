import { Testing } from 'cdktf';
import { SeededTable, type SeededTableProps } from '../../stacks/constructs/seeded-table';
import type { SeedItem, SeedTable, TableDefinition } from '../../stacks/seed';
import { byPath, parse, ref, resources } from '../support/synth';

const RESOURCE: TableDefinition = {
  name: 'Resource',
  csv: 'resource.csv',
  partitionKey: { name: 'id', type: 'S' },
  globalSecondaryIndexes: [{ name: 'byCategory', partitionKey: { name: 'categoryId', type: 'S' }, sortKey: { name: 'title', type: 'S' }, projection: 'ALL' }],
  columns: [
    { name: 'id', type: 'string' },
    { name: 'categoryId', type: 'string' },
    { name: 'title', type: 'string' },
    { name: 'rating', type: 'number' },
    { name: 'tags', type: 'stringSet' },
  ],
};
const ITEMS: SeedItem[] = [
  { id: 'res-001', categoryId: 'cloud', title: 'Twelve-Factor', rating: 4.5, tags: new Set(['saas', 'config']) },
  { id: 'res-002', categoryId: 'cloud', title: 'Well-Architected' },
  { id: 'res-003', categoryId: 'testing', title: 'Test Pyramid', rating: 4 },
];
const WRITER = { command: 'write-seed', environment: { SEED_DATA_DIR: '/data' } };

function synthTable(overrides: Partial<SeededTableProps> = {}, items: SeedItem[] = ITEMS) {
  const seed: SeedTable = { definition: RESOURCE, items };
  return parse(
    Testing.synthScope((scope) => {
      new SeededTable(scope, 'resource', { tableName: 'bookmarks-dev-resource', seed, ...overrides });
    }),
  );
}

const table = (json: ReturnType<typeof synthTable>) => byPath(json, 'resource/table');
const itemsById = (json: ReturnType<typeof synthTable>) => Object.fromEntries(resources(json, 'aws_dynamodb_table_item').map((r) => [r.logicalId, r.props]));

describe('SeededTable table', () => {
  test('is billed on demand and keyed by the definition partition key', () => {
    expect(table(synthTable()).props).toMatchObject({ name: 'bookmarks-dev-resource', billing_mode: 'PAY_PER_REQUEST', hash_key: 'id' });
  });

  test('declares exactly the attributes used by table and index keys', () => {
    expect(table(synthTable()).props.attribute).toEqual([
      { name: 'categoryId', type: 'S' },
      { name: 'id', type: 'S' },
      { name: 'title', type: 'S' },
    ]);
  });

  test('has the global secondary index of the definition', () => {
    expect(table(synthTable()).props.global_secondary_index).toEqual([{ name: 'byCategory', hash_key: 'categoryId', range_key: 'title', projection_type: 'ALL' }]);
  });

  test('turns on point-in-time recovery, encryption, deletion protection and prevent_destroy by default', () => {
    expect(table(synthTable()).props).toMatchObject({
      point_in_time_recovery: { enabled: true },
      server_side_encryption: { enabled: true },
      deletion_protection_enabled: true,
      lifecycle: { prevent_destroy: true },
    });
  });

  test('leaves every protection out when they are turned off', () => {
    const props = table(synthTable({ pointInTimeRecovery: false, serverSideEncryption: false, deletionProtection: false, preventDestroy: false })).props;
    expect([props.point_in_time_recovery, props.server_side_encryption, props.deletion_protection_enabled, props.lifecycle]).toEqual([undefined, undefined, undefined, undefined]);
  });

  test('rejects a table name DynamoDB would refuse, naming the prop', () => {
    expect(() => synthTable({ tableName: 'no spaces' })).toThrow('SeededTable tableName: "no spaces" is not a DynamoDB table name');
  });
});

describe('SeededTable items', () => {
  test('creates one item resource per row, in DynamoDB JSON, on the table', () => {
    const json = synthTable();
    const item = byPath(json, 'resource/item-res-001');
    expect(resources(json, 'aws_dynamodb_table_item')).toHaveLength(3);
    expect(item.props.table_name).toBe(ref(table(json), 'name'));
    expect(JSON.parse(item.props.item as string)).toEqual({
      categoryId: { S: 'cloud' },
      id: { S: 'res-001' },
      rating: { N: '4.5' },
      tags: { SS: ['config', 'saas'] },
      title: { S: 'Twelve-Factor' },
    });
  });

  test('keeps every item resource unchanged when rows are reordered', () => {
    expect(itemsById(synthTable({}, [...ITEMS].reverse()))).toEqual(itemsById(synthTable()));
  });

  test('changes exactly one item resource when one row is edited', () => {
    const before = itemsById(synthTable());
    const after = itemsById(
      synthTable(
        {},
        ITEMS.map((i) => (i.id === 'res-002' ? { ...i, title: 'Well-Architected Framework' } : i)),
      ),
    );
    const changed = Object.keys(before).filter((id) => JSON.stringify(before[id]) !== JSON.stringify(after[id]));
    expect(changed).toEqual([byPath(synthTable(), 'resource/item-res-002').logicalId]);
  });
});

describe('SeededTable batch seeding', () => {
  test('above the threshold writes no item resources and one batch step', () => {
    const json = synthTable({ batchThresholdRows: 2, batchWriter: WRITER });
    expect(resources(json, 'aws_dynamodb_table_item')).toHaveLength(0);
    expect(resources(json, 'terraform_data')).toHaveLength(1);
  });

  test('the batch step runs the writer with the table names and content hash, and re-runs when content changes', () => {
    const step = (items: SeedItem[]) => byPath(synthTable({ batchThresholdRows: 2, batchWriter: WRITER }, items), 'resource/batch-seed').props;
    const first = step(ITEMS);
    expect(first.provisioner).toEqual([
      {
        'local-exec': {
          command: 'write-seed',
          environment: {
            SEED_DATA_DIR: '/data',
            SEED_TABLE: 'Resource',
            SEED_TABLE_NAME: expect.stringContaining('.name}'),
            SEED_CONTENT_HASH: expect.stringMatching(/^[0-9a-f]{64}$/),
          },
        },
      },
    ]);
    expect(step([...ITEMS].reverse()).triggers_replace).toEqual(first.triggers_replace);
    expect(step(ITEMS.slice(0, 2).concat({ ...ITEMS[2], rating: 5 })).triggers_replace).not.toEqual(first.triggers_replace);
  });

  test('the batch step is replaced with its table', () => {
    const json = synthTable({ batchThresholdRows: 0, batchWriter: WRITER });
    expect(byPath(json, 'resource/batch-seed').props.triggers_replace).toMatchObject({ tableArn: ref(table(json), 'arn') });
  });

  test('above the threshold without a writer fails and says how to fix it', () => {
    expect(() => synthTable({ batchThresholdRows: 2 })).toThrow(
      'SeededTable Resource: 3 rows exceed batchThresholdRows (2) but no batchWriter is set; pass batchWriter, or raise batchThresholdRows',
    );
  });
});

describe('SeededTable members', () => {
  test('exposes the index names in definition order', () => {
    Testing.synthScope((scope) => {
      const t = new SeededTable(scope, 'resource', { tableName: 'bookmarks-dev-resource', seed: { definition: RESOURCE, items: [] } });
      expect([t.indexNames, t.indexArns.length, t.seedingMode]).toEqual([['byCategory'], 1, 'resources']);
    });
  });
});
