import { Testing } from 'cdktf';
import * as path from 'node:path';
import { buildConfig, type ConfigOverrides } from '../../stacks/settings/config';
import { DataStack } from '../../stacks/data-stack';
import { loadSeedData } from '../../stacks/seed';
import { byPath, parse, resources, synthesizedOnce } from '../support/synth';
import { forEnvironment } from '../support/certificates';

const DATA = path.join(__dirname, '..', '..', 'data');
const SEED = loadSeedData(DATA);

function buildDataStack(env: string, overrides: ConfigOverrides = {}) {
  const config = buildConfig(env, forEnvironment(env, { ...overrides, data: { directory: DATA, ...overrides.data } }), '/project');
  return new DataStack(Testing.app(), 'data', { config, seed: SEED });
}
/** The stack's JSON text; a configuration is synthesized once per file, since the tests only read it. */
const synthDataStackText = synthesizedOnce((env: string, overrides: ConfigOverrides): string => Testing.synth(buildDataStack(env, overrides)));
const synthDataStack = (env: string, overrides: ConfigOverrides = {}) => parse(synthDataStackText(env, overrides));

describe('DataStack', () => {
  test('names the three tables with the physical naming scheme', () => {
    const json = synthDataStack('dev');
    expect(['category', 'resource', 'bookmark'].map((t) => byPath(json, `${t}/table`).props.name)).toEqual([
      'bookmarks-dev-category',
      'bookmarks-dev-resource',
      'bookmarks-dev-bookmark',
    ]);
  });

  test('seeds one item resource per CSV row below the threshold', () => {
    expect(resources(synthDataStack('local'), 'aws_dynamodb_table_item')).toHaveLength(10 + 64 + 40);
  });

  test('bookmarks are indexed by resource and creation time', () => {
    expect(byPath(synthDataStack('dev'), 'bookmark/table').props.global_secondary_index).toEqual([
      { name: 'byResource', hash_key: 'resourceId', range_key: 'createdAt', projection_type: 'ALL' },
    ]);
  });

  test.each(['dev', 'prod'])('protects the tables in %s', (env) => {
    expect(byPath(synthDataStack(env), 'resource/table').props).toMatchObject({
      point_in_time_recovery: { enabled: true },
      server_side_encryption: { enabled: true },
      deletion_protection_enabled: true,
      lifecycle: { prevent_destroy: true },
    });
  });

  test('local leaves out what the embedded DynamoDB lacks, and tags', () => {
    const props = byPath(synthDataStack('local'), 'resource/table').props;
    expect([props.point_in_time_recovery, props.server_side_encryption, props.deletion_protection_enabled, props.lifecycle, props.tags]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  test('above the configured threshold, each large table is seeded by one batch step pointed at the local DynamoDB', () => {
    const json = synthDataStack('local', { data: { batchSeedingThresholdRows: 20 } });
    const steps = resources(json, 'terraform_data');
    expect(steps.map((s) => s.path).sort()).toEqual(['bookmark/batch-seed', 'resource/batch-seed']);
    expect(byPath(json, 'resource/batch-seed').props.provisioner).toMatchObject([
      { 'local-exec': { environment: { SEED_DATA_DIR: DATA, AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8000', AWS_ACCESS_KEY_ID: 'offline' } } },
    ]);
  });

  test('outside offline environments the batch writer uses the default credential chain', () => {
    const json = synthDataStack('prod', { data: { batchSeedingThresholdRows: 20 } });
    const env = (byPath(json, 'resource/batch-seed').props.provisioner as { 'local-exec': { environment: Record<string, string> } }[])[0]['local-exec'].environment;
    expect([env.AWS_ACCESS_KEY_ID, env.AWS_ENDPOINT_URL_DYNAMODB, env.AWS_REGION]).toEqual([undefined, undefined, 'eu-west-1']);
  });

  test('exposes typed table members with index ARNs for the service stack', () => {
    const stack = buildDataStack('dev');
    expect(stack.tables.resource.indexNames).toEqual(['byCategory']);
    expect(stack.tables.bookmark.indexNames).toEqual(['byResource']);
    expect(stack.tables.category.indexArns).toEqual([]);
  });

  test('outputs each table name and ARN', () => {
    expect(Object.keys(synthDataStack('dev').output ?? {}).sort()).toEqual([
      'bookmark_table_arn',
      'bookmark_table_name',
      'category_table_arn',
      'category_table_name',
      'resource_table_arn',
      'resource_table_name',
    ]);
  });

  test('fails with the fix when a required table has no definition', () => {
    const config = buildConfig('dev', { data: { directory: DATA } }, '/project');
    const seed = SEED.filter((t) => t.definition.name !== 'Bookmark');
    expect(() => new DataStack(Testing.app(), 'data', { config, seed })).toThrow(`DataStack seed: no definition for Bookmark in ${DATA}`);
  });
});
