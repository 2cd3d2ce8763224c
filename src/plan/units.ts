/**
 * Which agencies a `units` selector picks, at any level of the agency tree: a list of ids,
 * `{ kind, parent }` (directly under an agency) or `{ kind, within }` (anywhere under it, so
 * `{ kind: commune_committee, within: ubnd-tinh }` is every commune of the province, through its
 * districts before 1/7/2025 and directly after). Shared by the compiler and the validator, which
 * runs it on unchecked data.
 */

export interface AgencyNode {
  id: string;
  kind: string;
  parent?: string;
}

export type UnitsSelection = readonly string[] | { kind: string; parent?: string; within?: string };

/** Whether `ancestor` is above `agency` in the tree (a parent, a parent's parent…); cycles end the walk. */
export function isUnder(agency: AgencyNode, ancestor: string, byId: ReadonlyMap<string, AgencyNode>): boolean {
  const seen = new Set<string>([agency.id]);
  for (let parent = agency.parent; parent !== undefined && !seen.has(parent); parent = byId.get(parent)?.parent) {
    if (parent === ancestor) return true;
    seen.add(parent);
  }
  return false;
}

/** The unit ids a selector picks: a list as written, a kind selector in the order of the agency list. */
export function selectUnits(selection: UnitsSelection, agencies: readonly AgencyNode[]): string[] {
  if (Array.isArray(selection)) return [...(selection as readonly string[])];
  const { kind, parent, within } = selection as { kind: string; parent?: string; within?: string };
  const byId = new Map(agencies.map((agency) => [agency.id, agency]));
  return agencies
    .filter(
      (agency) =>
        agency.kind === kind && (parent === undefined || agency.parent === parent) && (within === undefined || isUnder(agency, within, byId)),
    )
    .map((agency) => agency.id);
}
