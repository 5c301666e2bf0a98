/**
 * The list of data keys destroyed by erasures (crypto-shredding), kept beside the key-encryption key and never in a
 * backup (`passage backup` leaves the keys directory out). A backup taken before an erasure still holds the erased
 * person's wrapped data key; restoring it would bring her identity back. The list, which outlives the database, is
 * applied again on restore and at every start, so that an erasure stays done whatever copy of the database is used.
 *
 * One JSON line per destroyed key: `{"key":"person:<id>","at":"<ISO instant>"}`. Ids only, never a reason or a name:
 * the list sits outside the encrypted database and must say nothing about anyone. Append-only, mode 600.
 */
import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type Config, ConfigError } from '../../app/config.ts';

export const DESTROYED_KEYS_FILE = 'destroyed-keys.jsonl';

/** Where the list lives: in the directory of the key-encryption key, which is backed up apart from the data. */
export const destroyedKeysFile = (config: Config): string => join(dirname(config.kekFile), DESTROYED_KEYS_FILE);

const KEY_ID = /^[a-z][a-z-]*:[0-9A-Za-z_-]{1,64}$/;

export class DestroyedKeys {
  readonly file: string;

  constructor(file: string) {
    this.file = file;
  }

  static of(config: Config): DestroyedKeys {
    return new DestroyedKeys(destroyedKeysFile(config));
  }

  /**
   * Adds keys to the list and forces them to disk before returning, so that an erasure is never committed while its
   * entry could still be lost. Keys already on the list are not written again.
   */
  record(keyIds: readonly string[]): void {
    const known = new Set(this.list());
    const fresh = [...new Set(keyIds)].filter((id) => !known.has(id));
    if (fresh.length === 0) return;
    for (const id of fresh) if (!KEY_ID.test(id)) throw new Error(`"${id}" is not a key id`);
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    const at = new Date().toISOString();
    appendFileSync(this.file, fresh.map((key) => `${JSON.stringify({ key, at })}\n`).join(''), { mode: 0o600 });
    const fd = openSync(this.file, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  /** Every destroyed key id, oldest first. A torn last line (a crash while appending) is ignored. */
  list(): string[] {
    if (!existsSync(this.file)) return [];
    if ((statSync(this.file).mode & 0o077) !== 0) {
      throw new ConfigError('PASSAGE_KEK_FILE', `${this.file} must not be readable by group or others (chmod 600)`);
    }
    const ids: string[] = [];
    for (const line of readFileSync(this.file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        const { key } = JSON.parse(line) as { key?: unknown };
        if (typeof key === 'string' && KEY_ID.test(key)) ids.push(key);
      } catch {
        // only the last line can be torn; the ids before it still count
      }
    }
    return [...new Set(ids)];
  }

  /** The ids of the destroyed keys of one kind (`person`), without the prefix. */
  idsOf(kind: string): string[] {
    const prefix = `${kind}:`;
    return this.list()
      .filter((key) => key.startsWith(prefix))
      .map((key) => key.slice(prefix.length));
  }
}
