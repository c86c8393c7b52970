/*
 * The command line: parses arguments, asks the library
 * (<portshift/portshift.h>: the homes of the call, loaded and held) for a
 * plan, a check, a diff or an apply, prints what it gives back, and maps
 * the outcome to an exit status. All state lives in one `cli_run` so the
 * CLI can be called again and again in-process (tests do).
 */
#include <portshift/cli.h>
#include <portshift/portshift.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/args.h"
#include "cli/diag.h"
#include "cli/help.h"

/* Writes finished output to `out`, keeping the errno of a short write: by
 * the time the stream is flushed at exit, errno says nothing any more. */
static void emit_bytes(cli_run *r, const char *data, size_t len)
{
    if (len && fwrite(data, 1, len, r->out) < len && !r->out_errno)
        r->out_errno = errno ? errno : EIO;
}

static void emit(cli_run *r, const ps_buf *b)
{
    emit_bytes(r, b->ptr, b->size);
}

/* "portshift: diff: 2 homes, 3 files, 5 edits" on stderr, like git apply
 * --stat's last line: what a diff or an apply amounted to, at a glance. */
static void summary(const cli_run *r, const char *verb, size_t nfiles)
{
    if (r->quiet || !r->plan)
        return;
    size_t homes = ps_plan_home_count(r->plan), edits = ps_plan_change_count(r->plan);
    fprintf(r->err, "portshift: %s: %zu home%s, %zu file%s, %zu edit%s\n", verb, homes,
            homes == 1 ? "" : "s", nfiles, nfiles == 1 ? "" : "s", edits, edits == 1 ? "" : "s");
}

static ps_diff_options diff_options(const cli_run *r)
{
    ps_diff_options o = PS_DIFF_OPTIONS_INIT;
    o.color = r->color;
    o.jobs = r->jobs; /* paths relative to the current directory: relative_to NULL */
    return o;
}

static int print_file_diff(const char *path, const char *diff, size_t len, void *payload)
{
    (void)path;
    emit_bytes(payload, diff, len);
    return 0;
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
    ps_diff_options o = diff_options(r);
    int n = ps_plan_diff_foreach(r->plan, &o, print_file_diff, r, err);
    if (n < 0)
        return PS_EXIT_ERROR;
    if (n) /* nothing to do says nothing */
        summary(r, "diff", (size_t)n);
    return n ? PS_EXIT_PENDING : PS_EXIT_OK;
}

static void print_plan_warnings(cli_run *r, const ps_plan *plan)
{
    for (size_t i = 0; i < ps_plan_warning_count(plan); i++)
        ps_error_print(r->err, "warning", ps_plan_warning(plan, i));
}

static void print_check_warnings(cli_run *r, const ps_check *check)
{
    for (size_t i = 0; i < ps_check_warning_count(check); i++)
        ps_error_print(r->err, "warning", ps_check_warning(check, i));
}

/* systemd reads a unit again only when told: once a call, after an apply
 * that changed one (a --start-file). */
static void unit_note(const cli_run *r, const ps_apply *a)
{
    const char *unit = ps_apply_unit_changed(a);
    if (unit && !r->quiet)
        fprintf(r->err,
                "portshift: %s: note: a systemd unit changed: run 'systemctl daemon-reload' "
                "before the server next starts\n",
                unit);
}

static ps_apply_options apply_options(const cli_run *r, int backup)
{
    ps_apply_options o = PS_APPLY_OPTIONS_INIT;
    o.backup = backup;
    o.force = r->force;
    o.jobs = r->jobs;
    return o;
}

static int do_apply(cli_run *r, ps_error *err)
{
    ps_apply_options o = apply_options(r, r->backup);
    ps_apply *a = NULL;
    int rc = ps_plan_apply(&a, r->host, r->plan, &o, err);
    const char *report = ps_apply_report(a);
    if (!r->quiet)
        emit_bytes(r, report, strlen(report));
    unit_note(r, a);
    for (size_t i = 0; i < ps_host_warning_count(r->host); i++)
        ps_error_print(r->err, "warning", ps_host_warning(r->host, i));
    size_t n = ps_apply_file_count(a);
    ps_apply_free(a);
    if (rc < 0)
        return PS_EXIT_ERROR;
    if (n) /* nothing to do says nothing */
        summary(r, "applied", n);
    return PS_EXIT_OK;
}

