import { describe, expect, it } from 'vitest';
import { roundTripSql } from '../../src/plan/round-trip-sql.js';

describe('roundTripSql', () => {
  it('casts an array constructor to its element type before a cast of the whole array', () => {
    expect(
      roundTripSql("(status)::text = ANY ((ARRAY['a'::character varying, 'b''c'::character varying])::text[])"),
    ).toBe(
      "(status)::text = ANY ((ARRAY['a'::character varying, 'b''c'::character varying]::character varying[])::text[])",
    );
  });

  it('leaves alone what parses back the same: other arrays, quoted text, mixed element types', () => {
    for (const sql of [
      "status = ANY (ARRAY['a'::text, 'b'::text])",
      '(ARRAY[1, 2])::bigint[] @> ARRAY[x]',
      "note = '(ARRAY[''a''::text])::text[]'",
      "(ARRAY['a'::text, 'b'::character varying])::text[] IS NULL",
    ]) {
      expect(roundTripSql(sql)).toBe(sql);
    }
  });
});
