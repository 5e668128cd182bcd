import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { compliantDeployment } from './fixtures';
import { DEFAULT_PACKS, SUPPRESS_ANNOTATION, parseSuppressOption, parseSuppressions, renderRulesMarkdown } from '../../lib/policy';
import { thrown } from '../helpers/thrown';
import { GvisorIacError, PACKS, Pack, Rule, checkObjects, failingFindings } from 'gvisor-iac';

const withAnnotation = (value: string) => {
  const o = compliantDeployment();
  delete o.spec.template.spec.runtimeClassName;
  o.spec.template.spec.automountServiceAccountToken = true;
  o.metadata.annotations = { [SUPPRESS_ANNOTATION]: value };
  return o;
};
const ids = (list: { ruleId: string; suppressed?: string }[]) => list.map((f) => (f.suppressed === undefined ? f.ruleId : `${f.ruleId} (suppressed: ${f.suppressed})`));

describe('packs', () => {
  // Locks each pack's rule list: adding, removing or moving a rule is a deliberate change here and in RULES.md.
  test('each pack\'s rules', () => {
    expect(Object.fromEntries(Object.entries(PACKS).map(([n, p]) => [n, p.rules.map((r) => r.id)]))).toEqual({
      'gvisor': ['GVISOR-001', 'GVISOR-002', 'GVISOR-003', 'GVISOR-004', 'GVISOR-005'],
      'pss-baseline': ['PSS-B-001', 'PSS-B-002', 'PSS-B-003', 'PSS-B-004', 'PSS-B-005', 'PSS-B-006', 'PSS-B-007', 'PSS-B-008', 'PSS-B-009', 'PSS-B-010', 'PSS-B-011', 'PSS-B-012'],
      'pss-restricted': ['PSS-B-001', 'PSS-B-002', 'PSS-B-003', 'PSS-B-004', 'PSS-B-005', 'PSS-B-006', 'PSS-B-007', 'PSS-B-008', 'PSS-B-009', 'PSS-B-010', 'PSS-B-011', 'PSS-B-012',
        'PSS-R-001', 'PSS-R-002', 'PSS-R-003', 'PSS-R-004', 'PSS-R-005', 'PSS-R-006'],
      'hardening': ['HARD-001', 'HARD-002', 'HARD-003'],
      'tenancy': ['TENANT-001', 'TENANT-002', 'TENANT-003'],
      'untrusted': ['UNTRUSTED-001', 'UNTRUSTED-002', 'UNTRUSTED-003'],
    });
    expect(DEFAULT_PACKS).toEqual(['gvisor', 'pss-restricted', 'hardening']);
  });

  test('rule IDs are unique and documented', () => {
    const all = new Map<string, Rule>();
    for (const p of Object.values(PACKS)) {
      for (const r of p.rules) {
        expect(all.get(r.id) ?? r).toBe(r);
        all.set(r.id, r);
        expect(r.id).toMatch(/^[A-Z]+(-[A-Z])?-\d{3}$/);
        expect(r.description.length).toBeGreaterThan(40);
        expect(r.fields.length).toBeGreaterThan(0);
      }
    }
  });

  test('RULES.md is generated from the rules (run `npx projen rules` after changing one)', () => {
    expect(readFileSync(path.join(__dirname, '..', '..', 'RULES.md'), 'utf8')).toBe(renderRulesMarkdown());
  });

  test('a pack owns its severities; a rule in two packs runs once, as the first pack says', () => {
    const strict: Pack = { ...PACKS.hardening, name: 'strict', severities: { 'HARD-002': 'error' } };
    const o = withAnnotation('');
    delete o.metadata.annotations;
    o.spec.template.spec.runtimeClassName = 'gvisor';
    expect(checkObjects([o], { packs: [strict, 'hardening'] }).map((f) => [f.ruleId, f.severity])).toEqual([['HARD-002', 'error']]);
    expect(checkObjects([o], { packs: ['hardening', strict] }).map((f) => [f.ruleId, f.severity])).toEqual([['HARD-002', 'warning']]);
  });

  test('an unknown pack is a typed error', () => {
    const e = thrown(() => checkObjects([], { packs: ['pss-strict' as never] }));
    expect(e).toBeInstanceOf(GvisorIacError);
    expect(e.message).toBe('packs: "pss-strict" is not a policy pack; use one of gvisor, pss-baseline, pss-restricted, hardening, tenancy, untrusted');
    expect(thrown(() => checkObjects([], { packs: ['constructor' as never] })).message).toMatch(/^packs: "constructor" is not a policy pack/);
  });
});

