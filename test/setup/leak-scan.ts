// globalSetup: creates the folder where all printed output is collected, and after the whole
// suite scans it for anything secret-shaped. A hit fails the run (SECURITY.md: no token, key,
// client secret or assertion in any log line).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OUTPUT_DIR_ENV } from './output-sink.js';

/** What must never be printed. The emulators mint tokens and secrets in exactly these shapes. */
export const SECRET_SHAPES: readonly { name: string; pattern: RegExp }[] = [
  { name: 'private key', pattern: /-----BEGIN (RSA |ENCRYPTED )?PRIVATE KEY-----/ },
  { name: 'Salesforce access token', pattern: /\b00D[A-Za-z0-9]{12,15}![A-Za-z0-9._-]{20,}/ },
  { name: 'JWT assertion', pattern: /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{20,}/ },
  {
    name: 'local client secret',
    pattern: /\blocal-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/,
  },
];

export function findSecrets(text: string): { name: string; context: string }[] {
  return SECRET_SHAPES.flatMap(({ name, pattern }) => {
    const match = pattern.exec(text);
    if (!match) return [];
    // Show where, not what: the match itself is cut to its first characters.
    const before = text.slice(Math.max(0, match.index - 120), match.index).replace(/\s+/g, ' ');
    return [{ name, context: `…${before}[${match[0].slice(0, 6)}…]` }];
  });
}

let dir: string | undefined;

export function setup(): void {
  dir = mkdtempSync(join(tmpdir(), 'sf-bridge-output-'));
  process.env[OUTPUT_DIR_ENV] = dir;
}

export function teardown(): void {
  if (!dir) return;
  const files = readdirSync(dir);
  const hits = files.flatMap((file) =>
    findSecrets(readFileSync(join(dir ?? '', file), 'utf8')).map((hit) => ({ file, ...hit })),
  );
  const bytes = files.reduce((sum, file) => sum + readFileSync(join(dir ?? '', file)).length, 0);
  rmSync(dir, { recursive: true, force: true });
  if (hits.length) {
    throw new Error(
      `Secret-shaped output printed during the tests:\n${hits.map((h) => `  ${h.name} in ${h.file}: ${h.context}`).join('\n')}`,
    );
  }
  if (bytes === 0)
    throw new Error('The output scan saw nothing: the sink is not wired (test/setup/output-capture.ts)');
  console.log(
    `leak scan: ${files.length} output files, ${bytes} bytes printed by the suite, no secret found`,
  );
}
