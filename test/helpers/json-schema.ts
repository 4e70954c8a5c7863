// Validates values against a JSON Schema (draft 2020-12, as our generated export schema declares)
// with ajv in strict mode: a keyword or format that ajv does not know fails the compile instead of
// being skipped, so the schema cannot say something the tests silently ignore.
import { Ajv2020 } from 'ajv/dist/2020.js';

export type JsonSchema = Record<string, unknown>;

const ajv = new Ajv2020({ strict: true, allErrors: true });
// RFC 3339 date-time, the one format the export schema uses (ajv-formats is not a dependency):
// the shape, and a date that exists.
ajv.addFormat(
  'date-time',
  (value: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(value) && !Number.isNaN(Date.parse(value)),
);

/** Compiled validators by the schema's JSON text: the export schema is made afresh on each call. */
const compiled = new Map<string, ReturnType<typeof ajv.compile>>();

/** Compiles `schema` (once per distinct schema); throws when it uses a keyword or format ajv does not know. */
export function compileSchema(schema: JsonSchema): ReturnType<typeof ajv.compile> {
  const key = JSON.stringify(schema);
  let check = compiled.get(key);
  if (!check) {
    // ajv keeps schemas by $id: a changed schema under the same $id replaces the old one.
    if (typeof schema.$id === 'string') ajv.removeSchema(schema.$id);
    check = ajv.compile(schema);
    compiled.set(key, check);
  }
  return check;
}

/** The errors of `value` against `schema` (empty when it validates), each as "JSON pointer: what is wrong". */
export function validate(schema: JsonSchema, value: unknown): string[] {
  const check = compileSchema(schema);
  if (check(value)) return [];
  return (check.errors ?? []).map((error) => {
    const detail = error.keyword === 'additionalProperties' ? ` (${(error.params as { additionalProperty: string }).additionalProperty})` : '';
    return `${error.instancePath || '/'}: ${error.message ?? error.keyword}${detail}`;
  });
}
