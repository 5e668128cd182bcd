// Checking and sandboxing manifests from TypeScript (docs/policy.md; run by test/policy/docs.test.ts).
import { checkObjects, failingFindings, loadManifests, sandboxObjects } from 'gvisor-iac';

export function checkAndSandbox(yamlText: string): { failing: string[]; sandboxed: unknown[] } {
  const { objects } = loadManifests([{ name: 'chart.yaml', text: yamlText }]);

  const findings = checkObjects(objects, {
    packs: ['gvisor', 'pss-restricted', 'hardening'],
    suppressions: { 'HARD-002': 'the operator reads the API with its own token' },
  });
  const failing = failingFindings(findings, 'error').map((f) => `${f.ruleId} ${f.message}`);

  // Fill in the sandbox where fields are absent; what stays unsafe is refused.
  const { objects: sandboxed, refused } = sandboxObjects(objects);
  if (refused.length > 0) throw new Error(refused.map((f) => f.message).join('\n'));
  return { failing, sandboxed };
}
