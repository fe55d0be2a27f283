import { main } from '../../src/cli/main';
import type { CommandOutput } from '../../src/cli/output';

/** Runs `lifeboat <argv>` in-process through the dispatcher, as the bin does, and returns its exit code and output. */
export async function runLifeboat(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const output: CommandOutput = { out: (t) => void (stdout += t), err: (t) => void (stderr += t) };
  const code = await main(argv, output);
  return { code, stdout, stderr };
}
