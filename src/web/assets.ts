/**
 * The pages' one style sheet and one script, served from this origin (the CSP allows nothing
 * else): kept in TypeScript so that the compiled `dist/` carries them without a copy step.
 */
export const STYLE_CSS = `
:root { --red: #b3261e; --red-bg: #fde7e5; --orange: #8a4b00; --orange-bg: #fff0d6; --green: #1b6e2e; --green-bg: #e3f4e6;
  --grey: #4a4f55; --grey-bg: #eceef0; --ink: #1c1f23; --muted: #4d5560; --line: #d0d5db; --link: #0b57d0; --focus: #ffbf47; }
* { box-sizing: border-box; }
body { margin: 0; font-family: system-ui, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif; color: var(--ink); background: #f7f8fa; line-height: 1.5; }
a { color: var(--link); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible, summary:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: #fff; padding: .5rem 1rem; }
.skip:focus { left: .5rem; z-index: 10; }
header.top { background: #12355b; color: #fff; padding: .6rem 1rem; display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: center; }
header.top a { color: #fff; }
header.top .brand { font-weight: 700; text-decoration: none; }
header.top nav { display: flex; gap: 1rem; align-items: center; flex-wrap: wrap; margin-left: auto; }
header.top form { margin: 0; }
header.top button { background: transparent; color: #fff; border: 1px solid #fff; border-radius: 4px; padding: .2rem .7rem; cursor: pointer; }
main { max-width: 72rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.5rem; margin: .5rem 0 1rem; }
h2 { font-size: 1.2rem; margin: 1.5rem 0 .5rem; }
.muted { color: var(--muted); }
nav.pager { display: flex; gap: 1.5rem; margin: .75rem 0; }
nav.pager a { padding: .4rem 0; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 1rem; margin-bottom: 1rem; }
.plans { list-style: none; padding: 0; margin: 0; display: grid; gap: 1rem; grid-template-columns: repeat(auto-fill, minmax(20rem, 1fr)); }
.bar { height: .9rem; background: var(--grey-bg); border-radius: 4px; overflow: hidden; display: flex; margin: .4rem 0; }
.bar span { display: block; height: 100%; }
.bar .done { background: var(--green); } .bar .late { background: #5f8f3e; }
.counts { display: flex; flex-wrap: wrap; gap: .4rem; list-style: none; padding: 0; margin: .5rem 0 0; }
.badge { display: inline-block; border-radius: 4px; padding: .05rem .5rem; font-size: .9rem; border: 1px solid transparent; }
.s-overdue, .c-open_overdue, .c-done_late { background: var(--red-bg); color: var(--red); border-color: #f1b6b0; }
.s-due_soon { background: var(--orange-bg); color: var(--orange); border-color: #f3cf8f; }
.s-on_track, .c-open_on_time, .c-done_on_time { background: var(--green-bg); color: var(--green); border-color: #a9d8b2; }
.s-no_deadline, .s-waiting, .c-no_deadline { background: var(--grey-bg); color: var(--grey); border-color: #c5cad0; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { border-bottom: 1px solid var(--line); padding: .4rem .5rem; text-align: left; vertical-align: top; }
th { background: #eef1f5; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.risk-overdue td:first-child { border-left: 4px solid var(--red); }
tr.risk-due_soon td:first-child { border-left: 4px solid #c77700; }
form.filters { display: flex; flex-wrap: wrap; gap: .75rem 1rem; align-items: flex-end; }
label { display: block; font-weight: 600; font-size: .95rem; }
.check label { display: inline; font-weight: 400; }
input, select, textarea { font: inherit; padding: .35rem .5rem; border: 1px solid #7a828c; border-radius: 4px; max-width: 100%; }
textarea { width: 100%; min-height: 4rem; }
button, .button { font: inherit; background: #0b57d0; color: #fff; border: 0; border-radius: 4px; padding: .45rem 1rem; cursor: pointer; text-decoration: none; display: inline-block; }
button.secondary { background: #fff; color: #0b57d0; border: 1px solid #0b57d0; }
.actions { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fill, minmax(18rem, 1fr)); }
.actions form { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .75rem; display: grid; gap: .5rem; }
.flash { padding: .6rem 1rem; border-radius: 4px; margin-bottom: 1rem; }
.flash.ok { background: var(--green-bg); color: var(--green); } .flash.error { background: var(--red-bg); color: var(--red); }
dl.facts { display: grid; grid-template-columns: minmax(9rem, max-content) 1fr; gap: .3rem 1rem; margin: 0; }
dl.facts dt { font-weight: 600; } dl.facts dd { margin: 0; }
ol.ladder { list-style: none; padding: 0; margin: 0; border-left: 3px solid var(--line); }
ol.ladder li { padding: .3rem 0 .3rem 1rem; position: relative; }
ol.ladder li::before { content: ""; position: absolute; left: -.55rem; top: .65rem; width: .8rem; height: .8rem; border-radius: 50%; background: #fff; border: 2px solid var(--muted); }
ol.ladder li.fired::before { background: var(--red); border-color: var(--red); }
ol.ladder li.next::before { border-color: #c77700; }
ol.ladder li.skipped { color: var(--muted); }
@media (max-width: 40rem) {
  main { padding: .6rem; } h1 { font-size: 1.25rem; }
  table.stack thead { position: absolute; left: -9999px; }
  table.stack tr { display: block; border-bottom: 2px solid var(--line); padding: .3rem 0; }
  table.stack td { display: flex; justify-content: space-between; gap: 1rem; border: 0; padding: .15rem .5rem; text-align: right; }
  table.stack td::before { content: attr(data-label); font-weight: 600; text-align: left; }
  tr.risk-overdue td:first-child, tr.risk-due_soon td:first-child { border-left: 0; }
}
`;

/** Progressive enhancement only: every page works without it. A form sent once is not sent twice by a double click. */
export const APP_JS = `
document.addEventListener('submit', function (event) {
  var form = event.target;
  if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== 'post') return;
  if (form.dataset.sent) { event.preventDefault(); return; }
  form.dataset.sent = '1';
  form.querySelectorAll('button').forEach(function (button) { button.setAttribute('aria-disabled', 'true'); });
});
`;
