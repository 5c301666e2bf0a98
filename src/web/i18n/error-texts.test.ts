import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Every error id the server's modules throw has words in the web app (issue 14, item 7): an `errors.<id>` text in
 * en.json (locales.test.ts holds the other seven to the same keys) and a place in ErrorMessage's list, so that a
 * person sees what went wrong in her language instead of a general "something went wrong".
 */
const root = new URL('../../../', import.meta.url).pathname;

/** Ids thrown only at the node's console (the `passage` command), never in an answer to the web app. */
const CONSOLE_ONLY: Record<string, string> = {
  node_running: 'offline key commands refuse to run while the node is running',
  grace_days_invalid: 'a --grace-days value of passage rotate-signing-key',
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** `new AppError('id', …)` and `conflict('id', …)` in src/modules, by id, with a file that throws it. */
function thrownIds(): Map<string, string> {
  const ids = new Map<string, string>();
  for (const file of sources(join(root, 'src/modules'))) {
    for (const match of readFileSync(file, 'utf8').matchAll(/(?:new AppError|conflict)\(\s*'([a-z][a-z0-9_]*)'/g)) {
      ids.set(match[1] as string, file.slice(root.length));
    }
  }
  return ids;
}

describe('error texts of the web app', () => {
  const ids = thrownIds();
  const texts = (
    JSON.parse(readFileSync(join(root, 'src/web/i18n/locales/en.json'), 'utf8')) as {
      errors: Record<string, string>;
    }
  ).errors;
  const component = readFileSync(join(root, 'src/web/components/ErrorMessage.tsx'), 'utf8');
  const list = component.slice(component.indexOf('const SERVER_ERRORS'), component.indexOf('] as const'));

  it('finds the ids the modules throw', () => {
    // The scan itself: ids known to be thrown are found, so that an empty scan cannot pass the test below.
    expect([...ids.keys()]).toEqual(expect.arrayContaining(['forbidden', 'team_exists', 'mla_wrong_state']));
    expect(ids.size).toBeGreaterThan(50);
  });

  it('has an errors.<id> text in en.json and a place in ErrorMessage for each of them', () => {
    const untold = [...ids].filter(([id]) => !(id in CONSOLE_ONLY) && typeof texts[id] !== 'string');
    expect(untold.map(([id, file]) => `${id} (${file})`)).toEqual([]);
    const unlisted = [...ids.keys()].filter((id) => !(id in CONSOLE_ONLY) && !list.includes(`'${id}'`));
    expect(unlisted).toEqual([]);
  });

  it('keeps the console-only list to ids that are still thrown', () => {
    expect(Object.keys(CONSOLE_ONLY).filter((id) => !ids.has(id))).toEqual([]);
  });
});
