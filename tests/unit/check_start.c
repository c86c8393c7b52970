#define _GNU_SOURCE
/*
 * Start-time offsets (issue 14, item 1), through the CLI on copies of the
 * corpus trees, which ship no bin/: each case writes the start scripts it
 * needs into its copy.
 *
 * - a -DportOffset=2 script line makes `ports` report the HTTPS connector at
 *   9445 (carbon.xml and deployment.toml homes); `apply -o 3` writes 3 there
 *   and into the config, leaving a commented line, a value passed in and the
 *   CRLF of a .bat alone; the way back and idempotence hold from then on;
 * - precedence: an argument beats a JAVA_OPTS assignment; two arguments
 *   that disagree are a `check` finding naming both; ${VAR:-N} counts as N;
 * - an EI profile's own scripts, and the home's bin/<profile>.sh, set that
 *   profile's offset;
 * - a clash that only a start-time offset causes: `check` finds it, `batch
 *   --apply` resolves it (script and config moved together);
 * - a running server whose command line holds -DportOffset=4 while its
 *   files say 0: a `check` finding at its pid file, with both numbers;
 * - an apply killed at any of its renames, script included, is finished by
 *   `recover` to the bytes of a clean apply;
 * - a value no offset can have is refused with its path:line:col.
 *
 * Skips, saying so, when the corpus is absent.
 */
#include <check.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../support/clitext.h"
#include "../support/corpus.h"
#include "../support/fakeproc.h"
#include "../support/fixture.h"
#include "../support/runner.h"
#include "../support/tree.h"

#define IS53 "wso2is-5.3.0"
#define AM42 "wso2am-4.2.0"
#define CARBON "repository/conf/carbon.xml"
#define TOML "repository/conf/deployment.toml"
#define HTTPS_AT(port)                                                                             \
    "{\"port\":" #port ",\"base\":9443,\"shift\":\"auto\",\"active\":true,"                        \
    "\"what\":\"servlet transport (Tomcat connector)\""

#define SH_BEFORE                                                                                  \
    "#!/bin/sh\n"                                                                                  \
    "# sh bin/wso2server.sh -DportOffset=5 starts it elsewhere\n"                                  \
    "exec \"$JAVA_HOME/bin/java\" -DportOffset=$OFFSET \\\n"                                       \
    "    -Dcarbon.home=\"$CARBON_HOME\" -DportOffset=2 org.wso2.carbon.bootstrap.Bootstrap "       \
    "\"$@\"\n"
#define BAT_BEFORE                                                                                 \
    "@echo off\r\n"                                                                                \
    "rem -DportOffset=7\r\n"                                                                       \
    "\"%JAVA_HOME%\\bin\\java\" -DportOffset=2 org.wso2.carbon.bootstrap.Bootstrap\r\n"

static int holds(const char *dir, const char *rel, const char *needle)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    return file_holds(path, needle);
}

static void expect_run(const char *dir, int status, const char *cmd)
{
    cli_result r = cli_run(dir, cmd);
    expect_status(&r, status, cmd);
    cli_result_free(&r);
}

/* clang-format off */
static const struct script_case {
    const char *tree, *config, *before, *after;
} script_cases[] = {
    {IS53, CARBON, "<Offset>0</Offset>", "<Offset>3</Offset>"},
    {AM42, TOML, "#offset=0", "offset = 3  # portshift"},
};
/* clang-format on */

