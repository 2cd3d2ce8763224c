/**
 * The largest real plan, generated: the whole country before 1/7/2025 in one file, 63 provinces,
 * 696 districts and 10,035 communes (the counts of that date), each commune carrying its own copy
 * of a few tasks. Names are placeholders; the shape and the size are the country's.
 */
export const COUNTRY_2024 = { provinces: 63, districts: 696, communes: 10_035 } as const;

/** `total` split into `parts` as evenly as whole numbers allow, the larger shares first. */
function split(total: number, parts: number): number[] {
  const base = Math.floor(total / parts);
  return Array.from({ length: parts }, (_, index) => base + (index < total % parts ? 1 : 0));
}

export interface NationalPlanOptions {
  id: string;
  /** Tasks every commune carries (default 2). */
  tasksPerCommune?: number;
  counts?: { provinces: number; districts: number; communes: number };
}

/** The plan file's text: tỉnh → huyện → xã under the government, every commune a unit of each task. */
export function nationalPlanYaml(options: NationalPlanOptions): string {
  const counts = options.counts ?? COUNTRY_2024;
  const lines = [
    `id: ${options.id}`,
    'code: "06/KH-TCT06"',
    'title: Kế hoạch toàn quốc số hóa hộ tịch và cấp CCCD đến từng xã',
    'issuer: Tổ công tác triển khai Đề án 06 của Chính phủ',
    'issuedOn: 2024-01-15',
    'calendar: vn',
    'agencies:',
    '  - { id: chinh-phu, name: Chính phủ, kind: other }',
    '  - { id: bo-cong-an, name: Bộ Công an, kind: police, parent: chinh-phu }',
  ];
  const districtsPerProvince = split(counts.districts, counts.provinces);
  const communesPerDistrict = split(counts.communes, counts.districts);
  let district = 0;
  for (let p = 1; p <= counts.provinces; p++) {
    const province = `tinh-${p}`;
    lines.push(`  - { id: ${province}, name: UBND tỉnh số ${p}, kind: provincial_committee, parent: chinh-phu }`);
    for (let d = 1; d <= (districtsPerProvince[p - 1] ?? 0); d++) {
      const huyen = `huyen-${p}-${d}`;
      lines.push(`  - { id: ${huyen}, name: UBND huyện số ${d} tỉnh số ${p}, kind: district_committee, parent: ${province} }`);
      for (let c = 1; c <= (communesPerDistrict[district] ?? 0); c++) {
        lines.push(`  - { id: xa-${p}-${d}-${c}, name: UBND xã số ${c} huyện số ${d} tỉnh số ${p}, kind: commune_committee, parent: ${huyen} }`);
      }
      district += 1;
    }
  }
  lines.push('roles:', '  standing_office: { agency: bo-cong-an }', '  chair: { agency: chinh-phu }', 'tasks:');
  const titles = ['Số hóa sổ hộ tịch lưu trữ tại xã', 'Cấp thẻ Căn cước công dân cho công dân đủ điều kiện', 'Làm sạch dữ liệu dân cư của xã'];
  for (let task = 1; task <= (options.tasksPerCommune ?? 2); task++) {
    lines.push(
      `  - id: t${String(task).padStart(2, '0')}`,
      `    title: ${titles[(task - 1) % titles.length]} (${task})`,
      '    lead: bo-cong-an',
      '    deadline: 2030-12-31',
      '    output: Báo cáo kết quả của từng xã',
      '    units: { kind: commune_committee, within: chinh-phu }',
    );
  }
  return `${lines.join('\n')}\n`;
}

const VIETNAM_OFFSET_MS = 7 * 3600_000;

/** The local minute in Vietnam (UTC+7) at or after `instantMs`, as a plan writes it ("2026-12-03T14:50"), and its instant. */
export function vietnamMinuteAtOrAfter(instantMs: number): { text: string; instantMs: number } {
  const minute = Math.ceil(instantMs / 60_000) * 60_000;
  return { text: new Date(minute + VIETNAM_OFFSET_MS).toISOString().slice(0, 16), instantMs: minute };
}
