import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The README example for ReplicatedBucket must keep working as written: this runs the TypeScript block of
 * docs/replicated-bucket.md (with the package import pointed at this checkout and the app's outdir at a temp dir)
 * and checks what it synthesizes.
 */
const ROOT = path.resolve(__dirname, '../..');
const DOC = path.join(ROOT, 'docs/replicated-bucket.md');
const PACKAGE_IMPORT = "'lifeboat/constructs'";

let workDir: string;

beforeAll(() => {
  fs.mkdirSync(path.join(ROOT, '.lifeboat-tmp'), { recursive: true });
  workDir = fs.mkdtempSync(path.join(ROOT, '.lifeboat-tmp', 'replicated-bucket-docs-'));
});
afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

function exampleCode(): string {
  const match = /```ts\n([\s\S]*?)```/.exec(fs.readFileSync(DOC, 'utf8'));
  if (!match) throw new Error('no ```ts block in docs/replicated-bucket.md');
  return match[1];
}

describe('docs/replicated-bucket.md example', () => {
  it('imports provider classes by deep path only', () => {
    const imports = exampleCode().match(/from '[^']+'/g) ?? [];
    expect(imports).toContain("from '@cdktf/provider-aws/lib/provider'");
    expect(imports.filter((i) => i === "from '@cdktf/provider-aws'")).toEqual([]);
  });

  it('synthesizes both buckets, shared keys per region, in the right regions', () => {
    const code = exampleCode();
    expect(code).toContain(PACKAGE_IMPORT);
    expect(code).toContain('const app = new App();');
    const outdir = path.join(workDir, 'cdktf.out');
    const runnable = code
      .replace(PACKAGE_IMPORT, `'${path.join(ROOT, 'constructs')}'`)
      .replace('const app = new App();', `const app = new App({ outdir: ${JSON.stringify(outdir)} });`);
    const file = path.join(workDir, 'example.ts');
    fs.writeFileSync(file, runnable);
    jest.isolateModules(() => {
      // The example is a script: loading it runs app.synth().
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(file);
    });
    const json = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks/shop-storage/cdk.tf.json'), 'utf8'));
    const buckets = Object.values(json.resource.aws_s3_bucket) as Array<{ bucket: string; region: string }>;
    expect(buckets.map((b) => `${b.bucket}@${b.region}`).sort()).toEqual([
      'shop-audit-logs-eu-central-1@eu-central-1',
      'shop-audit-logs-eu-west-1@eu-west-1',
      'shop-documents-eu-central-1@eu-central-1',
      'shop-documents-eu-west-1@eu-west-1',
    ]);
    expect(Object.keys(json.resource.aws_kms_key)).toHaveLength(2);
    expect(Object.keys(json.resource.aws_s3_bucket_replication_configuration)).toHaveLength(2);
    expect(Object.keys(json.output)).toContain('documents-replication-role-arn');
  });
});
