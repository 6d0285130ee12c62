// Guards on the code that runs in Lambda (lib/ and functions/): it never touches the disk (the
// private key lives only in memory) and never prints around the redacting logger.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

async function sources(dir: string): Promise<string[]> {
  const entries = await readdir(join(ROOT, dir), { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)));
}

describe('Lambda code', async () => {
  const files = [...(await sources('lib')), ...(await sources('functions'))];

  it('has files to check', () => {
    expect(files.length).toBeGreaterThan(30);
  });

  it.each(files)('%s: no filesystem, child process or console use', async (file) => {
    const code = await readFile(join(ROOT, file), 'utf8');
    expect(code).not.toMatch(/from ['"](node:)?(fs|fs\/promises|child_process)['"]/);
    expect(code).not.toMatch(/\bconsole\.(log|info|warn|error|debug)\(/);
    expect(code).not.toMatch(/process\.(stdout|stderr)\.write/);
  });
});
