-- Time-ordered ids (UUIDv7, RFC 9562) for the rows the hot path inserts in SQL: callback
-- deliveries. A random (v4) key lands on a random leaf of its primary-key index; with a large
-- table nearly every insert then dirties a page not yet written since the last checkpoint, and
-- WAL carries a full-page image of it (bench/README.md: callback_deliveries_pkey alone was 28 kB
-- of WAL per order with a million orders stored). A v7 key appends at the right edge instead.
-- PostgreSQL 15 has no uuidv7(): a v4 from gen_random_uuid() gets the Unix milliseconds in its
-- first 48 bits and its version nibble turned from 4 (0100) into 7 (0111) by setting bits 52, 53.
CREATE OR REPLACE FUNCTION uuid_v7() RETURNS uuid
LANGUAGE sql VOLATILE PARALLEL SAFE AS $$
  SELECT encode(
    set_bit(
      set_bit(
        overlay(uuid_send(gen_random_uuid())
                placing substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
                FROM 1 FOR 6),
        52, 1),
      53, 1),
    'hex')::uuid
$$;
