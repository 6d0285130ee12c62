import type * as z from 'zod/mini';
import { MAX_REPORTED_ISSUES } from './constants.js';

/** One problem with an input (a secret, an event, a setting), by field; never its value. */
export interface FieldProblem {
  /** The field or env var at fault, e.g. `privateKey` or `SALESFORCE_CLIENT_ID`. */
  field: string;
  /** What is wrong with it; never its value. */
  problem: string;
}

/**
 * Keys that look like field names: the only input keys a message repeats. A secret pasted into
 * the key column of the Secrets Manager console's key/value editor must not come back in an
 * error message, and neither must a megabyte-long key.
 */
export const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,39}$/;

/** How a key that is not shown is named in a message. */
export const UNNAMED_KEY = '(a key that is not a field name, not shown)';

export interface SchemaProblemsOptions {
  /** What a problem of the whole input is reported against, e.g. `event`. */
  root: string;
  /** Input keys matching this are named in messages; others are not. Default {@link FIELD_NAME}. */
  shownKeys?: RegExp | undefined;
}

/**
 * Turns a failed zod parse into problems by field: the path, made of schema keys and of input
 * keys only when they match `shownKeys`, and the schema's message. No input value is quoted:
 * zod's own messages name types and bounds, and schemas here set their own messages.
 */
export function schemaProblems(error: z.core.$ZodError, options: SchemaProblemsOptions): FieldProblem[] {
  const shown = options.shownKeys ?? FIELD_NAME;
  const name = (key: PropertyKey): string =>
    typeof key === 'number' ? String(key) : typeof key === 'string' && shown.test(key) ? key : '?';
  const problems = error.issues.flatMap((issue): FieldProblem[] => {
    const path = issue.path.map(name);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        field: [...path, shown.test(key) ? key : UNNAMED_KEY].join('.'),
        problem: 'is not a known field (check its spelling)',
      }));
    }
    if (issue.code === 'invalid_key') {
      // The path ends with the refused key itself; the problem belongs to its parent.
      const reason = issue.issues[0]?.message ?? 'is not allowed';
      return [{ field: path.slice(0, -1).join('.') || options.root, problem: `has a key that ${reason}` }];
    }
    return [{ field: path.join('.') || options.root, problem: issue.message }];
  });
  // Several refused keys of one object read the same once unnamed: say it once.
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.field}\n${p.problem}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** `field: problem; field: problem`, at most {@link MAX_REPORTED_ISSUES} of them. */
export function formatProblems(problems: readonly FieldProblem[]): string {
  const listed = problems.slice(0, MAX_REPORTED_ISSUES).map((p) => `${p.field}: ${p.problem}`);
  const more = problems.length - listed.length;
  return more > 0 ? `${listed.join('; ')}; and ${more} more` : listed.join('; ');
}

/** {@link schemaProblems} as one line of text. */
export function describeIssues(error: z.core.$ZodError, options: SchemaProblemsOptions): string {
  return formatProblems(schemaProblems(error, options));
}
