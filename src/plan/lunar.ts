/**
 * The Vietnamese lunar calendar (âm lịch), computed for the UTC+7 meridian. Pure and
 * workflow-safe: no zod, no Node built-ins, never the clock.
 *
 * Source: Hồ Ngọc Đức, "Thuật toán tính âm lịch" and its reference implementation amlich.js
 * (informatik.uni-leipzig.de/~duc/amlich), which follows Jean Meeus, "Astronomical Algorithms"
 * (1998) for the new moons and the sun's longitude. The rules: a month starts on the local day
 * of a new moon; month 11 holds the winter solstice; a year with 13 months repeats the first
 * month after month 11 that holds no major solar term (trung khí). Computed at UTC+7, this gives
 * the Vietnamese calendar, which differs from the Chinese one (UTC+8) in some years: Tết was
 * 21/01/1985 in Vietnam and 20/02/1985 in China, 17/02/2007 and 18/02/2007.
 *
 * Written here because no npm package fits: the well-used ones (lunar-javascript, solarlunar…)
 * compute the Chinese calendar and give 20/02/1985, and the Vietnamese ones are single releases
 * without upkeep. test/plan/lunar.test.ts checks Tết's first day for 1985–2035 against a table.
 */

const VIETNAM_TIMEZONE_HOURS = 7;
const SYNODIC_MONTH = 29.530588853;
// Julian day of the new moon of 1900-01-01 (k = 0 in the series below).
const NEW_MOON_EPOCH = 2415021.076998695;

// Task workflows run this in a node:vm context, where each read of a global such as Math goes
// through the context's interceptor (about 0.15 µs, against nothing for a local): a year's
// holidays read Math some thousand times. Read once per evaluation of the module instead.
const { floor, sin, PI } = Math;
const RADIANS = PI / 180;

/** Julian day number of a Gregorian date. */
function julianDay(year: number, month: number, day: number): number {
  const a = floor((14 - month) / 12);
  const y = year + 4800 - a;
  const m = month + 12 * a - 3;
  return day + floor((153 * m + 2) / 5) + 365 * y + floor(y / 4) - floor(y / 100) + floor(y / 400) - 32045;
}

