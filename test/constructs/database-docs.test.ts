import 'cdktf/lib/testing/adapters/jest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Testing, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { cleanupTestApps, testApp } from '../support/synth';

afterAll(cleanupTestApps);

const root = path.join(__dirname, '../..');

/**
 * The README example must stay copyable: run the TypeScript block of docs/protected-database.md as written, with only
 * the package imports pointed at this checkout and the final `app.synth()` replaced by a test synth.
 */
describe('docs/protected-database.md example', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-doc-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('compiles against the constructs and synthesizes a protected stack', () => {
    const markdown = fs.readFileSync(path.join(root, 'docs/protected-database.md'), 'utf8');
    const block = /```ts\n([\s\S]*?)```/.exec(markdown);
    expect(block).not.toBeNull();
    const source = (block as RegExpExecArray)[1]
      .replace(/'lifeboat\/constructs'/g, `'${path.join(root, 'constructs')}'`)
      .replace(/from '(cdktf|constructs|@cdktf\/provider-aws\/lib\/[a-z0-9-]+)'/g, (_m, name: string) => `from '${require.resolve(name, { paths: [root] }).replace(/\.js$/, '')}'`)
      .replace(/const app = new App\(\);[\s\S]*$/, 'export { DatabaseStack };\n');
    expect(source).toContain('export { DatabaseStack }');
    const file = path.join(dir, 'example.ts');
    fs.writeFileSync(file, source);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { DatabaseStack } = require(file) as { DatabaseStack: new (scope: Construct, id: string) => TerraformStack };
    const json = JSON.parse(Testing.synth(new DatabaseStack(testApp(), 'shop-databases')));
    const identifiers = Object.values(json.resource.aws_db_instance as Record<string, { identifier: string }>).map((i) => i.identifier).sort();
    expect(identifiers).toEqual(['shop-orders', 'shop-orders-dr']);
    expect(Object.keys(json.resource.aws_rds_global_cluster)).toHaveLength(1);
    expect(Object.keys(json.data.aws_db_instance)).toHaveLength(1);
  });
});
