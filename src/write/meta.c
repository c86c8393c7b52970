#include "write/meta.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "base/error.h"
#include "base/strbuf.h"

/*
 * Attributes the kernel computes from the contents (IMA's hash, EVM's HMAC
 * over the metadata): the original's values would mark the new bytes as
 * tampered with, so they are neither copied nor removed.
 */
static int kernel_made(const char *name)
{
    return strcmp(name, "security.ima") == 0 || strcmp(name, "security.evm") == 0;
}

/*
 * The bytes `get` gives for (fd, name): first asked for their size, then
 * read, again when they grew in between. -1, errno set (ENOMEM: out of
 * memory).
 */
static int read_sized(ssize_t (*get)(int, const char *, void *, size_t), int fd, const char *name,
                      char **out, size_t *len)
{
    for (;;) {
        ssize_t want = get(fd, name, NULL, 0);
        if (want < 0)
            return -1;
        char *buf = ps_malloc((size_t)want + 1);
        if (!buf) {
            errno = ENOMEM;
            return -1;
        }
        ssize_t got = want > 0 ? get(fd, name, buf, (size_t)want) : 0;
        if (got < 0) {
            int e = errno;
            free(buf);
            if (e == ERANGE)
                continue;
            errno = e;
            return -1;
        }
        *out = buf;
        *len = (size_t)got;
        return 0;
    }
}

static ssize_t get_names(int fd, const char *unused, void *buf, size_t size)
{
    (void)unused;
    return flistxattr(fd, buf, size);
}

/* The NUL-separated names of fd's extended attributes; ENOTSUP: the file system has none. */
static int list_names(int fd, char **names, size_t *len)
{
    return read_sized(get_names, fd, NULL, names, len);
}

/* The value of attribute `name` of fd; ENODATA: none. */
static int get_value(int fd, const char *name, char **value, size_t *len)
{
    return read_sized(fgetxattr, fd, name, value, len);
}

static const ps_xattr *find(const ps_meta *m, const char *name)
{
    for (size_t i = 0; i < m->count; i++)
        if (strcmp(m->xattrs[i].name, name) == 0)
            return &m->xattrs[i];
    return NULL;
}

/* An attribute call's failure (errno) as an error: out of memory is PS_ENOMEM. */
static int xattr_error(ps_error *err, const char *errpath, const char *what, const char *name)
{
    int e = errno;
    if (e == ENOMEM)
        return ps_error_oom(err);
    return ps_error_set(err, errpath, 0, 0, "%s%s: %s", what, name, strerror(e));
}

/* 1 when fd's attribute `name` holds exactly x's value, 0 when not, -1 when
 * out of memory. */
static int holds(int fd, const ps_xattr *x)
{
    char *value;
    size_t len;
    if (get_value(fd, x->name, &value, &len) < 0)
        return errno == ENOMEM ? -1 : 0;
    int same = len == x->len && (len == 0 || memcmp(value, x->value, len) == 0);
    free(value);
    return same;
}

int ps_meta_read(ps_meta *m, int fd, const struct stat *st, const char *errpath, ps_error *err)
{
    char *names = NULL;
    size_t len = 0;
    m->uid = st->st_uid;
    m->gid = st->st_gid;
    m->mode = st->st_mode & 07777;
    m->xattrs = NULL;
    m->count = 0;
    if (list_names(fd, &names, &len) < 0) {
        if (errno == ENOTSUP)
            return 0;
        return xattr_error(err, errpath, "cannot list extended attributes", "");
    }
    int rc = 0;
    size_t cap = 0;
    for (size_t at = 0; at < len; at += strlen(names + at) + 1) {
        const char *name = names + at;
        if (kernel_made(name))
            continue;
        ps_xattr x = {NULL, NULL, 0};
        if (get_value(fd, name, &x.value, &x.len) < 0) {
            if (errno == ENODATA) /* removed since it was listed */
                continue;
            rc = xattr_error(err, errpath, "cannot read extended attribute ", name);
            break;
        }
        x.name = ps_strdup(name);
        ps_xattr *slot = x.name ? PS_TRY_PUSH(m->xattrs, m->count, cap) : NULL;
        if (!slot) {
            free(x.name);
            free(x.value);
            rc = ps_error_oom(err);
            break;
        }
        *slot = x;
    }
    free(names);
    return rc;
}

/* "root (uid 0)", or "uid 1234" for a uid without a name; NULL when out of memory. */
static char *who(uid_t uid)
{
    const struct passwd *pw = getpwuid(uid);
    return pw ? ps_asprintf("%s (uid %lu)", pw->pw_name, (unsigned long)uid)
              : ps_asprintf("uid %lu", (unsigned long)uid);
}

