/*
 * The NULL contract of the public headers (include/portshift/portshift.h,
 * "NULL.", and include/portshift/cli.h): every exported function is called with each of its pointer
 * arguments NULL in turn, then with all of them NULL at once, each call in
 * its own forked case (a crash fails the case). A _free given NULL does
 * nothing; a call needing an object returns PS_EINVALID with err's message naming
 * the argument; a NULL err changes nothing but where the message goes; a
 * count, item or string of a NULL object is 0, NULL or "".
 *
 * The table is checked against the library at run time: every symbol of
 * src/libportshift.map is a function of the header, and every pointer
 * parameter the header gives it has a row here, so a new export (or a new
 * pointer parameter) without a case fails `every_export_has_cases`.
 */
#define _POSIX_C_SOURCE 200809L
#include <portshift/cli.h>
#include <portshift/portshift.h>

#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/fixture.h"
#include "../support/runner.h"

/* What every call may use when its argument is not the NULL one: a kernel
 * 4.4.9 home opened with target 1, so its plan has changes. */
typedef struct world {
    fx f;
    char path[4096];
    ps_home_spec spec;
    ps_host *host;
    ps_plan *plan;
    ps_check *check;
    ps_batch *batch;
    /* A second copy of the home, held to write: ps_plan_apply refuses a
     * host that holds its homes for reading only, and a writer excludes the
     * readers the other calls open on the first copy. */
    char wpath[4096];
    ps_host *whost;
    ps_plan *wplan;
} world;

static world w;

static void world_setup(void)
{
    ps_error e = {{0}, 0, 0, {0}};
    fx_open(&w.f);
    fx_add(&w.f, "good", "k");
    snprintf(w.path, sizeof w.path, "%s", in(&w.f, "k"));
    w.spec = (ps_home_spec){w.path, 1, 1};
    ck_assert_msg(ps_host_open(&w.host, &w.spec, 1, 0, &e) == 0, "%s", e.message);
    ck_assert_msg(ps_host_plan(&w.plan, w.host, 0, &e) == 0, "%s", e.message);
    ck_assert_msg(ps_host_check(&w.check, w.host, 0, &e) == 0, "%s", e.message);
    ps_batch_options o = {0};
    ck_assert_msg(ps_host_batch(&w.batch, w.host, &o, &e) == 0, "%s", e.message);
    ck_assert_uint_gt(ps_plan_change_count(w.plan), 0);
    fx_add(&w.f, "good", "kw");
    snprintf(w.wpath, sizeof w.wpath, "%s", in(&w.f, "kw"));
    ps_home_spec ws = {w.wpath, 1, 1};
    ck_assert_msg(ps_host_open(&w.whost, &ws, 1, PS_HOST_WRITE, &e) == 0, "%s", e.message);
    ck_assert_msg(ps_host_plan(&w.wplan, w.whost, 0, &e) == 0, "%s", e.message);
}

static void world_teardown(void)
{
    ps_batch_free(w.batch);
    ps_check_free(w.check);
    ps_plan_free(w.plan);
    ps_host_free(w.host);
    ps_plan_free(w.wplan);
    ps_host_free(w.whost);
    fx_close(&w.f);
}

/* One call: `fn` with its argument `arg` NULL ("*": every pointer argument). */
typedef struct row row;
struct row {
    const char *fn;
    const char *arg;
    void (*call)(const row *r);
    int ok; /* 1: the call still succeeds (a NULL err, or a NULL meaning the defaults) */
};

/* Whether the row makes `name` NULL. */
static int nul(const row *r, const char *name)
{
    return strcmp(r->arg, "*") == 0 || strcmp(r->arg, name) == 0;
}

#define PICK(r, name, value) (nul((r), (name)) ? NULL : (value))

/* The outcome of an int call given `err` (NULL or not). */
static void expect(const row *r, int rc, const ps_error *err)
{
    if (r->ok) {
        ck_assert_msg(rc == 0, "%s with %s NULL: %d (%s)", r->fn, r->arg, rc,
                      err ? err->message : "no err");
        return;
    }
    ck_assert_msg(rc == PS_EINVALID, "%s with %s NULL: returned %d, not PS_EINVALID", r->fn, r->arg,
                  rc);
    if (!err)
        return;
    ck_assert_msg(err->message[0] != '\0', "%s with %s NULL: err's message is empty", r->fn,
                  r->arg);
    ck_assert_msg(strstr(err->message, r->arg) != NULL, "%s with %s NULL: \"%s\" does not name it",
                  r->fn, r->arg, err->message);
}

/* A cleared error record. */
static const ps_error NO_ERROR = {{0}, 0, 0, {0}};

/* ---- the CLI ---- */

static void call_cli_main(const row *r)
{
    char *text = NULL, *diag = NULL;
    size_t text_len = 0, diag_len = 0;
    FILE *out_f = open_memstream(&text, &text_len);
    FILE *err_f = open_memstream(&diag, &diag_len);
    ck_assert(out_f && err_f);
    char *argv[] = {"portshift", "--version", NULL};
    if (nul(r, "argv[0]"))
        argv[0] = NULL;
    if (nul(r, "argv[1]"))
        argv[1] = NULL;
    int status =
        ps_cli_main(2, PICK(r, "argv", argv), PICK(r, "out", out_f), PICK(r, "err", err_f));
    fclose(out_f);
    fclose(err_f);
    ck_assert_msg(status == PS_EXIT_ERROR, "ps_cli_main with %s NULL: exit %d", r->arg, status);
    ck_assert_msg(text_len == 0, "ps_cli_main with %s NULL printed: %s", r->arg, text);
    if (!nul(r, "err"))
        ck_assert_msg(diag_len > 0 && strstr(diag, r->arg) != NULL,
                      "ps_cli_main with %s NULL: the error stream says \"%s\"", r->arg, diag);
    else
        ck_assert_uint_eq(diag_len, 0);
    free(text);
    free(diag);
}

