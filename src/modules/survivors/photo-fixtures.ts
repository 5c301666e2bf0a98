/**
 * Test images: real, displayable PNG files whose pixels are random, so that their bytes are unique and do not
 * compress. A test can then look for any stretch of the file in a database dump or on disk and not find it by chance.
 */
import { randomBytes } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A `side` × `side` RGB PNG of random pixels. */
export function randomPng(side = 48): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits per channel, RGB, deflate, adaptive filtering, no interlace
  const rows: Buffer[] = [];
  for (let y = 0; y < side; y++) rows.push(Buffer.concat([Buffer.of(0), randomBytes(side * 3)]));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Stretches of `bytes`, `length` long, every `step` bytes: any copy of a large part of it contains one of them. */
export function samplesOf(bytes: Buffer, length = 32, step = 256): Buffer[] {
  const samples: Buffer[] = [];
  for (let at = 0; at + length <= bytes.length; at += step) samples.push(bytes.subarray(at, at + length));
  return samples;
}
