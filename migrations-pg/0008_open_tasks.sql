CREATE TABLE "open_task_skills" (
	"community_id" integer NOT NULL,
	"skill" text NOT NULL,
	"n" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "open_task_skills_community_id_skill_pk" PRIMARY KEY("community_id","skill")
);
--> statement-breakpoint
ALTER TABLE "communities" ADD COLUMN "open_tasks" integer DEFAULT 0 NOT NULL;