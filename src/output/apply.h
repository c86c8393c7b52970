/*
 * Writing planned changes to disk: all files or none, each one replaced by
 * a temp file renamed over it, so a reader (or a crash) sees either the old
 * bytes or the new ones, never a mix. Also the per-home lock that keeps two
 * applies apart, and the "is the server running" test.
 *
 * This is the only module of portshift that writes files.
 */
#ifndef PS_OUTPUT_APPLY_H
#define PS_OUTPUT_APPLY_H

#include <stddef.h>

#include <portshift/portshift.h>

/* One file to replace. Every pointer is borrowed for the duration of the call. */
typedef struct ps_write {
    const char *path; /* file to replace (may be a symlink: write through to its target) */
    const char *data; /* new bytes */
    size_t len;
    const char *expect; /* the bytes the file had when read (to detect a concurrent change) */
    size_t expect_len;
} ps_write;

/* Keep the original of each file as <path>.bak, unless that backup exists already. */
enum { PS_APPLY_BACKUP = 1 };

/*
 * Replaces every file in w[0..n) or none.
 *
 * For each file: resolve symlinks (realpath), re-read the target and fail if
 * it no longer equals `expect` (someone changed it since it was planned),
 * then stage the new bytes in a temp file in the target's own directory
 * (".<basename>.portshift-XXXXXX"): written, given the original's owner,
 * group, mode and extended attributes (SELinux label, POSIX ACLs, user.*,
 * trusted.* as root: src/output/meta.h), fsynced. A file whose owner or
 * group the caller cannot give (not root, and not theirs), or an attribute
 * that cannot be copied, fails staging with a message saying what cannot be
 * kept. Only when every file is staged are the temp files renamed over their
 * targets, then the directories fsynced.
 *
 * If staging fails anywhere, every temp file is removed and no target has
 * changed. If a rename fails after others succeeded, the files already
 * renamed are restored from `expect` (the same temp + rename way) and -1 is
 * returned; the message says so if a restore failed too.
 *
 * With PS_APPLY_BACKUP, <path>.bak (next to `path` as given, not to the
 * symlink's target) receives the original bytes and metadata the same safe
 * way, unless something is already there (ps_backup_exists): a backup is
 * never replaced, so it keeps the oldest original. Backups are renamed into
 * place only after every target, so a failure before that writes none. If a
 * backup cannot be put in place the targets are restored; the backups
 * already renamed then hold exactly the restored bytes.
 *
 * Two entries resolving to the same file are accepted when they carry the
 * same bytes (written once), refused otherwise.
 *
 * n == 0 is a no-op. Returns 0, or -1 with err->path naming the file.
 */
int ps_apply_files(const ps_write *w, size_t n, unsigned flags, ps_error *err);

/* "<path>.bak": where PS_APPLY_BACKUP keeps path's original. The caller frees it. */
char *ps_backup_name(const char *path);

/*
 * 1 when something (a file, even a dangling symlink) is at path's backup
 * name: PS_APPLY_BACKUP then leaves it as it is and writes no backup of
 * `path`. The CLI asks under the home lock, to say which it did.
 */
int ps_backup_exists(const char *path);

/*
 * Takes an exclusive, non-blocking lock on directory `home` (flock on an
 * O_RDONLY|O_DIRECTORY fd, so nothing is created in the home). On success
 * *fd is the lock to pass to ps_home_unlock. When another process (or
 * another open of the home) holds it: -1 with message "another portshift is
 * applying to this home".
 */
int ps_home_lock(const char *home, int *fd, ps_error *err);
/* Releases a lock from ps_home_lock; a negative fd is ignored. */
void ps_home_unlock(int fd);

/*
 * 1 when `home` has a wso2carbon.pid file (at the home root) naming a live
 * process (kill(pid, 0) succeeds or fails with EPERM), and then *pid (if not
 * NULL) is that pid; 0 when not (no file, unparsable, or dead process).
 */
int ps_home_running(const char *home, long *pid);

#endif
