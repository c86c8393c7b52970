/*
 * The command line: parses arguments, runs the pipeline
 * (detect -> load -> sites -> plan -> render -> diff | apply | report)
 * and maps the outcome to an exit status. All state lives in one `run`
 * so the CLI can be called again and again in-process (tests do).
 */
#include <portshift/portshift.h>

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"
#include "base/strbuf.h"
#include "catalog/catalog.h"
#include "detect/detect.h"
#include "load/config.h"
#include "output/apply.h"
#include "output/diff.h"
#include "output/lock.h"
#include "output/recover.h"
#include "output/report.h"
#include "plan/plan.h"
#include "render/render.h"
#include "sites/sites.h"

#define OFFSET_MAX 65535L

static const char usage_text[] =
    "usage: portshift plan  [--offset N] [--json] HOME[=N]...\n"
    "       portshift diff  [--offset N] HOME[=N]...\n"
    "       portshift apply [--offset N] [--backup] [--force] HOME[=N]...\n"
    "       portshift ports [--offset N] [--json] HOME[=N]...\n"
    "\n"
    "Exit status: 0 nothing to change (apply: done), 1 changes pending (diff),\n"
    "2 usage or input error (nothing written).\n";

typedef enum command { CMD_PLAN, CMD_DIFF, CMD_APPLY, CMD_PORTS } command;

typedef struct home_arg {
    char *path;
    int has_target;
    long target;
    size_t home;   /* index into run.homes once loaded */
    char *runtime; /* a runtime inside the home (wso2/broker), or NULL for the home */
} home_arg;

typedef struct run {
    command cmd;
    int json, backup, force;
    int has_offset;
    long offset;
    home_arg *args;
    size_t nargs;
    ps_catalog *cat;
    ps_home **homes; /* distinct homes */
    size_t nhomes;
    ps_config *configs; /* per unit */
    ps_sites *sites;    /* per unit */
    ps_unit *units;
    size_t nunits;
    ps_plan *plan;
    ps_locks locks; /* every home, held from before it is read until the output is out */
    FILE *out, *err;
    int out_errno; /* the first failed write to `out` */
} run;

/* Writes a finished report to `out`, keeping the errno of a short write:
 * by the time the stream is flushed at exit, errno says nothing any more. */
static void emit(run *r, const ps_strbuf *b)
{
    if (b->len && fwrite(b->data, 1, b->len, r->out) < b->len && !r->out_errno)
        r->out_errno = errno ? errno : EIO;
}

static int parse_offset(const char *s, long *v, ps_error *err)
{
    char *end;
    errno = 0;
    long n = strtol(s, &end, 10);
    if (!*s || *end || errno)
        return ps_error_set(err, NULL, 0, 0, "offset '%s' is not a number", s);
    if (n < 0)
        return ps_error_set(err, NULL, 0, 0, "offset %ld is negative", n);
    if (n > OFFSET_MAX)
        return ps_error_set(err, NULL, 0, 0, "offset %ld is larger than %ld", n, OFFSET_MAX);
    *v = n;
    return 0;
}

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* HOME=N: the last '=' starts the offset, unless the whole word names a folder. */
static int parse_home(const char *word, home_arg *h, ps_error *err)
{
    const char *eq = strrchr(word, '=');
    memset(h, 0, sizeof *h);
    if (!eq || is_dir(word)) {
        h->path = ps_xstrdup(word);
        return 0;
    }
    h->path = ps_xstrndup(word, (size_t)(eq - word));
    h->has_target = 1;
    return parse_offset(eq + 1, &h->target, err);
}

