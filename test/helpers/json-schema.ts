// A JSON Schema checker for the keywords our generated export schema uses (there is no ajv in the
// project); a test keeps the schema inside KNOWN_KEYWORDS, so nothing it says is silently skipped.

export const KNOWN_KEYWORDS = new Set(['$id', '$schema', 'title', 'description', 'type', 'properties', 'required', 'additionalProperties', 'propertyNames', 'items', 'const', 'enum', 'minLength', 'maxLength', 'pattern', 'format', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum']);
export type JsonSchema = Record<string, unknown>;

export function usedKeywords(schema: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) schema.forEach((s) => usedKeywords(s, into));
  else if (schema && typeof schema === 'object') {
    for (const [key, value] of Object.entries(schema)) {
      if (key === 'properties') Object.values(value as object).forEach((s) => usedKeywords(s, into));
      else {
        into.add(key);
        if (typeof value === 'object') usedKeywords(value, into);
      }
    }
  }
  return into;
}

/** The errors of `value` against `schema` (empty when it validates), with JSONPath-like locations. */
export function validate(schema: JsonSchema, value: unknown, path = '$'): string[] {
  const errors: string[] = [];
  const type = schema.type as string | undefined;
  const typeOk =
    type === undefined ||
    (type === 'object' && value !== null && typeof value === 'object' && !Array.isArray(value)) ||
    (type === 'array' && Array.isArray(value)) ||
    (type === 'string' && typeof value === 'string') ||
    (type === 'boolean' && typeof value === 'boolean') ||
    (type === 'number' && typeof value === 'number') ||
    (type === 'integer' && Number.isInteger(value)) ||
    (type === 'null' && value === null);
  if (!typeOk) return [`${path}: expected ${type}`];
  if ('const' in schema && value !== schema.const) errors.push(`${path}: expected ${JSON.stringify(schema.const)}`);
  if (schema.enum && !(schema.enum as unknown[]).includes(value)) errors.push(`${path}: not in enum`);
  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && value.length < schema.minLength) errors.push(`${path}: too short`);
    if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) errors.push(`${path}: too long`);
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) errors.push(`${path}: does not match ${schema.pattern}`);
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) errors.push(`${path}: below minimum`);
    if (typeof schema.maximum === 'number' && value > schema.maximum) errors.push(`${path}: above maximum`);
    if (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum) errors.push(`${path}: not above exclusiveMinimum`);
  }
  if (Array.isArray(value) && schema.items) value.forEach((item, i) => errors.push(...validate(schema.items as JsonSchema, item, `${path}[${i}]`)));
  if (type === 'object') {
    const object = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
    for (const key of (schema.required ?? []) as string[]) if (!(key in object)) errors.push(`${path}: missing required ${key}`);
    for (const [key, item] of Object.entries(object)) {
      if (properties[key]) errors.push(...validate(properties[key], item, `${path}.${key}`));
      else if (schema.additionalProperties === false) errors.push(`${path}: unexpected key ${key}`);
      else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') errors.push(...validate(schema.additionalProperties as JsonSchema, item, `${path}.${key}`));
      if (schema.propertyNames) errors.push(...validate(schema.propertyNames as JsonSchema, key, `${path}{${key}}`));
    }
  }
  return errors;
}
