/**
 * All DynamoDB access of the service: reads of Category, Resource and Bookmark. Listings by parent use
 * the GSIs (Query, never Scan); every call is bounded by one deadline covering its pages and retries.
 */
import { GetCommand, QueryCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TableNames } from './config';
import { decodeCursor, encodeCursor } from './cursor';
import { BadRequestError } from './errors';

/** An item as the API returns it: string sets become sorted arrays so they serialize to JSON. */
export type Item = Record<string, unknown>;

/** One page of a listing; `nextCursor` is absent on the last page. */
export interface Page {
  readonly items: Item[];
  readonly nextCursor?: string;
}

/** Options of {@link CatalogRepository.listResources}. */
export interface ResourceQuery {
  /** @default - all categories (a paginated Scan) */
  readonly categoryId?: string;
  readonly limit: number;
  /** @default - the first page */
  readonly cursor?: string;
}

/** Options of {@link CatalogRepository.listBookmarks}. */
export interface BookmarkQuery {
  /** @default - bookmarks of all resources (a paginated Scan) */
  readonly resourceId?: string;
  /** @default - every user */
  readonly userName?: string;
  readonly limit: number;
  /** @default - the first page */
  readonly cursor?: string;
}

/** Upper bound on the bookmarks embedded in a resource's detail. */
export const MAX_EMBEDDED_BOOKMARKS = 100;
/** Upper bound on categories read by listCategories (the table is small reference data). */
const MAX_CATEGORIES = 1000;

