import { GvisorIacError } from '../core/errors';

/**
 * A runsc release to render for: `'current'` (the newest gVisor release) or a
 * release tag such as `release-20221219.0` (the runsc in Debian 12 "bookworm").
 *
 * `runsc --version` prints the date part (`runsc version release-20240513.0`, or
 * `0.0~20221219.0` for Debian's build).
 */
export type RunscRelease = 'current' | `release-${string}`;

/** The newest runsc release: every option this library knows is available. */
export const CURRENT_RUNSC_RELEASE: RunscRelease = 'current';

/** The runsc packaged by Debian 12 "bookworm" (`apt-get install runsc`): ptrace and kvm only, no directfs. */
export const DEBIAN_BOOKWORM_RUNSC_RELEASE: RunscRelease = 'release-20221219.0';

/** A runsc feature that only some releases have. */
export type RunscFeature =
  | 'platform-systrap'
  | 'directfs'
  | 'nvproxy'
  | 'overlay2-self'
  | 'overlay2-dir'
  | 'overlay2-size'
  | 'overlay2-bare-path'
  | 'overlay2-on-by-default';

interface FeatureWindow {
  /** First release (YYYYMMDD) that has the feature. */
  readonly since?: number;
  /** First release (YYYYMMDD) that no longer has it. */
  readonly until?: number;
  /** How error messages name the feature. */
  readonly what: string;
}

/**
 * When each feature appeared. release-20221219.0 is checked against the real
 * binary by the e2e suite (none of these exist there except the bare
 * directory form of `--overlay2`). The later dates are the first weekly
 * release known to carry the feature (gVisor release notes and blog: systrap
 * was announced in April 2023 and became the default in release-20230621.0;
 * directfs became the default in mid-2023); for a release in between, check
 * `runsc flags` on the node.
 */
const FEATURES: Record<RunscFeature, FeatureWindow> = {
  'platform-systrap': { since: 20230417, what: 'the systrap platform (--platform=systrap)' },
  'directfs': { since: 20230508, what: 'the --directfs flag' },
  'nvproxy': { since: 20230320, what: 'the --nvproxy flag' },
  'overlay2-self': { since: 20230612, what: "the overlay2 medium 'self'" },
  'overlay2-dir': { since: 20230612, what: "the overlay2 medium 'dir=<path>'" },
  'overlay2-size': { since: 20240212, what: "the overlay2 option 'size='" },
  'overlay2-bare-path': { until: 20230612, what: "the overlay2 medium written as a bare directory path (e.g. 'root:/var/lib/runsc-overlay')" },
  'overlay2-on-by-default': { since: 20230417, what: 'a root filesystem overlay enabled by default' },
};

/** The release in which systrap replaced ptrace as the default platform. */
export const SYSTRAP_DEFAULT_SINCE: RunscRelease = 'release-20230621.0';

const RELEASE_TAG = /^release-(\d{8})\.(\d+)$/;

/** Parses a release into a sortable date number (`current` sorts after every tag). */
export function runscReleaseDate(release: RunscRelease): number {
  if (release === 'current') return Number.POSITIVE_INFINITY;
  const m = RELEASE_TAG.exec(release);
  if (!m) throw new Error(`not a runsc release: ${release}`);
  return Number(m[1]);
}

/**
 * Asserts a runsc release value: `'current'` or `release-YYYYMMDD.N`.
 * Accepts Debian's version spelling (`0.0~20221219.0`) and the bare date
 * (`20221219.0`) and normalises them to the tag.
 */
export function assertRunscRelease(value: unknown, path: string): RunscRelease {
  if (value === 'current') return 'current';
  if (typeof value === 'string') {
    const m = /^(?:release-|0\.0~)?(\d{8})\.(\d+)$/.exec(value);
    if (m) {
      const date = m[1] as string;
      const month = Number(date.slice(4, 6));
      const day = Number(date.slice(6, 8));
      if (Number(date.slice(0, 4)) >= 2018 && month >= 1 && month <= 12 && day >= 1 && day <= 31) {
        return `release-${date}.${m[2]}`;
      }
    }
  }
  throw new GvisorIacError(
    'INVALID_VALUE',
    path,
    value,
    'is not a runsc release',
    'use "current" or a release tag such as "release-20221219.0" (see `runsc --version` on the node)',
  );
}

/** A feature's window, read from own properties only (an absent bound never comes from Object.prototype). */
function featureWindow(feature: RunscFeature): { since: number | undefined; until: number | undefined; what: string } {
  const w = FEATURES[feature];
  return { since: Object.hasOwn(w, 'since') ? w.since : undefined, until: Object.hasOwn(w, 'until') ? w.until : undefined, what: w.what };
}

/** True when `release` has `feature`. */
export function runscReleaseSupports(release: RunscRelease, feature: RunscFeature): boolean {
  const date = runscReleaseDate(release);
  const { since, until } = featureWindow(feature);
  if (since !== undefined && date < since) return false;
  if (until !== undefined && date >= until) return false;
  return true;
}

/**
 * Throws `UNSUPPORTED_BY_RELEASE` naming the release when it lacks `feature`.
 */
export function assertRunscReleaseSupports(release: RunscRelease, feature: RunscFeature, path: string, value: unknown, fix?: string): void {
  if (runscReleaseSupports(release, feature)) return;
  const w = featureWindow(feature);
  const when = w.since !== undefined ? `first released in release-${w.since}.0` : `removed in release-${w.until}.0`;
  throw new GvisorIacError(
    'UNSUPPORTED_BY_RELEASE',
    path,
    value,
    `is not supported by runsc ${release}: ${w.what} was ${when}`,
    fix ?? (w.since !== undefined ? `upgrade runsc on the node and set runscRelease accordingly, or leave ${path} unset` : `leave ${path} unset`),
  );
}
