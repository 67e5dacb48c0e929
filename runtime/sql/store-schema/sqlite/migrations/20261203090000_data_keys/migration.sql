-- Personal data's keys (docs/personal-data.md): one row per subject, its data key wrapped by the
-- master key; wrapped_key NULL once the subject was forgotten (the row stays as a tombstone).
CREATE TABLE "data_keys" (
    "subject" TEXT NOT NULL PRIMARY KEY,
    "wrapped_key" BLOB,
    "created_at" DATETIME NOT NULL DEFAULT (CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)),
    "forgotten_at" DATETIME
);
