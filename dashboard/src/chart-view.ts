import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
  type Plugin,
} from 'chart.js';
import annotationPlugin from 'chartjs-plugin-annotation';

// Only the Chart.js parts the dashboard draws with are registered, so the bundle carries no others.
Chart.register(LineController, BarController, LineElement, BarElement, PointElement, LinearScale, CategoryScale, Filler, Legend, Tooltip, annotationPlugin);
// Refreshes replace data in place every minute; animating each one would only cost time and attention.
Chart.defaults.animation = false;
Chart.defaults.maintainAspectRatio = false;
Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

let firstChartMarked = false;

/** Counts what has been drawn on the canvas (tests and the benchmark wait on it) and marks the first chart. */
const drawnMarker: Plugin = {
  id: 'groundswellDrawn',
  afterRender(chart) {
    const canvas = chart.canvas;
    canvas.dataset.renders = String(Number(canvas.dataset.renders ?? '0') + 1);
    if (!firstChartMarked) {
      firstChartMarked = true;
      performance.mark('groundswell:first-chart');
    }
  },
};

Chart.register(drawnMarker);

export type DashboardChartConfig = ChartConfiguration<'line'> | ChartConfiguration<'bar'>;

/** The x of a dataset's last value (its index on a category axis), or null when it has none. */
function lastValueAt(data: readonly unknown[]): number | null {
  for (let index = data.length - 1; index >= 0; index -= 1) {
    const datum = data[index];
    if (typeof datum === 'number') return index;
    if (typeof datum === 'object' && datum !== null && 'y' in datum && datum.y !== null) return 'x' in datum && typeof datum.x === 'number' ? datum.x : index;
  }
  return null;
}

/**
 * What a chart shows, written on its canvas as data-drawn for tests (the page's CSP keeps them from
 * reaching Chart.js itself): how far each dataset is drawn, and the marker lines (launch, now).
 */
function describeDrawn(config: DashboardChartConfig): string {
  const annotations = config.options?.plugins?.annotation?.annotations ?? [];
  const list: ({ type?: unknown; label?: { content?: unknown }; xMin?: unknown } | undefined)[] = Array.isArray(annotations) ? annotations : Object.values(annotations);
  const markers = list.flatMap((annotation) =>
    annotation?.type === 'line' && typeof annotation.label?.content === 'string' && typeof annotation.xMin === 'number' ? [{ label: annotation.label.content, x: annotation.xMin }] : [],
  );
  const datasets = (config.data.datasets as { label?: string; data: readonly unknown[] }[]).map((dataset) => ({ label: dataset.label ?? '', lastX: lastValueAt(dataset.data) }));
  return JSON.stringify({ datasets, markers });
}

/**
 * One chart on one canvas: created on the first render, updated in place after that (no flicker,
 * no leaked listeners), destroyed with its view.
 */
export class ChartView {
  private chart: Chart | undefined;

  constructor(readonly canvas: HTMLCanvasElement) {}

  render(config: DashboardChartConfig): void {
    this.canvas.dataset.drawn = describeDrawn(config);
    // Chart.js's types tie a chart to one chart type; this wrapper holds line and bar charts alike.
    const generic = config as unknown as ChartConfiguration;
    if (!this.chart) {
      this.chart = new Chart(this.canvas, generic);
      return;
    }
    this.chart.data.labels = generic.data.labels ?? [];
    this.chart.data.datasets = generic.data.datasets;
    if (generic.options) this.chart.options = generic.options;
    this.chart.update('none');
  }

  destroy(): void {
    this.chart?.destroy();
    this.chart = undefined;
  }
}
