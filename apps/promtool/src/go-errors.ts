// The wording Go gives the errno errors promtool reports (syscall.Errno.Error).

const goErrno: Record<string, string> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'not a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'file name too long',
  EIO: 'input/output error',
};

/** An error as Go would print the errno behind it, else its message. */
export function goError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code !== undefined && goErrno[code] !== undefined) return goErrno[code];
  return err instanceof Error ? err.message : String(err);
}
