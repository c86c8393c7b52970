#define _GNU_SOURCE
/*
 * `portshift status` through the CLI, on the corpus trees in place (status
 * only reads; a copy where a pid file is written):
 *
 * - three homes print exactly three lines, the values reasoned from their
 *   files: wso2am-2.6.0 (carbon.xml Offset 0, catalina-server.xml's SSL
 *   connector 9443), wso2is-5.10.0 (deployment.toml sets no offset: 0; its
 *   SSL connector 9443), wso2mi-1.2.0 (carbon.xml Offset 10, axis2.xml's SSL
 *   pass-through 8243 + 10 = 8253); the first two share 9443 and more at
 *   offset 0, so each clashes with the other, and status still exits 0;
 * - a start script's -DportOffset=3 over carbon.xml's 0: "offset 0  starts
 *   at 3", and the HTTPS port at the offset it starts at (9446);
 * - a home whose wso2carbon.pid names a live process says running;
 * - a folder that is no home: exit 2, one line, nothing on stdout;
 * - --json validates against schemas/status.schema.json, the same values;
 *   --format markdown is a table of the same rows.
 *
 * Skips, saying so, when the corpus lacks a tree.
 */
#include <check.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../support/clitext.h"
#include "../support/corpus.h"
#include "../support/fakeproc.h"
#include "../support/runner.h"
#include "../support/tree.h"

#define AM26 "wso2am-2.6.0"
#define IS510 "wso2is-5.10.0"
#define MI12 "wso2mi-1.2.0"

static const char *const TREES[] = {AM26, IS510, MI12};

START_TEST(three_homes_three_lines)
{
    cli_result r = cli_run(corpus_dir(), "status " AM26 " " IS510 " " MI12);
    expect_status(&r, 0, "status on three homes");
    ck_assert_str_eq(r.out, AM26 "  WSO2 API Manager 2.6.0  offset 0  starts at 0  https 9443  "
                                 "stopped  clashes with " IS510 "\n" IS510
                                 "  WSO2 Identity Server 5.10.0  offset 0  starts at 0  https "
                                 "9443  stopped  clashes with " AM26 "\n" MI12
                                 "  WSO2 Micro Integrator 1.2.0  offset 10  starts at 10  https "
                                 "8253  stopped  clash-free\n");
    ck_assert_str_eq(r.err, "");
    cli_result_free(&r);
}
END_TEST

START_TEST(clash_free_alone)
{
    /* Each alone is clash-free: the clash above is between the two homes. */
    for (int i = 0; i < N(TREES); i++) {
        cli_result r = cli_runf(corpus_dir(), "status %s", TREES[i]);
        expect_status(&r, 0, "status on one home");
        ck_assert_msg(strstr(r.out, "  stopped  clash-free\n") && !strchr(r.out, '\n')[1], "%s",
                      r.out);
        cli_result_free(&r);
    }
}
END_TEST

START_TEST(start_script_offset)
{
    char *dir = corpus_scratch(AM26, AM26);
    char path[4200];
    snprintf(path, sizeof path, "%s/" AM26 "/bin", dir);
    ck_assert_int_eq(run_cmd("mkdir '%s'", path), 0);
    snprintf(path, sizeof path, "%s/" AM26 "/bin/wso2server.sh", dir);
    FILE *f = fopen(path, "w");
    ck_assert(f && fputs("#!/bin/sh\nexec java -DportOffset=3 -jar x.jar\n", f) >= 0 &&
              fclose(f) == 0);
    cli_result r = cli_run(dir, "status " AM26);
    expect_status(&r, 0, "status with a start script");
    ck_assert_str_eq(r.out, AM26 "  WSO2 API Manager 2.6.0  offset 0  starts at 3  https 9446  "
                                 "stopped  clash-free\n");
    cli_result_free(&r);
    scratch_done(dir);
}
END_TEST

START_TEST(running_server)
{
    char *dir = corpus_scratch(AM26, AM26) /* its name gives the version */;
    long child = sleeper_start();
    char path[4200], pid[32];
    snprintf(path, sizeof path, "%s/" AM26 "/wso2carbon.pid", dir);
    snprintf(pid, sizeof pid, "%ld\n", (long)child);
    FILE *pf = fopen(path, "w");
    ck_assert(pf && fputs(pid, pf) >= 0 && fclose(pf) == 0);
    cli_result r = cli_run(dir, "status " AM26);
    cli_result j = cli_run(dir, "status --json " AM26);
    sleeper_stop(child);
    expect_status(&r, 0, "status on a running home");
    char want[512];
    snprintf(want, sizeof want,
             AM26 "  WSO2 API Manager 2.6.0  offset 0  starts at 0  https 9443  running (pid %ld)  "
                  "clash-free\n",
             (long)child);
    ck_assert_str_eq(r.out, want);
    expect_status(&j, 0, "status --json on a running home");
    snprintf(want, sizeof want, "\"running\":true,\"pid\":%ld,", (long)child);
    ck_assert_msg(strstr(j.out, want), "%s", j.out);
    if (have_validator())
        validate(dir, j.out, "status.schema.json", "status --json, running");
    cli_result_free(&r);
    cli_result_free(&j);
    scratch_done(dir);
}
END_TEST

