/*
 * The public calls that do what the command line does (portshift.h, 0.4.0):
 * every document, the diff and the apply of a plan give the bytes that
 * `portshift` prints and writes for the same homes, options structs of an
 * unknown version are refused, and a failure has its code with nothing
 * written. Inputs: the bundled API Manager 2.6 home (examples/), copied to
 * a scratch folder, which is the current directory of every case, so that
 * the homes are named "apim" by the library and the command line alike.
 */
#include <portshift/cli.h>
#include <portshift/portshift.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../support/fixture.h"
#include "../support/runner.h"

static const ps_error NO_ERROR = {{0}, 0, 0, {0}};
static const char *const FORMATS[] = {"text", "json", "markdown"};

/* A scratch folder holding a copy of the example home as each of `names`,
 * made the current directory. */
static void setup_homes(fx *f, const char *const *names, size_t n)
{
    fx_open(f);
    for (size_t i = 0; i < n; i++)
        ck_assert_int_eq(tree_copy(PS_SOURCE_DIR "/examples/apim-2.6-home", in(f, "%s", names[i])),
                         0);
    ck_assert_int_eq(chdir(f->scratch), 0);
}

/* Opens `path` at `target` (-1: as it is) for reading or writing. */
static ps_host *open_home(const char *path, long target, unsigned flags)
{
    ps_home_spec spec = {path, target >= 0, target >= 0 ? target : 0};
    ps_host *h = NULL;
    ps_error e = NO_ERROR;
    ck_assert_msg(ps_host_open(&h, &spec, 1, flags, &e) == 0, "%s", e.message);
    return h;
}

static ps_plan *plan_of(ps_host *h)
{
    ps_plan *p = NULL;
    ps_error e = NO_ERROR;
    ck_assert_msg(ps_host_plan(&p, h, 0, &e) == 0, "%s", e.message);
    return p;
}

static void expect_bytes(const ps_buf *got, const char *want, const char *what)
{
    ck_assert_msg(got->size == strlen(want) && memcmp(got->ptr, want, got->size) == 0,
                  "%s: the library gives\n%.*s\nportshift prints\n%s", what, (int)got->size,
                  got->ptr ? got->ptr : "", want);
}

/* ps_plan_diff is `portshift diff`, byte for byte, plain and coloured, on
 * one thread or several, paths relative to the current directory or to
 * the folder given. */
START_TEST(diff_is_the_cli_diff)
{
    fx f;
    const char *names[] = {"apim"};
    setup_homes(&f, names, 1);
    ps_host *h = open_home("apim", 3, 0);
    ps_plan *p = plan_of(h);
    for (int color = 0; color <= 1; color++) {
        cli_result r = cli(&f, "diff -o 3 --color=%s apim", color ? "always" : "never");
        ck_assert_int_eq(r.status, PS_EXIT_PENDING);
        ck_assert_ptr_nonnull(strstr(r.out, "+        <Offset>3</Offset>"));
        for (unsigned jobs = 0; jobs <= 3; jobs++) {
            ps_diff_options o = PS_DIFF_OPTIONS_INIT;
            o.color = color;
            o.jobs = jobs;
            ps_buf b = PS_BUF_INIT;
            ps_error e = NO_ERROR;
            ck_assert_int_eq(ps_plan_diff(&b, p, &o, &e), 4);
            expect_bytes(&b, r.out, "diff");
            ps_buf_dispose(&b);
        }
        cli_result_free(&r);
    }
    /* Relative to the home itself: its files as "repository/...". */
    ps_diff_options o = PS_DIFF_OPTIONS_INIT;
    o.relative_to = "apim";
    ps_buf b = PS_BUF_INIT;
    ck_assert_int_eq(ps_plan_diff(&b, p, &o, NULL), 4);
    ck_assert_msg(strncmp(b.ptr, "--- a/repository/conf/carbon.xml\n", 33) == 0, "%s", b.ptr);
    ps_buf_dispose(&b);
    ps_plan_free(p);
    ps_host_free(h);
    fx_close(&f);
}
END_TEST