START_TEST(script_offset_is_the_runtime_offset)
{
    const struct script_case *c = &script_cases[_i];
    char *dir = corpus_scratch(c->tree, "home");
    fake_file(dir, "home/bin/wso2server.sh", SH_BEFORE);
    fake_file(dir, "home/bin/wso2server.bat", BAT_BEFORE);

    cli_result r = cli_run(dir, "ports --json home");
    expect_status(&r, 0, "ports --json");
    ck_assert_msg(strstr(r.out, HTTPS_AT(9445)), "no HTTPS at 9445:\n%s", r.out);
    ck_assert_msg(strstr(r.out, "\"offset\":2,\"current_offset\":2,\"config_offset\":0,"
                                "\"start_offset\":2,\"start_from\":\"home/bin/wso2server.bat:3:"),
                  "%s", r.out);
    if (have_validator())
        validate(dir, r.out, "plan.schema.json", "ports --json");
    cli_result_free(&r);
    r = cli_run(dir, "ports home");
    expect_status(&r, 0, "ports");
    LINE_WITH(r.out, "home (",
              "): offset 2 (-DportOffset at home/bin/wso2server.bat:3:", "; the config says 0)");
    LINE_WITH(r.out, "9445  auto   active   servlet transport (Tomcat connector)");
    cli_result_free(&r);

    r = cli_run(dir, "apply -o 3 home");
    expect_status(&r, 0, "apply -o 3");
    ck_assert_msg(strstr(r.err, "home/bin/wso2server.sh:4:47: warning: a product update that "
                                "replaces bin/ reverts this edit of -DportOffset"),
                  "%s", r.err);
    cli_result_free(&r);
    /* Only the digits: the comment, $OFFSET and the .bat's CRLF stay. */
    expect_file_text(dir, "home/bin/wso2server.sh",
                     "#!/bin/sh\n"
                     "# sh bin/wso2server.sh -DportOffset=5 starts it elsewhere\n"
                     "exec \"$JAVA_HOME/bin/java\" -DportOffset=$OFFSET \\\n"
                     "    -Dcarbon.home=\"$CARBON_HOME\" -DportOffset=3 "
                     "org.wso2.carbon.bootstrap.Bootstrap \"$@\"\n");
    expect_file_text(
        dir, "home/bin/wso2server.bat",
        "@echo off\r\n"
        "rem -DportOffset=7\r\n"
        "\"%JAVA_HOME%\\bin\\java\" -DportOffset=3 org.wso2.carbon.bootstrap.Bootstrap\r\n");
    ck_assert(holds(dir,
                    "home/"
                    "repository/conf/tomcat/catalina-server.xml",
                    "9443"));
    char config[256];
    snprintf(config, sizeof config, "home/%s", c->config);
    ck_assert_msg(holds(dir, config, c->after), "%s lacks %s", c->config, c->after);
    r = cli_run(dir, "ports --json home");
    ck_assert_msg(strstr(r.out, HTTPS_AT(9446)), "no HTTPS at 9446:\n%s", r.out);
    ck_assert(strstr(r.out, "\"config_offset\":3,\"start_offset\":3,"));
    cli_result_free(&r);

    /* In agreement from now on: idempotent, and 3 -> 5 -> 3 restores every byte. */
    expect_run(dir, 0, "diff -o 3 home");
    char *twin = tree_scratch();
    ck_assert_int_eq(run_cmd("cp -a '%s/home' '%s/home'", dir, twin), 0);
    expect_run(dir, 0, "apply -o 5 home");
    ck_assert(holds(dir, "home/bin/wso2server.bat", "-DportOffset=5 "));
    expect_run(dir, 0, "apply -o 3 home");
    ck_assert_int_eq(run_cmd("diff -r '%s/home' '%s/home' >/dev/null", dir, twin), 0);
    tree_remove(twin);
    free(twin);
    /* The way back to the config's old offset sets the scripts there too. */
    expect_run(dir, 0, "apply -o 0 home");
    ck_assert_msg(holds(dir, config, c->before), "%s lacks %s", c->config, c->before);
    ck_assert(holds(dir, "home/bin/wso2server.sh", " -DportOffset=0 org"));
    scratch_done(dir);
}
END_TEST

/* The first apply brings a config that disagrees with the scripts into line,
 * even at the offset the server already runs at. */
START_TEST(first_apply_brings_config_into_agreement)
{
    char *dir = corpus_scratch(IS53, "home");
    fake_file(dir, "home/bin/wso2server.sh", "exec java -DportOffset=2 Bootstrap\n");
    cli_result r = cli_run(dir, "diff home");
    expect_status(&r, 1, "diff at the current offset");
    ck_assert_msg(strstr(r.out, "-        <Offset>0</Offset>\n+        <Offset>2</Offset>\n"), "%s",
                  r.out);
    ck_assert(!strstr(r.out, "wso2server.sh"));
    cli_result_free(&r);
    expect_run(dir, 0, "apply home");
    expect_run(dir, 0, "diff home");
    scratch_done(dir);
}
END_TEST

