/**
 * The agency tree: counts roll communes up into their district and districts into the province,
 * following `agencies.parent` (tỉnh → huyện → xã for plans before 1/7/2025, tỉnh → xã after).
 * Pure: the read model hands in each agency's own counts and how to add two of them.
 */

export type AgencyLevel = 'province' | 'district' | 'commune';

export interface AgencyNode {
  id: string;
  name: string;
  kind: string;
  parent?: string | null;
}

/**
 * An agency's administrative level: communes and districts by their committees' kind; every
 * other agency (the provincial committee, departments, the police, offices) at the province.
 */
export function levelOf(agency: Pick<AgencyNode, 'kind'>): AgencyLevel {
  if (agency.kind === 'commune_committee') return 'commune';
  if (agency.kind === 'district_committee') return 'district';
  return 'province';
}

export interface RollupRow<C> {
  agency: string;
  name: string;
  level: AgencyLevel;
  parent?: string;
  /** True when the row adds up agencies below it (open it with ?parent=<agency>). */
  rolledUp: boolean;
  /** Agencies under this one that own tasks (0 when the row is one agency's own tasks). */
  children: number;
  counts: C;
}

export interface TreeRollupOptions {
  /**
   * `agency`: a row per agency, its own tasks only. `commune`/`district`/`province`: a row per
   * agency at that level holding its whole subtree; agencies above that level keep their own row.
   */
  level?: 'agency' | AgencyLevel;
  /** Rows for the agencies directly under this one, each with its subtree, plus its own tasks. */
  parent?: string;
}

const DEPTH: Record<AgencyLevel, number> = { province: 0, district: 1, commune: 2 };

/**
 * Adds up per-agency counts along the agency tree. `own` holds each agency's own counts (a unit's
 * copy counts for the unit); `add` adds two counts; the result lists the rows asked for in the
 * order of `agencies`, and their sum equals the sum of the agencies they cover.
 */
export function rollUpAgencies<C>(
  agencies: readonly AgencyNode[],
  own: ReadonlyMap<string, C>,
  empty: () => C,
  add: (into: C, from: C) => void,
  options: TreeRollupOptions = {},
): RollupRow<C>[] {
  const byId = new Map(agencies.map((a) => [a.id, a]));
  const parentOf = (id: string) => {
    const parent = byId.get(id)?.parent ?? undefined;
    return parent && byId.has(parent) && parent !== id ? parent : undefined;
  };
  const ancestors = (id: string): string[] => {
    const chain: string[] = [];
    const seen = new Set([id]);
    for (let p = parentOf(id); p && !seen.has(p); p = parentOf(p)) {
      chain.push(p);
      seen.add(p);
    }
    return chain;
  };
  const order = new Map(agencies.map((a, index) => [a.id, index]));
  // Owners the plan does not list (a stale row) still count, on their own row.
  const owners = [...own.keys()];
  const nodeOf = (id: string): AgencyNode => byId.get(id) ?? { id, name: id, kind: 'other' };

  /** Which row an owner's counts go to; undefined when it is outside the rows asked for. */
  let rowOf: (owner: string) => { id: string; rolledUp: boolean } | undefined;
  if (options.parent !== undefined) {
    const top = options.parent;
    rowOf = (owner) => {
      if (owner === top) return { id: top, rolledUp: false };
      const chain = [owner, ...ancestors(owner)];
      const index = chain.indexOf(top);
      if (index <= 0) return undefined;
      const child = chain[index - 1]!;
      return { id: child, rolledUp: child !== owner || hasChildren(child) };
    };
  } else if (options.level === undefined || options.level === 'agency') {
    rowOf = (owner) => ({ id: owner, rolledUp: false });
  } else {
    const depth = DEPTH[options.level];
    rowOf = (owner) => {
      const chain = [owner, ...ancestors(owner)];
      // The highest agency of the chain at or below the level asked for holds the owner's counts.
      const holder = [...chain].reverse().find((id) => DEPTH[levelOf(nodeOf(id))] >= depth);
      // An agency above the level asked for keeps a row of its own tasks only.
      if (holder === undefined) return { id: owner, rolledUp: false };
      return { id: holder, rolledUp: holder !== owner || hasChildren(holder) };
    };
  }
  function hasChildren(id: string): boolean {
    return owners.some((o) => o !== id && ancestors(o).includes(id));
  }

  const rows = new Map<string, RollupRow<C>>();
  const members = new Map<string, Set<string>>();
  for (const [owner, counts] of own) {
    const target = rowOf(owner);
    if (!target) continue;
    const node = nodeOf(target.id);
    let row = rows.get(target.id);
    if (!row) {
      const parent = parentOf(target.id);
      row = {
        agency: target.id,
        name: node.name,
        level: levelOf(node),
        ...(parent ? { parent } : {}),
        rolledUp: false,
        children: 0,
        counts: empty(),
      };
      rows.set(target.id, row);
      members.set(target.id, new Set());
    }
    row.rolledUp ||= target.rolledUp;
    if (owner !== target.id) members.get(target.id)!.add(owner);
    add(row.counts, counts);
  }
  for (const row of rows.values()) row.children = members.get(row.agency)!.size;
  const rank = (id: string) => order.get(id) ?? Number.MAX_SAFE_INTEGER;
  return [...rows.values()].sort((a, b) => rank(a.agency) - rank(b.agency) || a.agency.localeCompare(b.agency));
}
