/*
 * Refusals and failures at write time (DESIGN §2.5): a running server, a lock
 * held by another apply, read-only folders, a rename that fails while the
 * files are committed, several homes in one call. Each exits 2 with one
 * diagnostic line and leaves every home exactly as it was (all or nothing).
 * Commit-time failures are simulated for everyone by interposing rename(2)
 * (tests/support/fixture.c); read-only folders cannot stop root, so as root
 * those cases run the CLI as nobody (fx_unprivileged).
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
#include <unistd.h>

#include "../support/fixture.h"
#include "../support/runner.h"
#include "write/apply.h"
#include "write/lock.h"

/* ---- 9. a running server ---- */

START_TEST(running_server_refused)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "home");
    char pid[32];
    snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    put(in(&f, "home/wso2carbon.pid"), pid);
    refused(&f, APPLY, "--offset 3 home", "home", 0, 0, "running");
    refused(&f, APPLY, "home=3", "home", 0, 0, "running");
    /* diff writes nothing: a running server does not stop it */
    diff_pending(&f, "--offset 3 home", "a running server");
    cli_result r;
    /* Nothing to change: nothing to refuse either. */
    snapshot before, after;
    snapshot_take(&before, f.scratch);
    r = cli(&f, "apply --offset 0 home");
    ck_assert_msg(r.status == 0 && r.err[0] == '\0', "apply at the current offset: exit %d: %s",
                  r.status, r.err);
    cli_result_free(&r);
    snapshot_take(&after, f.scratch);
    assert_same(&before, &after, "apply at the current offset, server running");
    snapshot_free(&before);
    snapshot_free(&after);
    /* --force: applies, and the pid file is left alone */
    applies(&f, "--force --offset 3 home", (const char *const[]){"home", NULL}, 3);
    fx_close(&f);
}
END_TEST

/*
 * A pid file naming no live process does not stop apply. The pid is
 * /proc/sys/kernel/pid_max (pids stay below it), else a reaped child's.
 */
START_TEST(stale_pid_file_applies)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "home");
    long dead = 0;
    FILE *fp = fopen("/proc/sys/kernel/pid_max", "r");
    if (fp) {
        if (fscanf(fp, "%ld", &dead) != 1)
            dead = 0;
        fclose(fp);
    }
    if (dead <= 0) {
        pid_t child = fork();
        ck_assert_int_ge(child, 0);
        if (child == 0)
            _exit(0);
        ck_assert_int_eq(waitpid(child, NULL, 0), child);
        dead = (long)child;
    }
    char pid[32];
    snprintf(pid, sizeof pid, "%ld\n", dead);
    put(in(&f, "home/wso2carbon.pid"), pid);
    applies_home(&f, "home", 3);
    fx_close(&f);
}
END_TEST

/* ---- 10. another apply holds the lock ---- */

START_TEST(locked_home_refused)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "home");
    int lock;
    ps_error err;
    ck_assert_msg(ps_home_lock(in(&f, "home"), PS_LOCK_EXCLUSIVE, 0, &lock, &err) == 0, "lock: %s",
                  err.message);
    refused(&f, APPLY, "--offset 3 home", "home", 0, 0, "another portshift");
    /* A reader waits for the apply to end rather than report half of it; one
     * that never ends makes it give up (after PS_LOCK_WAIT_MS). */
    refused(&f, (const char *const[]){"diff", NULL}, "--offset 3 home", "home", 0, 0,
            "another portshift is applying");
    ps_home_unlock(lock);
    applies_home(&f, "home", 3);
    fx_close(&f);
}
END_TEST

/* ---- 11. read-only folders, unwritable targets ---- */

/*
 * The tomcat folder is read-only: carbon.xml (sorted first) can be staged,
 * catalina-server.xml cannot. Nothing may change, and no temp file may be
 * left behind (the snapshot lists dot files too).
 */
START_TEST(readonly_dir_refused)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "home");
    fx_unprivileged(&f, "readonly_dir_refused");
    const char *tomcat = in(&f, "home/repository/conf/tomcat");
    ck_assert_int_eq(chmod(tomcat, 0555), 0);
    refused(&f, APPLY, "--offset 3 home", "home/" CATALINA, 0, 0, NULL);
    diff_pending(&f, "--offset 3 home", "a read-only folder");
    ck_assert_int_eq(chmod(tomcat, 0755), 0);
    applies_home(&f, "home", 3);
    fx_close(&f);
}
END_TEST

