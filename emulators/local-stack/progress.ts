/** Runs a long step, showing elapsed seconds on a TTY (one line otherwise), and returns its result and duration. */
export async function withProgress<T>(
  label: string,
  fn: () => Promise<T>,
): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const tty = process.stdout.isTTY;
  const write = process.stdout.write.bind(process.stdout);
  write(tty ? `  ${label} …` : `  ${label} …\n`);
  const timer = tty
    ? setInterval(() => {
        write(`\r  ${label} … ${((performance.now() - started) / 1000).toFixed(1)} s`);
      }, 250)
    : undefined;
  try {
    const value = await fn();
    const ms = performance.now() - started;
    write(
      tty
        ? `\r  ${label} … done in ${(ms / 1000).toFixed(1)} s\n`
        : `  ${label}: done in ${(ms / 1000).toFixed(1)} s\n`,
    );
    return { value, ms };
  } finally {
    if (timer) clearInterval(timer);
  }
}
