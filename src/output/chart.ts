import { WEEKDAY_NAMES } from '../model/zone.js';

const SHADES = [' ', '░', '▒', '▓', '█'];
const BLOCKS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

function bar(value: number, max: number, width: number): string {
  const eighths = max === 0 ? 0 : Math.round((value / max) * width * 8);
  return '█'.repeat(Math.floor(eighths / 8)) + BLOCKS[eighths % 8];
}

/**
 * The hour-of-day distribution of clinician messages as a bar chart, hours
 * outside the work hours marked, and a weekday × hour shade grid (SPEC 2.2, 3.3).
 * `grid[weekday][hour]` counts messages; `workHours` is [start, end) in minutes.
 */
export function hourChart(grid: number[][], workHours: { start: number; end: number }, workDays: readonly boolean[]): string {
  const byHour = Array.from({ length: 24 }, (_, h) => grid.reduce((sum, day) => sum + day[h]!, 0));
  const total = byHour.reduce((a, b) => a + b, 0);
  const max = Math.max(...byHour);
  const lines = ['Clinician messages by hour of day (local time; * = outside work hours)'];
  for (let h = 0; h < 24; h++) {
    const inside = h * 60 >= workHours.start && (h + 1) * 60 <= workHours.end;
    const share = total === 0 ? 0 : (100 * byHour[h]!) / total;
    lines.push(`${String(h).padStart(2, '0')}:00${inside ? ' ' : '*'} ${share.toFixed(1).padStart(5)}% ${bar(byHour[h]!, max, 50)}`.trimEnd());
  }
  const cellMax = Math.max(...grid.flat());
  lines.push('', 'By weekday and hour (darker = more; * = not a work day)');
  lines.push(`      ${Array.from({ length: 24 }, (_, h) => (h % 3 === 0 ? String(h).padEnd(3) : '')).join('')}`.trimEnd());
  grid.forEach((row, d) => {
    const cells = row.map((v) => (v === 0 ? '·' : SHADES[Math.max(1, Math.ceil((v / cellMax) * 4))]!)).join('');
    lines.push(`${WEEKDAY_NAMES[d]}${workDays[d] ? ' ' : '*'}  ${cells}`);
  });
  return lines.join('\n');
}
