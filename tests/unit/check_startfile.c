#define _GNU_SOURCE
/*
 * Start files (--start-file, issue 14 item 1, the part outside the home),
 * through the CLI on copies of the corpus trees: a systemd unit or an
 * environment file beside the copy, naming the home by its path.
 *
 * - a unit's ExecStart= -DportOffset=2 makes `ports` report the HTTPS
 *   connector at 9445 and names the unit as where the offset comes from;
 *   `diff -o 3` shows the unit's hunk (digits only, the commented line left
 *   alone) under a path `patch -p1` takes from the current folder, and the
 *   patched unit holds exactly the bytes expected;
 * - precedence: a start file beats a bin/ script of the same home (even its
 *   environment line beats the script's argument); within the unit,
 *   ExecStart= beats Environment=; two equal-rank lines that disagree are a
 *   `check` finding naming both;
 * - matching: a file naming one home of two belongs to it; naming none of
 *   two, naming two, lying inside a home, a FIFO, a missing file: exit 2,
 *   one line, nothing written;
 * - writing a start file is not there yet: batch --apply with --start-file
 *   is refused, nothing written (apply does not take the option).
 *
 * Skips, saying so, when the corpus is absent.
 */
#include <check.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../support/clitext.h"
#include "../support/corpus.h"
#include "../support/fakeproc.h"
#include "../support/runner.h"
#include "../support/tree.h"

#define IS53 "wso2is-5.3.0"
#define AM42 "wso2am-4.2.0"
#define HTTPS_AT(port)                                                                             \
    "{\"port\":" #port ",\"base\":9443,\"shift\":\"auto\",\"active\":true,"                        \
    "\"what\":\"servlet transport (Tomcat connector)\""

/* A systemd unit for the home at `dir`/home, its offsets `env` and `arg`. */
static char *unit_text(const char *dir, long env, long arg)
{
    char *t;
    ck_assert_int_ge(asprintf(&t,
                              "[Unit]\n"
                              "Description=WSO2 server\n"
                              "\n"
                              "[Service]\n"
                              "Type=forking\n"
                              "#ExecStart=%s/home/bin/wso2server.sh -DportOffset=%ld start\n"
                              "Environment=\"JAVA_OPTS=-Xmx1g -DportOffset=%ld\"\n"
                              "ExecStart=%s/home/bin/wso2server.sh -DportOffset=%ld start\n",
                              dir, arg, env, dir, arg),
                     0);
    return t;
}

/* dir/rel, in a buffer the next call reuses. */
static const char *at(const char *dir, const char *rel)
{
    static char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    return path;
}

static char *text_at(const char *dir, const char *rel)
{
    return file_text(at(dir, rel));
}

static const char *const trees[] = {IS53, AM42};

