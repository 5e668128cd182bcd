// Chart-wide enforcement in cdk8s (docs/policy.md; synthesised by test/policy/docs.test.ts).
import { App, Chart, Include } from 'cdk8s';
import { enforceGvisor } from 'gvisor-iac/cdk8s';

export function vendorChart(app: App, manifest: string): Chart {
  const chart = new Chart(app, 'vendor');
  // Every pod-bearing object of the chart — Included YAML and Helm charts
  // too — gets runtimeClassName "gvisor" at synthesis if it names none;
  // one naming another class fails `cdk8s synth`.
  enforceGvisor(chart, { mode: 'inject' });
  new Include(chart, 'vendor', { url: manifest });
  return chart;
}