static char *which_group(gid_t gid)
{
    const struct group *gr = getgrgid(gid);
    return gr ? ps_asprintf("%s (gid %lu)", gr->gr_name, (unsigned long)gid)
              : ps_asprintf("gid %lu", (unsigned long)gid);
}

static int keep_owner(int fd, const ps_meta *m, const char *errpath, ps_error *err)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return ps_error_set(err, errpath, 0, 0, "cannot stat: %s", strerror(errno));
    /* One id at a time, so the message says which could not be kept. */
    if (st.st_uid != m->uid && fchown(fd, m->uid, (gid_t)-1) < 0) {
        int e = errno;
        char *owner = who(m->uid);
        if (!owner)
            return ps_error_oom(err);
        ps_error_set(err, errpath, 0, 0, "cannot keep the owner %s: %s", owner, strerror(e));
        free(owner);
        return -1;
    }
    if (st.st_gid != m->gid && fchown(fd, (uid_t)-1, m->gid) < 0) {
        int e = errno;
        char *group = which_group(m->gid);
        if (!group)
            return ps_error_oom(err);
        ps_error_set(err, errpath, 0, 0, "cannot keep the group %s: %s", group, strerror(e));
        free(group);
        return -1;
    }
    return 0;
}

/*
 * The temp file may have attributes of its own: an ACL inherited from the
 * folder's default ACL, a label from a type transition. Those the original
 * lacks go; those it has are set unless already equal (setting an equal
 * SELinux label still needs the relabel permission).
 */
static int keep_xattrs(int fd, const ps_meta *m, const char *errpath, ps_error *err)
{
    char *names = NULL;
    size_t len = 0;
    if (list_names(fd, &names, &len) < 0) {
        if (errno != ENOTSUP)
            return xattr_error(err, errpath, "cannot list extended attributes", "");
        len = 0;
    }
    for (size_t at = 0; at < len; at += strlen(names + at) + 1) {
        const char *name = names + at;
        if (find(m, name) || kernel_made(name))
            continue;
        if (fremovexattr(fd, name) < 0 && errno != ENODATA) {
            ps_error_set(err, errpath, 0, 0,
                         "cannot drop extended attribute %s, which the original lacks: %s", name,
                         strerror(errno));
            free(names);
            return -1;
        }
    }
    free(names);
    for (size_t i = 0; i < m->count; i++) {
        const ps_xattr *x = &m->xattrs[i];
        int same = holds(fd, x);
        if (same < 0)
            return ps_error_oom(err);
        if (!same && fsetxattr(fd, x->name, x->value, x->len, 0) < 0)
            return ps_error_set(err, errpath, 0, 0, "cannot keep extended attribute %s: %s",
                                x->name, strerror(errno));
    }
    return 0;
}

int ps_meta_apply(int fd, const ps_meta *m, const char *errpath, ps_error *err)
{
    /*
     * Owner first: a chown clears the set-id bits and security.capability.
     * Mode last: setting an access ACL rewrites the group bits (and may clear
     * set-group-id), while a chmod rewrites the ACL's mask from the mode,
     * which for the original's own mode gives the original's ACL back.
     */
    if (keep_owner(fd, m, errpath, err) < 0 || keep_xattrs(fd, m, errpath, err) < 0)
        return -1;
    if (fchmod(fd, m->mode) < 0)
        return ps_error_set(err, errpath, 0, 0, "cannot keep the mode %04o: %s", (unsigned)m->mode,
                            strerror(errno));

    /* What the kernel may still have adjusted on the way. */
    struct stat st;
    if (fstat(fd, &st) < 0)
        return ps_error_set(err, errpath, 0, 0, "cannot stat: %s", strerror(errno));
    if ((st.st_mode & 07777) != m->mode)
        return ps_error_set(err, errpath, 0, 0, "cannot keep the mode %04o: it became %04o",
                            (unsigned)m->mode, (unsigned)(st.st_mode & 07777));
    for (size_t i = 0; i < m->count; i++) {
        int same = holds(fd, &m->xattrs[i]);
        if (same < 0)
            return ps_error_oom(err);
        if (!same)
            return ps_error_set(err, errpath, 0, 0,
                                "cannot keep extended attribute %s: the file system changed it",
                                m->xattrs[i].name);
    }
    return 0;
}

void ps_meta_free(ps_meta *m)
{
    for (size_t i = 0; i < m->count; i++) {
        free(m->xattrs[i].name);
        free(m->xattrs[i].value);
    }
    free(m->xattrs);
    m->xattrs = NULL;
    m->count = 0;
}
