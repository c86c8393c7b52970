/*
 * The command line: parses arguments, asks the host (src/host: the homes
 * of the call, loaded and held) for a plan or the findings of check,
 * prints them, and maps the outcome to an exit status. All state lives in
 * one `cli_run` so the CLI can be called again and again in-process (tests do).
 */
#include <portshift/cli.h>
#include <portshift/portshift.h>

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/error.h"
#include "base/ordered.h"
#include "base/strbuf.h"
#include "catalog/catalog.h"
#include "cli/args.h"
#include "cli/diag.h"
#include "cli/help.h"
#include "check/check.h"
#include "host/host.h"
#include "host/startfile.h"
#include "write/apply.h"
#include "report/diff.h"
#include "report/report.h"
#include "plan/plan.h"
#include "render/render.h"

/* Writes finished output to `out`, keeping the errno of a short write: by
 * the time the stream is flushed at exit, errno says nothing any more. */
static void emit_bytes(cli_run *r, const char *data, size_t len)
{
    if (len && fwrite(data, 1, len, r->out) < len && !r->out_errno)
        r->out_errno = errno ? errno : EIO;
}

static void emit(cli_run *r, const ps_strbuf *b)
{
    emit_bytes(r, b->data, b->len);
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

/* The diff of one rendered file, coloured when asked: what the CLI prints for it. */
static void diff_text(const cli_run *r, const ps_rendered *f, ps_strbuf *out)
{
    ps_strbuf b = PS_STRBUF_INIT;
    char *shown = display_path(f->file->path);
    ps_diff_unified(&b, shown, f->orig, f->orig_len, f->data, f->len);
    free(shown);
    if (!r->color) {
        *out = b;
        return;
    }
    ps_diff_colorize(out, b.data, b.len);
    ps_strbuf_free(&b);
}

static void diff_one(cli_run *r, const ps_rendered *f)
{
    ps_strbuf b = PS_STRBUF_INIT;
    diff_text(r, f, &b);
    emit(r, &b);
    ps_strbuf_free(&b);
}

static void do_diff(cli_run *r, ps_rendered *files, size_t n)
{
    for (size_t i = 0; i < n; i++)
        diff_one(r, &files[i]);
}

/* "portshift: diff: 2 homes, 3 files, 5 edits" on stderr, like git apply
 * --stat's last line: what a diff or an apply amounted to, at a glance. */
static void summary(const cli_run *r, const char *verb, size_t nfiles)
{
    if (r->quiet || !r->plan)
        return;
    size_t homes = 0;
    for (size_t u = 0; u < r->plan->nunits; u++) {
        size_t v = 0;
        while (v < u && r->plan->units[v].home != r->plan->units[u].home)
            v++;
        homes += v == u;
    }
    fprintf(r->err, "portshift: %s: %zu home%s, %zu file%s, %zu edit%s\n", verb, homes,
            homes == 1 ? "" : "s", nfiles, nfiles == 1 ? "" : "s", r->plan->nedits,
            r->plan->nedits == 1 ? "" : "s");
}

/* diff's files, for ps_ordered_map: rendered and diffed on any thread, printed in order. */
typedef struct diff_run {
    cli_run *r;
    const size_t *first;
} diff_run;

static void *diff_file(void *ctx, size_t k, ps_error *err)
{
    diff_run *d = ctx;
    ps_rendered f;
    if (ps_render_file(d->r->plan, d->first, k, &f, err) < 0)
        return NULL;
    ps_strbuf *b = ps_xcalloc(1, sizeof *b);
    diff_text(d->r, &f, b);
    ps_rendered_release(&f);
    return b;
}

static void print_diff(void *ctx, size_t k, void *text)
{
    diff_run *d = ctx;
    (void)k;
    emit(d->r, text);
    ps_strbuf_free(text);
    free(text);
}

static void drop_diff(void *ctx, void *text)
{
    (void)ctx;
    ps_strbuf_free(text);
    free(text);
}

/*
 * diff: the files rendered and diffed on -j threads, a few ahead of the one
 * printed, and printed in order; so a diff of many homes holds only the
 * files in flight. A file that cannot be rendered ends the run with exit 2
 * where it stands: what came before it is on stdout, and the status says
 * not to use it.
 */
static int stream_diff(cli_run *r, ps_error *err)
{
    size_t *first;
    size_t n = ps_render_files(r->plan, &first);
    diff_run d = {.r = r, .first = first};
    unsigned jobs = ps_jobs_for(r->jobs, n);
    int rc = ps_ordered_map(n, jobs, 4 * (size_t)jobs, diff_file, print_diff, drop_diff, &d, err);
    free(first);
    if (rc < 0)
        return PS_EXIT_ERROR;
    if (n) /* nothing to do says nothing */
        summary(r, "diff", n);
    return n ? PS_EXIT_PENDING : PS_EXIT_OK;
}

static void print_warnings(cli_run *r, const ps_diags *warnings);

/* systemd reads a unit again only when told: once a call, after an apply
 * that changed one (a --start-file). */
static void unit_note(const cli_run *r, const ps_rendered *files, size_t n)
{
    for (size_t i = 0; i < n && !r->quiet; i++)
        if (files[i].file->outside &&
            /* its real path: a drop-in named from its folder is under systemd/ */
            ps_start_file_is_unit(files[i].file->rel, files[i].data, files[i].len)) {
            fprintf(r->err,
                    "portshift: %s: note: a systemd unit changed: run 'systemctl daemon-reload' "
                    "before the server next starts\n",
                    files[i].file->path);
            return;
        }
}

static int do_apply(cli_run *r, ps_rendered *files, size_t n, ps_error *err)
{
    ps_strbuf b = PS_STRBUF_INIT;
    int rc = ps_host_apply(r->host, files, n, r->force ? PS_HOST_FORCE : 0,
                           r->backup ? PS_APPLY_BACKUP : 0, &b, err);
    if (!r->quiet)
        emit(r, &b);
    if (rc == 0)
        unit_note(r, files, n);
    print_warnings(r, &r->host->warnings);
    ps_strbuf_free(&b);
    return rc < 0 ? PS_EXIT_ERROR : PS_EXIT_OK;
}

static void print_warnings(cli_run *r, const ps_diags *warnings)
{
    for (size_t i = 0; i < warnings->count; i++)
        ps_error_print(r->err, "warning", &warnings->items[i]);
}

/* The report layer's name for the format asked for. */
static ps_report_format report_format(const cli_run *r)
{
    return r->fmt == FMT_JSON       ? PS_REPORT_JSON
           : r->fmt == FMT_MARKDOWN ? PS_REPORT_MARKDOWN
                                    : PS_REPORT_TEXT;
}

/* status: the rows of the check of the homes as they are; its findings are
 * check's to judge, so they never change the exit status. */
static int do_status(cli_run *r, ps_error *err)
{
    if (ps_host_check(&r->check, r->host, 0, err) < 0)
        return PS_EXIT_ERROR;
    print_warnings(r, &r->check->now->warnings);
    ps_status status;
    ps_status_make(&status, r->check);
    ps_strbuf b = PS_STRBUF_INIT;
    ps_report_status(&b, &status, report_format(r));
    emit(r, &b);
    ps_strbuf_free(&b);
    ps_status_free(&status);
    return PS_EXIT_OK;
}

static int do_check(cli_run *r, ps_error *err)
{
    if (ps_host_check(&r->check, r->host, r->listening ? PS_CHECK_LISTENING : 0, err) < 0)
        return PS_EXIT_ERROR;
    print_warnings(r, &r->check->now->warnings);
    ps_strbuf b = PS_STRBUF_INIT;
    ps_report_check(&b, r->check, report_format(r));
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
static int do_batch(cli_run *r, ps_error *err)
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
    if ((r->batch_diff || r->batch_apply) && ps_render(r->plan, r->jobs, &files, &n, err) < 0)
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
    if (r->batch_apply)
        unit_note(r, files, n);
    if (r->fmt == FMT_TEXT)
        ps_strbuf_add(&b, written.data, written.len);
    ps_report_batch(&b, r->batch, r->plan, step, report_format(r));
    emit(r, &b);
    if (r->batch_diff && !r->json)
        do_diff(r, files, n);
    if (r->batch_diff)
        status = n ? PS_EXIT_PENDING : PS_EXIT_OK;
done:
    ps_strbuf_free(&b);
    ps_strbuf_free(&written);
    ps_rendered_free(files, n);
    return status;
}

/* The homes as the host takes them: --offset fills in a target for each home without one. */
static int open_host(cli_run *r, ps_error *err)
{
    ps_home_spec *specs = ps_xcalloc(r->nargs, sizeof *specs);
    for (size_t i = 0; i < r->nargs; i++) {
        const home_arg *a = &r->args[i];
        specs[i] = (ps_home_spec){.path = a->path,
                                  .has_target = a->has_target || r->has_offset,
                                  .target = a->has_target ? a->target : r->offset};
    }
    int write = r->cmd == CMD_APPLY || r->batch_apply || r->cmd == CMD_RECOVER;
    unsigned flags = write ? PS_HOST_WRITE | (r->force ? PS_HOST_FORCE : 0) : 0;
    if (r->cmd == CMD_RECOVER)
        flags |= PS_HOST_RECOVER | (r->discard ? PS_HOST_DISCARD : 0);
    ps_host_options o = {.flags = flags,
                         .jobs = r->jobs,
                         .start_files = r->start_files,
                         .nstart_files = r->nstart_files};
    int rc = ps_host_open_opts(&r->host, specs, r->nargs, &o, err);
    free(specs);
    if (rc == 0) {
        /* What finishing a crashed apply did comes first. */
        const char *recovered = ps_host_recovered(r->host);
        if (!(r->cmd == CMD_RECOVER && r->quiet))
            emit_bytes(r, recovered, strlen(recovered));
    }
    return rc;
}

static int execute(cli_run *r, ps_error *err)
{
    if (open_host(r, err) < 0)
        return PS_EXIT_ERROR;
    if (r->cmd == CMD_RECOVER)
        return PS_EXIT_OK; /* what it did is out; a home with nothing to do says nothing */
    if (r->cmd == CMD_CHECK)
        return do_check(r, err);
    if (r->cmd == CMD_BATCH)
        return do_batch(r, err);
    if (r->cmd == CMD_STATUS)
        return do_status(r, err);
    if (ps_host_plan(&r->plan, r->host, r->repair ? PS_PLAN_REPAIR : 0, err) < 0)
        return PS_EXIT_ERROR;
    if (!(r->cmd == CMD_PLAN && r->fmt != FMT_JSON))
        print_warnings(r, &r->plan->warnings); /* plan's text and markdown list them */

    if (r->cmd == CMD_PLAN || r->cmd == CMD_PORTS) {
        ps_strbuf b = PS_STRBUF_INIT;
        ps_report_plan(&b, r->plan, r->cmd == CMD_PLAN ? PS_REPORT_PLAN : PS_REPORT_PORTS,
                       report_format(r));
        emit(r, &b);
        ps_strbuf_free(&b);
        return PS_EXIT_OK;
    }
    if (r->cmd == CMD_DIFF)
        return stream_diff(r, err);
    ps_rendered *files;
    size_t n;
    if (ps_render(r->plan, r->jobs, &files, &n, err) < 0)
        return PS_EXIT_ERROR;
    int status = do_apply(r, files, n, err);
    if (status != PS_EXIT_ERROR && n) /* nothing to do says nothing */
        summary(r, "applied", n);
    ps_rendered_free(files, n);
    return status;
}

static void run_free(cli_run *r)
{
    ps_check_free(r->check);
    ps_plan_free(r->plan);
    ps_batch_free(r->batch);
    ps_host_free(r->host); /* releases the locks, once the output is out */
    for (size_t i = 0; i < r->nargs; i++)
        free(r->args[i].path);
    free(r->args);
    free(r->avoid);
    free(r->start_files);
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
static int check_output(const cli_run *r, int status, FILE *out, FILE *err)
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

/* portshift 0.3.0 (catalog 2026.12.1): the rules are versioned apart from the code. */
static int print_version(cli_run *r, ps_error *err)
{
    ps_catalog *cat;
    if (ps_catalog_builtin(&cat, err) < 0)
        return PS_EXIT_ERROR;
    ps_strbuf b = PS_STRBUF_INIT;
    ps_strbuf_printf(&b, "portshift %s (catalog %s)\n", ps_version(NULL, NULL, NULL),
                     cat->version ? cat->version : "unversioned");
    emit(r, &b);
    ps_strbuf_free(&b);
    ps_catalog_free(cat);
    return PS_EXIT_OK;
}

/* help, help COMMAND, COMMAND --help: to stdout, exit 0. */
static int print_help(cli_run *r, const char *name, ps_error *err)
{
    ps_strbuf b = PS_STRBUF_INIT;
    int rc = 0;
    if (!name) {
        ps_cli_usage(&b);
    } else if (ps_cli_command_help(&b, name) < 0) {
        const char *near = ps_cli_suggest(name);
        rc = near ? ps_error_set(err, NULL, 0, 0, "no command '%s'; did you mean '%s'?", name, near)
                  : ps_error_set(err, NULL, 0, 0, "no command '%s'", name);
    }
    if (rc == 0)
        emit(r, &b);
    ps_strbuf_free(&b);
    return rc < 0 ? PS_EXIT_ERROR : PS_EXIT_OK;
}

/* After a usage error, where to read more (git's manners): the command's
 * help when the command was one of ours, else the synopsis of all. */
static void see_help(FILE *f, int argc, char **argv)
{
    for (size_t c = 0; argc > 1 && c < ps_cli_ncommands; c++)
        if (strcmp(argv[1], ps_cli_commands[c]) == 0) {
            fprintf(f, "see 'portshift %s --help'\n", argv[1]);
            return;
        }
    fprintf(f, "see 'portshift --help'\n");
}

/* The NULL contract of ps_cli_main: a stream or an argument it cannot do
 * without is refused before anything runs, said on `err` when there is one. */
static int cli_args_null(int argc, char **argv, FILE *out, FILE *err)
{
    char what[64] = "";
    if (!argv)
        snprintf(what, sizeof what, "argv is NULL");
    else if (!out)
        snprintf(what, sizeof what, "out is NULL");
    else if (!err)
        snprintf(what, sizeof what, "err is NULL");
    for (int i = 0; argv && !what[0] && i < argc; i++)
        if (!argv[i])
            snprintf(what, sizeof what, "argv[%d] is NULL", i);
    if (what[0] && err)
        fprintf(err, "portshift: error: ps_cli_main: %s\n", what);
    return what[0] != '\0';
}

int ps_cli_main(int argc, char **argv, FILE *out, FILE *err)
{
    if (cli_args_null(argc, argv, out, err))
        return PS_EXIT_ERROR;
    cli_run r = {.out = out, .err = err};
    ps_error e = {{0}, 0, 0, {0}};
    int status, help = 0;
    const char *first = argc > 1 ? argv[1] : "";
    if (argc == 2 && (strcmp(first, "--help") == 0 || strcmp(first, "-h") == 0)) {
        status = print_help(&r, NULL, &e);
    } else if (argc == 2 && strcmp(first, "--version") == 0) {
        status = print_version(&r, &e);
        if (status == PS_EXIT_ERROR)
            ps_error_print(err, "error", &e);
    } else if (strcmp(first, "help") == 0) {
        if (argc > 3) {
            ps_error_set(&e, NULL, 0, 0, "help takes one COMMAND");
            status = PS_EXIT_ERROR;
        } else {
            status = print_help(&r, argc == 3 ? argv[2] : NULL, &e);
        }
        if (status == PS_EXIT_ERROR)
            ps_error_print(err, "error", &e);
    } else if (ps_cli_parse_args(&r, argc, argv, &help, &e) < 0) {
        ps_error_print(err, "error", &e);
        see_help(err, argc, argv);
        status = PS_EXIT_ERROR;
    } else if (help) {
        status = print_help(&r, argv[1], &e);
    } else {
        status = execute(&r, &e);
        if (status == PS_EXIT_ERROR)
            ps_error_print(err, "error", &e);
    }
    status = check_output(&r, status, out, err);
    run_free(&r);
    return status;
}
