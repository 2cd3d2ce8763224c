/** The activities of bench/primitives.ts. They run in the benchmark's own process, so a lag can be kept in memory. */

/** Milliseconds from each timer workflow's instant to its activity running, in the order they ran. */
export const primitiveStormLags: number[] = [];

/** How many bare workflows have run their first workflow task (`firstTaskWorkflow`). */
export const primitiveFirstTasks = { ran: 0 };

export function primitiveActivities() {
  return {
    /** Counts a workflow's first workflow task, as a task workflow's first record makes its row visible. */
    async primitiveRan(): Promise<void> {
      primitiveFirstTasks.ran += 1;
    },
    /** Does nothing: the cost measured is scheduling and completing an activity. */
    async primitiveStep(): Promise<void> {},
    async primitiveFired(instantMs: number): Promise<void> {
      primitiveStormLags.push(Date.now() - instantMs);
    },
  };
}

export type PrimitiveActivities = ReturnType<typeof primitiveActivities>;