describe('engine', () => {
  test('a throwing rule becomes a POLICY-000 finding for that object; other rules still run', () => {
    const boom: Rule = { id: 'X-001', title: 't', severity: 'warning', description: 'd', fields: ['f'], check: (o) => { if (o.metadata.name === 'bad') throw new TypeError('nope'); return []; } };
    const pack: Pack = { name: 'x', description: 'x', rules: [boom, PACKS.gvisor.rules[0]!] };
    const bad = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bad' }, spec: { runtimeClassName: 'gvisor' } };
    const good = { ...bad, metadata: { name: 'good' } };
    expect(checkObjects([good, bad], { packs: [pack] })).toEqual([{
      ruleId: 'POLICY-000',
      severity: 'error',
      path: '(object)',
      fix: 'fix the object\'s field types (or report the rule\'s bug)',
      message: '(object): "nope" was thrown by X-001; fix the object\'s field types (or report the rule\'s bug)',
      object: { index: 1, apiVersion: 'v1', kind: 'Pod', name: 'bad' },
    }]);
  });

  test.each([
    [null, '(document)'], ['text', '(document)'], [[1], '(document)'], [{ kind: 'Pod' }, 'apiVersion'], [{ apiVersion: 'v1' }, 'kind'],
  ])('%j is not a Kubernetes object (POLICY-001)', (doc, p) => {
    expect(checkObjects([doc]).map((f) => [f.ruleId, f.path, f.object?.index])).toEqual([['POLICY-001', p, 0]]);
  });

  test('Lists are checked item by item, nested ones too (kubectl applies them all); paths start at the List', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'hidden', annotations: { [SUPPRESS_ANNOTATION]: 'HARD-002: reads the API' } }, spec: { runtimeClassName: 'gvisor', hostPID: true, containers: [] } };
    const list = { apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }, { apiVersion: 'v1', kind: 'PodList', items: [pod] }] };
    const found = checkObjects([list], { packs: ['gvisor', 'pss-baseline', 'hardening'] });
    expect(found.map((f) => [f.ruleId, f.path, f.object, f.suppressed])).toEqual([
      ['PSS-B-002', 'items[1].items[0].spec.hostPID', { index: 0, apiVersion: 'v1', kind: 'Pod', name: 'hidden' }, undefined],
      ['HARD-002', 'items[1].items[0].spec.automountServiceAccountToken', { index: 0, apiVersion: 'v1', kind: 'Pod', name: 'hidden' }, 'reads the API'],
    ]);
    // A RuntimeClass inside a List counts for GVISOR-001 like any other.
    const rc = { apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: 'sandboxed' }, handler: 'runsc', overhead: { podFixed: { cpu: '1', memory: '1Gi' } } };
    const user = { ...pod, metadata: { name: 'u' }, spec: { runtimeClassName: 'sandboxed', containers: [] } };
    expect(checkObjects([{ apiVersion: 'v1', kind: 'List', items: [rc] }, user], { packs: ['gvisor'] })).toEqual([]);
  });

  test('odd field types do not crash the rules', () => {
    const weird = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'w' }, spec: { template: { spec: { containers: 'nope', volumes: [null], securityContext: 5 } } } };
    expect(ids(checkObjects([weird]))).toEqual(['GVISOR-001', 'HARD-002']);
  });
});

