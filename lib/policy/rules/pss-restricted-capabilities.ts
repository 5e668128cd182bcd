import { ALLOWED_ADDED_CAPABILITIES } from '../../core/pod/container';
import { containerRule, field, isWindows } from '../pods';
import type { Violation } from '../types';

/** PSS-R-006: drop ALL capabilities, add back at most NET_BIND_SERVICE. */
export const PSS_RESTRICTED_CAPABILITIES = containerRule({
  id: 'PSS-R-006',
  title: 'Capabilities: drop ALL, add only NET_BIND_SERVICE',
  severity: 'error',
  description: `Pod Security restricted, "Capabilities": every container's \`capabilities.drop\` contains \`ALL\` and \`capabilities.add\` lists only ${ALLOWED_ADDED_CAPABILITIES.join(', ')} (Windows pods are exempt).`,
  fields: ['<container>.securityContext.capabilities.drop', '<container>.securityContext.capabilities.add'],
  checkContainer: ({ container, path }, pod) => {
    if (isWindows(pod)) return [];
    const out: Violation[] = [];
    const caps = field(container.securityContext, 'capabilities');
    const drop = field(caps, 'drop');
    if (!Array.isArray(drop) || !drop.includes('ALL')) {
      out.push({ path: `${path}.securityContext.capabilities.drop`, value: drop, problem: 'does not contain "ALL"', fix: 'set capabilities.drop: ["ALL"]' });
    }
    const add = field(caps, 'add');
    if (Array.isArray(add)) {
      add.forEach((cap, i) => {
        if (!ALLOWED_ADDED_CAPABILITIES.includes(cap)) {
          out.push({ path: `${path}.securityContext.capabilities.add[${i}]`, value: cap, problem: 'is a capability "restricted" does not admit', fix: `remove it (only ${ALLOWED_ADDED_CAPABILITIES.join(', ')} may be added)` });
        }
      });
    }
    return out;
  },
});
