import * as zlib from 'node:zlib';

/** Reads a zip's entries (stored or deflated), checking the structure as it goes. */
export function readZip(zip: Buffer): { name: string; data: Buffer; crc: number; date: number; time: number; mode: number }[] {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  const entries = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(offset) !== 0x02014b50) throw new Error(`no central directory entry at ${offset}`);
    const method = zip.readUInt16LE(offset + 10);
    const nameLength = zip.readUInt16LE(offset + 28);
    const local = zip.readUInt32LE(offset + 42);
    const name = zip.subarray(offset + 46, offset + 46 + nameLength).toString('utf8');
    if (zip.readUInt32LE(local) !== 0x04034b50) throw new Error(`no local header at ${local}`);
    const localNameLength = zip.readUInt16LE(local + 26);
    const extraLength = zip.readUInt16LE(local + 28);
    const compressedSize = zip.readUInt32LE(local + 18);
    const start = local + 30 + localNameLength + extraLength;
    const raw = zip.subarray(start, start + compressedSize);
    entries.push({
      name,
      data: method === 8 ? zlib.inflateRawSync(raw) : raw,
      crc: zip.readUInt32LE(offset + 16),
      time: zip.readUInt16LE(offset + 12),
      date: zip.readUInt16LE(offset + 14),
      mode: zip.readUInt32LE(offset + 38) >>> 16,
    });
    offset += 46 + nameLength + zip.readUInt16LE(offset + 30) + zip.readUInt16LE(offset + 32);
  }
  return entries;
}
