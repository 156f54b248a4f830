import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const schemaPath = join(dirname(fileURLToPath(import.meta.url)), "../../schema/kubetls-result.schema.json");

/** The shipped JSON Schema, compiled once; returns the errors as text so a failing test says why. */
export function resultSchemaErrors(document: unknown): string | null {
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats.default(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, "utf8")));
  return validate(document) ? null : ajv.errorsText(validate.errors, { separator: "\n" });
}
