import { containerRule, field } from '../pods';

/** Capabilities Pod Security baseline lets a container add (the container runtimes' default set). */
export const BASELINE_CAPABILITIES: readonly string[] = [
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
];

/** PSS-B-004: only the default capabilities may be added. */
export const PSS_BASELINE_CAPABILITIES = containerRule({
  id: 'PSS-B-004',
  title: 'No capabilities beyond the default set',
  severity: 'error',
  description: `Pod Security baseline, "Capabilities": \`capabilities.add\` lists only ${BASELINE_CAPABILITIES.join(', ')}.`,
  fields: ['<container>.securityContext.capabilities.add'],
  checkContainer: ({ container, path }) => {
    const add = field(field(container.securityContext, 'capabilities'), 'add');
    if (!Array.isArray(add)) return [];
    return add.flatMap((cap, i) => (BASELINE_CAPABILITIES.includes(cap) ? [] : [{
      path: `${path}.securityContext.capabilities.add[${i}]`,
      value: cap,
      problem: 'is not in the default capability set',
      fix: 'remove it from capabilities.add',
    }]));
  },
});
