/**
 * The forget ledger (recorder.ts `ForgetLedger`) on both databases, through a transaction's own
 * statements: the forget numbers live in `data_keys.forget_seq`, the projections' watermarks in
 * `forget_watermarks` (migration 20261203140000_forget_sequence). Unqualified names: on PostgreSQL
 * the store's schema is first on the transaction's search path.
 */
import type { ForgetLedger, ForgottenSubject, RecorderTransaction } from '../recorder.js';

/** The ledger on `tx`, a transaction of a SQL store. */
export function sqlForgetLedger(tx: Pick<RecorderTransaction, 'provider' | 'query' | 'execute'>): ForgetLedger {
  const pg = tx.provider === 'postgresql';
  const p = (n: number): string => (pg ? `$${n}` : '?');
  return {
    async positions(application, upstream) {
      const [row] = await tx.query(
        `SELECT (SELECT coalesce(max(forget_seq), 0) FROM data_keys) AS head, ` +
          `(SELECT coalesce(max(forget_seq), 0) FROM forget_watermarks WHERE application = ${p(1)} AND upstream = ${p(2)}) AS watermark`,
        [application, upstream],
      );
      return { head: toBigInt(row?.['head']), watermark: toBigInt(row?.['watermark']) };
    },
    async forgottenBetween(after, upTo, limit) {
      const rows = await tx.query(
        `SELECT subject, forget_seq FROM data_keys WHERE forget_seq > ${p(1)} AND forget_seq <= ${p(2)} ` +
          `ORDER BY forget_seq LIMIT ${p(3)}`,
        [after, upTo, limit],
      );
      return rows.map(
        (r): ForgottenSubject => ({ subject: String(r['subject']), sequence: toBigInt(r['forget_seq']) }),
      );
    },
    async advance(application, upstream, sequence) {
      await tx.execute(
        `INSERT INTO forget_watermarks (application, upstream, forget_seq) VALUES (${p(1)}, ${p(2)}, ${p(3)}) ` +
          `ON CONFLICT (application, upstream) DO UPDATE SET forget_seq = ${pg ? 'greatest' : 'max'}(forget_watermarks.forget_seq, excluded.forget_seq)`,
        [application, upstream, sequence],
      );
    },
  };
}

function toBigInt(value: unknown): bigint {
  if (value === null || value === undefined) return 0n;
  return BigInt(value as string | number | bigint);
}