static int parse_args(run *r, int argc, char **argv, ps_error *err)
{
    if (argc < 2)
        return ps_error_set(err, NULL, 0, 0, "no command given");
    static const char *const names[] = {"plan", "diff", "apply", "ports"};
    size_t c = 0;
    while (c < 4 && strcmp(argv[1], names[c]) != 0)
        c++;
    if (c == 4) {
        if (strcmp(argv[1], "check") == 0 || strcmp(argv[1], "batch") == 0)
            return ps_error_set(err, NULL, 0, 0, "'%s' is not implemented yet", argv[1]);
        return ps_error_set(err, NULL, 0, 0, "unknown command '%s'", argv[1]);
    }
    r->cmd = (command)c;
    size_t cap = 0;
    int only_homes = 0;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (!only_homes && strcmp(a, "--") == 0) {
            only_homes = 1;
        } else if (!only_homes && strcmp(a, "--offset") == 0) {
            if (i + 1 >= argc)
                return ps_error_set(err, NULL, 0, 0, "--offset needs a value");
            if (parse_offset(argv[++i], &r->offset, err) < 0)
                return -1;
            r->has_offset = 1;
        } else if (!only_homes && strncmp(a, "--offset=", 9) == 0) {
            if (parse_offset(a + 9, &r->offset, err) < 0)
                return -1;
            r->has_offset = 1;
        } else if (!only_homes && strcmp(a, "--json") == 0 &&
                   (r->cmd == CMD_PLAN || r->cmd == CMD_PORTS)) {
            r->json = 1;
        } else if (!only_homes && strcmp(a, "--backup") == 0 && r->cmd == CMD_APPLY) {
            r->backup = 1;
        } else if (!only_homes && strcmp(a, "--force") == 0 && r->cmd == CMD_APPLY) {
            r->force = 1;
        } else if (!only_homes && a[0] == '-' && a[1]) {
            return ps_error_set(err, NULL, 0, 0, "unknown option '%s' for %s", a, argv[1]);
        } else {
            home_arg *h = PS_PUSH(r->args, r->nargs, cap);
            if (parse_home(a, h, err) < 0)
                return -1;
        }
    }
    if (!r->nargs)
        return ps_error_set(err, NULL, 0, 0, "no HOME given");
    return 0;
}

/* HOME/wso2/<profile> names a runtime of an EI home: split it into the two. */
static char *split_runtime(const char *path, char **runtime)
{
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    char *p = ps_xstrndup(path, n);
    *runtime = NULL;
    char *last = strrchr(p, '/');
    if (!last || last == p)
        return p;
    *last = '\0';
    char *prev = strrchr(p, '/');
    const char *parent = prev ? prev + 1 : p;
    if (strcmp(parent, "wso2") == 0) {
        char *home = prev ? ps_xstrndup(p, (size_t)(prev - p)) : ps_xstrdup(".");
        *runtime = ps_xasprintf("wso2/%s", last + 1);
        free(p);
        return home;
    }
    *last = '/';
    return p;
}

static int same_dir(const char *a, const char *b)
{
    struct stat x, y;
    return stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}

/* detect: each argument names a home, or a runtime inside one; a home named twice loads once. */
static int detect_all(run *r, ps_error *err)
{
    r->homes = ps_xcalloc(r->nargs, sizeof *r->homes);
    for (size_t i = 0; i < r->nargs; i++) {
        home_arg *a = &r->args[i];
        char *path = split_runtime(a->path, &a->runtime);
        size_t h = 0;
        while (h < r->nhomes && !same_dir(r->homes[h]->path, path))
            h++;
        if (h == r->nhomes) {
            if (ps_detect(&r->homes[h], r->cat, path, err) < 0) {
                free(path);
                return -1;
            }
            r->nhomes++;
        }
        free(path);
        a->home = h;
        for (size_t j = 0; j < i; j++) {
            const home_arg *b = &r->args[j];
            int same_rt = (!a->runtime && !b->runtime) ||
                          (a->runtime && b->runtime && strcmp(a->runtime, b->runtime) == 0);
            if (b->home == h && same_rt &&
                (a->has_target != b->has_target || a->target != b->target))
                return ps_error_set(err, a->path, 0, 0, "named twice with different offsets");
        }
        if (a->runtime) {
            const ps_home *home = r->homes[h];
            size_t k = 0;
            while (k < home->nruntimes && strcmp(home->runtimes[k].name, a->runtime) != 0)
                k++;
            if (k == home->nruntimes)
                return ps_error_set(err, a->path, 0, 0, "not a runtime of %s", home->path);
        }
    }
    return 0;
}