/* ---- the host ---- */

static void call_host_open(const row *r)
{
    ps_host *h = (ps_host *)&w; /* must be overwritten */
    ps_error e = NO_ERROR;
    ps_home_spec spec = w.spec;
    if (nul(r, "homes[0].path"))
        spec.path = NULL;
    int rc = ps_host_open(PICK(r, "out", &h), PICK(r, "homes", &spec), 1, 0, PICK(r, "err", &e));
    expect(r, rc, PICK(r, "err", &e));
    if (!nul(r, "out"))
        ck_assert(r->ok ? h != NULL : h == NULL);
    if (r->ok)
        ps_host_free(h);
}

static void call_host_open_jobs(const row *r)
{
    ps_host *h = (ps_host *)&w;
    ps_error e = NO_ERROR;
    ps_home_spec spec = w.spec;
    if (nul(r, "homes[0].path"))
        spec.path = NULL;
    int rc =
        ps_host_open_jobs(PICK(r, "out", &h), PICK(r, "homes", &spec), 1, 0, 1, PICK(r, "err", &e));
    expect(r, rc, PICK(r, "err", &e));
    if (!nul(r, "out"))
        ck_assert(r->ok ? h != NULL : h == NULL);
    if (r->ok)
        ps_host_free(h);
}

/* The home of the opening calls, its path NULL when the row says so. */
static ps_home_spec open_spec(const row *r)
{
    ps_home_spec spec = w.spec;
    if (nul(r, "homes[0].path"))
        spec.path = NULL;
    return spec;
}

/* What an opening call gave: its code and message as the row expects, the
 * host set only on success (and freed). */
static void expect_opened(const row *r, int rc, ps_host *h, ps_error *e)
{
    expect(r, rc, PICK(r, "err", e));
    if (!nul(r, "out"))
        ck_assert(r->ok ? h != NULL : h == NULL);
    if (r->ok)
        ps_host_free(h);
}

/* opts NULL is all zero; a start file NULL among them is refused. */
static void call_host_open_opts(const row *r)
{
    ps_host *h = (ps_host *)&w;
    ps_error e = NO_ERROR;
    ps_home_spec spec = open_spec(r);
    const char *files[] = {NULL};
    ps_host_options o = {.start_files = nul(r, "opts->start_files") ? NULL : files,
                         .nstart_files = 1};
    int pass_opts = nul(r, "opts->start_files") || nul(r, "opts->start_files[0]");
    int rc = ps_host_open_opts(PICK(r, "out", &h), PICK(r, "homes", &spec), 1,
                               pass_opts ? &o : NULL, PICK(r, "err", &e));
    expect_opened(r, rc, h, &e);
}

/* Other hosts' facts (--with): none unless the row makes the list or its
 * first file NULL, which is refused. */
static void call_host_open_with(const row *r)
{
    ps_host *h = (ps_host *)&w;
    ps_error e = NO_ERROR;
    ps_home_spec spec = open_spec(r);
    const char *files[] = {NULL};
    int with = nul(r, "facts") || nul(r, "facts[0]");
    ps_host_options o = {0};
    int rc = ps_host_open_with(PICK(r, "out", &h), PICK(r, "homes", &spec), 1, PICK(r, "opts", &o),
                               PICK(r, "facts", files), with ? 1 : 0, PICK(r, "err", &e));
    expect_opened(r, rc, h, &e);
}

static void call_host_free(const row *r)
{
    (void)r;
    ps_host_free(NULL);
}

static void call_host_recovered(const row *r)
{
    (void)r;
    const char *s = ps_host_recovered(NULL);
    ck_assert_ptr_nonnull(s);
    ck_assert_str_eq(s, "");
}

static void call_host_runtime_count(const row *r)
{
    (void)r;
    ck_assert_uint_eq(ps_host_runtime_count(NULL), 0);
}

static void call_host_runtime(const row *r)
{
    ps_runtime_info info;
    memset(&info, 0xff, sizeof info);
    ps_error e = NO_ERROR;
    int rc = ps_host_runtime(PICK(r, "out", &info), PICK(r, "host", w.host), 0, PICK(r, "err", &e));
    expect(r, rc, PICK(r, "err", &e));
    if (!nul(r, "out"))
        ck_assert(r->ok ? info.home != NULL : info.home == NULL);
}

static void call_host_ports(const row *r)
{
    ps_ports ports;
    memset(&ports, 0xff, sizeof ports);
    ps_error e = NO_ERROR;
    int rc = ps_host_ports(PICK(r, "out", &ports), PICK(r, "host", w.host), 0, PS_OFFSET_CURRENT,
                           PICK(r, "err", &e));
    expect(r, rc, PICK(r, "err", &e));
    if (!nul(r, "out")) {
        ck_assert(r->ok ? ports.count > 0 : ports.items == NULL && ports.count == 0);
        ps_ports_free(&ports);
        ps_ports_free(&ports); /* twice: a zeroed struct */
    }
}

static void call_ports_free(const row *r)
{
    (void)r;
    ps_ports_free(NULL);
    ps_ports zero = {0};
    ps_ports_free(&zero);
}

static void call_host_owners(const row *r)
{
    ps_party *parties = (ps_party *)&w;
    size_t n = 99;
    ps_error e = NO_ERROR;
    int rc = ps_host_owners(PICK(r, "out", &parties), PICK(r, "n", &n), PICK(r, "host", w.host),
                            9443, PICK(r, "err", &e));
    expect(r, rc, PICK(r, "err", &e));
    if (r->ok) {
        ck_assert_uint_gt(n, 0);
        free(parties);
        return;
    }
    if (!nul(r, "out"))
        ck_assert_ptr_null(parties);
    if (!nul(r, "n"))
        ck_assert_uint_eq(n, 0);
}

