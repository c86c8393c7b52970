/*
 * Output that cannot be written is an error: `diff > /dev/full` or
 * `plan --json > artefact` on a full disk must not let a CI job pass with
 * an empty artefact. Every command that only reads exits 2 with a message
 * on stderr; after a successful apply (files written) the lost output is a
 * warning and the status stays 0.
 */
#include <check.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <portshift/portshift.h>

#include "../support/fixture.h"
#include "../support/runner.h"

#define FULL_MSG "portshift: error: cannot write output: No space left on device\n"

typedef struct outcome {
    int status;
    char *err; /* stderr, or "" when stderr itself was /dev/full */
} outcome;

/* Runs the CLI in folder `cwd`, stdout and/or stderr on /dev/full. */
static outcome run_to(const char *cwd, const char *cmdline, int full_out, int full_err)
{
    char *argv[16], buf[1024];
    int argc = 0;
    snprintf(buf, sizeof buf, "portshift %s", cmdline);
    for (char *w = strtok(buf, " "); w && argc < 15; w = strtok(NULL, " "))
        argv[argc++] = w;
    argv[argc] = NULL;

    char *errtext = NULL;
    size_t errlen = 0;
    FILE *out = full_out ? fopen("/dev/full", "w") : fopen("/dev/null", "w");
    FILE *err = full_err ? fopen("/dev/full", "w") : open_memstream(&errtext, &errlen);
    ck_assert_ptr_nonnull(out);
    ck_assert_ptr_nonnull(err);
    char *old = getcwd(NULL, 0);
    ck_assert_int_eq(chdir(cwd), 0);
    outcome o = {ps_cli_main(argc, argv, out, err), NULL};
    ck_assert_int_eq(chdir(old), 0);
    free(old);
    fclose(out);
    fclose(err);
    o.err = full_err ? strdup("") : errtext;
    return o;
}

/* clang-format off */
/* Commands that only read, with the status they have when output works (each
 * prints something: a diff with nothing to change writes nothing to lose). */
static const struct {
    const char *cmd;
    int status;
} readers[] = {
    {"diff -q --offset 3 am", 1},

    {"plan --offset 3 am", 0},
    {"plan --json --offset 3 am", 0},
    {"ports am", 0},
    {"ports --json am", 0},
    {"check am", 0},
    {"check --json am", 0},
    {"batch am", 0},
    {"batch --json am", 0},
    {"batch --diff am", 0},
    {"--help", 0},
};
/* clang-format on */

START_TEST(reader_with_full_stdout_fails)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "am");
    snapshot before, after;
    snapshot_take(&before, f.scratch);

    outcome ok = run_to(f.scratch, readers[_i].cmd, 0, 0);
    ck_assert_msg(ok.status == readers[_i].status, "control %s: exit %d: %s", readers[_i].cmd,
                  ok.status, ok.err);
    ck_assert_str_eq(ok.err, "");
    free(ok.err);

    outcome o = run_to(f.scratch, readers[_i].cmd, 1, 0);
    ck_assert_msg(o.status == PS_EXIT_ERROR, "%s > /dev/full: exit %d", readers[_i].cmd, o.status);
    ck_assert_str_eq(o.err, FULL_MSG);
    free(o.err);

    snapshot_take(&after, f.scratch);
    assert_same(&before, &after, readers[_i].cmd);
    snapshot_free(&before);
    snapshot_free(&after);
    fx_close(&f);
}
END_TEST

START_TEST(warning_to_full_stderr_fails)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "am");
    /* A start script that pins the offset: every command warns about it. */
    mkdir(in(&f, "am/bin"), 0755);
    put(in(&f, "am/bin/wso2server.sh"), "exec java -DportOffset=2 Bootstrap\n");

    outcome ok = run_to(f.scratch, "diff -q --offset 3 am", 0, 0);
    ck_assert_int_eq(ok.status, 1);
    ck_assert_msg(strstr(ok.err, "warning: start script sets -DportOffset=2") != NULL, "%s",
                  ok.err);
    free(ok.err);

    outcome o = run_to(f.scratch, "diff --offset 3 am", 0, 1);
    ck_assert_int_eq(o.status, PS_EXIT_ERROR);
    free(o.err);
    fx_close(&f);
}
END_TEST

START_TEST(apply_with_full_stdout_still_applies)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "am");
    outcome o = run_to(f.scratch, "apply --offset 3 am", 1, 0);
    ck_assert_msg(o.status == PS_EXIT_OK, "exit %d: %s", o.status, o.err);
    ck_assert_str_eq(o.err, "portshift: applied: 1 home, 2 files, 2 edits\n"
                            "portshift: warning: cannot write output: No space left on device\n");
    free(o.err);
    /* The files were written: nothing is left to do at offset 3. */
    cli_result r = cli(&f, "diff --offset 3 am");
    ck_assert_msg(r.status == 0, "diff after apply: exit %d:\n%s", r.status, r.out);
    cli_result_free(&r);
    fx_close(&f);
}
END_TEST

int main(void)
{
    FILE *probe = fopen("/dev/full", "w");
    if (!probe) {
        printf("output: no /dev/full: skipping the output error suite\n");
        return PS_SKIPPED;
    }
    fclose(probe);
    if (fx_suite_root("output") < 0)
        return 1;
    Suite *s = suite_create("output");
    TCase *tc = tcase_create("full");
    tcase_add_loop_test(tc, reader_with_full_stdout_fails, 0, sizeof readers / sizeof readers[0]);
    tcase_add_test(tc, warning_to_full_stderr_fails);
    tcase_add_test(tc, apply_with_full_stdout_still_applies);
    suite_add_tcase(s, tc);
    int failed = run_suite(s);
    fx_suite_done();
    return failed ? 1 : 0;
}
