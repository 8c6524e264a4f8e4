import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HAND_MADE, HAND_MADE_ROSTER } from './support/context.js';
import { tempDir, write } from './support/fixtures.js';

const BIN = resolve('bin/msgwork');

function run(args: string[], cwd: string, env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
}

describe('scheduled jobs', () => {
  const dir = tempDir();
  write(dir, 'messages.csv', HAND_MADE);
  write(dir, 'roster.csv', HAND_MADE_ROSTER);

  it('flags override the config file, which overrides the defaults', () => {
    write(dir, 'config.json', JSON.stringify({ timezone: 'America/Chicago', 'work-hours': '08:00-16:00', workDays: 'mon-thu', within: ['4h', '24h'], roster: 'roster.csv' }));
    const out = run(['latency', '--config', 'config.json', '--work-hours', '09:00-17:00', '--format', 'json', 'messages.csv'], dir);
    expect(out.status).toBe(0);
    const settings = JSON.parse(out.stdout).settings;
    expect(settings.timezone).toBe('America/Chicago'); // config
    expect(settings.work_hours).toBe('09:00-17:00'); // flag over config
    expect(settings.work_days).toBe('mon-thu'); // camelCase key
    expect(settings.within).toEqual(['4h', '24h']); // a list in JSON
    expect(settings.roster).toBe(join(dir, 'roster.csv')); // relative to the config file
    expect(settings.evening).toBe('17:00-19:00'); // default
  });

  it('refuses a bad config value naming the key', () => {
    write(dir, 'bad.json', JSON.stringify({ strict: 'yes' }));
    const out = run(['report', '--config', 'bad.json', 'messages.csv'], dir);
    expect(out.status).toBe(1);
    expect(out.stderr).toMatch(/bad\.json: strict: Invalid input: expected boolean/);
  });

  it('a failed run leaves the previous -o file byte for byte and no stray file', () => {
    const out = join(dir, 'report.csv');
    writeFileSync(out, 'previous report\n');
    write(dir, 'broken.csv', 'message_id,sent_at\n1,2024-01-01\n');
    const failed = run(['report', '--timezone', 'UTC', '-o', 'report.csv', 'broken.csv'], dir);
    expect(failed.status).toBe(2);
    expect(readFileSync(out, 'utf8')).toBe('previous report\n');
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
    const ok = run(['report', '--timezone', 'UTC', '-o', 'report.csv', 'messages.csv'], dir);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toBe('');
    expect(readFileSync(out, 'utf8')).toMatch(/^# section: volume\n/);
  });

  it('a failed -o write is a clear error and leaves nothing behind', () => {
    const out = run(['report', '--timezone', 'UTC', '-o', 'no/such/folder/report.csv', 'messages.csv'], dir);
    expect(out.status).toBe(1);
    expect(out.stderr).toMatch(/-o no\/such\/folder\/report\.csv: cannot write: no such folder/);
    expect(existsSync(join(dir, 'no'))).toBe(false);
  });

  it('--quiet keeps standard error for errors only', () => {
    write(dir, 'some-bad.csv', HAND_MADE + 'm99,t9,not a time,patient,,,p9,,,\n');
    const loud = run(['volume', '--timezone', 'UTC', '--format', 'csv', 'some-bad.csv'], dir);
    expect(loud.stderr).toMatch(/skipped 1 of 19 rows \(bad timestamp: 1\)\n.*some-bad\.csv:20: sent_at: bad timestamp \(not a time\)/);
    const quiet = run(['volume', '--timezone', 'UTC', '--format', 'csv', '--quiet', 'some-bad.csv'], dir);
    expect(quiet.status).toBe(0);
    expect(quiet.stderr).toBe('');
    expect(quiet.stdout).toBe(loud.stdout);
  });

  it('--period is relative to today in the zone', () => {
    // Today 2024-03-12 (pinned): last-week is Mon 4 - Sun 10 March; last-7-days is 5-11 March.
    const week = JSON.parse(run(['volume', '--timezone', 'UTC', '--period', 'last-week', '--format', 'json', 'messages.csv'], dir, { MSGWORK_TODAY: '2024-03-12' }).stdout);
    expect(week.settings.window).toEqual({ since: '2024-03-04', until: '2024-03-10', days: 7, source: '--period last-week' });
    expect(week.sections.volume.rows[0].messages_sent).toBe(9); // all but C's Monday 11 March reply
    const days = JSON.parse(run(['volume', '--timezone', 'UTC', '--period', 'last-7-days', '--format', 'json', 'messages.csv'], dir, { MSGWORK_TODAY: '2024-03-12' }).stdout);
    expect(days.settings.window).toMatchObject({ since: '2024-03-05', until: '2024-03-11' });
  });
});
