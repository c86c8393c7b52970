/*
 * The command line as its users meet it: --version, help and COMMAND --help,
 * -o for --offset, a suggestion for a mistyped command, the summary line and
 * --quiet, colour on request, and --format markdown for a CI summary.
 */
#include <check.h>

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../support/corpus.h"
#include "../support/fakeproc.h"
#include "../support/fixture.h"
#include "../support/runner.h"

static void with_example(fx *f)
{
    fx_open(f);
    fx_example(f, "am");
}

START_TEST(version_and_help_print_and_succeed)
{
    fx f;
    with_example(&f);
    cli_result r = cli(&f, "--version");
    ck_assert_int_eq(r.status, 0);
    ck_assert_msg(strncmp(r.out, "portshift ", 10) == 0 && strstr(r.out, "(catalog "), "%s", r.out);
    ck_assert_str_eq(r.err, "");
    cli_result_free(&r);

    /* help diff and diff --help: the same text, on stdout, with HOME=N and an example. */
    cli_result a = cli(&f, "help diff"), b = cli(&f, "diff --help");
    ck_assert_int_eq(a.status, 0);
    ck_assert_int_eq(b.status, 0);
    ck_assert_str_eq(a.out, b.out);
    ck_assert_msg(strncmp(a.out, "usage: portshift diff", 21) == 0, "%s", a.out);
    ck_assert_msg(strstr(a.out, "HOME=N") && strstr(a.out, "Example:"), "%s", a.out);
    cli_result_free(&a);
    cli_result_free(&b);

    r = cli(&f, "help");
    ck_assert_int_eq(r.status, 0);
    for (const char *c = "plan diff apply ports check batch"; *c;) {
        char word[32];
        size_t n = strcspn(c, " ");
        snprintf(word, sizeof word, "portshift %.*s ", (int)n, c);
        ck_assert_msg(strstr(r.out, word), "help does not list '%s':\n%s", word, r.out);
        c += n + (c[n] == ' ');
    }
    cli_result_free(&r);
    fx_close(&f);
}
END_TEST

START_TEST(mistyped_command_suggests_the_right_one)
{
    fx f;
    with_example(&f);
    usage_refused(&f, "dif am", "unknown command 'dif'; did you mean 'diff'?");
    usage_refused(&f, "aply am", "did you mean 'apply'?");
    usage_refused(&f, "frobnicate am", "unknown command 'frobnicate'");
    usage_refused(&f, "plan --bogus am", "unknown option '--bogus' for plan");
    usage_refused(&f, "diff --json am", "unknown option '--json' for diff");
    usage_refused(&f, "plan am --offset", "--offset needs a value");
    usage_refused(&f, "plan --format yaml am", "--format takes text, json or markdown");
    cli_result r = cli(&f, "help dif");
    expect_error(&r, "help dif", NULL, 0, 0, "did you mean 'diff'?", 0);
    cli_result_free(&r);
    r = cli(&f, "help diff apply");
    expect_error(&r, "help diff apply", NULL, 0, 0, "help takes one COMMAND", 0);
    cli_result_free(&r);
    fx_close(&f);
}
END_TEST

/*
 * A usage error is the error and the help to read, nothing else (the
 * synopsis of every command used to follow: 20 lines burying the one that
 * matters), and a mistyped option gets the command's option it is one or
 * two edits from. Exact bytes: this is what a user reads.
 */
static const struct {
    const char *args, *err;
} usage_lines[] = {
    {"diff --ofset 3 am",
     "portshift: error: unknown option '--ofset' for diff; did you mean '--offset'?\n"
     "see 'portshift diff --help'\n"},
    {"diff --ofset=3 am",
     "portshift: error: unknown option '--ofset=3' for diff; did you mean '--offset'?\n"
     "see 'portshift diff --help'\n"},
    {"plan --frmat json am", /* a dropped letter */
     "portshift: error: unknown option '--frmat' for plan; did you mean '--format'?\n"
     "see 'portshift plan --help'\n"},
    {"apply --bakcup am", /* two letters swapped: one edit */
     "portshift: error: unknown option '--bakcup' for apply; did you mean '--backup'?\n"
     "see 'portshift apply --help'\n"},
    {"check --jsn am", /* check's own option, not diff's --jobs */
     "portshift: error: unknown option '--jsn' for check; did you mean '--json'?\n"
     "see 'portshift check --help'\n"},
    {"diff --json am", /* plan's option: two edits from --jobs is another word */
     "portshift: error: unknown option '--json' for diff\n"
     "see 'portshift diff --help'\n"},
    {"aply am", "portshift: error: unknown command 'aply'; did you mean 'apply'?\n"
                "see 'portshift --help'\n"},
    {"pln am", /* one edit of a four-letter name is close enough */
     "portshift: error: unknown command 'pln'; did you mean 'plan'?\n"
     "see 'portshift --help'\n"},
    {"diff --offset=x am", "portshift: error: offset 'x' is not a number (digits 0-9 only)\n"
                           "see 'portshift diff --help'\n"},
    {"diff am --offset", "portshift: error: --offset needs a value\n"
                         "see 'portshift diff --help'\n"},
    {"apply -o 2", "portshift: error: no HOME given\nsee 'portshift apply --help'\n"},
    {"", "portshift: error: no command given\nsee 'portshift --help'\n"},
};

