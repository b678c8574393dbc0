/** A small declarative argument parser: every mistake is a UsageError naming the flag and what it wanted. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export type FlagType = 'int' | 'number' | 'string' | 'bool' | 'list';

export interface FlagSpec {
  type: FlagType;
  help: string;
  choices?: readonly string[];
  /** Placeholder shown in help. */
  arg?: string;
}

export interface CommandSpec {
  name: string;
  summary: string;
  usage: string;
  flags: Record<string, FlagSpec>;
  /** Positional arguments: [min, max] (max Infinity for a list). */
  positionals: [number, number];
}

export type Flags = Record<string, string | number | boolean | string[] | undefined>;

export function parseArgs(argv: string[], spec: CommandSpec): { flags: Flags; positionals: string[] } {
  const flags: Flags = {};
  const positionals: string[] = [];
  const where = `rlab ${spec.name}`;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('--')) {
      if (a.startsWith('-') && a.length > 1 && !/^-\d/.test(a)) throw new UsageError(`${where}: unknown option ${a} (see ${where} --help)`);
      positionals.push(a);
      continue;
    }
    let name = a.slice(2);
    let value: string | undefined;
    const eq = name.indexOf('=');
    if (eq >= 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    const f = spec.flags[name];
    if (!f) throw new UsageError(`${where}: unknown option --${name} (see ${where} --help)`);
    if (f.type === 'bool') {
      if (value !== undefined && value !== 'true' && value !== 'false') throw new UsageError(`${where}: --${name} takes no value`);
      flags[name] = value !== 'false';
      continue;
    }
    if (value === undefined) {
      if (i + 1 >= argv.length) throw new UsageError(`${where}: --${name} needs a value (${f.arg ?? f.type})`);
      value = argv[++i];
    }
    flags[name] = convert(where, name, f, value);
  }
  const [min, max] = spec.positionals;
  if (positionals.length < min) throw new UsageError(`${where}: missing argument (usage: ${spec.usage})`);
  if (positionals.length > max) throw new UsageError(`${where}: unexpected argument ${JSON.stringify(positionals[max])} (usage: ${spec.usage})`);
  return { flags, positionals };
}

function convert(where: string, name: string, f: FlagSpec, value: string): string | number | string[] {
  if (f.type === 'int' || f.type === 'number') {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${where}: --${name} expects a number, got ${JSON.stringify(value)}`);
    if (f.type === 'int' && !Number.isInteger(n)) throw new UsageError(`${where}: --${name} expects a whole number, got ${JSON.stringify(value)}`);
    return n;
  }
  if (f.type === 'list') return value.split(',').map((s) => s.trim()).filter(Boolean);
  if (f.choices && !f.choices.includes(value)) throw new UsageError(`${where}: --${name} must be one of ${f.choices.join(', ')}; got ${JSON.stringify(value)}`);
  return value;
}

/** Column where option descriptions start in --help. */
const HELP_COLUMN = 34;

export function helpText(spec: CommandSpec): string {
  const lines = [`usage: ${spec.usage}`, '', spec.summary, ''];
  const names = Object.keys(spec.flags);
  if (names.length) lines.push('options:');
  for (const n of names) {
    const f = spec.flags[n];
    const arg = f.type === 'bool' ? '' : ` ${f.arg ?? (f.choices ? f.choices.join('|') : f.type.toUpperCase())}`;
    const head = `  --${n}${arg}`;
    // A head too long for the column gets its description on the next line, aligned with the others.
    lines.push(head.length < HELP_COLUMN ? head.padEnd(HELP_COLUMN) + f.help : `${head}\n${' '.repeat(HELP_COLUMN)}${f.help}`);
  }
  return lines.join('\n');
}
