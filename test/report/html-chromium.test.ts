/**
 * The HTML report opens in a real browser (headless Chromium, Debian package `chromium`) and its charts are drawn:
 * series paths with length, legends, axis labels (DOM measured inside Chromium), and coloured pixels inside every
 * chart's plot area (screenshot). Skipped with a notice when Chromium is not installed, except in CI, where it fails.
 *
 * `LIFEBOAT_UPDATE_GOLDEN=1 npx jest test/report/html-chromium` also rewrites docs/report-example.png.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { countPixels, decodePng } from './png';
import { RECORDS, removeTemporaryDirectories, report, SPEC, temporaryDirectory, WINDOW } from './helpers';

const run = promisify(execFile);

function findChromium(): string | undefined {
  const candidates = [process.env.LIFEBOAT_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  return candidates.find((candidate): candidate is string => typeof candidate === 'string' && fs.existsSync(candidate));
}

const chromium = findChromium();
if (!chromium) {
  if (process.env.CI) throw new Error('Chromium not found; .ci/run must install it (apt-get install chromium)');
  process.stderr.write('\n[lifeboat tests] Chromium is not installed: the HTML report screenshot test is skipped (apt-get install chromium)\n');
}
const describeChromium = chromium ? describe : describe.skip;

const WIDTH = 1000;

async function browser(args: string[]): Promise<string> {
  const profile = temporaryDirectory();
  const { stdout } = await run(
    chromium as string,
    ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--no-first-run', '--force-device-scale-factor=1', `--user-data-dir=${profile}`, ...args],
    { timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout;
}

/** Measures, inside Chromium, what each chart drew. Appended after the report, so the layout above it is unchanged. */
const PROBE = `<script>
const charts = [...document.querySelectorAll('svg.chart')].map((svg) => {
  const box = (el) => { const r = el.getBoundingClientRect(); return { x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height }; };
  const series = svg.querySelector('path.series');
  const legend = svg.querySelector('g.legend');
  return {
    id: svg.id,
    plot: box(svg.querySelector('rect.plot')),
    seriesLength: series ? series.getTotalLength() : 0,
    objectiveLength: svg.querySelector('path.objective') ? svg.querySelector('path.objective').getTotalLength() : 0,
    markers: svg.querySelectorAll('circle.run, circle.failed-run, path.failed-run').length,
    overObjective: svg.querySelectorAll('circle.over-objective').length,
    legend: legend ? { width: box(legend).width, texts: [...legend.querySelectorAll('text')].map((t) => t.textContent) } : null,
    axisLabels: [...svg.querySelectorAll('text.axis-label')].map((t) => ({ text: t.textContent, width: box(t).width })),
    ticks: svg.querySelectorAll('text.tick').length,
  };
});
const height = document.documentElement.scrollHeight;
const pre = document.createElement('pre');
pre.id = 'probe';
pre.textContent = JSON.stringify({ charts, height, scripts: document.scripts.length });
document.body.appendChild(pre);
</script>`;

interface ChartProbe {
  id: string;
  plot: { x: number; y: number; width: number; height: number };
  seriesLength: number;
  objectiveLength: number;
  markers: number;
  overObjective: number;
  legend: { width: number; texts: string[] } | null;
  axisLabels: { text: string; width: number }[];
  ticks: number;
}

afterAll(removeTemporaryDirectories);

