/**
 * The vocabulary every settings group is written in: a variable's spec (its typed parser, where
 * its value goes, its documented default), the typed parsers of variable text, and the wording of
 * a problem. Groups (network.ts, service.ts, ...) declare their variables with it; variables.ts
 * assembles them; config.ts reads the environment only through them.
 */
import { z } from 'zod';
import type { EnvironmentName } from './environments';

/** What every environment-variable default and problem may refer to besides its own group. */
export interface SettingsContext {
  /** The project directory: local state, data and build contexts live below it. */
  readonly root: string;
  readonly environment: EnvironmentName;
  readonly project: string;
  readonly region: string;
}

/**
 * What applies when a variable is unset in one environment: a `value` the variable could be set to
 * (rendered as code), what happens instead when the variable has no default (`unset`), or that the
 * environment does not read it at all (`ignored`, with the reason).
 */
export type VariableDefault =
  | { readonly kind: 'value'; readonly value: string }
  | { readonly kind: 'unset'; readonly meaning: string }
  | { readonly kind: 'ignored'; readonly reason: string };

export const value = (v: string | number | boolean): VariableDefault => ({ kind: 'value', value: String(v) });
export const unset = (meaning: string): VariableDefault => ({ kind: 'unset', meaning });
export const ignored = (reason: string): VariableDefault => ({ kind: 'ignored', reason });

/** The sections of the configuration table, in order. */
export const VARIABLE_GROUPS = {
  environment: 'Environment and names',
  network: 'Network',
  state: 'Terraform state',
  data: 'Data',
  emulators: 'Local emulators',
  services: 'Services: the whole service stack',
  'default service': 'The default service (not with CDKTF_SERVICES_FILE)',
  wordpress: 'WordPress (the opt-in wordpress stack)',
  alarms: 'Alarms, rollback on alarms and notifications',
} as const;
export type VariableGroup = keyof typeof VARIABLE_GROUPS;

/**
 * One environment variable of a settings group whose settings are `S` and whose overrides are `O`:
 * its documentation, its parser, where the parsed value goes, and what applies when it is unset.
 */
export interface VariableSpec<S = unknown, O = unknown, T = unknown> {
  readonly group: VariableGroup;
  /** What it sets, in a phrase. */
  readonly description: string;
  /** The values it takes, e.g. `none, single, per-az`. */
  readonly values: string;
  /**
   * The environments whose configuration reads it; in any other, the reader answers undefined.
   * @default - every environment
   */
  readonly environments?: readonly EnvironmentName[];
  /** Turns the variable's trimmed text into its typed value; a failure's message says what is allowed. */
  readonly parse: z.ZodType<T, string>;
  /** The group's overrides with the parsed value applied. */
  apply(overrides: O, parsed: T, context: SettingsContext): O;
  /** What applies when it is unset, from the environment's defaults of the group. */
  defaultIn(defaults: S, context: SettingsContext): VariableDefault;
}

/** A variable spec with its parsed type checked against its parser and its setter. */
export function variable<S, O, T>(spec: VariableSpec<S, O, T>): VariableSpec<S, O, T> {
  return spec;
}

/** The variables of a group, by name. */
export type GroupVariables<S, O> = Readonly<Record<string, VariableSpec<S, O, unknown>>>;

