/*
 * The command line: parses arguments, asks the host (src/host: the homes
 * of the call, loaded and held) for a plan or the findings of check,
 * prints them, and maps the outcome to an exit status. All state lives in
 * one `run` so the CLI can be called again and again in-process (tests do).
 */
#include <portshift/portshift.h>

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"
#include "base/ordered.h"
#include "base/strbuf.h"
#include "catalog/catalog.h"
#include "cli/help.h"
#include "check/check.h"
#include "host/host.h"
#include "output/apply.h"
#include "output/diff.h"
#include "output/report.h"
#include "plan/plan.h"
#include "render/render.h"

#define OFFSET_MAX 65535L

typedef enum command { CMD_PLAN, CMD_DIFF, CMD_APPLY, CMD_PORTS, CMD_CHECK, CMD_BATCH } command;

typedef struct home_arg {
    char *path;
    int has_target;
    long target;
} home_arg;

typedef enum format { FMT_TEXT, FMT_JSON, FMT_MARKDOWN } format;

typedef struct run {
    command cmd;
    format fmt;
    int json, backup, force, repair, listening;
    int quiet, color; /* no summary line; colour the diff */
    int has_offset;
    long offset;
    unsigned jobs;        /* -j: homes loaded at once; 0: one per online CPU */
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

/* -j takes at most this many: far past the cores of any host portshift serves. */
#define JOBS_MAX 256

static int parse_jobs(run *r, const char *s, ps_error *err)
{
    char *end;
    errno = 0;
    long n = strtol(s, &end, 10);
    if (!*s || *end || errno || n < 1 || n > JOBS_MAX)
        return ps_error_set(err, NULL, 0, 0, "--jobs takes a number from 1 to %d, not '%s'",
                            JOBS_MAX, s);
    r->jobs = (unsigned)n;
    return 0;
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

/* What each option is, and which commands take it. */
enum {
    OPT_JSON = 256,
    OPT_FORMAT,
    OPT_REPAIR,
    OPT_LISTENING,
    OPT_BACKUP,
    OPT_FORCE,
    OPT_FIRST,
    OPT_AVOID,
    OPT_DIFF,
    OPT_APPLY,
    OPT_COLOR,
};

#define ON(c) (1u << (c))
static const struct {
    int id;
    unsigned commands;
} takes[] = {
    {'o', ON(CMD_PLAN) | ON(CMD_DIFF) | ON(CMD_APPLY) | ON(CMD_PORTS)},
    {OPT_JSON, ON(CMD_PLAN) | ON(CMD_PORTS) | ON(CMD_CHECK) | ON(CMD_BATCH)},
    {OPT_FORMAT, ON(CMD_PLAN) | ON(CMD_PORTS) | ON(CMD_CHECK) | ON(CMD_BATCH)},
    {OPT_REPAIR, ON(CMD_PLAN) | ON(CMD_DIFF) | ON(CMD_APPLY)},
    {OPT_LISTENING, ON(CMD_CHECK) | ON(CMD_BATCH)},
    {OPT_BACKUP, ON(CMD_APPLY)},
    {OPT_FORCE, ON(CMD_APPLY) | ON(CMD_BATCH)},
    {OPT_FIRST, ON(CMD_BATCH)},
    {OPT_AVOID, ON(CMD_BATCH)},
    {OPT_DIFF, ON(CMD_BATCH)},
    {OPT_APPLY, ON(CMD_BATCH)},
    {'q', ON(CMD_DIFF) | ON(CMD_APPLY)},
    {OPT_COLOR, ON(CMD_DIFF) | ON(CMD_BATCH)},
    {'j',
     ON(CMD_PLAN) | ON(CMD_DIFF) | ON(CMD_APPLY) | ON(CMD_PORTS) | ON(CMD_CHECK) | ON(CMD_BATCH)},
};

static const struct option long_options[] = {
    {"offset", required_argument, NULL, 'o'},
    {"json", no_argument, NULL, OPT_JSON},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"repair", no_argument, NULL, OPT_REPAIR},
    {"listening", no_argument, NULL, OPT_LISTENING},
    {"backup", no_argument, NULL, OPT_BACKUP},
    {"force", no_argument, NULL, OPT_FORCE},
    {"first", required_argument, NULL, OPT_FIRST},
    {"avoid", required_argument, NULL, OPT_AVOID},
    {"diff", no_argument, NULL, OPT_DIFF},
    {"apply", no_argument, NULL, OPT_APPLY},
    {"quiet", no_argument, NULL, 'q'},
    {"jobs", required_argument, NULL, 'j'},
    {"color", optional_argument, NULL, OPT_COLOR},
    {"colour", optional_argument, NULL, OPT_COLOR},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* "--offset" for 'o': how an option is named in a message. */
static const char *option_name(int id)
{
    static char name[40];
    for (const struct option *o = long_options; o->name; o++)
        if (o->val == id) {
            snprintf(name, sizeof name, "--%s", o->name);
            return name;
        }
    snprintf(name, sizeof name, "-%c", id);
    return name;
}

static int takes_option(command cmd, int id)
{
    for (size_t i = 0; i < sizeof takes / sizeof takes[0]; i++)
        if (takes[i].id == id)
            return (takes[i].commands & ON(cmd)) != 0;
    return 1;
}

/* auto: a terminal that NO_COLOR (no-color.org) and TERM=dumb leave alone. */
static int parse_color(run *r, const char *when, ps_error *err)
{
    if (!when || strcmp(when, "auto") == 0) {
        const char *term = getenv("TERM");
        const char *no = getenv("NO_COLOR");
        r->color = isatty(fileno(r->out)) && !(no && *no) && !(term && strcmp(term, "dumb") == 0);
    } else if (strcmp(when, "always") == 0) {
        r->color = 1;
    } else if (strcmp(when, "never") == 0) {
        r->color = 0;
    } else {
        return ps_error_set(err, NULL, 0, 0, "--color takes auto, always or never, not '%s'", when);
    }
    return 0;
}

static int parse_format(run *r, const char *f, ps_error *err)
{
    static const char *const names[] = {"text", "json", "markdown"};
    for (size_t i = 0; i < 3; i++)
        if (strcmp(f, names[i]) == 0) {
            r->fmt = (format)i;
            r->json = r->fmt == FMT_JSON;
            return 0;
        }
    return ps_error_set(err, NULL, 0, 0, "--format takes text, json or markdown, not '%s'", f);
}

/* The command word: one of ours, or an error that suggests the closest. */
static int parse_command(run *r, const char *word, ps_error *err)
{
    static const char *const names[] = {"plan", "diff", "apply", "ports", "check", "batch"};
    for (size_t c = 0; c < sizeof names / sizeof names[0]; c++)
        if (strcmp(word, names[c]) == 0) {
            r->cmd = (command)c;
            return 0;
        }
    const char *near = ps_cli_suggest(word);
    if (near)
        return ps_error_set(err, NULL, 0, 0, "unknown command '%s'; did you mean '%s'?", word,
                            near);
    return ps_error_set(err, NULL, 0, 0, "unknown command '%s'", word);
}

/* One option of the command; `arg` is its value. */
static int take_option(run *r, int id, const char *arg, ps_error *err)
{
    switch (id) {
    case 'o':
        r->has_offset = 1;
        return parse_offset(arg, &r->offset, err);
    case OPT_JSON:
        r->json = 1;
        r->fmt = FMT_JSON;
        return 0;
    case OPT_FORMAT:
        return parse_format(r, arg, err);
    case OPT_REPAIR:
        r->repair = 1;
        return 0;
    case OPT_LISTENING:
        r->listening = 1;
        return 0;
    case OPT_BACKUP:
        r->backup = 1;
        return 0;
    case OPT_FORCE:
        r->force = 1;
        return 0;
    case OPT_FIRST:
        return parse_offset(arg, &r->first, err);
    case OPT_AVOID:
        return parse_avoid(r, arg, err);
    case OPT_DIFF:
        r->batch_diff = 1;
        return 0;
    case OPT_APPLY:
        r->batch_apply = 1;
        return 0;
    case 'q':
        r->quiet = 1;
        return 0;
    case OPT_COLOR:
        return parse_color(r, arg, err);
    case 'j':
        return parse_jobs(r, arg, err);
    }
    return 0;
}

/*
 * argv[1] is the command, the rest its options and homes in any order
 * (getopt_long, GNU's permuting kind; "--" ends the options). Sets *help
 * when the command's help was asked for instead.
 */
static int parse_args(run *r, int argc, char **argv, int *help, ps_error *err)
{
    *help = 0;
    if (argc < 2)
        return ps_error_set(err, NULL, 0, 0, "no command given");
    if (parse_command(r, argv[1], err) < 0)
        return -1;
    if (parse_color(r, "auto", err) < 0)
        return -1;
    /* check judges the homes as they are; batch chooses their offsets. */
    const char *no_offset = r->cmd == CMD_CHECK
                                ? "check takes no offset: it judges the homes as they are"
                            : r->cmd == CMD_BATCH ? "batch takes no offset: it chooses them"
                                                  : NULL;
    optind = 0; /* a fresh scan: the CLI runs again and again in-process */
    opterr = 0; /* our own messages, on our own stream */
    int id;
    char **words = argv + 1; /* getopt's argv: the command stands in for the program */
    while ((id = getopt_long(argc - 1, words, ":o:qj:h", long_options, NULL)) != -1) {
        if (id == 'h') {
            *help = 1;
            return 0;
        }
        if (id == '?' && optopt)
            return ps_error_set(err, NULL, 0, 0, "unknown option '-%c' for %s", optopt, argv[1]);
        if (id == '?') /* an unknown long option: the word just read */
            return ps_error_set(err, NULL, 0, 0, "unknown option '%s' for %s", words[optind - 1],
                                argv[1]);
        if (id == ':')
            return ps_error_set(err, NULL, 0, 0, "%s needs a value", option_name(optopt));
        if (id == 'o' && no_offset)
            return ps_error_set(err, NULL, 0, 0, "%s", no_offset);
        if (!takes_option(r->cmd, id))
            return ps_error_set(err, NULL, 0, 0, "unknown option '%s' for %s", option_name(id),
                                argv[1]);
        if (take_option(r, id, optarg, err) < 0)
            return -1;
    }
    size_t cap = 0;
    for (int i = 1 + optind; i < argc; i++) {
        home_arg *h = PS_PUSH(r->args, r->nargs, cap);
        if (parse_home(argv[i], h, err) < 0)
            return -1;
        if (h->has_target && no_offset)
            return ps_error_set(err, NULL, 0, 0, "%s", no_offset);
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

/* The diff of one rendered file, coloured when asked: what the CLI prints for it. */
static void diff_text(const run *r, const ps_rendered *f, ps_strbuf *out)
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

static void diff_one(run *r, const ps_rendered *f)
{
    ps_strbuf b = PS_STRBUF_INIT;
    diff_text(r, f, &b);
    emit(r, &b);
    ps_strbuf_free(&b);
}

static void do_diff(run *r, ps_rendered *files, size_t n)
{
    for (size_t i = 0; i < n; i++)
        diff_one(r, &files[i]);
}

/* "portshift: diff: 2 homes, 3 files, 5 edits" on stderr, like git apply
 * --stat's last line: what a diff or an apply amounted to, at a glance. */
static void summary(const run *r, const char *verb, size_t nfiles)
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
    run *r;
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
static int stream_diff(run *r, ps_error *err)
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

static int do_apply(run *r, ps_rendered *files, size_t n, ps_error *err)
{
    ps_strbuf b = PS_STRBUF_INIT;
    int rc = ps_host_apply(r->host, files, n, r->force ? PS_HOST_FORCE : 0,
                           r->backup ? PS_APPLY_BACKUP : 0, &b, err);
    if (!r->quiet)
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
    if (r->fmt == FMT_JSON)
        ps_report_check_json(&b, r->check);
    else if (r->fmt == FMT_MARKDOWN)
        ps_report_check_markdown(&b, r->check);
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
    if (r->fmt == FMT_JSON) {
        ps_report_batch_json(&b, r->batch, r->plan, step);
    } else if (r->fmt == FMT_MARKDOWN) {
        ps_report_batch_markdown(&b, r->batch, r->plan);
    } else {
        ps_strbuf_add(&b, written.data, written.len);
        ps_report_batch_text(&b, r->batch, r->plan, step);
    }
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
    int rc = ps_host_open_jobs(&r->host, specs, r->nargs, flags, r->jobs, err);
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
    if (!(r->cmd == CMD_PLAN && r->fmt != FMT_JSON))
        print_warnings(r, &r->plan->warnings); /* plan's text and markdown list them */

    if (r->cmd == CMD_PLAN || r->cmd == CMD_PORTS) {
        ps_strbuf b = PS_STRBUF_INIT;
        if (r->fmt == FMT_JSON)
            ps_report_json(&b, r->plan, r->cmd == CMD_PLAN);
        else if (r->fmt == FMT_MARKDOWN && r->cmd == CMD_PLAN)
            ps_report_plan_markdown(&b, r->plan);
        else if (r->fmt == FMT_MARKDOWN)
            ps_report_ports_markdown(&b, r->plan);
        else if (r->cmd == CMD_PLAN)
            ps_report_plan_text(&b, r->plan);
        else
            ps_report_ports_text(&b, r->plan);
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

/* portshift 0.2.0 (catalog 2026.12.1): the rules are versioned apart from the code. */
static int print_version(run *r, ps_error *err)
{
    ps_catalog *cat;
    if (ps_catalog_builtin(&cat, err) < 0)
        return PS_EXIT_ERROR;
    ps_strbuf b = PS_STRBUF_INIT;
    ps_strbuf_printf(&b, "portshift %s (catalog %s)\n", PS_VERSION,
                     cat->version ? cat->version : "unversioned");
    emit(r, &b);
    ps_strbuf_free(&b);
    ps_catalog_free(cat);
    return PS_EXIT_OK;
}

/* help, help COMMAND, COMMAND --help: to stdout, exit 0. */
static int print_help(run *r, const char *name, ps_error *err)
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

static void usage_to(FILE *f)
{
    ps_strbuf b = PS_STRBUF_INIT;
    ps_cli_usage(&b);
    fwrite(b.data, 1, b.len, f);
    ps_strbuf_free(&b);
}

int ps_cli_main(int argc, char **argv, FILE *out, FILE *err)
{
    run r = {.out = out, .err = err};
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
    } else if (parse_args(&r, argc, argv, &help, &e) < 0) {
        ps_error_print(err, "error", &e);
        usage_to(err);
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
