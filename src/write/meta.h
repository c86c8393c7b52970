/*
 * What a replaced file keeps of the one it replaces: owner, group, mode and
 * every extended attribute the caller can read (the SELinux label
 * security.selinux, POSIX ACLs in system.posix_acl_*, user.*, and trusted.*
 * when root). Read once from the original, put on each temp file that
 * stands in for it (the new bytes, the backup, a restore), and checked there,
 * so a file that cannot carry it all is refused before anything is renamed.
 */
#ifndef PS_WRITE_META_H
#define PS_WRITE_META_H

#include <stddef.h>
#include <sys/stat.h>

#include <portshift/portshift.h>

typedef struct ps_xattr {
    char *name;
    char *value;
    size_t len;
} ps_xattr;

typedef struct ps_meta {
    uid_t uid;
    gid_t gid;
    mode_t mode; /* permission and set-id bits only (07777) */
    ps_xattr *xattrs;
    size_t count;
} ps_meta;

/*
 * Reads the metadata of the open file `fd`, whose fstat is `st`, into *m
 * (the caller frees it with ps_meta_free, also after an error). A file
 * system without extended attributes (ENOTSUP) has none: not an error.
 * Errors name `errpath`; out of memory is ps_error_oom's.
 */
int ps_meta_read(ps_meta *m, int fd, const struct stat *st, const char *errpath, ps_error *err);

/*
 * Gives the file `fd` (a temp file this process created) exactly the
 * metadata m: owner and group, then extended attributes (removing any it got
 * from a default ACL that the original lacks), then the mode, and checks the
 * result. -1 with a message naming `errpath` and what could not be kept (an
 * owner or group other than the caller's, when not root; an attribute the
 * file system or the caller's rights refuse), or ps_error_oom's.
 */
int ps_meta_apply(int fd, const ps_meta *m, const char *errpath, ps_error *err);

void ps_meta_free(ps_meta *m);

#endif
