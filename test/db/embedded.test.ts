import t from 'tap';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../../src/db/embedded';
import { openDatabase } from '../../src/db/client';
import { freePort } from '../helpers/ports';

/** Runs a query from another Node process, as the worker or the CLI would. */
function queryFromAnotherProcess(url: string, query: string): Promise<string> {
  const script = `
    const postgres = require('postgres');
    const sql = postgres(process.env.DB_URL, { max: 1 });
    sql.unsafe(process.env.DB_QUERY).then(
      (rows) => { process.stdout.write(JSON.stringify(rows)); return sql.end(); },
      (error) => { console.error(error.message); process.exit(1); },
    );`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], {
      cwd: path.resolve(__dirname, '../..'),
      env: { ...process.env, DB_URL: url, DB_QUERY: query },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`child exited with ${code}: ${err}`))));
  });
}

t.test('starts, keeps its data across a restart and serves several clients', async (t) => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'kehoach-embedded-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  const port = await freePort();

  const first = await startEmbeddedPostgres({ dataDir, port });
  t.teardown(() => first.stop());
  t.match(first.url, new RegExp(`^postgres://postgres:[^@]+@127\\.0\\.0\\.1:${port}/kehoach$`), 'a TCP URL to the kehoach database');
  t.equal((await stat(path.join(dataDir, 'postgres.password'))).mode & 0o777, 0o600, 'the password file is private');

  const one = openDatabase(first.url);
  const two = openDatabase(first.url);
  t.teardown(() => one.close());
  t.teardown(() => two.close());
  await one.sql`create table notes (id serial primary key, body text not null)`;
  // Two pools at once, and a write from one seen by the other.
  await Promise.all([one.sql`insert into notes (body) values ('một')`, two.sql`insert into notes (body) values ('hai')`]);
  const seen = await two.sql<{ body: string }[]>`select body from notes order by body`;
  t.same(
    seen.map((row) => row.body),
    ['hai', 'một'],
  );
  const fromChild = JSON.parse(await queryFromAnotherProcess(first.url, 'select count(*)::int as n from notes')) as { n: number }[];
  t.equal(fromChild[0]?.n, 2, 'another process reads the same database over TCP');

  await one.close();
  await two.close();
  await first.stop();
  await first.stop(); // a second stop is harmless
  await t.rejects(queryFromAnotherProcess(first.url, 'select 1'), 'the server is gone after stop()');

  const second = await startEmbeddedPostgres({ dataDir, port });
  t.teardown(() => second.stop());
  t.equal(second.url, first.url, 'the same URL: the password is kept with the cluster');
  const again = openDatabase(second.url);
  t.teardown(() => again.close());
  const kept = await again.sql<{ body: string }[]>`select body from notes order by body`;
  t.same(
    kept.map((row) => row.body),
    ['hai', 'một'],
    'the data survived the restart',
  );
  await again.close();
  await second.stop();
});

t.test('a port already in use fails with a message that says so', async (t) => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'kehoach-embedded-'));
  const otherDir = await mkdtemp(path.join(tmpdir(), 'kehoach-embedded-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  t.teardown(() => rm(otherDir, { recursive: true, force: true }));
  const port = await freePort();
  const running = await startEmbeddedPostgres({ dataDir, port, ephemeral: true });
  t.teardown(() => running.stop());
  await t.rejects(startEmbeddedPostgres({ dataDir: otherDir, port, ephemeral: true }), /did not start.*port/s);
});

t.test('a process that exits without stop() leaves no server behind', async (t) => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'kehoach-embedded-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  const port = await freePort();
  const script = path.join(dataDir, 'start-and-exit.ts');
  await writeFile(
    script,
    `import { startEmbeddedPostgres } from ${JSON.stringify(path.resolve(__dirname, '../../src/db/embedded'))};
    startEmbeddedPostgres({ dataDir: ${JSON.stringify(path.join(dataDir, 'data'))}, port: ${port}, ephemeral: true }).then(
      (server) => { console.log(server.url); process.exit(0); },
      (error) => { console.error(error); process.exit(1); },
    );`,
  );
  const url = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: path.resolve(__dirname, '../..') });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('close', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(err))));
  });
  t.match(url, /^postgres:\/\//, 'the child started a server');
  // Postgres needs a moment for its fast shutdown; then the port must be closed.
  let refused = false;
  const giveUpAt = Date.now() + 30_000;
  while (!refused && Date.now() < giveUpAt) {
    refused = await queryFromAnotherProcess(url, 'select 1').then(
      () => false,
      () => true,
    );
    if (!refused) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  t.ok(refused, 'the server went away with the process that started it');
});

t.test('in a process group of its own, Ctrl-C reaches only its parent, which stops it last', async (t) => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'kehoach-embedded-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  const port = await freePort();
  const script = path.join(dataDir, 'start-and-wait.ts');
  // The parent notes the Ctrl-C, keeps running its work against the database, then stops it on "stop".
  await writeFile(
    script,
    `import { startEmbeddedPostgres } from ${JSON.stringify(path.resolve(__dirname, '../../src/db/embedded'))};
    process.on('SIGINT', () => console.log('SIGINT'));
    startEmbeddedPostgres({ dataDir: ${JSON.stringify(path.join(dataDir, 'data'))}, port: ${port}, ephemeral: true, ownProcessGroup: true }).then(
      (server) => {
        console.log(server.url);
        process.stdin.on('data', () => server.stop().then(() => { console.log('stopped'); process.exit(0); }));
      },
      (error) => { console.error(error); process.exit(1); },
    );`,
  );
  // A terminal's Ctrl-C signals the whole foreground process group: the parent gets one of its own.
  const parent = spawn(process.execPath, ['--import', 'tsx', script], { cwd: path.resolve(__dirname, '../..'), detached: true });
  t.teardown(() => {
    if (parent.exitCode === null) parent.kill('SIGKILL');
  });
  let out = '';
  parent.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  parent.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => parent.once('exit', (code) => resolve(code)));
  while (!/postgres:\/\//.test(out) && parent.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 100));
  const url = /postgres:\/\/\S+/.exec(out)?.[0];
  t.ok(url, out);

  process.kill(-parent.pid!, 'SIGINT');
  while (!out.includes('SIGINT')) await new Promise((resolve) => setTimeout(resolve, 50));
  // Long enough for a fast shutdown, had Postgres been signalled too.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  t.equal(await queryFromAnotherProcess(url!, 'select 1 as one'), '[{"one":1}]', 'Postgres still serves after the Ctrl-C');

  parent.stdin.write('stop\n');
  t.equal(await exited, 0, out);
  t.match(out, /stopped/);
  await t.rejects(queryFromAnotherProcess(url!, 'select 1'), 'and is gone once its parent stopped it');
});
