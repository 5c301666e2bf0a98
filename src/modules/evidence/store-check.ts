import { createHash } from 'node:crypto';
import type { Queryable } from '../../db/client.ts';
import type { BlobStore } from './blob-store.ts';
import { contentPage, type StoredContent } from './evidence.repository.ts';

export interface StoreProblem {
  sha256: string;
  /** missing: nothing is stored under the hash; altered: the stored bytes no longer hash to it (or differ in size). */
  problem: 'missing' | 'altered';
  /** The items that refer to the content. */
  itemIds: string[];
}

export interface StoreCheck {
  ok: boolean;
  /** Distinct contents the items refer to, and their bytes, all re-hashed. */
  contents: number;
  bytes: number;
  problems: StoreProblem[];
  /** Content in the store that no item refers to (left by an interrupted commit); not a failure. */
  unreferenced: string[];
}

const PAGE = 500;

/** Walks the items' contents (in hash order) and the store's listing (also in hash order) side by side. */
export async function verifyContents(
  db: Queryable,
  store: BlobStore,
  onProgress?: (doneBytes: number, totalBytes: number) => void,
): Promise<StoreCheck> {
  const [totals] = await db.query<{ bytes: string | bigint | null }>(
    'select sum(size) as bytes from (select min(size) as size from evidence_items group by sha256) as contents',
  );
  const totalBytes = Number(totals?.bytes ?? 0);
  const result: StoreCheck = { ok: true, contents: 0, bytes: 0, problems: [], unreferenced: [] };
  const listing = store.list()[Symbol.asyncIterator]();
  let stored = await listing.next();
  for await (const content of contents(db)) {
    while (!stored.done && stored.value < content.sha256) {
      result.unreferenced.push(stored.value);
      stored = await listing.next();
    }
    const present = !stored.done && stored.value === content.sha256;
    if (present) stored = await listing.next();
    result.contents++;
    const problem = present ? await check(store, content) : 'missing';
    if (problem) result.problems.push({ sha256: content.sha256, problem, itemIds: content.itemIds });
    result.bytes += content.size;
    onProgress?.(result.bytes, totalBytes);
  }
  while (!stored.done) {
    result.unreferenced.push(stored.value);
    stored = await listing.next();
  }
  result.ok = result.problems.length === 0;
  return result;
}

async function* contents(db: Queryable): AsyncGenerator<StoredContent> {
  let after = '';
  for (;;) {
    const page = await contentPage(db, after, PAGE);
    yield* page;
    const last = page.at(-1);
    if (!last || page.length < PAGE) return;
    after = last.sha256;
  }
}

async function check(store: BlobStore, content: StoredContent): Promise<'altered' | null> {
  if ((await store.size(content.sha256)) !== content.size) return 'altered';
  const hash = createHash('sha256');
  for await (const chunk of await store.read(content.sha256)) hash.update(chunk as Buffer);
  return hash.digest('hex') === content.sha256 ? null : 'altered';
}
