import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const ids: string[] = require('spdx-license-ids');
const byLower = new Map(ids.map((id) => [id.toLowerCase(), id]));

/** The canonical SPDX id for `input` (case-insensitive), or undefined when it is not one. */
export function canonicalSpdx(input: string): string | undefined {
  return byLower.get(input.trim().toLowerCase());
}
