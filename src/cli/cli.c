/*
 * The command line: parses arguments, asks the host (src/host: the homes
 * of the call, loaded and held) for a plan or the findings of check,
 * prints them, and maps the outcome to an exit status. All state lives in
 * one `run` so the CLI can be called again and again in-process (tests do).
 */
#include <portshift/portshift.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"
#include "base/strbuf.h"
#include "check/check.h"
#include "host/host.h"
#include "output/apply.h"
#include "output/diff.h"
#include "output/report.h"
#include "plan/plan.h"
#include "render/render.h"

#define OFFSET_MAX 65535L

static const char usage_text[] =
    "usage: portshift plan  [--offset N] [--repair] [--json] HOME[=N]...\n"
    "       portshift diff  [--offset N] [--repair] HOME[=N]...\n"
    "       portshift apply [--offset N] [--repair] [--backup] [--force] HOME[=N]...\n"
    "       portshift ports [--offset N] [--json] HOME[=N]...\n"
    "       portshift check [--listening] [--json] HOME...\n"
    "       portshift batch [--first N] [--avoid PORT[-PORT],...] [--listening]\n"
    "                       [--diff|--apply [--force]] [--json] HOME...\n"
    "\n"
    "--repair also sets each stale self reference that check reports to the\n"
    "port its own runtime listens on for it (at the target offset).\n"
    "\n"
    "batch gives every home an offset such that no two listeners of the homes\n"
    "open one port, none opens an --avoid port and, with --listening, none\n"
    "opens a port already listening on this host. Homes are placed in the\n"
    "order named: a home keeps its offset when it fits among those before it,\n"
    "else it gets the smallest offset from --first (default 0) that fits. A\n"
    "fixed listener that still collides gets the next free port (a rewrite).\n"
    "It prints the assignment; --diff shows, --apply writes the change, with\n"
    "the references between the homes following and every stale self\n"
    "reference repaired.\n"
    "\n"
    "Exit status: 0 nothing to change (apply: done; check: no findings;\n"
    "batch: assignment found), 1 changes pending (diff, batch --diff) or\n"
    "findings (check), 2 usage or input error (nothing written).\n";

typedef enum command { CMD_PLAN, CMD_DIFF, CMD_APPLY, CMD_PORTS, CMD_CHECK, CMD_BATCH } command;

typedef struct home_arg {
    char *path;
    int has_target;
    long target;
} home_arg;

typedef struct run {
    command cmd;
    int json, backup, force, repair, listening;
    int has_offset;
    long offset;
    long first;           /* batch --first */
    ps_port_range *avoid; /* batch --avoid */
    size_t navoid, avoid_cap;
    int batch_diff, batch_apply; /* batch --diff, --apply */
    home_arg *args;
    size_t nargs;
    ps_host *host; /* the homes, held from before they are read until the output is out */
    ps_plan *plan;
    ps_check *check;
    ps_batch *batch;
    FILE *out, *err;
    int out_errno; /* the first failed write to `out` */
} run;

/* Writes finished output to `out`, keeping the errno of a short write: by
 * the time the stream is flushed at exit, errno says nothing any more. */
static void emit_bytes(run *r, const char *data, size_t len)
{
    if (len && fwrite(data, 1, len, r->out) < len && !r->out_errno)
        r->out_errno = errno ? errno : EIO;
}

