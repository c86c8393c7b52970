/*
 * The planner's ownership rules where its port index could get them wrong:
 * the owner chosen for one reference is remembered per port and reused for
 * the next reference to that port, so references to one port that differ in
 * role, interleaved in one file, must each still get their own answer. The
 * home is a scratch copy of tests/fixtures/cli/apim-gw (API Manager 2.6,
 * HTTPS connector 9443, no analytics server in the call).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/runner.h"
#include "../support/tree.h"

/* api-manager.xml: plain and analytics-role references to 9443, alternating.
 * The digits: line 2, 4 spaces, <Plain> (7) and https://localhost: (18), col 30;
 * line 3, 4 + <Analytics> (11) + <DASServerURL> (14) + 18, col 48; line 4 as
 * line 2; line 5, 4 + 11 + <DASRestApiURL> (15) + 18, col 49. */
static const char api_manager[] =
    "<APIManager>\n"
    "    <Plain>https://localhost:9443/a</Plain>\n"
    "    <Analytics><DASServerURL>https://localhost:9443/das</DASServerURL></Analytics>\n"
    "    <Plain>https://localhost:9443/b</Plain>\n"
    "    <Analytics><DASRestApiURL>https://localhost:9443/rest</DASRestApiURL></Analytics>\n"
    "</APIManager>\n";

START_TEST(interleaved_roles_each_get_their_owner)
{
    char *dir = tree_scratch();
    ck_assert_ptr_nonnull(dir);
    char home[4200], file[4300];
    snprintf(home, sizeof home, "%s/apim", dir);
    ck_assert_int_eq(tree_copy(PS_SOURCE_DIR "/tests/fixtures/cli/apim-gw", home), 0);
    snprintf(file, sizeof file, "%s/repository/conf/api-manager.xml", home);
    FILE *fp = fopen(file, "w");
    ck_assert_ptr_nonnull(fp);
    fputs(api_manager, fp);
    ck_assert_int_eq(fclose(fp), 0);

    cli_result r = cli_run(dir, "plan --offset 3 apim");
    ck_assert_msg(r.status == 0, "plan: exit %d: %s", r.status, r.err);
    static const char *const want[] = {
        "repository/conf/api-manager.xml:2:30: reference 9443: follows servlet transport (Tomcat "
        "connector) 9443 -> 9446 (this runtime)\n",
        "repository/conf/api-manager.xml:3:48: reference 9443, role analytics: no runtime in "
        "this call listens on it, left alone\n",
        "repository/conf/api-manager.xml:4:30: reference 9443: follows servlet transport (Tomcat "
        "connector) 9443 -> 9446 (this runtime)\n",
        "repository/conf/api-manager.xml:5:49: reference 9443, role analytics: no runtime in "
        "this call listens on it, left alone\n",
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        ck_assert_msg(strstr(r.out, want[i]) != NULL, "plan lacks '%s':\n%s", want[i], r.out);
    cli_result_free(&r);
    tree_remove(dir);
    free(dir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("plan");
    TCase *tc = tcase_create("ownership");
    tcase_add_test(tc, interleaved_roles_each_get_their_owner);
    suite_add_tcase(s, tc);
    return run_suite(s) ? 1 : 0;
}