/* clang-format off */
static const struct rank_case {
    const char *label, *sh, *bat;
    long offset;
    int finding;
} rank_cases[] = {
    {"an argument beats JAVA_OPTS",
     "JAVA_OPTS=\"$JAVA_OPTS -DportOffset=5\"\nexec java $JAVA_OPTS -DportOffset=2 Bootstrap\n",
     NULL, 2, 0},
    {"export and set assign too",
     "export JAVA_OPTS=\"-DportOffset=4\"\n", "set JAVA_OPTS=-DportOffset=4\r\n", 4, 0},
    {"a default counts as its value", "exec java -DportOffset=${PORT_OFFSET:-6} Bootstrap\n",
     NULL, 6, 0},
    {"a value passed in is none", "exec java -DportOffset=$PORT_OFFSET Bootstrap\n", NULL, 0, 0},
    {"two arguments that disagree", "exec java -DportOffset=2 Bootstrap\n",
     "java -DportOffset=4 Bootstrap\r\n", 4, 1},
    {"two assignments that disagree", "JAVA_OPTS=-DportOffset=2\n",
     "set \"JAVA_OPTS=-DportOffset=4\"\r\n", 4, 1},
    {"agreeing arguments", "exec java -DportOffset=2 Bootstrap\n",
     "java -DportOffset=2 Bootstrap\r\n", 2, 0},
};
/* clang-format on */

START_TEST(precedence_of_start_offsets)
{
    const struct rank_case *c = &rank_cases[_i];
    char *dir = corpus_scratch(IS53, "home");
    fake_file(dir, "home/bin/wso2server.sh", c->sh);
    if (c->bat)
        fake_file(dir, "home/bin/wso2server.bat", c->bat);
    cli_result r = cli_run(dir, "ports --json home");
    expect_status(&r, 0, c->label);
    char want[128];
    snprintf(want, sizeof want, "\"current_offset\":%ld,\"config_offset\":0,", c->offset);
    ck_assert_msg(strstr(r.out, want), "%s: %s", c->label, r.out);
    cli_result_free(&r);
    /* The references a hand-set offset left behind are stale findings too:
     * only the start findings count here. */
    r = cli_run(dir, "check home");
    ck_assert_msg(!!strstr(r.out, ": start: ") == c->finding, "%s:\n%s", c->label, r.out);
    /* check edits nothing, so it warns of no edit (it once planned the state
     * as it is, which "set" the scripts that lose to the winner). */
    ck_assert_msg(strstr(r.err, "reverts this edit") == NULL, "%s:\n%s", c->label, r.err);
    if (c->finding) {
        /* The .bat sorts first: it wins, the .sh is named with its place. */
        LINE_WITH(r.out,
                  "home/bin/wso2server.bat:", ": start: -DportOffset=4 here, -DportOffset=2 at ",
                  "home/bin/wso2server.sh:1:");
    }
    cli_result_free(&r);
    /* apply sets them all, whatever their rank: check is clean after. */
    expect_run(dir, 0, "apply --repair -o 1 home");
    expect_run(dir, 0, "check home");
    if (c->offset)
        ck_assert(holds(dir, "home/bin/wso2server.sh", "-DportOffset=") &&
                  !holds(dir, "home/bin/wso2server.sh", "-DportOffset=2") &&
                  !holds(dir, "home/bin/wso2server.sh", "-DportOffset=4"));
    scratch_done(dir);
}
END_TEST

/* EI 6.x: a profile's own bin/, and the home's bin/<profile>.sh, set that
 * profile's offset; the integrator's scripts set the integrator's. */
