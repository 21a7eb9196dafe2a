import type { WriteOnDemand } from '../validate/index.js';
import type { ProcessRunner } from '../process.js';
import type { Reporter } from '../reporter.js';

/** What create and upgrade take from the outside world; tests pass fakes. */
export interface CommandDeps {
  readonly run: ProcessRunner;
  readonly reporter: Reporter;
  /**
   * Checks a staged tree before it moves into place (the validator); throws to stop the write.
   * `written` is what was staged (path → text), so the check need not read it back; `signal` stops its processes.
   * With `writeOnDemand`, `dir` starts empty and `written` is the whole tree: files are put there when the check reads them.
   */
  readonly checkStaged?: (
    dir: string,
    written?: ReadonlyMap<string, string>,
    signal?: AbortSignal,
    writeOnDemand?: WriteOnDemand,
  ) => Promise<void>;
}
