import { describe, expect, it } from 'vitest';

describe('test runtime', () => {
  it('runs on Node 22, the nodejs22.x Lambda runtime (node@22 devDependency)', () => {
    expect(process.version).toMatch(/^v22\./);
  });
});