static void emit(run *r, const ps_strbuf *b)
{
    emit_bytes(r, b->data, b->len);
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

/* One PORT or PORT-PORT of --avoid. */
static int parse_range(const char *item, ps_port_range *out)
{
    char *end;
    errno = 0;
    if (!isdigit((unsigned char)item[0]))
        return -1;
    long from = strtol(item, &end, 10), to = from;
    if (*end == '-') {
        if (!isdigit((unsigned char)end[1]))
            return -1;
        to = strtol(end + 1, &end, 10);
    }
    if (*end || errno || from < 1 || to > OFFSET_MAX || from > to)
        return -1;
    *out = (ps_port_range){from, to};
    return 0;
}

/* PORT or PORT-PORT, comma-separated; --avoid may be given again. */
static int parse_avoid(run *r, const char *list, ps_error *err)
{
    for (const char *p = list;; p++) {
        size_t len = strcspn(p, ",");
        char *item = ps_xstrndup(p, len);
        ps_port_range range;
        int rc = parse_range(item, &range);
        if (rc < 0)
            ps_error_set(err, NULL, 0, 0,
                         "--avoid '%s' is not a port (1-%ld) or a range of them (PORT-PORT)", item,
                         OFFSET_MAX);
        free(item);
        if (rc < 0)
            return -1;
        *PS_PUSH(r->avoid, r->navoid, r->avoid_cap) = range;
        p += len;
        if (!*p)
            return 0;
    }
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
    static const char *const names[] = {"plan", "diff", "apply", "ports", "check", "batch"};
    size_t c = 0, ncommands = sizeof names / sizeof names[0];
    while (c < ncommands && strcmp(argv[1], names[c]) != 0)
        c++;
    if (c == ncommands)
        return ps_error_set(err, NULL, 0, 0, "unknown command '%s'", argv[1]);
    r->cmd = (command)c;
    /* check judges the homes as they are; batch chooses their offsets. */
    const char *no_offset = r->cmd == CMD_CHECK
                                ? "check takes no offset: it judges the homes as they are"
                            : r->cmd == CMD_BATCH ? "batch takes no offset: it chooses them"
                                                  : NULL;
    size_t cap = 0;
    int only_homes = 0;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (!only_homes && strcmp(a, "--") == 0) {
            only_homes = 1;
        } else if (!only_homes && strncmp(a, "--offset", 8) == 0 && no_offset) {
            return ps_error_set(err, NULL, 0, 0, "%s", no_offset);
        } else if (!only_homes && r->cmd == CMD_BATCH && strcmp(a, "--first") == 0) {
            if (i + 1 >= argc)
                return ps_error_set(err, NULL, 0, 0, "--first needs a value");
            if (parse_offset(argv[++i], &r->first, err) < 0)
                return -1;
        } else if (!only_homes && r->cmd == CMD_BATCH && strncmp(a, "--first=", 8) == 0) {
            if (parse_offset(a + 8, &r->first, err) < 0)
                return -1;
        } else if (!only_homes && r->cmd == CMD_BATCH && strcmp(a, "--avoid") == 0) {
            if (i + 1 >= argc)
                return ps_error_set(err, NULL, 0, 0, "--avoid needs a value");
            if (parse_avoid(r, argv[++i], err) < 0)
                return -1;
        } else if (!only_homes && r->cmd == CMD_BATCH && strncmp(a, "--avoid=", 8) == 0) {
            if (parse_avoid(r, a + 8, err) < 0)
                return -1;
        } else if (!only_homes && r->cmd == CMD_BATCH && strcmp(a, "--diff") == 0) {
            r->batch_diff = 1;
        } else if (!only_homes && r->cmd == CMD_BATCH && strcmp(a, "--apply") == 0) {
            r->batch_apply = 1;
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
                   (r->cmd == CMD_PLAN || r->cmd == CMD_PORTS || r->cmd == CMD_CHECK ||
                    r->cmd == CMD_BATCH)) {
            r->json = 1;
        } else if (!only_homes && strcmp(a, "--repair") == 0 &&
                   (r->cmd == CMD_PLAN || r->cmd == CMD_DIFF || r->cmd == CMD_APPLY)) {
            r->repair = 1;
        } else if (!only_homes && strcmp(a, "--listening") == 0 &&
                   (r->cmd == CMD_CHECK || r->cmd == CMD_BATCH)) {
            r->listening = 1;
        } else if (!only_homes && strcmp(a, "--backup") == 0 && r->cmd == CMD_APPLY) {
            r->backup = 1;
        } else if (!only_homes && strcmp(a, "--force") == 0 &&
                   (r->cmd == CMD_APPLY || r->cmd == CMD_BATCH)) {
            r->force = 1;
        } else if (!only_homes && a[0] == '-' && a[1]) {
            return ps_error_set(err, NULL, 0, 0, "unknown option '%s' for %s", a, argv[1]);
        } else {
            home_arg *h = PS_PUSH(r->args, r->nargs, cap);
            if (parse_home(a, h, err) < 0)
                return -1;
            if (h->has_target && no_offset)
                return ps_error_set(err, NULL, 0, 0, "%s", no_offset);
        }
    }
    if (r->batch_diff && r->batch_apply)
        return ps_error_set(err, NULL, 0, 0, "batch takes --diff or --apply, not both");
    if (r->cmd == CMD_BATCH && r->force && !r->batch_apply)
        return ps_error_set(err, NULL, 0, 0, "--force goes with batch --apply");
    if (!r->nargs)
        return ps_error_set(err, NULL, 0, 0, "no HOME given");
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

static int do_apply(run *r, ps_rendered *files, size_t n, ps_error *err)
{
    ps_strbuf b = PS_STRBUF_INIT;
    int rc = ps_host_apply(r->host, files, n, r->force ? PS_HOST_FORCE : 0,
                           r->backup ? PS_APPLY_BACKUP : 0, &b, err);
    emit(r, &b);
    ps_strbuf_free(&b);
    return rc < 0 ? PS_EXIT_ERROR : PS_EXIT_OK;
}

static void print_warnings(run *r, const ps_diags *warnings)
{
    for (size_t i = 0; i < warnings->count; i++)
        ps_error_print(r->err, "warning", &warnings->items[i]);
}

static int do_check(run *r, ps_error *err)
{
    if (ps_host_check(&r->check, r->host, r->listening ? PS_CHECK_LISTENING : 0, err) < 0)
        return PS_EXIT_ERROR;
    print_warnings(r, &r->check->now->warnings);
    ps_strbuf b = PS_STRBUF_INIT;
    if (r->json)
        ps_report_check_json(&b, r->check);
    else
        ps_report_check_text(&b, r->check);
    emit(r, &b);
    ps_strbuf_free(&b);
    return r->check->nfindings ? PS_EXIT_PENDING : PS_EXIT_OK;
}

/*
 * batch: the assignment, then its plan (references following, stale self
 * references repaired), shown, diffed or applied. The assignment comes
 * first in every form, so a diff's reader sees why each file changes (patch
 * and git apply skip the lines before the first "---").
 */
static int do_batch(run *r, ps_error *err)
{
    ps_batch_options o = {.first = r->first,
                          .avoid = r->avoid,
                          .navoid = r->navoid,
                          .flags = r->listening ? PS_BATCH_LISTENING : 0};
    if (ps_host_batch(&r->batch, r->host, &o, err) < 0 ||
        ps_batch_plan(&r->plan, r->batch, PS_PLAN_REPAIR, err) < 0)
        return PS_EXIT_ERROR;
    print_warnings(r, &r->plan->warnings);
    ps_rendered *files = NULL;
    size_t n = 0;
    if ((r->batch_diff || r->batch_apply) && ps_render(r->plan, &files, &n, err) < 0)
        return PS_EXIT_ERROR;
    int status = PS_EXIT_OK;
    ps_strbuf b = PS_STRBUF_INIT, written = PS_STRBUF_INIT;
    ps_batch_step step = r->batch_apply  ? PS_BATCH_APPLIED
                         : r->batch_diff ? PS_BATCH_DIFFED
                                         : PS_BATCH_SHOWN;
    if (r->batch_apply &&
        ps_host_apply(r->host, files, n, r->force ? PS_HOST_FORCE : 0, 0, &written, err) < 0) {
        status = PS_EXIT_ERROR;
        goto done;
    }
    if (r->json) {
        ps_report_batch_json(&b, r->batch, r->plan, step);
    } else {
        ps_strbuf_add(&b, written.data, written.len);
        ps_report_batch_text(&b, r->batch, r->plan, step);
    }
    emit(r, &b);
    if (r->batch_diff)
        status = r->json ? (n ? PS_EXIT_PENDING : PS_EXIT_OK) : do_diff(r, files, n);
done:
    ps_strbuf_free(&b);
    ps_strbuf_free(&written);
    ps_rendered_free(files, n);
    return status;
}

/* The homes as the host takes them: --offset fills in a target for each home without one. */
static int open_host(run *r, ps_error *err)
{
    ps_home_spec *specs = ps_xcalloc(r->nargs, sizeof *specs);
    for (size_t i = 0; i < r->nargs; i++) {
        const home_arg *a = &r->args[i];
        specs[i] = (ps_home_spec){.path = a->path,
                                  .has_target = a->has_target || r->has_offset,
                                  .target = a->has_target ? a->target : r->offset};
    }
    int write = r->cmd == CMD_APPLY || r->batch_apply;
    unsigned flags = write ? PS_HOST_WRITE | (r->force ? PS_HOST_FORCE : 0) : 0;
    int rc = ps_host_open(&r->host, specs, r->nargs, flags, err);
    free(specs);
    if (rc == 0) {
        /* What finishing a crashed apply did comes first. */
        const char *recovered = ps_host_recovered(r->host);
        emit_bytes(r, recovered, strlen(recovered));
    }
    return rc;
}

static int execute(run *r, ps_error *err)
{
    if (open_host(r, err) < 0)
        return PS_EXIT_ERROR;
    if (r->cmd == CMD_CHECK)
        return do_check(r, err);
    if (r->cmd == CMD_BATCH)
        return do_batch(r, err);
    if (ps_host_plan(&r->plan, r->host, r->repair ? PS_PLAN_REPAIR : 0, err) < 0)
        return PS_EXIT_ERROR;
    if (!(r->cmd == CMD_PLAN && !r->json))
        print_warnings(r, &r->plan->warnings);

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
    ps_check_free(r->check);
    ps_plan_free(r->plan);
    ps_batch_free(r->batch);
    ps_host_free(r->host); /* releases the locks, once the output is out */
    for (size_t i = 0; i < r->nargs; i++)
        free(r->args[i].path);
    free(r->args);
    free(r->avoid);
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
        int applied = (r->cmd == CMD_APPLY || r->batch_apply) && status == PS_EXIT_OK;
        fprintf(err, "portshift: %s: cannot write output: %s\n", applied ? "warning" : "error",
                strerror(e));
        if (!applied)
            status = PS_EXIT_ERROR;
    }
    if (flush_failed(err, 0) && !((r->cmd == CMD_APPLY || r->batch_apply) && status == PS_EXIT_OK))
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
