-- Event metadata (docs/runtime.md, "Event metadata"): where an event came from (causationId,
-- correlationId) and the keys its save attached, as JSON text; NULL when it has none.
ALTER TABLE "events" ADD COLUMN "metadata" JSONB;
