import t from 'tap';
import { lunarNewYear, lunarToSolar } from '../../src/plan/lunar';

// Mùng 1 Tết in Vietnam, 1985–2035. Three years differ from the Chinese New Year because the
// new moon falls between 16:00 and 17:00 UTC, before midnight at UTC+7 and after it at UTC+8
// (2007: Vietnam 17/02, China 18/02; 2030: 02/02 and 03/02), or earlier in the year, moving the leap
// month: 1985 (Vietnam 21/01, China 20/02). The other years agree with the Chinese calendar.
const TET: Record<number, string> = {
  1985: '1985-01-21',
  1986: '1986-02-09',
  1987: '1987-01-29',
  1988: '1988-02-17',
  1989: '1989-02-06',
  1990: '1990-01-27',
  1991: '1991-02-15',
  1992: '1992-02-04',
  1993: '1993-01-23',
  1994: '1994-02-10',
  1995: '1995-01-31',
  1996: '1996-02-19',
  1997: '1997-02-07',
  1998: '1998-01-28',
  1999: '1999-02-16',
  2000: '2000-02-05',
  2001: '2001-01-24',
  2002: '2002-02-12',
  2003: '2003-02-01',
  2004: '2004-01-22',
  2005: '2005-02-09',
  2006: '2006-01-29',
  2007: '2007-02-17',
  2008: '2008-02-07',
  2009: '2009-01-26',
  2010: '2010-02-14',
  2011: '2011-02-03',
  2012: '2012-01-23',
  2013: '2013-02-10',
  2014: '2014-01-31',
  2015: '2015-02-19',
  2016: '2016-02-08',
  2017: '2017-01-28',
  2018: '2018-02-16',
  2019: '2019-02-05',
  2020: '2020-01-25',
  2021: '2021-02-12',
  2022: '2022-02-01',
  2023: '2023-01-22',
  2024: '2024-02-10',
  2025: '2025-01-29',
  2026: '2026-02-17',
  2027: '2027-02-06',
  2028: '2028-01-26',
  2029: '2029-02-13',
  2030: '2030-02-02',
  2031: '2031-01-23',
  2032: '2032-02-11',
  2033: '2033-01-31',
  2034: '2034-02-19',
  2035: '2035-02-08',
};

t.test("Tết's first day, 1985–2035, at UTC+7", async (t) => {
  for (let year = 1985; year <= 2035; year++) t.equal(lunarNewYear(year), TET[year], `Tết ${year}`);
  t.equal(lunarNewYear(1985), '1985-01-21', 'not 20/02/1985 as in China');
  t.equal(lunarNewYear(2007), '2007-02-17', 'not 18/02/2007 as in China');
});

t.test('Giỗ Tổ Hùng Vương (10/3 âm lịch) in the announced years', async (t) => {
  t.equal(lunarToSolar(2022, 3, 10), '2022-04-10');
  t.equal(lunarToSolar(2023, 3, 10), '2023-04-29');
  t.equal(lunarToSolar(2024, 3, 10), '2024-04-18');
  t.equal(lunarToSolar(2025, 3, 10), '2025-04-07');
  t.equal(lunarToSolar(2026, 3, 10), '2026-04-26');
});

t.test('leap months', async (t) => {
  // 2023 repeated the second month (tháng 2 nhuận): it began on 22/03/2023, after 20/02/2023.
  t.equal(lunarToSolar(2023, 2, 1), '2023-02-20');
  t.equal(lunarToSolar(2023, 2, 1, true), '2023-03-22');
  t.equal(lunarToSolar(2023, 3, 1), '2023-04-20');
  t.equal(lunarToSolar(2023, 4, 1, true), undefined, 'no leap fourth month in 2023');
  t.equal(lunarToSolar(2024, 1, 1, true), undefined, 'no leap month at all in 2024');
  // The last day of the lunar year is the eve of Tết (30 Tết in 2023, 29 Tết in 2025).
  t.equal(lunarToSolar(2022, 12, 30), '2023-01-21');
  t.equal(lunarToSolar(2024, 12, 29), '2025-01-28');
});
