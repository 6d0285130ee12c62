// Bundles handler.ts into dist/handler.mjs for nodejs22.x: minified ESM, the AWS SDK left out (the
// runtime provides it). `node build.ts` (Node 22.18+ runs TypeScript as is).
import { build } from 'esbuild';

const result = await build({
  entryPoints: ['handler.ts'],
  absWorkingDir: import.meta.dirname,
  bundle: true,
  minify: true,
  sourcemap: 'linked',
  platform: 'node',
  format: 'esm',
  target: 'node22',
  external: ['@aws-sdk/*'],
  outfile: 'dist/handler.mjs',
  // Dependencies published as CommonJS may still call require().
  banner: {
    js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  },
  metafile: true,
  logLevel: 'warning',
});
const [output] = Object.values(result.metafile.outputs).filter((o) => o.entryPoint !== undefined);
console.log(`dist/handler.mjs: ${output?.bytes ?? 0} bytes`);