/*
 * Locks every home before anything in it is read (DESIGN §2.5): apply
 * exclusively, and it first finishes any apply a crash cut short; the
 * commands that only read share the lock, and refuse a home where such an
 * apply waits to be finished (they never write).
 */
static int hold_homes(run *r, ps_error *err)
{
    int rc = -1;
    int apply = r->cmd == CMD_APPLY;
    char **paths = ps_xcalloc(r->nargs, sizeof *paths);
    for (size_t i = 0; i < r->nargs; i++) {
        char *runtime;
        paths[i] = split_runtime(r->args[i].path, &runtime);
        free(runtime);
    }
    if (ps_locks_take(&r->locks, (const char *const *)paths, r->nargs,
                      apply ? PS_LOCK_EXCLUSIVE : PS_LOCK_SHARED, PS_LOCK_WAIT_MS, err) < 0)
        goto done;
    if (apply) {
        ps_strbuf report = PS_STRBUF_INIT;
        rc = ps_recover(&r->locks, r->force, &report, err);
        if (report.len)
            fwrite(report.data, 1, report.len, r->out);
        ps_strbuf_free(&report);
        goto done;
    }
    for (size_t i = 0; i < r->nargs; i++)
        if (ps_recover_refuse(paths[i], err) < 0)
            goto done;
    rc = 0;
done:
    ps_free_strings(paths, r->nargs);
    return rc;
}

/* detect -> load -> sites for every runtime of every home. */
static int load_all(run *r, ps_error *err)
{
    if (detect_all(r, err) < 0)
        return -1;
    size_t total = 0;
    for (size_t h = 0; h < r->nhomes; h++)
        total += r->homes[h]->nruntimes;
    r->configs = ps_xcalloc(total, sizeof *r->configs);
    r->sites = ps_xcalloc(total, sizeof *r->sites);
    r->units = ps_xcalloc(total, sizeof *r->units);
    for (size_t h = 0; h < r->nhomes; h++) {
        const ps_home *home = r->homes[h];
        if (ps_config_load_home(&r->configs[r->nunits], home, err) < 0)
            return -1;
        for (size_t k = 0; k < home->nruntimes; k++) {
            size_t u = r->nunits;
            /* The main runtime comes first; its profiles share its version. */
            const char *home_version = k ? r->sites[u - k].version : NULL;
            if (ps_sites_find(&r->sites[u], r->cat, &home->runtimes[k], &r->configs[u],
                              home_version, err) < 0) {
                for (size_t j = k; j < home->nruntimes; j++) /* not a unit's yet */
                    ps_config_free(&r->configs[u - k + j]);
                return -1;
            }
            ps_unit *unit = &r->units[u];
            unit->home = home;
            unit->rt = &home->runtimes[k];
            unit->cfg = &r->configs[u];
            unit->sites = &r->sites[u];
            r->nunits++;
            for (size_t i = 0; i < r->nargs; i++) {
                const home_arg *a = &r->args[i];
                if (a->home != h)
                    continue;
                long target = a->has_target ? a->target : r->offset;
                int wanted = a->has_target || r->has_offset;
                if (!a->runtime && wanted) {
                    unit->home_has_target = 1;
                    unit->home_target = target;
                } else if (a->runtime && wanted && strcmp(a->runtime, unit->rt->name) == 0) {
                    unit->has_target = 1;
                    unit->target = target;
                }
            }
        }
    }
    return 0;
}

/* The path a diff shows for a file: relative to the current directory when
 * the file lies under it, so `patch -p1` and `git apply` work from there. */
