-- Leases of a system's followers (docs/systems.md#workers): which worker process owns which
-- follower (or partition of one) until when, by the database's clock; and the workers alive,
-- as rows named `worker/<id>`. A worker renews what it owns; a lease whose expires_at passed may
-- be taken by another worker. PostgreSQL only: workers share one PostgreSQL.

-- CreateTable
CREATE TABLE "leases" (
    "name" TEXT NOT NULL,
    "owner" TEXT NOT NULL,
    "acquired_at" TIMESTAMPTZ(3) NOT NULL,
    "renewed_at" TIMESTAMPTZ(3) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "failure" TEXT,

    CONSTRAINT "leases_pkey" PRIMARY KEY ("name")
);
