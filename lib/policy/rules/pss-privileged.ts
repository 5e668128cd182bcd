import { containerRule, field } from '../pods';

/** PSS-B-003: no privileged containers. */
export const PSS_PRIVILEGED = containerRule({
  id: 'PSS-B-003',
  title: 'No privileged containers',
  severity: 'error',
  description: 'Pod Security baseline, "Privileged Containers": `securityContext.privileged` of every container is unset or false.',
  fields: ['<container>.securityContext.privileged'],
  checkContainer: ({ container, path }) => {
    const v = field(container.securityContext, 'privileged');
    return v !== undefined && v !== null && v !== false
      ? [{ path: `${path}.securityContext.privileged`, value: v, problem: 'turns off the container\'s confinement', fix: 'remove privileged (or set it to false)' }]
      : [];
  },
});
