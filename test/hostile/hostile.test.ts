import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, createWriteStream, existsSync, lstatSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createGzip, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { HAND_MADE } from '../support/context.js';
import { tempDir } from '../support/fixtures.js';

/**
 * Hostile input and output safety (SPEC 3.1, issue 13): one case per item of
 * the adversarial run. Inputs are generated on the fly; every run is bounded
 * in time (and, where it matters, in memory through GNU time); the safe
 * outcome is checked, not just the exit code: files that must not change are
 * byte-identical, modes are kept, no raw ESC reaches an output, nothing hangs.
 */
const BIN = resolve('bin/msgwork');
const ESC = '\u001b';

function run(args: string[], { cwd = process.cwd(), input = '', timeout = 20_000 }: { cwd?: string; input?: string | Buffer; timeout?: number } = {}) {
  const out = spawnSync(process.execPath, [BIN, ...args], { cwd, input, encoding: 'utf8', timeout, env: { ...process.env, NO_COLOR: '1', TZ: 'UTC' }, maxBuffer: 1 << 26 });
  return out;
}

/** No stack trace, no "internal error", never exit 70 or a signal. */
function clean(out: ReturnType<typeof run>): void {
  expect(out.signal, 'killed by a signal (a hang or an abort)').toBeNull();
  expect(out.status, out.stderr).not.toBe(70);
  expect(out.stderr).not.toMatch(/internal error|\n\s+at .+\(.+:\d+:\d+\)/);
}

/** Peak resident memory of a run in MB, through GNU time (null where it is absent). */
function peakMB(args: string[], cwd: string): { status: number | null; stderr: string; mb: number | null } {
  if (!existsSync('/usr/bin/time')) return { ...run(args, { cwd }), mb: null };
  const out = spawnSync('/usr/bin/time', ['-f', 'PEAK %M', process.execPath, BIN, ...args], { cwd, encoding: 'utf8', timeout: 60_000, env: { ...process.env, TZ: 'UTC' } });
  const kb = /PEAK (\d+)/.exec(out.stderr)?.[1];
  return { status: out.status, stderr: out.stderr, mb: kb ? Number(kb) / 1024 : null };
}

