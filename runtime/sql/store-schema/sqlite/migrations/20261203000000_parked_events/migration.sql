-- Events a projection could not process, set aside (dead letters) (sqlite).

-- CreateTable
CREATE TABLE "parked_events" (
    "projection" TEXT NOT NULL,
    "notification_id" BIGINT NOT NULL,
    "topic" TEXT NOT NULL,
    "error" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL,
    "parked_at" DATETIME NOT NULL,

    PRIMARY KEY ("projection", "notification_id")
);
