/**
 * Questions are asked only where a person can answer them: stdin and stdout both terminals and
 * no CI variable (any non-empty value). Everywhere else missing answers are an error, never a wait.
 */
export const isInteractive = (
  env: NodeJS.ProcessEnv = process.env,
  stdin: { isTTY?: boolean } = process.stdin,
  stdout: { isTTY?: boolean } = process.stdout,
): boolean => Boolean(stdin.isTTY && stdout.isTTY) && !env.CI;
