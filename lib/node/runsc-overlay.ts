import { assertAbsolutePath } from './node-values';
import { RunscRelease, assertRunscReleaseSupports } from './runsc-releases';
import { GvisorIacError } from '../core/errors';

/** Which mounts `--overlay2` wraps: the root filesystem only, or every mount. */
export type RunscOverlayMount = 'root' | 'all';

/**
 * Where the overlay's upper layer lives: sandbox memory, a file next to the
 * container's root filesystem (`self`), or a host directory (`dir=/abs`).
 * Releases before mid-2023 take the directory as a bare path (`root:/abs`).
 */
export type RunscOverlayMedium = 'memory' | 'self' | `dir=${string}` | `/${string}`;

/**
 * The `--overlay2` value: `none`, or `{mount}:{medium}[,size={size}]`, e.g.
 * `root:self` (runsc's default in current releases), `root:memory`,
 * `all:dir=/var/lib/runsc-overlay`, `root:self,size=1g`.
 *
 * @see https://gvisor.dev/docs/user_guide/filesystem/
 */
export type RunscOverlay2 = 'none' | `${RunscOverlayMount}:${RunscOverlayMedium}` | `${RunscOverlayMount}:${RunscOverlayMedium},size=${string}`;

/** The parts of an `--overlay2` value. */
export interface ParsedOverlay2 {
  readonly mount: RunscOverlayMount;
  readonly medium: 'memory' | 'self' | 'dir';
  readonly directory?: string;
  readonly size?: string;
}

const SIZE = /^[1-9][0-9]*[kKmMgGtT]?$/;

/**
 * Parses and checks an `--overlay2` value against the targeted release.
 * Returns `undefined` for `none`.
 */
export function parseOverlay2(value: unknown, path: string, release: RunscRelease): ParsedOverlay2 | undefined {
  const fix = "use 'none' or '{root|all}:{memory|self|dir=/abs/path}[,size=N]', e.g. 'root:self'";
  if (typeof value !== 'string') {
    throw new GvisorIacError('INVALID_TYPE', path, value, 'is not a string', fix);
  }
  if (value === 'none') return undefined;
  const m = /^(root|all):([^,]+)(?:,size=(.*))?$/.exec(value);
  if (!m) {
    throw new GvisorIacError('INVALID_VALUE', path, value, 'is not an overlay2 value', fix);
  }
  const mount = m[1] as RunscOverlayMount;
  const mediumText = m[2] as string;
  const size = m[3];
  let parsed: ParsedOverlay2;
  if (mediumText === 'memory') {
    parsed = { mount, medium: 'memory' };
  } else if (mediumText === 'self') {
    assertRunscReleaseSupports(release, 'overlay2-self', path, value, `use '${mount}:memory' with this release, or upgrade runsc`);
    parsed = { mount, medium: 'self' };
  } else if (mediumText.startsWith('dir=')) {
    const dir = assertAbsolutePath(mediumText.slice(4), path, '/var/lib/runsc-overlay');
    assertRunscReleaseSupports(release, 'overlay2-dir', path, value, `this release takes the directory as a bare path: '${mount}:${dir}'`);
    parsed = { mount, medium: 'dir', directory: dir };
  } else if (mediumText.startsWith('/')) {
    const dir = assertAbsolutePath(mediumText, path, '/var/lib/runsc-overlay');
    assertRunscReleaseSupports(release, 'overlay2-bare-path', path, value, `write '${mount}:dir=${dir}'`);
    parsed = { mount, medium: 'dir', directory: dir };
  } else {
    throw new GvisorIacError('INVALID_VALUE', path, value, `has an unknown overlay medium "${mediumText}"`, fix);
  }
  if (size !== undefined) {
    if (!SIZE.test(size)) {
      throw new GvisorIacError('INVALID_VALUE', path, value, `has an invalid size "${size}"`, 'write the size as a whole number with an optional k, m, g or t suffix, e.g. size=1g');
    }
    assertRunscReleaseSupports(release, 'overlay2-size', path, value, `drop ',size=${size}' for this release, or upgrade runsc`);
    parsed = { ...parsed, size };
  }
  return parsed;
}
