CREATE TABLE "proposal_voters" (
	"community_id" integer NOT NULL,
	"proposal_id" integer NOT NULL,
	"member_id" integer NOT NULL,
	"value" text NOT NULL,
	"joined_at" bigint NOT NULL,
	CONSTRAINT "proposal_voters_proposal_id_member_id_pk" PRIMARY KEY("proposal_id","member_id")
);
--> statement-breakpoint
CREATE INDEX "proposal_voters_joined" ON "proposal_voters" USING btree ("proposal_id","joined_at","value");--> statement-breakpoint
CREATE INDEX "proposal_voters_member" ON "proposal_voters" USING btree ("community_id","member_id");