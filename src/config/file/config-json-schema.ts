// The JSON Schema of the config format, generated from the same table the loader reads with, so
// that editors validate and complete exactly what `pm validate` accepts (docs/pm.schema.json).
import { CONFIG_FORMAT } from './config-format.js';
import { type Field, MAX_DURATION_MS, PROFILE_KEY } from './format-fields.js';

/** The strings `parseDuration` accepts (it lower-cases first). */
export const DURATION_PATTERN = '^\\s*(\\d+(\\.\\d+)?|(\\d+(\\.\\d+)?([mM][sS]|[sSmMhHdD]))+)\\s*$';
/** The strings `parseSize` accepts. */
export const SIZE_PATTERN = '^\\s*\\d+(\\.\\d+)?\\s*[bBkKmMgGtT]?([iI]?[bB])?\\s*$';

/** The strings an octal field accepts (a number written in octal is read from its text). */
export const OCTAL_PATTERN = '^\\s*(0[oO])?[0-7]{1,4}\\s*$';

type Schema = Record<string, unknown>;

function toSchema(field: Field, definitions: Record<string, Schema>): Schema {
  const { description } = field;
  switch (field.kind) {
    case 'string':
      return {
        type: 'string',
        description,
        minLength: 1,
        ...(field.pattern && { pattern: field.pattern.source }),
        examples: [field.example],
      };
    case 'text':
      return { type: ['string', 'number', 'boolean'], description, examples: [field.example] };
    case 'boolean':
      return { type: 'boolean', description, ...(field.only !== undefined && { enum: [field.only] }) };
    case 'count':
      return { type: 'integer', description, minimum: field.min, maximum: field.max };
    case 'number':
      return {
        type: 'number',
        description,
        minimum: field.min,
        maximum: field.max,
        examples: [field.example],
      };
    case 'octal':
      return {
        type: ['string', 'integer'],
        description: `${description} Octal digits: "027", "0027" or 027.`,
        pattern: OCTAL_PATTERN,
        examples: [field.example],
      };
    case 'duration':
      return {
        type: ['string', 'number'],
        description: `${description} A duration: 500ms, 5s, 2m, 1h30m, or milliseconds.`,
        pattern: DURATION_PATTERN,
        minimum: field.min,
        maximum: MAX_DURATION_MS,
        examples: [field.example],
      };
    case 'size':
      return {
        type: ['string', 'number'],
        description: `${description} A size: 512K, 200M, 1G, or bytes.`,
        pattern: SIZE_PATTERN,
        minimum: field.min,
        examples: [field.example],
      };
    case 'enum':
      return { enum: [...field.values], description };
    case 'list':
      return {
        type: ['array', 'null'],
        description,
        items: toSchema(field.item, definitions),
        ...(field.maxItems !== undefined && { maxItems: field.maxItems }),
      };
    case 'map':
      return {
        type: ['object', 'null'],
        description,
        propertyNames: { pattern: field.keys?.pattern.source ?? '^[^\\s=]+$' },
        additionalProperties: toSchema(field.value, definitions),
      };
    case 'either':
      return { description, anyOf: field.options.map((option) => toSchema(option, definitions)) };
    case 'section': {
      const properties = Object.fromEntries(
        Object.entries(field.keys).map(([key, value]) => [key, toSchema(value, definitions)]),
      );
      const hasRequired = field.required !== undefined || field.exactlyOne !== undefined;
      const schema: Schema = {
        // An empty `key:` is null in YAML and reads as an empty section, unless keys are required.
        type: hasRequired ? 'object' : ['object', 'null'],
        description,
        properties,
        ...(field.profiles && {
          patternProperties: { [PROFILE_KEY.source]: toSchema(field.profiles, definitions) },
        }),
        additionalProperties: false,
        ...(field.required && { required: [...field.required] }),
        ...(field.exactlyOne && { oneOf: field.exactlyOne.map((key) => ({ required: [key] })) }),
      };
      if (!field.title) return schema;
      definitions[field.title] = schema;
      return { $ref: `#/definitions/${field.title}` };
    }
  }
}

/** Draft-07, which the YAML language server and most editors understand. */
export function configJsonSchema(): Schema {
  const definitions: Record<string, Schema> = {};
  const root = toSchema(CONFIG_FORMAT, definitions);
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'pm config',
    ...root,
    type: 'object',
    definitions: Object.fromEntries(Object.entries(definitions).sort(([a], [b]) => a.localeCompare(b))),
  };
}
