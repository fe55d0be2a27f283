import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CommandOutput } from '../../src/cli/output';
import { runReport, type ReportClients } from '../../src/cli/report';

export const FIXTURES = path.join(__dirname, 'fixtures');
export const SPEC = path.join(FIXTURES, 'backup_requirements.json');
export const RECORDS = path.join(FIXTURES, 'records');
export const GOLDEN = path.join(__dirname, 'golden');
/** The window of the recorded fixtures: November 2026. */
export const WINDOW = ['--since', '30d', '--now', '2026-12-01T00:00:00Z'];

const directories: string[] = [];

export function temporaryDirectory(): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-report-'));
  directories.push(directory);
  return directory;
}

export function removeTemporaryDirectories(): void {
  for (const directory of directories.splice(0)) fs.rmSync(directory, { recursive: true, force: true });
}

export async function report(argv: string[], clients?: ReportClients): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const output: CommandOutput = { out: (text) => void (stdout += text), err: (text) => void (stderr += text) };
  const code = await runReport(argv, output, clients);
  return { code, stdout, stderr };
}

/** Every fixture record as `[key, text]`, keys relative to the records directory (the bucket layout). */
export function fixtureObjects(): [string, string][] {
  const out: [string, string][] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(RECORDS, dir), { withFileTypes: true })) {
      const relative = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(relative);
      else out.push([relative, fs.readFileSync(path.join(RECORDS, relative), 'utf8')]);
    }
  };
  walk('');
  return out.sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

/**
 * Compares with the golden file; `LIFEBOAT_UPDATE_GOLDEN=1 npx jest test/report` rewrites it (review the diff).
 */
export function expectGolden(name: string, actual: string): void {
  const file = path.join(GOLDEN, name);
  if (process.env.LIFEBOAT_UPDATE_GOLDEN === '1' && !process.env.CI) {
    fs.mkdirSync(GOLDEN, { recursive: true });
    fs.writeFileSync(file, actual);
  }
  expect(actual).toBe(fs.readFileSync(file, 'utf8'));
}
