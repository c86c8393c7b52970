/*
 * Readers beside a live apply (DESIGN §2.5): a diff looping while applies
 * alternate offsets sees the homes before or after, never half; a reader
 * waits for an apply and an apply for a reader, through the home locks.
 */
#include <check.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../support/fixture.h"
#include "../support/runner.h"
#include "../support/twohomes.h"
#include "write/lock.h"

static int pipe_closed(int fd)
{
    struct pollfd p = {fd, POLLIN, 0};
    return poll(&p, 1, 0) > 0;
}

/*
 * A diff loops while another process applies offsets 3 and 0 in turn: every
 * diff shows the change from one of the two states, never a third (without
 * the shared lock, about one diff in ten did). The diff names the homes in
 * the other order than the applies: the lock order alone keeps them from
 * waiting for each other in a circle.
 */
enum { DIFFS = 100 };
START_TEST(readers_see_before_or_after)
{
    fx f;
    fx_open(&f);
    two_homes(&f, "h");
    const char *diff = "diff h/b=5 h/ei=5";
    cli_result r0 = cli(&f, "%s", diff);
    ck_assert_int_eq(r0.status, 1);
    succeeds(&f, "apply h/ei=3 h/b=3");
    cli_result r3 = cli(&f, "%s", diff);
    ck_assert_int_eq(r3.status, 1);
    succeeds(&f, "apply h/ei=0 h/b=0");
    ck_assert_str_ne(r0.out, r3.out);

    int stop[2];
    ck_assert_int_eq(pipe(stop), 0);
    fflush(stdout);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        close(stop[1]);
        /* Until the reader is done (its end of the pipe closes), bounded. */
        for (int i = 0; i < 5000 && !pipe_closed(stop[0]); i++) {
            cli_result r = cli(&f, i % 2 ? "apply h/ei=0 h/b=0" : "apply h/ei=3 h/b=3");
            if (r.status != 0) {
                fprintf(stderr, "apply %d: %s", i, r.err);
                _exit(1);
            }
            cli_result_free(&r);
        }
        _exit(0);
    }
    close(stop[0]);
    int seen0 = 0, seen3 = 0;
    for (int i = 0; i < DIFFS; i++) {
        cli_result r = cli(&f, "%s", diff);
        ck_assert_msg(r.status == 1, "diff %d: exit %d: %s", i, r.status, r.err);
        seen0 += strcmp(r.out, r0.out) == 0;
        seen3 += strcmp(r.out, r3.out) == 0;
        ck_assert_msg(strcmp(r.out, r0.out) == 0 || strcmp(r.out, r3.out) == 0,
                      "diff %d saw a third state:\n%s", i, r.out);
        cli_result_free(&r);
    }
    close(stop[1]);
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the applying process failed");
    printf("recovery: %d diffs during applies: %d before, %d after\n", DIFFS, seen0, seen3);
    cli_result_free(&r0);
    cli_result_free(&r3);
    fx_close(&f);
}
END_TEST

/* Replaces `from` in file `path` with `to`, of the same length, in place. */
static void edit(const char *path, const char *from, const char *to)
{
    char buf[4096];
    FILE *fp = fopen(path, "r+b");
    ck_assert_msg(fp != NULL, "%s: %s", path, strerror(errno));
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    buf[n] = '\0';
    char *at = strstr(buf, from);
    ck_assert_msg(at && strlen(from) == strlen(to), "%s: no '%s'", path, from);
    ck_assert_int_eq(fseek(fp, at - buf, SEEK_SET), 0);
    ck_assert_int_eq(fwrite(to, 1, strlen(to), fp), strlen(to));
    ck_assert_int_eq(fclose(fp), 0);
}

/*
 * A child takes `mode` on scratch/home and returns once it holds it; then,
 * with `moves`, it moves the home to offset 1 the way an apply does (one file,
 * then the other) 300 ms apart, and lets go.
 */
static pid_t hold_lock(const fx *f, ps_lock_mode mode, int moves)
{
    int ready[2];
    ck_assert_int_eq(pipe(ready), 0);
    fflush(stdout);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        int fd;
        ps_error err;
        if (ps_home_lock(in(f, "home"), mode, 0, &fd, &err) < 0)
            _exit(1);
        if (write(ready[1], "x", 1) != 1)
            _exit(1);
        if (moves)
            edit(in(f, "home/" CARBON), "<Offset>0<", "<Offset>1<");
        struct timespec t = {0, 300 * 1000000L};
        nanosleep(&t, NULL);
        if (moves)
            edit(in(f, "home/" CATALINA), "redirectPort=\"9443\"", "redirectPort=\"9444\"");
        _exit(0);
    }
    char c;
    ck_assert_int_eq(read(ready[0], &c, 1), 1);
    close(ready[0]);
    close(ready[1]);
    return pid;
}

static void reap(pid_t pid)
{
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* The lock is held, and the home half moved, when the diff starts: it waits
 * and shows the change from where the apply ends, as a diff run afterwards. */
START_TEST(reader_waits_for_an_apply)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "home");
    pid_t pid = hold_lock(&f, PS_LOCK_EXCLUSIVE, 1);
    cli_result during = cli(&f, "diff --offset 3 home");
    reap(pid);
    cli_result after = cli(&f, "diff --offset 3 home");
    ck_assert_msg(during.status == 1, "diff: exit %d: %s", during.status, during.err);
    ck_assert_int_eq(after.status, 1);
    ck_assert_str_eq(during.out, after.out);
    ck_assert(strstr(after.out, "-        <Offset>1</Offset>\n+        <Offset>3</Offset>\n"));
    cli_result_free(&during);
    cli_result_free(&after);
    fx_close(&f);
}
END_TEST

/* A reader holds the lock when the apply starts: the apply waits, then applies. */
START_TEST(apply_waits_for_a_reader)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "home");
    pid_t pid = hold_lock(&f, PS_LOCK_SHARED, 0);
    applies_home(&f, "home", 3);
    reap(pid);
    fx_close(&f);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("readers");
    TCase *readers = tcase_create("readers");
    tcase_set_timeout(readers, 120);
    tcase_add_test(readers, readers_see_before_or_after);
    tcase_add_test(readers, reader_waits_for_an_apply);
    tcase_add_test(readers, apply_waits_for_a_reader);
    suite_add_tcase(s, readers);
    return fx_run_suite("readers", s);
}