static char *display_path(const char *path)
{
    char cwd[PATH_MAX], real[PATH_MAX];
    if (getcwd(cwd, sizeof cwd) && realpath(path, real)) {
        size_t n = strlen(cwd);
        if (strcmp(cwd, "/") == 0)
            return ps_xstrdup(real + 1);
        if (strncmp(real, cwd, n) == 0 && real[n] == '/')
            return ps_xstrdup(real + n + 1);
        return ps_xstrdup(real + 1);
    }
    while (path[0] == '.' && path[1] == '/')
        path += 2;
    return ps_xstrdup(path[0] == '/' ? path + 1 : path);
}

static int do_diff(run *r, ps_rendered *files, size_t n)
{
    ps_strbuf b = PS_STRBUF_INIT;
    for (size_t i = 0; i < n; i++) {
        char *shown = display_path(files[i].file->path);
        ps_diff_unified(&b, shown, files[i].file->data, files[i].file->len, files[i].data,
                        files[i].len);
        free(shown);
    }
    emit(r, &b);
    ps_strbuf_free(&b);
    return n ? PS_EXIT_PENDING : PS_EXIT_OK;
}

/* The home a loaded file belongs to. */
static const char *home_of(const run *r, const ps_cfile *file)
{
    for (size_t u = 0; u < r->nunits; u++) {
        const ps_config *cfg = &r->configs[u];
        if (file >= cfg->files && file < cfg->files + cfg->nfiles)
            return r->units[u].home->path;
    }
    return NULL;
}

/* Staged files of an apply killed while staging (no record names them) go. */
static int remove_staged(const run *r, ps_error *err)
{
    const char **paths = NULL;
    size_t n = 0, cap = 0;
    for (size_t u = 0; u < r->nunits; u++)
        for (size_t i = 0; i < r->configs[u].nfiles; i++)
            *PS_PUSH(paths, n, cap) = r->configs[u].files[i].path;
    int rc = ps_recover_staged(paths, n, &r->locks, err);
    free(paths);
    return rc;
}

static int do_apply(run *r, ps_rendered *files, size_t n, ps_error *err)
{
    if (remove_staged(r, err) < 0)
        return PS_EXIT_ERROR;
    if (n == 0)
        return PS_EXIT_OK; /* nothing to write: no server to spare */
    for (size_t i = 0; i < r->nhomes; i++) {
        long pid;
        if (!r->force && ps_home_running(r->homes[i]->path, &pid)) {
            ps_error_set(err, r->homes[i]->path, 0, 0,
                         "the server is running (wso2carbon.pid: process %ld); stop it or use "
                         "--force",
                         pid);
            return PS_EXIT_ERROR;
        }
    }
    ps_write *w = ps_xcalloc(n, sizeof *w);
    /* Asked under the lock, so it is what ps_apply_files will find. */
    int *had_backup = ps_xcalloc(n, sizeof *had_backup);
    for (size_t i = 0; i < n; i++) {
        w[i].path = files[i].file->path;
        w[i].data = files[i].data;
        w[i].len = files[i].len;
        w[i].expect = files[i].file->data;
        w[i].expect_len = files[i].file->len;
        had_backup[i] = r->backup && ps_backup_exists(w[i].path);
        w[i].home = home_of(r, files[i].file);
    }
    int rc = ps_apply_files(w, n, r->backup ? PS_APPLY_BACKUP : 0, err);
    free(w);
    if (rc == 0) {
        ps_strbuf b = PS_STRBUF_INIT;
        for (size_t i = 0; i < n; i++) {
            const char *path = files[i].file->path;
            ps_strbuf_printf(&b, "updated %s\n", path);
            if (!r->backup)
                continue;
            char *bak = ps_backup_name(path);
            ps_strbuf_printf(
                &b, had_backup[i] ? "kept %s, an earlier backup\n" : "saved the original as %s\n",
                bak);
            free(bak);
        }
        emit(r, &b);
        ps_strbuf_free(&b);
    }
    free(had_backup);
    return rc < 0 ? PS_EXIT_ERROR : PS_EXIT_OK;
}