/* What a callback is given, and how it stops the walk. */
typedef struct walk {
    int calls;
    int answer; /* what the callback returns */
    char first[256];
} walk;

static int on_file(const char *path, const char *diff, size_t len, void *payload)
{
    walk *w = payload;
    if (w->calls++ == 0)
        snprintf(w->first, sizeof w->first, "%s", path);
    ck_assert_uint_gt(len, 0);
    ck_assert_int_eq(strncmp(diff, "--- a/", 6), 0);
    return w->answer;
}

START_TEST(foreach_in_order_and_stops)
{
    fx f;
    const char *names[] = {"apim"};
    setup_homes(&f, names, 1);
    ps_host *h = open_home("apim", 3, 0);
    ps_plan *p = plan_of(h);
    ps_diff_options o = PS_DIFF_OPTIONS_INIT;
    o.jobs = 3;
    walk w = {0, 0, ""};
    ck_assert_int_eq(ps_plan_diff_foreach(p, &o, on_file, &w, NULL), 4);
    ck_assert_int_eq(w.calls, 4);
    ck_assert_str_eq(w.first, "apim/" CARBON); /* the plan's file order: the home as named */
    /* A negative answer stops the walk and is the call's; a positive one is PS_ERROR. */
    w = (walk){0, -7, ""};
    ps_error e = NO_ERROR;
    ck_assert_int_eq(ps_plan_diff_foreach(p, &o, on_file, &w, &e), -7);
    ck_assert_int_eq(w.calls, 1);
    ck_assert_ptr_nonnull(strstr(e.message, "callback"));
    w = (walk){0, 5, ""};
    ck_assert_int_eq(ps_plan_diff_foreach(p, &o, on_file, &w, NULL), PS_ERROR);
    ck_assert_int_eq(w.calls, 1);
    ps_plan_free(p);
    ps_host_free(h);
    fx_close(&f);
}
END_TEST

/* ps_plan_apply writes the bytes `portshift apply` writes, backups too, and
 * says what it did in the words of apply's report. */
START_TEST(apply_is_the_cli_apply)
{
    fx f;
    const char *names[] = {"cli", "lib", "before"};
    setup_homes(&f, names, 3);
    cli_result r = cli(&f, "apply --backup -o 3 cli");
    ck_assert_msg(r.status == PS_EXIT_OK, "%s", r.err);

    ps_host *h = open_home("lib", 3, PS_HOST_WRITE);
    ps_plan *p = plan_of(h);
    ps_apply_options o = PS_APPLY_OPTIONS_INIT;
    o.backup = 1;
    ps_apply *a = NULL;
    ps_error e = NO_ERROR;
    ck_assert_msg(ps_plan_apply(&a, h, p, &o, &e) == 0, "%s", e.message);
    ck_assert_uint_eq(ps_apply_file_count(a), 4);
    ck_assert_ptr_null(ps_apply_unit_changed(a));
    ck_assert_uint_eq(ps_host_warning_count(h), 0);
    ck_assert_uint_eq(ps_plan_home_count(p), 1);
    /* The same report, but for the name of the home. */
    char *want = strdup(r.out);
    for (char *s = want; (s = strstr(s, "cli/")) != NULL; s += 4)
        memcpy(s, "lib/", 4);
    ck_assert_str_eq(ps_apply_report(a), want);
    free(want);
    ps_apply_free(a);
    ps_plan_free(p);
    ps_host_free(h);

    expect_tree(&f, "cli", "lib", "the trees apply and ps_plan_apply wrote");
    snapshot by_lib, before;
    snapshot_take(&by_lib, in(&f, "lib"));
    snapshot_take(&before, in(&f, "before"));
    char *changed = snapshot_diff(&before, &by_lib);
    ck_assert_msg(changed != NULL, "ps_plan_apply changed nothing");
    free(changed);
    snapshot_free(&by_lib);
    snapshot_free(&before);
    cli_result_free(&r);
    fx_close(&f);
}
END_TEST

