import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/helpers.ts';
import { ConfigError, loadConfig } from '../../app/config.ts';

const dir = tempDir('passage-evidence-settings-');
afterAll(() => dir.remove());
const load = (env: Record<string, string> = {}) => loadConfig({ dataDir: dir.path }, env);

describe('evidence settings', () => {
  it('store evidence in <data>/evidence and take files up to 5 GiB by default', () => {
    expect(load()).toMatchObject({ evidenceDir: join(dir.path, 'evidence'), evidenceMaxBytes: 5 * 1024 ** 3 });
  });

  it('read the limit in bytes or with a binary unit, and a store folder relative to the data directory', () => {
    expect(load({ PASSAGE_EVIDENCE_MAX_BYTES: '1048576' }).evidenceMaxBytes).toBe(1024 * 1024);
    expect(load({ PASSAGE_EVIDENCE_MAX_BYTES: '500 MiB' }).evidenceMaxBytes).toBe(500 * 1024 * 1024);
    expect(load({ PASSAGE_EVIDENCE_MAX_BYTES: '2tib' }).evidenceMaxBytes).toBe(2 * 1024 ** 4);
    expect(load({ PASSAGE_EVIDENCE_DIR: 'blobs' }).evidenceDir).toBe(join(dir.path, 'blobs'));
    expect(load({ PASSAGE_EVIDENCE_DIR: '/srv/evidence' }).evidenceDir).toBe('/srv/evidence');
  });

  it('stop with a message naming the setting when the limit is not a size', () => {
    for (const bad of ['5GB', 'lots', '-1', '0', '1.5GiB', '99999999 TiB']) {
      expect(() => load({ PASSAGE_EVIDENCE_MAX_BYTES: bad }), bad).toThrow(ConfigError);
      expect(() => load({ PASSAGE_EVIDENCE_MAX_BYTES: bad }), bad).toThrow(/PASSAGE_EVIDENCE_MAX_BYTES/);
    }
  });
});