/* catalina-server.xml is a symlink into a read-only folder outside the home. */
START_TEST(readonly_symlink_target_refused)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "home");
    ck_assert_int_eq(mkdir(in(&f, "ro"), 0755), 0);
    ck_assert_int_eq(rename(in(&f, "home/" CATALINA), in(&f, "ro/catalina-server.xml")), 0);
    ck_assert_int_eq(symlink(in(&f, "ro/catalina-server.xml"), in(&f, "home/" CATALINA)), 0);
    fx_unprivileged(&f, "readonly_symlink_target_refused");
    ck_assert_int_eq(chmod(in(&f, "ro"), 0555), 0);
    refused(&f, APPLY, "--offset 3 home", "home/" CATALINA, 0, 0, NULL);
    ck_assert_int_eq(chmod(in(&f, "ro"), 0755), 0);
    cli_result r = cli(&f, "apply --offset 3 home");
    ck_assert_msg(r.status == 0, "control: exit %d: %s", r.status, r.err);
    cli_result_free(&r);
    struct stat st;
    ck_assert_int_eq(lstat(in(&f, "home/" CATALINA), &st), 0);
    ck_assert_msg(S_ISLNK(st.st_mode), "the symlink was replaced by a file");
    fx_close(&f);
}
END_TEST

/* A read-only (0444) config file in a writable folder: replaced, mode kept. */
START_TEST(readonly_file_applies_keeping_mode)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "home");
    const char *cat = in(&f, "home/" CATALINA);
    char path[4096];
    snprintf(path, sizeof path, "%s", cat);
    ck_assert_int_eq(chmod(path, 0444), 0);
    applies_home(&f, "home", 3);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 07777, 0444);
    fx_close(&f);
}
END_TEST

/*
 * The target becomes unwritable between staging and commit: the third
 * rename (the home's record, carbon.xml, then catalina-server.xml) fails
 * after carbon.xml was renamed into place. carbon.xml must be put back, and
 * the record removed.
 */
START_TEST(commit_failure_rolls_back)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "home");
    snapshot before, after;
    snapshot_take(&before, f.scratch);
    fail_rename(3);
    cli_result r = cli(&f, "apply --offset 3 home");
    fail_rename(0);
    expect_error(&r, "apply (3rd rename fails)", "home/" CATALINA, 0, 0, NULL, 0);
    cli_result_free(&r);
    snapshot_take(&after, f.scratch);
    assert_same(&before, &after, "apply (3rd rename fails)");
    snapshot_free(&before);
    snapshot_free(&after);
    applies_home(&f, "home", 3);
    fx_close(&f);
}
END_TEST

/*
 * The same with --backup. DESIGN §4: a failed apply has written nothing. A
 * <file>.bak from an earlier apply is the user's only copy of the original:
 * a failed apply must neither replace it nor leave new .bak files behind.
 */
START_TEST(commit_failure_with_backup_writes_nothing)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "home");
    put(in(&f, "home/" CARBON ".bak"), "an earlier backup of carbon.xml\n");
    snapshot before, after;
    snapshot_take(&before, f.scratch);
    /* renames: the record, carbon.xml, then catalina-server.xml fails; backups come last */
    fail_rename(3);
    cli_result r = cli(&f, "apply --backup --offset 3 home");
    fail_rename(0);
    expect_error(&r, "apply --backup (3rd rename fails)", "home/" CATALINA, 0, 0, NULL, 0);
    cli_result_free(&r);
    snapshot_take(&after, f.scratch);
    assert_same(&before, &after, "apply --backup (3rd rename fails)");
    snapshot_free(&before);
    snapshot_free(&after);
    fx_close(&f);
}
END_TEST

/* ---- 12. several homes: all or nothing ---- */

START_TEST(two_homes_one_bad_refused)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "a");
    fx_add(&f, "notwf", "b");
    const char *bad = "b/repository/conf/etc/bad.xml";
    for (size_t i = 0; APPLY_DIFF[i]; i++) {
        static const char *const orders[] = {"%s a=3 b=3", "%s b=3 a=3", "%s --offset 3 a b"};
        for (size_t o = 0; o < 3; o++) {
            char what[256];
            snprintf(what, sizeof what, orders[o], APPLY_DIFF[i]);
            snapshot before, after;
            snapshot_take(&before, f.scratch);
            cli_result r = cli(&f, "%s", what);
            expect_error(&r, what, bad, 5, ANY_COL, "not well-formed", 0);
            cli_result_free(&r);
            snapshot_take(&after, f.scratch);
            assert_same(&before, &after, what);
            snapshot_free(&before);
            snapshot_free(&after);
        }
    }
    fx_close(&f);
}
END_TEST

START_TEST(two_homes_one_overflows_refused)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "a");
    fx_add(&f, "overflow", "b");
    refused(&f, APPLY_DIFF, "a=3 b=60000", "b/" CATALINA, 5, 26, "past 65535");
    fx_close(&f);
}
END_TEST

