-- A log read that says how far it is complete (docs/persistence.md, "Gap safety"): the page
-- and its horizon come from one snapshot, so a reader never advances past an event a later read
-- could still return. eventforge_log_page and eventforge_max_id stay for runtimes from before
-- this migration; this runtime no longer calls them.
DO $migration$
DECLARE
  tables text := quote_ident(current_schema());
  writers_key bigint := hashtextextended('eventforge writers ' || current_schema(), 0);
BEGIN
EXECUTE format($sql$
-- With no writer of the schema in flight (its key taken exclusively, before the statements'
-- snapshots), every visible event is final: returns the page up to the highest visible id (at
-- most stop) with that id as the horizon, in every row (one row of NULL events when the page is
-- empty). With a writer in flight, returns no row: the caller keeps what its plain read found.
CREATE FUNCTION %1$s.eventforge_log_read(start bigint, stop bigint, topics text[], page_size bigint)
RETURNS TABLE (id bigint, stream_id text, version integer, topic text, schema_version integer,
               "timestamp" timestamptz, state bytea, horizon bigint)
LANGUAGE plpgsql AS $body$
DECLARE
  head bigint;
BEGIN
  IF NOT pg_try_advisory_xact_lock(%2$s) THEN
    RETURN;
  END IF;
  -- Writers wait for the key now, so no event commits between this statement and the next.
  SELECT max(e.id) INTO head FROM %1$s."events" AS e WHERE stop IS NULL OR e.id <= stop;
  RETURN QUERY SELECT p.id, p.stream_id, p.version, p.topic, p.schema_version, p."timestamp", p.state, head
    FROM (SELECT 1) AS one
    LEFT JOIN LATERAL (
      SELECT e.id, e.stream_id, e.version, e.topic, e.schema_version, e."timestamp", e.state
        FROM %1$s."events" AS e
       WHERE e.id >= start AND e.id <= head AND (topics IS NULL OR e.topic = ANY (topics))
       ORDER BY e.id LIMIT page_size) AS p ON true
   ORDER BY p.id;
END
$body$;
$sql$, tables, writers_key);
END
$migration$;
