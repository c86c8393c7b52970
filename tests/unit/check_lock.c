/*
 * Home locks (write/lock.c): readers share, an apply excludes; who waits
 * for whom; several homes locked once each, in one order. Each test gets a
 * fresh scratch folder. flock locks belong to the open file description, so
 * two locks taken in this one process conflict as two processes would.
 */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../support/fixture.h"
#include "../support/runner.h"
#include "write/lock.h"

/* Waiting no time at all: these cases ask who is refused, not how long they wait. */
static int lock(ps_lock_mode mode, int *fd, ps_error *err)
{
    return ps_home_lock(fx_current.scratch, mode, 0, fd, err);
}

START_TEST(exclusive_excludes)
{
    int fd1 = -1, fd2 = -1;
    ps_error err = {0};
    ck_assert_int_eq(lock(PS_LOCK_EXCLUSIVE, &fd1, &err), 0);
    ck_assert_int_ge(fd1, 0);
    ck_assert_int_eq(lock(PS_LOCK_EXCLUSIVE, &fd2, &err), -1);
    ck_assert_int_eq(fd2, -1);
    ck_assert_str_eq(err.path, fx_current.scratch);
    ck_assert_str_eq(err.message, "another portshift is applying to this home");
    ck_assert_int_eq(lock(PS_LOCK_SHARED, &fd2, &err), -1);
    ck_assert_str_eq(err.message, "another portshift is applying to this home");
    ps_home_unlock(fd1);
    ck_assert_int_eq(lock(PS_LOCK_EXCLUSIVE, &fd2, &err), 0);
    ps_home_unlock(fd2);
    ps_home_unlock(-1);
    snapshot files;
    snapshot_take(&files, fx_current.scratch);
    ck_assert_int_eq(files.count, 0); /* nothing created in the home */
    snapshot_free(&files);
}
END_TEST

START_TEST(readers_share)
{
    int r1, r2, w;
    ps_error err = {0};
    ck_assert_int_eq(lock(PS_LOCK_SHARED, &r1, &err), 0);
    ck_assert_int_eq(lock(PS_LOCK_SHARED, &r2, &err), 0);
    ck_assert_int_eq(lock(PS_LOCK_EXCLUSIVE, &w, &err), -1);
    ck_assert_str_eq(err.message, "another portshift is reading this home");
    ps_home_unlock(r1);
    ck_assert_int_eq(lock(PS_LOCK_EXCLUSIVE, &w, &err), -1);
    ps_home_unlock(r2);
    ck_assert_int_eq(lock(PS_LOCK_EXCLUSIVE, &w, &err), 0);
    ps_home_unlock(w);
}
END_TEST

/* An apply never waits for an apply: refused at once even with an hour to
 * wait (the test case's timeout would end a wait). */
START_TEST(apply_meets_apply_at_once)
{
    int w1, w2;
    ps_error err = {0};
    ck_assert_int_eq(lock(PS_LOCK_EXCLUSIVE, &w1, &err), 0);
    ck_assert_int_eq(ps_home_lock(fx_current.scratch, PS_LOCK_EXCLUSIVE, 3600000, &w2, &err), -1);
    ck_assert_str_eq(err.message, "another portshift is applying to this home");
    ps_home_unlock(w1);
}
END_TEST

START_TEST(missing_home)
{
    int fd = 0;
    ps_error err = {0};
    ck_assert_int_eq(ps_home_lock(fx_at("nope"), PS_LOCK_EXCLUSIVE, 0, &fd, &err), -1);
    ck_assert_int_eq(fd, -1);
    ck_assert_str_eq(err.path, fx_at("nope"));
    ck_assert_str_eq(err.message, "cannot open home: No such file or directory");

    ps_locks locks = {0};
    const char *homes[] = {fx_current.scratch, fx_at("nope")};
    ck_assert_int_eq(ps_locks_take(&locks, homes, 2, PS_LOCK_SHARED, 0, &err), -1);
    ck_assert_str_eq(err.path, fx_at("nope"));
    ck_assert_int_eq(locks.n, 0); /* nothing held */
    ck_assert_int_eq(lock(PS_LOCK_EXCLUSIVE, &fd, &err), 0);
    ps_home_unlock(fd);
}
END_TEST

/* One folder named three ways is locked once (a second lock would conflict
 * with the first); the set comes out in (device, inode) order. */
START_TEST(set_locks_each_folder_once_in_order)
{
    ck_assert_int_eq(mkdir(fx_at("a"), 0755), 0);
    ck_assert_int_eq(mkdir(fx_at("b"), 0755), 0);
    ck_assert_int_eq(symlink(fx_at("a"), fx_at("link")), 0);
    char dotted[PATH_MAX];
    snprintf(dotted, sizeof dotted, "%s/./a/", fx_current.scratch);
    const char *homes[] = {fx_at("b"), fx_at("a"), fx_at("link"), dotted};
    ps_locks locks = {0};
    ps_error err = {0};
    ck_assert_msg(ps_locks_take(&locks, homes, 4, PS_LOCK_EXCLUSIVE, 0, &err) == 0, "%s",
                  err.message);
    ck_assert_int_eq(locks.n, 2);
    ck_assert(
        locks.items[0].dev < locks.items[1].dev ||
        (locks.items[0].dev == locks.items[1].dev && locks.items[0].ino < locks.items[1].ino));
    ck_assert_int_ge(ps_locks_find(&locks, fx_at("link")), 0);
    ck_assert_int_eq(ps_locks_find(&locks, fx_current.scratch), -1);
    int fd;
    ck_assert_int_eq(ps_home_lock(fx_at("a"), PS_LOCK_SHARED, 0, &fd, &err), -1);

    /* Adding what is held changes nothing; adding a new folder relocks the lot. */
    const char *more[] = {fx_at("link")};
    ck_assert_int_eq(ps_locks_add(&locks, more, 1, &err), 0);
    const char *other[] = {fx_current.scratch};
    ck_assert_int_eq(ps_locks_add(&locks, other, 1, &err), 1);
    ck_assert_int_eq(locks.n, 3);
    for (size_t i = 0; i < 3; i++)
        ck_assert_int_eq(ps_home_lock(locks.items[i].home, PS_LOCK_SHARED, 0, &fd, &err), -1);
    ps_locks_release(&locks);
    ck_assert_int_eq(locks.n, 0);
    ck_assert_int_eq(ps_home_lock(fx_at("a"), PS_LOCK_EXCLUSIVE, 0, &fd, &err), 0);
    ps_home_unlock(fd);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("lock");
    TCase *tc = tcase_create("lock");
    tcase_add_checked_fixture(tc, fx_setup, fx_teardown);
    tcase_add_test(tc, exclusive_excludes);
    tcase_add_test(tc, readers_share);
    tcase_add_test(tc, apply_meets_apply_at_once);
    tcase_add_test(tc, missing_home);
    tcase_add_test(tc, set_locks_each_folder_once_in_order);
    suite_add_tcase(s, tc);
    return fx_run_suite("lock", s);
}
