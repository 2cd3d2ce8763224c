/** The activities of bench/primitives.ts. They run in the benchmark's own process, so a lag can be kept in memory. */

/** Milliseconds from each timer workflow's instant to its activity running, in the order they ran. */
export const primitiveStormLags: number[] = [];

export function primitiveActivities() {
  return {
    /** Does nothing: the cost measured is scheduling and completing an activity. */
    async primitiveStep(): Promise<void> {},
    async primitiveFired(instantMs: number): Promise<void> {
      primitiveStormLags.push(Date.now() - instantMs);
    },
  };
}

export type PrimitiveActivities = ReturnType<typeof primitiveActivities>;
