/**
 * The generated repository as files: the tree every stage passes along, and the names of the files
 * the tool keeps about itself. A leaf module, so that render, plan, write and validate can all
 * name them without importing each other.
 */

/** File contents keyed by repository path. */
export type FileTree = ReadonlyMap<string, string>;

/** The answers the repository was generated from; re-read by every later run. */
export const ANSWERS_FILE = 'piksel-answers.yaml';

/**
 * The merge base of the next upgrade: the pristine text of every file generated last time,
 * committed in the repository itself so that an upgrade works in a fresh clone, offline, with
 * any later version of the tool (no old package or template version to fetch).
 */
export const BASE_FILE = '.piksel/base.yaml';

/** Staging folders of an interrupted or running write, inside the target; never part of the project. */
export const STAGING_PREFIX = '.piksel-staging-';