START_TEST(unit_offset_is_the_runtime_offset)
{
    char *dir = corpus_scratch(trees[_i], "home");
    char *unit = unit_text(dir, 2, 2);
    fake_file(dir, "wso2.service", unit);

    cli_result r = cli_run(dir, "ports --json --start-file wso2.service home");
    expect_status(&r, 0, "ports --json");
    ck_assert_msg(strstr(r.out, HTTPS_AT(9445)), "no HTTPS at 9445:\n%s", r.out);
    /* ExecStart= (line 8, the value at column 57 past the home's path) wins */
    char want[4400];
    snprintf(want, sizeof want,
             "\"offset\":2,\"current_offset\":2,\"config_offset\":0,\"start_offset\":2,"
             "\"start_from\":\"wso2.service:8:%zu\"",
             strlen("ExecStart=") + strlen(dir) + strlen("/home/bin/wso2server.sh -DportOffset=") +
                 1);
    ck_assert_msg(strstr(r.out, want), "want %s in:\n%s", want, r.out);
    if (have_validator())
        validate(dir, r.out, "plan.schema.json", "ports --json");
    cli_result_free(&r);

    /* Without the option the home is read as its files say: offset 0. */
    r = cli_run(dir, "ports --json home");
    ck_assert_msg(strstr(r.out, HTTPS_AT(9443)), "no HTTPS at 9443:\n%s", r.out);
    cli_result_free(&r);

    /* diff -o 3: the unit's two values, not its commented line, under a
     * path patch -p1 takes from here. */
    r = cli_run(dir, "diff -o 3 --start-file wso2.service home");
    expect_status(&r, 1, "diff -o 3");
    ck_assert_msg(strstr(r.out, "--- a/wso2.service\n+++ b/wso2.service\n"), "%s", r.out);
    ck_assert_msg(strstr(r.out, "\n-Environment=\"JAVA_OPTS=-Xmx1g -DportOffset=2\"\n"
                                "-ExecStart="),
                  "%s", r.out);
    ck_assert_msg(strstr(r.out, "\n+Environment=\"JAVA_OPTS=-Xmx1g -DportOffset=3\"\n"
                                "+ExecStart="),
                  "%s", r.out);
    ck_assert_msg(!strstr(r.out, "\n-#ExecStart") && !strstr(r.out, "\n+#ExecStart"), "%s", r.out);
    ck_assert_msg(!strstr(r.err, "product update"), "a start file is no bin/ script:\n%s", r.err);
    FILE *p = fopen(at(dir, "change.diff"), "w");
    ck_assert_ptr_nonnull(p);
    fputs(r.out, p);
    fclose(p);
    cli_result_free(&r);
    ck_assert_int_eq(run_cmd("cd '%s' && patch -s -p1 < change.diff", dir), 0);
    char *after = unit_text(dir, 3, 3);
    /* the commented line says 2 as before: only the two live values moved */
    char *c = strstr(after, "#ExecStart=");
    ck_assert_ptr_nonnull(c);
    c = strstr(c, "-DportOffset=3");
    c[strlen("-DportOffset=")] = '2';
    expect_file_text(dir, "wso2.service", after);
    free(after);

    /* patched by hand, the home's config at 3 too: the unit and the files agree */
    r = cli_run(dir, "ports --json --start-file wso2.service home");
    ck_assert_msg(strstr(r.out, HTTPS_AT(9446)), "no HTTPS at 9446:\n%s", r.out);
    cli_result_free(&r);
    r = cli_run(dir, "diff -o 3 --start-file wso2.service home");
    expect_status(&r, 0, "diff again: nothing left");
    ck_assert_str_eq(r.out, "");
    cli_result_free(&r);
    free(unit);
    scratch_done(dir);
}
END_TEST

/* clang-format off */
static const struct rank_case {
    const char *label, *script, *start; /* bin/wso2server.sh, the start file */
    long offset;
    int finding;
} rank_cases[] = {
    {"the start file beats the script", "#!/bin/sh\nexec java -DportOffset=1 Bootstrap\n",
     "JAVA_OPTS=-DportOffset=2\n", 2, 0},
    {"its ExecStart= beats its Environment=", NULL,
     "[Service]\nExecStart=/bin/sh -c 'exec java -DportOffset=4 Bootstrap'\n"
     "Environment=JAVA_OPTS=-DportOffset=2\n", 4, 0},
    {"its '#' and ';' lines are comments", NULL,
     "; -DportOffset=7\n# -DportOffset=5\nJAVA_OPTS=-DportOffset=2\n", 2, 0},
    {"two of its lines disagree", "#!/bin/sh\nexec java -DportOffset=1 Bootstrap\n",
     "JAVA_OPTS=-DportOffset=2\nJAVA_OPTS=-DportOffset=4\n", 2, 1},
};
/* clang-format on */

START_TEST(precedence_of_start_files)
{
    const struct rank_case *c = &rank_cases[_i];
    char *dir = corpus_scratch(IS53, "home");
    if (c->script)
        fake_file(dir, "home/bin/wso2server.sh", c->script);
    fake_file(dir, "wso2.env", c->start);
    cli_result r = cli_run(dir, "ports --json --start-file wso2.env home");
    expect_status(&r, 0, c->label);
    char want[128];
    snprintf(want, sizeof want, "\"current_offset\":%ld,\"config_offset\":0,", c->offset);
    ck_assert_msg(strstr(r.out, want), "%s: %s", c->label, r.out);
    cli_result_free(&r);
    r = cli_run(dir, "check --start-file wso2.env home");
    ck_assert_msg(!!strstr(r.out, ": start: ") == c->finding, "%s:\n%s", c->label, r.out);
    if (c->finding)
        LINE_WITH(r.out, "wso2.env:1:", ": start: -DportOffset=2 here, -DportOffset=4 at ",
                  "wso2.env:2:");
    cli_result_free(&r);
    scratch_done(dir);
}
END_TEST

