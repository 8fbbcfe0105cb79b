import { parseCsvItems } from '../../stacks/seed';
import { BOOK } from '../support/seed-fixtures';

const HEADER = 'id,title,pages,inPrint,tags,authors';
const parse = (body: string) => parseCsvItems(`${HEADER}\n${body}`, BOOK, 'data/book.csv');

describe('parseCsvItems', () => {
  test('types each cell from its column, never from its content', () => {
    // Given a row with a cell of every column type
    // When it is parsed
    const { items, problems } = parse('b1,1984,328,true,classic|dystopia,George Orwell;Editor X');
    // Then each value has the column's type: the numeric-looking title stays a string
    expect(problems).toEqual([]);
    expect(items).toEqual([{ id: 'b1', title: '1984', pages: 328, inPrint: true, tags: new Set(['classic', 'dystopia']), authors: ['George Orwell', 'Editor X'] }]);
  });

  test('keeps leading zeros in string columns', () => {
    const { items } = parse('007,0042,1,false,,');
    expect(items[0]).toMatchObject({ id: '007', title: '0042' });
  });

  test('reads quoted cells with embedded commas, quotes and newlines', () => {
    // Given RFC 4180 quoting
    const { items, problems } = parse('b1,"Hello, ""World""\nPart 2",1,true,,');
    // Then the cell is unquoted verbatim
    expect(problems).toEqual([]);
    expect(items[0].title).toBe('Hello, "World"\nPart 2');
  });

  test('strips a UTF-8 byte order mark from the header', () => {
    const { items, problems } = parseCsvItems(`\ufeff${HEADER}\nb1,T,1,true,,`, BOOK, 'data/book.csv');
    expect(problems).toEqual([]);
    expect(items[0].id).toBe('b1');
  });

  test('reads CRLF line endings', () => {
    const { items, problems } = parseCsvItems(`${HEADER}\r\nb1,T,1,true,,\r\n`, BOOK, 'data/book.csv');
    expect(problems).toEqual([]);
    expect(items).toEqual([{ id: 'b1', title: 'T', pages: 1, inPrint: true }]);
  });

  test('omits empty cells instead of writing empty strings', () => {
    const { items } = parse('b1,,,,,');
    expect(items).toEqual([{ id: 'b1' }]);
  });

  test('reports the start line of a row that follows a multi-line cell and blank lines', () => {
    // Given a two-line quoted cell on lines 2-3, a blank line 4 and a bad row on line 5
    const { problems } = parse('b1,"two\nlines",1,true,,\n\nb2,T,many,true,,');
    expect(problems).toEqual(['data/book.csv:5: column "pages" must be a number, got "many"']);
  });

  test.each([
    ['number', 'b1,T,high,true,,', 'data/book.csv:2: column "pages" must be a number, got "high"'],
    ['number with spaces', 'b1,T, 12,true,,', 'data/book.csv:2: column "pages" must be a number, got " 12"'],
    ['unsafe integer', 'b1,T,12345678901234567890,true,,', 'data/book.csv:2: column "pages" is too large to store exactly, got "12345678901234567890"; use a string column'],
    ['boolean', 'b1,T,1,yes,,', 'data/book.csv:2: column "inPrint" must be true or false, got "yes"'],
    ['set with a repeated element', 'b1,T,1,true,a|a,', 'data/book.csv:2: column "tags" is a set but repeats an element in "a|a"'],
    ['list with an empty element', 'b1,T,1,true,,a;;b', 'data/book.csv:2: column "authors" has an empty element in "a;;b"; separate elements with ";"'],
  ])('rejects a value of the wrong type (%s) with file and line', (_case, row, message) => {
    expect(parse(row).problems).toEqual([message]);
  });

  test('rejects a ragged row', () => {
    expect(parse('b1,T,1').problems).toEqual(['data/book.csv:2: row has 3 cells, the header has 6']);
  });

  test('rejects an empty key', () => {
    expect(parse(',T,1,true,,').problems).toEqual(['data/book.csv:2: key column "id" is empty']);
  });

  test('rejects a key the API could never read back: control characters or over 128 characters', () => {
    const long = 'b'.repeat(129);
    expect(parse(`"b\u0001",T,1,true,,\n${long},T,1,true,,`).problems).toEqual([
      'data/book.csv:2: key column "id" must be 1-128 characters without control characters, got "b\\u0001"',
      `data/book.csv:3: key column "id" must be 1-128 characters without control characters, got "${long}"`,
    ]);
  });

  test('rejects a duplicate key and names the first occurrence', () => {
    expect(parse('b1,A,1,true,,\nb1,B,2,true,,').problems).toEqual(['data/book.csv:3: duplicate key id="b1", first on line 2']);
  });

  test('rejects an unknown column in the header', () => {
    const { problems } = parseCsvItems(`${HEADER},color\nb1,T,1,true,,,red`, BOOK, 'data/book.csv');
    expect(problems).toEqual(['data/book.csv:1: unknown column "color"; the Book definition has id, title, pages, inPrint, tags, authors']);
  });

  test('rejects a header that lacks a defined column', () => {
    const { problems } = parseCsvItems('id,title,pages,inPrint,tags\nb1,T,1,true,', BOOK, 'data/book.csv');
    expect(problems).toEqual(['data/book.csv:1: missing column "authors"']);
  });

  test('collects every problem of a file instead of stopping at the first', () => {
    const { problems } = parse('b1,T,x,true,,\nb2,T,1,maybe,,\nb3');
    expect(problems).toHaveLength(3);
  });

  test('rejects an empty file', () => {
    expect(parseCsvItems('', BOOK, 'data/book.csv').problems).toEqual([
      'data/book.csv:1: the file is empty; it needs a header row naming id, title, pages, inPrint, tags, authors',
    ]);
  });

  test('rejects an unterminated quote with its line', () => {
    const { problems } = parse('b1,T,1,true,,\nb2,"open,1,true,,');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^data\/book\.csv:\d+: not valid CSV: /);
  });
});
