/*
 * The command line: parses arguments, asks the host (src/host: the homes
 * of the call, loaded and held) for a plan or the findings of check,
 * prints them, and maps the outcome to an exit status. All state lives in
 * one `run` so the CLI can be called again and again in-process (tests do).
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
    "\n"
    "--repair also sets each stale self reference that check reports to the\n"
    "port its own runtime listens on for it (at the target offset).\n"
    "\n"
    "Exit status: 0 nothing to change (apply: done; check: no findings),\n"
    "1 changes pending (diff) or findings (check), 2 usage or input error\n"
    "(nothing written).\n";

typedef enum command { CMD_PLAN, CMD_DIFF, CMD_APPLY, CMD_PORTS, CMD_CHECK } command;

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
    home_arg *args;
    size_t nargs;
    ps_host *host; /* the homes, held from before they are read until the output is out */
    ps_plan *plan;
    ps_check *check;
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
    static const char *const names[] = {"plan", "diff", "apply", "ports", "check"};
    size_t c = 0, ncommands = sizeof names / sizeof names[0];
    while (c < ncommands && strcmp(argv[1], names[c]) != 0)
        c++;
    if (c == ncommands) {
        if (strcmp(argv[1], "batch") == 0)
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
        } else if (!only_homes && strncmp(a, "--offset", 8) == 0 && r->cmd == CMD_CHECK) {
            return ps_error_set(err, NULL, 0, 0,
                                "check takes no offset: it judges the homes as they are");
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
                   (r->cmd == CMD_PLAN || r->cmd == CMD_PORTS || r->cmd == CMD_CHECK)) {
            r->json = 1;
        } else if (!only_homes && strcmp(a, "--repair") == 0 &&
                   (r->cmd == CMD_PLAN || r->cmd == CMD_DIFF || r->cmd == CMD_APPLY)) {
            r->repair = 1;
        } else if (!only_homes && strcmp(a, "--listening") == 0 && r->cmd == CMD_CHECK) {
            r->listening = 1;
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
            if (h->has_target && r->cmd == CMD_CHECK)
                return ps_error_set(err, NULL, 0, 0,
                                    "check takes no offset: it judges the homes as they are");
        }
    }
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
    unsigned flags = r->cmd == CMD_APPLY ? PS_HOST_WRITE | (r->force ? PS_HOST_FORCE : 0) : 0;
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
    ps_host_free(r->host); /* releases the locks, once the output is out */
    for (size_t i = 0; i < r->nargs; i++)
        free(r->args[i].path);
    free(r->args);
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
