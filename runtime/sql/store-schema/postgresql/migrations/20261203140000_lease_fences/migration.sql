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

-- The append procedure again, from 20261203130000_event_metadata's body, with a trailing
-- fence_epoch (INOUT, NULL for none): with a tracking record, a save whose epoch is below the
-- tracking key's fence is refused (outcome 'fenced', fence_epoch: the fence), checked under the
-- tracking key's lock, which the raise of a fence takes too.
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
-- (last_tracked: the position recorded last) or 'keys' (key_conflicts: the subjects that have a key)
-- or 'fenced' (fence_epoch: the tracking key's fence, above the save's epoch).
DROP PROCEDURE %1$s.eventforge_append(text[], integer[], text[], integer[], timestamptz[], bytea[], text, text, bigint,
  bigint[], text, integer[], text[], integer[], bigint, text[], bytea[], text[], jsonb[]);
CREATE PROCEDURE %1$s.eventforge_append(
  stream_ids text[], versions integer[], topics text[], schema_versions integer[],
  timestamps timestamptz[], states bytea[],
  tracking_application text, tracking_upstream text, tracking_id bigint,
  INOUT ids bigint[] DEFAULT NULL, INOUT outcome text DEFAULT NULL, INOUT taken integer[] DEFAULT NULL,
  INOUT streams text[] DEFAULT NULL, INOUT heads integer[] DEFAULT NULL, INOUT last_tracked bigint DEFAULT NULL,
  key_subjects text[] DEFAULT NULL, wrapped_keys bytea[] DEFAULT NULL, INOUT key_conflicts text[] DEFAULT NULL,
  metadatas jsonb[] DEFAULT NULL, INOUT fence_epoch bigint DEFAULT NULL)
LANGUAGE plpgsql AS $body$
DECLARE
  events integer := coalesce(cardinality(stream_ids), 0);
  keys_stored text[];
  fenced_by bigint;
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
    IF fence_epoch IS NOT NULL THEN
      -- A newer owner raised the fence (under the lock above): this owner was superseded.
      SELECT f.epoch INTO fenced_by FROM %1$s."tracking_fences" AS f
       WHERE f.application = tracking_application AND f.upstream = tracking_upstream;
      IF fenced_by > fence_epoch THEN
        ROLLBACK;
        outcome := 'fenced';
        ids := NULL;
        fence_epoch := fenced_by;
        RETURN;
      END IF;
    END IF;
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

$sql$, tables, writers_key, ids_key, stream_seed, quote_literal(current_schema()));
END
$migration$;
