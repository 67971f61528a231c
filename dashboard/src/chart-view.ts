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

/**
 * One chart on one canvas: created on the first render, updated in place after that (no flicker,
 * no leaked listeners), destroyed with its view.
 */
export class ChartView {
  private chart: Chart | undefined;

  constructor(readonly canvas: HTMLCanvasElement) {}

  render(config: DashboardChartConfig): void {
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