/* status: the rows of the check of the homes as they are; its findings are
 * check's to judge, so they never change the exit status. */
static int do_status(cli_run *r, ps_error *err)
{
    if (ps_host_check(&r->check, r->host, 0, err) < 0)
        return PS_EXIT_ERROR;
    print_check_warnings(r, r->check);
    ps_buf b = PS_BUF_INIT;
    int rc = ps_check_status_report(&b, r->check, r->fmt, err);
    emit(r, &b);
    ps_buf_dispose(&b);
    return rc < 0 ? PS_EXIT_ERROR : PS_EXIT_OK;
}

static int do_check(cli_run *r, ps_error *err)
{
    if (ps_host_check(&r->check, r->host, r->listening ? PS_CHECK_LISTENING : 0, err) < 0)
        return PS_EXIT_ERROR;
    print_check_warnings(r, r->check);
    ps_buf b = PS_BUF_INIT;
    int rc = ps_check_report(&b, r->check, r->fmt, err);
    emit(r, &b);
    ps_buf_dispose(&b);
    if (rc < 0)
        return PS_EXIT_ERROR;
    return ps_check_findings(r->check) ? PS_EXIT_PENDING : PS_EXIT_OK;
}

/*
 * batch: the assignment, then its plan (references following, stale self
 * references repaired), shown, diffed or applied. The assignment comes
 * first in every form, so a diff's reader sees why each file changes (patch
 * and git apply skip the lines before the first "---"). The diff is made
 * before anything is printed: a file that cannot be rendered prints nothing.
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
    print_plan_warnings(r, r->plan);
    int status = PS_EXIT_OK, nfiles = 0;
    ps_buf b = PS_BUF_INIT, diff = PS_BUF_INIT;
    ps_apply *a = NULL;
    ps_batch_report_step step = r->batch_apply  ? PS_BATCH_REPORT_APPLIED
                                : r->batch_diff ? PS_BATCH_REPORT_DIFFED
                                                : PS_BATCH_REPORT_SHOWN;
    ps_diff_options d = diff_options(r);
    if (r->batch_diff && (nfiles = ps_plan_diff(&diff, r->plan, &d, err)) < 0) {
        status = PS_EXIT_ERROR;
        goto done;
    }
    ps_apply_options ao = apply_options(r, 0);
    if (r->batch_apply && ps_plan_apply(&a, r->host, r->plan, &ao, err) < 0) {
        status = PS_EXIT_ERROR;
        goto done;
    }
    unit_note(r, a);
    if (r->fmt == PS_FORMAT_TEXT)
        ps_buf_puts(&b, ps_apply_report(a));
    if (ps_batch_report(&b, r->batch, r->plan, r->fmt, step, err) < 0) {
        status = PS_EXIT_ERROR;
        goto done;
    }
    emit(r, &b);
    if (r->fmt != PS_FORMAT_JSON)
        emit(r, &diff);
    if (r->batch_diff)
        status = nfiles ? PS_EXIT_PENDING : PS_EXIT_OK;
done:
    ps_buf_dispose(&b);
    ps_buf_dispose(&diff);
    ps_apply_free(a);
    return status;
}

/* The homes as the host takes them: --offset fills in a target for each home without one. */
static int open_host(cli_run *r, ps_error *err)
{
    ps_home_spec *specs = calloc(r->nargs, sizeof *specs);
    if (!specs)
        return ps_cli_error(err, "out of memory");
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
    int rc = ps_host_open_with(&r->host, specs, r->nargs, &o, r->with_files, r->nwith_files, err);
    free(specs);
    if (rc == 0) {
        /* What finishing a crashed apply did comes first. */
        const char *recovered = ps_host_recovered(r->host);
        if (!(r->cmd == CMD_RECOVER && r->quiet))
            emit_bytes(r, recovered, strlen(recovered));
    }
    return rc;
}

/* facts: the library opens the homes itself, to be read, and finds every
 * reference to any host on the way; the document is JSON only. */
