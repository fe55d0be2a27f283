import { Client } from 'pg';
import { createConnection } from 'mysql2/promise';
import { createMysqlDatabase, createPostgresDatabase, describeMysql, postgresCaPem } from './databases';

describe('test PostgreSQL server', () => {
  it('serves an isolated database over verified TLS', async () => {
    const db = await createPostgresDatabase('support');
    try {
      const client = new Client({ connectionString: db.url, ssl: { ca: postgresCaPem(), servername: 'localhost' } });
      await client.connect();
      const { rows } = await client.query('select current_database() as name, ssl from pg_stat_ssl where pid = pg_backend_pid()');
      await client.end();
      expect(rows[0]).toEqual({ name: db.name, ssl: true });
    } finally {
      await db.drop();
    }
  });
});

describeMysql('test MariaDB server', () => {
  it('serves an isolated database', async () => {
    const db = await createMysqlDatabase('support');
    try {
      const connection = await createConnection(db.url);
      const [rows] = await connection.query('select database() as name');
      await connection.end();
      expect(rows).toEqual([{ name: db.name }]);
    } finally {
      await db.drop();
    }
  });
});
