-- Saves inside a transaction of the caller's (a Prisma interactive transaction; docs/prisma.md).
-- eventforge_append commits, so it cannot run inside one: this function does the same work
-- without ending the transaction, and keeps the log gap-safe when the transaction already had
-- its id (the caller wrote before the save, or saved before): such a transaction's id is older
-- than ids other writers drew since, so it takes the writers' key exclusively, until it ends.
-- Its rows can then be final (older than every running transaction) above rows that are not,
-- so a log page below the horizon is cut at its last final row instead of filtered row by row.
DO $migration$
DECLARE
  tables text := quote_ident(current_schema());
  writers_key bigint := hashtextextended('eventforge writers ' || current_schema(), 0);
  ids_key bigint := hashtextextended('eventforge ids ' || current_schema(), 0);
  stream_seed bigint := hashtextextended('eventforge streams ' || current_schema(), 0);
BEGIN
EXECUTE format($sql$
-- One save in the caller's transaction: the arguments of eventforge_append, the answer as one
-- row. A refusal undoes the save's own rows (a savepoint) and leaves the caller's transaction
-- open: outcome 'conflict', 'tracking' or 'keys' as eventforge_append answers them. A save
-- stored notifies channel eventforge_log, delivered when the caller's transaction commits.
CREATE FUNCTION %1$s.eventforge_append_in_transaction(
  stream_ids text[], versions integer[], topics text[], schema_versions integer[],
  timestamps timestamptz[], states bytea[],
  tracking_application text, tracking_upstream text, tracking_id bigint,
  key_subjects text[], wrapped_keys bytea[],
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
          INSERT INTO %1$s."events" (stream_id, version, topic, schema_version, "timestamp", state)
          SELECT u.stream_id, u.version, u.topic, u.schema_version, u.ts, u.state
            FROM unnest(stream_ids, versions, topics, schema_versions, timestamps, states)
                 WITH ORDINALITY AS u(stream_id, version, topic, schema_version, ts, state, ord)
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

-- The log page of eventforge_log_page, its horizon branch cut instead of filtered: every row up to
-- the last one older than every running transaction (all of them have committed; the proof is in
-- docs/persistence.md), not only the rows that are older themselves, which need not be a prefix.
CREATE OR REPLACE FUNCTION %1$s.eventforge_log_page(start bigint, stop bigint, topics text[], page_size bigint)
RETURNS TABLE (id bigint, stream_id text, version integer, topic text, schema_version integer,
               "timestamp" timestamptz, state bytea)
LANGUAGE plpgsql AS $page$
BEGIN
  IF pg_try_advisory_xact_lock(%2$s) THEN
    RETURN QUERY SELECT e.id, e.stream_id, e.version, e.topic, e.schema_version, e."timestamp", e.state
      FROM %1$s."events" AS e
     WHERE e.id >= start AND (stop IS NULL OR e.id <= stop) AND (topics IS NULL OR e.topic = ANY (topics))
     ORDER BY e.id LIMIT page_size;
  ELSE
    RETURN QUERY SELECT e.id, e.stream_id, e.version, e.topic, e.schema_version, e."timestamp", e.state
      FROM %1$s."events" AS e
     WHERE e.id >= start AND (stop IS NULL OR e.id <= stop) AND (topics IS NULL OR e.topic = ANY (topics))
       AND e.id <= (SELECT max(f.id) FROM %1$s."events" AS f
                     WHERE f.id >= start AND (stop IS NULL OR f.id <= stop)
                       AND f.tx_id < pg_snapshot_xmin(pg_current_snapshot()))
     ORDER BY e.id LIMIT page_size;
  END IF;
END
$page$;
$sql$, tables, writers_key, ids_key, stream_seed, quote_literal(current_schema()));
END
$migration$;
