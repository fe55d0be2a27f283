import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { dialectOf, redact, targetFromUrl } from '../../src/checks/connection';

describe('targetFromUrl', () => {
  it('reads a PostgreSQL URL with an encoded password', () => {
    expect(targetFromUrl('postgres://app%40ro:p%40ss%2Fw0rd@db.internal:6543/orders')).toEqual({
      engine: 'postgres',
      host: 'db.internal',
      port: 6543,
      user: 'app@ro',
      password: 'p@ss/w0rd',
      database: 'orders',
    });
  });

  it.each([
    ['postgresql://u:p@h/d', undefined, 'postgres', 5432],
    ['postgres://u:p@h/d', 'aurora-postgresql', 'aurora-postgresql', 5432],
    ['mysql://u:p@h/d', undefined, 'mysql', 3306],
    ['mysql://u:p@h/d', 'aurora-mysql', 'aurora-mysql', 3306],
    ['mariadb://u:p@h:3307/d', undefined, 'mariadb', 3307],
  ] as const)('%s with hint %s is %s on port %d', (url, hint, engine, port) => {
    expect(targetFromUrl(url, hint)).toMatchObject({ engine, port });
  });

  it('maps sslmode to a TLS requirement, reading the CA bundle from sslrootcert', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-ca-'));
    try {
      const caFile = path.join(dir, 'ca.pem');
      fs.writeFileSync(caFile, 'PEM');
      expect(targetFromUrl(`postgres://u:p@h/d?sslmode=verify-full&sslrootcert=${encodeURIComponent(caFile)}`).tls).toEqual({
        rejectUnauthorized: true,
        ca: 'PEM',
      });
      expect(targetFromUrl('postgres://u:p@h/d?sslmode=require').tls).toEqual({ rejectUnauthorized: false });
      expect(targetFromUrl('mysql://u:p@h/d?ssl=true').tls).toEqual({ rejectUnauthorized: true });
      expect(targetFromUrl('postgres://u:p@h/d?sslmode=disable').tls).toBeUndefined();
      expect(targetFromUrl('postgres://u:p@h/d?connect_timeout=2.5').connectTimeoutMs).toBe(2500);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ['not a url secret-pw', /not a valid database URL/],
    ['http://u:secret-pw@h/d', /unsupported URL scheme "http:"/],
    ['postgres://u:secret-pw@h', /must name one database/],
    ['postgres://u:secret-pw@h/d?sslmode=prefer', /sslmode "prefer" is not supported/],
    ['postgres://u:secret-pw@h/d?connect_timeout=0', /connect_timeout must be a positive/],
  ])('rejects %s without repeating the password', (url, reason) => {
    expect(() => targetFromUrl(url)).toThrow(reason);
    try {
      targetFromUrl(url);
    } catch (error) {
      expect((error as Error).message).not.toContain('secret-pw');
    }
  });

  it('refuses an engine hint from the other family', () => {
    expect(() => targetFromUrl('postgres://u:p@h/d', 'mysql')).toThrow(/engine mysql does not speak the postgres protocol/);
  });
});

describe('dialectOf and redact', () => {
  it('maps every engine to its wire dialect', () => {
    expect(['postgres', 'aurora-postgresql', 'mysql', 'mariadb', 'aurora-mysql'].map((e) => dialectOf(e as never))).toEqual([
      'postgres',
      'postgres',
      'mysql',
      'mysql',
      'mysql',
    ]);
  });

  it('hides the password, raw or URL-encoded', () => {
    expect(redact('login p@ss/1 failed for postgres://u:p%40ss%2F1@h', 'p@ss/1')).toBe('login *** failed for postgres://u:***@h');
    expect(redact('nothing to hide', '')).toBe('nothing to hide');
  });
});