/** A typed parser of variable text: the value, or a message that names what is allowed. */
export const text = {
  /** Any text (trimmed, never blank: blank reads as unset). */
  any: (): z.ZodType<string, string> => z.string(),
  /** `true` or `false`. */
  boolean: (meaning = 'use true or false'): z.ZodType<boolean, string> =>
    z
      .string()
      .refine((v) => v === 'true' || v === 'false', { error: `is not a boolean; ${meaning}` })
      .transform((v) => v === 'true'),
  /** A whole number from `min`. */
  integer: (example: number, min = 0): z.ZodType<number, string> =>
    z
      .string()
      .regex(/^\d+$/, { error: `is not a whole number; use digits, e.g. ${example}` })
      .transform(Number)
      .refine((n) => n >= min, { error: `is below ${min}; use e.g. ${example}` }),
  /** A number with an optional fraction, e.g. `0.5`. */
  decimal: (example: string): z.ZodType<number, string> =>
    z
      .string()
      .regex(/^\d+(\.\d+)?$/, { error: `is not a number; use digits, e.g. ${example}` })
      .transform(Number),
  /** One of a few whole numbers, e.g. Fargate's CPU sizes. */
  integerOf: (choices: readonly number[], what: string): z.ZodType<number, string> =>
    z
      .string()
      .refine((v) => /^\d+$/.test(v) && choices.includes(Number(v)), { error: `is not ${what}; use one of ${choices.join(', ')}` })
      .transform(Number),
  /** One of a few words. */
  oneOf: <C extends string>(choices: readonly C[], what: string): z.ZodType<C, string> =>
    z
      .string()
      .refine((v) => (choices as readonly string[]).includes(v), { error: `is not ${what}; use one of ${choices.join(', ')}` })
      .transform((v) => v as C),
  /** A comma-separated list (blank items dropped); `none` is the empty list. */
  list: (): z.ZodType<string[], string> =>
    z.string().transform((v) =>
      v === 'none'
        ? []
        : v
            .split(',')
            .map((s) => s.trim())
            .filter((s) => s !== ''),
    ),
  /** A TCP port. */
  port: (example: number): z.ZodType<number, string> =>
    z
      .string()
      .refine((v) => /^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 65535, { error: `is not a TCP port; use a whole number from 1 to 65535, e.g. ${example}` })
      .transform(Number),
};

/** `CDKTF_X: "value" <message>`: how a variable problem reads, naming the variable, the value and the fix. */
export function variableProblem(name: string, raw: string, error: z.ZodError): string {
  return `${name}: "${raw}" ${error.issues.map((issue) => issue.message).join('; ')}`;
}

/** Drops the undefined values of an object, so that a spread overrides only what was set. */
export function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** How a value of a settings file is shown in a problem. */
const describe = (value: unknown): string => (value === undefined ? 'nothing' : JSON.stringify(value));
/** The message of a missing field, or of a value of the wrong type. */
const typeError = (expected: string, example: string) => (issue: { input?: unknown; path?: PropertyKey[] }) =>
  issue.input === undefined ? `missing; give it, e.g. ${example}` : `${describe(issue.input)} is not ${expected}`;

const string = (example: string) => z.string({ error: typeError(`a string; give one like "${example}"`, `"${example}"`) });
const number = (example: number) => z.number({ error: typeError(`a number; give one like ${example}`, String(example)) });
const boolean = () => z.boolean({ error: typeError('true or false', 'true') });
const oneOf = <C extends string>(choices: readonly [C, ...C[]]) =>
  z.enum(choices, {
    error: (issue) => (issue.input === undefined ? `missing; give one of ${choices.join(', ')}` : `${describe(issue.input)} is not one of ${choices.join(', ')}`),
  });
const list = <T extends z.ZodType>(item: T, example: string) => z.array(item, { error: typeError(`a list; give one like ${example}`, example) });
const stringMap = (example: string) =>
  z.record(z.string(), string(example), { error: typeError(`an object of names to strings; give one like { "NAME": "${example}" }`, `{ "NAME": "${example}" }`) });
/** An object that refuses fields it does not know, naming the ones it does. */
function strictObject<S extends z.ZodRawShape>(shape: S, description: string) {
  const fields = Object.keys(shape).join(', ');
  return z
    .strictObject(shape, {
      error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field; use one of ${fields}` : `${describe(issue.input)} is not an object; give { ... }`),
    })
    .describe(description);
}

/** Typed readers of a settings file's JSON fields: each names, in its problem, the bad value and an example. */
export const json = { describe, string, number, boolean, oneOf, list, stringMap, object: strictObject };
