// Claim 1: every object of the cdk8s example and of each construct with its
// option families applies with `kubectl apply --server-side` (strict field
// validation) in ONE pass, in the order synth emits it, and applying it a
// second time changes nothing.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as YAML from 'yaml';
import { constructFamilies, exampleObjects } from './helpers/charts';
import {
  FIELD_MANAGER, applyServerSide, asInput, deleteClusterScopedOf, describeCluster, diffServerSide, freshNamespaces, kubectl, kubectlOk, objectId,
} from './helpers/cluster';

const PREFIX = 'ap-';

/** What an apply leaves behind that a no-op second apply must not change. */
function fingerprint(o: any): unknown {
  const mine = (o.metadata.managedFields ?? []).filter((m: any) => m.manager === FIELD_MANAGER && m.operation === 'Apply');
  return {
    id: objectId(o),
    uid: o.metadata.uid,
    generation: o.metadata.generation,
    managed: mine.map((m: any) => ({ time: m.time, fields: m.fieldsV1 })),
  };
}

const namespacesOf = (objects: any[]) => objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name as string);
const inDefaultNamespace = (objects: any[]) =>
  objects.filter((o) => o.metadata.namespace === undefined && !['Namespace', 'RuntimeClass', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'].includes(o.kind));

describeCluster('kubectl apply --server-side of everything the library emits', () => {
  const cases = [{ family: 'examples/cdk8s (npm run synth)', objects: exampleObjects() }, ...constructFamilies(PREFIX)];

  afterAll(() => {
    // Namespaced leftovers in "default" (the example's pods and jobs), then the namespaces and cluster-scoped objects.
    for (const { objects } of cases) {
      const loose = inDefaultNamespace(objects);
      if (loose.length) kubectl(['delete', '--ignore-not-found', '--wait=false', '-f', '-'], { input: asInput(loose) });
      const ns = namespacesOf(objects);
      if (ns.length) kubectl(['delete', 'namespace', '--ignore-not-found', '--wait=false', ...ns]);
      // And what lives outside namespaces: `pulumi up` of the same example comes next on this cluster.
      deleteClusterScopedOf(objects);
    }
  });

  test.each(cases)('$family: one pass, then a no-op', async ({ objects }) => {
    // A clean slate, also on a reused cluster: the first apply must create everything.
    await freshNamespaces(namespacesOf(objects));
    const loose = inDefaultNamespace(objects);
    if (loose.length) kubectlOk(['delete', '--ignore-not-found', '--wait=true', '--timeout=60s', '-f', '-'], { input: asInput(loose) });

    const first = applyServerSide(objects);
    const kindAndName = (o: any) => `${o.kind}/${o.metadata.name}`;
    expect(first.map(kindAndName)).toEqual(objects.map(kindAndName));

    const second = applyServerSide(objects);
    expect(second.map(fingerprint)).toEqual(first.map(fingerprint));
    // And the server's own dry-run diff agrees: nothing left to change.
    const diff = diffServerSide(objects);
    expect({ status: diff.status, diff: diff.stdout, stderr: diff.stderr }).toEqual({ status: 0, diff: '', stderr: '' });
  });

  test('the diff sees a change to what the manifests own', () => {
    // Control for the no-op check above: the same diff, on a Namespace applied there.
    const ns = cases[0]!.objects.find((o) => o.kind === 'Namespace')!;
    const changed = { ...ns, metadata: { ...ns.metadata, labels: { ...ns.metadata.labels, 'gvisor-iac-test/changed': 'yes' } } };
    const diff = diffServerSide([changed]);
    expect(diff.status).toBe(1);
    expect(diff.stdout).toMatch(/^\+\s+gvisor-iac-test\/changed: "?yes"?$/m);
  });

  test('the diff program leaves out status and its resourceVersion, and nothing else', () => {
    const pod = (resourceVersion: string, spec: object, status: object) =>
      YAML.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'n', resourceVersion }, spec, status });
    const run = (live: string, merged: string) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'diff-spec-'));
      try {
        for (const [side, text] of [['LIVE', live], ['MERGED', merged]] as const) {
          fs.mkdirSync(path.join(dir, side));
          fs.writeFileSync(path.join(dir, side, 'v1.Pod.n.p'), text);
        }
        return spawnSync(path.join(__dirname, 'helpers/diff-spec.cjs'), [path.join(dir, 'LIVE'), path.join(dir, 'MERGED')], { encoding: 'utf8' });
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    };
    const spec = { containers: [{ name: 'c', image: 'busybox' }] };
    // A kubelet write between kubectl's read and its dry run: not a change.
    expect(run(pod('1', spec, { phase: 'Pending' }), pod('2', spec, { phase: 'Running', startTime: '2026-12-06T12:31:10Z' })).status).toBe(0);
    // A change to the spec is.
    const other = run(pod('1', spec, {}), pod('1', { ...spec, hostNetwork: true }, {}));
    expect(other.status).toBe(1);
    expect(other.stdout).toMatch(/^\+\s+hostNetwork: true$/m);
    // An object the apply would create (no live file) is.
    expect(run('', pod('1', spec, {})).status).toBe(1);
  });

  test('strict validation is really on: an unknown field fails the apply', () => {
    const [rc] = constructFamilies(PREFIX)[0]!.objects;
    const bad = { ...rc, metadata: { name: `${PREFIX}rc-typo` }, handlr: 'runsc' };
    const r = kubectl(['apply', '--server-side', `--field-manager=${FIELD_MANAGER}`, '--validate=strict', '-f', '-'], { input: asInput([bad]) });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('unknown field "handlr"');
  });
});
