/**
 * The README's five-minute tour, pasted line by line: every line of its `sh` blocks runs in one
 * bash, in order, against `kehoach up` started on free ports with a temporary data directory (the
 * only changes to the text: localhost:3000 becomes that port and `.data/` that directory), and what
 * each line prints is checked. A README edit that breaks the tour breaks this test.
 */
import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../helpers/ports';

const root = path.resolve(__dirname, '..', '..');

/** The commands of the tour section, one per logical line, comments dropped. */
function tourCommands(readme: string): string[] {
  const start = readme.indexOf('## A five-minute tour');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end);
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((block) =>
    block[1]!
      .replace(/\\\n\s*/g, ' ')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#')),
  );
}

function dayInHoChiMinh(at: number): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric' }).format(at);
}

t.test('the README tour works when pasted line by line', { timeout: 900_000 }, async (t) => {
  const commands = tourCommands(readFileSync(path.join(root, 'README.md'), 'utf8'));
  t.ok(commands.length >= 12, `the tour has its commands (${commands.length})`);

  const dataDir = mkdtempSync(path.join(tmpdir(), 'kehoach-tour-'));
  // Embedded Postgres runs as its own user, which must be able to enter the directory.
  chmodSync(dataDir, 0o755);
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const port = await freePort();
  let temporalPort = await freePort();
  while (temporalPort + 1000 > 65535) temporalPort = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    KEHOACH_DATA_DIR: dataDir,
    KEHOACH_TEMPORAL_PORT: String(temporalPort),
    KEHOACH_POSTGRES_PORT: String(await freePort()),
  };
  for (const name of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'KEHOACH_URL', 'KEHOACH_TOKEN']) delete env[name];

  // `npm start` in the first terminal.
  const up = spawn(process.execPath, [path.join(root, 'bin', 'kehoach.js'), 'up'], {
    cwd: root,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let upOutput = '';
  up.stdout.on('data', (chunk) => (upOutput += chunk));
  up.stderr.on('data', (chunk) => (upOutput += chunk));
  const upExited = new Promise<number | null>((resolve) => up.once('exit', resolve));
  t.teardown(async () => {
    if (up.exitCode !== null) return;
    process.kill(-up.pid!, 'SIGTERM');
    await Promise.race([upExited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
    if (up.exitCode === null) process.kill(-up.pid!, 'SIGKILL');
  });
  const deadline = Date.now() + 600_000;
  while (!/kehoach đang chạy/.test(upOutput) && up.exitCode === null && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  if (!/kehoach đang chạy/.test(upOutput)) {
    t.fail(`kehoach up did not start:\n${upOutput.slice(-4000)}`);
    return;
  }

  // The second terminal: every line, in order, in one shell; a marker before each separates their output.
  const adapted = commands.map((command) => command.replaceAll('localhost:3000', `127.0.0.1:${port}`).replaceAll('.data/', `${dataDir}/`));
  const script = ['set -eo pipefail', 'exec 2>&1', ...adapted.flatMap((command, index) => [`printf '\\n@@@ ${index}\\n'`, command])].join('\n');
  const appliedBefore = Date.now();
  const shell = spawnSync('bash', ['-c', script], { cwd: root, env, encoding: 'utf8', timeout: 600_000 });
  const outputs: string[] = [];
  const pieces = shell.stdout.split(/\n@@@ (\d+)\n/);
  for (let index = 1; index + 1 < pieces.length; index += 2) outputs[Number(pieces[index])] = pieces[index + 1]!;
  t.equal(shell.status, 0, `every line succeeds${shell.status === 0 ? '' : `; the last printed:\n${shell.stdout.slice(-3000)}`}`);

  /** What the API answers once `pick` finds what it waits for (or the last answer after 60 s). */
  const adminToken = readFileSync(path.join(dataDir, 'admin.token'), 'utf8').trim();
  const settled = async (url: string, pick: (body: any) => unknown) => {
    let picked: unknown;
    for (let attempt = 0; attempt < 120; attempt++) {
      const response = await fetch(`http://127.0.0.1:${port}${url}`, { headers: { authorization: `Bearer ${adminToken}` } });
      picked = pick(await response.json());
      if (picked !== undefined && !(Array.isArray(picked) && picked.length > 0)) return picked;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    return picked;
  };

  /** What the line ending with (or else containing) this text printed. */
  const outputOf = (fragment: string) => {
    const ending = commands.findIndex((command) => command.endsWith(fragment));
    const index = ending !== -1 ? ending : commands.findIndex((command) => command.includes(fragment));
    t.not(index, -1, `the tour has a line with ${fragment}`);
    return outputs[index] ?? '';
  };
  const json = (fragment: string) => {
    try {
      return JSON.parse(outputOf(fragment).trim());
    } catch {
      t.fail(`the line with ${fragment} prints JSON: ${outputOf(fragment).slice(0, 500)}`);
      return {};
    }
  };

  t.match(outputOf('localhost:3000/api/plans'), /nghe-an-771/, 'the plans list has nghe-an-771');
  t.match(json('/api/plans/nghe-an-771'), {}, 'the plan prints as JSON');
  t.match(outputOf('--agency so-tu-phap --role'), /Đã tạo .*staff, so-tu-phap/, 'a staff token for the Sở Tư pháp');
  t.match(json('tasks/t14/complete'), { taskId: 't14', progress: /done|awaiting_confirmation/ }, 't14 is completed');
  t.equal(json('tasks/t15').task?.taskId, 't15', 't15 prints as JSON');
  // t15 is released by a message to its own workflow: pasting the line a moment later shows it done.
  t.same(await settled('/api/plans/nghe-an-771/tasks/t15', (body) => body.task?.waitingFor), [], 't15 no longer waits for t14');
  t.match(
    outputOf('report nghe-an-771'),
    /Kế hoạch nghe-an-771: tình hình đến hết ngày \d{2}\/\d{2}\/\d{4}[\s\S]*Sở Tư pháp/,
    'the report by agency',
  );
  const csv = path.join(dataDir, 'bao-cao.csv');
  t.ok(existsSync(csv), 'the CSV report is written to the data directory');
  if (existsSync(csv)) t.match(readFileSync(csv, 'utf8'), /Sở Tư pháp/, 'and holds the agencies');

  t.match(outputOf('apply examples/drill.yaml'), /dien-tap: đã áp dụng phiên bản 1/, 'the drill is applied');
  const timeline = outputOf('timeline examples/drill.yaml');
  const t01Day = dayInHoChiMinh(appliedBefore + 3 * 60_000);
  t.match(
    timeline,
    new RegExp(`t01: [^\\n]*\\n[^\\n]*\\n  Thời hạn: [^\\n]*${t01Day.replaceAll('/', '\\/')}`),
    `t01's deadline is three minutes after the apply (${t01Day})`,
  );
  t.notMatch(timeline, /tính tạm từ đầu ngày ban hành/, 'counted from the instant given, not the issue date');
  t.match(outputOf('--agency so-tu-phap-dien-tap'), /Đã tạo .*staff, so-tu-phap-dien-tap/, 'a staff token for the drill');
  t.match(json('dien-tap/tasks/t01/complete'), { taskId: 't01', progress: 'done' }, 't01 is done');
  t.ok(
    (json('dien-tap/tasks').items ?? []).some((task: { taskId: string }) => task.taskId === 't04'),
    'the drill tasks are listed',
  );
  const t04 = (await settled('/api/plans/dien-tap/tasks/t04', (body) => (body.task?.deadlineAt ? body.task : undefined))) as
    { deadlineAt?: string; waitingFor?: string[] } | undefined;
  t.ok(t04?.deadlineAt, 't04 has its deadline once t01 is done');
  t.same(t04?.waitingFor, [], 't04 no longer waits');
  const t02 = json('dien-tap/tasks/t02');
  t.equal(t02.task?.taskId, 't02', 'a task and its events');
  t.ok(
    Array.isArray(t02.events) && t02.events.length > 0,
    `t02 lists its events (${(t02.events ?? []).map((event: { type: string }) => event.type).join(', ')})`,
  );
});