/* An options struct of a version this library does not know is refused
 * before anything is rendered or written. */
START_TEST(unknown_options_version_is_einvalid)
{
    fx f;
    const char *names[] = {"apim", "before"};
    setup_homes(&f, names, 2);
    ps_host *h = open_home("apim", 3, PS_HOST_WRITE);
    ps_plan *p = plan_of(h);
    static const unsigned versions[] = {0, 2, 99};
    for (size_t i = 0; i < 3; i++) {
        ps_diff_options d = PS_DIFF_OPTIONS_INIT;
        d.version = versions[i];
        ps_buf b = PS_BUF_INIT;
        ps_error e = NO_ERROR;
        ck_assert_int_eq(ps_plan_diff(&b, p, &d, &e), PS_EINVALID);
        ck_assert_msg(strstr(e.message, "ps_plan_diff_foreach: options version") != NULL, "%s",
                      e.message);
        ck_assert_ptr_null(b.ptr);
        ps_apply_options o = PS_APPLY_OPTIONS_INIT;
        o.version = versions[i];
        ps_apply *a = (ps_apply *)&f;
        e = NO_ERROR;
        ck_assert_int_eq(ps_plan_apply(&a, h, p, &o, &e), PS_EINVALID);
        ck_assert_ptr_null(a);
        ck_assert_msg(strstr(e.message, "ps_plan_apply: options version") != NULL, "%s", e.message);
    }
    ps_plan_free(p);
    ps_host_free(h);
    expect_tree(&f, "before", "apim", "the home after refused calls");
    fx_close(&f);
}
END_TEST

/* A file changed on disk since it was loaded: PS_ERROR at that file, for
 * the diff and for the apply, which then writes nothing. */
START_TEST(changed_since_loaded_is_error)
{
    fx f;
    const char *names[] = {"apim"};
    setup_homes(&f, names, 1);
    ps_host *h = open_home("apim", 3, PS_HOST_WRITE);
    ps_plan *p = plan_of(h);
    fx_replace(in(&f, "apim/" CARBON), "<Offset>0</Offset>", "<Offset>00</Offset>");
    ck_assert_int_eq(tree_copy(in(&f, "apim"), in(&f, "before")), 0);
    ps_buf b = PS_BUF_INIT;
    ps_error e = NO_ERROR;
    ck_assert_int_eq(ps_plan_diff(&b, p, NULL, &e), PS_ERROR);
    ck_assert_str_eq(e.path, "apim/" CARBON);
    ck_assert_uint_eq(b.size, 0); /* carbon.xml is the first file: nothing before it */
    ps_apply *a = NULL;
    e = NO_ERROR;
    ck_assert_int_eq(ps_plan_apply(&a, h, p, NULL, &e), PS_ERROR);
    ck_assert_ptr_null(a);
    ck_assert_str_eq(e.path, "apim/" CARBON);
    ps_buf_dispose(&b);
    ps_plan_free(p);
    ps_host_free(h);
    expect_tree(&f, "before", "apim", "the home after a refused apply");
    fx_close(&f);
}
END_TEST

/* A host opened for reading holds shared locks: another reader could see
 * the files change under it, so an apply through it is refused, unwritten. */
START_TEST(read_only_host_is_refused)
{
    fx f;
    const char *names[] = {"apim"};
    setup_homes(&f, names, 1);
    ck_assert_int_eq(tree_copy(in(&f, "apim"), in(&f, "before")), 0);
    ps_host *h = open_home("apim", 3, 0);
    ps_plan *p = plan_of(h);
    ck_assert_uint_gt(ps_plan_change_count(p), 0);
    ps_apply *a = NULL;
    ps_error e = NO_ERROR;
    ck_assert_int_eq(ps_plan_apply(&a, h, p, NULL, &e), PS_EINVALID);
    ck_assert_ptr_null(a);
    ck_assert_msg(strstr(e.message, "PS_HOST_WRITE") != NULL, "%s", e.message);
    ps_plan_free(p);
    ps_host_free(h);
    expect_tree(&f, "before", "apim", "the home after an apply through a read-only host");
    fx_close(&f);
}
END_TEST