START_TEST(two_homes_one_not_a_home_refused)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "a");
    ck_assert_int_eq(mkdir(in(&f, "b"), 0755), 0);
    refused(&f, APPLY_DIFF, "a=3 b=3", "b", 0, 0, "not a Carbon home");
    fx_close(&f);
}
END_TEST

START_TEST(two_homes_one_running_refused)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "a");
    fx_add(&f, "good", "b");
    char pid[32];
    snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    put(in(&f, "b/wso2carbon.pid"), pid);
    refused(&f, APPLY, "a=3 b=3", "b", 0, 0, "running");
    fx_close(&f);
}
END_TEST

/* b's tomcat folder is read-only: a's files are staged first, then b fails. */
START_TEST(two_homes_one_readonly_refused)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "a");
    fx_add(&f, "good", "b");
    fx_unprivileged(&f, "two_homes_one_readonly_refused");
    ck_assert_int_eq(chmod(in(&f, "b/repository/conf/tomcat"), 0555), 0);
    refused(&f, APPLY, "a=3 b=3", "b/" CATALINA, 0, 0, NULL);
    fx_close(&f);
}
END_TEST

/* Rename order: the records of b and a, then a/carbon, a/catalina, b/carbon
 * (the 5th, which fails), b/catalina. */
START_TEST(two_homes_commit_failure_rolls_back)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "a");
    fx_add(&f, "good", "b");
    snapshot before, after;
    snapshot_take(&before, f.scratch);
    fail_rename(5);
    cli_result r = cli(&f, "apply a=3 b=3");
    fail_rename(0);
    expect_error(&r, "apply a=3 b=3 (5th rename fails)", "b/" CARBON, 0, 0, NULL, 0);
    cli_result_free(&r);
    snapshot_take(&after, f.scratch);
    assert_same(&before, &after, "apply a=3 b=3 (5th rename fails)");
    snapshot_free(&before);
    snapshot_free(&after);
    applies(&f, "a=3 b=3", (const char *const[]){"a", "b", NULL}, 3); /* control */
    fx_close(&f);
}
END_TEST

/*
 * One home named twice with two targets contradicts itself (a typo, most
 * likely: "a=3 ./a=5"): an input error for diff as for apply, not a silent
 * choice of one of the two, and not a lock conflict (no other portshift is
 * running).
 */
START_TEST(same_home_twice_refused)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "home");
    char what[256];
    snprintf(what, sizeof what, "%s home=3 home=5", APPLY_DIFF[_i]);
    snapshot before, after;
    snapshot_take(&before, f.scratch);
    cli_result r = cli(&f, "%s", what);
    expect_error(&r, what, "home", 0, 0, NULL, 0);
    ck_assert_msg(strstr(r.err, "another portshift") == NULL,
                  "%s: blames a concurrent portshift: %s", what, r.err);
    cli_result_free(&r);
    snapshot_take(&after, f.scratch);
    assert_same(&before, &after, what);
    snapshot_free(&before);
    snapshot_free(&after);
    fx_close(&f);
}
END_TEST

/* The same home twice with the same target is not a contradiction: one apply. */
START_TEST(same_home_twice_same_target_applies)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "home");
    applies(&f, "home=3 ./home=3", (const char *const[]){"home", NULL}, 3);
    fx_close(&f);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("write_errors");
    TCase *tc = tcase_create("errors");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, running_server_refused);
    tcase_add_test(tc, stale_pid_file_applies);
    tcase_add_test(tc, locked_home_refused);
    tcase_add_test(tc, readonly_dir_refused);
    tcase_add_test(tc, readonly_symlink_target_refused);
    tcase_add_test(tc, readonly_file_applies_keeping_mode);
    tcase_add_test(tc, commit_failure_rolls_back);
    tcase_add_test(tc, commit_failure_with_backup_writes_nothing);
    tcase_add_test(tc, two_homes_one_bad_refused);
    tcase_add_test(tc, two_homes_one_overflows_refused);
    tcase_add_test(tc, two_homes_one_not_a_home_refused);
    tcase_add_test(tc, two_homes_one_running_refused);
    tcase_add_test(tc, two_homes_one_readonly_refused);
    tcase_add_test(tc, two_homes_commit_failure_rolls_back);
    tcase_add_loop_test(tc, same_home_twice_refused, 0, 2); /* apply, diff */
    tcase_add_test(tc, same_home_twice_same_target_applies);
    suite_add_tcase(s, tc);
    return fx_run_suite("write-errors", s);
}