describeChromium('the HTML report in headless Chromium', () => {
  it('draws every chart: series, objective, markers, legend and axis labels, visible in a screenshot', async () => {
    const dir = temporaryDirectory();
    const html = path.join(dir, 'report.html');
    const result = await report([SPEC, '--records', RECORDS, ...WINDOW, '-o', html]);
    expect(result.code).toBe(1);
    const text = fs.readFileSync(html, 'utf8');
    // Self-contained: no script, nothing fetched.
    expect(text).not.toMatch(/<script|<link|src=|url\(|@import/i);

    const probeFile = path.join(dir, 'probe.html');
    fs.writeFileSync(probeFile, text.replace('</body>', `${PROBE}\n</body>`));
    const dom = await browser(['--window-size=1000,1000', '--dump-dom', `file://${probeFile}`]);
    const match = /<pre id="probe">([^<]*)<\/pre>/.exec(dom);
    expect(match).not.toBeNull();
    const probe = JSON.parse((match as RegExpExecArray)[1].replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')) as {
      charts: ChartProbe[];
      height: number;
      scripts: number;
    };
    // Restore time and data lag for each verified database.
    expect(probe.charts.map((c) => c.id)).toEqual([
      'chart-billing-restore',
      'chart-billing-data-lag',
      'chart-ledger-restore',
      'chart-ledger-data-lag',
      'chart-orders-restore',
      'chart-orders-data-lag',
    ]);
    for (const chart of probe.charts) {
      expect(chart.seriesLength).toBeGreaterThan(300);
      expect(chart.objectiveLength).toBeGreaterThan(500);
      expect(chart.markers).toBeGreaterThanOrEqual(29);
      expect(chart.legend?.texts).toEqual(['measured', expect.stringMatching(/^objective \(\d/), 'failed run', 'over objective']);
      expect(chart.legend?.width).toBeGreaterThan(200);
      expect(chart.axisLabels.map((l) => l.text)).toEqual(['date (UTC)', chart.id.endsWith('restore') ? 'restore time' : 'data lag']);
      for (const label of chart.axisLabels) expect(label.width).toBeGreaterThan(10);
      expect(chart.ticks).toBeGreaterThanOrEqual(8);
    }
    // The one orders restore over its 2h objective stands out.
    expect(probe.charts.map((c) => c.overObjective)).toEqual([0, 0, 0, 0, 1, 0]);

    const png = path.join(dir, 'report.png');
    await browser([`--window-size=${WIDTH},${Math.ceil(probe.height)}`, `--screenshot=${png}`, `file://${html}`]);
    const image = decodePng(fs.readFileSync(png));
    expect(image.width).toBe(WIDTH);
    const blue = (r: number, g: number, b: number) => b > 180 && r < 120 && g < 160; // series #1f6feb
    const red = (r: number, g: number, b: number) => r > 150 && g < 110 && b < 100; // objective and failed runs #c0392b
    const ink = (r: number, g: number, b: number) => r < 235 || g < 235 || b < 235;
    for (const chart of probe.charts) {
      // Inside the plot border: the background is white, so coloured pixels are what the chart drew.
      const inside = { x: chart.plot.x + 2, y: chart.plot.y + 2, width: chart.plot.width - 4, height: chart.plot.height - 4 };
      expect({ id: chart.id, blue: countPixels(image, inside, blue) > 400 }).toEqual({ id: chart.id, blue: true });
      expect({ id: chart.id, red: countPixels(image, inside, red) > 150 }).toEqual({ id: chart.id, red: true });
      // Axis labels and ticks under and left of the plot.
      const below = { x: chart.plot.x, y: chart.plot.y + chart.plot.height + 4, width: chart.plot.width, height: 40 };
      const left = { x: chart.plot.x - 70, y: chart.plot.y, width: 66, height: chart.plot.height };
      expect(countPixels(image, below, ink)).toBeGreaterThan(300);
      expect(countPixels(image, left, ink)).toBeGreaterThan(200);
    }
    // Outside the charts, a region known to be blank (the right margin) stays background.
    expect(countPixels(image, { x: WIDTH - 15, y: 0, width: 15, height: image.height }, ink)).toBe(0);

    if (process.env.LIFEBOAT_UPDATE_GOLDEN === '1' && !process.env.CI) {
      const orders = path.join(dir, 'orders.html');
      await report([SPEC, '--records', RECORDS, ...WINDOW, '--store', 'orders', '-o', orders]);
      await browser([`--window-size=${WIDTH},1750`, `--screenshot=${path.join(__dirname, '..', '..', 'docs', 'report-example.png')}`, `file://${orders}`]);
    }
  }, 180_000);
});
