/*
 * Paths resolved beneath a home without following symlinks (the privilege
 * boundary). A home belongs to a user who may swap any of
 * its folders for a symlink at any moment; root, writing there, must never
 * be led out of it. So a path inside a home is never handed to the kernel
 * whole: each folder is opened from the one before with O_NOFOLLOW, and the
 * writes use the last folder's descriptor (openat, renameat, unlinkat). A
 * folder swapped after it was opened changes nothing: the descriptor still
 * names the folder that was checked. This is what systemd's chase()
 * (src/basic/chase.c) and openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS) do;
 * a walk by hand keeps kernels older than 5.6 (and seccomp filters that
 * refuse openat2) working.
 */
#ifndef PS_WRITE_BENEATH_H
#define PS_WRITE_BENEATH_H

#include <portshift/portshift.h>

/*
 * 1 when `rel` is a path a record may name beneath its home: relative, not
 * empty, no "." or ".." component, no empty component (no "//", no trailing
 * slash). Everything else could leave the home, or name it twice.
 */
int ps_rel_is_beneath(const char *rel);

/*
 * Opens the folder that holds `rel` (a path that ps_rel_is_beneath accepts)
 * from the folder `rootfd`, each component with O_NOFOLLOW: *dirfd is that
 * folder (O_RDONLY | O_DIRECTORY, the caller closes it) and *leaf points
 * into `rel` at its last component. A symlinked folder on the way is
 * refused ("lies behind the symlinked folder ..."), naming `shown`.
 * -1 with err set; *dirfd is then -1.
 */
int ps_beneath_dir(int rootfd, const char *rel, int *dirfd, const char **leaf, const char *shown,
                   ps_error *err);

/*
 * The same for an absolute path that was resolved a moment ago (realpath):
 * walked from "/" without following symlinks, so a folder turned into a
 * symlink since is refused rather than followed.
 */
int ps_resolved_dir(const char *abs, int *dirfd, const char **leaf, const char *shown,
                    ps_error *err);

/*
 * Opens the existing file `name` in folder `dirfd` for reading, without
 * following a symlink and without blocking on a FIFO or a device: -1 with
 * errno ELOOP (a symlink), ENOENT, or EINVAL when it is not a regular file.
 * The descriptor is O_RDONLY | O_CLOEXEC, blocking mode restored.
 */
int ps_open_regular_at(int dirfd, const char *name);

/*
 * Creates a new staged file ".<base>.portshift-XXXXXX" for `base` in folder
 * `dirfd` (mkstemp's naming, mode 0600, O_EXCL | O_NOFOLLOW): the descriptor,
 * and *name its name in that folder (the caller frees). -1 with errno set
 * (ENOMEM: out of memory, nothing created).
 */
int ps_stage_at(int dirfd, const char *base, char **name);

#endif
