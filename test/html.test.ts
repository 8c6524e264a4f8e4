import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from './support/fixtures.js';

/**
 * The HTML report (SPEC 3.3): self-contained, and rendered as a person sees it
 * in real headless Chromium (Debian's chromium package; .ci/run installs it).
 */
const BIN = resolve('bin/msgwork');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const dir = tempDir('msgwork-html-');
const page = join(dir, 'report.html');
const made = spawnSync(process.execPath, [BIN, 'report', '--config', 'samples/config.json', '--format', 'html', '-o', page, 'samples/messages.csv'], { encoding: 'utf8' });

describe('HTML report', () => {
  it('is written', () => {
    expect(made.status, made.stderr).toBe(0);
    expect(statSync(page).size).toBeGreaterThan(50_000);
  });

  it('has no network references: no http(s) src, href or url(), no external scripts or styles', () => {
    const html = readFileSync(page, 'utf8');
    expect(html).not.toMatch(/(src|href)\s*=\s*["']?\s*(https?:)?\/\//i);
    expect(html).not.toMatch(/url\(\s*["']?\s*(https?:)?\/\//i);
    expect(html).not.toMatch(/<script[^>]*\ssrc=/i);
    expect(html).not.toMatch(/<link[^>]*stylesheet/i);
    expect(html).not.toMatch(/@import/i);
    // Every in-page link points at a section that exists.
    for (const [, target] of html.matchAll(/href="#([^"]+)"/g)) expect(html).toContain(`id="${target}"`);
  });

  it('holds the settings, key figures, every section, the charts and the context people act on (SPEC 3.3)', () => {
    const html = readFileSync(page, 'utf8');
    expect(html).toContain('America/New_York');
    expect(html).toMatch(/class="figure"/);
    for (const section of ['volume', 'volume.by_role', 'after-hours.by_category', 'latency.by_role', 'rounds.by_category']) expect(html).toContain(`<section id="${section}">`);
    for (const chart of ['chart-trend', 'chart-hours', 'chart-latency', 'chart-rounds', 'chart-volume', 'chart-spread']) expect(html).toMatch(new RegExp(`<figure class="chart" id="${chart}">.*?<svg`, 's'));
    // The published yardstick, labelled as another health system's and cited in text (no link).
    expect(html).toMatch(/another health system's<\/strong> figures, published by Huang et al\. \(JMIR 2022, doi 10\.2196\/17273\)/);
    for (const figure of ['72.2 %', '90.6 %', '95.1 %', '7.0 %']) expect(html).toContain(figure);
    expect(html).not.toMatch(/href="https?:/);
    // The honest note on the after-hours estimate, the definitions, the top ten, time and version.
    expect(html).toMatch(/estimated from when messages were <em>sent<\/em>/);
    expect(html).toContain('id="definitions"');
    expect((html.match(/<div class="card" id="load">[\s\S]*?<\/table>/)![0].match(/<tr>/g) ?? []).length).toBe(11);
    expect(html).toMatch(/Made by msgwork \d+\.\d+\.\d+ on \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
  });

  it('with --pseudonymize shows no raw clinician id, and with --min-cell 11 no small count in any label', () => {
    const pseudo = join(dir, 'pseudo.html');
    const out = spawnSync(process.execPath, [BIN, 'report', '--config', 'samples/config.json', '--pseudonymize', 'a-secret-key', '--format', 'html', '-o', pseudo, 'samples/messages.csv'], { encoding: 'utf8' });
    expect(out.status, out.stderr).toBe(0);
    const html = readFileSync(pseudo, 'utf8');
    expect(html).not.toMatch(/\bC\d{4}\b/);
    expect(html).toMatch(/\bc-[0-9a-f]{12}\b/);
    const small = join(dir, 'small.html');
    const guarded = spawnSync(process.execPath, [BIN, 'report', '--config', 'samples/config.json', '--min-cell', '11', '--format', 'html', '-o', small, 'samples/messages.csv'], { encoding: 'utf8' });
    expect(guarded.status, guarded.stderr).toBe(0);
    const labels = [...readFileSync(small, 'utf8').matchAll(/aria-label="([^"]*)"/g)].map((m) => m[1]!);
    const counts = labels.flatMap((l) => [...l.matchAll(/\bmessages: (\d+)/g)].map((m) => Number(m[1])));
    expect(counts.length).toBeGreaterThan(100);
    expect(counts.filter((c) => c >= 1 && c < 11)).toEqual([]);
  });

  const haveChromium = existsSync(CHROMIUM);
  if (!haveChromium) {
    console.warn(`\n*** Chromium not found at ${CHROMIUM}: the HTML rendering test is SKIPPED (apt-get install chromium) ***\n`);
  }
  it.skipIf(!haveChromium)('renders its charts in headless Chromium (screenshot, SVG marks with real size)', async () => {
    const { chromium } = await import('playwright-core');
    // A fresh profile folder each run (--user-data-dir), as the flags below.
    const browser = await chromium.launchPersistentContext(tempDir('msgwork-chromium-'), {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1300, height: 1000 },
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
      const tab = await browser.newPage();
      const requests: string[] = [];
      tab.on('request', (r) => {
        if (!r.url().startsWith('file://')) requests.push(r.url());
      });
      const errors: string[] = [];
      tab.on('pageerror', (e) => errors.push(e.message));
      await tab.goto(`file://${page}`);
      const shot = join(dir, 'report.png');
      await tab.screenshot({ path: shot, fullPage: true });
      if (process.env.MSGWORK_SCREENSHOT) await tab.screenshot({ path: process.env.MSGWORK_SCREENSHOT, fullPage: true });
      expect(statSync(shot).size).toBeGreaterThan(50_000);
      // Marks with a real rendered size in each chart.
      const marks = await tab.evaluate(() => {
        const count = (id: string, selector: string) =>
          [...document.querySelectorAll(`#${id} svg ${selector}`)].filter((e) => {
            const box = (e as SVGGraphicsElement).getBBox();
            return box.width > 0 || box.height > 0;
          }).length;
        return {
          trend: count('chart-trend', '.mark-symbol.role-mark path'),
          spread: count('chart-spread', '.mark-symbol.role-mark path'),
          reference: count('chart-latency', '.mark-symbol.role-mark path'),
          heat: count('chart-hours', '.mark-rect.role-mark path'),
          lines: count('chart-latency', '.mark-line.role-mark path'),
          rules: count('chart-latency', '.mark-rule.role-mark line'),
          rounds: count('chart-rounds', '.mark-rect.role-mark path'),
          volume: count('chart-volume', '.mark-rect.role-mark path'),
          svgWidths: [...document.querySelectorAll('figure.chart svg')].map((s) => s.getBoundingClientRect().width),
        };
      });
      // samples/messages.csv with samples/config.json (mon-fri 07:00-17:00):
      expect(marks.trend).toBe(4 * 5); // January to April × five figures
      expect(marks.spread).toBe(64); // a point per clinician who sent messages
      expect(marks.reference).toBe(2); // Huang et al.: 72.2 % at 24 h, 90.6 % at 72 h
      expect(marks.heat).toBe(7 * 24 + 5 * 10); // every weekday × hour cell, plus the outlined work-window cells
      expect(marks.lines).toBe(8); // a curve per role with at least 30 index messages; unattributed is left to the tables
      expect(marks.rules).toBe(2); // 24 h and 72 h
      expect(marks.rounds).toBe(6 * 6); // 6 categories × 6 round buckets
      expect(marks.volume).toBe(9 * 2 + 6 * 2); // roles and categories × (clinician, patient)
      expect(marks.svgWidths).toHaveLength(6);
      for (const width of marks.svgWidths) expect(width).toBeGreaterThan(300);
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
