import { containerRule, field } from '../pods';

/** PSS-B-009: the default /proc mount. */
export const PSS_PROC_MOUNT = containerRule({
  id: 'PSS-B-009',
  title: 'Default /proc mount',
  severity: 'error',
  description: 'Pod Security baseline, "/proc Mount Type": `securityContext.procMount` of every container is unset or `Default` (an `Unmasked` /proc exposes the node\'s kernel settings).',
  fields: ['<container>.securityContext.procMount'],
  checkContainer: ({ container, path }) => {
    const v = field(container.securityContext, 'procMount');
    return v !== undefined && v !== null && v !== 'Default'
      ? [{ path: `${path}.securityContext.procMount`, value: v, problem: 'unmasks /proc', fix: 'remove procMount (or set it to "Default")' }]
      : [];
  },
});
