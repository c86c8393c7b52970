#define _GNU_SOURCE /* O_PATH */
#include "write/beneath.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"
#include "base/strbuf.h"
#include "write/durable.h"

int ps_rel_is_beneath(const char *rel)
{
    if (!rel || !*rel || rel[0] == '/')
        return 0;
    for (const char *p = rel;;) {
        const char *end = strchr(p, '/');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
            return 0;
        if (!end)
            return 1;
        p = end + 1;
    }
}

/* Walks the folders of path[0..) from `fd` (not closed here). */
static int walk(int fd, const char *path, int *dirfd, const char **leaf, const char *shown,
                ps_error *err)
{
    int cur = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    *dirfd = -1;
    if (cur < 0)
        return ps_error_set(err, shown, 0, 0, "cannot open folder: %s", strerror(errno));
    const char *p = path;
    for (const char *slash; (slash = strchr(p, '/'));) {
        char *name = ps_strndup(p, (size_t)(slash - p));
        if (!name) {
            close(cur);
            return ps_error_oom(err);
        }
        /* O_PATH on the way (search permission is enough, as for a path
         * handed to the kernel whole); the last folder is opened for real,
         * to be synced and listed. */
        int last = strchr(slash + 1, '/') == NULL;
        int next =
            openat(cur, name, (last ? O_RDONLY : O_PATH) | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        int e = errno;
        if (next < 0) {
            /* O_NOFOLLOW on a symlink: ELOOP; O_DIRECTORY on one: ENOTDIR. */
            struct stat st;
            int link = fstatat(cur, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode);
            close(cur);
            int rc = link ? ps_error_set(err, shown, 0, 0,
                                         "lies behind the symlinked folder '%.*s', which "
                                         "portshift does not follow here",
                                         (int)(slash - path), path)
                          : ps_error_set(err, shown, 0, 0, "cannot open folder '%.*s': %s",
                                         (int)(slash - path), path, strerror(e));
            free(name);
            return rc;
        }
        free(name);
        close(cur);
        cur = next;
        p = slash + 1;
    }
    *dirfd = cur;
    *leaf = p;
    return 0;
}

int ps_beneath_dir(int rootfd, const char *rel, int *dirfd, const char **leaf, const char *shown,
                   ps_error *err)
{
    *dirfd = -1;
    if (!ps_rel_is_beneath(rel))
        return ps_error_set(err, shown, 0, 0, "not a path beneath its home");
    return walk(rootfd, rel, dirfd, leaf, shown, err);
}

int ps_resolved_dir(const char *abs, int *dirfd, const char **leaf, const char *shown,
                    ps_error *err)
{
    *dirfd = -1;
    if (abs[0] != '/' || !ps_rel_is_beneath(abs + 1))
        return ps_error_set(err, shown, 0, 0, "not a resolved path: %s", abs);
    int root = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (root < 0)
        return ps_error_set(err, shown, 0, 0, "cannot open /: %s", strerror(errno));
    int rc = walk(root, abs + 1, dirfd, leaf, shown, err);
    close(root);
    return rc;
}

int ps_open_regular_at(int dirfd, const char *name)
{
    int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return -1;
    struct stat st;
    int bad = fstat(fd, &st) < 0 ? errno : S_ISREG(st.st_mode) ? 0 : EINVAL;
    if (bad) {
        close(fd);
        errno = bad;
        return -1;
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        (void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    return fd;
}

int ps_stage_at(int dirfd, const char *base, char **name)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    /* durable.h's naming rule, its XXXXXX filled in here: mkstemp has no *at form. */
    char *n = ps_staged_template(base);
    *name = NULL;
    if (!n) {
        errno = ENOMEM;
        return -1;
    }
    char *tail = n + strlen(n) - 6;
    for (int tries = 0; tries < 100; tries++) {
        unsigned char r[6];
        if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
            break;
        for (size_t i = 0; i < 6; i++)
            tail[i] = alphabet[r[i] % 62];
        int fd = openat(dirfd, n, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd >= 0) {
            *name = n;
            return fd;
        }
        if (errno != EEXIST)
            break;
    }
    int e = errno;
    free(n);
    errno = e;
    return -1;
}
