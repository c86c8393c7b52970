/*
 * Writing planned changes to disk: all files or none, each one replaced by
 * a temp file renamed over it, so a reader (or a crash) sees either the old
 * bytes or the new ones of each file; a record in every home of the apply
 * (journal.h) lets the next apply finish one that a crash cut short. Also
 * the "is the server running" test. Locks are in lock.h.
 *
 * This module, journal.c and recover.c are the only ones that write files.
 */
#ifndef PS_WRITE_APPLY_H
#define PS_WRITE_APPLY_H

#include <stddef.h>

#include <portshift/portshift.h>

#include "base/error.h"

/* One file to replace. Every pointer is borrowed for the duration of the call. */
typedef struct ps_write {
    const char *path; /* file to replace (may be a symlink: write through to its target) */
    const char *data; /* new bytes */
    size_t len;
    const char *expect; /* the bytes the file had when read (to detect a concurrent change) */
    size_t expect_len;
    /* The home the file belongs to, locked exclusively by the caller: each
     * distinct home receives its record of the apply. NULL for a file of no
     * home (the operator's own choice: written with the caller's rights, as
     * named, and a crash between renames is not recorded). */
    const char *home;
    /* With a home: the file's path relative to it ("repository/conf/carbon.xml"),
     * resolved beneath the home without following symlinks (the privilege
     * boundary: beneath.h). */
    const char *rel;
    /* With a home: a start file of that home outside it (--start-file), `rel`
     * its absolute real path. The operator named it: written with the
     * caller's rights (no privilege boundary), recorded in the home's record
     * by identity (journal.h "start"); no backup of it is kept. */
    int outside;
} ps_write;

/* Keep the original of each file as <path>.bak, unless that backup exists already. */
enum { PS_APPLY_BACKUP = 1 };

/*
 * Replaces every file in w[0..n) or none, even across a crash.
 *
 * For each file: resolve symlinks (realpath), re-read the target and fail if
 * it no longer equals `expect` (someone changed it since it was planned),
 * then stage the new bytes in a temp file in the target's own directory
 * (".<basename>.portshift-XXXXXX"): written, given the original's owner,
 * group, mode and extended attributes (SELinux label, POSIX ACLs, user.*,
 * trusted.* as root: src/write/meta.h), fsynced. A file whose owner or
 * group the caller cannot give (not root, and not theirs), or an attribute
 * that cannot be copied, fails staging with a message saying what cannot be
 * kept. Only when every file is staged are the temp files renamed over their
 * targets, then the directories fsynced.
 *
 * Only when every file is staged: the record of the apply (every staged
 * file and its target, backups included) is written into each home of the
 * entries, then the temp files are renamed over their targets, the
 * directories fsynced, and the records removed. A process killed at any
 * point in between leaves the records, and the next apply finishes the
 * renames (recover.h): finish, not undo, because every new byte is already
 * on disk while the originals of the files renamed so far are not.
 *
 * If staging or recording fails, every temp file (and record) is removed
 * and no target has changed. If a rename or a directory fsync fails, the
 * files already renamed are restored from `expect` (staged, recorded the
 * same way, renamed, synced) and -1 is returned; if even that fails, the
 * message says so and which command finishes the job from the record left.
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
 * The staged files are written first, their write-back started, and then
 * synced a batch at a time; the other homes' records likewise, each home
 * folder synced once, before the commit home's: the same syncs, issued so
 * the disk can take them together.
 *
 * n == 0 is a no-op. Returns 0, or -1 with err->path naming the file (or
 * the directory that could not be synced); out of memory is -1 with
 * PS_ENOMEM noted, and like any failure before the renames leaves every
 * file as it was.
 */
int ps_apply_files(const ps_write *w, size_t n, unsigned flags, ps_error *err);

/* ps_apply_files, with what went wrong after every file was in place (a
 * record that could not be removed, a folder that could not be synced after
 * that) added to `warnings` (NULL: dropped). Such a warning that cannot be
 * kept for want of memory fails the call (PS_ENOMEM), every file in place. */
int ps_apply_write(const ps_write *w, size_t n, unsigned flags, ps_diags *warnings, ps_error *err);

/* "<path>.bak": where PS_APPLY_BACKUP keeps path's original. The caller frees it; NULL when out
 * of memory. */
char *ps_backup_name(const char *path);

/*
 * 1 when something (a file, even a dangling symlink) is at path's backup
 * name: PS_APPLY_BACKUP then leaves it as it is and writes no backup of
 * `path`. The CLI asks under the home lock, to say which it did.
 */
int ps_backup_exists(const char *path);

#endif
