import fc from 'fast-check';
import {
  CONFIG_MAP_MAX_BYTES, GvisorIacError, UNTRUSTED_CODE_DEFAULTS, UntrustedCodeSandboxProps, renderUntrustedCodeSandbox, runtimeClassRef,
  untrustedRunSelector,
} from '../../../lib/core';
import { egressArb, forbiddenDestinationArb, isIpv4MappedRefusal, portArb } from '../../helpers/egress-arbitraries';
import { caught, expectRefused } from '../../helpers/errors';
import { HARDENED_CONTAINER_SECURITY_CONTEXT, HARDENED_POD } from '../../helpers/hardened';
import { egressAllowed, ingressAllowed, podRefOf } from '../../helpers/network-policy';
import { assertRestrictedAndSandboxed } from '../../helpers/pod-security';
import { assertAllSchemaValid } from '../../helpers/schema';

type Any = Record<string, any>;
const render = (props: Partial<UntrustedCodeSandboxProps> = {}, id = 'run-1') =>
  renderUntrustedCodeSandbox({ image: 'code-runner:1.0', ...props } as UntrustedCodeSandboxProps, id).objects as readonly Any[];
const job = (objects: readonly Any[]) => objects.find((o) => o.kind === 'Job')!;
const podSpec = (objects: readonly Any[]) => job(objects).spec.template.spec;
const container = (objects: readonly Any[]) => podSpec(objects).containers[0];
const policy = (objects: readonly Any[]) => objects.find((o) => o.kind === 'NetworkPolicy')!;

const LABELS = {
  'app.kubernetes.io/managed-by': 'gvisor-iac',
  'app.kubernetes.io/component': 'untrusted-code',
  'gvisor-iac.dev/run': 'run-1',
};
const POD_LABELS = { 'app.kubernetes.io/name': 'run-1', ...LABELS };
const LIMITS = { 'cpu': '1', 'memory': '512Mi', 'ephemeral-storage': '256Mi' };

describe('UntrustedCodeSandbox (core): defaults', () => {
  test('minimal props: an isolating NetworkPolicy, then the Job', () => {
    const manifests = renderUntrustedCodeSandbox({ image: 'code-runner:1.0' }, 'run-1');
    expect(manifests.primary).toBe(1);
    expect(manifests.objects).toEqual([
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'run-1', labels: LABELS },
        spec: { podSelector: { matchLabels: { 'gvisor-iac.dev/run': 'run-1' } }, policyTypes: ['Ingress', 'Egress'] },
      },
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'run-1', labels: POD_LABELS },
        spec: {
          backoffLimit: 0,
          activeDeadlineSeconds: 300,
          ttlSecondsAfterFinished: 600,
          template: {
            metadata: { labels: POD_LABELS },
            spec: {
              ...HARDENED_POD,
              containers: [{
                name: 'code-runner',
                image: 'code-runner:1.0',
                resources: { requests: LIMITS, limits: LIMITS },
                securityContext: HARDENED_CONTAINER_SECURITY_CONTEXT,
                volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
              }],
              volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
              restartPolicy: 'Never',
            },
          },
        },
      },
    ]);
  });

  test('the documented defaults are the ones used', () => {
    expect(UNTRUSTED_CODE_DEFAULTS).toMatchObject({
      containerName: 'code-runner', limits: LIMITS, activeDeadlineSeconds: 300, ttlSecondsAfterFinished: 600, codeMountPath: '/code', tmpSizeLimit: '64Mi',
    });
  });

  test('name: derived from the construct id, deterministically', () => {
    const a = render({}, 'Run_42');
    expect(a.map((o) => o.metadata.name)).toEqual(['run-42', 'run-42']);
    expect(render({}, 'Run_42')).toEqual(a);
  });

  test('backoffLimit 0, restartPolicy Never: untrusted code is never re-run silently', () => {
    const o = render();
    expect(job(o).spec.backoffLimit).toBe(0);
    expect(podSpec(o).restartPolicy).toBe('Never');
  });

  test('resources: Guaranteed QoS, requests equal to limits cpu 1 / memory 512Mi / ephemeral-storage 256Mi', () => {
    expect(container(render()).resources).toEqual({ requests: LIMITS, limits: LIMITS });
  });

  test('no service-account token, no service links, read-only root with a 64Mi /tmp', () => {
    const o = render();
    expect(podSpec(o).automountServiceAccountToken).toBe(false);
    expect(podSpec(o).enableServiceLinks).toBe(false);
    expect(container(o).securityContext.readOnlyRootFilesystem).toBe(true);
    expect(podSpec(o).volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }]);
  });

  test('egress: none — the policy has no egress rule and no ingress rule', () => {
    const o = render();
    expect(policy(o).spec.egress).toBeUndefined();
    expect(egressAllowed(o, podRefOf(job(o)), { ip: '8.8.8.8' })).toBe(false);
    expect(ingressAllowed(o, podRefOf(job(o)))).toBe(false);
  });

  test('runtimeClass: "gvisor"; code: none (no ConfigMap, no /code mount)', () => {
    const o = render();
    expect(podSpec(o).runtimeClassName).toBe('gvisor');
    expect(o.map((x) => x.kind)).toEqual(['NetworkPolicy', 'Job']);
  });

  test('labels: the run label selects exactly this run, on every object and pod', () => {
    const o = render({ code: { 'a.py': '' } });
    expect(untrustedRunSelector('run-1')).toEqual({ 'gvisor-iac.dev/run': 'run-1' });
    for (const obj of o) expect(obj.metadata.labels['gvisor-iac.dev/run']).toBe('run-1');
    expect(job(o).spec.template.metadata.labels['gvisor-iac.dev/run']).toBe('run-1');
    expect(policy(o).spec.podSelector).toEqual({ matchLabels: untrustedRunSelector('run-1') });
  });
});

