/*
 * A home as hostile input (portshift runs as root on folders other users
 * own): a FIFO, a device or a symlink where a server's pid file, a start
 * script or a config file belongs. Each is refused with one
 * "portshift: path: error: not a regular file" line and exit 2, at once
 * (never opened, so never waited on), and leaves every byte as it was; each
 * has a control. (A home inside another's config folders: check_homes.c; a
 * current offset past 65535 and loosely written numbers:
 * check_input_errors.c.)
 *
 * A FIFO cannot be snapshotted (reading it would block the test): a case
 * takes its snapshots with the FIFO absent, makes it, runs, removes it.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../support/fixture.h"
#include "../support/runner.h"
#include "detect/running.h"

/* Every command that loads a home, and the two that read its pid file. */
static const char *const LOADERS[] = {"apply --offset 3 home",
                                      "diff --offset 3 home",
                                      "plan home",
                                      "ports home",
                                      "check home",
                                      "check --listening home",
                                      NULL};

/* Runs each of cmds with a FIFO at scratch/`fifo`: refused at `path`, "not a
 * regular file", the scratch folder as it was, and at once (within a second:
 * not a speed claim, a run that waited on the FIFO would never return; the
 * case's timeout ends one that does). */
static void refused_with_fifo(const fx *f, const char *const *cmds, const char *fifo,
                              const char *path)
{
    char at[4096];
    snprintf(at, sizeof at, "%s", in(f, "%s", fifo));
    for (size_t i = 0; cmds[i]; i++) {
        snapshot before, after;
        snapshot_take(&before, f->scratch);
        ck_assert_msg(mkfifo(at, 0644) == 0, "mkfifo %s: %s", at, strerror(errno));
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        cli_result r = cli(f, "%s", cmds[i]);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        ck_assert_int_eq(unlink(at), 0);
        double took = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        ck_assert_msg(took < 1.0, "%s: returned after %.2f s", cmds[i], took);
        expect_error(&r, cmds[i], path, 0, 0, "not a regular file", 0);
        cli_result_free(&r);
        snapshot_take(&after, f->scratch);
        assert_same(&before, &after, cmds[i]);
        snapshot_free(&before);
        snapshot_free(&after);
    }
}

/* ---- 1. the server's pid file ---- */

/*
 * `mkfifo home/wso2carbon.pid; portshift apply -o 3 home` waited for a
 * writer forever, holding the home's lock; so did check --listening. A pid
 * file that is not a regular file is refused by every command at once.
 */
START_TEST(fifo_pid_file_refused)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "home");
    refused_with_fifo(&f, LOADERS, "home/wso2carbon.pid", "home/wso2carbon.pid");
    applies_home(&f, "home", 3); /* control: the same home without it */
    fx_close(&f);
}
END_TEST

/* An EI profile's folder has a pid file of its own (check --listening reads it). */
START_TEST(fifo_pid_file_of_a_profile_refused)
{
    fx f;
    fx_open(&f);
    ck_assert_int_eq(tree_copy(PS_SOURCE_DIR "/tests/fixtures/cli/ei-mini", in(&f, "home")), 0);
    static const char *const cmds[] = {"check --listening home", "apply --offset 3 home", NULL};
    refused_with_fifo(&f, cmds, "home/wso2/broker/wso2carbon.pid",
                      "home/wso2/broker/wso2carbon.pid");
    cli_result r = cli(&f, "check --listening home");
    ck_assert_msg(r.status != 2, "control: exit %d: %s", r.status, r.err);
    cli_result_free(&r);
    fx_close(&f);
}
END_TEST

/* A symlink (to a device, or to a pid file elsewhere) is not followed out of the home. */
START_TEST(symlinked_pid_file_refused)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "home");
    char pid[32];
    snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    put(in(&f, "elsewhere.pid"), pid);
    static const char *const targets[] = {"/dev/null", "../elsewhere.pid"};
    for (size_t i = 0; i < 2; i++) {
        ck_assert_int_eq(symlink(targets[i], in(&f, "home/wso2carbon.pid")), 0);
        refused(&f, APPLY_DIFF_PLAN, "--offset 3 home", "home/wso2carbon.pid", 0, 0,
                "not a regular file");
        ck_assert_int_eq(unlink(in(&f, "home/wso2carbon.pid")), 0);
    }
    /* control: the same pid in a regular file is a running server */
    put(in(&f, "home/wso2carbon.pid"), pid);
    refused(&f, APPLY, "--offset 3 home", "home", 0, 0, "running");
    fx_close(&f);
}
END_TEST

/* The library's own answer, which recovery asks before any home is read:
 * "not running", at once, for a FIFO; a pid in a regular file is. */
