/**
 * Errors are values with a message a person can act on. Each kind maps to one exit code,
 * and only the CLI edge turns them into a process exit.
 */
export type ErrorKind = 'input' | 'step' | 'conflict' | 'cancelled';

export const EXIT_CODES: Record<ErrorKind | 'ok' | 'notReady', number> = {
  ok: 0,
  step: 1,
  input: 2,
  conflict: 3,
  /** status / bootstrap's wait: nothing failed, but not everything is Ready yet (or the wait ran out). */
  notReady: 4,
  cancelled: 130,
};

export class PikselError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly details: string[] = [],
    /** Already shown to the person (a prompt said "Cancelled"): the CLI prints nothing more. */
    readonly announced = false,
  ) {
    super(message);
    this.name = 'PikselError';
  }
  get exitCode(): number {
    return EXIT_CODES[this.kind];
  }
}

/** Bad input or usage: exit 2, nothing written. */
export const inputError = (message: string, details: string[] = []) =>
  new PikselError('input', message, details);

/** A step (validation, git, bootstrap) failed: exit 1. */
export const stepError = (message: string, details: string[] = []) =>
  new PikselError('step', message, details);

export const cancelled = (announced = false) => new PikselError('cancelled', 'Cancelled', [], announced);

export const isPikselError = (e: unknown): e is PikselError => e instanceof PikselError;
