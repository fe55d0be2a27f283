/**
 * `lifeboat plan -o` when the disk fills up halfway through the new plan: the previous file must stay whole. The
 * failure is injected below the CLI, in node:fs, so the CLI runs exactly as in production.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { runPlan } from '../../src/cli/plan';
import type { CommandOutput } from '../../src/cli/output';
import { EXAMPLE_PATH } from '../spec/fixtures';

const diskFull = { on: false };
jest.mock('node:fs', () => {
  const real = jest.requireActual<typeof import('node:fs')>('node:fs');
  return {
    ...real,
    writeFileSync: (file: Parameters<typeof real.writeFileSync>[0], data: string, options?: Parameters<typeof real.writeFileSync>[2]) => {
      if (!diskFull.on) return real.writeFileSync(file, data, options);
      real.writeFileSync(file, String(data).slice(0, 100));
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    },
  };
});
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fs = require('node:fs') as typeof import('node:fs');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-atomic-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

it('keeps the previous plan whole and leaves no temporary file when a write fails halfway', async () => {
  const out = path.join(dir, 'backup_plan.json');
  fs.writeFileSync(out, '{"previous": true}');
  let stderr = '';
  const output: CommandOutput = { out: () => undefined, err: (text) => void (stderr += text) };
  diskFull.on = true;
  let code: number;
  try {
    code = await runPlan([EXAMPLE_PATH, '-o', out], output);
  } finally {
    diskFull.on = false;
  }
  expect(code).toBe(2);
  expect(stderr).toBe(`lifeboat: cannot write ${out}: ENOSPC: no space left on device, write\n`);
  expect(fs.readFileSync(out, 'utf8')).toBe('{"previous": true}');
  expect(fs.readdirSync(dir)).toEqual(['backup_plan.json']);
});
