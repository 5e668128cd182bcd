import { GvisorIacError, GvisorIacErrorCode, renderMultiTenantSandbox } from '../../../lib';
import { refusal } from '../../helpers/refusal';

const attempt = (props: unknown): GvisorIacError => refusal(() => renderMultiTenantSandbox(props as never, 'tenants'));
const t = (tenant: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ ...extra, tenants: [{ name: 'tenant-a', ...tenant }] });

describe('invalid props fail before anything is emitted, naming field, value and fix', () => {
  const CASES: [string, unknown, GvisorIacErrorCode, string][] = [
    ['no tenants', { tenants: [] }, 'REQUIRED', 'props.tenants: [] lists no tenant; add at least one tenant'],
    ['tenants missing', {}, 'REQUIRED', 'props.tenants: (missing) is not an array'],
    ['tenant not an object', { tenants: ['a'] }, 'INVALID_TYPE', 'props.tenants[0]: "a" is not an object'],
    ['bad tenant name', { tenants: [{ name: 'Tenant_A' }] }, 'INVALID_NAME', 'props.tenants[0].name: "Tenant_A" is not a valid DNS-1123 label (lowercase letters, digits, \'-\'); try "tenant-a"'],
    ['duplicate tenant', { tenants: [{ name: 'a' }, { name: 'b' }, { name: 'a' }] }, 'DUPLICATE_NAME', 'props.tenants[2].name: "a" is already the name of props.tenants[0]'],
    ['reserved default', { tenants: [{ name: 'default' }] }, 'RESERVED_NAME', 'props.tenants[0].name: "default" is reserved by Kubernetes (default, kube-*)'],
    ['reserved kube-system', { tenants: [{ name: 'kube-system' }] }, 'RESERVED_NAME', '"kube-system" is reserved'],
    ['reserved kube-public', { tenants: [{ name: 'kube-public' }] }, 'RESERVED_NAME', '"kube-public" is reserved'],
    ['reserved kube-node-lease', { tenants: [{ name: 'kube-node-lease' }] }, 'RESERVED_NAME', '"kube-node-lease" is reserved'],
    ['reserved kube-anything', { tenants: [{ name: 'kube-tenant' }] }, 'RESERVED_NAME', '"kube-tenant" is reserved'],
    ['prefix makes reserved', { namespacePrefix: 'kube-', tenants: [{ name: 'a' }] }, 'RESERVED_NAME', 'props.tenants[0].name: "a" makes the namespace "kube-a", which is reserved'],
    ['name too long once prefixed', { namespacePrefix: 'tenant-', tenants: [{ name: 'a'.repeat(60) }] }, 'INVALID_NAME', 'is 60 characters; a DNS-1123 label has at most 56'],
    ['bad prefix', { namespacePrefix: 'Tenant_', tenants: [{ name: 'a' }] }, 'INVALID_NAME', 'props.namespacePrefix: "Tenant_" cannot start a DNS-1123 label'],
    ['unknown tenant field', t({ quotas: {} }), 'UNKNOWN_FIELD', 'props.tenants[0].quotas: {} is not a known field; did you mean "quota"?'],
    ['unknown sandbox field', { tenant: [], tenants: [{ name: 'a' }] }, 'UNKNOWN_FIELD', 'props.tenant: [] is not a known field; did you mean "tenants"?'],
    ['unknown quota field', t({ quota: { cpus: '1' } }), 'UNKNOWN_FIELD', 'props.tenants[0].quota.cpus'],
    ['bad cpu', t({ quota: { cpu: 'lots' } }), 'INVALID_QUANTITY', 'props.tenants[0].quota.cpu: "lots" is not a Kubernetes quantity'],
    ['memory in millibytes', t({ quota: { memory: '512m' } }), 'INVALID_QUANTITY', 'props.tenants[0].quota.memory: "512m" means 0.512 bytes'],
    ['bad pods', t({ quota: { pods: 1.5 } }), 'INVALID_INTEGER', 'props.tenants[0].quota.pods: 1.5 is not a whole number'],
    ['bad hard key', t({ quota: { hard: { 'bad key': '1' } } }), 'INVALID_LABEL', 'props.tenants[0].quota.hard["bad key"]'],
    ['bad hard value', t({ quota: { hard: { 'count/jobs.batch': '1.5' } } }), 'INVALID_QUANTITY', 'props.tenants[0].quota.hard["count/jobs.batch"]: "1.5" is not a whole number'],
    ['zero pods', t({ quota: { pods: 0 } }), 'INVALID_RESOURCES', 'props.tenants[0].quota.pods: "0" lets tenant "tenant-a" run no pod at all; allow at least 1 pod'],
    ['bad egress word', t({ egress: 'all' }), 'INVALID_VALUE', 'props.tenants[0].egress: "all" is not one of "none", "dns", "internet"; use "none", "dns", "internet" or { dns?, internet?, cidrs?, ports? }'],
    ['the old list of CIDRs', t({ egress: ['203.0.113.0/24'] }), 'INVALID_VALUE',
      'props.tenants[0].egress: ["203.0.113.0/24"] is a list of CIDRs, a form egress no longer takes; write { dns: true, cidrs: ["203.0.113.0/24"] } for DNS and these networks'],
    ['the old empty list', t({ egress: [] }), 'INVALID_VALUE', 'props.tenants[0].egress: [] is a list of CIDRs, a form egress no longer takes'],
    ['the old egressPorts', t({ egress: 'internet', egressPorts: [{ port: 443 }] }), 'UNKNOWN_FIELD',
      'props.tenants[0].egressPorts: [{"port":443}] is no longer a field: egress carries its own ports; write egress: { dns: true, internet: true, ports: [{"port":443}] } and drop egressPorts'],
    ['egressPorts with the old list', t({ egress: ['203.0.113.0/24'], egressPorts: [{ port: 443 }] }), 'UNKNOWN_FIELD',
      'write egress: { dns: true, cidrs: ["203.0.113.0/24"], ports: [{"port":443}] }'],
    ['unknown egress field', t({ egress: { dns: true, cidr: [] } }), 'UNKNOWN_FIELD', 'props.tenants[0].egress.cidr: [] is not a known field; did you mean "cidrs"?'],
    ['bad egress CIDR', t({ egress: { cidrs: ['10.0.0.0/33'] } }), 'INVALID_CIDR', 'props.tenants[0].egress.cidrs[0]: "10.0.0.0/33" has a prefix length outside 0..32'],
    ['host bits', t({ egress: { cidrs: ['203.0.113.7/24'] } }), 'INVALID_CIDR', 'write "203.0.113.0/24" for the network'],
    ['metadata address', t({ egress: { cidrs: ['169.254.169.254/32'] } }), 'SANDBOX_ESCAPE', 'props.tenants[0].egress.cidrs[0]: "169.254.169.254/32" lies inside 169.254.0.0/16, which sandboxed pods may never reach'],
    ['link-local range', t({ egress: { cidrs: ['203.0.113.0/24', '169.254.0.0/16'] } }), 'SANDBOX_ESCAPE', 'props.tenants[0].egress.cidrs[1]'],
    ['AWS IPv6 metadata', t({ egress: { cidrs: ['fd00:ec2::254/128'] } }), 'SANDBOX_ESCAPE', 'lies inside fd00:ec2::/32'],
    ['IPv6 link-local', t({ egress: { cidrs: ['fe80::/64'] } }), 'SANDBOX_ESCAPE', 'lies inside fe80::/10'],
    ['duplicate CIDR', t({ egress: { cidrs: ['203.0.113.0/24', '203.0.113.0/24'] } }), 'INVALID_VALUE', 'props.tenants[0].egress.cidrs[1]: "203.0.113.0/24" is listed twice'],
    ['empty egress ports', t({ egress: { internet: true, ports: [] } }), 'INVALID_VALUE', 'props.tenants[0].egress.ports: [] is empty; omit ports to allow every port'],
    ['ports that restrict nothing', t({ egress: { dns: true, ports: [{ port: 443 }] } }), 'INVALID_VALUE', 'props.tenants[0].egress.ports: [{"port":443}] restrict nothing'],
    ['bad egress port', t({ egress: { internet: true, ports: [{ port: 0 }] } }), 'INVALID_INTEGER', 'props.tenants[0].egress.ports[0].port: 0'],
    ['endPort below port', t({ egress: { internet: true, ports: [{ port: 443, endPort: 80 }] } }), 'INVALID_INTEGER', 'props.tenants[0].egress.ports[0].endPort: 80'],
    ['bad protocol', t({ egress: { internet: true, ports: [{ port: 53, protocol: 'ICMP' }] } }), 'INVALID_VALUE', 'props.tenants[0].egress.ports[0].protocol: "ICMP"'],
    ['allowIntraNamespace not boolean', t({ allowIntraNamespace: 'yes' }), 'INVALID_TYPE', 'props.tenants[0].allowIntraNamespace: "yes" is not a boolean'],
    ['admins everyone', t({ admins: { groups: ['system:authenticated'] } }), 'SANDBOX_ESCAPE', 'props.tenants[0].admins.groups[0]: "system:authenticated" would make everyone'],
    ['admins anonymous', t({ admins: { users: ['system:anonymous'] } }), 'SANDBOX_ESCAPE', 'props.tenants[0].admins.users[0]'],
    ['admins empty name', t({ admins: { users: [''] } }), 'REQUIRED', 'props.tenants[0].admins.users[0]'],
    ['admins typo', t({ admins: { user: ['a'] } }), 'UNKNOWN_FIELD', 'props.tenants[0].admins.user'],
    ['bad service account', t({ serviceAccountName: 'Runner' }), 'INVALID_NAME', 'props.tenants[0].serviceAccountName: "Runner"'],
    ['PSA label override', t({ labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } }), 'SANDBOX_ESCAPE', 'props.tenants[0].labels["pod-security.kubernetes.io/enforce"]: "privileged" would change a label that seals the tenant namespace'],
    ['sandbox label override', t({}, { labels: { 'gvisor-iac.dev/sandbox': 'x' } }), 'SANDBOX_ESCAPE', 'props.labels["gvisor-iac.dev/sandbox"]'],
    ['bad PSA version', t({}, { podSecurityVersion: '1.30' }), 'INVALID_VALUE', 'props.podSecurityVersion: "1.30" is not a Pod Security version; use "latest" or a Kubernetes minor version such as "v1.34"'],
    ['bad runtime class', t({}, { runtimeClass: 'Not Valid' }), 'INVALID_NAME', 'props.runtimeClass: "Not Valid"'],
    ['bad runtime class overhead', t({}, { runtimeClass: { name: 'gvisor', overhead: { cpu: 'x', memory: '1Mi' } } }), 'INVALID_QUANTITY', 'props.runtimeClass.overhead.cpu: "x"'],
    ['bad dns namespace', t({}, { dns: { namespace: 'Kube System' } }), 'INVALID_NAME', 'props.dns.namespace'],
    ['empty dns labels', t({}, { dns: { podLabels: {} } }), 'INVALID_VALUE', 'props.dns.podLabels: {} selects no labels'],
    ['internetExcept /0', t({}, { internetExcept: ['::/0'] }), 'INVALID_CIDR', 'props.internetExcept[0]: "::/0" excludes the whole address family'],
    ['internetExcept invalid', t({}, { internetExcept: ['nope'] }), 'INVALID_CIDR', 'props.internetExcept[0]: "nope"'],
    ['containerDefaults typo', t({ containerDefaults: { limit: {} } }), 'UNKNOWN_FIELD', 'props.tenants[0].containerDefaults.limit'],
    ['containerDefaults request above limit', t({ containerDefaults: { requests: { cpu: '2' }, limits: { cpu: '1' } } }), 'INVALID_RESOURCES', 'props.tenants[0].containerDefaults.requests.cpu: "2" is above the limit "1"'],
    ['bad sandbox name', t({}, { name: 'My Sandbox' }), 'INVALID_NAME', 'props.name: "My Sandbox"'],
  ];

  test.each(CASES)('%s', (_name, props, code, fragment) => {
    const e = attempt(props);
    expect(e.code).toBe(code);
    expect(e.message).toContain(fragment);
  });

  test.each([[null], [undefined], ['tenants'], [[]]])('props %p is refused with a typed error', (props) => {
    expect(attempt(props).code).toBe('INVALID_TYPE');
  });
});