static int do_facts(cli_run *r, ps_error *err)
{
    ps_home_spec *specs = calloc(r->nargs, sizeof *specs);
    if (!specs)
        return ps_cli_error(err, "out of memory"), PS_EXIT_ERROR;
    for (size_t i = 0; i < r->nargs; i++)
        specs[i] = (ps_home_spec){.path = r->args[i].path};
    ps_facts_options o = PS_FACTS_OPTIONS_INIT;
    o.host_names = r->host_names;
    o.nhost_names = r->nhost_names;
    o.start_files = r->start_files;
    o.nstart_files = r->nstart_files;
    o.jobs = r->jobs;
    ps_buf b = PS_BUF_INIT;
    int rc = ps_facts(&b, specs, r->nargs, &o, err);
    free(specs);
    emit(r, &b);
    ps_buf_dispose(&b);
    return rc < 0 ? PS_EXIT_ERROR : PS_EXIT_OK;
}

/* fleet check: the facts files alone (args[0] is "check"); no home is opened. */
static int do_fleet(cli_run *r, ps_error *err)
{
    const char **files = calloc(r->nargs, sizeof *files);
    if (!files)
        return ps_cli_error(err, "out of memory"), PS_EXIT_ERROR;
    for (size_t i = 1; i < r->nargs; i++)
        files[i - 1] = r->args[i].path;
    ps_fleet_check *c = NULL;
    int rc = ps_fleet_check_files(&c, files, r->nargs - 1, err);
    free(files);
    ps_buf b = PS_BUF_INIT;
    if (rc == 0)
        rc = ps_fleet_check_report(&b, c, r->fmt, err);
    emit(r, &b);
    ps_buf_dispose(&b);
    size_t findings = ps_fleet_check_findings(c);
    ps_fleet_check_free(c);
    if (rc < 0)
        return PS_EXIT_ERROR;
    return findings ? PS_EXIT_PENDING : PS_EXIT_OK;
}

static int execute(cli_run *r, ps_error *err)
{
    if (r->cmd == CMD_FACTS)
        return do_facts(r, err);
    if (r->cmd == CMD_FLEET)
        return do_fleet(r, err);
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
    if (!(r->cmd == CMD_PLAN && r->fmt != PS_FORMAT_JSON))
        print_plan_warnings(r, r->plan); /* plan's text and markdown list them */

    if (r->cmd == CMD_PLAN || r->cmd == CMD_PORTS) {
        ps_buf b = PS_BUF_INIT;
        int rc = r->cmd == CMD_PLAN ? ps_plan_report(&b, r->plan, r->fmt, err)
                                    : ps_plan_ports_report(&b, r->plan, r->fmt, err);
        emit(r, &b);
        ps_buf_dispose(&b);
        return rc < 0 ? PS_EXIT_ERROR : PS_EXIT_OK;
    }
    if (r->cmd == CMD_DIFF)
        return stream_diff(r, err);
    return do_apply(r, err);
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
    free(r->host_names);
    free(r->with_files);
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

/* portshift 0.6.1 (catalog 2026.12.1): the rules are versioned apart from the code. */
static int print_version(cli_run *r, ps_error *err)
{
    ps_buf catalog = PS_BUF_INIT, b = PS_BUF_INIT;
    int rc = ps_catalog_version(&catalog, err);
    if (rc == 0) {
        ps_buf_printf(&b, "portshift %s (catalog %s)\n", ps_version(NULL, NULL, NULL),
                      catalog.size ? catalog.ptr : "unversioned");
        emit(r, &b);
    }
    ps_buf_dispose(&catalog);
    ps_buf_dispose(&b);
    return rc < 0 ? PS_EXIT_ERROR : PS_EXIT_OK;
}

/* help, help COMMAND, COMMAND --help: to stdout, exit 0. */
static int print_help(cli_run *r, const char *name, ps_error *err)
{
    ps_buf b = PS_BUF_INIT;
    int rc = 0;
    if (!name) {
        ps_cli_usage(&b);
    } else if (ps_cli_command_help(&b, name) < 0) {
        const char *near = ps_cli_suggest(name);
        rc = near ? ps_cli_error(err, "no command '%s'; did you mean '%s'?", name, near)
                  : ps_cli_error(err, "no command '%s'", name);
    }
    if (rc == 0)
        emit(r, &b);
    ps_buf_dispose(&b);
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
            ps_cli_error(&e, "help takes one COMMAND");
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
