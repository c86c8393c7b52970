/*
 * Homes loaded in parallel (-j N) give the output of one loaded at a time:
 * `diff`, `plan --json` and `ports --json` over every home of the corpus in
 * one call print the same bytes, stdout and stderr, with -j 1 and -j 4; named
 * in reverse order, each home's part of the output is the same, in the new
 * order; and when several homes cannot be read, the first named is the one
 * reported, whichever thread got to it first. Built with PORTSHIFT_TSAN this
 * suite is the ThreadSanitizer run of the threaded load. Skips, saying so,
 * when the corpus is absent.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"

#include "../support/corpus.h"
#include "../support/fixture.h"
#include "../support/runner.h"

static char *trees[CORPUS_MAX_TREES];
static const char *names[CORPUS_MAX_TREES]; /* relative to the corpus folder */
static int ntrees;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* `cmd` over every corpus home, named in order or in reverse, from the corpus folder. */
static cli_result run_all(const char *cmd, int jobs, int reverse)
{
    /* cli_run takes 63 words: every home must be named, none cut off. */
    ck_assert_msg(ntrees <= 56, "%d corpus homes: too many words for one cli_run", ntrees);
    ps_strbuf line = PS_STRBUF_INIT;
    ps_strbuf_printf(&line, "%s -j %d", cmd, jobs);
    for (int i = 0; i < ntrees; i++)
        ps_strbuf_printf(&line, " %s", names[reverse ? ntrees - 1 - i : i]);
    cli_result r = cli_run(corpus_dir(), line.data);
    ps_strbuf_free(&line);
    return r;
}

static const char *const commands[] = {"diff -o 3", "plan --json -o 3", "ports --json"};

START_TEST(same_bytes_whatever_the_jobs)
{
    cli_result one = run_all(commands[_i], 1, 0);
    cli_result four = run_all(commands[_i], 4, 0);
    ck_assert_msg(one.status == 0 || one.status == 1, "%s: exit %d: %s", commands[_i], one.status,
                  one.err);
    ck_assert_msg(strlen(one.out) > 1000, "%s printed almost nothing", commands[_i]);
    ck_assert_int_eq(four.status, one.status);
    ck_assert_str_eq(four.err, one.err);
    ck_assert_msg(strcmp(four.out, one.out) == 0, "%s: stdout differs between -j 1 and -j 4",
                  commands[_i]);
    cli_result_free(&one);
    cli_result_free(&four);
}
END_TEST

/* A part of an output: [start, end) of its text. */
typedef struct part {
    const char *start, *end;
    int home; /* the corpus home it belongs to; -1 none */
} part;

/* The home whose name, followed by `after` ('/' or '"'), starts at `p`; -1 none. */
static int home_at(const char *p, char after)
{
    int best = -1;
    for (int i = 0; i < ntrees; i++) {
        size_t n = strlen(names[i]);
        if (strncmp(p, names[i], n) == 0 && p[n] == after && (best < 0 || n > strlen(names[best])))
            best = i;
    }
    return best;
}

/* The home a part names first: a path "NAME/...", a value "NAME" or a
 * message "NAME: ..."; -1 none. */
static int home_of(const char *start, const char *end)
{
    for (const char *p = start; p < end; p++) {
        if (p != start && p[-1] != '"' && p[-1] != '/' && p[-1] != ' ')
            continue;
        int h = home_at(p, '/');
        if (h < 0)
            h = home_at(p, '"');
        if (h < 0)
            h = home_at(p, ':');
        if (h >= 0)
            return h;
    }
    return -1;
}

/* A diff, a part per file: from its "--- " line to the next file's. */
static size_t diff_parts(const char *text, part *out, size_t max)
{
    size_t n = 0;
    for (const char *p = text; *p && n < max;) {
        const char *nl = strchr(p, '\n');
        const char *next = nl ? nl + 1 : p + strlen(p);
        if (strncmp(p, "--- ", 4) == 0 && strncmp(next, "+++ ", 4) == 0) {
            if (n)
                out[n - 1].end = p;
            out[n++] = (part){p, NULL, -1};
        }
        p = next;
    }
    if (n)
        out[n - 1].end = text + strlen(text);
    for (size_t i = 0; i < n; i++)
        out[i].home = home_of(out[i].start + 6, out[i].end); /* past "--- a/" */
    return n;
}

/* The items of the array `key` of a JSON document's top-level object, a part each. */
static size_t json_parts(const char *json, const char *key, part *out, size_t max)
{
    char want[64];
    snprintf(want, sizeof want, "\"%s\":[", key);
    const char *p = strstr(json, want);
    ck_assert_msg(p != NULL, "no %s in the JSON", key);
    p += strlen(want);
    size_t n = 0;
    int depth = 0, in_string = 0;
    const char *start = p;
    for (; *p; p++) {
        if (in_string) {
            if (*p == '\\')
                p++;
            else if (*p == '"')
                in_string = 0;
            continue;
        }
        if (*p == '"')
            in_string = 1;
        else if (*p == '{' || *p == '[')
            depth++;
        else if ((*p == ',' || *p == ']') && depth == 0) {
            if (p > start && n < max)
                out[n++] = (part){start, p, home_of(start, p)};
            if (*p == ']')
                break;
            start = p + 1;
        } else if (*p == '}' || *p == ']')
            depth--;
    }
    return n;
}