static int execute(run *r, ps_error *err)
{
    /* The catalog first: the homes are held no longer than needed. */
    if (ps_catalog_builtin(&r->cat, err) < 0 || hold_homes(r, err) < 0 || load_all(r, err) < 0)
        return PS_EXIT_ERROR;
    if (ps_plan_make(&r->plan, r->units, r->nunits, err) < 0)
        return PS_EXIT_ERROR;
    for (size_t i = 0; i < r->plan->warnings.count && !(r->cmd == CMD_PLAN && !r->json); i++)
        ps_error_print(r->err, "warning", &r->plan->warnings.items[i]);

    if (r->cmd == CMD_PLAN || r->cmd == CMD_PORTS) {
        ps_strbuf b = PS_STRBUF_INIT;
        if (r->json)
            ps_report_json(&b, r->plan, r->cmd == CMD_PLAN);
        else if (r->cmd == CMD_PLAN)
            ps_report_plan_text(&b, r->plan);
        else
            ps_report_ports_text(&b, r->plan);
        emit(r, &b);
        ps_strbuf_free(&b);
        return PS_EXIT_OK;
    }
    ps_rendered *files;
    size_t n;
    if (ps_render(r->plan, &files, &n, err) < 0)
        return PS_EXIT_ERROR;
    int status = r->cmd == CMD_DIFF ? do_diff(r, files, n) : do_apply(r, files, n, err);
    ps_rendered_free(files, n);
    return status;
}

static void run_free(run *r)
{
    ps_plan_free(r->plan);
    for (size_t u = 0; u < r->nunits; u++) {
        ps_sites_free(&r->sites[u]);
        ps_config_free(&r->configs[u]);
    }
    free(r->units);
    free(r->sites);
    free(r->configs);
    for (size_t h = 0; h < r->nhomes; h++)
        ps_home_free(r->homes[h]);
    for (size_t i = 0; i < r->nargs; i++) {
        free(r->args[i].path);
        free(r->args[i].runtime);
    }
    free(r->homes);
    free(r->args);
    ps_catalog_free(r->cat);
    ps_locks_release(&r->locks);
}

/* Flushes `f`: 0, or the errno of the failed write (`kept` when an earlier
 * write failed, EIO when nothing says why). */
static int flush_failed(FILE *f, int kept)
{
    errno = 0;
    if (fflush(f) == 0 && !ferror(f) && !kept)
        return 0;
    return kept ? kept : errno ? errno : EIO;
}

/*
 * Output that did not reach its file is a failure: a CI job that saves
 * `plan --json` or a diff as an artefact must not pass with an empty one.
 * After a successful apply the files are written, so exit 2 ("nothing was
 * written") would be false: the lost output is then only reported.
 */
static int check_output(const run *r, int status, FILE *out, FILE *err)
{
    int e = flush_failed(out, r->out_errno);
    if (e) {
        int applied = r->cmd == CMD_APPLY && status == PS_EXIT_OK;
        fprintf(err, "portshift: %s: cannot write output: %s\n", applied ? "warning" : "error",
                strerror(e));
        if (!applied)
            status = PS_EXIT_ERROR;
    }
    if (flush_failed(err, 0) && !(r->cmd == CMD_APPLY && status == PS_EXIT_OK))
        status = PS_EXIT_ERROR; /* nowhere left to say so */
    return status;
}

int ps_cli_main(int argc, char **argv, FILE *out, FILE *err)
{
    run r = {.out = out, .err = err};
    ps_error e = {{0}, 0, 0, {0}};
    int status;
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs(usage_text, out);
        return check_output(&r, PS_EXIT_OK, out, err);
    }
    if (parse_args(&r, argc, argv, &e) < 0) {
        ps_error_print(err, "error", &e);
        fputs(usage_text, err);
        status = PS_EXIT_ERROR;
    } else {
        status = execute(&r, &e);
        if (status == PS_EXIT_ERROR)
            ps_error_print(err, "error", &e);
    }
    status = check_output(&r, status, out, err);
    run_free(&r);
    return status;
}
