-- Forgetting reaches every view (docs/personal-data.md, "Forgetting a person"): each forget takes
-- the next number of the store's forget sequence, and each projection with a forget keeps in
-- forget_watermarks (keyed like tracking) the number it has scrubbed its rows up to.
ALTER TABLE "data_keys" ADD COLUMN "forget_seq" BIGINT;
-- Subjects forgotten before this migration, numbered in the order they were forgotten: every
-- projection scrubs them once when it next opens.
UPDATE "data_keys" SET "forget_seq" = numbered.n
  FROM (SELECT "subject", row_number() OVER (ORDER BY "forgotten_at", "subject") AS n
          FROM "data_keys" WHERE "wrapped_key" IS NULL) AS numbered
 WHERE "data_keys"."subject" = numbered."subject";
CREATE UNIQUE INDEX "data_keys_forget_seq_key" ON "data_keys"("forget_seq");
CREATE TABLE "forget_watermarks" (
    "application" TEXT NOT NULL,
    "upstream" TEXT NOT NULL,
    "forget_seq" BIGINT NOT NULL,
    PRIMARY KEY ("application", "upstream")
);
