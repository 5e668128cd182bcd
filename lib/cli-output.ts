// `--output FILE` of the gvisor-iac commands: the file is replaced whole, or not at all.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GvisorIacError } from './core/errors';

/**
 * Writes `text` to `file` atomically: into a temporary file in the same
 * directory, flushed to disk, then renamed over `file`. A reader (containerd,
 * dockerd, a shell) sees the old file or the new one, never a truncated one;
 * a run that fails writes nothing. An existing file keeps its permission
 * bits (and, written by root, its owner); a new one gets `mode`; a symlink is kept and its target replaced. Throws `GvisorIacError` (path `--output`) for
 * a target that is not a regular file or a directory that cannot be written.
 */
export function writeFileAtomic(given: string, text: string, mode = 0o644): void {
  let file = given;
  const fail = (problem: string, fix: string): never => {
    throw new GvisorIacError('INVALID_VALUE', '--output', given, problem, fix);
  };
  if (file === '' || file.endsWith('/')) fail('names no file', 'pass a file path, e.g. --output /etc/containerd/conf.d/gvisor.toml');
  let existing: fs.Stats | undefined;
  try {
    // A symlink stays one: the file it points to is what gets replaced.
    if (fs.lstatSync(file).isSymbolicLink()) file = fs.realpathSync(file);
    existing = fs.statSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') fail(`cannot be inspected (${(e as NodeJS.ErrnoException).code})`, 'run as a user that can write it (usually root)');
  }
  if (existing && !existing.isFile()) fail('is not a regular file', 'pass the path of the file to write (a directory or device is never replaced)');
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}.gvisor-iac-${randomBytes(6).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    fd = fs.openSync(temp, 'wx', existing ? existing.mode % 0o10000 : mode);
    fs.writeFileSync(fd, text);
    // The umask may have narrowed the mode given at creation.
    fs.fchmodSync(fd, existing ? existing.mode % 0o10000 : mode);
    // Root replacing another user's file hands it back to that user, as an in-place write would.
    if (existing && process.getuid?.() === 0) fs.fchownSync(fd, existing.uid, existing.gid);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(temp, file);
  } catch (e) {
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(temp, { force: true });
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    if (code === 'ENOENT') fail(`cannot be written: its directory ${dir} does not exist`, `create ${dir} first`);
    fail(`cannot be written (${code})`, 'run as a user that can write the directory (usually root)');
  }
}
