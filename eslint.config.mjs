import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'docs/', 'coverage/', '.tmp/', '.stryker-tmp*/', 'reports/', '**/*.js', '**/*.mjs', 'examples/angular/node_modules/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
      // io-ts idiom: `interface X extends t.TypeOf<typeof X> {}` names a codec's type for docs and hovers.
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
    },
  },
  {
    files: ['spec/**', 'bench/**', 'scripts/**', 'lib/cli/**', 'examples/**'],
    rules: { 'no-console': 'off' },
  },
);
