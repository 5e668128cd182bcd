/**
 * The Pod Security Standards version the pss-baseline and pss-restricted
 * packs implement (the oldest Kubernetes minor the project tests against).
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/
 */
export const PSS_VERSION = 'v1.34';
