/*
 * Which folders are homes (DESIGN §4): a folder inside a Carbon home is not
 * a home of its own, even when it looks like one (am/repository holds
 * conf/carbon.xml), so naming it is refused with the home's root; an EI
 * profile named by its path stays a runtime of its home.
 */
#include <check.h>

#include <stdio.h>
#include <string.h>

#include "../support/fixture.h"
#include "../support/runner.h"

START_TEST(folder_inside_a_home_is_refused)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "am");
    /* As named, and as the error names it (without a trailing slash). */
    static const char *const inside[][2] = {
        {"am/repository", "am/repository"},
        {"am/repository/conf", "am/repository/conf"},
        {"am/repository/conf/", "am/repository/conf"},
        {"am/repository/conf/tomcat", "am/repository/conf/tomcat"}};
    for (size_t i = 0; i < sizeof inside / sizeof inside[0]; i++) {
        char args[256];
        snprintf(args, sizeof args, "--offset 3 %s", inside[i][0]);
        refused(&f, APPLY_DIFF_PLAN, args, inside[i][1], 0, 0, "inside the Carbon home am:");
    }
    /* The same home named by its root is patched whole. */
    applies_home(&f, "am", 3);
    fx_close(&f);
}
END_TEST

/*
 * From inside the home, "." has no parent to drop: the root is named
 * relative to the current folder, like every other path of a message (it
 * was named absolutely).
 */
START_TEST(home_root_named_relative_to_the_current_folder)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "am");
    static const struct {
        const char *cwd, *arg, *root;
    } cases[] = {
        {"am/repository", ".", ".."},
        {"am/repository/conf", ".", "../.."},
        {"am/repository/conf", "..", "../.."},
        {"am/repository/conf/tomcat", "../../conf/.", "../../.."},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char cmdline[256], needle[256];
        snprintf(cmdline, sizeof cmdline, "diff --offset 3 %s", cases[i].arg);
        cli_result r = cli_run(in(&f, "%s", cases[i].cwd), cmdline);
        snprintf(needle, sizeof needle, "inside the Carbon home %s:", cases[i].root);
        expect_error(&r, cmdline, cases[i].arg, 0, 0, needle, 0);
        cli_result_free(&r);
    }
    fx_close(&f);
}
END_TEST

START_TEST(ei_profile_is_named_by_its_path)
{
    fx f;
    fx_open(&f);
    char src[4096];
    snprintf(src, sizeof src, "%s/tests/fixtures/cli/ei-mini", PS_SOURCE_DIR);
    ck_assert_int_eq(tree_copy(src, in(&f, "ei")), 0);

    cli_result r = cli(&f, "diff --offset 5 ei/wso2/broker");
    ck_assert_msg(r.status == 1, "diff of a profile: exit %d: %s", r.status, r.err);
    ck_assert_msg(strstr(r.out, "+++ b/ei/wso2/broker/conf/carbon.xml") != NULL, "%s", r.out);
    /* The integrator stays (its broker URL follows the broker, as it should). */
    ck_assert_msg(strstr(r.out, "+++ b/ei/conf/carbon.xml") == NULL, "the integrator moved:\n%s",
                  r.out);
    cli_result_free(&r);

    refused(&f, APPLY_DIFF_PLAN, "--offset 5 ei/wso2", "ei/wso2", 0, 0,
            "inside the Carbon home ei:");
    refused(&f, APPLY_DIFF_PLAN, "--offset 5 ei/wso2/broker/conf", "ei/wso2/broker/conf", 0, 0,
            "inside the Carbon home ei:");
    fx_close(&f);
}
END_TEST

int main(void)
{
    if (fx_suite_root("homes") < 0)
        return 1;
    Suite *s = suite_create("homes");
    TCase *tc = tcase_create("nested");
    tcase_add_test(tc, folder_inside_a_home_is_refused);
    tcase_add_test(tc, home_root_named_relative_to_the_current_folder);
    tcase_add_test(tc, ei_profile_is_named_by_its_path);
    suite_add_tcase(s, tc);
    int failed = run_suite(s);
    fx_suite_done();
    return failed ? 1 : 0;
}