START_TEST(running_answers_at_once_for_a_fifo)
{
    fx f;
    fx_open(&f);
    ck_assert_int_eq(mkdir(in(&f, "home"), 0755), 0);
    ck_assert_int_eq(mkfifo(in(&f, "home/wso2carbon.pid"), 0644), 0);
    long pid = -1;
    ck_assert_int_eq(ps_home_running(in(&f, "home"), &pid), 0);
    ck_assert_int_eq(unlink(in(&f, "home/wso2carbon.pid")), 0);
    char text[32];
    snprintf(text, sizeof text, "%ld\n", (long)getpid());
    put(in(&f, "home/wso2carbon.pid"), text);
    ck_assert_int_eq(ps_home_running(in(&f, "home"), &pid), 1);
    ck_assert_int_eq(pid, (long)getpid());
    fx_close(&f);
}
END_TEST

/* ---- 2. start scripts in bin/ ---- */

/* A FIFO or a device named like a start script was skipped in silence (so a
 * -DportOffset it might hold went unread); now it is refused. */
START_TEST(start_script_not_regular_refused)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "home");
    ck_assert_int_eq(mkdir(in(&f, "home/bin"), 0755), 0);
    refused_with_fifo(&f, LOADERS, "home/bin/wso2server.sh", "home/bin/wso2server.sh");
    ck_assert_int_eq(symlink("/dev/null", in(&f, "home/bin/wso2server.bat")), 0);
    refused(&f, APPLY_DIFF_PLAN, "--offset 3 home", "home/bin/wso2server.bat", 0, 0,
            "not a regular file");
    ck_assert_int_eq(unlink(in(&f, "home/bin/wso2server.bat")), 0);
    /* controls: a folder named like a script is no script, a dangling link
     * is none either, and a real script is read */
    ck_assert_int_eq(mkdir(in(&f, "home/bin/old.sh"), 0755), 0);
    ck_assert_int_eq(symlink("gone.sh", in(&f, "home/bin/gone.sh")), 0);
    put(in(&f, "home/bin/wso2server.sh"), "exec java -DportOffset=2 Bootstrap\n");
    cli_result r = cli(&f, "diff --offset 3 home");
    ck_assert_msg(r.status == 1, "control: exit %d: %s", r.status, r.err);
    ck_assert_ptr_nonnull(
        strstr(r.err, "portshift: home/bin/wso2server.sh:1:24: warning: a product update that "
                      "replaces bin/ reverts this edit of -DportOffset"));
    cli_result_free(&r);
    fx_close(&f);
}
END_TEST

/* ---- 3. config files: a FIFO is never even opened ---- */

static int writer_blocked(pid_t child)
{
    int status;
    return waitpid(child, &status, WNOHANG) == 0;
}

/*
 * open(2) of a FIFO, even with O_NONBLOCK, is seen by its other end: a
 * writer waiting in open(O_WRONLY) goes on once a reader opens it. A child
 * waits so; portshift must refuse the FIFO without opening it, so the child
 * still waits afterwards (then the test opens it to let the child go).
 */
START_TEST(fifo_config_file_never_opened)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "home");
    char fifo[4096];
    snprintf(fifo, sizeof fifo, "%s", in(&f, "home/repository/conf/pipe.xml"));
    ck_assert_int_eq(mkfifo(fifo, 0644), 0);
    pid_t child = fork();
    ck_assert_int_ne(child, -1);
    if (child == 0) {
        int fd = open(fifo, O_WRONLY); /* waits for a reader */
        _exit(fd < 0 ? 1 : 0);
    }
    usleep(100 * 1000);
    ck_assert_msg(writer_blocked(child), "the writer did not wait for a reader");
    for (size_t i = 0; APPLY_DIFF_PLAN[i]; i++) {
        cli_result r = cli(&f, "%s --offset 3 home", APPLY_DIFF_PLAN[i]);
        expect_error(&r, APPLY_DIFF_PLAN[i], "home/repository/conf/pipe.xml", 0, 0,
                     "not a regular file", 0);
        cli_result_free(&r);
    }
    usleep(100 * 1000);
    int blocked = writer_blocked(child); /* reaps the child when it went on */
    if (blocked) {
        int fd = open(fifo, O_RDONLY | O_NONBLOCK); /* lets the child go */
        int status;
        ck_assert_int_eq(waitpid(child, &status, 0), child);
        if (fd >= 0)
            close(fd);
    }
    ck_assert_msg(blocked, "portshift opened the FIFO (its writer went on)");
    ck_assert_int_eq(unlink(fifo), 0);
    applies_home(&f, "home", 3);
    fx_close(&f);
}
END_TEST

int main(void)
{
    if (fx_suite_root("hostile") < 0)
        return 1;
    Suite *s = suite_create("hostile");
    /* Inputs that made portshift hang: a short timeout is the check. */
    TCase *hang = tcase_create("no hang");
    tcase_set_timeout(hang, 20);
    tcase_add_test(hang, fifo_pid_file_refused);
    tcase_add_test(hang, fifo_pid_file_of_a_profile_refused);
    tcase_add_test(hang, running_answers_at_once_for_a_fifo);
    tcase_add_test(hang, start_script_not_regular_refused);
    tcase_add_test(hang, fifo_config_file_never_opened);
    suite_add_tcase(s, hang);
    TCase *tc = tcase_create("refused");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, symlinked_pid_file_refused);
    suite_add_tcase(s, tc);
    int status = run_suite_status(s);
    fx_suite_done();
    return status;
}