/* Every document in every format is what the command prints on stdout. */
START_TEST(documents_are_the_cli_documents)
{
    fx f;
    const char *names[] = {"apim"};
    setup_homes(&f, names, 1);
    /* Stale references to report: the offset moved by hand, nothing else. */
    fx_replace(in(&f, "apim/" CARBON), "<Offset>0</Offset>", "<Offset>2</Offset>");
    ps_host *h = open_home("apim", 3, 0);
    ps_plan *p = plan_of(h);
    ps_check *c = NULL;
    ck_assert_int_eq(ps_host_check(&c, h, 0, NULL), 0);
    ck_assert_uint_gt(ps_check_findings(c), 0);
    ps_batch *bt = NULL;
    ps_plan *bp = NULL;
    ck_assert_int_eq(ps_host_batch(&bt, h, NULL, NULL), 0);
    ck_assert_int_eq(ps_batch_plan(&bp, bt, PS_PLAN_REPAIR, NULL), 0);
    for (int k = 0; k < 3; k++) {
        const char *fmt = FORMATS[k];
        ps_format format = (ps_format)k;
        struct {
            const char *cmd;
            int rc;
            ps_buf b;
        } docs[5] = {{"plan -o 3", 0, PS_BUF_INIT},
                     {"ports -o 3", 0, PS_BUF_INIT},
                     {"check", 0, PS_BUF_INIT},
                     {"status", 0, PS_BUF_INIT},
                     {"batch", 0, PS_BUF_INIT}};
        docs[0].rc = ps_plan_report(&docs[0].b, p, format, NULL);
        docs[1].rc = ps_plan_ports_report(&docs[1].b, p, format, NULL);
        docs[2].rc = ps_check_report(&docs[2].b, c, format, NULL);
        docs[3].rc = ps_check_status_report(&docs[3].b, c, format, NULL);
        docs[4].rc = ps_batch_report(&docs[4].b, bt, bp, format, PS_BATCH_REPORT_SHOWN, NULL);
        for (int d = 0; d < 5; d++) {
            cli_result r = cli(&f, "%s --format %s apim", docs[d].cmd, fmt);
            char what[64];
            snprintf(what, sizeof what, "%s --format %s", docs[d].cmd, fmt);
            ck_assert_msg(docs[d].rc == 0, "%s: %d", what, docs[d].rc);
            ck_assert_msg(r.status != PS_EXIT_ERROR, "%s: %s", what, r.err);
            expect_bytes(&docs[d].b, r.out, what);
            ps_buf_dispose(&docs[d].b);
            cli_result_free(&r);
        }
    }
    /* The commands check suggests, as its text prints them. */
    ps_buf repair = PS_BUF_INIT, resolve = PS_BUF_INIT;
    ck_assert_int_eq(ps_check_repair_command(&repair, c, NULL), 0);
    ck_assert_int_eq(ps_check_resolve_command(&resolve, c, NULL), 0);
    ck_assert_str_eq(repair.ptr, "portshift apply --repair apim");
    ck_assert_str_eq(resolve.ptr, "portshift batch --diff apim");
    cli_result r = cli(&f, "check apim");
    ck_assert_ptr_nonnull(strstr(r.out, repair.ptr));
    cli_result_free(&r);
    ps_buf_dispose(&repair);
    ps_buf_dispose(&resolve);
    /* A format or a step outside its enum. */
    ps_buf b = PS_BUF_INIT;
    ps_error e = NO_ERROR;
    ck_assert_int_eq(ps_plan_report(&b, p, (ps_format)3, &e), PS_EINVALID);
    ck_assert_ptr_nonnull(strstr(e.message, "format 3"));
    ck_assert_int_eq(ps_batch_report(&b, bt, bp, PS_FORMAT_TEXT, (ps_batch_report_step)9, &e),
                     PS_EINVALID);
    ck_assert_ptr_null(b.ptr);
    ps_plan_free(bp);
    ps_batch_free(bt);
    ps_check_free(c);
    ps_plan_free(p);
    ps_host_free(h);
    fx_close(&f);
}
END_TEST