describe('the quota must fit one pod of the LimitRange default size plus the RuntimeClass overhead', () => {
  test('cpu below default limit 500m + overhead 100m', () => {
    const e = attempt(t({ quota: { cpu: '500m' } }));
    expect(e.code).toBe('INVALID_RESOURCES');
    expect(e.message).toBe(
      'props.tenants[0].quota.cpu: "500m" (limits.cpu) cannot fit one pod of tenant "tenant-a": the LimitRange default limit 500m plus the RuntimeClass overhead 100m needs 600m; raise it to at least 600m, or lower containerDefaults.limits.cpu',
    );
  });

  test('memory below default limit 256Mi + overhead 160Mi', () => {
    expect(attempt(t({ quota: { memory: '400Mi' } })).message).toContain('props.tenants[0].quota.memory: "400Mi" (limits.memory) cannot fit one pod of tenant "tenant-a": the LimitRange default limit 256Mi plus the RuntimeClass overhead 160Mi needs 416Mi');
  });

  test('a raw hard key is checked and named', () => {
    expect(attempt(t({ quota: { hard: { 'requests.memory': '200Mi' } } })).message).toContain('props.tenants[0].quota.hard["requests.memory"]: "200Mi" (requests.memory) cannot fit one pod of tenant "tenant-a": the LimitRange default request 128Mi plus the RuntimeClass overhead 160Mi needs 288Mi');
  });

  test('exactly one pod fits: accepted', () => {
    expect(() => renderMultiTenantSandbox(t({ quota: { cpu: '600m', memory: '416Mi', pods: 1 } }) as never, 'x')).not.toThrow();
  });

  test('the runtime class overhead counts: a bigger overhead needs a bigger quota', () => {
    const rc = { name: 'gvisor', overhead: { cpu: '1', memory: '1Gi' } };
    expect(attempt(t({ quota: { cpu: '1' } }, { runtimeClass: rc })).message).toContain('(requests.cpu) cannot fit one pod of tenant "tenant-a": the LimitRange default request 100m plus the RuntimeClass overhead 1 needs 1100m');
    expect(() => renderMultiTenantSandbox(t({ quota: { cpu: '1' } }, { runtimeClass: { name: 'gvisor', overhead: { cpu: '0', memory: '0' } } }) as never, 'x')).not.toThrow();
  });

  test('smaller container defaults make a small quota fit', () => {
    expect(() => renderMultiTenantSandbox(t({ quota: { cpu: '300m', memory: '300Mi' }, containerDefaults: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } } }) as never, 'x')).not.toThrow();
  });

  test('the error names the right tenant among several', () => {
    const e = attempt({ tenants: [{ name: 'a' }, { name: 'b', quota: { memory: '256Mi' } }] });
    expect(e.path).toBe('props.tenants[1].quota.memory');
    expect(e.message).toContain('tenant "b"');
  });
});