describe('UntrustedCodeSandbox (core): options', () => {
  test('name, namespace, labels and annotations', () => {
    const o = render({ name: 'req-7', namespace: 'runs', labels: { tenant: 'acme' }, annotations: { 'example.com/request': '7' } });
    expect(o.map((x) => `${x.metadata.namespace}/${x.metadata.name}`)).toEqual(['runs/req-7', 'runs/req-7']);
    expect(job(o).metadata.labels).toEqual({ 'app.kubernetes.io/name': 'req-7', ...LABELS, 'tenant': 'acme', 'gvisor-iac.dev/run': 'req-7' });
    expect(job(o).metadata.annotations).toEqual({ 'example.com/request': '7' });
    expect(policy(o).metadata.annotations).toBeUndefined();
  });

  test('command, args (empty strings kept), env (plain values), workingDir', () => {
    const c = container(render({ command: ['python', '-c'], args: ['print(1)', ''], env: [{ name: 'SEED', value: '42' }, { name: 'EMPTY', value: '' }], workingDir: '/work' }));
    expect(c).toMatchObject({ command: ['python', '-c'], args: ['print(1)', ''], env: [{ name: 'SEED', value: '42' }, { name: 'EMPTY', value: '' }], workingDir: '/work' });
  });

  test('runtimeClass: a name or a ref', () => {
    expect(podSpec(render({ runtimeClass: 'gvisor-untrusted' })).runtimeClassName).toBe('gvisor-untrusted');
    expect(podSpec(render({ runtimeClass: runtimeClassRef('sandbox') })).runtimeClassName).toBe('sandbox');
  });

  test('activeDeadlineSeconds and ttlSecondsAfterFinished (0 deletes at once)', () => {
    const o = render({ activeDeadlineSeconds: 30, ttlSecondsAfterFinished: 0 });
    expect(job(o).spec).toMatchObject({ activeDeadlineSeconds: 30, ttlSecondsAfterFinished: 0 });
  });

  test('resources: limits merge over the defaults and requests follow them; equal requests are accepted', () => {
    const r = container(render({ resources: { limits: { 'cpu': '2', 'nvidia.com/gpu': '1' }, requests: { cpu: '2000m' } } })).resources;
    const limits = { 'cpu': '2', 'memory': '512Mi', 'ephemeral-storage': '256Mi', 'nvidia.com/gpu': '1' };
    expect(r).toEqual({ requests: limits, limits });
  });

  test('egress: "dns", "internet" and an allow-list become policy rules', () => {
    expect(policy(render({ egress: 'dns' })).spec.egress).toHaveLength(1);
    expect(policy(render({ egress: 'internet' })).spec.egress).toHaveLength(2);
    expect(policy(render({ egress: { cidrs: ['198.51.100.0/24'], ports: [{ port: 443 }] } })).spec.egress).toEqual([
      { to: [{ ipBlock: { cidr: '198.51.100.0/24' } }], ports: [{ protocol: 'TCP', port: 443 }] },
    ]);
  });

  test('dns and internetExcept: the same DNS peer and "internet" exclusions a MultiTenantSandbox takes', () => {
    const [dnsRule, internetRule] = policy(render({ egress: 'internet', dns: { namespace: 'dns', podLabels: { app: 'coredns' } }, internetExcept: ['203.0.113.0/24'] })).spec.egress;
    expect(dnsRule.to).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'dns' } }, podSelector: { matchLabels: { app: 'coredns' } } }]);
    expect(internetRule.to[0].ipBlock.except).toContain('203.0.113.0/24');
    expect(policy(render({ egress: 'dns', dns: { podLabels: false } })).spec.egress[0].to).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }]);
    // Without DNS in the egress, where DNS runs changes nothing.
    expect(policy(render({ egress: 'none', dns: { namespace: 'dns' } })).spec.egress).toBeUndefined();
  });

  test('code: an immutable ConfigMap <name>-code (keys sorted) mounted read-only at /code, files 0444', () => {
    const o = render({ code: { 'main.py': 'import util\n', 'util.py': 'x = "é"\n', '.env': '' } });
    expect(o.map((x) => `${x.kind}/${x.metadata.name}`)).toEqual(['ConfigMap/run-1-code', 'NetworkPolicy/run-1', 'Job/run-1']);
    expect(o[0]).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'run-1-code', labels: LABELS },
      immutable: true,
      data: { '.env': '', 'main.py': 'import util\n', 'util.py': 'x = "é"\n' },
    });
    expect(Object.keys(o[0]!.data)).toEqual(['.env', 'main.py', 'util.py']);
    expect(container(o).volumeMounts).toEqual([{ name: 'code', mountPath: '/code', readOnly: true }, { name: 'tmp', mountPath: '/tmp' }]);
    expect(podSpec(o).volumes).toEqual([{ name: 'code', configMap: { name: 'run-1-code', defaultMode: 0o444 } }, { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }]);
  });

  test('code: exactly 1 MiB (names and contents, UTF-8 bytes) fits', () => {
    const content = 'x'.repeat(CONFIG_MAP_MAX_BYTES - 'main.py'.length - 2) + 'é';
    expect(render({ code: { 'main.py': content } })[0]!.data['main.py']).toBe(content);
  });

  test('codeMountPath and tmpSizeLimit', () => {
    const o = render({ code: { 'a.sh': 'echo' }, codeMountPath: '/opt/run', tmpSizeLimit: '128Mi' });
    expect(container(o).volumeMounts[0]).toEqual({ name: 'code', mountPath: '/opt/run', readOnly: true });
    expect(podSpec(o).volumes[1]).toEqual({ name: 'tmp', emptyDir: { sizeLimit: '128Mi' } });
  });

  test('nodeSelector and tolerations pin runs to dedicated nodes', () => {
    const s = podSpec(render({ nodeSelector: { pool: 'untrusted' }, tolerations: [{ key: 'pool', operator: 'Equal', value: 'untrusted', effect: 'NoSchedule' }] }));
    expect(s.nodeSelector).toEqual({ pool: 'untrusted' });
    expect(s.tolerations).toEqual([{ key: 'pool', operator: 'Equal', value: 'untrusted', effect: 'NoSchedule' }]);
  });

  test('overrides patch the Job by default, or a named kind', () => {
    const o = render({
      overrides: [
        { patch: [{ op: 'add', path: '/spec/template/spec/priorityClassName', value: 'low' }] },
        { kind: 'NetworkPolicy', patch: [{ op: 'add', path: '/metadata/annotations', value: { reviewed: 'yes' } }] },
      ],
    });
    expect(podSpec(o).priorityClassName).toBe('low');
    expect(policy(o).metadata.annotations).toEqual({ reviewed: 'yes' });
  });

  test('every variant is schema-valid and Pod Security "restricted"', () => {
    const variants: Partial<UntrustedCodeSandboxProps>[] = [
      {}, { namespace: 'runs', egress: 'internet', code: { 'main.py': 'print(1)' } }, { egress: { cidrs: ['0.0.0.0/0', '::/0'], ports: [{ port: 443 }] } },
      { resources: { limits: { 'cpu': '250m', 'memory': '128Mi', 'ephemeral-storage': '1Gi' } }, tmpSizeLimit: '1Gi' },
    ];
    for (const v of variants) {
      const o = render(v);
      assertAllSchemaValid(o);
      assertRestrictedAndSandboxed(o);
    }
  });
});

