/*
 * Output that cannot be written is an error: `diff > /dev/full` or
 * `plan --json > artefact` on a full disk must not let a CI job pass with
 * an empty artefact. Every command that only reads exits 2 with a message
 * on stderr; after a successful apply (files written) the lost output is a
 * warning and the status stays 0. The same holds when the reader of a pipe
 * went away (`portshift apply ... | true`): the program ignores SIGPIPE.
 */
#include <check.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <portshift/cli.h>
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
    /* A start script that sets the offset: diff warns that an update of bin/ reverts its edit. */
    mkdir(in(&f, "am/bin"), 0755);
    put(in(&f, "am/bin/wso2server.sh"), "exec java -DportOffset=2 Bootstrap\n");

    outcome ok = run_to(f.scratch, "diff -q --offset 3 am", 0, 0);
    ck_assert_int_eq(ok.status, 1);
    ck_assert_msg(strstr(ok.err, "warning: a product update that replaces bin/ reverts this "
                                 "edit of -DportOffset") != NULL,
                  "%s", ok.err);
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

/* ---- a reader that went away: stdout a pipe with no reader ---- */

/*
 * Runs the portshift binary in `cwd` with stdout a pipe whose read end is
 * closed (`portshift apply ... | true` once true has exited) and returns
 * its wait status; *err gets its stderr. The child starts with SIGPIPE at
 * its default, as a shell leaves it, whatever this process inherited.
 */
static int run_into_closed_pipe(const char *cwd, const char *const *args, char **err)
{
    const char *argv[16] = {"portshift"};
    size_t argc = 1;
    for (; args[argc - 1] && argc < 15; argc++)
        argv[argc] = args[argc - 1];
    argv[argc] = NULL;
    int out[2], errp[2];
    ck_assert_int_eq(pipe(out), 0);
    ck_assert_int_eq(pipe(errp), 0);
    close(out[0]); /* nobody reads stdout */
    pid_t pid = fork();
    ck_assert_int_ne(pid, -1);
    if (pid == 0) {
        signal(SIGPIPE, SIG_DFL);
        if (chdir(cwd) != 0 || dup2(out[1], 1) < 0 || dup2(errp[1], 2) < 0)
            _exit(126);
        close(out[1]);
        close(errp[0]);
        close(errp[1]);
        execv(PS_BINARY, (char *const *)argv);
        _exit(127);
    }
    close(out[1]);
    close(errp[1]);
    size_t len = 0, cap = 256;
    char *text = malloc(cap);
    for (ssize_t r; (r = read(errp[0], text + len, cap - len - 1)) != 0;) {
        if (r < 0 && errno == EINTR)
            continue;
        ck_assert_int_ge(r, 0);
        len += (size_t)r;
        if (cap - len < 64)
            text = realloc(text, cap *= 2);
    }
    text[len] = '\0';
    close(errp[0]);
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    *err = text;
    return status;
}

/* The exit status of a wait status; the case fails when it was a signal. */
static int exited(int status, const char *what, const char *err)
{
    ck_assert_msg(!WIFSIGNALED(status), "%s: killed by signal %d; stderr: %s", what,
                  WTERMSIG(status), err);
    ck_assert(WIFEXITED(status));
    return WEXITSTATUS(status);
}

#define PIPE_MSG(severity) "portshift: " severity ": cannot write output: Broken pipe\n"

/* `portshift apply ... | true` died of SIGPIPE (status 141) after writing
 * every file: the files are written, so the lost output is a warning. */
START_TEST(apply_into_closed_pipe_still_applies)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "am");
    char *err;
    int st = run_into_closed_pipe(f.scratch, (const char *const[]){"apply", "-o", "3", "am", NULL},
                                  &err);
    ck_assert_msg(exited(st, "apply | true", err) == PS_EXIT_OK, "exit %d: %s", WEXITSTATUS(st),
                  err);
    ck_assert_str_eq(err, "portshift: applied: 1 home, 2 files, 2 edits\n" PIPE_MSG("warning"));
    free(err);
    cli_result r = cli(&f, "diff --offset 3 am");
    ck_assert_msg(r.status == 0, "diff after apply: exit %d:\n%s", r.status, r.out);
    cli_result_free(&r);
    fx_close(&f);
}
END_TEST

/* The commands that only read: exit 2, "cannot write output", nothing written. */
START_TEST(reader_into_closed_pipe_fails)
{
    static const char *const cmds[][6] = {
        {"diff", "-o", "3", "am", NULL},
        {"plan", "-o", "3", "am", NULL},
        {"check", "--json", "am", NULL},
    };
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "am");
    snapshot before, after;
    snapshot_take(&before, f.scratch);
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        char *err;
        int st = run_into_closed_pipe(f.scratch, cmds[i], &err);
        ck_assert_msg(exited(st, cmds[i][0], err) == PS_EXIT_ERROR, "%s: exit %d: %s", cmds[i][0],
                      WEXITSTATUS(st), err);
        ck_assert_msg(strstr(err, PIPE_MSG("error")) != NULL, "%s: %s", cmds[i][0], err);
        free(err);
    }
    snapshot_take(&after, f.scratch);
    assert_same(&before, &after, "readers into a closed pipe");
    snapshot_free(&before);
    snapshot_free(&after);
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
    tcase_add_test(tc, apply_into_closed_pipe_still_applies);
    tcase_add_test(tc, reader_into_closed_pipe_fails);
    suite_add_tcase(s, tc);
    int failed = run_suite(s);
    fx_suite_done();
    return failed ? 1 : 0;
}
