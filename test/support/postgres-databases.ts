/**
 * PostgreSQL test databases created with options (locale provider, default collation) and per-database settings,
 * each by its own CREATE DATABASE (never a copy of another test database), so object ids such as enum labels'
 * differ between them as they do between a source and its logical restore.
 */
import { Client } from 'pg';
import { postgresAdminUrl, type TestDatabase } from './databases';

/** How to create the database. */
export interface PostgresDatabaseOptions {
  /** Extra CREATE DATABASE options, e.g. `TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en' LOCALE 'C.UTF-8'`. */
  create?: string;
  /** Settings every new connection to the database starts with (ALTER DATABASE ... SET), e.g. DateStyle. */
  settings?: Record<string, string>;
}

let counter = 0;

async function onAdmin(sql: string[]): Promise<void> {
  const client = new Client({ connectionString: postgresAdminUrl() });
  await client.connect();
  try {
    for (const statement of sql) await client.query(statement);
  } finally {
    await client.end();
  }
}

function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

export async function createPostgresDatabaseWith(prefix: string, options: PostgresDatabaseOptions = {}): Promise<TestDatabase> {
  counter += 1;
  const name = `${prefix.replace(/[^a-z0-9_]/g, '_')}_${process.pid}_${counter}_o`.toLowerCase();
  await onAdmin([
    `CREATE DATABASE "${name}" ${options.create ?? ''}`,
    ...Object.entries(options.settings ?? {}).map(([setting, value]) => `ALTER DATABASE "${name}" SET ${setting} = ${literal(value)}`),
  ]);
  const admin = new URL(postgresAdminUrl());
  const url = new URL(admin.toString());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    host: admin.hostname,
    port: Number(admin.port),
    user: decodeURIComponent(admin.username),
    password: decodeURIComponent(admin.password),
    drop: () => onAdmin([`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`]),
  };
}
