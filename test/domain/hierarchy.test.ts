/** Counts along the agency tree: communes into their district, districts into the province. */
import t from 'tap';
import { rollUpAgencies, type AgencyNode } from '../../src/domain';

const agencies: AgencyNode[] = [
  { id: 'tinh', name: 'UBND tỉnh', kind: 'provincial_committee' },
  { id: 'so', name: 'Sở Tư pháp', kind: 'department', parent: 'tinh' },
  { id: 'h1', name: 'Huyện 1', kind: 'district_committee', parent: 'tinh' },
  { id: 'x11', name: 'Xã 1.1', kind: 'commune_committee', parent: 'h1' },
  { id: 'x12', name: 'Xã 1.2', kind: 'commune_committee', parent: 'h1' },
  { id: 'h2', name: 'Huyện 2', kind: 'district_committee', parent: 'tinh' },
  { id: 'x21', name: 'Xã 2.1', kind: 'commune_committee', parent: 'h2' },
];
const own = new Map([
  ['tinh', 1],
  ['so', 2],
  ['h1', 4],
  ['x11', 8],
  ['x12', 16],
  ['h2', 32],
  ['x21', 64],
]);
const box = (n: number) => ({ n });
const roll = (options: Parameters<typeof rollUpAgencies>[4]) =>
  rollUpAgencies(
    agencies,
    new Map([...own].map(([k, v]) => [k, box(v)])),
    () => box(0),
    (a, b) => void (a.n += b.n),
    options,
  ).map((r) => [r.agency, r.counts.n, r.rolledUp, r.children]);

t.test('levels and opening a row', async (t) => {
  t.same(roll({}), [
    ['tinh', 1, false, 0],
    ['so', 2, false, 0],
    ['h1', 4, false, 0],
    ['x11', 8, false, 0],
    ['x12', 16, false, 0],
    ['h2', 32, false, 0],
    ['x21', 64, false, 0],
  ]);
  t.same(roll({ level: 'district' }), [
    ['tinh', 1, false, 0],
    ['so', 2, false, 0],
    ['h1', 28, true, 2],
    ['h2', 96, true, 1],
  ]);
  t.same(roll({ level: 'province' }), [['tinh', 127, true, 6]]);
  t.same(
    roll({ parent: 'h1' }),
    [
      ['h1', 4, false, 0],
      ['x11', 8, false, 0],
      ['x12', 16, false, 0],
    ],
    "a district's own tasks, then its communes",
  );
  t.same(roll({ parent: 'tinh' }), [
    ['tinh', 1, false, 0],
    ['so', 2, false, 0],
    ['h1', 28, true, 2],
    ['h2', 96, true, 1],
  ]);
});

t.test('after 1/7/2025: communes directly under the province', async (t) => {
  const flat: AgencyNode[] = [
    { id: 'tinh', name: 'UBND tỉnh', kind: 'provincial_committee' },
    { id: 'xa-a', name: 'Xã A', kind: 'commune_committee', parent: 'tinh' },
    { id: 'xa-b', name: 'Xã B', kind: 'commune_committee', parent: 'tinh' },
  ];
  const counts = new Map([
    ['tinh', box(1)],
    ['xa-a', box(2)],
    ['xa-b', box(4)],
  ]);
  const rows = (options: Parameters<typeof rollUpAgencies>[4]) =>
    rollUpAgencies(
      flat,
      new Map([...counts].map(([k, v]) => [k, box(v.n)])),
      () => box(0),
      (a, b) => void (a.n += b.n),
      options,
    ).map((r) => [r.agency, r.counts.n]);
  t.same(
    rows({ level: 'district' }),
    [
      ['tinh', 1],
      ['xa-a', 2],
      ['xa-b', 4],
    ],
    'no district level: communes stay as they are',
  );
  t.same(rows({ level: 'province' }), [['tinh', 7]]);
  t.same(rows({ parent: 'tinh' }), [
    ['tinh', 1],
    ['xa-a', 2],
    ['xa-b', 4],
  ]);
});
