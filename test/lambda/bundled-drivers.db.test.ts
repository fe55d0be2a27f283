/**
 * The database drivers load lazily (only the engine family a run needs is initialised). This proves the bundled form,
 * which is what runs on Lambda, still reaches both drivers: the checks module bundled exactly as the handlers are,
 * run in a fresh Node.js process outside the repository against the real test servers.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bundleHandler } from '../../scripts/bundle';
import { createMysqlDatabase, createPostgresDatabase, describeMysql, postgresCaPem, TestDatabase } from '../support/databases';
import { readZip } from '../support/zip';

const root = path.resolve(__dirname, '..', '..');
let dir: string;
const databases: TestDatabase[] = [];

beforeAll(() => {
  const bundle = bundleHandler({ entry: path.join(root, 'src', 'checks', 'index.ts'), name: 'checks-bundle-test' });
  const [entry] = readZip(fs.readFileSync(bundle.zipPath));
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-bundled-checks-'));
  fs.writeFileSync(path.join(dir, 'index.js'), entry.data);
});

afterAll(async () => {
  for (const db of databases) await db.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

function runBundled(target: object): { ok: boolean; connected: boolean; failed: number } {
  const script = `require('./index.js').runChecks(${JSON.stringify(target)}, [{ type: 'sql', name: 'one', sql: 'select 1', expect: { type: 'value', value: 1 } }])
    .then((report) => process.stdout.write(JSON.stringify(report)))`;
  const output = execFileSync(process.execPath, ['-e', script], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
  return JSON.parse(output);
}

describe('bundled checks', () => {
  it('reach PostgreSQL over TLS', async () => {
    const db = await createPostgresDatabase('bundled');
    databases.push(db);
    const report = runBundled({
      engine: 'postgres',
      host: db.host,
      port: db.port,
      user: db.user,
      password: db.password,
      database: db.name,
      tls: { ca: postgresCaPem(), servername: 'localhost' },
    });
    expect(report).toMatchObject({ ok: true, connected: true, failed: 0 });
  });
});

describeMysql('bundled checks on MariaDB', () => {
  it('reach the MySQL family', async () => {
    const db = await createMysqlDatabase('bundled');
    databases.push(db);
    const report = runBundled({ engine: 'mariadb', host: db.host, port: db.port, user: db.user, password: db.password, database: db.name });
    expect(report).toMatchObject({ ok: true, connected: true, failed: 0 });
  });
});