describe('1. -o is atomic and safe', () => {
  const dir = tempDir('msgwork-hostile-');
  writeFileSync(join(dir, 'messages.csv'), HAND_MADE);

  it('keeps the mode of an existing report (0600 stays 0600) and leaves no temporary file', () => {
    writeFileSync(join(dir, 'private.csv'), 'old\n');
    chmodSync(join(dir, 'private.csv'), 0o600);
    const out = run(['report', '--format', 'csv', '-o', 'private.csv', 'messages.csv'], { cwd: dir });
    clean(out);
    expect(out.status).toBe(0);
    expect(statSync(join(dir, 'private.csv')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'private.csv'), 'utf8')).toMatch(/^# section: volume/);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses an output that is one of the inputs, and leaves the export as it was', () => {
    const before = readFileSync(join(dir, 'messages.csv'));
    const out = run(['report', '-o', 'messages.csv', 'messages.csv'], { cwd: dir });
    clean(out);
    expect(out.status).toBe(1);
    expect(out.stderr).toMatch(/-o messages\.csv: that is the input messages\.csv; refusing to overwrite an input/);
    expect(readFileSync(join(dir, 'messages.csv'))).toEqual(before);
  });

  it('writes through a link to the file it names, and keeps the link', () => {
    writeFileSync(join(dir, 'real.csv'), 'old\n');
    symlinkSync(join(dir, 'real.csv'), join(dir, 'link.csv'));
    const out = run(['volume', '--format', 'csv', '-o', 'link.csv', 'messages.csv'], { cwd: dir });
    clean(out);
    expect(lstatSync(join(dir, 'link.csv')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'real.csv'), 'utf8')).toMatch(/^clinicians,messages_sent/);
  });

  it('writes to a device or a FIFO directly, never replacing the node', async () => {
    const devNull = run(['volume', '--format', 'csv', '-o', '/dev/null', 'messages.csv'], { cwd: dir });
    clean(devNull);
    expect(devNull.status).toBe(0);
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
    const fifo = join(dir, 'out.fifo');
    spawnSync('mkfifo', [fifo]);
    const reader = spawn('cat', [fifo]);
    let received = '';
    reader.stdout.on('data', (c) => (received += c));
    const out = run(['volume', '--format', 'csv', '-o', fifo, 'messages.csv'], { cwd: dir });
    await new Promise((r) => reader.on('close', r));
    clean(out);
    expect(received).toMatch(/^clinicians,messages_sent/);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  it('an interrupted write removes its temporary file (generate, SIGTERM)', async () => {
    const child = spawn(process.execPath, [BIN, 'generate', '--threads', '3000000', '-o', 'big.csv'], { cwd: dir });
    const deadline = Date.now() + 15_000;
    while (!readdirSync(dir).some((f) => f.startsWith('.big.csv.') && f.endsWith('.tmp')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGTERM');
    const code = await new Promise((r) => child.on('close', (c, s) => r(c ?? s)));
    expect(code).toBe(143);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp') || f === 'big.csv')).toEqual([]);
  });
});

describe('2. a closed pipe keeps the exit code', () => {
  it('check | head -1 exits 3 when a rule fails (the output is larger than the pipe buffer, so the write hits EPIPE)', () => {
    const script = `"${process.execPath}" "${BIN}" check --timezone UTC --by clinician,week --rule 'volume.messages_sent > 100' --rule 'latency.answered > 100' --rule 'rounds.threads > 100' samples/messages.csv 2>/dev/null | head -1; exit \${PIPESTATUS[0]}`;
    const out = spawnSync('bash', ['-c', script], { encoding: 'utf8', timeout: 20_000 });
    expect(out.stdout.trim().split('\n')).toHaveLength(1);
    expect(out.status).toBe(3);
    // The same run writes more than 64 KiB: what makes the closed pipe an EPIPE rather than a write that fit.
    const full = spawnSync('bash', ['-c', script.replace('| head -1; exit ${PIPESTATUS[0]}', '| wc -c')], { encoding: 'utf8', timeout: 20_000 });
    expect(Number(full.stdout.trim())).toBeGreaterThan(65_536);
  });
});

describe('3. a named pipe as input is read as cat would', () => {
  it('waits for the writer, then reads the messages', async () => {
    const dir = tempDir('msgwork-hostile-');
    const fifo = join(dir, 'in.fifo');
    spawnSync('mkfifo', [fifo]);
    const child = spawn(process.execPath, [BIN, 'validate', '--timezone', 'UTC', '--format', 'json', fifo]);
    let stdout = '';
    child.stdout.on('data', (c) => (stdout += c));
    setTimeout(() => {
      const w = createWriteStream(fifo);
      w.end(HAND_MADE);
    }, 300);
    const code = await new Promise((r) => child.on('close', r));
    expect(code).toBe(0);
    expect(JSON.parse(stdout).settings.rows_used).toBe(18);
  }, 20_000);
});

describe('4. blank lines and gzip bombs: memory bounded by what is seen', () => {
  it('a small gzip of 200 million newlines: no usable rows, exit 2, little memory', async () => {
    const dir = tempDir('msgwork-hostile-');
    const file = join(dir, 'bomb.csv.gz');
    await new Promise<void>((done) => {
      const gz = createGzip({ level: 9 });
      gz.pipe(createWriteStream(file)).on('finish', () => done());
      gz.write('message_id,thread_id,sent_at,sender_type,sender_id,patient_id\n');
      const block = Buffer.alloc(1 << 20, 10);
      let left = 200;
      const pump = () => {
        while (left > 0) {
          left--;
          if (!gz.write(block)) return gz.once('drain', pump);
        }
        gz.end();
      };
      pump();
    });
    expect(statSync(file).size).toBeLessThan(1_000_000);
    const out = peakMB(['validate', file], dir);
    expect(out.status, out.stderr).toBe(2);
    expect(out.stderr).toMatch(/header but no rows/);
    if (out.mb !== null) expect(out.mb).toBeLessThan(400);
  }, 60_000);

  it('100 MB of blank lines: the same, without reserving rows for them', () => {
    const dir = tempDir('msgwork-hostile-');
    const file = join(dir, 'blank.csv');
    writeFileSync(file, Buffer.concat([Buffer.from('message_id,thread_id,sent_at,sender_type,sender_id,patient_id\n'), Buffer.alloc(100 << 20, 10)]));
    const out = peakMB(['validate', file], dir);
    expect(out.status, out.stderr).toBe(2);
    if (out.mb !== null) expect(out.mb).toBeLessThan(400);
  }, 60_000);
});

describe('5–6. labels: cut at 200 characters, control characters escaped, HTML inert in markdown', () => {
  const dir = tempDir('msgwork-hostile-');
  const evil = `Cardio${ESC}]0;pwned\u0007${ESC}[31mRED\u202eevil`;
  const long = 'x'.repeat(1_000_000); // a 1 MB label (the reader's field bound is 1 MiB)
  const rows = HAND_MADE.trim().split('\n');
  const csv = [rows[0], ...rows.slice(1).map((r, i) => r.replace(/,Clinic$/, `,"${i % 3 === 0 ? evil : i % 3 === 1 ? long : '<img src=x onerror=alert(1)>'}"`))].join('\n') + '\n';
  writeFileSync(join(dir, 'messages.csv'), csv);
  // validate lists raw role and category values: the same labels as categories there.
  writeFileSync(join(dir, 'categories.csv'), [rows[0], ...rows.slice(1).map((r, i) => r.replace(/^((?:[^,]*,){8})[^,]*/, `$1"${i % 2 === 0 ? evil : long}"`))].join('\n') + '\n');
  for (const args of [
    ['report', '--format', 'table', '--by', 'department'],
    ['report', '--format', 'csv', '--by', 'department'],
    ['report', '--format', 'json', '--by', 'department'],
    ['report', '--format', 'markdown', '--by', 'department'],
    ['report', '--format', 'html', '--by', 'department'],
    ['validate', '--format', 'table'],
    ['check', '--by', 'department', '--rule', 'volume.messages_sent >= 0'],
  ]) {
    it(args.slice(0, 3).join(' '), () => {
      const out = run([...args, '--timezone', 'UTC', args[0] === 'validate' ? 'categories.csv' : 'messages.csv'], { cwd: dir });
      clean(out);
      expect(out.status, out.stderr).toBe(0);
      for (const stream of [out.stdout, out.stderr]) {
        expect(stream.includes(ESC)).toBe(false);
        expect(stream.includes('\u0007')).toBe(false);
        expect(stream.includes('\u202e')).toBe(false);
        expect(stream).not.toContain('x'.repeat(201));
      }
      if (args[3] === 'markdown') {
        expect(out.stdout).not.toContain('<img');
        expect(out.stdout).toContain('&lt;img src=x onerror=alert(1)>');
      }
      if (args[3] === 'csv') expect(out.stdout).toContain(`${'x'.repeat(200)}…`);
    });
  }
});

describe('7. names that are not plain keys', () => {
  const dir = tempDir('msgwork-hostile-');
  writeFileSync(join(dir, 'messages.csv'), HAND_MADE.replace(',MD,', ',toString,'));
  for (const preset of ['constructor', '__proto__', 'toString']) {
    it(`--preset ${preset}`, () => {
      const out = run(['validate', '--preset', preset, 'messages.csv'], { cwd: dir });
      clean(out);
      expect(out.status).toBe(1);
      expect(out.stderr).toMatch(/--preset: unknown preset/);
    });
  }
  it('--delimiter é, --encoding constructor, -o x.constructor', () => {
    for (const args of [['--delimiter', 'é'], ['--encoding', 'constructor']]) {
      const out = run(['validate', ...args, 'messages.csv'], { cwd: dir });
      clean(out);
      expect(out.status).toBe(1);
    }
    const out = run(['volume', '-o', 'x.constructor', 'messages.csv'], { cwd: dir });
    clean(out);
    expect(readFileSync(join(dir, 'x.constructor'), 'utf8')).toMatch(/^clinicians,/);
  });
  it('a role named toString is not "recognised"', () => {
    const out = run(['validate', '--timezone', 'UTC', '--format', 'json', 'messages.csv'], { cwd: dir });
    const roles = JSON.parse(out.stdout).sections.roles.rows;
    expect(roles.find((r: { role: string }) => r.role === 'toString')).toMatchObject({ recognised: 'no' });
  });
});

describe('8. side files with no end, bombs and floods', () => {
  const dir = tempDir('msgwork-hostile-');
  writeFileSync(join(dir, 'messages.csv'), HAND_MADE);
  it('--config, --holidays and --roster /dev/zero stop at 64 MiB', () => {
    for (const [args, code] of [[['--config', '/dev/zero'], 1], [['--holidays', '/dev/zero'], 2], [['--roster', '/dev/zero'], 2]] as const) {
      const out = peakMB(['validate', '--timezone', 'UTC', ...args, 'messages.csv'], dir);
      expect(out.status, out.stderr).toBe(code);
      expect(out.stderr).toMatch(/larger than 64 MiB/);
      if (out.mb !== null) expect(out.mb).toBeLessThan(500);
    }
  }, 60_000);
  it('a roster gzip bomb', () => {
    writeFileSync(join(dir, 'bomb.csv.gz'), gzipSync(Buffer.concat([Buffer.from('clinician_id,role\n'), Buffer.alloc(200 << 20, 0x41)])));
    const out = peakMB(['validate', '--timezone', 'UTC', '--roster', 'bomb.csv.gz', 'messages.csv'], dir);
    expect(out.status).toBe(2);
    expect(out.stderr).toMatch(/cannot read roster bomb\.csv\.gz: inflates to more than 64 MiB/);
    if (out.mb !== null) expect(out.mb).toBeLessThan(500);
  }, 60_000);
  it('a config with two million unknown keys gives a short error', () => {
    const keys = Array.from({ length: 2_000_000 }, (_, i) => `"k${i}":1`).join(',');
    writeFileSync(join(dir, 'flood.json'), `{${keys}}`);
    const out = run(['validate', '--config', 'flood.json', 'messages.csv'], { cwd: dir, timeout: 60_000 });
    clean(out);
    expect(out.status).toBe(1);
    expect(out.stderr.length).toBeLessThan(2000);
    expect(out.stderr).toMatch(/and 1999990 more unknown keys/);
  }, 60_000);
});

describe('9–10. sentinel dates and absurd numbers', () => {
  const dir = tempDir('msgwork-hostile-');
  it('years 0001, 0099 and 9999 are skipped as implausible, quickly', () => {
    writeFileSync(join(dir, 'dates.csv'), `${HAND_MADE}z1,t9,0001-01-01 00:00,patient,,,p9,,,\nz2,t9,0099-06-01 10:00,patient,,,p9,,,\nz3,t9,9999-12-31 00:00:00,patient,,,p9,,,\n`);
    const out = peakMB(['validate', '--timezone', 'UTC', '--format', 'json', 'dates.csv'], dir);
    expect(out.status, out.stderr).toBe(0);
    if (out.mb !== null) expect(out.mb).toBeLessThan(300);
  });
  it('--minutes-per-message 1e308, --session-gap 1e9, --min-cell 1e12, --within 99999d are refused', () => {
    writeFileSync(join(dir, 'messages.csv'), HAND_MADE);
    for (const args of [['--minutes-per-message', '1e308'], ['--session-gap', '1e9'], ['--min-cell', '1e12'], ['--within', '99999d']]) {
      const out = run(['report', ...args, 'messages.csv'], { cwd: dir });
      clean(out);
      expect(out.status, args.join(' ')).toBe(1);
    }
  });
});

describe('11. out of memory is exit 2 with advice, never an abort', () => {
  it('an address-space limit too small for the export', () => {
    const dir = tempDir('msgwork-hostile-');
    spawnSync(process.execPath, [BIN, 'generate', '--threads', '200000', '-o', 'big.csv'], { cwd: dir });
    // Room for Node to start and load msgwork (V8 reserves address space as it goes), not for the export:
    // reading it needs the columns (~160 bytes a row) and 512 MB of heap room on top.
    const base = Number(/VmSize:\s+(\d+)/.exec(spawnSync(process.execPath, ['-e', "process.stdout.write(require('fs').readFileSync('/proc/self/status','utf8'))"], { encoding: 'utf8' }).stdout)?.[1] ?? 0);
    const limit = base + 600 * 1024;
    const out = spawnSync('bash', ['-c', `ulimit -v ${limit}; exec "${process.execPath}" "${BIN}" report --format json big.csv`], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    expect(out.signal).toBeNull();
    expect(out.status, out.stderr).toBe(2);
    expect(out.stderr).toMatch(/ran out of memory reading big\.csv \(0\.\d GB on disk\)/);
    expect(out.stderr).not.toMatch(/FATAL|internal error/);
  }, 60_000);
});

describe('12–13. duplicate headers and look-alike formula starts', () => {
  const dir = tempDir('msgwork-hostile-');
  it('a header that names a column twice is read (first wins) with a warning naming it', () => {
    writeFileSync(join(dir, 'dup.csv'), HAND_MADE.replace('department\n', 'department,Department\n').replace(/\n(m\d+,[^\n]*)/g, '\n$1,Other'));
    const out = run(['validate', '--timezone', 'UTC', '--format', 'json', 'dup.csv'], { cwd: dir });
    expect(out.status, out.stderr).toBe(0);
    expect(out.stderr).toMatch(/dup\.csv: the header names "Department" more than once; the first such column is read/);
  });
  it('full-width ＝ ＋ － ＠ are neutralised in CSV like their ASCII forms', () => {
    writeFileSync(join(dir, 'fw.csv'), HAND_MADE.replace(/,Clinic\n/g, ',＝HYPERLINK("x")\n'));
    const out = run(['volume', '--timezone', 'UTC', '--by', 'department', '--format', 'csv', 'fw.csv'], { cwd: dir });
    expect(out.stdout).toContain(`"'＝HYPERLINK(""x"")"`);
  });
});
