-- Fencing of a stalled lease owner (docs/systems.md, "Fencing"): every take-over of a lease draws a
-- new epoch from a sequence (so epochs only grow, even across released and re-taken rows); the
-- new owner raises the fence of the follower's tracking key to its epoch (tracking_fences, in the
-- store that keeps the tracking) before it reads the position, and every commit of the owner
-- carries its epoch: a commit whose epoch is below the fence was made by a superseded owner and
-- is refused, in the same transaction as the tracking record.
CREATE SEQUENCE "lease_epochs";
ALTER TABLE "leases" ADD COLUMN "epoch" BIGINT NOT NULL DEFAULT nextval('lease_epochs');

-- CreateTable
CREATE TABLE "tracking_fences" (
    "application" TEXT NOT NULL,
    "upstream" TEXT NOT NULL,
    "epoch" BIGINT NOT NULL,

    CONSTRAINT "tracking_fences_pkey" PRIMARY KEY ("application", "upstream")
);

-- eventforge_save again, from 20261203140000_one_statement_saves' body, with a fence_epoch argument
-- (after the data keys) and a fenced_by answer (last): with a tracking record, a save whose epoch
-- is below the tracking key's fence is refused before anything is written, checked under the
-- tracking key's lock, which the raise of a fence takes too. eventforge_append stays as it was
-- for runtimes from before this migration (they pass no epoch).
DO $migration$
DECLARE
  tables text := quote_ident(current_schema());
  writers_key bigint := hashtextextended('eventforge writers ' || current_schema(), 0);
  ids_key bigint := hashtextextended('eventforge ids ' || current_schema(), 0);
  stream_seed bigint := hashtextextended('eventforge streams ' || current_schema(), 0);
