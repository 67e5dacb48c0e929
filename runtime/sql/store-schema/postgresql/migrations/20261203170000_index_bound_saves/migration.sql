-- Saves that cost the same at any size of the log, and less. A session plans each statement of
-- a routine once, with the tables' sizes at that moment, and keeps a generic plan: made while
-- the events table was empty (no ANALYZE has run yet, as on a new store or where autovacuum is
-- off), eventforge_save's check for taken positions became a hash join over a sequential scan of
-- every event, and each save of that session got slower as the log grew (4.5 ms a one-event save
-- at 20,000 events, against 0.9 ms in a session started then). Now:
-- - The taken positions are looked up one by one in the (stream_id, version) index, the last
--   tracked position and a stream's head are read as the last entry of their index, whatever
--   the statistics, and the functions keep their plans (force_generic_plan): planned per call, a
--   one-event save's statements looked cheaper than the generic plans (made for ten elements),
--   so they were planned anew on every call.
-- - eventforge_save inserts without ON CONFLICT (its speculative insertion cost about a tenth of
--   a save): under the stream locks the check before it finds every taken position, and only a
--   writer that bypassed the locks can still take one under the insert. The block around the
--   insert then rolls the save's rows back and raises SQLSTATE EF409 with the taken positions
--   and heads as JSON in its DETAIL.
-- eventforge_append_in_transaction (20261203130000_event_metadata's body) gets the same index
-- reads; it keeps ON CONFLICT, as it reports a conflict without ending the caller's transaction.
DO $migration$
DECLARE
  tables text := quote_ident(current_schema());
  writers_key bigint := hashtextextended('eventforge writers ' || current_schema(), 0);
  ids_key bigint := hashtextextended('eventforge ids ' || current_schema(), 0);
  stream_seed bigint := hashtextextended('eventforge streams ' || current_schema(), 0);
BEGIN
EXECUTE format($sql$
CREATE OR REPLACE FUNCTION %1$s.eventforge_save(
  stream_ids text[], versions integer[], topics text[], schema_versions integer[],
  timestamps timestamptz[], states bytea[], metadatas jsonb[],
  tracking_application text, tracking_upstream text, tracking_id bigint,
  key_subjects text[], wrapped_keys bytea[], fence_epoch bigint,
  OUT ids bigint[], OUT outcome text, OUT taken integer[], OUT streams text[], OUT heads integer[],
  OUT last_tracked bigint, OUT fenced_by bigint)
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $body$
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
    -- statement's snapshot is newer than its commit: a taken position is visible now, and is
    -- answered before anything is written (no transaction id, nothing to flush or roll back).
    SELECT array_agg(u.ord::integer ORDER BY u.ord) INTO taken
      FROM unnest(stream_ids, versions) WITH ORDINALITY AS u(stream_id, version, ord)
     CROSS JOIN LATERAL (SELECT 1 FROM %1$s."events" AS e
                          WHERE e.stream_id = u.stream_id AND e.version = u.version LIMIT 1) AS stored;
    IF taken IS NOT NULL THEN
      outcome := 'conflict';
      SELECT array_agg(s.stream_id), array_agg(coalesce(
               (SELECT e.version FROM %1$s."events" AS e WHERE e.stream_id = s.stream_id
                 ORDER BY e.version DESC LIMIT 1), 0))
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
    last_tracked := coalesce((SELECT t.notification_id FROM %1$s."tracking" AS t
       WHERE t.application = tracking_application AND t.upstream = tracking_upstream
       ORDER BY t.notification_id DESC LIMIT 1), 0);
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
        RETURNING id)
      SELECT array_agg(inserted.id ORDER BY inserted.id) INTO ids FROM inserted;
    EXCEPTION
      WHEN unique_violation THEN
        -- Taken under the insert, by a writer that did not take the stream locks: the block's
        -- rows are rolled back; that writer has committed, so a new statement sees its rows.
        PERFORM pg_advisory_unlock(%3$s);
        SELECT array_agg(u.ord::integer ORDER BY u.ord) INTO taken
          FROM unnest(stream_ids, versions) WITH ORDINALITY AS u(stream_id, version, ord)
         CROSS JOIN LATERAL (SELECT 1 FROM %1$s."events" AS e
                              WHERE e.stream_id = u.stream_id AND e.version = u.version LIMIT 1) AS stored;
        SELECT array_agg(s.stream_id), array_agg(coalesce(
                 (SELECT e.version FROM %1$s."events" AS e WHERE e.stream_id = s.stream_id
                   ORDER BY e.version DESC LIMIT 1), 0))
          INTO streams, heads
          FROM (SELECT DISTINCT x AS stream_id FROM unnest(stream_ids) AS x) AS s;
        IF taken IS NULL THEN
          RAISE;
        END IF;
        -- Raised, not answered: the transaction has its id, and a commit would wait for its
        -- flush (an abort does not). The answer travels in the detail.
        RAISE EXCEPTION 'a position of this save is taken' USING ERRCODE = 'EF409',
          DETAIL = json_build_object('taken', taken, 'streams', streams, 'heads', heads)::text;
      WHEN OTHERS OR query_canceled THEN
        PERFORM pg_advisory_unlock(%3$s);
        RAISE;
    END;
    PERFORM pg_advisory_unlock(%3$s);
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
CREATE OR REPLACE FUNCTION %1$s.eventforge_append_in_transaction(
  stream_ids text[], versions integer[], topics text[], schema_versions integer[],
  timestamps timestamptz[], states bytea[],
  tracking_application text, tracking_upstream text, tracking_id bigint,
  key_subjects text[], wrapped_keys bytea[], metadatas jsonb[],
  OUT ids bigint[], OUT outcome text, OUT taken integer[], OUT streams text[], OUT heads integer[],
  OUT last_tracked bigint, OUT key_conflicts text[])
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $body$
DECLARE
  events integer := coalesce(cardinality(stream_ids), 0);
  keys_stored text[];
BEGIN
  IF events > 0 THEN
    IF pg_current_xact_id_if_assigned() IS NULL THEN
      -- As eventforge_append: the transaction id is taken below, under the ids lock.
      PERFORM pg_advisory_xact_lock_shared(%2$s);
    ELSE
      -- The id was taken before: no other writer may draw ids until this transaction ends.
      PERFORM pg_advisory_xact_lock(%2$s);
    END IF;
    PERFORM pg_advisory_xact_lock(keys.k)
      FROM (SELECT DISTINCT hashtextextended(s, %4$s) AS k FROM unnest(stream_ids) AS s ORDER BY 1) AS keys;
  END IF;
  -- A savepoint: a refusal rolls back this block's rows, not the caller's.
  BEGIN
    IF events > 0 THEN
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
        RAISE SQLSTATE 'EF409';
      END IF;
    END IF;
    IF coalesce(cardinality(key_subjects), 0) > 0 THEN
      WITH rows AS (
        INSERT INTO %1$s."data_keys" (subject, wrapped_key)
        SELECT k.subject, k.wrapped FROM unnest(key_subjects, wrapped_keys) AS k(subject, wrapped)
        ON CONFLICT DO NOTHING
        RETURNING subject)
      SELECT array_agg(rows.subject) INTO keys_stored FROM rows;
      IF coalesce(cardinality(keys_stored), 0) < cardinality(key_subjects) THEN
        SELECT array_agg(s) INTO key_conflicts FROM unnest(key_subjects) AS s
         WHERE NOT (s = ANY (coalesce(keys_stored, '{}')));
        RAISE SQLSTATE 'EF410';
      END IF;
    END IF;
    IF tracking_application IS NOT NULL THEN
      PERFORM pg_advisory_xact_lock(hashtext(tracking_application), hashtext(tracking_upstream));
      last_tracked := coalesce((SELECT t.notification_id FROM %1$s."tracking" AS t
         WHERE t.application = tracking_application AND t.upstream = tracking_upstream
         ORDER BY t.notification_id DESC LIMIT 1), 0);
      IF tracking_id <= last_tracked THEN
        RAISE SQLSTATE 'EF411';
      END IF;
      INSERT INTO %1$s."tracking" (application, upstream, notification_id)
      VALUES (tracking_application, tracking_upstream, tracking_id);
    END IF;
    outcome := 'stored';
  EXCEPTION
    WHEN SQLSTATE 'EF409' THEN
      outcome := 'conflict';
      ids := NULL;
      SELECT array_agg(u.ord::integer ORDER BY u.ord) INTO taken
        FROM unnest(stream_ids, versions) WITH ORDINALITY AS u(stream_id, version, ord)
       CROSS JOIN LATERAL (SELECT 1 FROM %1$s."events" AS e
                          WHERE e.stream_id = u.stream_id AND e.version = u.version LIMIT 1) AS stored;
      SELECT array_agg(s.stream_id), array_agg(coalesce(
               (SELECT e.version FROM %1$s."events" AS e WHERE e.stream_id = s.stream_id
                 ORDER BY e.version DESC LIMIT 1), 0))
        INTO streams, heads
        FROM (SELECT DISTINCT x AS stream_id FROM unnest(stream_ids) AS x) AS s;
    WHEN SQLSTATE 'EF410' THEN
      outcome := 'keys';
      ids := NULL;
    WHEN SQLSTATE 'EF411' THEN
      outcome := 'tracking';
      ids := NULL;
  END;
  IF outcome = 'stored' AND events > 0 THEN
    PERFORM pg_notify('eventforge_log', %5$s);
  END IF;
END
$body$;

$sql$, tables, writers_key, ids_key, stream_seed, quote_literal(current_schema()));
END
$migration$;
