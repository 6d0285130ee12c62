// globalSetup: creates the folder where all printed output is collected, and after the whole
// suite scans it for anything secret-shaped. A hit fails the run (SECURITY.md: no token, key,
// client secret or assertion in any log line).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONSOLE_SINK_MARKER, OUTPUT_DIR_ENV } from './output-sink.js';

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

/**
 * test/setup/leak-scan.test.ts prints these through console.log and process.stdout.write (and
 * records CANARY_EXPECTED): when it ran, the scan must have seen both, though neither is shown.
 */
export const CANARY_EXPECTED = '# leak-scan canaries printed';
export const CONSOLE_CANARY = 'leak-scan canary via console.log';
export const STDOUT_CANARY = 'leak-scan canary via process.stdout.write';

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
  const texts = files.map((file) => readFileSync(join(dir ?? '', file), 'utf8'));
  const bytes = texts.reduce((sum, text) => sum + Buffer.byteLength(text), 0);
  const seen = (marker: string) => texts.some((text) => text.includes(marker));
  rmSync(dir, { recursive: true, force: true });
  if (hits.length) {
    throw new Error(
      `Secret-shaped output printed during the tests:\n${hits.map((h) => `  ${h.name} in ${h.file}: ${h.context}`).join('\n')}`,
    );
  }
  if (bytes === 0)
    throw new Error('The output scan saw nothing: the sink is not wired (test/setup/output-capture.ts)');
  if (!seen(CONSOLE_SINK_MARKER)) {
    throw new Error(
      'The output scan cannot see console calls: the ConsoleSink reporter is not installed ' +
        '(a --reporter option replaces the configured reporters; add --reporter=default with it, or leave it out)',
    );
  }
  if (seen(CANARY_EXPECTED) && !(seen(CONSOLE_CANARY) && seen(STDOUT_CANARY))) {
    throw new Error(
      'The output scan missed output printed by a test (test/setup/leak-scan.test.ts canaries)',
    );
  }
  console.log(
    `leak scan: ${files.length} output files, ${bytes} bytes printed by the suite, no secret found`,
  );
}