describe('suppressions', () => {
  test.each([
    ['GVISOR-001: node agent', [{ id: 'GVISOR-001', reason: 'node agent' }]],
    ['GVISOR-001: needs A, B and C, HARD-002: reads the API', [{ id: 'GVISOR-001', reason: 'needs A, B and C' }, { id: 'HARD-002', reason: 'reads the API' }]],
    ['GVISOR-001', [{ id: 'GVISOR-001', reason: '' }]],
    ['GVISOR-001:  , HARD-002: ok', [{ id: 'GVISOR-001', reason: '' }, { id: 'HARD-002', reason: 'ok' }]],
    ['HARD-002, GVISOR-001: x', [{ id: 'HARD-002', reason: '' }, { id: 'GVISOR-001', reason: 'x' }]],
  ])('parse %j', (text, expected) => {
    expect(parseSuppressions(text)).toEqual(expected);
  });

  test('parse the option form ID:reason and ID=reason', () => {
    expect(parseSuppressOption('HARD-002:reads the API: yes')).toEqual({ id: 'HARD-002', reason: 'reads the API: yes' });
    expect(parseSuppressOption('HARD-002=x')).toEqual({ id: 'HARD-002', reason: 'x' });
    expect(parseSuppressOption('HARD-002')).toEqual({ id: 'HARD-002', reason: '' });
  });

  test('the annotation suppresses with its reason; suppressed findings never fail', () => {
    const found = checkObjects([withAnnotation('GVISOR-001: cluster default class is gVisor, HARD-002: reads the API')]);
    expect(ids(found)).toEqual(['GVISOR-001 (suppressed: cluster default class is gVisor)', 'HARD-002 (suppressed: reads the API)']);
    expect(failingFindings(found, 'info')).toEqual([]);
  });

  test('a suppression without a reason is itself a finding and suppresses nothing', () => {
    const found = checkObjects([withAnnotation('GVISOR-001, HARD-002: reads the API')]);
    expect(ids(found)).toEqual(['SUPPRESS-001', 'GVISOR-001', 'HARD-002 (suppressed: reads the API)']);
    expect(found[0]!.message).toBe('metadata.annotations["gvisor-iac.dev/suppress"]: "GVISOR-001" is suppressed without a reason; write "GVISOR-001: <why this is acceptable>"');
    expect(failingFindings(found).map((f) => f.ruleId)).toEqual(['SUPPRESS-001', 'GVISOR-001']);
  });

  test('an unknown rule ID is a warning; option suppressions apply to every object and need reasons too', () => {
    expect(ids(checkObjects([withAnnotation('GVISOR-01: typo')]))).toEqual(['SUPPRESS-002', 'GVISOR-001', 'HARD-002']);
    const a = withAnnotation('HARD-002: reads the API');
    const b = withAnnotation('');
    delete b.metadata.annotations;
    expect(ids(checkObjects([a, b], { suppressions: { 'GVISOR-001': 'admission injects the class' } })))
      .toEqual(['GVISOR-001 (suppressed: admission injects the class)', 'HARD-002 (suppressed: reads the API)', 'GVISOR-001 (suppressed: admission injects the class)', 'HARD-002']);
    const found = checkObjects([b], { suppressions: { 'GVISOR-001': ' ' } });
    expect(found.map((f) => [f.ruleId, f.path, f.object])).toEqual([['SUPPRESS-001', 'suppressions["GVISOR-001"]', undefined], ['GVISOR-001', 'spec.template.spec.runtimeClassName', found[1]!.object], ['HARD-002', 'spec.template.spec.automountServiceAccountToken', found[2]!.object]]);
  });

  test('failingFindings compares against --fail-on', () => {
    const found = checkObjects([withAnnotation('')]);
    expect(failingFindings(found).map((f) => f.ruleId)).toEqual(['SUPPRESS-001', 'GVISOR-001']);
    expect(failingFindings(found, 'warning').map((f) => f.ruleId)).toEqual(['SUPPRESS-001', 'GVISOR-001', 'HARD-002']);
  });
});