START_TEST(usage_error_is_two_lines)
{
    fx f;
    with_example(&f);
    cli_result r = cli(&f, "%s", usage_lines[_i].args);
    ck_assert_msg(r.status == 2, "%s: exit %d", usage_lines[_i].args, r.status);
    ck_assert_str_eq(r.out, "");
    ck_assert_str_eq(r.err, usage_lines[_i].err);
    cli_result_free(&r);
    fx_close(&f);
}
END_TEST

/* apply refuses a running server and names the process, so the operator
 * sees which one to stop: here a `sleep` whose pid the home's pid file holds. */
START_TEST(running_server_is_named)
{
    fx f;
    with_example(&f);
    long child = sleeper_start();
    char pid[32];
    snprintf(pid, sizeof pid, "%ld\n", (long)child);
    FILE *pf = fopen(in(&f, "am/wso2carbon.pid"), "w");
    ck_assert(pf && fputs(pid, pf) >= 0 && fclose(pf) == 0);
    cli_result r = cli(&f, "apply -o 2 am");
    char want[256];
    snprintf(want, sizeof want,
             "portshift: am: error: the server is running (wso2carbon.pid: pid %ld, sleep); stop "
             "it or use --force\n",
             (long)child);
    sleeper_stop(child);
    ck_assert_int_eq(r.status, 2);
    ck_assert_str_eq(r.err, want);
    cli_result_free(&r);
    fx_close(&f);
}
END_TEST

START_TEST(short_offset_and_summary)
{
    fx f;
    with_example(&f);
    cli_result a = cli(&f, "diff -o 2 am"), b = cli(&f, "diff --offset=2 am");
    ck_assert_int_eq(a.status, 1);
    ck_assert_str_eq(a.out, b.out);
    /* Five edits in four files (README's quick start), said once on stderr. */
    ck_assert_str_eq(a.err, "portshift: diff: 1 home, 4 files, 5 edits\n");
    cli_result_free(&a);
    cli_result_free(&b);
    cli_result q = cli(&f, "diff -q -o 2 am");
    ck_assert_int_eq(q.status, 1);
    ck_assert_str_eq(q.err, "");
    cli_result_free(&q);
    q = cli(&f, "apply --quiet -o 2 am");
    ck_assert_int_eq(q.status, 0);
    ck_assert_str_eq(q.out, "");
    ck_assert_str_eq(q.err, "");
    cli_result_free(&q);
    q = cli(&f, "diff -o 2 am"); /* applied: nothing left, nothing said */
    ck_assert_int_eq(q.status, 0);
    ck_assert_str_eq(q.err, "");
    cli_result_free(&q);
    fx_close(&f);
}
END_TEST

START_TEST(color_on_request_only)
{
    fx f;
    with_example(&f);
    cli_result plain = cli(&f, "diff -q -o 2 am"); /* not a terminal: auto is off */
    ck_assert_msg(strchr(plain.out, '\033') == NULL, "colour without a terminal");
    cli_result never = cli(&f, "diff -q --color=never -o 2 am");
    ck_assert_str_eq(never.out, plain.out);
    cli_result c = cli(&f, "diff -q --color=always -o 2 am");
    ck_assert_int_eq(c.status, 1);
    ck_assert_msg(strstr(c.out, "\033[31m-        <Offset>0</Offset>\033[m\n") &&
                      strstr(c.out, "\033[32m+        <Offset>2</Offset>\033[m\n") &&
                      strstr(c.out, "\033[36m@@"),
                  "%s", c.out);
    usage_refused(&f, "diff --color=sometimes am", "--color takes auto, always or never");
    cli_result_free(&plain);
    cli_result_free(&never);
    cli_result_free(&c);
    fx_close(&f);
}
END_TEST

