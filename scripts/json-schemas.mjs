// Writes schemas/<name>.schema.json from the zod types of the --json outputs (src/core/output-schemas.ts, built to dist/).
import { mkdirSync, writeFileSync } from 'node:fs';
import { outputJsonSchemas } from '../dist/core/output-schemas.js';

mkdirSync(new URL('../schemas/', import.meta.url), { recursive: true });
for (const [name, schema] of Object.entries(outputJsonSchemas())) {
  writeFileSync(new URL(`../schemas/${name}.schema.json`, import.meta.url), `${JSON.stringify(schema, null, 2)}\n`);
}
