-- Events a projection could not process, set aside (dead letters) (postgresql).

-- CreateTable
CREATE TABLE "parked_events" (
    "projection" TEXT NOT NULL,
    "notification_id" BIGINT NOT NULL,
    "topic" TEXT NOT NULL,
    "error" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL,
    "parked_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "parked_events_pkey" PRIMARY KEY ("projection","notification_id")
);
