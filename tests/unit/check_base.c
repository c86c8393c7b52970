/*
 * src/base: the arena the XML lexer takes names from (every copy intact
 * however many there are and however long, including a name longer than any
 * chunk), and path joining (one slash between the parts, none doubled).
 */
#include "base/arena.h"
#include "base/path.h"

#include <check.h>

#include "../support/runner.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Names of every length up to 300 and one of 100 KiB (past the largest
 * chunk), interleaved: each copy reads back as written, NUL-terminated. */
START_TEST(test_arena_copies)
{
    ps_arena a = {0};
    enum { N = 5000 };
    static char *copies[N + 1];
    char src[512];
    size_t big = (size_t)100 << 10;
    char *huge = malloc(big);
    ck_assert_ptr_nonnull(huge);
    memset(huge, 'h', big);
    for (size_t i = 0; i < N; i++) {
        size_t n = i % 301;
        memset(src, 'a' + (int)(i % 26), n);
        copies[i] = ps_arena_strndup(&a, src, n);
        if (i == N / 2)
            copies[N] = ps_arena_strndup(&a, huge, big);
    }
    for (size_t i = 0; i < N; i++) {
        size_t n = i % 301;
        ck_assert_uint_eq(strlen(copies[i]), n);
        for (size_t k = 0; k < n; k++)
            ck_assert_int_eq(copies[i][k], 'a' + (int)(i % 26));
    }
    ck_assert_uint_eq(strlen(copies[N]), big);
    ck_assert_int_eq(memcmp(copies[N], huge, big), 0);
    ps_arena_free(&a);
    ck_assert_ptr_null(a.chunks);
    /* an emptied arena takes new names */
    ck_assert_str_eq(ps_arena_strndup(&a, "name", 4), "name");
    ck_assert_str_eq(ps_arena_strndup(&a, "xy", 0), "");
    ps_arena_free(&a);
    free(huge);
}
END_TEST

static const struct join_case {
    const char *a, *b, *want;
} join_cases[] = {
    {"home", "repository/conf", "home/repository/conf"},
    {"home/", "conf", "home/conf"},
    {"/", "etc", "/etc"},
    {"", "conf", "conf"},
    {"home", "", "home"},
    {"a b", "c:d", "a b/c:d"},
};

START_TEST(test_path_join)
{
    const struct join_case *c = &join_cases[_i];
    char *got = ps_path_join(c->a, c->b);
    ck_assert_str_eq(got, c->want);
    free(got);
}
END_TEST

/* Folders every Debian system has, physical (getcwd gives no symlinks). */
static const struct from_cwd_case {
    const char *cwd, *real, *want;
} from_cwd_cases[] = {
    {"/", "/usr/share", "usr/share"},
    {"/usr/share", "/usr/share", "."},
    {"/usr/share", "/usr/share/doc", "doc"},
    {"/usr/share", "/usr", ".."},
    {"/usr/share", "/", "../.."},
    {"/usr/share", "/usr/sharex/y", "../sharex/y"},
    {"/usr", "/usrx", "../usrx"},
    {"/usr", "/usr/", "."},
    {"/usr", "relative", NULL},
};

/* A start file names a path in a home, a runtime's folder a path in it:
 * whole components only, the folder itself included. */
static const struct {
    const char *path, *folder;
    size_t under;
} under_cases[] = {
    {"/opt/am", "/opt/am", 7},
    {"/opt/am/bin/x.sh", "/opt/am", 7},
    {"/opt/am2/bin", "/opt/am", 0},
    {"/opt", "/opt/am", 0},
    {"/opt/am", "/", 1},
    {"wso2/broker/bin", "wso2/broker", 11},
    {"wso2/brokers", "wso2/broker", 0},
};

START_TEST(test_path_under)
{
    ck_assert_uint_eq(ps_path_under(under_cases[_i].path, under_cases[_i].folder),
                      under_cases[_i].under);
}
END_TEST

START_TEST(test_path_has_suffix)
{
    ck_assert(ps_path_has_suffix("wso2.service", ".service"));
    ck_assert(ps_path_has_suffix(".sh", ".sh"));
    ck_assert(!ps_path_has_suffix("sh", ".sh"));
    ck_assert(!ps_path_has_suffix("wso2server.sh.bak", ".sh"));
}
END_TEST

START_TEST(test_path_from_cwd)
{
    const struct from_cwd_case *c = &from_cwd_cases[_i];
    char *old = getcwd(NULL, 0);
    ck_assert_int_eq(chdir(c->cwd), 0);
    char *got = ps_path_from_cwd(c->real);
    ck_assert_int_eq(chdir(old), 0);
    free(old);
    if (c->want)
        ck_assert_msg(got && strcmp(got, c->want) == 0, "from %s: %s is '%s', not '%s'", c->cwd,
                      c->real, got ? got : "(null)", c->want);
    else
        ck_assert_ptr_null(got);
    free(got);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("base");
    TCase *tc = tcase_create("base");
    tcase_add_test(tc, test_arena_copies);
    tcase_add_loop_test(tc, test_path_join, 0, (int)(sizeof join_cases / sizeof join_cases[0]));
    tcase_add_loop_test(tc, test_path_under, 0, (int)(sizeof under_cases / sizeof under_cases[0]));
    tcase_add_test(tc, test_path_has_suffix);
    tcase_add_loop_test(tc, test_path_from_cwd, 0,
                        (int)(sizeof from_cwd_cases / sizeof from_cwd_cases[0]));
    suite_add_tcase(s, tc);
    return run_suite(s) ? EXIT_FAILURE : EXIT_SUCCESS;
}
