import t from 'tap';
import { parseCommandArgs } from '../../src/cli/args';

const USAGE = 'Usage: kehoach probe [--task id]… [--json] <file>';

function capture(run: () => unknown): { stdout: string; stderr: string; result: unknown } {
  let stdout = '';
  let stderr = '';
  const write = { out: process.stdout.write, err: process.stderr.write };
  process.stdout.write = ((chunk: string) => ((stdout += chunk), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string) => ((stderr += chunk), true)) as typeof process.stderr.write;
  try {
    return { result: run(), stdout, stderr };
  } finally {
    process.stdout.write = write.out;
    process.stderr.write = write.err;
  }
}

const options = { json: { type: 'boolean' }, task: { type: 'string', multiple: true } } as const;

t.test('values, repeated options, --name=value and positionals', async (t) => {
  const { result } = capture(() => parseCommandArgs('probe', ['a.yaml', '--task', 't01', '--task=t02', '--json', '-'], options, USAGE));
  t.same(result, { ok: true, values: { task: ['t01', 't02'], json: true }, positionals: ['a.yaml', '-'] });
});

t.test('--help and -h print the usage on stdout and exit 0', async (t) => {
  for (const flag of ['--help', '-h']) {
    const { result, stdout } = capture(() => parseCommandArgs('probe', [flag], options, USAGE));
    t.same(result, { ok: false, exitCode: 0 });
    t.equal(stdout, `${USAGE}\n`);
  }
});

t.test('usage errors name the problem in one line, then the usage, and exit 2', async (t) => {
  const cases: [string[], string][] = [
    [['--strict'], 'không có tuỳ chọn "--strict"'],
    [['--task'], '--task cần một giá trị'],
    [['--task', '--json'], '--task cần một giá trị'],
    [['--json=yes'], '--json không nhận giá trị'],
  ];
  for (const [args, message] of cases) {
    const { result, stderr } = capture(() => parseCommandArgs('probe', args, options, USAGE));
    t.same(result, { ok: false, exitCode: 2 }, args.join(' '));
    t.equal(stderr, `kehoach probe: ${message}\n\n${USAGE}\n`, args.join(' '));
  }
  const { stderr } = capture(() => parseCommandArgs('probe', ['extra'], {}, USAGE, false));
  t.match(stderr, /^kehoach probe: thừa tham số extra\n/);
});

t.test('with KEHOACH_LANG=en the same errors are in English', async (t) => {
  const saved = process.env.KEHOACH_LANG;
  t.teardown(() => {
    if (saved === undefined) delete process.env.KEHOACH_LANG;
    else process.env.KEHOACH_LANG = saved;
  });
  process.env.KEHOACH_LANG = 'en';
  const cases: [string[], string][] = [
    [['--strict'], 'unknown option "--strict"'],
    [['--task'], '--task needs a value'],
    [['--json=yes'], '--json takes no value'],
  ];
  for (const [args, message] of cases) {
    const { stderr } = capture(() => parseCommandArgs('probe', args, options, USAGE));
    t.equal(stderr, `kehoach probe: ${message}\n\n${USAGE}\n`, args.join(' '));
  }
});
