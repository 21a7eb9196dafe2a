/** Where progress goes: stderr lines, so stdout stays clean for --json. */
export interface Reporter {
  info(line: string): void;
  detail(line: string): void;
  success(line: string): void;
  warn(line: string): void;
}

export const stderrReporter = (quiet = false): Reporter => {
  const write = (line: string) => {
    if (!quiet) process.stderr.write(`${line}\n`);
  };
  return { info: write, detail: write, success: (l) => write(`✔ ${l}`), warn: (l) => write(`⚠ ${l}`) };
};
