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

  it('holds the settings, key figures, every section and four charts', () => {
    const html = readFileSync(page, 'utf8');
    expect(html).toContain('America/New_York');
    expect(html).toMatch(/class="figure"/);
    for (const section of ['volume', 'volume.by_role', 'after-hours.by_category', 'latency.by_role', 'rounds.by_category']) expect(html).toContain(`<section id="${section}">`);
    for (const chart of ['chart-hours', 'chart-latency', 'chart-rounds', 'chart-volume']) expect(html).toMatch(new RegExp(`<figure class="chart" id="${chart}">.*?<svg`, 's'));
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
          heat: count('chart-hours', '.mark-rect.role-mark path'),
          lines: count('chart-latency', '.mark-line.role-mark path'),
          rules: count('chart-latency', '.mark-rule.role-mark line'),
          rounds: count('chart-rounds', '.mark-rect.role-mark path'),
          volume: count('chart-volume', '.mark-rect.role-mark path'),
          svgWidths: [...document.querySelectorAll('figure.chart svg')].map((s) => s.getBoundingClientRect().width),
        };
      });
      // samples/messages.csv with samples/config.json (mon-fri 07:00-17:00):
      expect(marks.heat).toBe(7 * 24 + 5 * 10); // every weekday × hour cell, plus the outlined work-window cells
      expect(marks.lines).toBe(9); // a curve per role (8 roles and unattributed)
      expect(marks.rules).toBe(2); // 24 h and 72 h
      expect(marks.rounds).toBe(6 * 6); // 6 categories × 6 round buckets
      expect(marks.volume).toBe(9 + 6 * 2); // roles; categories × (clinician, patient)
      expect(marks.svgWidths).toHaveLength(4);
      for (const width of marks.svgWidths) expect(width).toBeGreaterThan(300);
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
