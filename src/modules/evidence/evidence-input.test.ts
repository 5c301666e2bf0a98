import { describe, expect, it } from 'vitest';
import { mediaTypeForName, parseEvidenceFields } from './evidence-input.ts';

describe('evidence fields', () => {
  it('keep only the last segment of a file name and refuse names that are not plain', () => {
    const parse = (fileName: string) => parseEvidenceFields({ title: 't', handlingCode: 'H0', fileName }, 'original');
    expect(parse('C:\\Users\\x\\photo 1.jpg')).toMatchObject({ ok: true, value: { fileName: 'photo 1.jpg' } });
    expect(parse('dcim/IMG_0001.HEIC')).toMatchObject({ ok: true, value: { fileName: 'IMG_0001.HEIC' } });
    for (const bad of ['..', 'a/', 'tab\there', 'x'.repeat(256)]) expect(parse(bad).ok, bad).toBe(false);
  });

  it('read dates with a time zone or plain dates as UTC, and refuse the future', () => {
    const parse = (collectedAt: string) =>
      parseEvidenceFields({ title: 't', handlingCode: 'H1', fileName: 'f', collectedAt }, 'original');
    expect(parse('2026-01-02')).toMatchObject({ value: { collectedAt: '2026-01-02T00:00:00.000Z' } });
    expect(parse('2026-01-02T03:04:05-02:00')).toMatchObject({ value: { collectedAt: '2026-01-02T05:04:05.000Z' } });
    expect(parse('2026-01-02T03:04:05').ok).toBe(false);
    expect(parse('2026-02-30').ok).toBe(false);
    expect(parse(`${new Date().getFullYear() + 1}-01-01`).ok).toBe(false);
  });

  it('give files from disk a media type by their extension', () => {
    expect(mediaTypeForName('scan.PDF')).toBe('application/pdf');
    expect(mediaTypeForName('voice.opus')).toBe('audio/opus');
    expect(mediaTypeForName('image.E01')).toBe('application/octet-stream');
    expect(mediaTypeForName('README')).toBe('application/octet-stream');
  });
});
