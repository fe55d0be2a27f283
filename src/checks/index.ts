/**
 * Data checks against PostgreSQL and MySQL-family servers: connect (TLS when asked), tables exist, row-count bounds,
 * freshness against a restore target time (the measured data loss), and user SQL assertions; all read-only.
 */
export * from './types';
export { runChecks, DEFAULT_CHECK_TIMEOUT_MS, DEFAULT_TOTAL_TIMEOUT_MS } from './run';
export {
  ConnectionError,
  DEFAULT_CONNECT_TIMEOUT_MS,
  dialectOf,
  openSession,
  redact,
  targetFromUrl,
  type ServerFlavour,
  type SessionOptions,
  type SqlSession,
} from './connection';
export {
  InvalidIdentifierError,
  MAX_IDENTIFIER_LENGTH,
  formatTableName,
  parseIdentifier,
  parseTableName,
  quoteIdentifier,
  quoteTableName,
  type SqlDialect,
  type TableName,
} from './identifiers';
