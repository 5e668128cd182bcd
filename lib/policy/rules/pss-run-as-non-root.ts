import { containerRule, field } from '../pods';

/** PSS-R-003: containers must run as non-root. */
export const PSS_RUN_AS_NON_ROOT = containerRule({
  id: 'PSS-R-003',
  title: 'Containers run as non-root',
  severity: 'error',
  description: 'Pod Security restricted, "Running as Non-root": every container sets `securityContext.runAsNonRoot: true`, '
    + 'or the pod sets it and no container sets it to false.',
  fields: ['<pod spec>.securityContext.runAsNonRoot', '<container>.securityContext.runAsNonRoot'],
  checkContainer: ({ container, path }, pod) => {
    const own = field(container.securityContext, 'runAsNonRoot');
    const effective = own ?? field(pod.spec.securityContext, 'runAsNonRoot');
    return effective === true ? [] : [{
      path: `${path}.securityContext.runAsNonRoot`,
      value: own,
      problem: own === undefined ? 'is not set (nor on the pod), so the image may run as root' : 'lets the container run as root',
      fix: `set runAsNonRoot: true (on the container or at ${pod.path}.securityContext)`,
    }];
  },
});
