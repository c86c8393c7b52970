/*
 * Runtime state no file holds (catalog <stored> rules): API-M 4.x keeps the
 * Resident Key Manager's endpoints in its database once they were saved in
 * the Admin Portal, so a home that moves gets one note with the port to set
 * by hand; a home that does not move, and a product without such state,
 * get none. Through the CLI on copies of the corpus trees; skips, saying
 * so, when the corpus is absent.
 */
#include <check.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/clitext.h"
#include "../support/corpus.h"
#include "../support/runner.h"
#include "../support/tree.h"

#define AM42 "wso2am-4.2.0"
#define AM26 "wso2am-2.6.0"
#define IS71 "wso2is-7.1.0"
#define KM_NOTE(old, new_)                                                                         \
    "portshift: home: warning: the Resident Key Manager's endpoints, once saved in the Admin "     \
    "Portal (Key Managers), are kept in the database: port " #old " there does not move with "     \
    "the files; set it to " #new_ " by hand\n"

static size_t count(const char *text, const char *needle)
{
    size_t n = 0;
    for (const char *p = text; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

static char *scratch_with(const char *tree)
{
    char *dir = tree_scratch();
    corpus_copy(tree, dir, "home");
    return dir;
}

START_TEST(moved_api_manager_gets_one_note)
{
    char *dir = scratch_with(AM42);
    cli_result r = cli_run(dir, "diff -o 3 home");
    expect_status(&r, 1, "diff -o 3");
    ck_assert_msg(count(r.err, KM_NOTE(9443, 9446)) == 1, "%s", r.err);
    cli_result_free(&r);

    r = cli_run(dir, "apply -o 3 home");
    expect_status(&r, 0, "apply -o 3");
    ck_assert_msg(count(r.err, KM_NOTE(9443, 9446)) == 1, "%s", r.err);
    cli_result_free(&r);

    /* Nothing moves: nothing to say. */
    r = cli_run(dir, "diff -o 3 home");
    expect_status(&r, 0, "diff -o 3 again");
    ck_assert_msg(!strstr(r.err, "Resident Key Manager"), "%s", r.err);
    cli_result_free(&r);

    /* The numbers are the runtime's, from where it is to where it goes. */
    r = cli_run(dir, "apply -o 5 home");
    expect_status(&r, 0, "apply -o 5");
    ck_assert_msg(count(r.err, KM_NOTE(9446, 9448)) == 1, "%s", r.err);
    cli_result_free(&r);

    r = cli_run(dir, "plan --json -o 0 home");
    expect_status(&r, 0, "plan --json");
    ck_assert_msg(strstr(r.out, "port 9448 there does not move with the files; set it to 9443"),
                  "%s", r.out);
    cli_result_free(&r);
    tree_remove(dir);
    free(dir);
}
END_TEST

/* API-M 2.x has no Resident Key Manager in a database; an IS is no API-M. */
static const char *const unaffected[] = {AM26, IS71};

START_TEST(other_products_get_no_note)
{
    char *dir = scratch_with(unaffected[_i]);
    cli_result r = cli_run(dir, "apply -o 3 home");
    expect_status(&r, 0, "apply -o 3");
    ck_assert_msg(!strstr(r.err, "Resident Key Manager"), "%s: %s", unaffected[_i], r.err);
    cli_result_free(&r);
    tree_remove(dir);
    free(dir);
}
END_TEST

int main(void)
{
    const char *const trees[] = {AM42, AM26, IS71};
    if (corpus_lacks("stored", trees, N(trees)))
        return PS_SKIPPED;
    Suite *s = suite_create("stored");
    TCase *tc = tcase_create("stored");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, moved_api_manager_gets_one_note);
    tcase_add_loop_test(tc, other_products_get_no_note, 0, N(unaffected));
    suite_add_tcase(s, tc);
    return run_suite_status(s);
}
