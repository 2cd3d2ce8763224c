CREATE TABLE "deliveries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"key" text NOT NULL,
	"notification_key" text NOT NULL,
	"workflow_id" text NOT NULL,
	"plan_id" text NOT NULL,
	"task_id" text NOT NULL,
	"channel" text NOT NULL,
	"address" text NOT NULL,
	"name" text,
	"state" text DEFAULT 'pending' NOT NULL,
	"summary_key" text,
	"send_after" timestamp with time zone NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"message_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone
);
--> statement-breakpoint
CREATE UNIQUE INDEX "deliveries_key_idx" ON "deliveries" USING btree ("key");--> statement-breakpoint
CREATE INDEX "deliveries_notification_idx" ON "deliveries" USING btree ("notification_key");--> statement-breakpoint
CREATE INDEX "deliveries_plan_task_idx" ON "deliveries" USING btree ("plan_id","task_id");--> statement-breakpoint
CREATE INDEX "deliveries_summary_idx" ON "deliveries" USING btree ("summary_key","state");--> statement-breakpoint
CREATE INDEX "deliveries_address_idx" ON "deliveries" USING btree ("address");