-- Every change to what the API's kept answers are made of is announced on one channel, in the
-- same transaction as the change, so that an API process learns of it when it commits (see
-- src/db/change-feed.ts). Payloads: "plan:<id>" (a plan's row, its agencies or its tasks),
-- "tokens" (an API token changed, other than when it was last used) and "all" (a table was
-- truncated). Postgres delivers one notification per distinct payload per transaction, so a bulk
-- write announces each plan once.
-- OLD is null on INSERT and NEW on DELETE; an update within one plan announces it once.
CREATE FUNCTION kehoach_announce_plans(old_plan text, new_plan text) RETURNS void LANGUAGE sql AS $$
  SELECT pg_notify('kehoach_read_model', 'plan:' || p) FROM unnest(ARRAY[old_plan, new_plan]) AS p WHERE p IS NOT NULL
$$;
--> statement-breakpoint
CREATE FUNCTION kehoach_announce_plan_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM kehoach_announce_plans(OLD.id, NEW.id);
  RETURN NULL;
END $$;
--> statement-breakpoint
-- The same for the rows that belong to a plan (agencies, tasks): their plan is plan_id.
CREATE FUNCTION kehoach_announce_plan_row_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM kehoach_announce_plans(OLD.plan_id, NEW.plan_id);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION kehoach_announce_change(payload text) RETURNS void LANGUAGE sql AS $$ SELECT pg_notify('kehoach_read_model', payload) $$;
--> statement-breakpoint
CREATE FUNCTION kehoach_announce_token_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM kehoach_announce_change('tokens');
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION kehoach_announce_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM kehoach_announce_change('all');
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER plans_announce AFTER INSERT OR UPDATE OR DELETE ON plans FOR EACH ROW EXECUTE FUNCTION kehoach_announce_plan_change();
--> statement-breakpoint
CREATE TRIGGER agencies_announce AFTER INSERT OR UPDATE OR DELETE ON agencies FOR EACH ROW EXECUTE FUNCTION kehoach_announce_plan_row_change();
--> statement-breakpoint
CREATE TRIGGER tasks_announce AFTER INSERT OR UPDATE OR DELETE ON tasks FOR EACH ROW EXECUTE FUNCTION kehoach_announce_plan_row_change();
--> statement-breakpoint
CREATE TRIGGER api_tokens_announce AFTER UPDATE OF name, agency, role, token_hash, revoked_at OR DELETE ON api_tokens FOR EACH STATEMENT EXECUTE FUNCTION kehoach_announce_token_change();
--> statement-breakpoint
CREATE TRIGGER plans_announce_truncate AFTER TRUNCATE ON plans FOR EACH STATEMENT EXECUTE FUNCTION kehoach_announce_truncate();
--> statement-breakpoint
CREATE TRIGGER agencies_announce_truncate AFTER TRUNCATE ON agencies FOR EACH STATEMENT EXECUTE FUNCTION kehoach_announce_truncate();
--> statement-breakpoint
CREATE TRIGGER tasks_announce_truncate AFTER TRUNCATE ON tasks FOR EACH STATEMENT EXECUTE FUNCTION kehoach_announce_truncate();
--> statement-breakpoint
CREATE TRIGGER api_tokens_announce_truncate AFTER TRUNCATE ON api_tokens FOR EACH STATEMENT EXECUTE FUNCTION kehoach_announce_truncate();