START_TEST(plan_markdown_names_each_edit)
{
    fx f;
    with_example(&f);
    cli_result r = cli(&f, "plan --format markdown -o 2 am");
    ck_assert_int_eq(r.status, 0);
    static const char *const rows[] = {
        "| `am/repository/conf/carbon.xml` | 14 | 0 | 2 | port offset 0 -> 2 |",
        "| `am/repository/conf/jndi.properties` | 2 | 5672 | 5674 |",
        "| `am/repository/conf/jndi.properties` | 3 | 5672 | 5674 |",
        "| `am/repository/conf/tomcat/catalina-server.xml` | 7 | 9443 | 9445 |",
        "| `am/repository/deployment/server/synapse-configs/default/proxy-services/"
        "WorkflowCallbackService.xml` | 8 | 9443 | 9445 |",
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        ck_assert_msg(strstr(r.out, rows[i]), "no row '%s' in:\n%s", rows[i], r.out);
    ck_assert_msg(strstr(r.out, "| `am` | (main) | WSO2 API Manager 2.6.0 | 0 → 2 |"), "%s", r.out);
    ck_assert_msg(strstr(r.out, "\n5 edits\n"), "%s", r.out);
    cli_result j = cli(&f, "plan --format json -o 2 am"), k = cli(&f, "plan --json -o 2 am");
    ck_assert_str_eq(j.out, k.out);
    cli_result_free(&j);
    cli_result_free(&k);
    /* ports and check speak markdown too. */
    cli_result p = cli(&f, "ports --format markdown am"), c = cli(&f, "check --format markdown am");
    ck_assert_msg(strstr(p.out, "| `am` |  | 9443 | auto | yes |"), "%s", p.out);
    ck_assert_msg(strncmp(c.out, "### portshift check\n", 20) == 0, "%s", c.out);
    cli_result_free(&p);
    cli_result_free(&c);
    cli_result_free(&r);
    fx_close(&f);
}
END_TEST

/*
 * A login shell's soft descriptor limit (1024, or here 40) is no limit of
 * the program's: it raises it to the hard one, so an apply of many files
 * (16 homes of 4 files: a folder descriptor each, and the staged files)
 * does not fail with "Too many open files".
 */
#define HOMES 16
START_TEST(apply_outgrows_a_low_soft_descriptor_limit)
{
    struct rlimit rl;
    ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
    if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < 1024) {
        case_skipped(__func__, "the hard descriptor limit is below 1024");
        return;
    }
    fx f;
    fx_open(&f);
    char names[HOMES][8];
    const char *argv[HOMES + 5] = {"portshift", "apply", "-o", "2"};
    for (int i = 0; i < HOMES; i++) {
        snprintf(names[i], sizeof names[i], "am%02d", i);
        fx_example(&f, names[i]);
        argv[4 + i] = names[i];
    }
    pid_t pid = fork();
    ck_assert_int_ne(pid, -1);
    if (pid == 0) {
        int out;
        rl.rlim_cur = 40;
        if (chdir(f.scratch) != 0 ||
            (out = open("out.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0 || dup2(out, 1) < 0 ||
            dup2(out, 2) < 0 || setrlimit(RLIMIT_NOFILE, &rl) != 0)
            _exit(126);
        execv(PS_BINARY, (char *const *)argv);
        _exit(127);
    }
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    char *said = file_text(in(&f, "out.txt"));
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %d: %s", status, said);
    ck_assert_msg(strstr(said, "applied: 16 homes, 64 files"), "%s", said);
    free(said);
    cli_result r = cli(&f, "diff -o 2 am00 am01 am02 am03 am04 am05 am06 am07 am08 am09 am10 am11 "
                           "am12 am13 am14 am15");
    ck_assert_msg(r.status == 0, "diff after apply: %d\n%s%s", r.status, r.out, r.err);
    cli_result_free(&r);
    fx_close(&f);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cli_manners");
    TCase *tc = tcase_create("manners");
    tcase_add_test(tc, version_and_help_print_and_succeed);
    tcase_add_test(tc, mistyped_command_suggests_the_right_one);
    tcase_add_loop_test(tc, usage_error_is_two_lines, 0, N(usage_lines));
    tcase_add_test(tc, running_server_is_named);
    tcase_add_test(tc, short_offset_and_summary);
    tcase_add_test(tc, color_on_request_only);
    tcase_add_test(tc, plan_markdown_names_each_edit);
    tcase_add_test(tc, apply_outgrows_a_low_soft_descriptor_limit);
    suite_add_tcase(s, tc);
    return fx_run_suite("cli-manners", s);
}
