-- The audit table keyed by one integer, community × 2^32 + seq, as on SQLite (src/db/audit-key.ts),
-- so the core's queries serve both (written by hand: the key is computed from the existing rows).
ALTER TABLE "audit" ADD COLUMN "chain_key" bigint;--> statement-breakpoint
UPDATE "audit" SET "chain_key" = "community_id" * 4294967296 + "seq";--> statement-breakpoint
ALTER TABLE "audit" ALTER COLUMN "chain_key" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "audit" DROP CONSTRAINT "audit_community_id_seq_pk";--> statement-breakpoint
ALTER TABLE "audit" ADD PRIMARY KEY ("chain_key");--> statement-breakpoint
ALTER TABLE "audit" ADD CONSTRAINT "audit_chain_key" CHECK ("audit"."chain_key" = "audit"."community_id" * 4294967296 + "audit"."seq");
