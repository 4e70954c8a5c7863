// Command-line flags for every entry here (score, convert, the proxy): node:util parseArgs splits
// argv into tokens; this walks them and reports each mistake in our words (which flag, what to
// give instead) through the caller's error class, so a CLI can print it with its usage (exit 2).
// parseArgs' own strict mode would do the checks too, but its messages name the flag only inside
// prose meant for Node's own options ("To specify a positional argument starting with a '-'...").
import { type ParseArgsConfig, parseArgs } from 'node:util';

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;

export interface ArgvSpec {
  /** The flags, as parseArgs takes them (`type`, `short`); a string flag given twice is a mistake... */
  options: ParseArgsOptionsConfig;
  /** ...except these, where the last one wins. */
  repeatable?: readonly string[];
  /** The message for a flag that is not in `options`, e.g. `Unknown option --bogus: use ...`. */
  unknown?: (rawName: string) => string;
}

export interface ParsedArgv {
  values: Record<string, string | true>;
  positionals: string[];
}

/** Parses `argv` against `spec`; throws `fail(message)` at the first flag that is unknown, lacks its value, or is given twice. */
export function parseArgv(argv: readonly string[], spec: ArgvSpec, fail: (message: string) => Error): ParsedArgv {
  const { tokens } = parseArgs({ args: [...argv], options: spec.options, strict: false, allowPositionals: true, tokens: true });
  const values: Record<string, string | true> = {};
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') positionals.push(token.value);
    if (token.kind !== 'option') continue;
    const option = spec.options[token.name];
    if (!option) throw fail(spec.unknown?.(token.rawName) ?? `Unknown option ${token.rawName}`);
    if (option.type === 'boolean') {
      if (token.value !== undefined) throw fail(`${token.rawName} takes no value`);
      values[token.name] = true;
      continue;
    }
    // `--in --out x` would read "--out" as the value of --in: a forgotten value, not a file name.
    const value = token.value;
    if (value === undefined || value === '' || (!token.inlineValue && value.startsWith('--'))) throw fail(`${token.rawName} needs a value`);
    if (token.name in values && !spec.repeatable?.includes(token.name)) throw fail(`${token.rawName} given twice`);
    values[token.name] = value;
  }
  return { values, positionals };
}

/** A whole number in `min..max` given to `flag`, or `fail` saying what range it must be in. */
export function parseWholeNumber(flag: string, value: string, min: number, max: number, fail: (message: string) => Error): number {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max)
    throw fail(`${flag} must be a whole number from ${min} to ${max}, not ${JSON.stringify(value)}`);
  return Number(value);
}