/** The Gregorian date of a Julian day number, as YYYY-MM-DD. */
function dateOfJulianDay(jd: number): string {
  const a = jd + 32044;
  const b = floor((4 * a + 3) / 146097);
  const c = a - floor((b * 146097) / 4);
  const d = floor((4 * c + 3) / 1461);
  const e = c - floor((1461 * d) / 4);
  const m = floor((5 * e + 2) / 153);
  const day = e - floor((153 * m + 2) / 5) + 1;
  const month = m + 3 - 12 * floor(m / 10);
  const year = b * 100 + d - 4800 + floor(m / 10);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Julian day (with fraction, UT) of the k-th new moon after 1900-01-01 (Meeus, ch. 49, abridged). */
function newMoon(k: number): number {
  const t = k / 1236.85;
  const t2 = t * t;
  const t3 = t2 * t;
  let jd = 2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3;
  jd += 0.00033 * sin((166.56 + 132.87 * t - 0.009173 * t2) * RADIANS);
  const sunAnomaly = 359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3;
  const moonAnomaly = 306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3;
  const moonLatitude = 21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3;
  let correction = (0.1734 - 0.000393 * t) * sin(sunAnomaly * RADIANS) + 0.0021 * sin(2 * RADIANS * sunAnomaly);
  correction = correction - 0.4068 * sin(moonAnomaly * RADIANS) + 0.0161 * sin(RADIANS * 2 * moonAnomaly);
  correction = correction - 0.0004 * sin(RADIANS * 3 * moonAnomaly);
  correction = correction + 0.0104 * sin(RADIANS * 2 * moonLatitude) - 0.0051 * sin(RADIANS * (sunAnomaly + moonAnomaly));
  correction = correction - 0.0074 * sin(RADIANS * (sunAnomaly - moonAnomaly)) + 0.0004 * sin(RADIANS * (2 * moonLatitude + sunAnomaly));
  correction = correction - 0.0004 * sin(RADIANS * (2 * moonLatitude - sunAnomaly)) - 0.0006 * sin(RADIANS * (2 * moonLatitude + moonAnomaly));
  correction = correction + 0.001 * sin(RADIANS * (2 * moonLatitude - moonAnomaly)) + 0.0005 * sin(RADIANS * (2 * moonAnomaly + sunAnomaly));
  // ΔT, the difference between terrestrial and universal time, in days.
  const deltaT = t < -11 ? 0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3 : -0.000278 + 0.000265 * t + 0.000262 * t2;
  return jd + correction - deltaT;
}

/** The sun's apparent longitude, in radians in [0, 2π), at a Julian day (UT). */
function sunLongitude(jd: number): number {
  const t = (jd - 2451545.0) / 36525;
  const t2 = t * t;
  const meanAnomaly = 357.5291 + 35999.0503 * t - 0.0001559 * t2 - 0.00000048 * t * t2;
  const meanLongitude = 280.46645 + 36000.76983 * t + 0.0003032 * t2;
  let center = (1.9146 - 0.004817 * t - 0.000014 * t2) * sin(RADIANS * meanAnomaly);
  center += (0.019993 - 0.000101 * t) * sin(RADIANS * 2 * meanAnomaly) + 0.00029 * sin(RADIANS * 3 * meanAnomaly);
  const longitude = (meanLongitude + center) * RADIANS;
  return longitude - 2 * PI * floor(longitude / (2 * PI));
}

/** The local day (Julian day number) of the k-th new moon. */
function newMoonDay(k: number): number {
  return floor(newMoon(k) + 0.5 + VIETNAM_TIMEZONE_HOURS / 24);
}

/** Which of the 12 major-term sectors (30° each) the sun is in at the start of a local day. */
function sunSector(dayNumber: number): number {
  return floor((sunLongitude(dayNumber - 0.5 - VIETNAM_TIMEZONE_HOURS / 24) / PI) * 6);
}

/** The first day of lunar month 11 (the month of the winter solstice) that starts in `year`'s last months. */
function month11Start(year: number): number {
  const k = floor((julianDay(year, 12, 31) - 2415021) / SYNODIC_MONTH);
  const day = newMoonDay(k);
  // Sector 9 begins at 270°, the winter solstice: a month starting after it is month 12.
  return sunSector(day) >= 9 ? newMoonDay(k - 1) : day;
}

/** In a 13-month year starting at month 11 (`a11`), the offset of the leap month from it. */
function leapMonthOffset(a11: number): number {
  const k = floor((a11 - NEW_MOON_EPOCH) / SYNODIC_MONTH + 0.5);
  let i = 1;
  let sector = sunSector(newMoonDay(k + i));
  let last: number;
  do {
    last = sector;
    i++;
    sector = sunSector(newMoonDay(k + i));
  } while (sector !== last && i < 14);
  return i - 1;
}

/**
 * The Gregorian date (YYYY-MM-DD) of a day of the Vietnamese lunar calendar: `day` of lunar
 * `month` (1–12) of the lunar year that starts in Gregorian `year`. `leap` asks for the repeated
 * month of that number; undefined when the year has no such leap month.
 * Example: lunarToSolar(2023, 1, 1) === '2023-01-22' (Tết Quý Mão).
 */
export function lunarToSolar(year: number, month: number, day: number, leap = false): string | undefined {
  const [a11, b11] = month < 11 ? [month11Start(year - 1), month11Start(year)] : [month11Start(year), month11Start(year + 1)];
  const k = floor(0.5 + (a11 - NEW_MOON_EPOCH) / SYNODIC_MONTH);
  let offset = month - 11;
  if (offset < 0) offset += 12;
  if (b11 - a11 > 365) {
    const leapOffset = leapMonthOffset(a11);
    let leapMonth = leapOffset - 2;
    if (leapMonth < 0) leapMonth += 12;
    if (leap && month !== leapMonth) return undefined;
    if (leap || offset >= leapOffset) offset += 1;
  } else if (leap) {
    return undefined;
  }
  return dateOfJulianDay(newMoonDay(k + offset) + day - 1);
}

/** Mùng 1 Tết: the first day of the lunar year that starts in Gregorian `year`. */
export function lunarNewYear(year: number): string {
  return lunarToSolar(year, 1, 1)!;
}
