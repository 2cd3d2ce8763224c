CREATE TABLE "plan_calendars" (
	"hash" text PRIMARY KEY NOT NULL,
	"body" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "plan_documents" (
	"content_hash" text PRIMARY KEY NOT NULL,
	"body" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "plan_reconciliations" (
	"plan_id" text NOT NULL,
	"version" integer NOT NULL,
	"total" integer NOT NULL,
	"to_start" integer NOT NULL,
	"to_amend" integer NOT NULL,
	"to_cancel" integer NOT NULL,
	"started" integer DEFAULT 0 NOT NULL,
	"amended" integer DEFAULT 0 NOT NULL,
	"cancelled" integer DEFAULT 0 NOT NULL,
	"errors" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"began_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "plan_reconciliations_plan_id_version_pk" PRIMARY KEY("plan_id","version")
);
--> statement-breakpoint
CREATE TABLE "plan_spec_sets" (
	"set_hash" text NOT NULL,
	"workflow_id" text NOT NULL,
	"spec_hash" text NOT NULL,
	CONSTRAINT "plan_spec_sets_set_hash_workflow_id_pk" PRIMARY KEY("set_hash","workflow_id")
);
--> statement-breakpoint
CREATE TABLE "plan_specs" (
	"hash" text PRIMARY KEY NOT NULL,
	"body" jsonb NOT NULL
);
