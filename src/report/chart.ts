/**
 * Time-series charts as inline SVG: no script, no external font or stylesheet, so a report opens offline and prints.
 * Coordinates are rounded to one decimal so the same data always gives the same bytes.
 */
import { formatSeconds } from './format';

export interface ChartPoint {
  /** Milliseconds since the epoch. */
  time: number;
  /** Seconds; null: the run measured nothing (a failed run is still marked on the time axis). */
  value: number | null;
  failed: boolean;
}

export interface ChartSpec {
  /** Used in element ids; a store id plus the measure. */
  id: string;
  title: string;
  /** Y axis label, e.g. `restore time`. */
  yLabel: string;
  points: readonly ChartPoint[];
  objectiveSeconds: number | null;
  from: number;
  to: number;
}

export const CHART = { width: 720, height: 260, left: 72, right: 20, top: 40, bottom: 48 } as const;

const STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1_200, 1_800, 3_600, 7_200, 10_800, 14_400, 21_600, 43_200, 86_400];
const DAY_MS = 86_400_000;

function niceStep(range: number, ticks: number): number {
  const wanted = range / ticks;
  for (const step of STEPS) if (step >= wanted) return step;
  return Math.ceil(wanted / 86_400) * 86_400;
}

function n(value: number): string {
  const rounded = Math.round(value * 10) / 10;
  return Object.is(rounded, -0) ? '0' : String(rounded);
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * One chart: the measured values as a line with a marker per run, the objective as a dashed line, failed runs in red
 * (a cross on the time axis when they measured nothing), passed runs over the objective in amber.
 */
export function renderChart(spec: ChartSpec): string {
  const { width, height, left, right, top, bottom } = CHART;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const values = spec.points.map((p) => p.value).filter((v): v is number => v !== null);
  const high = Math.max(1, ...values, spec.objectiveSeconds ?? 0) * 1.1;
  const low = Math.min(0, ...values);
  const step = niceStep(high - low, 4);
  const yMin = Math.floor(low / step) * step;
  const yMax = Math.ceil(high / step) * step;
  const span = Math.max(1, spec.to - spec.from);
  const x = (time: number) => left + ((time - spec.from) / span) * plotW;
  const y = (value: number) => top + plotH - ((value - yMin) / (yMax - yMin)) * plotH;
  const out: string[] = [];
  out.push(
    `<svg class="chart" id="chart-${escapeXml(spec.id)}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="chart-${escapeXml(spec.id)}-title">`,
    `<title id="chart-${escapeXml(spec.id)}-title">${escapeXml(spec.title)}</title>`,
    `<rect class="plot" x="${left}" y="${top}" width="${plotW}" height="${plotH}" fill="#ffffff" stroke="#c8ccd2"/>`,
  );
  // Y grid and tick labels.
  for (let value = yMin; value <= yMax + 1e-9; value += step) {
    const py = n(y(value));
    out.push(`<line class="grid" x1="${left}" x2="${left + plotW}" y1="${py}" y2="${py}" stroke="#e6e8eb"/>`);
    out.push(`<text class="tick y-tick" x="${left - 6}" y="${py}" text-anchor="end" dominant-baseline="middle" font-size="11" fill="#444">${escapeXml(formatSeconds(value))}</text>`);
  }
  // X ticks at UTC midnights, about six of them.
  const days = Math.max(1, Math.ceil(span / DAY_MS));
  const every = Math.max(1, Math.ceil(days / 6));
  const firstDay = Math.ceil(spec.from / DAY_MS);
  for (let day = firstDay; day * DAY_MS <= spec.to; day += every) {
    const px = n(x(day * DAY_MS));
    const label = new Date(day * DAY_MS).toISOString().slice(5, 10);
    out.push(`<line class="x-tick" x1="${px}" x2="${px}" y1="${top + plotH}" y2="${top + plotH + 5}" stroke="#444"/>`);
    out.push(`<text class="tick x-tick-label" x="${px}" y="${top + plotH + 17}" text-anchor="middle" font-size="11" fill="#444">${label}</text>`);
  }
  out.push(
    `<text class="axis-label x-label" x="${left + plotW / 2}" y="${height - 6}" text-anchor="middle" font-size="12" fill="#222">date (UTC)</text>`,
    `<text class="axis-label y-label" transform="translate(14 ${n(top + plotH / 2)}) rotate(-90)" text-anchor="middle" font-size="12" fill="#222">${escapeXml(spec.yLabel)}</text>`,
  );
  if (spec.objectiveSeconds !== null) {
    const py = n(y(spec.objectiveSeconds));
    out.push(`<path class="objective" d="M${left} ${py}H${left + plotW}" stroke="#c0392b" stroke-width="1.5" stroke-dasharray="6 4" fill="none"/>`);
  }
  const measured = spec.points.filter((p) => p.value !== null).sort((a, b) => a.time - b.time);
  if (measured.length > 0) {
    const d = measured.map((p, i) => `${i === 0 ? 'M' : 'L'}${n(x(p.time))} ${n(y(p.value as number))}`).join('');
    out.push(`<path class="series" d="${d}" stroke="#1f6feb" stroke-width="2" fill="none"/>`);
  } else {
    out.push(`<text class="empty" x="${left + plotW / 2}" y="${top + plotH / 2}" text-anchor="middle" font-size="13" fill="#666">no measurements in the window</text>`);
  }
  for (const p of [...spec.points].sort((a, b) => a.time - b.time)) {
    const px = n(x(p.time));
    if (p.value === null) {
      // Nothing measured: a red cross on the time axis marks the failed run.
      const by = top + plotH;
      out.push(`<path class="failed-run" d="M${n(x(p.time) - 4)} ${by - 4}l8 8m0 -8l-8 8" stroke="#c0392b" stroke-width="2"/>`);
    } else {
      const over = spec.objectiveSeconds !== null && p.value > spec.objectiveSeconds;
      const kind = p.failed ? 'failed-run' : over ? 'run over-objective' : 'run';
      const fill = p.failed ? '#c0392b' : over ? '#d97706' : '#1f6feb';
      out.push(`<circle class="${kind}" cx="${px}" cy="${n(y(p.value))}" r="${over && !p.failed ? 4.5 : 3.5}" fill="${fill}"/>`);
    }
  }
  // Legend above the plot.
  const ly = 18;
  out.push(
    `<g class="legend" font-size="12" fill="#222">`,
    `<path d="M${left} ${ly}h24" stroke="#1f6feb" stroke-width="2"/><circle cx="${left + 12}" cy="${ly}" r="3.5" fill="#1f6feb"/><text x="${left + 30}" y="${ly + 4}">measured</text>`,
    `<path d="M${left + 110} ${ly}h24" stroke="#c0392b" stroke-width="1.5" stroke-dasharray="6 4"/><text x="${left + 140}" y="${ly + 4}">${spec.objectiveSeconds !== null ? `objective (${escapeXml(formatSeconds(spec.objectiveSeconds))})` : 'no objective'}</text>`,
    `<circle cx="${left + 290}" cy="${ly}" r="3.5" fill="#c0392b"/><text x="${left + 300}" y="${ly + 4}">failed run</text>`,
    `<circle cx="${left + 390}" cy="${ly}" r="4.5" fill="#d97706"/><text x="${left + 400}" y="${ly + 4}">over objective</text>`,
    `</g>`,
    '</svg>',
  );
  return out.join('\n');
}