static void call_host_plan(const row *r)
{
    ps_plan *p = (ps_plan *)&w;
    ps_error e = NO_ERROR;
    int rc = ps_host_plan(PICK(r, "out", &p), PICK(r, "host", w.host), 0, PICK(r, "err", &e));
    expect(r, rc, PICK(r, "err", &e));
    if (!nul(r, "out"))
        ck_assert(r->ok ? p != NULL : p == NULL);
    if (r->ok)
        ps_plan_free(p);
}

static void call_plan_free(const row *r)
{
    (void)r;
    ps_plan_free(NULL);
}

static void call_plan_change_count(const row *r)
{
    (void)r;
    ck_assert_uint_eq(ps_plan_change_count(NULL), 0);
}

static void call_plan_change(const row *r)
{
    ps_change c;
    memset(&c, 0xff, sizeof c);
    ps_error e = NO_ERROR;
    int rc = ps_plan_change(PICK(r, "out", &c), PICK(r, "plan", w.plan), 0, PICK(r, "err", &e));
    expect(r, rc, PICK(r, "err", &e));
    if (!nul(r, "out")) {
        ck_assert(r->ok ? c.path != NULL : c.path == NULL && c.why == NULL);
        free(c.why);
    }
}

static void call_host_check(const row *r)
{
    ps_check *c = (ps_check *)&w;
    ps_error e = NO_ERROR;
    int rc = ps_host_check(PICK(r, "out", &c), PICK(r, "host", w.host), 0, PICK(r, "err", &e));
    expect(r, rc, PICK(r, "err", &e));
    if (!nul(r, "out"))
        ck_assert(r->ok ? c != NULL : c == NULL);
    if (r->ok)
        ps_check_free(c);
}

static void call_check_free(const row *r)
{
    (void)r;
    ps_check_free(NULL);
}

static void call_check_count(const row *r)
{
    (void)r;
    ck_assert_uint_eq(ps_check_count(NULL), 0);
}

static void call_check_findings(const row *r)
{
    (void)r;
    ck_assert_uint_eq(ps_check_findings(NULL), 0);
}

static void call_check_get(const row *r)
{
    (void)r;
    ck_assert_ptr_null(ps_check_get(NULL, 0));
}

static void call_plan_warning_count(const row *r)
{
    (void)r;
    ck_assert_uint_eq(ps_plan_warning_count(NULL), 0);
}

static void call_plan_warning(const row *r)
{
    (void)r;
    ck_assert_ptr_null(ps_plan_warning(NULL, 0));
}

static void call_check_warning_count(const row *r)
{
    (void)r;
    ck_assert_uint_eq(ps_check_warning_count(NULL), 0);
}

static void call_check_warning(const row *r)
{
    (void)r;
    ck_assert_ptr_null(ps_check_warning(NULL, 0));
}

/* ---- batch ---- */

static void call_host_batch(const row *r)
{
    ps_batch *b = (ps_batch *)&w;
    ps_error e = NO_ERROR;
    ps_batch_options o = {0};
    if (nul(r, "opts->avoid"))
        o.navoid = 1; /* and no array */
    int rc = ps_host_batch(PICK(r, "out", &b), PICK(r, "host", w.host), PICK(r, "opts", &o),
                           PICK(r, "err", &e));
    expect(r, rc, PICK(r, "err", &e));
    if (!nul(r, "out"))
        ck_assert(r->ok ? b != NULL : b == NULL);
    if (r->ok) {
        ck_assert_uint_eq(ps_batch_home_count(b), 1);
        ps_batch_free(b);
    }
}

static void call_batch_free(const row *r)
{
    (void)r;
    ps_batch_free(NULL);
}

static void call_batch_home_count(const row *r)
{
    (void)r;
    ck_assert_uint_eq(ps_batch_home_count(NULL), 0);
}

static void call_batch_assignment(const row *r)
{
    ps_assignment a;
    memset(&a, 0xff, sizeof a);
    ps_error e = NO_ERROR;
    int rc =
        ps_batch_assignment(PICK(r, "out", &a), PICK(r, "batch", w.batch), 0, PICK(r, "err", &e));
    expect(r, rc, PICK(r, "err", &e));
    if (!nul(r, "out"))
        ck_assert(r->ok ? a.home != NULL : a.home == NULL);
}

static void call_batch_runtime_offset(const row *r)
{
    (void)r;
    ck_assert_int_eq(ps_batch_runtime_offset(NULL, 0), -1);
}

static void call_batch_rewrite_count(const row *r)
{
    (void)r;
    ck_assert_uint_eq(ps_batch_rewrite_count(NULL), 0);
}

static void call_batch_rewrite(const row *r)
{
    (void)r;
    ck_assert_ptr_null(ps_batch_rewrite(NULL, 0));
}

static void call_batch_plan(const row *r)
{
    ps_plan *p = (ps_plan *)&w;
    ps_error e = NO_ERROR;
    int rc = ps_batch_plan(PICK(r, "out", &p), PICK(r, "batch", w.batch), 0, PICK(r, "err", &e));
    expect(r, rc, PICK(r, "err", &e));
    if (!nul(r, "out"))
        ck_assert(r->ok ? p != NULL : p == NULL);
    if (r->ok)
        ps_plan_free(p);
}

/* ---- the version ---- */

/* A NULL part is skipped; the others are filled, and the string is the
 * build's version whatever is NULL. */
static void call_version(const row *r)
{
    int part[3] = {-7, -7, -7};
    const char *v = ps_version(PICK(r, "major", &part[0]), PICK(r, "minor", &part[1]),
                               PICK(r, "patch", &part[2]));
    ck_assert_ptr_nonnull(v);
    ck_assert_str_eq(v, PS_VERSION);
    int want[3];
    ck_assert_int_eq(sscanf(PS_VERSION, "%d.%d.%d", &want[0], &want[1], &want[2]), 3);
    static const char *const names[] = {"major", "minor", "patch"};
    for (int k = 0; k < 3; k++)
        ck_assert_int_eq(part[k], nul(r, names[k]) ? -7 : want[k]);
}

