#include "output/apply.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"
#include "base/path.h"
#include "base/strbuf.h"
#include "output/meta.h"
#include "output/durable.h"
#include "output/journal.h"

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
    char *name = ps_staged_template(target);
    int fd = mkstemp(name);
    if (fd < 0) {
        ps_error_set(err, errpath, 0, 0, "cannot create temporary file: %s", strerror(errno));
        free(name);
        name = NULL;
        goto done;
    }
    (void)fcntl(fd, F_SETFD, FD_CLOEXEC);
    if (len > 0 && ps_write_all(fd, data, len) < 0) {
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

/* `path` made absolute, for a record that another process (in another folder) reads. */
static int absolute(const char *path, char **out, ps_error *err)
{
    *out = ps_path_absolute(path);
    if (!*out)
        return ps_error_set(err, path, 0, 0, "cannot read the current folder: %s", strerror(errno));
    return 0;
}

/*
 * The record of this apply (journal.h): its homes (each once, resolved) and
 * every rename in the order it is made: targets first, then backups.
 */
static int record_of(const ps_write *w, const slot *s, size_t n, ps_journal *rec, ps_error *err)
{
    ps_journal_new_id(rec);
    for (size_t i = 0; i < n; i++) {
        if (!w[i].home)
            continue;
        char *home = realpath(w[i].home, NULL);
        if (!home)
            return ps_error_set(err, w[i].home, 0, 0, "cannot resolve: %s", strerror(errno));
        size_t h = 0;
        while (h < rec->nhomes && strcmp(rec->homes[h], home) != 0)
            h++;
        if (h == rec->nhomes)
            ps_journal_add_home(rec, home);
        free(home);
    }
    for (size_t i = 0; i < n; i++)
        if (!s[i].skip)
            ps_journal_add_rename(rec, s[i].tmp, s[i].real); /* both absolute: from realpath */
    /* A second entry for one file was staged too, but is never renamed. */
    for (size_t i = 0; i < n; i++)
        if (s[i].skip)
            ps_journal_add_drop(rec, s[i].tmp);
    for (size_t i = 0; i < n; i++) {
        char *from, *to;
        if (!s[i].bak_tmp)
            continue;
        if (absolute(s[i].bak_tmp, &from, err) < 0)
            return -1;
        if (absolute(s[i].bak, &to, err) < 0) {
            free(from);
            return -1;
        }
        ps_journal_add_rename(rec, from, to);
        free(from);
        free(to);
    }
    return 0;
}

/*
 * Puts the original bytes back in every target already renamed, after a
 * rename or a folder sync failed. It is an apply of its own, and recorded
 * like one: the originals are staged, a record of the undo replaces the
 * apply's in every home (homes[0] last: until then a crash finishes the
 * apply; from then on it finishes the undo), renamed, synced, and the record
 * removed. Backups already renamed stay: they hold the original bytes.
 *
 * Returns 1 when staged files of the apply must stay because a record still
 * names them (the undo could not be completed; the message says how the next
 * apply finishes), 0 when they can go.
 */
static int undo(const ps_write *w, slot *s, size_t n, const ps_journal *rec, ps_error *err)
{
    ps_journal back = {0};
    char **orig = ps_xcalloc(n, sizeof *orig);
    char **dirs = NULL;
    size_t ndirs = 0, cap = 0;
    ps_error uerr = {{0}, 0, 0, {0}};
    int recorded = 0, failed = 0;

    ps_journal_new_id(&back);
    for (size_t h = 0; h < rec->nhomes; h++)
        ps_journal_add_home(&back, rec->homes[h]);
    for (size_t j = 0; j < n && !failed; j++) {
        if (!s[j].renamed)
            continue;
        failed = stage(s[j].real, w[j].expect, w[j].expect_len, &s[j].origin, &orig[j], w[j].path,
                       &uerr) < 0;
        if (!failed)
            ps_journal_add_rename(&back, orig[j], s[j].real);
    }
    /* The apply's staged files that were never renamed go once the undo counts. */
    for (size_t j = 0; j < n && !failed; j++) {
        char *abs = NULL;
        if (s[j].tmp)
            ps_journal_add_drop(&back, s[j].tmp);
        if (s[j].bak_tmp && absolute(s[j].bak_tmp, &abs, &uerr) < 0)
            failed = 1;
        else if (abs)
            ps_journal_add_drop(&back, abs);
        free(abs);
    }
    if (!failed && back.nhomes) {
        int wrote = ps_journal_write(&back, &uerr);
        recorded = wrote != -1;
        failed = wrote < 0;
    }
    if (failed) {
        /* Not a single original is back. Unrecorded, the apply's own record
         * still counts: its staged files stay for the next apply. Recorded
         * (homes[0] holds the undo but its folder could not be synced), the
         * staged originals stay for the next apply. */
        for (size_t j = 0; j < n && !recorded; j++)
            if (orig[j])
                unlink(orig[j]);
        ps_error_append(err, "; the originals could not be restored: %s%s%s", uerr.path,
                        uerr.path[0] ? ": " : "", uerr.message);
        if (rec->nhomes)
            ps_error_append(err, "; 'portshift apply %s' finishes the %s", rec->homes[0],
                            recorded ? "restore" : "apply");
        recorded = rec->nhomes > 0;
        goto done;
    }
    /* Every file gets its chance, even after one fails. */
    for (size_t j = 0; j < n; j++) {
        if (!orig[j])
            continue;
        if (rename(orig[j], s[j].real) < 0) {
            ps_error_append(err, "; %s could not be restored: cannot replace: %s", w[j].path,
                            strerror(errno));
            failed = 1;
            if (!recorded)
                unlink(orig[j]); /* unrecorded: no one would ever rename it */
            continue;
        }
        *PS_PUSH(dirs, ndirs, cap) = ps_path_dir(s[j].real);
    }
    if (ps_sync_dirs(dirs, ndirs, &uerr) < 0) {
        ps_error_append(err, "; the restored files may not survive a crash: %s: %s", uerr.path,
                        uerr.message);
        failed = 1;
    }
    if (failed && recorded) {
        ps_error_append(err, "; 'portshift apply %s' finishes the restore", rec->homes[0]);
        goto done;
    }
    if (back.nhomes && ps_journal_erase(&back, &uerr) < 0)
        ps_error_append(err, "; the originals are back, but %s: %s", uerr.path, uerr.message);
    recorded = 0;
done:
    ps_free_strings(orig, n);
    ps_free_strings(dirs, ndirs);
    ps_journal_free(&back);
    return recorded;
}

int ps_apply_files(const ps_write *w, size_t n, unsigned flags, ps_error *err)
{
    int rc = -1, keep = 0;
    slot *s;
    char **dirs = NULL;
    size_t ndirs = 0, capdirs = 0;
    ps_journal rec = {0};
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

    /* Every file is staged and synced: record what follows before the first rename. */
    if (record_of(w, s, n, &rec, err) < 0)
        goto done;
    if (rec.nhomes && ps_journal_write(&rec, err) < 0) {
        (void)ps_journal_erase(&rec, NULL); /* nothing renamed yet: the record goes */
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        if (s[i].skip)
            continue;
        if (rename(s[i].tmp, s[i].real) < 0) {
            ps_error_set(err, w[i].path, 0, 0, "cannot replace: %s", strerror(errno));
            goto undo;
        }
        free(s[i].tmp);
        s[i].tmp = NULL;
        s[i].renamed = 1;
        *PS_PUSH(dirs, ndirs, capdirs) = ps_path_dir(s[i].real);
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
            goto undo;
        }
        free(s[i].bak_tmp);
        s[i].bak_tmp = NULL;
        *PS_PUSH(dirs, ndirs, capdirs) = ps_path_dir(s[i].bak);
    }
    /* Until the folders are synced the renames may not survive a crash:
     * a failure here is a failed apply, undone like a failed rename. */
    if (ps_sync_dirs(dirs, ndirs, err) < 0)
        goto undo;
    if (rec.nhomes && ps_journal_erase(&rec, err) < 0) {
        ps_error_append(err, "; every file is updated, and the next apply removes the record");
        goto done;
    }
    rc = 0;
    goto done;
undo:
    keep = undo(w, s, n, &rec, err);
done:
    for (size_t i = 0; i < n; i++) {
        if (s[i].tmp && !keep)
            unlink(s[i].tmp);
        if (s[i].bak_tmp && !keep)
            unlink(s[i].bak_tmp);
        free(s[i].tmp);
        free(s[i].bak_tmp);
        free(s[i].bak);
        free(s[i].real);
        ps_meta_free(&s[i].origin);
    }
    ps_free_strings(dirs, ndirs);
    free(s);
    ps_journal_free(&rec);
    return rc;
}
