/** Two fresh databases on the same test server, seeded alike, for diff tests. */
import { Client } from 'pg';
import { createConnection } from 'mysql2/promise';
import { openSession, targetFromUrl, type SqlSession } from '../../src/checks/connection';
import { createMysqlDatabase, createPostgresDatabase, type TestDatabase } from '../support/databases';
import { createPostgresDatabaseWith, type PostgresDatabaseOptions } from '../support/postgres-databases';

export type TestEngine = 'postgres' | 'mysql';

export async function exec(engine: TestEngine, db: TestDatabase, sql: string): Promise<void> {
  if (engine === 'postgres') {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  } else {
    const connection = await createConnection({ uri: db.url, multipleStatements: true });
    try {
      await connection.query(sql);
    } finally {
      await connection.end();
    }
  }
}

/** A source and a target database; `open()` returns read-only sessions on both (closed by `close()`). */
export class DatabasePair {
  private sessions: SqlSession[] = [];

  private constructor(
    readonly engine: TestEngine,
    readonly source: TestDatabase,
    readonly target: TestDatabase,
  ) {}

  static async create(engine: TestEngine, prefix: string): Promise<DatabasePair> {
    const create = engine === 'postgres' ? createPostgresDatabase : createMysqlDatabase;
    const [source, target] = await Promise.all([create(`${prefix}_src`), create(`${prefix}_tgt`)]);
    return new DatabasePair(engine, source, target);
  }

  /** Two PostgreSQL databases, each created with its own options (collations, per-database settings). */
  static async createPostgresWith(prefix: string, source: PostgresDatabaseOptions, target: PostgresDatabaseOptions): Promise<DatabasePair> {
    const [s, t] = await Promise.all([createPostgresDatabaseWith(`${prefix}_src`, source), createPostgresDatabaseWith(`${prefix}_tgt`, target)]);
    return new DatabasePair('postgres', s, t);
  }

  /** Runs `sql` on both databases. */
  async seedBoth(sql: string): Promise<void> {
    await Promise.all([exec(this.engine, this.source, sql), exec(this.engine, this.target, sql)]);
  }

  async onSource(sql: string): Promise<void> {
    await exec(this.engine, this.source, sql);
  }

  async onTarget(sql: string): Promise<void> {
    await exec(this.engine, this.target, sql);
  }

  async open(): Promise<{ source: SqlSession; target: SqlSession }> {
    const [source, target] = await Promise.all([
      openSession(targetFromUrl(this.source.url)),
      openSession(targetFromUrl(this.target.url)),
    ]);
    this.sessions.push(source, target);
    return { source, target };
  }

  async close(): Promise<void> {
    await Promise.all(this.sessions.map((s) => s.close()));
    this.sessions = [];
  }

  async drop(): Promise<void> {
    await this.close();
    await Promise.all([this.source.drop(), this.target.drop()]);
  }
}
