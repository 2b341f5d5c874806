import crypto from 'node:crypto';

/**
 * s3rver encrypts the continuation token of a truncated listing (more than 1,000 keys) with single DES, which
 * OpenSSL 3 (Node 18 and later) keeps in its legacy provider only: every such listing fails on Node 20. Triple DES
 * with one 8-byte key repeated three times is single DES, block for block, and is in OpenSSL's default provider, so
 * this maps s3rver's `des` to it. It changes that one algorithm name and nothing else, and only in processes that
 * run the local emulators.
 */
export function supportSingleDesForS3rver(): void {
  if (patched) return;
  patched = true;
  const { createCipheriv, createDecipheriv } = crypto;
  const tripled = (key: crypto.CipherKey) =>
    Buffer.concat([Buffer.from(key as Buffer), Buffer.from(key as Buffer), Buffer.from(key as Buffer)]);
  const mutable = crypto as { createCipheriv: unknown; createDecipheriv: unknown };
  mutable.createCipheriv = ((
    algorithm: string,
    key: crypto.CipherKey,
    iv: crypto.BinaryLike | null,
    options?: unknown,
  ) =>
    algorithm === 'des' && isSingleDesKey(key)
      ? createCipheriv('des-ede3-cbc', tripled(key), iv)
      : createCipheriv(algorithm, key, iv, options as crypto.CipherCCMOptions)) as typeof crypto.createCipheriv;
  mutable.createDecipheriv = ((
    algorithm: string,
    key: crypto.CipherKey,
    iv: crypto.BinaryLike | null,
    options?: unknown,
  ) =>
    algorithm === 'des' && isSingleDesKey(key)
      ? createDecipheriv('des-ede3-cbc', tripled(key), iv)
      : createDecipheriv(algorithm, key, iv, options as crypto.CipherCCMOptions)) as typeof crypto.createDecipheriv;
}

let patched = false;

function isSingleDesKey(key: crypto.CipherKey): boolean {
  return Buffer.isBuffer(key) && key.length === 8;
}