START_TEST(ei_profile_scripts)
{
    char *dir = corpus_scratch("wso2ei-6.6.0", "ei");
    fake_file(dir, "ei/wso2/broker/bin/wso2server.sh", "exec java -DportOffset=13 Bootstrap\n");
    fake_file(dir, "ei/bin/integrator.sh", "exec java -DportOffset=10 Bootstrap\n");
    cli_result r = cli_run(dir, "ports --json ei");
    expect_status(&r, 0, "ports --json");
    ck_assert_msg(strstr(r.out, "\"runtime\":\"\",\"product\":\"ei\"") &&
                      strstr(r.out, "\"start_offset\":10,\"start_from\":\"ei/bin/integrator.sh:1:"),
                  "%s", r.out);
    ck_assert_msg(strstr(r.out, "\"offset\":13,\"current_offset\":13,\"config_offset\":3,"
                                "\"start_offset\":13,\"start_from\":\"ei/wso2/broker/bin/"),
                  "%s", r.out);
    cli_result_free(&r);
    /* The home's bin/broker.sh starts the broker, not the integrator. */
    fake_file(dir, "ei/bin/broker.sh", "exec java -DportOffset=13 Bootstrap\n");
    r = cli_run(dir, "check ei");
    ck_assert_msg(!strstr(r.out, ": start: "), "%s", r.out);
    cli_result_free(&r);
    fake_file(dir, "ei/bin/broker.sh", "exec java -DportOffset=14 Bootstrap\n");
    r = cli_run(dir, "check ei");
    expect_status(&r, 1, "check: the broker's two scripts disagree");
    LINE_WITH(r.out, "ei/bin/broker.sh:1:", ": start: -DportOffset=14 here, -DportOffset=13 at ");
    cli_result_free(&r);
    /* Moving the home moves each profile's scripts by the same amount. */
    expect_run(dir, 0, "apply -o 11 ei");
    ck_assert(holds(dir, "ei/bin/integrator.sh", "-DportOffset=11 "));
    ck_assert(holds(dir, "ei/bin/broker.sh", "-DportOffset=15 "));
    ck_assert(holds(dir, "ei/wso2/broker/bin/wso2server.sh", "-DportOffset=15 "));
    scratch_done(dir);
}
END_TEST

/* Two homes whose configs are apart (0 and 1) clash because a script starts
 * the second at 0: check finds it, batch moves that home, script and config. */
START_TEST(clash_from_a_start_offset_found_and_resolved)
{
    char *dir = corpus_scratch(IS53, "a");
    corpus_copy(IS53, dir, "b");
    expect_run(dir, 0, "apply -o 1 b");
    expect_run(dir, 0, "check a b");
    fake_file(dir, "b/bin/wso2server.sh", "exec java -DportOffset=0 Bootstrap\n");
    cli_result r = cli_run(dir, "check a b");
    expect_status(&r, 1, "check: b starts at 0");
    LINE_WITH(r.out, "  a/repository/conf/tomcat/catalina-server.xml:", " (port 9443)");
    LINE_WITH(r.out, "to resolve the ", " clashes: portshift batch --diff a b");
    cli_result_free(&r);
    r = cli_run(dir, "batch --apply a b");
    expect_status(&r, 0, "batch --apply");
    LINE_WITH(r.out, "b: offset 0 -> ");
    cli_result_free(&r);
    expect_run(dir, 0, "check a b");
    ck_assert(!holds(dir, "b/bin/wso2server.sh", "-DportOffset=0 "));
    r = cli_run(dir, "ports --json b");
    ck_assert_msg(strstr(r.out, "\"current_offset\":1,\"config_offset\":1,\"start_offset\":1,"),
                  "%s", r.out);
    cli_result_free(&r);
    scratch_done(dir);
}
END_TEST

/* A child whose command line holds -DportOffset=N (sh -c keeps its extra
 * arguments in argv), its pid written to dir/rel. */
static pid_t server_running_at(const char *dir, const char *rel, const char *flag)
{
    pid_t pid = fork();
    ck_assert_int_ne(pid, -1);
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", "sleep 60; :", flag, (char *)NULL);
        _exit(127);
    }
    char text[32];
    snprintf(text, sizeof text, "%ld\n", (long)pid);
    fake_file(dir, rel, text);
    /* Until the exec, its command line is the test's own. */
    for (int i = 0; i < 500; i++) {
        char path[64];
        snprintf(path, sizeof path, "/proc/%ld/cmdline", (long)pid);
        FILE *f = fopen(path, "r");
        char buf[256] = {0};
        size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
        if (f)
            fclose(f);
        if (memmem(buf, n, flag, strlen(flag)))
            break;
        usleep(10000);
    }
    return pid;
}

