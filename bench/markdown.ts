// Number formats and the table renderer shared by the report's sections.

/** One line of the targets table; `met` undefined: not measured in this run. */
export interface Target {
  what: string;
  target: string;
  result: string;
  met: boolean | undefined;
}

export const int = (n: number) => Math.round(n).toLocaleString('en-US');
export const ms = (n: number | undefined) =>
  n === undefined || Number.isNaN(n) ? '–' : n < 10 ? `${n.toFixed(1)} ms` : `${int(n)} ms`;
export const us = (n: number | undefined) =>
  n === undefined ? '–' : n < 10 ? `${n.toFixed(2)} µs` : `${n.toFixed(1)} µs`;
export const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
export const mb = (kib: number) => (Number.isNaN(kib) ? '–' : `${(kib / 1024).toFixed(0)} MB`);
export const met = (ok: boolean | undefined) =>
  ok === undefined ? 'not measured' : ok ? 'met' : '**NOT MET**';

export function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

/** `route count, …` of a counters' routes. */
export function routes(used: { routes: Record<string, number> }): string {
  return Object.entries(used.routes)
    .map(([route, count]) => `${route} ${String(count)}`)
    .join(', ');
}
