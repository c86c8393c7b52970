#include "output/apply.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"
#include "base/strbuf.h"
#include "output/meta.h"

/*
 * What ps_apply_files knows about one entry between staging and commit. A
 * temp name is freed and set to NULL once the file is renamed into place, so
 * cleanup removes exactly the temp files that still exist.
 */
typedef struct slot {
    char *real;     /* the target, symlinks resolved */
    char *tmp;      /* staged new bytes, renamed over `real` */
    char *bak;      /* <path>.bak (PS_APPLY_BACKUP, when there is none yet) */
    char *bak_tmp;  /* staged original bytes, renamed to `bak` */
    ps_meta origin; /* the original's owner, mode and extended attributes */
    int skip;       /* same target and bytes as an earlier entry */
    int renamed;    /* `real` now holds the new bytes */
} slot;

/* Directory part of `path`: "." when there is none, "/" for a file at the root. */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return ps_xstrdup(".");
    if (slash == path)
        return ps_xstrdup("/");
    return ps_xstrndup(path, (size_t)(slash - path));
}

static const char *base_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static int write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t r = write(fd, data, len);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        data += r;
        len -= (size_t)r;
    }
    return 0;
}

/*
 * Compares the file behind `fd` with expect[0..len) without loading it: a
 * config file that grew past what was planned is as changed as one edited
 * in the middle. Sets *same; -1 (errno set) on a read error.
 */
static int same_bytes(int fd, const char *expect, size_t len, int *same)
{
    char buf[16384];
    size_t off = 0;
    *same = 0;
    for (;;) {
        ssize_t r = read(fd, buf, sizeof buf);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (r == 0)
            break;
        if ((size_t)r > len - off || memcmp(buf, expect + off, (size_t)r) != 0)
            return 0;
        off += (size_t)r;
    }
    *same = off == len;
    return 0;
}

/*
 * Writes data[0..len) to a new temp file next to `target`, with the
 * original's metadata (or an error saying what it cannot keep), fsynced.
 * *tmp receives its name (the caller unlinks and frees it). Errors are
 * reported against `errpath`, the name the caller knows.
 */
static int stage(const char *target, const char *data, size_t len, const ps_meta *meta, char **tmp,
                 const char *errpath, ps_error *err)
{
    int rc = -1;
    char *dir = dir_of(target);
    /* Same directory as the target: rename(2) is only atomic within one filesystem. */
    char *name =
        ps_xasprintf("%s%s.%s.portshift-XXXXXX", dir, strcmp(dir, "/") ? "/" : "", base_of(target));
    int fd = mkstemp(name);
    if (fd < 0) {
        ps_error_set(err, errpath, 0, 0, "cannot create temporary file: %s", strerror(errno));
        free(name);
        name = NULL;
        goto done;
    }
    (void)fcntl(fd, F_SETFD, FD_CLOEXEC);
    if (len > 0 && write_all(fd, data, len) < 0) {
        ps_error_set(err, errpath, 0, 0, "cannot write: %s", strerror(errno));
        goto done;
    }
    /* After the bytes: a write clears set-id bits and security.capability. */
    if (ps_meta_apply(fd, meta, errpath, err) < 0)
        goto done;
    if (fsync(fd) < 0) {
        ps_error_set(err, errpath, 0, 0, "cannot sync: %s", strerror(errno));
        goto done;
    }
    rc = 0;
done:
    if (fd >= 0 && close(fd) < 0 && rc == 0) {
        /* NFS and friends may report a failed write only here. */
        rc = ps_error_set(err, errpath, 0, 0, "cannot write: %s", strerror(errno));
    }
    if (rc < 0 && name) {
        unlink(name);
        free(name);
        name = NULL;
    }
    *tmp = name;
    free(dir);
    return rc;
}

char *ps_backup_name(const char *path)
{
    return ps_xasprintf("%s.bak", path);
}

int ps_backup_exists(const char *path)
{
    struct stat st;
    char *bak = ps_backup_name(path);
    /* lstat: a symlink there, even a dangling one, is somebody's backup too. */
    int exists = lstat(bak, &st) == 0;
    free(bak);
    return exists;
}

