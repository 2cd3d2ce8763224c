ALTER TABLE "task_events" ADD COLUMN "deadline_kind_after" text DEFAULT 'fixed' NOT NULL;--> statement-breakpoint
ALTER TABLE "task_events" ADD COLUMN "due_soon_at_after" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "task_events" ADD COLUMN "paused_at_after" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "deadline_kind" text DEFAULT 'fixed' NOT NULL;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "due_soon_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "paused_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "waiting_for" text[] DEFAULT '{}'::text[] NOT NULL;