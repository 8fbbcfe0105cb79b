/** DynamoDB scalar types usable for key attributes (binary keys are not supported by the CSV seed). */
export type KeyAttributeType = 'S' | 'N';

/** A key attribute of a table or index. */
export interface KeyAttribute {
  readonly name: string;
  readonly type: KeyAttributeType;
}

/**
 * How a CSV cell becomes a DynamoDB value. Nothing is inferred from the cell: `"007"` in a string
 * column stays `"007"`.
 * - `string` → S, `number` → N, `boolean` → BOOL
 * - `stringSet` → SS (a JS `Set<string>`), `stringList` → L of S (a JS `string[]`); cells hold the
 *   elements joined by the column's `separator`.
 */
export type ColumnType = 'string' | 'number' | 'boolean' | 'stringSet' | 'stringList';

/** One CSV column and the attribute it fills. */
export interface ColumnDefinition {
  readonly name: string;
  readonly type: ColumnType;
  /**
   * Element separator of `stringSet` and `stringList` cells.
   * @default '|'
   */
  readonly separator?: string;
  /**
   * A foreign key, written `Table.column`; every non-empty value must exist in that table's column.
   * @default - no relation is checked
   */
  readonly references?: string;
}

/** Which attributes a global secondary index copies. */
export type ProjectionType = 'ALL' | 'KEYS_ONLY' | 'INCLUDE';

/** A global secondary index of a table. */
export interface GlobalSecondaryIndexDefinition {
  readonly name: string;
  readonly partitionKey: KeyAttribute;
  /** @default - no sort key */
  readonly sortKey?: KeyAttribute;
  readonly projection: ProjectionType;
  /** Attributes copied by an `INCLUDE` projection. @default - none */
  readonly nonKeyAttributes?: readonly string[];
}

/** A table and the CSV file that seeds it: the single source of truth for keys, types and indexes. */
export interface TableDefinition {
  /** Logical table name, e.g. `Resource`. */
  readonly name: string;
  /** CSV file name, relative to the data directory. */
  readonly csv: string;
  readonly partitionKey: KeyAttribute;
  /** @default - no sort key */
  readonly sortKey?: KeyAttribute;
  readonly globalSecondaryIndexes: readonly GlobalSecondaryIndexDefinition[];
  readonly columns: readonly ColumnDefinition[];
}

/** A typed attribute value of a seed item. */
export type ItemValue = string | number | boolean | readonly string[] | ReadonlySet<string>;

/** One row of a CSV as a DynamoDB item; empty cells are absent. */
export type SeedItem = Record<string, ItemValue>;

/** A table definition with the items of its CSV, in file order. */
export interface SeedTable {
  readonly definition: TableDefinition;
  readonly items: SeedItem[];
}