START_TEST(not_a_home)
{
    char *dir = tree_scratch();
    ck_assert_int_eq(run_cmd("mkdir '%s/empty'", dir), 0);
    cli_result r = cli_runf(dir, "status %s/%s empty", corpus_dir(), AM26);
    expect_status(&r, 2, "status on a folder that is no home");
    ck_assert_str_eq(r.out, "");
    ck_assert_str_eq(r.err, "portshift: empty: error: not a Carbon home: no repository/conf/"
                            "carbon.xml, conf/carbon.xml or deployment.toml\n");
    cli_result_free(&r);
    tree_remove(dir);
    free(dir);
}
END_TEST

START_TEST(takes_no_offset)
{
    cli_result r = cli_run(corpus_dir(), "status -o 1 " AM26);
    expect_status(&r, 2, "status -o");
    ck_assert_str_eq(r.out, "");
    ck_assert(strstr(r.err, "status takes no offset"));
    cli_result_free(&r);
}
END_TEST

START_TEST(json_validates)
{
    cli_result r = cli_run(corpus_dir(), "status --json " AM26 " " IS510 " " MI12);
    expect_status(&r, 0, "status --json");
    ck_assert_str_eq(
        r.out, "{\"format\":1,\"homes\":["
               "{\"home\":\"" AM26 "\",\"product\":\"apim\",\"name\":\"WSO2 API Manager\","
               "\"version\":\"2.6.0\",\"config_offset\":0,\"start_offset\":0,\"https_port\":9443,"
               "\"running\":false,\"pid\":null,\"clashes_with\":[\"" IS510 "\"]},"
               "{\"home\":\"" IS510 "\",\"product\":\"is\",\"name\":\"WSO2 Identity Server\","
               "\"version\":\"5.10.0\",\"config_offset\":0,\"start_offset\":0,\"https_port\":9443,"
               "\"running\":false,\"pid\":null,\"clashes_with\":[\"" AM26 "\"]},"
               "{\"home\":\"" MI12 "\",\"product\":\"mi\",\"name\":\"WSO2 Micro Integrator\","
               "\"version\":\"1.2.0\",\"config_offset\":10,\"start_offset\":10,\"https_port\":8253,"
               "\"running\":false,\"pid\":null,\"clashes_with\":[]}]}\n");
    if (!have_validator()) {
        cli_result_free(&r);
        case_skipped("json_validates", "python3 with jsonschema (python3-jsonschema) not found");
        return;
    }
    char *dir = tree_scratch();
    validate(dir, r.out, "status.schema.json", "status --json");
    cli_result_free(&r);
    tree_remove(dir);
    free(dir);
}
END_TEST

START_TEST(markdown_table)
{
    cli_result r = cli_run(corpus_dir(), "status --format markdown " AM26 " " MI12);
    expect_status(&r, 0, "status --format markdown");
    ck_assert_str_eq(r.out,
                     "| home | product | offset | starts at | HTTPS | running | clashes with |\n"
                     "|---|---|---|---|---|---|---|\n"
                     "| `" AM26 "` | WSO2 API Manager 2.6.0 | 0 | 0 | 9443 | no | - |\n"
                     "| `" MI12 "` | WSO2 Micro Integrator 1.2.0 | 10 | 10 | 8253 | no | - |\n");
    cli_result_free(&r);
}
END_TEST

int main(void)
{
    if (corpus_lacks("status", TREES, N(TREES)))
        return PS_SKIPPED;
    Suite *s = suite_create("status");
    TCase *tc = tcase_create("status");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, three_homes_three_lines);
    tcase_add_test(tc, clash_free_alone);
    tcase_add_test(tc, start_script_offset);
    tcase_add_test(tc, running_server);
    tcase_add_test(tc, not_a_home);
    tcase_add_test(tc, takes_no_offset);
    tcase_add_test(tc, json_validates);
    tcase_add_test(tc, markdown_table);
    suite_add_tcase(s, tc);
    return run_suite_status(s);
}