BEGIN
EXECUTE format($sql$
-- One save: events (one array per column, in the save's order; metadatas may be NULL for none),
-- the data keys they use, and an optional tracking record; the answer as one row. Refusals found
-- before writing return outcome 'conflict' (taken: the 1-based positions of events whose
-- (stream, version) is stored; streams/heads: each stream's stored version) or 'tracking'
-- (last_tracked: the position recorded last) or, with fence_epoch (a worker's lease epoch; NULL
-- for none) below the tracking key's fence, 'fenced' (fenced_by: the fence). Refusals met while
-- writing raise, which rolls the statement's transaction back: SQLSTATE EF410 (a subject has a data key already; DETAIL: the
-- subjects as a JSON array) and EF409 (a position was taken by a writer that bypassed the stream
-- locks). Call it outside a transaction block: its rows commit when the statement does.
DROP FUNCTION %1$s.eventforge_save(text[], integer[], text[], integer[], timestamptz[], bytea[], jsonb[],
  text, text, bigint, text[], bytea[]);
CREATE FUNCTION %1$s.eventforge_save(
  stream_ids text[], versions integer[], topics text[], schema_versions integer[],
  timestamps timestamptz[], states bytea[], metadatas jsonb[],
  tracking_application text, tracking_upstream text, tracking_id bigint,
  key_subjects text[], wrapped_keys bytea[], fence_epoch bigint,
  OUT ids bigint[], OUT outcome text, OUT taken integer[], OUT streams text[], OUT heads integer[],
  OUT last_tracked bigint, OUT fenced_by bigint)
LANGUAGE plpgsql AS $body$
DECLARE
  events integer := coalesce(cardinality(stream_ids), 0);
  keys_stored text[];
BEGIN
  IF events > 0 AND pg_current_xact_id_if_assigned() IS NOT NULL THEN
    -- Its transaction id would be older than ids other writers draw meanwhile (the proof needs
    -- the id taken in the ids section): eventforge_append_in_transaction handles that case.
    RAISE EXCEPTION 'eventforge_save runs in a transaction that has written already; call eventforge_append_in_transaction there'
      USING ERRCODE = '25001';
  END IF;
  IF events > 0 THEN
    -- A writer is in flight until its COMMIT: a log reader that gets this key exclusively
    -- knows every earlier writer has finished.
    PERFORM pg_advisory_xact_lock_shared(%2$s);
    -- One writer per stream until its COMMIT, taken in key order (no deadlock).
    PERFORM pg_advisory_xact_lock(keys.k)
      FROM (SELECT DISTINCT hashtextextended(s, %4$s) AS k FROM unnest(stream_ids) AS s ORDER BY 1) AS keys;
    -- Under the stream locks every earlier writer of these streams has committed and this
    -- statement's snapshot is newer than its commit: a taken position is visible now.
    SELECT array_agg(u.ord::integer ORDER BY u.ord) INTO taken
      FROM unnest(stream_ids, versions) WITH ORDINALITY AS u(stream_id, version, ord)
     WHERE EXISTS (SELECT 1 FROM %1$s."events" AS e WHERE e.stream_id = u.stream_id AND e.version = u.version);
    IF taken IS NOT NULL THEN
      outcome := 'conflict';
      SELECT array_agg(s.stream_id), array_agg(coalesce(
               (SELECT max(e.version) FROM %1$s."events" AS e WHERE e.stream_id = s.stream_id), 0))
        INTO streams, heads
        FROM (SELECT DISTINCT x AS stream_id FROM unnest(stream_ids) AS x) AS s;
      RETURN;
    END IF;
  END IF;
  IF tracking_application IS NOT NULL THEN
    -- One writer per (application, upstream) from the check to COMMIT; checked before writing.
    PERFORM pg_advisory_xact_lock(hashtext(tracking_application), hashtext(tracking_upstream));
    IF fence_epoch IS NOT NULL THEN
      -- A newer owner raised the key's fence (under the lock above): this owner was superseded.
      SELECT f.epoch INTO fenced_by FROM %1$s."tracking_fences" AS f
       WHERE f.application = tracking_application AND f.upstream = tracking_upstream;
      IF fenced_by > fence_epoch THEN
        outcome := 'fenced';
        RETURN;
      END IF;
    END IF;
    SELECT coalesce(max(t.notification_id), 0) INTO last_tracked FROM %1$s."tracking" AS t
     WHERE t.application = tracking_application AND t.upstream = tracking_upstream;
    IF tracking_id <= last_tracked THEN
      outcome := 'tracking';
      RETURN;
    END IF;
  END IF;
  IF events > 0 THEN
    -- The transaction id and the event ids are taken under one exclusive lock, released before
    -- COMMIT: between writers, transaction-id order is id order. The block releases it on any
    -- error, a cancel included (the session outlives the statement in a pool).
    PERFORM pg_advisory_lock(%3$s);
    BEGIN
      PERFORM pg_current_xact_id();
      WITH inserted AS (
        INSERT INTO %1$s."events" (stream_id, version, topic, schema_version, "timestamp", state, metadata)
        SELECT u.stream_id, u.version, u.topic, u.schema_version, u.ts, u.state, u.metadata
          FROM unnest(stream_ids, versions, topics, schema_versions, timestamps, states, metadatas)
               WITH ORDINALITY AS u(stream_id, version, topic, schema_version, ts, state, metadata, ord)
         ORDER BY u.ord
        ON CONFLICT DO NOTHING
        RETURNING id)
      SELECT array_agg(inserted.id ORDER BY inserted.id) INTO ids FROM inserted;
    EXCEPTION WHEN OTHERS OR query_canceled THEN
      PERFORM pg_advisory_unlock(%3$s);
      RAISE;
    END;
    PERFORM pg_advisory_unlock(%3$s);
    IF coalesce(cardinality(ids), 0) < events THEN
      RAISE EXCEPTION 'a position of this save was stored by a writer that did not take the stream locks'
        USING ERRCODE = 'EF409';
    END IF;
  END IF;
  -- New data keys after the events: the transaction id was taken under the ids lock above. A
  -- subject with a row already (made by another writer first, or forgotten) refuses the save.
  IF coalesce(cardinality(key_subjects), 0) > 0 THEN
    WITH rows AS (
      INSERT INTO %1$s."data_keys" (subject, wrapped_key)
      SELECT k.subject, k.wrapped FROM unnest(key_subjects, wrapped_keys) AS k(subject, wrapped)
      ON CONFLICT DO NOTHING
      RETURNING subject)
    SELECT array_agg(rows.subject) INTO keys_stored FROM rows;
    IF coalesce(cardinality(keys_stored), 0) < cardinality(key_subjects) THEN
      RAISE EXCEPTION 'a subject of this save has a data key already' USING ERRCODE = 'EF410',
        DETAIL = (SELECT array_to_json(array_agg(s))::text FROM unnest(key_subjects) AS s
                   WHERE NOT (s = ANY (coalesce(keys_stored, '{}'))));
    END IF;
  END IF;
  IF tracking_application IS NOT NULL THEN
    INSERT INTO %1$s."tracking" (application, upstream, notification_id)
    VALUES (tracking_application, tracking_upstream, tracking_id);
  END IF;
  outcome := 'stored';
END
$body$;
$sql$, tables, writers_key, ids_key, stream_seed);
END
$migration$;
