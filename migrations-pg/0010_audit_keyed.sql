-- The audit chain keyed by (community, seq) (issue 12): its unique index becomes the primary key and
-- the surrogate id goes (first: the table's primary key was on it).
DROP INDEX "audit_community_seq";--> statement-breakpoint
ALTER TABLE "audit" DROP COLUMN "id";--> statement-breakpoint
ALTER TABLE "audit" ADD CONSTRAINT "audit_community_id_seq_pk" PRIMARY KEY("community_id","seq");
