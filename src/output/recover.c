#include "output/recover.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"
#include "base/path.h"
#include "detect/running.h"
#include "output/apply.h"
#include "output/durable.h"
#include "output/journal.h"

static int remove_staged(const char *path, ps_error *err)
{
    if (unlink(path) < 0 && errno != ENOENT)
        return ps_error_set(err, path, 0, 0, "cannot remove: %s", strerror(errno));
    return 0;
}

/* Every staged file of j that still exists goes over its target; then its drops go. */
static int finish(const ps_journal *j, ps_error *err)
{
    char **dirs = NULL;
    size_t ndirs = 0, cap = 0;
    int rc = -1;
    for (size_t i = 0; i < j->nrenames; i++) {
        const ps_journal_rename *r = &j->renames[i];
        struct stat st;
        if (lstat(r->from, &st) < 0) {
            if (errno == ENOENT)
                continue; /* renamed before the process died */
            ps_error_set(err, r->from, 0, 0, "cannot stat: %s", strerror(errno));
            goto done;
        }
        if (!S_ISREG(st.st_mode)) {
            ps_error_set(err, r->from, 0, 0, "not a regular file");
            goto done;
        }
        if (rename(r->from, r->to) < 0) {
            ps_error_set(err, r->to, 0, 0, "cannot replace: %s", strerror(errno));
            goto done;
        }
        *PS_PUSH(dirs, ndirs, cap) = ps_path_dir(r->to);
    }
    for (size_t i = 0; i < j->ndrops; i++)
        if (remove_staged(j->drops[i], err) < 0)
            goto done;
    rc = ps_sync_dirs(dirs, ndirs, err);
done:
    ps_free_strings(dirs, ndirs);
    return rc;
}

/*
 * A record that never took effect (or whose every rename is made): its
 * staged files go, drops included. Called after every record that counts is
 * finished: an undo's record that does not count drops the staged files of
 * the apply it was undoing, and those were renamed by then.
 */
static int discard(const ps_journal *j, ps_error *err)
{
    for (size_t i = 0; i < j->nrenames; i++)
        if (remove_staged(j->renames[i].from, err) < 0)
            return -1;
    for (size_t i = 0; i < j->ndrops; i++)
        if (remove_staged(j->drops[i], err) < 0)
            return -1;
    return 0;
}

static void report_line(ps_strbuf *report, const char *what, const ps_journal *j)
{
    ps_strbuf_printf(report, "%s", what);
    for (size_t i = 0; i < j->nhomes; i++)
        ps_strbuf_printf(report, "%s%s", i ? ", " : " ", j->homes[i]);
    ps_strbuf_puts(report, "\n");
}

/* Reads the record of every held home into rec[] (zeroed when none). */
static int read_all(const ps_locks *locks, ps_journal *rec, ps_error *err)
{
    for (size_t i = 0; i < locks->n; i++)
        if (ps_journal_read(locks->items[i].home, &rec[i], err) < 0)
            return -1;
    return 0;
}

static void free_all(ps_journal *rec, size_t n)
{
    for (size_t i = 0; rec && i < n; i++)
        ps_journal_free(&rec[i]);
    free(rec);
}

/* Reads the records, locking the homes they name, until none names a home not held. */
static int read_closed(ps_locks *locks, ps_journal **out, ps_error *err)
{
    for (;;) {
        ps_journal *rec = ps_xcalloc(locks->n ? locks->n : 1, sizeof *rec);
        size_t n = locks->n;
        if (read_all(locks, rec, err) < 0) {
            free_all(rec, n);
            return -1;
        }
        const char **named = NULL;
        size_t nnamed = 0, cap = 0;
        for (size_t i = 0; i < n; i++)
            for (size_t h = 0; h < rec[i].nhomes; h++)
                *PS_PUSH(named, nnamed, cap) = rec[i].homes[h];
        int added = nnamed ? ps_locks_add(locks, named, nnamed, err) : 0;
        free(named);
        if (added == 0) {
            *out = rec;
            return 0;
        }
        free_all(rec, n);
        if (added < 0) {
            /* The lock knows the folder, not why it was asked for it. */
            ps_error_append(err,
                            " (a home of an interrupted apply, named by its " PS_JOURNAL_NAME ")");
            return -1;
        }
    }
}

/* 1 when the first home of rec[i] holds the same record (the apply counts). */
static int committed(const ps_locks *locks, const ps_journal *rec, size_t i)
{
    long c = ps_locks_find(locks, rec[i].homes[0]);
    return c >= 0 && rec[c].id && strcmp(rec[c].id, rec[i].id) == 0;
}

