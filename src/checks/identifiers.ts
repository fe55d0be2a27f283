/**
 * SQL identifiers from user input (table and column names in a spec). Only plain identifiers are accepted, and they
 * are always quoted when spliced into SQL, so a name can neither inject SQL nor change meaning with the server's case
 * folding: `Orders` means the table stored as `Orders`, exactly.
 */

/** The two SQL dialects Lifeboat speaks. */
export type SqlDialect = 'postgres' | 'mysql';

/** A table name, optionally schema-qualified. */
export interface TableName {
  /** Schema (PostgreSQL) or database (MySQL family); absent means the session's search path / current database. */
  schema?: string;
  /** Table name. */
  name: string;
}

/** PostgreSQL truncates names at 63 bytes (NAMEDATALEN - 1); MySQL allows 64. The stricter limit serves both. */
export const MAX_IDENTIFIER_LENGTH = 63;

const PLAIN_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]*$/;

/** Thrown for a name that is not a plain SQL identifier; nothing has been sent to a server. */
export class InvalidIdentifierError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidIdentifierError';
  }
}

function shown(text: unknown): string {
  const json = JSON.stringify(text) ?? String(text);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}

/** Validates one identifier (letters, digits, `_` or `$`, not starting with a digit or `$`, at most 63 characters). */
export function parseIdentifier(text: unknown, what = 'identifier'): string {
  if (typeof text !== 'string' || !PLAIN_IDENTIFIER.test(text) || text.length > MAX_IDENTIFIER_LENGTH) {
    throw new InvalidIdentifierError(
      `${what} ${shown(text)} is not a plain SQL identifier (letters, digits, _ or $, starting with a letter or _, ` +
        `at most ${MAX_IDENTIFIER_LENGTH} characters)`,
    );
  }
  return text;
}

/** Parses `table` or `schema.table`. */
export function parseTableName(text: unknown): TableName {
  if (typeof text !== 'string') return { name: parseIdentifier(text, 'table') };
  const parts = text.split('.');
  if (parts.length === 1) return { name: parseIdentifier(parts[0], 'table') };
  if (parts.length === 2) {
    return { schema: parseIdentifier(parts[0], `schema of table ${shown(text)}:`), name: parseIdentifier(parts[1], 'table') };
  }
  throw new InvalidIdentifierError(`table ${shown(text)} has more than two parts; write table or schema.table`);
}

/** Quotes a validated identifier for the dialect (`"name"` or `` `name` ``). */
export function quoteIdentifier(dialect: SqlDialect, name: string): string {
  const valid = parseIdentifier(name);
  return dialect === 'postgres' ? `"${valid}"` : `\`${valid}\``;
}

/** Quotes a table name for the dialect, schema-qualified when it has a schema. */
export function quoteTableName(dialect: SqlDialect, table: TableName): string {
  const name = quoteIdentifier(dialect, table.name);
  return table.schema === undefined ? name : `${quoteIdentifier(dialect, table.schema)}.${name}`;
}

/** The name as written in a spec (`schema.table` or `table`). */
export function formatTableName(table: TableName): string {
  return table.schema === undefined ? table.name : `${table.schema}.${table.name}`;
}
