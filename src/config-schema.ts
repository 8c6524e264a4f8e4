import { en } from 'zod/locales';
import { array, boolean, config, enum as oneOf, number, partial, pipe, record, strictObject, string, transform, union, type ZodMiniType } from 'zod/mini';

/**
 * The config file's schema (`options.ts` `readConfig`): one optional key per
 * option, in its kebab-case name, plus `synonyms`, `rules`, `$schema` and
 * `description`; an unknown key is an error.
 *
 * zod/mini, imported by name, with its English messages only: the same
 * checks and messages as zod's full API, and a 55 KB chunk of the bundle to
 * load instead of 760 KB (a 34 KB scratch bundle imported in 13-16 ms
 * against 46-48 ms for zod's): every run with --config loads it.
 */
config(en());

export interface ConfigKey {
  name: string;
  kind: 'string' | 'boolean' | 'number' | 'list';
  choices?: readonly string[] | undefined;
}

export function configSchema(keys: readonly ConfigKey[]): { schema: ZodMiniType; known: string[] } {
  const stringOrNumber = pipe(union([string(), number()]), transform(String));
  const list = pipe(
    union([string(), array(string())]),
    transform((v: string | string[]) => (Array.isArray(v) ? v : [v])),
  );
  const synonymTable = record(string(), array(string()));
  const shape: Record<string, ZodMiniType> = {
    synonyms: partial(strictObject({ role: synonymTable, category: synonymTable, care_setting: synonymTable, sender_type: synonymTable })),
    $schema: string(),
    description: string(),
  };
  for (const key of keys) {
    shape[key.name] = key.choices ? oneOf(key.choices as [string, ...string[]]) : key.kind === 'boolean' ? boolean() : key.kind === 'list' ? list : key.kind === 'number' ? stringOrNumber : string();
  }
  shape.rules = list;
  return { schema: partial(strictObject(shape)), known: Object.keys(shape) };
}