static int first_of_id(const ps_journal *rec, size_t i)
{
    for (size_t k = 0; k < i; k++)
        if (rec[k].id && strcmp(rec[k].id, rec[i].id) == 0)
            return 0;
    return 1;
}

int ps_recover(ps_locks *locks, int force, ps_strbuf *report, ps_error *err)
{
    ps_journal *rec;
    int rc = -1;
    if (read_closed(locks, &rec, err) < 0)
        return -1;
    size_t n = locks->n;
    for (size_t i = 0; i < n; i++) {
        for (size_t h = 0; rec[i].id && h < rec[i].nhomes; h++) {
            long pid;
            if (!force && ps_home_running(rec[i].homes[h], &pid)) {
                ps_error_set(err, rec[i].homes[h], 0, 0,
                             "an interrupted apply must be finished here, but the server is "
                             "running (wso2carbon.pid: process %ld); stop it or use --force",
                             pid);
                goto done;
            }
        }
    }
    /* The applies that count first: a record being replaced by its undo
     * names the same homes, and its staged files must not go before. */
    for (int pass = 1; pass >= 0; pass--) {
        for (size_t i = 0; i < n; i++) {
            if (!rec[i].id || !first_of_id(rec, i) || committed(locks, rec, i) != pass)
                continue;
            if ((pass ? finish(&rec[i], err) : discard(&rec[i], err)) < 0)
                goto done;
            report_line(report,
                        pass ? "finished the interrupted apply of"
                             : "cleaned up after an interrupted apply (nothing was half done) of",
                        &rec[i]);
        }
    }
    for (size_t i = 0; i < n; i++)
        if (rec[i].id && ps_journal_erase_home(locks->items[i].home, err) < 0)
            goto done;
    rc = 0;
done:
    free_all(rec, n);
    return rc;
}

int ps_recover_refuse(const char *home, ps_error *err)
{
    int found = ps_journal_exists(home, err);
    if (found == 1)
        return ps_error_set(err, home, 0, 0,
                            "an apply was interrupted here (" PS_JOURNAL_NAME
                            "); 'portshift apply %s' finishes it",
                            home);
    return found;
}

/* 1 when `dir` (resolved) is `home` (resolved) or lies below it. */
static int inside(const char *dir, const char *home)
{
    size_t n = strlen(home);
    if (n == 1) /* "/" */
        return 1;
    return strncmp(dir, home, n) == 0 && (dir[n] == '\0' || dir[n] == '/');
}

static int sweep(const char *dir, ps_error *err)
{
    DIR *d = opendir(dir);
    if (!d)
        return ps_error_set(err, dir, 0, 0, "cannot open folder: %s", strerror(errno));
    int rc = 0;
    for (struct dirent *e; rc == 0 && (e = readdir(d));) {
        if (!ps_is_staged_name(e->d_name))
            continue;
        char *path = ps_path_join(dir, e->d_name);
        struct stat st;
        if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) && unlink(path) < 0 && errno != ENOENT)
            rc = ps_error_set(err, path, 0, 0, "cannot remove: %s", strerror(errno));
        free(path);
    }
    closedir(d);
    return rc;
}

int ps_recover_staged(const char *const *files, size_t n, const ps_locks *locks, ps_error *err)
{
    char **homes = ps_xcalloc(locks->n ? locks->n : 1, sizeof *homes);
    char **dirs = NULL;
    size_t ndirs = 0, cap = 0;
    int rc = 0;
    for (size_t i = 0; i < locks->n; i++) {
        homes[i] = realpath(locks->items[i].home, NULL);
        if (homes[i])
            *PS_PUSH(dirs, ndirs, cap) = ps_xstrdup(homes[i]);
    }
    for (size_t i = 0; i < n; i++) {
        /* The file's own folder holds its staged file; the folder it is named
         * in holds its backup's. */
        char *real = realpath(files[i], NULL);
        char *named = ps_path_dir(files[i]);
        char *candidates[2] = {real ? ps_path_dir(real) : NULL, realpath(named, NULL)};
        for (size_t k = 0; k < 2; k++)
            if (candidates[k])
                *PS_PUSH(dirs, ndirs, cap) = candidates[k];
        free(real);
        free(named);
    }
    for (size_t i = 0; i < ndirs && rc == 0; i++) {
        int seen = 0, held = 0;
        for (size_t j = 0; j < i && !seen; j++)
            seen = strcmp(dirs[i], dirs[j]) == 0;
        for (size_t h = 0; h < locks->n && !held; h++)
            held = homes[h] && inside(dirs[i], homes[h]);
        if (!seen && held)
            rc = sweep(dirs[i], err);
    }
    ps_free_strings(dirs, ndirs);
    ps_free_strings(homes, locks->n);
    return rc;
}
