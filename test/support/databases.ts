/**
 * Fresh, isolated databases on the real servers started by the db project's globalSetup. Each test file creates its
 * own database(s) so files can run in parallel; `drop()` removes them.
 */
import * as fs from 'node:fs';
import { Client } from 'pg';
import { createConnection } from 'mysql2/promise';
import { TEST_DB_ENV } from './db-env';

export interface TestDatabase {
  /** Connection URL of the new database (user with full rights on it). */
  url: string;
  /** Database name. */
  name: string;
  host: string;
  port: number;
  user: string;
  password: string;
  /** Drops the database. */
  drop: () => Promise<void>;
}

function adminConnection(admin: URL) {
  return {
    host: admin.hostname,
    port: Number(admin.port),
    user: decodeURIComponent(admin.username),
    password: decodeURIComponent(admin.password),
  };
}

/** The new database `name` on the server of `admin`, reached with the admin's credentials. */
function describeDatabase(admin: URL, name: string, drop: () => Promise<void>): TestDatabase {
  const url = new URL(admin.toString());
  url.pathname = `/${name}`;
  return { url: url.toString(), name, ...adminConnection(admin), drop };
}

let counter = 0;
function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix.replace(/[^a-z0-9_]/g, '_')}_${process.pid}_${counter}`.toLowerCase();
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run database tests through jest's db project (npm test), whose globalSetup starts the servers`);
  }
  return value;
}

/** Admin URL of the test PostgreSQL server. */
export function postgresAdminUrl(): string {
  return required(TEST_DB_ENV.postgresUrl);
}

/** PEM of the self-signed certificate the test PostgreSQL server presents (it listens with TLS on). */
export function postgresCaPem(): string {
  return fs.readFileSync(required(TEST_DB_ENV.postgresCa), 'utf8');
}

export async function createPostgresDatabase(prefix: string): Promise<TestDatabase> {
  const admin = new URL(postgresAdminUrl());
  const name = uniqueName(prefix);
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  return describeDatabase(admin, name, async () => {
    const c = new Client({ connectionString: admin.toString() });
    await c.connect();
    try {
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    } finally {
      await c.end();
    }
  });
}

/** True when the MariaDB test server runs (always in CI; locally only when mariadb-server is installed). */
export function hasMysql(): boolean {
  return Boolean(process.env[TEST_DB_ENV.mysqlUrl]);
}

/** `describe` for MySQL-family suites: skipped (with a notice from globalSetup) only when MariaDB is not installed. */
export const describeMysql: jest.Describe = hasMysql() ? describe : describe.skip;

export async function createMysqlDatabase(prefix: string): Promise<TestDatabase> {
  const admin = new URL(required(TEST_DB_ENV.mysqlUrl));
  const name = uniqueName(prefix);
  const connection = await createConnection(adminConnection(admin));
  try {
    await connection.query(`CREATE DATABASE \`${name}\``);
  } finally {
    await connection.end();
  }
  return describeDatabase(admin, name, async () => {
    const c = await createConnection(adminConnection(admin));
    try {
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
    } finally {
      await c.end();
    }
  });
}