/* Resolves, re-checks and stages one entry (and its backup). */
static int stage_one(const ps_write *w, slot *s, unsigned flags, ps_error *err)
{
    int rc = -1;
    int same;
    struct stat st;
    s->real = realpath(w->path, NULL);
    if (!s->real)
        return ps_error_set(err, w->path, 0, 0, "cannot resolve: %s", strerror(errno));
    int fd = open(s->real, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ps_error_set(err, w->path, 0, 0, "cannot open: %s", strerror(errno));
    if (fstat(fd, &st) < 0) {
        ps_error_set(err, w->path, 0, 0, "cannot stat: %s", strerror(errno));
        goto done;
    }
    if (!S_ISREG(st.st_mode)) {
        ps_error_set(err, w->path, 0, 0, "not a regular file");
        goto done;
    }
    if (same_bytes(fd, w->expect, w->expect_len, &same) < 0) {
        ps_error_set(err, w->path, 0, 0, "cannot read: %s", strerror(errno));
        goto done;
    }
    if (!same) {
        ps_error_set(err, w->path, 0, 0, "changed since it was read");
        goto done;
    }
    if (ps_meta_read(&s->origin, fd, &st, w->path, err) < 0)
        goto done;
    if (stage(s->real, w->data, w->len, &s->origin, &s->tmp, w->path, err) < 0)
        goto done;
    /* An existing backup holds an earlier original: never replaced. */
    if ((flags & PS_APPLY_BACKUP) && !ps_backup_exists(w->path)) {
        s->bak = ps_backup_name(w->path);
        if (stage(s->bak, w->expect, w->expect_len, &s->origin, &s->bak_tmp, s->bak, err) < 0)
            goto done;
    }
    rc = 0;
done:
    close(fd);
    return rc;
}

/* Puts the original bytes back after the new ones were renamed into place. */
static int restore(const ps_write *w, slot *s, ps_error *err)
{
    char *tmp = NULL;
    if (stage(s->real, w->expect, w->expect_len, &s->origin, &tmp, w->path, err) < 0)
        return -1;
    if (rename(tmp, s->real) < 0) {
        ps_error_set(err, w->path, 0, 0, "cannot replace: %s", strerror(errno));
        unlink(tmp);
        free(tmp);
        return -1;
    }
    free(tmp);
    return 0;
}

/*
 * Makes the renames durable. By now every file already holds its new bytes,
 * visibly; undoing them because the directory could not be synced would be
 * worse than the (crash-only) risk of losing the rename, so failures are
 * ignored. Each directory is synced once.
 */
static void sync_dirs(char **dirs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++)
            seen = strcmp(dirs[i], dirs[j]) == 0;
        if (seen)
            continue;
        int fd = open(dirs[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
            continue;
        (void)fsync(fd);
        close(fd);
    }
}

/* Puts back every target already renamed; appends what could not be restored to err. */
static void restore_all(const ps_write *w, slot *s, size_t n, ps_error *err)
{
    for (size_t j = 0; j < n; j++) {
        ps_error rerr;
        if (!s[j].renamed || restore(&w[j], &s[j], &rerr) == 0 || !err)
            continue;
        /* Keep the first failure's message; say what is left broken. */
        size_t used = strlen(err->message);
        snprintf(err->message + used, sizeof err->message - used, "; %s could not be restored: %s",
                 w[j].path, rerr.message);
    }
}

int ps_apply_files(const ps_write *w, size_t n, unsigned flags, ps_error *err)
{
    int rc = -1;
    slot *s;
    char **dirs = NULL;
    size_t ndirs = 0, capdirs = 0;
    if (n == 0)
        return 0;
    s = ps_xcalloc(n, sizeof *s);

    for (size_t i = 0; i < n; i++) {
        if (stage_one(&w[i], &s[i], flags, err) < 0)
            goto done;
        /*
         * Two homes may share a file through symlinks. The same new bytes
         * are one write; different ones mean the plan contradicts itself.
         */
        for (size_t j = 0; j < i; j++) {
            if (s[j].skip || strcmp(s[i].real, s[j].real) != 0)
                continue;
            if (w[i].len != w[j].len || (w[i].len && memcmp(w[i].data, w[j].data, w[i].len))) {
                ps_error_set(err, w[i].path, 0, 0, "same file as %s, with different new contents",
                             w[j].path);
                goto done;
            }
            s[i].skip = 1;
            break;
        }
    }

    for (size_t i = 0; i < n; i++) {
        if (s[i].skip)
            continue;
        if (rename(s[i].tmp, s[i].real) < 0) {
            ps_error_set(err, w[i].path, 0, 0, "cannot replace: %s", strerror(errno));
            restore_all(w, s, n, err);
            sync_dirs(dirs, ndirs); /* the restores, as on success */
            goto done;
        }
        free(s[i].tmp);
        s[i].tmp = NULL;
        s[i].renamed = 1;
        *PS_PUSH(dirs, ndirs, capdirs) = dir_of(s[i].real);
    }
    /*
     * Backups last, once every target holds its new bytes: a failure before
     * this point has written no backup at all. If a backup cannot be put in
     * place, the targets go back to their original bytes; backups already
     * renamed then hold exactly those bytes. A path sharing its target with
     * an earlier one still gets its own backup.
     */
    for (size_t i = 0; i < n; i++) {
        if (!s[i].bak_tmp)
            continue;
        if (rename(s[i].bak_tmp, s[i].bak) < 0) {
            ps_error_set(err, s[i].bak, 0, 0, "cannot replace: %s", strerror(errno));
            restore_all(w, s, n, err);
            sync_dirs(dirs, ndirs);
            goto done;
        }
        free(s[i].bak_tmp);
        s[i].bak_tmp = NULL;
        *PS_PUSH(dirs, ndirs, capdirs) = dir_of(s[i].bak);
    }
    sync_dirs(dirs, ndirs);
    rc = 0;
done:
    for (size_t i = 0; i < n; i++) {
        if (s[i].tmp)
            unlink(s[i].tmp);
        if (s[i].bak_tmp)
            unlink(s[i].bak_tmp);
        free(s[i].tmp);
        free(s[i].bak_tmp);
        free(s[i].bak);
        free(s[i].real);
        ps_meta_free(&s[i].origin);
    }
    for (size_t i = 0; i < ndirs; i++)
        free(dirs[i]);
    free(dirs);
    free(s);
    return rc;
}

int ps_home_lock(const char *home, int *fd, ps_error *err)
{
    *fd = -1;
    int d = open(home, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (d < 0)
        return ps_error_set(err, home, 0, 0, "cannot open: %s", strerror(errno));
    while (flock(d, LOCK_EX | LOCK_NB) < 0) {
        int e = errno;
        if (e == EINTR)
            continue;
        close(d);
        if (e == EWOULDBLOCK)
            return ps_error_set(err, home, 0, 0, "another portshift is applying to this home");
        return ps_error_set(err, home, 0, 0, "cannot lock: %s", strerror(e));
    }
    *fd = d;
    return 0;
}

void ps_home_unlock(int fd)
{
    if (fd < 0)
        return;
    /* Explicitly: a child that inherited the descriptor would otherwise keep the lock. */
    (void)flock(fd, LOCK_UN);
    close(fd);
}

int ps_home_running(const char *home, long *pid)
{
    char buf[64];
    ssize_t r;
    char *path = ps_xasprintf("%s/wso2carbon.pid", home);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    free(path);
    if (fd < 0)
        return 0;
    do
        r = read(fd, buf, sizeof buf);
    while (r < 0 && errno == EINTR);
    close(fd);
    /* A pid file is a number and maybe a newline; anything longer is not one. */
    if (r <= 0 || (size_t)r == sizeof buf)
        return 0;

    size_t i = 0, len = (size_t)r;
    long p = 0;
    while (i < len && (buf[i] == ' ' || buf[i] == '\t'))
        i++;
    size_t digits = i;
    for (; i < len && buf[i] >= '0' && buf[i] <= '9'; i++) {
        if (p > (0x7fffffffL - (buf[i] - '0')) / 10) /* beyond any pid_t */
            return 0;
        p = p * 10 + (buf[i] - '0');
    }
    if (i == digits)
        return 0;
    while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
        i++;
    /* kill(0, ...) would test our own process group, not a server. */
    if (i != len || p <= 0)
        return 0;
    if (kill((pid_t)p, 0) < 0 && errno != EPERM)
        return 0;
    if (pid)
        *pid = p;
    return 1;
}
