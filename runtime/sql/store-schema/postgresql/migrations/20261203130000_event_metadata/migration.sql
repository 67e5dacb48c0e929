-- Event metadata (docs/runtime.md, "Event metadata"): where an event came from (causationId,
-- correlationId) and the keys its save attached, as jsonb (queryable: metadata->>'correlationId');
-- NULL when it has none.
ALTER TABLE "events" ADD COLUMN "metadata" JSONB;

-- The append procedure again, taking each event's metadata: the same body as
-- 20261203090000_data_keys' with a metadatas argument (last, so earlier arguments keep their
-- places) and the column in the insert. The log routines (eventforge_log_page, eventforge_log_read)
-- return the column too, and eventforge_append_in_transaction takes the same argument.
DO $migration$
DECLARE
  tables text := quote_ident(current_schema());
  writers_key bigint := hashtextextended('eventforge writers ' || current_schema(), 0);
  ids_key bigint := hashtextextended('eventforge ids ' || current_schema(), 0);
  stream_seed bigint := hashtextextended('eventforge streams ' || current_schema(), 0);
BEGIN
EXECUTE format($sql$
-- One save: events (one array per column, in the save's order; metadatas may be NULL for none),
-- the data keys they use first, and an optional tracking record.
-- Commits on success and then notifies channel eventforge_log with the schema's name; on a
-- refusal rolls back and says why: outcome 'conflict' (taken: the 1-based positions of events
-- whose (stream, version) is stored; streams/heads: each stream's stored version) or 'tracking'
-- (last_tracked: the position recorded last) or 'keys' (key_conflicts: the subjects that have a key).
DROP PROCEDURE %1$s.eventforge_append(text[], integer[], text[], integer[], timestamptz[], bytea[], text, text, bigint,
  bigint[], text, integer[], text[], integer[], bigint, text[], bytea[], text[]);
CREATE PROCEDURE %1$s.eventforge_append(
  stream_ids text[], versions integer[], topics text[], schema_versions integer[],
  timestamps timestamptz[], states bytea[],
  tracking_application text, tracking_upstream text, tracking_id bigint,
  INOUT ids bigint[] DEFAULT NULL, INOUT outcome text DEFAULT NULL, INOUT taken integer[] DEFAULT NULL,
  INOUT streams text[] DEFAULT NULL, INOUT heads integer[] DEFAULT NULL, INOUT last_tracked bigint DEFAULT NULL,
  key_subjects text[] DEFAULT NULL, wrapped_keys bytea[] DEFAULT NULL, INOUT key_conflicts text[] DEFAULT NULL,
  metadatas jsonb[] DEFAULT NULL)
LANGUAGE plpgsql AS $body$
DECLARE
  events integer := coalesce(cardinality(stream_ids), 0);
  keys_stored text[];
BEGIN
  IF events > 0 THEN
    -- A writer is in flight until its COMMIT: a log reader that gets this key exclusively
    -- knows every earlier writer has finished.
    PERFORM pg_advisory_xact_lock_shared(%2$s);
    -- One writer per stream until its COMMIT, taken in key order (no deadlock), so the insert
    -- below never waits for another writer's commit while it holds the ids lock.
    PERFORM pg_advisory_xact_lock(keys.k)
      FROM (SELECT DISTINCT hashtextextended(s, %4$s) AS k FROM unnest(stream_ids) AS s ORDER BY 1) AS keys;
    -- The transaction id and the event ids are taken under one exclusive lock, released before
    -- COMMIT: between writers, transaction-id order is id order.
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
      ROLLBACK;
      outcome := 'conflict';
      ids := NULL;
      SELECT array_agg(u.ord::integer ORDER BY u.ord) INTO taken
        FROM unnest(stream_ids, versions) WITH ORDINALITY AS u(stream_id, version, ord)
       WHERE EXISTS (SELECT 1 FROM %1$s."events" AS e WHERE e.stream_id = u.stream_id AND e.version = u.version);
      SELECT array_agg(s.stream_id), array_agg(coalesce(
               (SELECT max(e.version) FROM %1$s."events" AS e WHERE e.stream_id = s.stream_id), 0))
        INTO streams, heads
        FROM (SELECT DISTINCT x AS stream_id FROM unnest(stream_ids) AS x) AS s;
      RETURN;
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
      ROLLBACK;
      outcome := 'keys';
      ids := NULL;
      SELECT array_agg(s) INTO key_conflicts FROM unnest(key_subjects) AS s
       WHERE NOT (s = ANY (coalesce(keys_stored, '{}')));
      RETURN;
    END IF;
  END IF;
  IF tracking_application IS NOT NULL THEN
    -- One writer per (application, upstream) from the check to COMMIT.
    PERFORM pg_advisory_xact_lock(hashtext(tracking_application), hashtext(tracking_upstream));
    SELECT coalesce(max(t.notification_id), 0) INTO last_tracked FROM %1$s."tracking" AS t
     WHERE t.application = tracking_application AND t.upstream = tracking_upstream;
    IF tracking_id <= last_tracked THEN
      ROLLBACK;
      outcome := 'tracking';
      ids := NULL;
      RETURN;
    END IF;
    INSERT INTO %1$s."tracking" (application, upstream, notification_id)
    VALUES (tracking_application, tracking_upstream, tracking_id);
  END IF;
  COMMIT;
  outcome := 'stored';
  -- After the COMMIT, in a transaction of its own: a NOTIFY inside the save's transaction would
  -- serialise the saves' commits. That transaction stores nothing, so it need not wait for its
  -- commit record to reach the disk (a second flush per save otherwise).
  IF events > 0 THEN
    PERFORM set_config('synchronous_commit', 'off', true), pg_notify('eventforge_log', %5$s);
  END IF;
END
$body$;

-- A page of the log as 20261203120000_append_in_transaction's routine reads it (below the
-- horizon, cut at its last final row), with the metadata.
DROP FUNCTION %1$s.eventforge_log_page(bigint, bigint, text[], bigint);
CREATE FUNCTION %1$s.eventforge_log_page(start bigint, stop bigint, topics text[], page_size bigint)
RETURNS TABLE (id bigint, stream_id text, version integer, topic text, schema_version integer,
               "timestamp" timestamptz, state bytea, metadata jsonb)
LANGUAGE plpgsql AS $page$
BEGIN
  IF pg_try_advisory_xact_lock(%2$s) THEN
    RETURN QUERY SELECT e.id, e.stream_id, e.version, e.topic, e.schema_version, e."timestamp", e.state, e.metadata
      FROM %1$s."events" AS e
     WHERE e.id >= start AND (stop IS NULL OR e.id <= stop) AND (topics IS NULL OR e.topic = ANY (topics))
     ORDER BY e.id LIMIT page_size;
  ELSE
    RETURN QUERY SELECT e.id, e.stream_id, e.version, e.topic, e.schema_version, e."timestamp", e.state, e.metadata
      FROM %1$s."events" AS e
     WHERE e.id >= start AND (stop IS NULL OR e.id <= stop) AND (topics IS NULL OR e.topic = ANY (topics))
       AND e.id <= (SELECT max(f.id) FROM %1$s."events" AS f
                     WHERE f.id >= start AND (stop IS NULL OR f.id <= stop)
                       AND f.tx_id < pg_snapshot_xmin(pg_current_snapshot()))
     ORDER BY e.id LIMIT page_size;
  END IF;
END
$page$;

-- The log read of 20261203110000_log_horizon with the metadata, after the state (the horizon
-- stays last).
DROP FUNCTION %1$s.eventforge_log_read(bigint, bigint, text[], bigint);
CREATE FUNCTION %1$s.eventforge_log_read(start bigint, stop bigint, topics text[], page_size bigint)
RETURNS TABLE (id bigint, stream_id text, version integer, topic text, schema_version integer,
               "timestamp" timestamptz, state bytea, metadata jsonb, horizon bigint)
LANGUAGE plpgsql AS $body$
DECLARE
  head bigint;
BEGIN
  IF NOT pg_try_advisory_xact_lock(%2$s) THEN
    RETURN;
  END IF;
  -- Writers wait for the key now, so no event commits between this statement and the next.
  SELECT max(e.id) INTO head FROM %1$s."events" AS e WHERE stop IS NULL OR e.id <= stop;
  RETURN QUERY SELECT p.id, p.stream_id, p.version, p.topic, p.schema_version, p."timestamp", p.state, p.metadata, head
    FROM (SELECT 1) AS one
    LEFT JOIN LATERAL (
      SELECT e.id, e.stream_id, e.version, e.topic, e.schema_version, e."timestamp", e.state, e.metadata
        FROM %1$s."events" AS e
       WHERE e.id >= start AND e.id <= head AND (topics IS NULL OR e.topic = ANY (topics))
       ORDER BY e.id LIMIT page_size) AS p ON true
   ORDER BY p.id;
END
$body$;

-- eventforge_append_in_transaction (20261203120000_append_in_transaction) with the same
-- metadatas argument, after the data keys; its body otherwise unchanged.
DROP FUNCTION %1$s.eventforge_append_in_transaction(text[], integer[], text[], integer[], timestamptz[], bytea[],
  text, text, bigint, text[], bytea[]);
CREATE FUNCTION %1$s.eventforge_append_in_transaction(
  stream_ids text[], versions integer[], topics text[], schema_versions integer[],
  timestamps timestamptz[], states bytea[],
  tracking_application text, tracking_upstream text, tracking_id bigint,
  key_subjects text[], wrapped_keys bytea[], metadatas jsonb[],
  OUT ids bigint[], OUT outcome text, OUT taken integer[], OUT streams text[], OUT heads integer[],
  OUT last_tracked bigint, OUT key_conflicts text[])
LANGUAGE plpgsql AS $body$
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
      SELECT coalesce(max(t.notification_id), 0) INTO last_tracked FROM %1$s."tracking" AS t
       WHERE t.application = tracking_application AND t.upstream = tracking_upstream;
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
       WHERE EXISTS (SELECT 1 FROM %1$s."events" AS e WHERE e.stream_id = u.stream_id AND e.version = u.version);
      SELECT array_agg(s.stream_id), array_agg(coalesce(
               (SELECT max(e.version) FROM %1$s."events" AS e WHERE e.stream_id = s.stream_id), 0))
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
