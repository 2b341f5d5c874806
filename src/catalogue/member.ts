/** Which scopes a slug is in, and its place in every scope it ever was in (a return puts it back there). */
export interface MemberRecord {
  format: 1;
  seqs: Record<string, number>;
  in: string[];
}

export function isMemberRecord(value: unknown): value is MemberRecord {
  const record = value as Partial<MemberRecord> | null;
  return (
    typeof record === 'object' &&
    record !== null &&
    record.format === 1 &&
    typeof record.seqs === 'object' &&
    Array.isArray(record.in)
  );
}