describe('UntrustedCodeSandbox (core): invalid input is refused before anything is emitted', () => {
  const big = 'x'.repeat(CONFIG_MAP_MAX_BYTES);
  test.each<[string, Any, string, string, string]>([
    ['no image', { image: undefined }, 'REQUIRED', 'props.image', 'is not a container image reference'],
    ['an empty image', { image: '' }, 'REQUIRED', 'props.image', 'is not a container image reference'],
    ['an image with whitespace', { image: 'code runner' }, 'INVALID_VALUE', 'props.image', 'contains whitespace'],
    ['a typo', { activeDeadline: 10 }, 'UNKNOWN_FIELD', 'props.activeDeadline', 'did you mean "activeDeadlineSeconds"?'],
    ['a deadline of 0', { activeDeadlineSeconds: 0 }, 'INVALID_INTEGER', 'props.activeDeadlineSeconds', 'is not a whole number ≥ 1'],
    ['a negative TTL', { ttlSecondsAfterFinished: -1 }, 'INVALID_INTEGER', 'props.ttlSecondsAfterFinished', 'is not a whole number ≥ 0'],
    ['a fractional deadline', { activeDeadlineSeconds: 1.5 }, 'INVALID_INTEGER', 'props.activeDeadlineSeconds', '1.5'],
    ['a bad cpu quantity', { resources: { limits: { cpu: 'one' } } }, 'INVALID_QUANTITY', 'props.resources.limits.cpu', '"one" is not a Kubernetes quantity'],
    ['memory in millibytes', { resources: { limits: { memory: '512m' } } }, 'INVALID_QUANTITY', 'props.resources.limits.memory', 'write "512Mi"'],
    ['a zero memory limit', { resources: { limits: { memory: '0' } } }, 'INVALID_RESOURCES', 'props.resources.limits.memory', 'is zero'],
    ['requests below limits', { resources: { requests: { cpu: '500m' } } }, 'INVALID_RESOURCES', 'props.resources.requests.cpu', 'differs from the limit "1": untrusted code runs with Guaranteed QoS'],
    ['a request without a limit', { resources: { requests: { 'example.com/dongle': '1' } } }, 'INVALID_RESOURCES', 'props.resources.requests.example.com/dongle', 'differs from the limit (none)'],
    ['unknown resources keys', { resources: { limit: { cpu: '1' } } }, 'UNKNOWN_FIELD', 'props.resources.limit', 'did you mean "limits"?'],
    ['/tmp larger than ephemeral storage', { tmpSizeLimit: '1Gi' }, 'INVALID_RESOURCES', 'props.tmpSizeLimit', 'is above the ephemeral-storage limit "256Mi"'],
    ['a bad tmp size', { tmpSizeLimit: 'big' }, 'INVALID_QUANTITY', 'props.tmpSizeLimit', '"big"'],
    ['a label key with a space', { labels: { 'node type': 'x' } }, 'INVALID_LABEL', 'props.labels["node type"]', 'is not a valid label key'],
    ['a bad label value', { labels: { tier: 'a b' } }, 'INVALID_LABEL', 'props.labels.tier', 'is not a valid label value'],
    ['the reserved run label', { labels: { 'gvisor-iac.dev/run': 'other' } }, 'RESERVED_NAME', 'props.labels["gvisor-iac.dev/run"]', 'is set by UntrustedCodeSandbox'],
    ['a bad name', { name: 'Run_1' }, 'INVALID_NAME', 'props.name', 'try "run-1"'],
    ['a bad namespace', { namespace: 'Runs' }, 'INVALID_NAME', 'props.namespace', 'try "runs"'],
    ['a nodeSelector key with a space', { nodeSelector: { 'node type': 'x' } }, 'INVALID_LABEL', 'props.nodeSelector["node type"]', 'is not a valid label key'],
    ['a bad toleration', { tolerations: [{ key: 'a', effect: 'Sometimes' }] }, 'INVALID_VALUE', 'props.tolerations[0].effect', '"Sometimes"'],
    ['a bad runtime class', { runtimeClass: 'gVisor' }, 'INVALID_NAME', 'props.runtimeClass', 'try "g-visor"'],
    ['code over 1 MiB', { code: { 'a.py': big } }, 'INVALID_VALUE', 'props.code', `${CONFIG_MAP_MAX_BYTES + 4} bytes of file names and contents exceed the ConfigMap limit of 1048576 bytes`],
    ['code over 1 MiB in UTF-8 bytes', { code: { a: 'é'.repeat(CONFIG_MAP_MAX_BYTES / 2) } }, 'INVALID_VALUE', 'props.code', `${CONFIG_MAP_MAX_BYTES + 1} bytes`],
    ['a file name with a slash', { code: { 'src/main.py': '' } }, 'INVALID_NAME', 'props.code["src/main.py"]', 'is not a valid ConfigMap key'],
    ['a file name ".."', { code: { '..': '' } }, 'INVALID_NAME', 'props.code[".."]', 'is not a valid ConfigMap key'],
    ['a file name starting ".."', { code: { '..data': '' } }, 'INVALID_NAME', 'props.code["..data"]', 'is not a valid ConfigMap key'],
    ['a file name with a space', { code: { 'main file.py': '' } }, 'INVALID_NAME', 'props.code["main file.py"]', 'use a flat file name'],
    ['non-string content', { code: { 'a.py': 42 } }, 'INVALID_TYPE', 'props.code["a.py"]', '42 is not a string'],
    ['no files', { code: {} }, 'REQUIRED', 'props.code', 'holds no file'],
    ['a relative mount path', { code: { 'a.py': '' }, codeMountPath: 'code' }, 'INVALID_VALUE', 'props.codeMountPath', 'is not an absolute path'],
    ['a mount path escaping with ..', { codeMountPath: '/code/../etc' }, 'INVALID_VALUE', 'props.codeMountPath', 'is not an absolute path'],
    ['code mounted over /tmp', { codeMountPath: '/tmp/code' }, 'INVALID_VALUE', 'props.codeMountPath', 'collides with the writable /tmp'],
    ['a secret in env', { env: [{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] }, 'SANDBOX_ESCAPE', 'props.env[0].valueFrom', 'hands a Secret'],
    ['a non-string env value', { env: [{ name: 'N', value: 1 }] }, 'INVALID_TYPE', 'props.env[0].value', '1 is not a string'],
    ['a non-string arg', { args: ['a', 2] }, 'INVALID_TYPE', 'props.args[1]', '2 is not a string'],
    ['a string for command', { command: 'python main.py' }, 'INVALID_TYPE', 'props.command', 'is not an array'],
    ['egress to the metadata address', { egress: { cidrs: ['169.254.169.254/32'] } }, 'SANDBOX_ESCAPE', 'props.egress.cidrs[0]', 'never reach'],
    ['an unknown egress mode', { egress: 'everything' }, 'INVALID_VALUE', 'props.egress', '"everything" is not one of'],
    ['the tenants\' old list of CIDRs', { egress: ['203.0.113.0/24'] }, 'INVALID_VALUE', 'props.egress', 'write { dns: true, cidrs: ["203.0.113.0/24"] }'],
    ['a bad dns namespace', { dns: { namespace: 'Kube System' } }, 'INVALID_NAME', 'props.dns.namespace', '"Kube System"'],
    ['empty dns pod labels', { dns: { podLabels: {} } }, 'INVALID_VALUE', 'props.dns.podLabels', 'selects no labels'],
    ['an internetExcept of a whole family', { internetExcept: ['0.0.0.0/0'] }, 'INVALID_CIDR', 'props.internetExcept[0]', 'excludes the whole address family'],
    ['an override that matches nothing', { overrides: [{ kind: 'Secret', patch: [] }] }, 'INVALID_OVERRIDE', 'props.overrides[0]', 'matches no emitted object'],
  ])('refuses %s', (_label, props, code, path, fragment) => {
    expectRefused(() => render(props as Partial<UntrustedCodeSandboxProps>), code, path, fragment);
  });

  test('props that are not an object', () => {
    for (const props of [undefined, null, 'image', []]) {
      expect(caught(() => renderUntrustedCodeSandbox(props as never, 'r')).code).toBe('INVALID_TYPE');
    }
  });
});

describe('UntrustedCodeSandbox (core): isolation properties', () => {
  test('whatever egress is chosen, the run\'s pods never reach the metadata address or link-local', () => {
    fc.assert(fc.property(egressArb, forbiddenDestinationArb, portArb, (egress, ip, port) => {
      let objects: readonly Any[];
      try {
        objects = render({ egress, namespace: 'runs' });
      } catch (e) {
        expect(e).toBeInstanceOf(GvisorIacError);
        if (isIpv4MappedRefusal(e)) return;
        expect(['SANDBOX_ESCAPE', 'INVALID_VALUE']).toContain((e as GvisorIacError).code);
        return;
      }
      expect(egressAllowed(objects, podRefOf(job(objects)), { ip, port })).toBe(false);
      expect(ingressAllowed(objects, podRefOf(job(objects)))).toBe(false);
    }), { numRuns: 1000 });
  });

  test('runs are distinguishable: one run\'s egress never opens another run\'s pods in the same namespace', () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}[a-z0-9]$/);
    fc.assert(fc.property(fc.uniqueArray(name, { minLength: 2, maxLength: 4 }), (names) => {
      const [quiet, ...loud] = names;
      const objects = [
        ...render({ namespace: 'runs' }, quiet),
        ...loud.flatMap((n) => render({ namespace: 'runs', egress: 'internet' }, n)),
      ];
      const jobs = objects.filter((o) => o.kind === 'Job');
      expect(new Set(jobs.map((j) => j.metadata.name)).size).toBe(names.length);
      expect(egressAllowed(objects, podRefOf(jobs[0]!), { ip: '8.8.8.8' })).toBe(false);
      for (const j of jobs.slice(1)) expect(egressAllowed(objects, podRefOf(j), { ip: '8.8.8.8' })).toBe(true);
    }), { numRuns: 200 });
  });
});
