-- The read model stores a task's state without its spec's calendar (src/domain/task-view.ts,
-- StoredTaskState): the calendar is the plan's, kept once in plan_calendars. Rows recorded before
-- lose it here, so that every row has the one shape.
UPDATE "tasks" SET "state" = "state" #- '{spec,calendar}' WHERE "state" #> '{spec,calendar}' IS NOT NULL;
