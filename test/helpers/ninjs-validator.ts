import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/** The IPTC ninjs 3.1 JSON Schema and the GeoJSON schema it references, both kept in test/schemas/. */
function readSchema(name: string): Record<string, unknown> {
  const file = fileURLToPath(new URL(`../schemas/${name}`, import.meta.url));
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

let compiled: ValidateFunction | undefined;

/** A compiled ajv (JSON Schema 2020-12) validator for ninjs 3.1 documents; compiled once per process. */
export function ninjsValidator(): ValidateFunction {
  if (compiled) return compiled;
  // strictTypes/strictTuples off: the published IPTC schema has constructs ajv's strict mode merely warns about.
  const ajv = new Ajv2020({ allErrors: true, strictTypes: false, strictTuples: false });
  addFormats.default(ajv);
  const geoJson = readSchema('GeoJSON-schema.json');
  ajv.addSchema(geoJson, geoJson.$id as string);
  compiled = ajv.compile(readSchema('ninjs-schema_3.1.json'));
  return compiled;
}

/** Every schema violation of `document` as a readable line; empty when it is valid ninjs 3.1. */
export function ninjsErrors(document: unknown): string[] {
  const validate = ninjsValidator();
  if (validate(document)) return [];
  return (validate.errors ?? []).map(describe);
}

function describe(error: ErrorObject): string {
  return `${error.instancePath || '/'} ${error.message ?? 'is invalid'} ${JSON.stringify(error.params)}`;
}
