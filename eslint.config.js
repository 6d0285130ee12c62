import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * lib/ is layered one way (DESIGN.md, "Layout"): a module may import its own layer and the ones
 * below it, never one above. Top to bottom; under them all, the leaf modules (lib/*.ts:
 * errors, env, constants, json, schema-issues, record-outcome; and lib/logging/) import no layer.
 */
const LIB_LAYERS = ['client', 'sync', 'salesforce', 'token', 'secret', 'auth'];

/** Relative imports of lib/'s own folders, also spelt the long way round ("../../lib/sync/..."). */
const layerImport = (layers) => `^(\\.\\.?/)+(lib/)?(${layers.join('|')})/`;

const MIDDY = {
  group: ['@middy/*'],
  message: 'lib/ stays framework-free (STYLE.md #8); wire middy in functions/.',
};
const LOCAL_TOOLING = {
  regex: '^(\\.\\./)+(emulators|test|scripts|bench)/',
  message: 'Code that deploys never imports the emulators, tests, scripts or benchmarks.',
};
const HANDLERS = {
  regex: '^(\\.\\./)+functions/',
  message: 'lib/ is the library; Lambda wiring lives in functions/ and lib/ never imports it.',
};

/**
 * One no-restricted-imports config per lib/ layer and one for the leaf modules: each bans
 * middy, local tooling, the handlers, and every layer above it.
 */
function libLayerRules() {
  const configFor = (files, above) => ({
    files,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            MIDDY,
            LOCAL_TOOLING,
            HANDLERS,
            ...(above.length === 0
              ? []
              : [
                  {
                    regex: layerImport(above),
                    message: `lib/ is layered ${LIB_LAYERS.join(' -> ')} -> leaf modules: no import of a layer above.`,
                  },
                ]),
          ],
        },
      ],
    },
  });
  return [
    ...LIB_LAYERS.map((layer, index) => configFor([`lib/${layer}/**/*.ts`], LIB_LAYERS.slice(0, index))),
    configFor(['lib/*.ts', 'lib/logging/**/*.ts'], LIB_LAYERS),
  ];
}

export default defineConfig(
  globalIgnores([
    'node_modules/',
    'coverage/',
    '.esbuild/',
    '.serverless/',
    '.serverless-ci/',
    '.esbuild-ci/',
    'dist/',
    'local-stack/',
    // examples/ are separate projects, with their own tsconfig and toolchain.
    'examples/',
  ]),
  js.configs.recommended,
  tseslint.configs.strictTypeChecked,
  tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
    },
  },
  ...libLayerRules(),
  {
    // Handlers wire lib/ to Lambda; local tooling is never part of what deploys.
    files: ['functions/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [LOCAL_TOOLING] }] },
  },
  {
    // The package's entry files (package.json "exports"): each re-exports what one subpath offers,
    // from lib/, the Lambda wiring in functions/shared/ and, for /testing, the emulators. Never
    // the handler files, tests, benchmarks or CLIs.
    files: ['exports/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+(test|bench|scripts)/|^(\\.\\./)+functions/(?!shared/)',
              message: 'Entry files re-export lib/, functions/shared/ and emulators/ only.',
            },
          ],
        },
      ],
    },
  },
  { files: ['**/*.js'], extends: [tseslint.configs.disableTypeChecked] },
);