/* A file naming home2 of two homes belongs to it; the first keeps its offset. */
START_TEST(start_file_names_its_home)
{
    char *dir = corpus_scratch(IS53, "home");
    corpus_copy(IS53, dir, "home2");
    char text[4400];
    snprintf(text, sizeof text, "CARBON_HOME=%s/home2\nJAVA_OPTS=-DportOffset=2\n", dir);
    fake_file(dir, "wso2.env", text);
    cli_result r = cli_run(dir, "ports --json --start-file wso2.env home home2");
    expect_status(&r, 0, "ports");
    const char *second = strstr(r.out, "\"home\":\"home2\"");
    ck_assert_msg(second, "%s", r.out);
    const char *s = strstr(r.out, "\"start_offset\":2,\"start_from\":\"wso2.env:2:");
    ck_assert_msg(s && s > second, "home2's offset: %s", r.out);
    ck_assert_msg(strstr(r.out, "\"current_offset\":0,\"config_offset\":0,\"start_offset\":null"),
                  "home keeps 0: %s", r.out);
    cli_result_free(&r);
    scratch_done(dir);
}
END_TEST

/* clang-format off */
static const struct refusal {
    const char *label, *file, *text, *homes, *err;
} refusals[] = {
    {"names no home of two", "wso2.env", "JAVA_OPTS=-DportOffset=2\n", "home home2",
     "portshift: wso2.env: error: names none of the 2 homes of the call: a start file belongs to "
     "the home whose path it names\n"},
    {"names two homes", "wso2.env", "A=@/home/bin\nB=@/home2\nJAVA_OPTS=-DportOffset=2\n",
     "home home2",
     "portshift: wso2.env:2:3: error: names two homes of the call, home and home2: a start file "
     "starts one\n"},
    {"lies in the home", "home/wso2.env", "JAVA_OPTS=-DportOffset=2\n", "home",
     "portshift: home/wso2.env: error: lies in the home home: a start script there is read "
     "without --start-file\n"},
    {"a missing file", "wso2.env", NULL, "home",
     "portshift: wso2.env: error: cannot open: No such file or directory\n"},
    {"a FIFO", "wso2.env", "", "home", "portshift: wso2.env: error: not a regular file\n"},
    {"batch --apply writes no start file yet", "wso2.env", "JAVA_OPTS=-DportOffset=2\n",
     "--apply home",
     "portshift: wso2.env: error: a start file is not written yet: apply, batch --apply and "
     "recover take no --start-file\n"},
};
/* clang-format on */

START_TEST(start_file_refused)
{
    const struct refusal *c = &refusals[_i];
    char *dir = corpus_scratch(IS53, "home");
    corpus_copy(IS53, dir, "home2");
    if (c->text && *c->text) {
        char text[4400], *o = text;
        for (const char *p = c->text; *p; p++) /* '@' stands for the scratch folder */
            o += *p == '@' ? sprintf(o, "%s", dir) : sprintf(o, "%c", *p);
        fake_file(dir, c->file, text);
    } else if (c->text) {
        ck_assert_int_eq(mkfifo(at(dir, c->file), 0600), 0);
    }
    char *before = text_at(dir, "home/repository/conf/carbon.xml");
    const char *cmd = strncmp(c->homes, "--apply", 7) == 0 ? "batch" : "ports";
    cli_result r = cli_runf(dir, "%s --start-file %s %s", cmd, c->file, c->homes);
    expect_status(&r, 2, c->label);
    ck_assert_msg(strcmp(r.err, c->err) == 0, "%s:\n%s\nwant:\n%s", c->label, r.err, c->err);
    ck_assert_str_eq(r.out, "");
    cli_result_free(&r);
    expect_file_text(dir, "home/repository/conf/carbon.xml", before);
    free(before);
    if (c->text && *c->text) {
        char *want = text_at(dir, c->file);
        ck_assert_msg(strstr(want, "-DportOffset=2"), "%s: the start file changed", c->label);
        free(want);
    }
    scratch_done(dir);
}
END_TEST

int main(void)
{
    for (int i = 0; i < N(trees); i++)
        if (!corpus_has(trees[i])) {
            printf("startfile: %s lacks %s: skipping\n", corpus_dir(), trees[i]);
            return PS_SKIPPED;
        }
    Suite *s = suite_create("startfile");
    TCase *tc = tcase_create("startfile");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, unit_offset_is_the_runtime_offset, 0, N(trees));
    tcase_add_loop_test(tc, precedence_of_start_files, 0, N(rank_cases));
    tcase_add_test(tc, start_file_names_its_home);
    tcase_add_loop_test(tc, start_file_refused, 0, N(refusals));
    suite_add_tcase(s, tc);
    return run_suite_status(s);
}