/* ---- 0.4: buffers, documents, diff, apply ---- */

/* A call that returns a count: as expect(), a count counting as success. */
static void expect_count(const row *r, int rc, const ps_error *err)
{
    if (r->ok)
        ck_assert_msg(rc >= 0, "%s with %s NULL: %d (%s)", r->fn, r->arg, rc,
                      err ? err->message : "no err");
    expect(r, rc >= 0 ? 0 : rc, err);
}

static void call_buf_dispose(const row *r)
{
    (void)r;
    ps_buf_dispose(NULL);
    ps_buf zero = PS_BUF_INIT;
    ps_buf_dispose(&zero);
    ps_buf_dispose(&zero);
}

/* The buffer calls have no err: PS_EINVALID is their whole answer, and a
 * buffer given alongside a NULL is left as it was. */
static void call_buf_put(const row *r)
{
    ps_buf b = PS_BUF_INIT;
    expect(r, ps_buf_put(PICK(r, "buf", &b), PICK(r, "data", "abc"), 3), NULL);
    ck_assert_ptr_null(b.ptr);
}

static void call_buf_puts(const row *r)
{
    ps_buf b = PS_BUF_INIT;
    expect(r, ps_buf_puts(PICK(r, "buf", &b), PICK(r, "s", "abc")), NULL);
    ck_assert_ptr_null(b.ptr);
}

static void call_buf_printf(const row *r)
{
    ps_buf b = PS_BUF_INIT;
    const char *fmt = PICK(r, "fmt", "%d");
    expect(r, ps_buf_printf(PICK(r, "buf", &b), fmt, 7), NULL);
    ck_assert_ptr_null(b.ptr);
}

/* A document call: `out` left empty when it fails, filled when it runs. */
static void document_outcome(const row *r, int rc, const ps_error *e, const ps_buf *b)
{
    expect(r, rc, PICK(r, "err", e));
    if (!nul(r, "out"))
        ck_assert(r->ok ? b->size > 0 : b->ptr == NULL);
}

#define DOCUMENT_CALL(name, fn, arg, object)                                                       \
    static void name(const row *r)                                                                 \
    {                                                                                              \
        ps_buf b = PS_BUF_INIT;                                                                    \
        ps_error e = NO_ERROR;                                                                     \
        int rc = fn(PICK(r, "out", &b), PICK(r, arg, object), PS_FORMAT_JSON, PICK(r, "err", &e)); \
        document_outcome(r, rc, &e, &b);                                                           \
        ps_buf_dispose(&b);                                                                        \
    }

DOCUMENT_CALL(call_plan_report, ps_plan_report, "plan", w.plan)
DOCUMENT_CALL(call_plan_ports_report, ps_plan_ports_report, "plan", w.plan)
DOCUMENT_CALL(call_check_report, ps_check_report, "check", w.check)
DOCUMENT_CALL(call_check_status_report, ps_check_status_report, "check", w.check)

static void call_check_repair_command(const row *r)
{
    ps_buf b = PS_BUF_INIT;
    ps_error e = NO_ERROR;
    int rc =
        ps_check_repair_command(PICK(r, "out", &b), PICK(r, "check", w.check), PICK(r, "err", &e));
    document_outcome(r, rc, &e, &b);
    ps_buf_dispose(&b);
}

static void call_check_resolve_command(const row *r)
{
    ps_buf b = PS_BUF_INIT;
    ps_error e = NO_ERROR;
    int rc =
        ps_check_resolve_command(PICK(r, "out", &b), PICK(r, "check", w.check), PICK(r, "err", &e));
    document_outcome(r, rc, &e, &b);
    ps_buf_dispose(&b);
}

static void call_batch_report(const row *r)
{
    ps_plan *p;
    ps_error e = NO_ERROR;
    ck_assert_int_eq(ps_batch_plan(&p, w.batch, 0, &e), 0);
    ps_buf b = PS_BUF_INIT;
    int rc = ps_batch_report(PICK(r, "out", &b), PICK(r, "batch", w.batch), PICK(r, "plan", p),
                             PS_FORMAT_TEXT, PS_BATCH_REPORT_SHOWN, PICK(r, "err", &e));
    document_outcome(r, rc, &e, &b);
    ps_buf_dispose(&b);
    ps_plan_free(p);
}

static void call_plan_diff(const row *r)
{
    ps_buf b = PS_BUF_INIT;
    ps_error e = NO_ERROR;
    ps_diff_options o = PS_DIFF_OPTIONS_INIT;
    int rc = ps_plan_diff(PICK(r, "out", &b), PICK(r, "plan", w.plan), PICK(r, "opts", &o),
                          PICK(r, "err", &e));
    expect_count(r, rc, PICK(r, "err", &e));
    if (!nul(r, "out"))
        ck_assert(r->ok ? rc > 0 && b.size > 0 : b.ptr == NULL);
    ps_buf_dispose(&b);
}

static int count_files(const char *path, const char *diff, size_t len, void *payload)
{
    (void)path;
    (void)diff;
    (void)len;
    if (payload)
        ++*(int *)payload;
    return 0;
}

static void call_plan_diff_foreach(const row *r)
{
    int files = 0;
    ps_error e = NO_ERROR;
    ps_diff_options o = PS_DIFF_OPTIONS_INIT;
    int rc = ps_plan_diff_foreach(PICK(r, "plan", w.plan), PICK(r, "opts", &o),
                                  nul(r, "cb") ? NULL : count_files, PICK(r, "payload", &files),
                                  PICK(r, "err", &e));
    expect_count(r, rc, PICK(r, "err", &e));
    ck_assert_int_eq(files, r->ok && !nul(r, "payload") ? rc : 0);
}

