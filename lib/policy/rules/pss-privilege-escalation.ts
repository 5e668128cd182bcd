import { containerRule, field, isWindows } from '../pods';

/** PSS-R-002: allowPrivilegeEscalation is false. */
export const PSS_PRIVILEGE_ESCALATION = containerRule({
  id: 'PSS-R-002',
  title: 'No privilege escalation',
  severity: 'error',
  description: 'Pod Security restricted, "Privilege Escalation": every container sets `securityContext.allowPrivilegeEscalation: false` (Windows pods are exempt).',
  fields: ['<container>.securityContext.allowPrivilegeEscalation'],
  checkContainer: ({ container, path }, pod) => {
    const v = field(container.securityContext, 'allowPrivilegeEscalation');
    return v === false || isWindows(pod) ? [] : [{
      path: `${path}.securityContext.allowPrivilegeEscalation`,
      value: v,
      problem: v === undefined ? 'is not set, so setuid binaries may gain privileges' : 'lets setuid binaries gain privileges',
      fix: 'set allowPrivilegeEscalation: false',
    }];
  },
});
