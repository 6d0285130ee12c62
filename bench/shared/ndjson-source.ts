import type { BenchRecord } from './upsert-report.js';

/** The hand-rolled sync functions' source reader: fetch, split lines, JSON.parse each. */
export async function readNdjson(url: string): Promise<BenchRecord[]> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`source answered HTTP ${response.status}`);
  const text = await response.text();
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as BenchRecord);
}
