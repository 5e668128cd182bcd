import { field } from '../pods';
import type { Rule } from '../types';

/** GVISOR-002: a RuntimeClass in the input uses a gVisor handler. */
export const GVISOR_RUNTIME_CLASS_HANDLER: Rule = {
  id: 'GVISOR-002',
  title: 'RuntimeClasses use a gVisor handler',
  severity: 'error',
  description: 'A `node.k8s.io` RuntimeClass in the input names a gVisor CRI handler (`runsc`, as containerd is configured by gvisor-iac, '
    + 'or `gvisor` on GKE Sandbox; more with `gvisorHandlers` / `--handler`). A class with another handler runs its pods on another runtime.',
  fields: ['handler'],
  check: (obj, ctx) => {
    if (obj.kind !== 'RuntimeClass') return [];
    const handler = obj.handler;
    if (typeof handler === 'string' && ctx.gvisorHandlers.has(handler)) return [];
    return [{
      path: 'handler',
      value: handler,
      problem: 'is not a gVisor handler',
      fix: `set handler: ${[...ctx.gvisorHandlers].map((h) => JSON.stringify(h)).join(' or ')} (the containerd runtime that runs runsc)`,
    }];
  },
};

/** True when `obj` is a RuntimeClass whose handler counts as gVisor. */
export function isGvisorRuntimeClass(obj: Record<string, any>, handlers: ReadonlySet<string>): boolean {
  return obj.kind === 'RuntimeClass' && typeof field(obj.metadata, 'name') === 'string' && handlers.has(obj.handler);
}
