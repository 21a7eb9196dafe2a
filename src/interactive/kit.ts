/**
 * The prompt functions the question flow needs, shaped like @clack/prompts so the terminal adapter
 * stays thin and tests can script a person. Each throws `cancelled()` when the person cancels.
 */
export interface Choice<T extends string> {
  readonly value: T;
  readonly label?: string;
  readonly hint?: string;
}

export interface PromptKit {
  text(q: { message: string; initialValue?: string; placeholder?: string; validate?: (value: string) => string | undefined }): Promise<string>;
  select<T extends string>(q: { message: string; options: readonly Choice<T>[]; initialValue?: T }): Promise<T>;
  multiselect<T extends string>(q: { message: string; options: readonly Choice<T>[]; initialValues?: readonly T[]; required?: boolean }): Promise<T[]>;
  confirm(q: { message: string; initialValue?: boolean }): Promise<boolean>;
  /** A boxed note (summaries, explanations). */
  note(message: string, title?: string): void;
  /** A heading between groups of questions. */
  section(title: string): void;
}