static void call_plan_apply(const row *r)
{
    ps_apply *a = (ps_apply *)&w;
    ps_error e = NO_ERROR;
    ps_apply_options o = PS_APPLY_OPTIONS_INIT;
    int rc = ps_plan_apply(PICK(r, "out", &a), PICK(r, "host", w.whost), PICK(r, "plan", w.wplan),
                           PICK(r, "opts", &o), PICK(r, "err", &e));
    expect(r, rc, PICK(r, "err", &e));
    if (!nul(r, "out"))
        ck_assert(r->ok ? a != NULL && ps_apply_file_count(a) > 0 : a == NULL);
    if (r->ok)
        ps_apply_free(a);
}

static void call_apply_free(const row *r)
{
    (void)r;
    ps_apply_free(NULL);
}

static void call_apply_file_count(const row *r)
{
    (void)r;
    ck_assert_uint_eq(ps_apply_file_count(NULL), 0);
}

static void call_apply_report(const row *r)
{
    (void)r;
    ck_assert_str_eq(ps_apply_report(NULL), "");
}

static void call_apply_unit_changed(const row *r)
{
    (void)r;
    ck_assert_ptr_null(ps_apply_unit_changed(NULL));
}

static void call_host_warning_count(const row *r)
{
    (void)r;
    ck_assert_uint_eq(ps_host_warning_count(NULL), 0);
}

static void call_host_warning(const row *r)
{
    (void)r;
    ck_assert_ptr_null(ps_host_warning(NULL, 0));
}

static void call_plan_home_count(const row *r)
{
    (void)r;
    ck_assert_uint_eq(ps_plan_home_count(NULL), 0);
}

static void call_catalog_version(const row *r)
{
    ps_buf b = PS_BUF_INIT;
    ps_error e = NO_ERROR;
    int rc = ps_catalog_version(PICK(r, "out", &b), PICK(r, "err", &e));
    document_outcome(r, rc, &e, &b);
    ps_buf_dispose(&b);
}

/* The facts of the home as it is (no target); opts NULL is the defaults, a
 * host name or start file NULL among them is refused. */
static void call_facts(const row *r)
{
    ps_buf b = PS_BUF_INIT;
    ps_error e = NO_ERROR;
    ps_home_spec spec = {nul(r, "homes[0].path") ? NULL : w.path, 0, 0};
    const char *none[] = {NULL};
    ps_facts_options o = PS_FACTS_OPTIONS_INIT;
    if (nul(r, "opts->host_names") || nul(r, "opts->host_names[0]")) {
        o.host_names = nul(r, "opts->host_names") ? NULL : none;
        o.nhost_names = 1;
    } else if (nul(r, "opts->start_files") || nul(r, "opts->start_files[0]")) {
        o.start_files = nul(r, "opts->start_files") ? NULL : none;
        o.nstart_files = 1;
    }
    int pass_opts = o.nhost_names || o.nstart_files;
    int rc = ps_facts(PICK(r, "out", &b), PICK(r, "homes", &spec), 1, pass_opts ? &o : NULL,
                      PICK(r, "err", &e));
    document_outcome(r, rc, &e, &b);
    ps_buf_dispose(&b);
}

/* ---- the fleet: the fixture facts document, one host ---- */

#define FLEET_FACTS PS_SOURCE_DIR "/tests/fixtures/facts/km1.json"

static void call_fleet_check_files(const row *r)
{
    const char *files[] = {nul(r, "files[0]") ? NULL : FLEET_FACTS};
    ps_fleet_check *c = NULL;
    ps_error e = NO_ERROR;
    int rc =
        ps_fleet_check_files(PICK(r, "out", &c), PICK(r, "files", files), 1, PICK(r, "err", &e));
    expect(r, rc, PICK(r, "err", &e));
    ck_assert(r->ok ? c != NULL : c == NULL);
    ps_fleet_check_free(c);
}

static void call_fleet_check_free(const row *r)
{
    (void)r;
    ps_fleet_check_free(NULL);
}

static void call_fleet_check_count(const row *r)
{
    (void)r;
    ck_assert_uint_eq(ps_fleet_check_count(NULL), 0);
    ck_assert_uint_eq(ps_fleet_check_findings(NULL), 0);
    ck_assert_ptr_null(ps_fleet_check_get(NULL, 0));
}

static void call_fleet_check_report(const row *r)
{
    const char *files[] = {FLEET_FACTS};
    ps_fleet_check *c = NULL;
    ck_assert_int_eq(ps_fleet_check_files(&c, files, 1, NULL), 0);
    ps_buf b = PS_BUF_INIT;
    ps_error e = NO_ERROR;
    int rc = ps_fleet_check_report(PICK(r, "out", &b), PICK(r, "check", c), PS_FORMAT_JSON,
                                   PICK(r, "err", &e));
    document_outcome(r, rc, &e, &b);
    ps_buf_dispose(&b);
    ps_fleet_check_free(c);
}

/* A NULL err is no position: ""; a NULL out with room is refused. */
static void call_error_where(const row *r)
{
    char where[64] = "x";
    ps_error e = {"a.xml", 3, 4, "bad"};
    int rc = ps_error_where(PICK(r, "out", where), sizeof where, PICK(r, "err", &e));
    expect(r, rc >= 0 ? 0 : rc, NULL);
    if (!nul(r, "out"))
        ck_assert_str_eq(where, nul(r, "err") ? "" : "a.xml:3:4: ");
}

/* Every exported function, each pointer argument (as the header names it),
 * then all of them ("*"). A nested pointer the call reads (homes[0].path,
 * opts->avoid, argv[i]) has a row of its own. */
