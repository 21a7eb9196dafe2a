import type { z } from 'zod';
import type { ComponentName } from '../../catalog/names.js';
import type { Choice } from '../../prompts.js';

/**
 * One component's part of the answers: its repository-wide section (`slack.*`), the same
 * settings a cluster may override (`clusters[].slack.*`), and the questions for both. The schema
 * and the question flow iterate these (sections/index.ts); the component carries its own.
 *
 * Why under answers/ and not in catalog/components/: the catalog reads the answers' types, so the
 * schema that lists these must not import the catalog (a circle). A section imports only zod, the
 * field helpers and leaves; the schema, the flow and the component all import it.
 */
export interface AnswersSection<K extends string = string, A extends z.ZodType = z.ZodType, C extends z.ZodType = z.ZodType> {
  /** The key in the answers, repository-wide and under each cluster. */
  readonly key: K;
  /** The component these settings configure (its module carries this section). */
  readonly component: ComponentName;
  /** The repository-wide settings, defaults filled in (`--yes` takes them). */
  readonly answers: A;
  /** A cluster's overrides: each absent setting takes the repository's value. */
  readonly clusterOverrides: C;
  /** The questions for the repository-wide settings. */
  readonly ask: (q: SectionQuestions) => Promise<void>;
  /** The questions for a cluster added later, the repository's values offered as defaults. */
  readonly askForCluster: (q: ClusterQuestions) => Promise<void>;
}

export const defineSection = <K extends string, A extends z.ZodType, C extends z.ZodType>(section: AnswersSection<K, A, C>) => section;

export interface TextQuestion {
  /** Text → answer value (default: the text itself). */
  readonly read?: (text: string) => unknown;
  /** Answer value → text shown as the default. */
  readonly show?: (value: unknown) => string;
  /** An empty answer leaves the key out. */
  readonly optional?: boolean;
}

/** What a section's questions may do; each question asks only what the flags and files left open. */
export interface SectionQuestions {
  /** A heading, drawn only once a question under it is shown. */
  section(title: string): void;
  note(message: string, title: string): void;
  /** Whether the answer at `path` is still open (not given by flags or files). */
  isOpen(path: string): boolean;
  /** The answer at `path` so far, defaults applied. */
  current(path: string): unknown;
  /** Whether the component ends up in the repository (after needs and toggles). */
  selected(component: ComponentName): boolean;
  text(path: string, message: string, q?: TextQuestion): Promise<void>;
  select<T extends string>(path: string, message: string, options: readonly Choice<T>[]): Promise<void>;
  /** Several of a list (at least one); `picked`/`read` turn the answer's value into the choices and back. */
  multiselect<T extends string>(path: string, message: string, options: readonly Choice<T>[], q: ListQuestion<T>): Promise<void>;
  confirm(path: string, message: string): Promise<void>;
}

export interface ListQuestion<T extends string> {
  /** The answer's value → the choices ticked at first. */
  readonly picked: (value: unknown) => readonly T[];
  /** The ticked choices → the answer's value. */
  readonly read: (picked: readonly T[]) => unknown;
}

/**
 * The questions for an added cluster's overrides (`key` is below `clusters.<i>.`): each is asked
 * only when open, offers the repository's value, and stores only a value that differs from it.
 */
export interface ClusterQuestions {
  /** The cluster's name, for the questions' words. */
  readonly name: string;
  /** The repository-wide answer at `path`, defaults applied. */
  current(path: string): unknown;
  selected(component: ComponentName): boolean;
  text(key: string, message: string, read?: (text: string) => unknown): Promise<void>;
  select<T extends string>(key: string, message: string, options: readonly Choice<T>[]): Promise<void>;
  confirm(key: string, message: string): Promise<void>;
}

/** Choices of a select, with hints for some. */
export const choices = <T extends string>(values: readonly T[], hints: Partial<Record<T, string>> = {}): Choice<T>[] =>
  values.map((value) => ({ value, hint: hints[value] }));
