/*
 * Which folders are homes (DESIGN §4): a folder inside a Carbon home is not
 * a home of its own, even when it looks like one (am/repository holds
 * conf/carbon.xml), so naming it is refused with the home's root; an EI
 * profile named by its path stays a runtime of its home. The other way
 * round, a home inside the config folders of the home named is refused too.
 */
#include <check.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

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

/*
 * A folder in the config folders portshift reads that holds a home of its
 * own (a home copied into another's conf tree, or a symlink to one) was
 * edited as part of the outer home. Refused, naming both: the folder, and
 * the home whose config it sits in.
 */
START_TEST(home_inside_config_folders_is_refused)
{
    static const char *const all[] = {"apply --offset 3 am",
                                      "diff --offset 3 am",
                                      "plan am",
                                      "ports am",
                                      "check am",
                                      "batch am",
                                      NULL};
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "am");
    fx_add(&f, "good", "am/repository/conf/old-am");
    const char *const *cmd = all;
    for (; *cmd; cmd++)
        refused(&f, (const char *const[]){*cmd, NULL}, "", "am/repository/conf/old-am", 0, 0,
                "a Carbon home of its own (repository/conf/carbon.xml) inside the config "
                "folders of am:");
    ck_assert_int_eq(tree_remove(in(&f, "am/repository/conf/old-am")), 0);

    /* conf/deployment.toml (a Micro Integrator) under synapse-configs */
    ck_assert_int_eq(
        run_cmd("mkdir -p '%s'", in(&f, "am/repository/deployment/server/synapse-configs/mi/conf")),
        0);
    put(in(&f, "am/repository/deployment/server/synapse-configs/mi/conf/deployment.toml"),
        "[server]\noffset = 0\n");
    refused(&f, APPLY_DIFF_PLAN, "--offset 3 am",
            "am/repository/deployment/server/synapse-configs/mi", 0, 0,
            "a Carbon home of its own (conf/deployment.toml) inside the config folders of am:");
    ck_assert_int_eq(tree_remove(in(&f, "am/repository/deployment")), 0);

    /* a symlink to another home, named by the link */
    fx_add(&f, "good", "other");
    ck_assert_int_eq(symlink("../../../other", in(&f, "am/repository/conf/other")), 0);
    refused(&f, APPLY_DIFF_PLAN, "--offset 3 am", "am/repository/conf/other", 0, 0,
            "inside the config folders of am:");
    ck_assert_int_eq(unlink(in(&f, "am/repository/conf/other")), 0);
    applies_home(&f, "am", 3); /* control: the home alone */
    fx_close(&f);
}
END_TEST

/*
 * Controls: a template folder (repository/resources/conf/templates holds
 * repository/conf/carbon.xml.j2) is no home, nor is a folder named conf
 * without a carbon.xml or deployment.toml; an EI home's profiles are its
 * runtimes.
 */
START_TEST(templates_and_profiles_are_not_nested_homes)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "am");
    const char *tpl = in(&f, "am/repository/conf/templates/repository/conf");
    ck_assert_int_eq(run_cmd("mkdir -p '%s' '%s'", tpl, in(&f, "am/repository/conf/x/conf")), 0);
    put(in(&f, "am/repository/conf/templates/repository/conf/carbon.xml.j2"),
        "<Server><Ports><Offset>{{server.offset}}</Offset></Ports></Server>\n");
    put(in(&f, "am/repository/conf/templates/repository/conf/deployment.toml.j2"), "\n");
    put(in(&f, "am/repository/conf/x/conf/other.xml"), "<other/>\n");
    applies_home(&f, "am", 3);

    char src[4096];
    snprintf(src, sizeof src, "%s/tests/fixtures/cli/ei-mini", PS_SOURCE_DIR);
    ck_assert_int_eq(tree_copy(src, in(&f, "ei")), 0);
    diff_pending(&f, "--offset 5 ei", "an EI home with its profiles");
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
    tcase_add_test(tc, home_inside_config_folders_is_refused);
    tcase_add_test(tc, templates_and_profiles_are_not_nested_homes);
    suite_add_tcase(s, tc);
    int failed = run_suite(s);
    fx_suite_done();
    return failed ? 1 : 0;
}