/** Reads the catalogue tables through one shared document client. */
export class CatalogRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: TableNames,
    private readonly timeoutMs: number,
  ) {}

  /** Resolves when DynamoDB answers a cheap read (one GetItem) within `timeoutMs`. */
  async ping(timeoutMs = this.timeoutMs): Promise<void> {
    await this.db.send(new GetCommand({ TableName: this.tables.category, Key: { id: '__ready__' } }), {
      abortSignal: AbortSignal.timeout(timeoutMs),
    });
  }

  /** All categories ordered by sortOrder, then name. */
  async listCategories(): Promise<Item[]> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    const items: Item[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(new ScanCommand({ TableName: this.tables.category, ExclusiveStartKey: start }), {
        abortSignal: signal,
      });
      items.push(...(out.Items ?? []).map(toApiItem));
      start = out.LastEvaluatedKey;
    } while (start !== undefined && items.length < MAX_CATEGORIES);
    return items.sort(byCategoryOrder);
  }

  /** One category, or undefined. */
  async getCategory(id: string): Promise<Item | undefined> {
    return this.get(this.tables.category, id);
  }

  /** One resource, or undefined. */
  async getResource(id: string): Promise<Item | undefined> {
    return this.get(this.tables.resource, id);
  }

  /** A page of resources: by category through the GSI (ordered by title), else a Scan. */
  async listResources(q: ResourceQuery): Promise<Page> {
    if (q.categoryId === undefined) {
      return this.page(q.limit, q.cursor, ['id'], (start, limit) => new ScanCommand({ TableName: this.tables.resource, Limit: limit, ExclusiveStartKey: start }));
    }
    const categoryId = q.categoryId;
    return this.page(
      q.limit,
      q.cursor,
      ['id', 'categoryId', 'title'],
      (start, limit) =>
        new QueryCommand({
          TableName: this.tables.resource,
          IndexName: this.tables.resourceCategoryIndex,
          KeyConditionExpression: '#c = :c',
          ExpressionAttributeNames: { '#c': 'categoryId' },
          ExpressionAttributeValues: { ':c': categoryId },
          Limit: limit,
          ExclusiveStartKey: start,
        }),
      (key) => key.categoryId === categoryId,
    );
  }

  /** A page of bookmarks: of one resource through the GSI (newest first), else a Scan; optionally of one user. */
  async listBookmarks(q: BookmarkQuery): Promise<Page> {
    const filter = q.userName === undefined ? {} : { FilterExpression: '#u = :u', ExpressionAttributeNames: { '#u': 'userName' }, ExpressionAttributeValues: { ':u': q.userName } };
    if (q.resourceId === undefined) {
      return this.page(q.limit, q.cursor, ['id'], (start, limit) => new ScanCommand({ TableName: this.tables.bookmark, Limit: limit, ExclusiveStartKey: start, ...filter }));
    }
    const resourceId = q.resourceId;
    return this.page(
      q.limit,
      q.cursor,
      ['id', 'resourceId', 'createdAt'],
      (start, limit) =>
        new QueryCommand({
          TableName: this.tables.bookmark,
          IndexName: this.tables.bookmarkResourceIndex,
          KeyConditionExpression: '#r = :r',
          ...filter,
          ExpressionAttributeNames: { ...filter.ExpressionAttributeNames, '#r': 'resourceId' },
          ExpressionAttributeValues: { ...filter.ExpressionAttributeValues, ':r': resourceId },
          ScanIndexForward: false,
          Limit: limit,
          ExclusiveStartKey: start,
        }),
      (key) => key.resourceId === resourceId,
    );
  }

  /** The newest bookmarks of one resource, at most MAX_EMBEDDED_BOOKMARKS. */
  async bookmarksOfResource(resourceId: string): Promise<Item[]> {
    return (await this.listBookmarks({ resourceId, limit: MAX_EMBEDDED_BOOKMARKS })).items;
  }

  private async get(table: string, id: string): Promise<Item | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: table, Key: { id } }), {
      abortSignal: AbortSignal.timeout(this.timeoutMs),
    });
    return out.Item === undefined ? undefined : toApiItem(out.Item);
  }

  /**
   * Fills one page of up to `limit` items, reading on while a FilterExpression leaves it short.
   * Asking DynamoDB for exactly the remaining count makes LastEvaluatedKey the key of the page's last
   * item, so the cursor resumes right after it.
   */
  private async page(
    limit: number,
    cursor: string | undefined,
    keyNames: readonly string[],
    command: (start: Record<string, unknown> | undefined, limit: number) => QueryCommand | ScanCommand,
    belongs: (key: Record<string, string>) => boolean = () => true,
  ): Promise<Page> {
    let start: Record<string, unknown> | undefined;
    if (cursor !== undefined) {
      const key = decodeCursor(cursor, keyNames);
      if (!belongs(key)) throw new BadRequestError('cursor belongs to a different filter; start again without it');
      start = key;
    }
    const signal = AbortSignal.timeout(this.timeoutMs);
    const items: Item[] = [];
    do {
      // Both command types resolve to the same page shape; the union confuses send's overloads.
      const out = (await this.db.send(command(start, limit - items.length) as QueryCommand, { abortSignal: signal })) as {
        Items?: Record<string, unknown>[];
        LastEvaluatedKey?: Record<string, unknown>;
      };
      items.push(...(out.Items ?? []).map(toApiItem));
      start = out.LastEvaluatedKey;
    } while (start !== undefined && items.length < limit);
    const nextCursor = encodeCursor(start);
    return nextCursor === undefined ? { items } : { items, nextCursor };
  }
}

/** Converts DynamoDB sets to sorted arrays (JSON.stringify would turn a Set into `{}`). */
export function toApiItem(item: Record<string, unknown>): Item {
  const out: Item = {};
  for (const [k, v] of Object.entries(item)) {
    out[k] = v instanceof Set ? [...v].sort() : v;
  }
  return out;
}

function byCategoryOrder(a: Item, b: Item): number {
  const sa = typeof a.sortOrder === 'number' ? a.sortOrder : Number.MAX_SAFE_INTEGER;
  const sb = typeof b.sortOrder === 'number' ? b.sortOrder : Number.MAX_SAFE_INTEGER;
  return sa - sb || String(a.name ?? '').localeCompare(String(b.name ?? ''));
}
