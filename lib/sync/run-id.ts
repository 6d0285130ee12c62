/**
 * A run id that sorts by start time and cannot collide between concurrent runs:
 * `2026-12-02T11-52-03-123Z-<request id prefix>` (no `:`, which some S3 tools mishandle in keys).
 */
export function newRunId(startedAt: number, requestId: string): string {
  const time = new Date(startedAt).toISOString().replaceAll(':', '-').replace('.', '-');
  const suffix = requestId.replace(/[^A-Za-z0-9-]/g, '').slice(0, 36) || 'local';
  return `${time}-${suffix}`;
}
