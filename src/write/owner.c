#include "write/owner.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "base/strbuf.h"

int ps_owner_of(ps_owner *o, uid_t uid, gid_t gid)
{
    *o = (ps_owner){.uid = uid};
    long size = sysconf(_SC_GETPW_R_SIZE_MAX);
    size_t bufsize = size > 0 ? (size_t)size : 16384;
    char *buf = ps_malloc(bufsize);
    struct passwd pw, *found = NULL;
    int n = 64;
    o->groups = ps_calloc((size_t)n, sizeof *o->groups);
    if (!buf || !o->groups)
        goto oom;
    o->groups[0] = gid;
    o->ngroups = 1;
    if (getpwuid_r(uid, &pw, buf, bufsize, &found) == 0 && found) {
        o->groups[0] = pw.pw_gid;
        if (getgrouplist(pw.pw_name, pw.pw_gid, o->groups, &n) < 0) {
            gid_t *more = ps_realloc(o->groups, (size_t)n * sizeof *o->groups);
            if (!more)
                goto oom;
            o->groups = more;
            if (getgrouplist(pw.pw_name, pw.pw_gid, o->groups, &n) < 0)
                n = 1;
        }
        o->ngroups = (size_t)n;
    }
    free(buf);
    return 0;
oom:
    free(buf);
    ps_owner_free(o);
    return -1;
}

void ps_owner_free(ps_owner *o)
{
    free(o->groups);
    *o = (ps_owner){0};
}

static int in_groups(const ps_owner *o, gid_t gid)
{
    for (size_t i = 0; i < o->ngroups; i++)
        if (o->groups[i] == gid)
            return 1;
    return 0;
}

/* The POSIX ACL xattr (linux/posix_acl_xattr.h): a 4-byte version, then
 * entries of tag (16 bits), perm (16), id (32), little-endian. */
enum {
    ACL_USER_OBJ = 1,
    ACL_USER = 2,
    ACL_GROUP_OBJ = 4,
    ACL_GROUP = 8,
    ACL_MASK = 16,
    ACL_OTHER = 32
};
#define ACL_W 2

static uint32_t le(const unsigned char *p, size_t n)
{
    uint32_t v = 0;
    for (size_t i = n; i-- > 0;)
        v = v << 8 | p[i];
    return v;
}

/* -1: no usable ACL (the mode decides); else 1 or 0. */
static int acl_can_write(const ps_owner *o, int fd, const struct stat *st)
{
    unsigned char buf[4 + 8 * 512];
    ssize_t len = fgetxattr(fd, "system.posix_acl_access", buf, sizeof buf);
    if (len < 4 || (len - 4) % 8 != 0 || le(buf, 4) != 2)
        return -1;
    int mask = 7, has_mask = 0, user = -1, group_match = 0, group_w = 0, other = 0;
    for (ssize_t off = 4; off < len; off += 8) {
        unsigned tag = le(buf + off, 2), perm = le(buf + off + 2, 2);
        uint32_t id = le(buf + off + 4, 4);
        if (tag == ACL_MASK)
            mask = (int)perm, has_mask = 1;
        else if (tag == ACL_USER && id == o->uid)
            user = (int)perm;
        else if ((tag == ACL_GROUP_OBJ && in_groups(o, st->st_gid)) ||
                 (tag == ACL_GROUP && in_groups(o, (gid_t)id))) {
            group_match = 1;
            group_w |= (perm & ACL_W) != 0;
        } else if (tag == ACL_OTHER)
            other = (int)perm;
    }
    if (user >= 0)
        return (user & mask & ACL_W) != 0;
    if (group_match)
        return group_w && (!has_mask || (mask & ACL_W));
    return (other & ACL_W) != 0;
}

int ps_owner_can_write(const ps_owner *o, int fd, const struct stat *st)
{
    if (o->uid == 0)
        return 1;
    if (st->st_uid == o->uid)
        return (st->st_mode & S_IWUSR) != 0;
    int acl = acl_can_write(o, fd, st);
    if (acl >= 0)
        return acl;
    if (in_groups(o, st->st_gid))
        return (st->st_mode & S_IWGRP) != 0;
    return (st->st_mode & S_IWOTH) != 0;
}
