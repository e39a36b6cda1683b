import { createHash } from 'node:crypto';

/** sha256 of a file's text as hex: the checksum migration history records. */
export const checksum = (text: string | Uint8Array): string => createHash('sha256').update(text).digest('hex');