static const row rows[] = {
    {"ps_cli_main", "argv", call_cli_main, 0},
    {"ps_cli_main", "argv[0]", call_cli_main, 0},
    {"ps_cli_main", "argv[1]", call_cli_main, 0},
    {"ps_cli_main", "out", call_cli_main, 0},
    {"ps_cli_main", "err", call_cli_main, 0},
    {"ps_cli_main", "*", call_cli_main, 0},
    {"ps_version", "major", call_version, 1},
    {"ps_version", "minor", call_version, 1},
    {"ps_version", "patch", call_version, 1},
    {"ps_version", "*", call_version, 1},
    {"ps_host_open", "out", call_host_open, 0},
    {"ps_host_open", "homes", call_host_open, 0},
    {"ps_host_open", "homes[0].path", call_host_open, 0},
    {"ps_host_open", "err", call_host_open, 1},
    {"ps_host_open", "*", call_host_open, 0},
    {"ps_host_open_jobs", "out", call_host_open_jobs, 0},
    {"ps_host_open_jobs", "homes", call_host_open_jobs, 0},
    {"ps_host_open_jobs", "homes[0].path", call_host_open_jobs, 0},
    {"ps_host_open_jobs", "err", call_host_open_jobs, 1},
    {"ps_host_open_jobs", "*", call_host_open_jobs, 0},
    {"ps_facts", "out", call_facts, 0},
    {"ps_facts", "homes", call_facts, 0},
    {"ps_facts", "homes[0].path", call_facts, 0},
    {"ps_facts", "opts", call_facts, 1},
    {"ps_facts", "opts->host_names", call_facts, 0},
    {"ps_facts", "opts->host_names[0]", call_facts, 0},
    {"ps_facts", "opts->start_files", call_facts, 0},
    {"ps_facts", "opts->start_files[0]", call_facts, 0},
    {"ps_facts", "err", call_facts, 1},
    {"ps_facts", "*", call_facts, 0},
    {"ps_fleet_check_files", "out", call_fleet_check_files, 0},
    {"ps_fleet_check_files", "files", call_fleet_check_files, 0},
    {"ps_fleet_check_files", "files[0]", call_fleet_check_files, 0},
    {"ps_fleet_check_files", "err", call_fleet_check_files, 1},
    {"ps_fleet_check_files", "*", call_fleet_check_files, 0},
    {"ps_fleet_check_free", "check", call_fleet_check_free, 0},
    {"ps_fleet_check_count", "check", call_fleet_check_count, 0},
    {"ps_fleet_check_findings", "check", call_fleet_check_count, 0},
    {"ps_fleet_check_get", "check", call_fleet_check_count, 0},
    {"ps_fleet_check_report", "out", call_fleet_check_report, 0},
    {"ps_fleet_check_report", "check", call_fleet_check_report, 0},
    {"ps_fleet_check_report", "err", call_fleet_check_report, 1},
    {"ps_fleet_check_report", "*", call_fleet_check_report, 0},
    {"ps_host_open_opts", "out", call_host_open_opts, 0},
    {"ps_host_open_opts", "homes", call_host_open_opts, 0},
    {"ps_host_open_opts", "homes[0].path", call_host_open_opts, 0},
    {"ps_host_open_opts", "opts", call_host_open_opts, 1},
    {"ps_host_open_opts", "opts->start_files", call_host_open_opts, 0},
    {"ps_host_open_opts", "opts->start_files[0]", call_host_open_opts, 0},
    {"ps_host_open_opts", "err", call_host_open_opts, 1},
    {"ps_host_open_opts", "*", call_host_open_opts, 0},
    {"ps_host_open_with", "out", call_host_open_with, 0},
    {"ps_host_open_with", "homes", call_host_open_with, 0},
    {"ps_host_open_with", "homes[0].path", call_host_open_with, 0},
    {"ps_host_open_with", "opts", call_host_open_with, 1},
    {"ps_host_open_with", "facts", call_host_open_with, 0},
    {"ps_host_open_with", "facts[0]", call_host_open_with, 0},
    {"ps_host_open_with", "err", call_host_open_with, 1},
    {"ps_host_open_with", "*", call_host_open_with, 0},
    {"ps_host_free", "host", call_host_free, 0},
    {"ps_host_recovered", "host", call_host_recovered, 0},
    {"ps_host_runtime_count", "host", call_host_runtime_count, 0},
    {"ps_host_runtime", "out", call_host_runtime, 0},
    {"ps_host_runtime", "host", call_host_runtime, 0},
    {"ps_host_runtime", "err", call_host_runtime, 1},
    {"ps_host_runtime", "*", call_host_runtime, 0},
    {"ps_host_ports", "out", call_host_ports, 0},
    {"ps_host_ports", "host", call_host_ports, 0},
    {"ps_host_ports", "err", call_host_ports, 1},
    {"ps_host_ports", "*", call_host_ports, 0},
    {"ps_ports_free", "ports", call_ports_free, 0},
    {"ps_host_owners", "out", call_host_owners, 0},
    {"ps_host_owners", "n", call_host_owners, 0},
    {"ps_host_owners", "host", call_host_owners, 0},
    {"ps_host_owners", "err", call_host_owners, 1},
    {"ps_host_owners", "*", call_host_owners, 0},
    {"ps_host_plan", "out", call_host_plan, 0},
    {"ps_host_plan", "host", call_host_plan, 0},
    {"ps_host_plan", "err", call_host_plan, 1},
    {"ps_host_plan", "*", call_host_plan, 0},
    {"ps_plan_free", "plan", call_plan_free, 0},
    {"ps_plan_change_count", "plan", call_plan_change_count, 0},
    {"ps_plan_change", "out", call_plan_change, 0},
    {"ps_plan_change", "plan", call_plan_change, 0},
    {"ps_plan_change", "err", call_plan_change, 1},
    {"ps_plan_change", "*", call_plan_change, 0},
    {"ps_host_check", "out", call_host_check, 0},
    {"ps_host_check", "host", call_host_check, 0},
    {"ps_host_check", "err", call_host_check, 1},
    {"ps_host_check", "*", call_host_check, 0},
    {"ps_check_free", "check", call_check_free, 0},
    {"ps_check_count", "check", call_check_count, 0},
    {"ps_check_findings", "check", call_check_findings, 0},
    {"ps_check_get", "check", call_check_get, 0},
    {"ps_plan_warning_count", "plan", call_plan_warning_count, 0},
    {"ps_plan_warning", "plan", call_plan_warning, 0},
    {"ps_check_warning_count", "check", call_check_warning_count, 0},
    {"ps_check_warning", "check", call_check_warning, 0},
    {"ps_host_batch", "out", call_host_batch, 0},
    {"ps_host_batch", "host", call_host_batch, 0},
    {"ps_host_batch", "opts", call_host_batch, 1}, /* the defaults */
    {"ps_host_batch", "opts->avoid", call_host_batch, 0},
    {"ps_host_batch", "err", call_host_batch, 1},
    {"ps_host_batch", "*", call_host_batch, 0},
    {"ps_batch_free", "batch", call_batch_free, 0},
    {"ps_batch_home_count", "batch", call_batch_home_count, 0},
    {"ps_batch_assignment", "out", call_batch_assignment, 0},
    {"ps_batch_assignment", "batch", call_batch_assignment, 0},
    {"ps_batch_assignment", "err", call_batch_assignment, 1},
    {"ps_batch_assignment", "*", call_batch_assignment, 0},
    {"ps_batch_runtime_offset", "batch", call_batch_runtime_offset, 0},
    {"ps_batch_rewrite_count", "batch", call_batch_rewrite_count, 0},
    {"ps_batch_rewrite", "batch", call_batch_rewrite, 0},
    {"ps_batch_plan", "out", call_batch_plan, 0},
    {"ps_batch_plan", "batch", call_batch_plan, 0},
    {"ps_batch_plan", "err", call_batch_plan, 1},
    {"ps_batch_plan", "*", call_batch_plan, 0},
    {"ps_buf_dispose", "buf", call_buf_dispose, 0},
    {"ps_buf_put", "buf", call_buf_put, 0},
    {"ps_buf_put", "data", call_buf_put, 0},
    {"ps_buf_put", "*", call_buf_put, 0},
    {"ps_buf_puts", "buf", call_buf_puts, 0},
    {"ps_buf_puts", "s", call_buf_puts, 0},
    {"ps_buf_puts", "*", call_buf_puts, 0},
    {"ps_buf_printf", "buf", call_buf_printf, 0},
    {"ps_buf_printf", "fmt", call_buf_printf, 0},
    {"ps_buf_printf", "*", call_buf_printf, 0},
    {"ps_plan_report", "out", call_plan_report, 0},
    {"ps_plan_report", "plan", call_plan_report, 0},
    {"ps_plan_report", "err", call_plan_report, 1},
    {"ps_plan_report", "*", call_plan_report, 0},
    {"ps_plan_ports_report", "out", call_plan_ports_report, 0},
    {"ps_plan_ports_report", "plan", call_plan_ports_report, 0},
    {"ps_plan_ports_report", "err", call_plan_ports_report, 1},
    {"ps_plan_ports_report", "*", call_plan_ports_report, 0},
    {"ps_check_report", "out", call_check_report, 0},
    {"ps_check_report", "check", call_check_report, 0},
    {"ps_check_report", "err", call_check_report, 1},
    {"ps_check_report", "*", call_check_report, 0},
    {"ps_check_status_report", "out", call_check_status_report, 0},
    {"ps_check_status_report", "check", call_check_status_report, 0},
    {"ps_check_status_report", "err", call_check_status_report, 1},
    {"ps_check_status_report", "*", call_check_status_report, 0},
    {"ps_check_repair_command", "out", call_check_repair_command, 0},
    {"ps_check_repair_command", "check", call_check_repair_command, 0},
    {"ps_check_repair_command", "err", call_check_repair_command, 1},
    {"ps_check_repair_command", "*", call_check_repair_command, 0},
    {"ps_check_resolve_command", "out", call_check_resolve_command, 0},
    {"ps_check_resolve_command", "check", call_check_resolve_command, 0},
    {"ps_check_resolve_command", "err", call_check_resolve_command, 1},
    {"ps_check_resolve_command", "*", call_check_resolve_command, 0},
    {"ps_batch_report", "out", call_batch_report, 0},
    {"ps_batch_report", "batch", call_batch_report, 0},
    {"ps_batch_report", "plan", call_batch_report, 0},
    {"ps_batch_report", "err", call_batch_report, 1},
    {"ps_batch_report", "*", call_batch_report, 0},
    {"ps_plan_diff", "out", call_plan_diff, 0},
    {"ps_plan_diff", "plan", call_plan_diff, 0},
    {"ps_plan_diff", "opts", call_plan_diff, 1}, /* the defaults */
    {"ps_plan_diff", "err", call_plan_diff, 1},
    {"ps_plan_diff", "*", call_plan_diff, 0},
    {"ps_plan_diff_foreach", "plan", call_plan_diff_foreach, 0},
    {"ps_plan_diff_foreach", "opts", call_plan_diff_foreach, 1},
    {"ps_plan_diff_foreach", "cb", call_plan_diff_foreach, 0},
    {"ps_plan_diff_foreach", "payload", call_plan_diff_foreach, 1},
    {"ps_plan_diff_foreach", "err", call_plan_diff_foreach, 1},
    {"ps_plan_diff_foreach", "*", call_plan_diff_foreach, 0},
    {"ps_plan_apply", "out", call_plan_apply, 0},
    {"ps_plan_apply", "host", call_plan_apply, 0},
    {"ps_plan_apply", "plan", call_plan_apply, 0},
    {"ps_plan_apply", "opts", call_plan_apply, 1},
    {"ps_plan_apply", "err", call_plan_apply, 1},
    {"ps_plan_apply", "*", call_plan_apply, 0},
    {"ps_apply_free", "apply", call_apply_free, 0},
    {"ps_apply_file_count", "apply", call_apply_file_count, 0},
    {"ps_apply_report", "apply", call_apply_report, 0},
    {"ps_apply_unit_changed", "apply", call_apply_unit_changed, 0},
    {"ps_host_warning_count", "host", call_host_warning_count, 0},
    {"ps_host_warning", "host", call_host_warning, 0},
    {"ps_plan_home_count", "plan", call_plan_home_count, 0},
    {"ps_catalog_version", "out", call_catalog_version, 0},
    {"ps_catalog_version", "err", call_catalog_version, 1},
    {"ps_catalog_version", "*", call_catalog_version, 0},
    {"ps_error_where", "out", call_error_where, 0},
    {"ps_error_where", "err", call_error_where, 1},
    {"ps_error_where", "*", call_error_where, 0},
};

