/** Dependency cycles through `dependsOn` and `deadline.after`, found without recursion. */
import { RESERVED_ANCHORS } from '../schema';
import type { PlanDocument } from './document';
import type { Path } from './types';
import { isPlain, isSlug } from './values';

/** Cycles through dependsOn and deadline.after; each cycle reported once, at the edge that closes it. */
export function checkCycles(plan: PlanDocument, tasks: unknown[]): void {
  interface Edge {
    to: string;
    path: Path;
  }
  const edges = new Map<string, Edge[]>();
  const order: string[] = [];
  tasks.forEach((task, index) => {
    if (!isPlain(task) || !isSlug(task.id) || edges.has(task.id)) return;
    const list: Edge[] = [];
    const add = (to: unknown, path: Path): void => {
      if (isSlug(to) && !list.some((edge) => edge.to === to)) list.push({ to, path });
    };
    if (Array.isArray(task.dependsOn)) task.dependsOn.forEach((to, i) => add(to, ['tasks', index, 'dependsOn', i]));
    if (isPlain(task.deadline) && !(RESERVED_ANCHORS as readonly unknown[]).includes(task.deadline.after)) {
      add(task.deadline.after, ['tasks', index, 'deadline', 'after']);
    }
    edges.set(task.id, list);
    order.push(task.id);
  });
  // Depth-first with an explicit stack: a valid chain of thousands of tasks must not overflow
  // the call stack. `stack` holds the path from the root; `position` where each node's edge scan is.
  const state = new Map<string, 'active' | 'done'>();
  for (const root of order) {
    if (state.has(root)) continue;
    const stack: string[] = [root];
    const position: number[] = [0];
    const onStack = new Map<string, number>([[root, 0]]);
    state.set(root, 'active');
    while (stack.length > 0) {
      const depth = stack.length - 1;
      const id = stack[depth]!;
      const list = edges.get(id) ?? [];
      const index = position[depth]!;
      if (index >= list.length) {
        stack.pop();
        position.pop();
        onStack.delete(id);
        state.set(id, 'done');
        continue;
      }
      position[depth] = index + 1;
      const edge = list[index]!;
      if (!edges.has(edge.to)) continue;
      const seen = state.get(edge.to);
      if (seen === 'active') {
        const whole = [...stack.slice(onStack.get(edge.to)), edge.to];
        // A cycle through thousands of tasks is named by its ends, not listed in full.
        const shown =
          whole.length > 12 ? [...whole.slice(0, 5), plan.t('validate:semantics.cycleMore', { more: whole.length - 10 }), ...whole.slice(-5)] : whole;
        const cycle = shown.join(' → ');
        const self = whole.length === 2;
        plan.error(
          'dependency-cycle',
          plan.nodeAt(edge.path),
          self ? plan.t('validate:semantics.cycleSelf', { cycle, id }) : plan.t('validate:semantics.cycle', { cycle }),
        );
      } else if (seen === undefined) {
        state.set(edge.to, 'active');
        onStack.set(edge.to, stack.length);
        stack.push(edge.to);
        position.push(0);
      }
    }
  }
}
