// @ts-check
const tseslint = require('typescript-eslint');

const providerRoot = {
  name: '@cdktf/provider-aws',
  message:
    'Import provider classes by deep path (@cdktf/provider-aws/lib/<resource>): the package root loads ~1,500 modules (~7 s, ~600 MB per process).',
};

module.exports = tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'cdktf.out/**', 'coverage/**', '**/*.js', '.lifeboat-tmp/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [providerRoot] }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'off',
    },
  },
  {
    // Tests read synthesized Terraform JSON, whose shape is whatever the provider writes.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The planner, spec, checks, CLI and Lambda code stay free of cdktf so a switch to CDK Terrain stays a rename
    // in constructs/ and stacks/ only, and so they load fast.
    files: ['src/**/*.ts', 'lambda/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [providerRoot],
          patterns: [
            { group: ['cdktf', 'cdktf/*', '@cdktf/*', 'constructs'], message: 'cdktf imports belong in constructs/ and stacks/ only.' },
          ],
        },
      ],
    },
  },
  {
    // Operator procedures are the model; runbooks render them. The arrow points one way: runbook -> ops.
    files: ['src/ops/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [providerRoot],
          patterns: [
            { group: ['cdktf', 'cdktf/*', '@cdktf/*', 'constructs'], message: 'cdktf imports belong in constructs/ and stacks/ only.' },
            { group: ['**/runbook', '**/runbook/*'], message: 'src/ops must not import src/runbook: runbooks render the procedures, not the other way round.' },
          ],
        },
      ],
    },
  },
);
