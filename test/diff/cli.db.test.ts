import { runDiff } from '../../src/cli/diff';
import { main } from '../../src/cli/main';
import type { DiffReport } from '../../src/fingerprint';
import { describeMysql } from '../support/databases';
import { DatabasePair, type TestEngine } from './support';

interface Run {
  code: number;
  out: string;
  err: string;
}

async function run(argv: string[], progress = false): Promise<Run> {
  let out = '';
  let err = '';
  const code = await runDiff(argv, { out: (t) => (out += t), err: (t) => (err += t), progress });
  return { code, out, err };
}

function cliSuite(engine: TestEngine, describeFn: jest.Describe): void {
  describeFn(`lifeboat diff on ${engine}`, () => {
    let pair: DatabasePair;
    let password: string;

    beforeAll(async () => {
      pair = await DatabasePair.create(engine, `diff_cli_${engine}`);
      password = pair.source.password;
      await pair.seedBoth(`CREATE TABLE accounts (id INT PRIMARY KEY, owner VARCHAR(40), balance INT);
        INSERT INTO accounts VALUES (1, 'ann', 10), (2, 'bob', 20), (3, 'cy', 30);
        CREATE TABLE audit (id INT PRIMARY KEY, what VARCHAR(40));
        INSERT INTO audit VALUES (1, 'created');`);
      await pair.onTarget(`UPDATE audit SET what = 'tampered' WHERE id = 1`);
    });

    afterAll(async () => {
      await pair.drop();
    });

    it('exits 0 and prints a table when the chosen tables are identical', async () => {
      const result = await run(['--source', pair.source.url, '--target', pair.target.url, '--tables', 'accounts']);
      expect(result).toMatchObject({ code: 0, err: '' });
      expect(result.out).toMatch(/^1 table\(s\) compared: 1 identical, 0 different/);
      expect(result.out).toMatch(/accounts\s+3\s+3\s+identical/);
    });

    it('takes --seq-scan (a sequential first pass) with the same answer', async () => {
      const same = await run(['--source', pair.source.url, '--target', pair.target.url, '--tables', 'accounts', '--seq-scan']);
      expect(same).toMatchObject({ code: 0, err: '' });
      const changed = await run(['--source', pair.source.url, '--target', pair.target.url, '--tables', 'audit', '--seq-scan', '--format', 'json']);
      expect(changed.code).toBe(1);
      expect((JSON.parse(changed.out) as DiffReport).tables[0].localization!.keys).toEqual([{ key: { id: '1' }, kind: 'changed' }]);
    });

    it('exits 1 and reports the differing key as JSON', async () => {
      const result = await run(['--source', pair.source.url, '--target', pair.target.url, '--format', 'json']);
      expect(result.code).toBe(1);
      const report = JSON.parse(result.out) as DiffReport;
      expect(report.identical).toBe(false);
      const audit = report.tables.find((t) => t.table.endsWith('audit'))!;
      expect(audit.status).toBe('different');
      expect(audit.localization!.keys).toEqual([{ key: { id: '1' }, kind: 'changed' }]);
      expect(report.tables.find((t) => t.table.endsWith('accounts'))!.status).toBe('identical');
    });

    it('prints progress on request and never the password', async () => {
      const result = await run(['--source', pair.source.url, '--target', pair.target.url], true);
      expect(result.code).toBe(1);
      expect(result.err).toMatch(/diff: \[1\/2\] \S*accounts/);
      expect(result.err).toMatch(/audit: bisection round 1/);
      expect(result.out).toMatch(/changed\s+id=1/);
      expect(result.out + result.err).not.toContain(password);
    });

    it('exits 2 without the password when a table is unknown or the login fails', async () => {
      const unknown = await run(['--source', pair.source.url, '--target', pair.target.url, '--tables', 'nope']);
      expect(unknown).toMatchObject({ code: 2, out: '' });
      expect(unknown.err).toMatch(/table nope exists in neither database/);

      const badUrl = new URL(pair.target.url);
      badUrl.password = 'wrong-Secret-42';
      const refused = await run(['--source', pair.source.url, '--target', badUrl.toString()]);
      expect(refused).toMatchObject({ code: 2, out: '' });
      expect(refused.err).toMatch(/could not connect/);
      expect(refused.err).not.toContain('wrong-Secret-42');
      expect(refused.err).not.toContain(password);
    });

    it('runs the first pass on several connections with --jobs where the family can share a snapshot', async () => {
      const result = await run(['--source', pair.source.url, '--target', pair.target.url, '--jobs', '2', '--format', 'json']);
      if (engine === 'postgres') {
        expect(result.code).toBe(1);
        const report = JSON.parse(result.out) as DiffReport;
        expect(report.tables.find((t) => t.table.endsWith('audit'))!.localization!.keys).toEqual([{ key: { id: '1' }, kind: 'changed' }]);
      } else {
        expect(result).toMatchObject({ code: 2, out: '' });
        expect(result.err).toMatch(/cannot share one snapshot between connections/);
      }
    });

    it('is reachable through the lifeboat dispatcher', async () => {
      let out = '';
      const code = await main(['diff', '--source', pair.source.url, '--target', pair.source.url], { out: (t) => (out += t), err: () => undefined });
      expect(code).toBe(0);
      expect(out).toMatch(/2 identical, 0 different/);
    });
  });
}

cliSuite('postgres', describe);
cliSuite('mysql', describeMysql);

describe('lifeboat diff usage', () => {
  it('exits 2 and explains what is missing', async () => {
    const result = await run(['--format', 'xml']);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/--source <url> is required; --target <url> is required; --format must be table or json, got "xml"/);
  });

  it('refuses a --jobs that is not a positive integer', async () => {
    const result = await run(['--source', 'postgres://u@h/x', '--target', 'postgres://u@h/y', '--jobs', '0']);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/--jobs must be a positive integer, got "0"/);
  });

  it('masks the password of a URL it cannot use', async () => {
    const result = await run(['--source', 'oracle://scott:tiger-pass@db:1521/x', '--target', 'postgres://u:p4ss-word@127.0.0.1:1/x']);
    expect(result.code).toBe(2);
    expect(result.err).not.toContain('tiger-pass');
    expect(result.err).not.toContain('p4ss-word');
  });
});
