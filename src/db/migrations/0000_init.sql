CREATE TABLE "agencies" (
	"plan_id" text NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"parent" text,
	"contacts" jsonb DEFAULT '[]'::jsonb NOT NULL,
	CONSTRAINT "agencies_plan_id_id_pk" PRIMARY KEY("plan_id","id")
);
--> statement-breakpoint
CREATE TABLE "api_tokens" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"agency" text,
	"role" text NOT NULL,
	"token_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "escalations" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"idempotency_key" text NOT NULL,
	"workflow_id" text NOT NULL,
	"plan_id" text NOT NULL,
	"task_id" text NOT NULL,
	"kind" text NOT NULL,
	"level" integer NOT NULL,
	"deadline_version" integer NOT NULL,
	"deadline_at" timestamp with time zone NOT NULL,
	"target" jsonb NOT NULL,
	"action" text NOT NULL,
	"catch_up" boolean NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "idempotency_records" (
	"key" text NOT NULL,
	"principal" text NOT NULL,
	"method" text NOT NULL,
	"path" text NOT NULL,
	"request_hash" text NOT NULL,
	"status_code" integer NOT NULL,
	"response_body" jsonb,
	"response_headers" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_records_key_principal_pk" PRIMARY KEY("key","principal")
);
--> statement-breakpoint
CREATE TABLE "notifications" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"idempotency_key" text NOT NULL,
	"escalation_key" text NOT NULL,
	"workflow_id" text NOT NULL,
	"plan_id" text NOT NULL,
	"task_id" text NOT NULL,
	"channel" text NOT NULL,
	"recipients" jsonb NOT NULL,
	"target" jsonb NOT NULL,
	"subject" text NOT NULL,
	"body" text NOT NULL,
	"payload" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "plan_versions" (
	"plan_id" text NOT NULL,
	"version" integer NOT NULL,
	"content_hash" text NOT NULL,
	"git_commit" text,
	"applied_at" timestamp with time zone NOT NULL,
	"applied_by" jsonb NOT NULL,
	"document" jsonb NOT NULL,
	CONSTRAINT "plan_versions_plan_id_version_pk" PRIMARY KEY("plan_id","version")
);
--> statement-breakpoint
CREATE TABLE "plans" (
	"id" text PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"title" text NOT NULL,
	"issuer" text NOT NULL,
	"issued_on" date NOT NULL,
	"timezone" text NOT NULL,
	"calendar" text NOT NULL,
	"current_version" integer NOT NULL,
	"content_hash" text NOT NULL,
	"git_commit" text,
	"applied_at" timestamp with time zone NOT NULL,
	"document" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "task_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"idempotency_key" text NOT NULL,
	"workflow_id" text NOT NULL,
	"plan_id" text NOT NULL,
	"task_id" text NOT NULL,
	"unit_id" text,
	"occurrence" text,
	"seq" integer NOT NULL,
	"type" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor" jsonb NOT NULL,
	"actor_id" text NOT NULL,
	"request_id" text,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"progress_after" text NOT NULL,
	"deadline_at_after" timestamp with time zone,
	"deadline_version_after" integer NOT NULL,
	"completed_at_after" timestamp with time zone,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tasks" (
	"workflow_id" text PRIMARY KEY NOT NULL,
	"plan_id" text NOT NULL,
	"task_id" text NOT NULL,
	"unit_id" text,
	"occurrence" text,
	"title" text NOT NULL,
	"lead" text NOT NULL,
	"support" text[] DEFAULT '{}'::text[] NOT NULL,
	"progress" text NOT NULL,
	"deadline_state" text NOT NULL,
	"category" text NOT NULL,
	"deadline_at" timestamp with time zone,
	"deadline_version" integer NOT NULL,
	"escalation_level" integer NOT NULL,
	"progress_value" double precision,
	"completed_at" timestamp with time zone,
	"confirmed_at" timestamp with time zone,
	"seq" integer NOT NULL,
	"state" jsonb NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "api_tokens_token_hash_idx" ON "api_tokens" USING btree ("token_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "escalations_idempotency_key_idx" ON "escalations" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "escalations_plan_idx" ON "escalations" USING btree ("plan_id","at");--> statement-breakpoint
CREATE INDEX "escalations_workflow_idx" ON "escalations" USING btree ("workflow_id");--> statement-breakpoint
CREATE INDEX "idempotency_records_created_idx" ON "idempotency_records" USING btree ("created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "notifications_idempotency_key_idx" ON "notifications" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "notifications_due_idx" ON "notifications" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE UNIQUE INDEX "task_events_idempotency_key_idx" ON "task_events" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "task_events_workflow_idx" ON "task_events" USING btree ("workflow_id","seq");--> statement-breakpoint
CREATE INDEX "task_events_plan_at_idx" ON "task_events" USING btree ("plan_id","at");--> statement-breakpoint
CREATE INDEX "tasks_plan_lead_idx" ON "tasks" USING btree ("plan_id","lead");--> statement-breakpoint
CREATE INDEX "tasks_plan_unit_idx" ON "tasks" USING btree ("plan_id","unit_id");--> statement-breakpoint
CREATE INDEX "tasks_plan_category_idx" ON "tasks" USING btree ("plan_id","category");--> statement-breakpoint
CREATE INDEX "tasks_plan_deadline_idx" ON "tasks" USING btree ("plan_id","deadline_at","workflow_id");--> statement-breakpoint
CREATE INDEX "tasks_plan_task_idx" ON "tasks" USING btree ("plan_id","task_id");--> statement-breakpoint
CREATE INDEX "tasks_support_idx" ON "tasks" USING gin ("support");