START_TEST(null_argument)
{
    const row *r = &rows[_i];
    /* Said first: a crash leaves Check only the last line printed. */
    printf("%s(%s NULL)\n", r->fn, r->arg);
    fflush(stdout);
    r->call(r);
}
END_TEST

/* ---- the table against the library ---- */

static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    ck_assert_msg(fp != NULL, "cannot read %s", path);
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    int c;
    while ((c = getc(fp)) != EOF)
        putc(c, mem);
    fclose(fp);
    fclose(mem);
    return text;
}

/* The text with its comments blanked. */
static void blank_comments(char *s)
{
    for (char *p = s; (p = strstr(p, "/*")) != NULL;) {
        char *end = strstr(p + 2, "*/");
        ck_assert_ptr_nonnull(end);
        memset(p, ' ', (size_t)(end + 2 - p));
        p = end + 2;
    }
}

static int ident_char(int c)
{
    return isalnum(c) || c == '_';
}

/* The names `ps_...` in `s` followed (after blanks) by `follow`, each once. */
static size_t names_before(char *s, char follow, char names[][64], size_t cap)
{
    size_t n = 0;
    for (char *p = s; (p = strstr(p, "ps_")) != NULL; p++) {
        if (p > s && ident_char((unsigned char)p[-1]))
            continue;
        size_t len = 0;
        while (ident_char((unsigned char)p[len]))
            len++;
        const char *q = p + len;
        while (*q == ' ' || *q == '\t' || *q == '\n')
            q++;
        if (*q != follow || len >= 64)
            continue;
        int seen = 0;
        for (size_t i = 0; i < n; i++)
            seen |= strncmp(names[i], p, len) == 0 && names[i][len] == '\0';
        if (!seen) {
            ck_assert_uint_lt(n, cap);
            memcpy(names[n], p, len);
            names[n++][len] = '\0';
        }
    }
    return n;
}

