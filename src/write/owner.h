/*
 * Who a home belongs to, and what that user may write (the privilege
 * boundary). Root patching /opt/wso2am, owned by wso2, acts for
 * wso2: it changes a file only when wso2 could have changed it. Otherwise a
 * symlink or a hard-to-see permission in a home that wso2 controls would
 * let wso2 have root rewrite a file wso2 may not touch (/etc/passwd behind
 * repository/conf/carbon.xml).
 *
 * The test is the kernel's own permission rule, read from the inode: the
 * owner class, else the named user and group entries of a POSIX access ACL
 * (limited by its mask), else the group class, else others. The owner's
 * groups are its primary group and its supplementary groups from the group
 * database, as a login of that user would have them.
 */
#ifndef PS_WRITE_OWNER_H
#define PS_WRITE_OWNER_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

typedef struct ps_owner {
    uid_t uid;
    gid_t *groups; /* the primary group first */
    size_t ngroups;
} ps_owner;

/* The user `uid` and its groups (only the given primary group `gid` when
 * the user is not in the user database). -1 (o empty) when out of memory. */
int ps_owner_of(ps_owner *o, uid_t uid, gid_t gid);
void ps_owner_free(ps_owner *o);

/* 1 when o may write the open file `fd` (its fstat: `st`), else 0. Root may
 * write anything. */
int ps_owner_can_write(const ps_owner *o, int fd, const struct stat *st);

#endif
