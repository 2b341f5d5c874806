import type { EditorialLimits } from '../config.ts';

const megabytes = (bytes: number) => `${(bytes / 1_000_000).toFixed(bytes < 10_000_000 ? 1 : 0)} MB`;
const count = (n: number) => n.toLocaleString('en-US');

/** Why a file of `bytes` is refused; the same words from the CLI and the publish function. */
export function tooLargeReason(bytes: number, limits: EditorialLimits): string {
  return `the file is ${megabytes(bytes)}, more than the ${megabytes(limits.maxEditorialBytes)} an editorial may be (limits.maxEditorialBytes in the configuration): split it into several editorials, or remove what is not text (embedded images, pasted data).`;
}

/** Why a line of `chars` characters is refused. */
export function lineTooLongReason(chars: number, limits: EditorialLimits): string {
  return `the line is ${count(chars)} characters long, more than the ${count(limits.maxLineLength)} a line may be (limits.maxLineLength in the configuration): break it into paragraphs with empty lines between them.`;
}
