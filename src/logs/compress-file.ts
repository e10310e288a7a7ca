// gzip a rotated log file in the background (zlib streams on the thread pool), then remove the
// original; on any failure the uncompressed file simply stays. zlib loads at the first rotation.
import fs from 'node:fs';

// True when `<file>.gz` replaced the file.
export async function gzipFile(file: string): Promise<boolean> {
  const target = `${file}.gz`;
  try {
    const [{ pipeline }, zlib] = await Promise.all([import('node:stream/promises'), import('node:zlib')]);
    await pipeline(
      fs.createReadStream(file),
      zlib.createGzip(),
      fs.createWriteStream(target, { mode: 0o600 }),
    );
    fs.rmSync(file, { force: true });
    return true;
  } catch {
    fs.rmSync(target, { force: true });
    return false;
  }
}
