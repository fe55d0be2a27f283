import * as path from 'node:path';
import { ESLint } from 'eslint';

const root = path.resolve(__dirname, '..', '..');
// The project's own flat config, passed in directly: jest's VM cannot run ESLint's dynamic import of the file.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const projectConfig = require(path.join(root, 'eslint.config.js'));
const eslint = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: projectConfig });

async function ruleIds(code: string, file: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result.messages.map((message) => `${message.ruleId}: ${message.message}`);
}

describe('lint rules that keep the toolchain fast and the cdktf boundary clean', () => {
  it('forbids importing @cdktf/provider-aws from its package root, everywhere', async () => {
    for (const file of ['constructs/x.ts', 'stacks/x.ts', 'test/x.test.ts', 'src/x.ts']) {
      const messages = await ruleIds("import { s3Bucket } from '@cdktf/provider-aws';\nexport const b = s3Bucket;\n", file);
      expect(messages.join('\n')).toMatch(/no-restricted-imports: .*deep path \(@cdktf\/provider-aws\/lib\/<resource>\)/);
    }
  });

  it('allows deep-path provider imports in constructs', async () => {
    const messages = await ruleIds(
      "import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';\nexport const b = S3Bucket;\n",
      'constructs/x.ts',
    );
    expect(messages).toEqual([]);
  });

  it('keeps cdktf out of the planner, the spec, the checks, the CLI and the Lambda code', async () => {
    for (const file of ['src/plan/x.ts', 'src/cli/x.ts', 'lambda/verify-restore/x.ts']) {
      const messages = await ruleIds("import { TerraformStack } from 'cdktf';\nexport const s = TerraformStack;\n", file);
      expect(messages.join('\n')).toMatch(/cdktf imports belong in constructs\/ and stacks\/ only/);
    }
  });

  it('keeps the operator procedures independent of the runbooks that render them', async () => {
    const messages = await ruleIds("import { renderRunbooks } from '../runbook';\nexport const r = renderRunbooks;\n", 'src/ops/x.ts');
    expect(messages.join('\n')).toMatch(/src\/ops must not import src\/runbook/);
    const cdktf = await ruleIds("import { TerraformStack } from 'cdktf';\nexport const s = TerraformStack;\n", 'src/ops/x.ts');
    expect(cdktf.join('\n')).toMatch(/cdktf imports belong in constructs\/ and stacks\/ only/);
    expect(await ruleIds("import { renderProcedure } from '../ops/render';\nexport const r = renderProcedure;\n", 'src/runbook/x.ts')).toEqual([]);
  });
});
