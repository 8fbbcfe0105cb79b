/** Seed data: table definitions and CSV files in `data/` turned into typed DynamoDB items. */
export * from './types';
export { SeedDataError } from './errors';
export { loadSeedData, type LoadSeedDataOptions } from './load';
export { parseTableDefinition, type DefinitionCheck } from './definition';
export { parseCsvItems, type CsvItems } from './csv';
export { itemConstructId } from './item-id';
export { toDynamoDbJson, type AttributeValue } from './dynamodb-json';
export { contentHash } from './content-hash';
export { chunk } from './chunk';
