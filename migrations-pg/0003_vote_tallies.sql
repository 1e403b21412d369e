CREATE TABLE "vote_tallies" (
	"community_id" integer NOT NULL,
	"target_type" text NOT NULL,
	"target_id" integer NOT NULL,
	"yes" integer DEFAULT 0 NOT NULL,
	"no" integer DEFAULT 0 NOT NULL,
	"abstain" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "vote_tallies_target_type_target_id_pk" PRIMARY KEY("target_type","target_id")
);
--> statement-breakpoint
ALTER TABLE "communities" ADD COLUMN "rules_version" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "vote_marks" ADD COLUMN "latest" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
CREATE INDEX "vote_marks_votes" ON "vote_marks" USING btree ("target_type","target_id","latest","value","id");