static void stop(pid_t pid)
{
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

START_TEST(running_server_at_another_offset)
{
    if (access("/proc/self/cmdline", R_OK) != 0) {
        case_skipped("running_server_at_another_offset", "no /proc on this machine");
        return;
    }
    char *dir = corpus_scratch(IS53, "home");
    pid_t pid = server_running_at(dir, "home/wso2carbon.pid", "-DportOffset=4");
    cli_result r = cli_run(dir, "check home");
    expect_status(&r, 1, "check: the server runs at 4");
    char want[256];
    snprintf(want, sizeof want,
             "home/wso2carbon.pid:1:1: running: the server (process %ld) runs at offset 4 "
             "(-DportOffset on its command line), its files say 0\n",
             (long)pid);
    ck_assert_msg(strstr(r.out, want), "%s", r.out);
    cli_result_free(&r);
    if (have_validator()) {
        r = cli_run(dir, "check --json home");
        expect_status(&r, 1, "check --json");
        ck_assert(strstr(r.out, "{\"kind\":\"running\",\"port\":4,"));
        validate(dir, r.out, "check.schema.json", "check --json");
        cli_result_free(&r);
    }
    /* Files that say 4 (a script, which beats the config's 0) agree with it
     * (what remains are the references the script left behind: stale). */
    fake_file(dir, "home/bin/wso2server.sh", "exec java -DportOffset=4 Bootstrap\n");
    r = cli_run(dir, "check home");
    ck_assert_msg(!strstr(r.out, ": running: "), "%s", r.out);
    cli_result_free(&r);
    stop(pid);
    scratch_done(dir);
}
END_TEST

/*
 * A script edit is part of the apply's record like any file of the home: an
 * apply killed at each of its renames (the record's, then the files') is
 * finished by `recover`, to the very bytes of an apply never interrupted.
 */
START_TEST(killed_apply_of_a_script_is_finished)
{
    static const char script[] = "#!/bin/sh\nexec java -DportOffset=2 Bootstrap \"$@\"\n";
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "clean");
    fake_file(f.scratch, "clean/bin/wso2server.sh", script);
    cli_result r = cli(&f, "apply --offset 3 clean");
    expect_status(&r, 0, "the apply never interrupted");
    ck_assert(strstr(r.err, "applied: 1 home, 2 files, 2 edits"));
    cli_result_free(&r);
    ck_assert(file_holds(in(&f, "clean/bin/wso2server.sh"), "-DportOffset=3 "));
    for (int k = 2; k <= 3; k++) { /* the record is renamed first */
        char what[64];
        snprintf(what, sizeof what, "killed at rename %d", k);
        fx_add(&f, "good", "am");
        fake_file(f.scratch, "am/bin/wso2server.sh", script);
        killed(&f, 0, k, "apply --offset 3 am");
        ck_assert_msg(access(in(&f, "am/.portshift-journal"), F_OK) == 0, "%s: no record", what);
        r = cli(&f, "recover am");
        expect_status(&r, 0, what);
        cli_result_free(&r);
        expect_tree(&f, "clean", "am", what);
        ck_assert_int_eq(tree_remove(in(&f, "am")), 0);
    }
    fx_close(&f);
}
END_TEST

START_TEST(offset_out_of_range_refused)
{
    char *dir = corpus_scratch(IS53, "home");
    fake_file(dir, "home/bin/wso2server.sh", "#!/bin/sh\nexec java -DportOffset=65536 Bootstrap\n");
    cli_result r = cli_run(dir, "ports home");
    expect_status(&r, 2, "ports");
    ck_assert_str_eq(r.err, "portshift: home/bin/wso2server.sh:2:24: error: -DportOffset=65536: "
                            "not an offset from 0 to 65535\n");
    cli_result_free(&r);
    scratch_done(dir);
}
END_TEST

int main(void)
{
    const char *trees[] = {IS53, AM42, "wso2ei-6.6.0"};
    if (corpus_lacks("start", trees, N(trees)))
        return PS_SKIPPED;
    Suite *s = suite_create("start");
    TCase *tc = tcase_create("start");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, script_offset_is_the_runtime_offset, 0, N(script_cases));
    tcase_add_test(tc, first_apply_brings_config_into_agreement);
    tcase_add_loop_test(tc, precedence_of_start_offsets, 0, N(rank_cases));
    tcase_add_test(tc, ei_profile_scripts);
    tcase_add_test(tc, clash_from_a_start_offset_found_and_resolved);
    tcase_add_test(tc, running_server_at_another_offset);
    tcase_add_test(tc, killed_apply_of_a_script_is_finished);
    tcase_add_test(tc, offset_out_of_range_refused);
    suite_add_tcase(s, tc);
    return run_suite_status(s);
}
