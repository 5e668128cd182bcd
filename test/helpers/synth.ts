import { App, Chart, ChartProps } from 'cdk8s';
import { parseAllDocuments } from 'yaml';

/**
 * Builds a fresh cdk8s app and chart, lets `build` add constructs, and
 * returns the objects exactly as `cdk8s synth` writes them (YAML, in order).
 */
export function synth(build: (chart: Chart) => void, props: ChartProps = {}): any[] {
  const { app, chart } = newChart(props);
  build(chart);
  return synthApp(app);
}

/** A chart and its app, for tests that need both. */
export function newChart(props: ChartProps = {}): { app: App; chart: Chart } {
  const app = new App();
  return { app, chart: new Chart(app, 'test', props) };
}

/** The app's synthesised YAML, parsed back into objects. */
export function synthApp(app: App): any[] {
  return parseAllDocuments(app.synthYaml()).map((d) => d.toJSON()).filter((o) => o !== null);
}