/* Each home's parts, in the order the homes are named: forward's, home by
 * home from the last, are reverse's. */
static void expect_reversed(const char *what, const part *fwd, size_t nf, const part *rev,
                            size_t nr)
{
    ps_strbuf want = PS_STRBUF_INIT, got = PS_STRBUF_INIT;
    for (int h = ntrees - 1; h >= -1; h--) /* -1: the parts of no home, last in both */
        for (size_t i = 0; i < nf; i++)
            if (fwd[i].home == h)
                ps_strbuf_printf(&want, "%.*s\n", (int)(fwd[i].end - fwd[i].start), fwd[i].start);
    for (size_t i = 0; i < nr; i++)
        ps_strbuf_printf(&got, "%.*s\n", (int)(rev[i].end - rev[i].start), rev[i].start);
    ck_assert_msg(want.len > 0, "%s: no part found", what);
    ck_assert_msg(strcmp(want.data, got.data) == 0,
                  "%s: named in reverse, the homes' parts differ from their parts named in order",
                  what);
    ps_strbuf_free(&want);
    ps_strbuf_free(&got);
}

#define MAX_PARTS 4096

START_TEST(each_home_the_same_in_reverse)
{
    cli_result fwd = run_all(commands[_i], 4, 0);
    cli_result rev = run_all(commands[_i], 4, 1);
    ck_assert_int_eq(rev.status, fwd.status);
    part *a = calloc(MAX_PARTS, sizeof *a), *b = calloc(MAX_PARTS, sizeof *b);
    if (_i == 0) {
        size_t na = diff_parts(fwd.out, a, MAX_PARTS), nb = diff_parts(rev.out, b, MAX_PARTS);
        for (size_t i = 0; i < na; i++)
            ck_assert_msg(a[i].home >= 0, "a diff of no home: %.60s", a[i].start);
        expect_reversed("diff", a, na, b, nb);
    } else {
        const char *arrays[] = {"installs", "edits", "warnings"};
        for (size_t k = 0; k < (_i == 1 ? 3u : 1u); k++) {
            size_t na = json_parts(fwd.out, arrays[k], a, MAX_PARTS);
            size_t nb = json_parts(rev.out, arrays[k], b, MAX_PARTS);
            if (k == 0)
                ck_assert_int_ge(na, ntrees); /* an install per runtime */
            if (na == 0) {
                ck_assert_uint_eq(nb, 0);
                continue;
            }
            expect_reversed(arrays[k], a, na, b, nb);
        }
    }
    free(a);
    free(b);
    cli_result_free(&fwd);
    cli_result_free(&rev);
}
END_TEST

/* Two homes that cannot be read: the first named is reported, with -j 1 or 4. */
START_TEST(the_first_failing_home_is_reported)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "notwf", "a");
    fx_add(&f, "notwf", "b");
    for (int jobs = 1; jobs <= 4; jobs *= 4) {
        cli_result ab = cli(&f, "diff -j %d -o 3 a b", jobs);
        cli_result ba = cli(&f, "diff -j %d -o 3 b a", jobs);
        ck_assert_int_eq(ab.status, 2);
        ck_assert_int_eq(ba.status, 2);
        ck_assert_msg(strncmp(ab.err, "portshift: a/", 13) == 0, "-j %d: %s", jobs, ab.err);
        ck_assert_msg(strncmp(ba.err, "portshift: b/", 13) == 0, "-j %d: %s", jobs, ba.err);
        ck_assert_str_eq(ab.out, "");
        cli_result_free(&ab);
        cli_result_free(&ba);
    }
    fx_close(&f);
}
END_TEST

START_TEST(jobs_is_a_positive_number)
{
    const char *bad[] = {"0", "-1", "x", "257", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char cmd[64];
        snprintf(cmd, sizeof cmd, "plan --jobs=%s wso2am-2.6.0", bad[i]);
        cli_result r = cli_run(corpus_dir(), cmd);
        ck_assert_int_eq(r.status, 2);
        char want[128];
        snprintf(want, sizeof want,
                 "portshift: error: --jobs takes a number from 1 to 256, not '%s'\n", bad[i]);
        ck_assert_msg(strncmp(r.err, want, strlen(want)) == 0, "%s", r.err);
        cli_result_free(&r);
    }
}
END_TEST

int main(void)
{
    ntrees = corpus_trees(trees);
    if (ntrees == 0) {
        printf("jobs: %s not found: skipping the parallel load suite\n", corpus_dir());
        return PS_SKIPPED;
    }
    qsort(trees, (size_t)ntrees, sizeof *trees, cmp_str);
    for (int i = 0; i < ntrees; i++)
        names[i] = trees[i] + strlen(corpus_dir()) + 1;
    if (fx_suite_root("jobs") < 0)
        return EXIT_FAILURE;
    Suite *s = suite_create("jobs");
    TCase *tc = tcase_create("jobs");
    tcase_set_timeout(tc, 300);
    tcase_add_loop_test(tc, same_bytes_whatever_the_jobs, 0, 3);
    tcase_add_loop_test(tc, each_home_the_same_in_reverse, 0, 3);
    tcase_add_test(tc, the_first_failing_home_is_reported);
    tcase_add_test(tc, jobs_is_a_positive_number);
    suite_add_tcase(s, tc);
    int status = run_suite_status(s);
    fx_suite_done();
    for (int i = 0; i < ntrees; i++)
        free(trees[i]);
    return status;
}
