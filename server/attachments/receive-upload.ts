/**
 * An upload's bytes on their way to storage (issue 13), streamed, never held whole: cut the moment
 * they pass the site's limit (a 2 GB upload costs the server at most one chunk over the limit),
 * typed by their first bytes, refused when the type is not allowed before anything is stored,
 * stripped of image metadata while they stream, then written to the file storage.
 */
import { ATTACHMENT_TYPES, type AttachmentSettings, type AttachmentType } from '../../protocol/protocol.ts';
import type { FileStorage } from '../files/file-storage.ts';
import { ParleyError } from '../http/errors.ts';
import { BadImageError, ByteReader } from './byte-reader.ts';
import { SNIFF_BYTES, sniffType } from './sniff-type.ts';
import { stripJpeg } from './strip-jpeg.ts';
import { stripPng } from './strip-png.ts';

export const tooLarge = (maxBytes: number) =>
  new ParleyError('ATTACHMENT_TOO_LARGE', `The file is larger than this site accepts (${megabytes(maxBytes)}). Send a smaller one.`, { maxBytes });

const megabytes = (bytes: number) => `${Math.round((bytes / 1048576) * 10) / 10} MB`;

/** Passes the bytes on until there are more than `max`, then fails: the rest is never read. */
export async function* limitBytes(source: AsyncIterable<Uint8Array>, max: number): AsyncGenerator<Uint8Array> {
  let total = 0;
  for await (const chunk of source) {
    total += chunk.length;
    if (total > max) throw tooLarge(max);
    yield chunk;
  }
}

/** Stores the bytes under `key`; answers the type found and the size stored (after stripping). */
export async function receiveUpload(files: FileStorage, key: string, source: AsyncIterable<Uint8Array>, settings: AttachmentSettings): Promise<{ type: AttachmentType; size: number }> {
  const reader = new ByteReader(limitBytes(source, settings.maxBytes));
  await reader.fill(SNIFF_BYTES);
  if (reader.buffered === 0) throw new ParleyError('BAD_REQUEST', 'The file is empty: send its bytes as the request body.');
  const found = sniffType(reader.peek().subarray(0, SNIFF_BYTES));
  if (!(settings.types as string[]).includes(found)) {
    // The allowed types go in details: a list of MIME types is no sentence for a person.
    throw new ParleyError('ATTACHMENT_TYPE_REFUSED', `This site does not accept files of this kind (the content is ${found}, whatever its name says).`,
      { type: found, allowed: settings.types });
  }
  const type = found as AttachmentType;
  let bytes: AsyncIterable<Uint8Array> = reader.rest();
  if (type === 'image/jpeg') bytes = stripJpeg(bytes);
  if (type === 'image/png') bytes = stripPng(bytes);
  try {
    return { type, size: await files.put(key, bytes) };
  } catch (error) {
    if (error instanceof BadImageError) {
      throw new ParleyError('ATTACHMENT_TYPE_REFUSED', `The image could not be read (${error.message}), so its metadata could not be removed. Send it again as a PNG or JPEG.`,
        { type, allowed: settings.types });
    }
    throw error;
  }
}

/** A known type, for settings and schemas. */
export const isAttachmentType = (type: string): type is AttachmentType => (ATTACHMENT_TYPES as readonly string[]).includes(type);
