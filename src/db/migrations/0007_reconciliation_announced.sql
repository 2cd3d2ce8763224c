-- Each write of a reconciliation's progress is announced on its own channel (payload: the plan
-- id), in the transaction that makes it, so that an apply waiting for its task workflows to start
-- (src/apply/apply.ts) reads the progress again when it changes rather than at its next pause.
-- Its own channel: the API's kept answers (channel kehoach_read_model) hold nothing of it.
CREATE FUNCTION kehoach_announce_reconciliation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('kehoach_reconciliation', NEW.plan_id);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER plan_reconciliations_announce AFTER INSERT OR UPDATE ON plan_reconciliations FOR EACH ROW EXECUTE FUNCTION kehoach_announce_reconciliation();
