// Claim 3: Pod Security admission at the pinned release, in a namespace with
// the labels the library writes (enforce/audit/warn = restricted), admits
// every pod the library emits — the example's and every construct family's,
// pods and pod templates alike, without a single warning — and refuses a
// root pod, naming the field.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { constructFamilies, exampleObjects } from './helpers/charts';
import { applyServerSide, create, describeCluster, isOwnCluster, freshNamespaces, kubectl, kubectlJson, objectId, serviceAccountReady } from './helpers/cluster';
import { libraryWorkload } from './helpers/workloads';
import { POD_SPEC_PATHS, podSpecOf, renderMultiTenantSandbox } from '../../lib/core';

const PREFIX = 'psa-';

function pinnedKubernetesVersion(): string {
  const env = fs.readFileSync(path.join(__dirname, 'versions.env'), 'utf8');
  const m = /^KUBERNETES_VERSION=(\S+)$/m.exec(env);
  if (!m) throw new Error('KUBERNETES_VERSION missing from test/cluster/versions.env');
  return m[1]!;
}

// Namespaces exactly as the library writes them ("latest" and a pinned version). The
// sandbox's admission policy is left out on purpose: this suite asks Pod Security alone.
const sandbox = renderMultiTenantSandbox({
  name: 'psa', namespacePrefix: PREFIX, tenants: [{ name: 'latest' }],
}, 'psa');
const pinned = renderMultiTenantSandbox({
  name: 'psa-pinned',
  namespacePrefix: PREFIX,
  podSecurityVersion: `v${pinnedKubernetesVersion().replace(/^v/, '').split('.').slice(0, 2).join('.')}`,
  tenants: [{ name: 'pinned' }],
}, 'psa-pinned');
const namespaces = [...sandbox.objects, ...pinned.objects].filter((o) => o.kind === 'Namespace');

// Every pod-bearing object the library emits.
const emitted = [...exampleObjects(), ...constructFamilies(PREFIX).flatMap((f) => f.objects)];
const podBearing = emitted.filter((o) => POD_SPEC_PATHS[o.kind] !== undefined);
const runtimeClasses = emitted.filter((o) => o.kind === 'RuntimeClass');
const serviceAccounts = [...new Set(podBearing.map((o) => podSpecOf(o)!.serviceAccountName).filter(Boolean))] as string[];

/** The object moved into namespace `ns` (workload) or turned into a Pod (pod templates). */
function asPod(o: any, ns: string, i: number): any {
  const spec = podSpecOf(o)!;
  // A StatefulSet's controller adds each claim template as a persistentVolumeClaim volume of the pod (claim `<template>-<pod>`).
  const claims = o.kind === 'StatefulSet' ? (o.spec.volumeClaimTemplates ?? []) as any[] : [];
  const volumes = [...(spec.volumes ?? []), ...claims.map((t) => ({ name: t.metadata.name, persistentVolumeClaim: { claimName: `${t.metadata.name}-${o.metadata.name}-0` } }))];
  const podSpec = claims.length ? { ...spec, volumes } : spec;
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: `${PREFIX}${i}-${o.kind.toLowerCase()}`.slice(0, 63), namespace: ns }, spec: podSpec };
}
function moved(o: any, ns: string): any {
  return { ...o, metadata: { ...o.metadata, namespace: ns } };
}

describeCluster('Pod Security "restricted" with the library\'s namespace labels', () => {
  const nsNames = namespaces.map((n) => n.metadata.name);

  beforeAll(async () => {
    await freshNamespaces(nsNames);
    applyServerSide([...runtimeClasses.filter((o, i, all) => all.findIndex((x) => x.metadata.name === o.metadata.name) === i), ...namespaces]);
    for (const ns of nsNames) {
      await serviceAccountReady(ns);
      if (serviceAccounts.length) {
        applyServerSide(serviceAccounts.map((name) => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: ns } })));
      }
    }
  });

  afterAll(() => {
    kubectl(['delete', 'namespace', '--ignore-not-found', '--wait=false', ...nsNames]);
  });

  test('the server runs the pinned release (an external cluster runs what it runs)', () => {
    const version = kubectlJson(['version']).serverVersion.gitVersion as string;
    if (isOwnCluster()) expect(version).toBe(pinnedKubernetesVersion());
    else expect(version).toMatch(/^v1\.\d+\.\d+/);
  });

  test('the namespaces carry what the library writes', () => {
    for (const ns of nsNames) {
      const labels = kubectlJson(['get', 'namespace', ns]).metadata.labels;
      for (const mode of ['enforce', 'audit', 'warn']) expect(labels[`pod-security.kubernetes.io/${mode}`]).toBe('restricted');
    }
  });

  test('there is something to prove: the library emits pods of every construct', () => {
    expect(new Set(podBearing.map((o) => o.kind))).toEqual(new Set(['Pod', 'Deployment', 'Job', 'DaemonSet', 'StatefulSet', 'CronJob']));
    expect(podBearing.length).toBeGreaterThanOrEqual(15);
  });

  describe.each(namespaces.map((n) => n.metadata.name))('in namespace %s', (ns) => {
    test.each(podBearing.map((o, i) => ({ id: objectId(o), o, i })))('$id: admitted as a Pod, without a warning', ({ o, i }) => {
      const r = create(asPod(o, ns, i), { dryRun: true });
      expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    });

    test.each(podBearing.filter((o) => o.kind !== 'Pod').map((o) => ({ id: objectId(o), o })))('$id: the workload is admitted without a warning', ({ o }) => {
      const r = create(moved(o, ns), { dryRun: true });
      expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    });

    test.each([
      ['runAsUser: 0', { runAsUser: 0, runAsNonRoot: false }, /runAsNonRoot != true|runAsUser=0/],
      ['runAsNonRoot: false', { runAsNonRoot: false }, /runAsNonRoot != true/],
    ])('a root pod (%s) is refused, naming the field', (_label, securityContext, says) => {
      const pod = libraryWorkload('Pod', { namespace: ns, name: `${PREFIX}root` });
      pod.spec.securityContext = { ...pod.spec.securityContext, ...securityContext };
      const r = create(pod, { dryRun: true });
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/violates PodSecurity "restricted:(latest|v1\.\d+)"/);
      expect(r.stderr).toMatch(says);
    });

    test('a root workload is admitted with a Pod Security warning that names the field (enforcement is per pod)', () => {
      const d = libraryWorkload('Deployment', { namespace: ns, name: `${PREFIX}root` });
      d.spec.template.spec.securityContext.runAsUser = 0;
      const r = create(d, { dryRun: true });
      expect(r.stderr).toMatch(/Warning: would violate PodSecurity "restricted:(latest|v1\.\d+)": runAsUser=0/);
    });
  });
});
