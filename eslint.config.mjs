import js from '@eslint/js'
import reactHooks from 'eslint-plugin-react-hooks'
import tseslint from 'typescript-eslint'

const electronOnlyInShell = {
  name: 'electron',
  message:
    'Only the Electron shell (src-main/index.ts) and the IPC adapter may use electron; the core runs under plain Node.',
}
const rawIpc = {
  name: 'electron',
  importNames: ['ipcMain', 'ipcRenderer'],
  message: 'Raw IPC belongs in src-main/ipc and the preload only; go through the typed contract.',
}

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.testbed/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-restricted-imports': ['error', { paths: [rawIpc] }],
    },
  },
  {
    // Test clients read arbitrary JSON answers; typing every response shape there buys nothing.
    files: ['e2e/**/*.ts', '**/*.spec.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['scripts/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    files: ['src-main/**/*.ts'],
    // The shell, and its notifications adapter (the core only knows the DesktopNotifier interface).
    ignores: ['src-main/index.ts', 'src-main/desktop-notifier.ts', 'src-main/ipc/**'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { paths: [electronOnlyInShell] }] },
  },
  {
    files: ['src-main/ipc/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { paths: [{ ...electronOnlyInShell, importNames: ['app', 'BrowserWindow', 'ipcRenderer', 'safeStorage'] }] },
      ],
    },
  },
  {
    files: ['src-main/ipc/ipc-adapter.ts', 'src-main/ipc/ipc-adapter.spec.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { paths: [{ ...electronOnlyInShell, allowTypeImports: true }] },
      ],
    },
  },
  {
    files: ['src-preload/index.ts'],
    rules: {
      // The sandboxed preload bundles only channel names and types; schemas (zod) stay out of it.
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'zod', message: 'The preload carries no schemas.' },
            { name: './contract/schemas', allowTypeImports: true, message: 'The preload carries no schemas.' },
            { name: './contract', allowTypeImports: true, message: 'Import channels from ./contract/channels.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src-preload/contract/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { paths: ['electron'] }] },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: ['electron'],
          patterns: [
            {
              group: ['**/src-main/**', 'node:*'],
              message: 'The renderer is untrusted UI: it reaches the main process only through lib/api.ts.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    ignores: ['src-renderer/src/lib/api.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[object.name='window'][property.name='api']", message: 'Use lib/api.ts.' },
      ],
    },
  },
)