/* A ps_buf collects: each call appends, and a document goes after what was there. */
START_TEST(buffers_append)
{
    ps_buf b = PS_BUF_INIT;
    ck_assert_int_eq(ps_buf_puts(&b, "portshift"), 0);
    ck_assert_int_eq(ps_buf_printf(&b, " %d.%s", 4, "0"), 0);
    ck_assert_int_eq(ps_buf_put(&b, "\n\0x", 3), 0);
    ck_assert_int_eq(ps_buf_put(&b, NULL, 0), 0);
    ck_assert_uint_eq(b.size, 16);
    ck_assert_int_eq(memcmp(b.ptr, "portshift 4.0\n\0x", 17), 0); /* and its NUL */
    ps_buf cat = PS_BUF_INIT;
    ck_assert_int_eq(ps_catalog_version(&cat, NULL), 0);
    ck_assert_uint_gt(cat.size, 0);
    ck_assert_int_eq(ps_catalog_version(&b, NULL), 0);
    ck_assert_uint_eq(b.size, 16 + cat.size);
    ck_assert_int_eq(memcmp(b.ptr + 16, cat.ptr, cat.size), 0);
    ps_buf_dispose(&b);
    ck_assert_ptr_null(b.ptr);
    ck_assert_uint_eq(b.size, 0);
    /* --version prints the library's and the catalog's versions. */
    char line[128];
    snprintf(line, sizeof line, "portshift %s (catalog %s)\n", ps_version(NULL, NULL, NULL),
             cat.ptr);
    cli_result r = cli_run(NULL, "--version");
    ck_assert_str_eq(r.out, line);
    cli_result_free(&r);
    ps_buf_dispose(&cat);
}
END_TEST

/* The position of an error as the command line prints it. */
START_TEST(error_where)
{
    ps_error e = {"conf/a.xml", 3, 7, "bad"};
    char s[64];
    ck_assert_int_eq(ps_error_where(s, sizeof s, &e), 16);
    ck_assert_str_eq(s, "conf/a.xml:3:7: ");
    e.col = 0;
    ck_assert_int_eq(ps_error_where(s, sizeof s, &e), 14);
    ck_assert_str_eq(s, "conf/a.xml:3: ");
    e.line = 0;
    e.col = 7; /* a column without a line is no position */
    ck_assert_int_eq(ps_error_where(s, sizeof s, &e), 12);
    ck_assert_str_eq(s, "conf/a.xml: ");
    ck_assert_int_eq(ps_error_where(s, 5, &e), 12); /* cut, NUL-terminated, the length needed */
    ck_assert_str_eq(s, "conf");
    e.path[0] = '\0';
    ck_assert_int_eq(ps_error_where(s, sizeof s, &e), 0);
    ck_assert_str_eq(s, "");
    ck_assert_int_eq(ps_error_where(NULL, 0, &e), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("api");
    TCase *tc = tcase_create("api");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, diff_is_the_cli_diff);
    tcase_add_test(tc, foreach_in_order_and_stops);
    tcase_add_test(tc, apply_is_the_cli_apply);
    tcase_add_test(tc, unknown_options_version_is_einvalid);
    tcase_add_test(tc, changed_since_loaded_is_error);
    tcase_add_test(tc, read_only_host_is_refused);
    tcase_add_test(tc, documents_are_the_cli_documents);
    tcase_add_test(tc, buffers_append);
    tcase_add_test(tc, error_where);
    suite_add_tcase(s, tc);
    return fx_run_suite("api", s);
}