static int has_row(const char *fn, const char *arg)
{
    for (int i = 0; i < N(rows); i++)
        if (strcmp(rows[i].fn, fn) == 0 && (!arg || strcmp(rows[i].arg, arg) == 0))
            return 1;
    return 0;
}

/* Each pointer parameter of `fn` as the header declares it must have a row. */
static void check_parameters(const char *header, const char *fn)
{
    char key[80];
    snprintf(key, sizeof key, "%s(", fn);
    const char *p = strstr(header, key);
    ck_assert_msg(p != NULL, "%s is exported but not declared in the header", fn);
    p += strlen(key);
    const char *close = strchr(p, ')');
    ck_assert_ptr_nonnull(close);
    while (p < close) {
        const char *comma = memchr(p, ',', (size_t)(close - p));
        const char *end = comma ? comma : close;
        if (memchr(p, '*', (size_t)(end - p))) {
            const char *e = end;
            while (e > p && !ident_char((unsigned char)e[-1]))
                e--;
            const char *b = e;
            while (b > p && ident_char((unsigned char)b[-1]))
                b--;
            char name[64];
            snprintf(name, sizeof name, "%.*s", (int)(e - b), b);
            ck_assert_msg(has_row(fn, name), "%s: no case with %s NULL", fn, name);
        }
        p = end + 1;
    }
    ck_assert_msg(has_row(fn, NULL), "%s has no case", fn);
}

START_TEST(every_export_has_cases)
{
    char *map = slurp(PS_SOURCE_DIR "/src/libportshift.map");
    char *lib = slurp(PS_SOURCE_DIR "/include/portshift/portshift.h");
    char *cli = slurp(PS_SOURCE_DIR "/include/portshift/cli.h");
    char *header = NULL;
    size_t header_len = 0;
    FILE *both = open_memstream(&header, &header_len);
    fprintf(both, "%s\n%s", lib, cli);
    fclose(both);
    free(lib);
    free(cli);
    blank_comments(map);
    blank_comments(header);
    static char exported[256][64], declared[256][64];
    size_t nexp = names_before(map, ';', exported, 256);
    size_t ndecl = names_before(header, '(', declared, 256);
    ck_assert_uint_gt(nexp, 20);
    for (size_t i = 0; i < nexp; i++)
        check_parameters(header, exported[i]);
    for (size_t i = 0; i < ndecl; i++)
        ck_assert_msg(has_row(declared[i], NULL), "%s is declared in the header but has no case",
                      declared[i]);
    for (int i = 0; i < N(rows); i++) {
        int found = 0;
        for (size_t k = 0; k < nexp; k++)
            found |= strcmp(rows[i].fn, exported[k]) == 0;
        ck_assert_msg(found, "%s has a case but is not exported", rows[i].fn);
    }
    free(map);
    free(header);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("null_contract");
    TCase *tc = tcase_create("null_contract");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, world_setup, world_teardown);
    tcase_add_loop_test(tc, null_argument, 0, N(rows));
    suite_add_tcase(s, tc);
    TCase *table = tcase_create("table");
    tcase_add_test(table, every_export_has_cases);
    suite_add_tcase(s, table);
    return fx_run_suite("null_contract", s);
}
