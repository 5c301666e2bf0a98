import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { openApiDocument } from '../src/cli/openapi.ts';

it('docs/openapi.json is the API as the code describes it (run `npm run openapi` after changing a route)', async () => {
  const committed = JSON.parse(readFileSync(join(import.meta.dirname, '../docs/openapi.json'), 'utf8'));
  expect(committed).toEqual(JSON.parse(JSON.stringify(await openApiDocument())));
});
