/*
 * Owner, group and the attributes only root can set (trusted.*, security.*)
 * on a replaced file (DESIGN §2.5); and the refusal, as an unprivileged user
 * who owns the folder but not the file, to replace it with a file of their
 * own. Setting any of this up takes root (a file owned by someone else), so
 * as another user the suite reports itself skipped; as root the refusals run
 * as nobody (65534) in a forked child.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../support/fixture.h"
#include "../support/runner.h"
#include "../support/unpriv.h"
#include "../support/xattrs.h"
#include "write/apply.h"

static ps_write replace(const char *path, const char *new_, const char *old)
{
    return (ps_write){path, new_, strlen(new_), old, strlen(old), NULL, NULL, 0};
}

static struct stat stat_of(const char *path)
{
    struct stat st;
    ck_assert_int_eq(lstat(path, &st), 0);
    return st;
}

/* Another user's file, set-id bits, and attributes of every namespace root can write. */
START_TEST(root_keeps_owner_mode_and_xattrs)
{
    fx f;
    fx_open(&f);
    const char *conf = in(&f, "carbon.xml"), *bak = in(&f, "carbon.xml.bak");
    put(conf, "old");
    ck_assert_int_eq(chown(conf, 4321, 8765), 0);
    if (!set_xattr_or_skip(conf, "system.posix_acl_access", ACL_RW_NOBODY, sizeof ACL_RW_NOBODY,
                           "root_keeps_owner_mode_and_xattrs") ||
        !set_xattr_or_skip(conf, "trusted.portshift", "t", 1, "root_keeps_owner_mode_and_xattrs") ||
        !set_xattr_or_skip(conf, "user.portshift", "u", 1, "root_keeps_owner_mode_and_xattrs")) {
        fx_close(&f);
        return;
    }
    /* After the chown, which clears them; the chmod also sets the ACL's mask to r-x. */
    ck_assert_int_eq(chmod(conf, 06750), 0);
    char *before = xattrs_of(conf);

    ps_write w[] = {replace(conf, "new", "old")};
    ps_error err = {0};
    ck_assert_msg(ps_apply_files(w, 1, PS_APPLY_BACKUP, &err) == 0, "%s", err.message);
    const char *files[] = {conf, bak};
    for (size_t i = 0; i < 2; i++) {
        struct stat st = stat_of(files[i]);
        ck_assert_int_eq(st.st_uid, 4321);
        ck_assert_int_eq(st.st_gid, 8765);
        ck_assert_int_eq(st.st_mode & 07777, 06750);
        char *now = xattrs_of(files[i]);
        ck_assert_str_eq(now, before);
        free(now);
    }
    free(before);
    fx_close(&f);
}
END_TEST

/*
 * The SELinux label. Without SELinux, Linux stores security.* attributes
 * like any other, and only CAP_SYS_ADMIN may write them: root can set one
 * here, so the copy is tested for real; a kernel that refuses (an SELinux
 * policy that knows no such context) makes the case skip, saying so.
 */
START_TEST(selinux_label_kept)
{
    static const char label[] =
        "system_u:object_r:etc_t:s0"; /* with its NUL, as SELinux gives it */
    fx f;
    fx_open(&f);
    const char *conf = in(&f, "carbon.xml");
    put(conf, "old");
    if (!set_xattr_or_skip(conf, "security.selinux", label, sizeof label, "selinux_label_kept")) {
        fx_close(&f);
        return;
    }
    char *before = xattrs_of(conf);
    ck_assert_msg(strstr(before, "security.selinux=") != NULL, "%s", before);
    ps_write w[] = {replace(conf, "new", "old")};
    ps_error err = {0};
    ck_assert_msg(ps_apply_files(w, 1, 0, &err) == 0, "%s", err.message);
    char *after = xattrs_of(conf);
    ck_assert_str_eq(after, before);
    free(before);
    free(after);
    fx_close(&f);
}
END_TEST

/*
 * nobody owns the folder and a.xml; b.xml belongs to uid (or group) `id` 0.
 * Applying both as nobody is refused at b.xml, saying what it cannot keep,
 * before anything is written: both files, their owners and the folder (no
 * temp, no backup) exactly as they were.
 */
static void foreign_refused(int group, const char *message)
{
    fx f;
    fx_open(&f);
    const char *a = in(&f, "a.xml"), *b = in(&f, "b.xml");
    put(a, "a0");
    put(b, "b0");
    unprivileged_dir(f.scratch, group ? "foreign_group_refused" : "foreign_owner_refused");
    ck_assert_int_eq(chown(b, group ? (uid_t)-1 : 0, group ? 0 : (gid_t)-1), 0);
    struct stat was = stat_of(b);
    snapshot before, after;
    snapshot_take(&before, f.scratch);

    ps_write w[] = {replace(a, "a1", "a0"), replace(b, "b1", "b0")};
    ps_error err = {0};
    ck_assert_int_eq(apply_unprivileged(w, 2, PS_APPLY_BACKUP, &err), -1);
    ck_assert_str_eq(err.path, b);
    ck_assert_str_eq(err.message, message);

    snapshot_take(&after, f.scratch);
    assert_same(&before, &after, message);
    snapshot_free(&before);
    snapshot_free(&after);
    struct stat is = stat_of(b);
    ck_assert_int_eq(is.st_uid, was.st_uid);
    ck_assert_int_eq(is.st_gid, was.st_gid);
    ck_assert_int_eq(stat_of(a).st_uid, PS_NOBODY);
    fx_close(&f);
}

START_TEST(foreign_owner_refused)
{
    foreign_refused(0, "cannot keep the owner root (uid 0): Operation not permitted");
}
END_TEST

START_TEST(foreign_group_refused)
{
    foreign_refused(1, "cannot keep the group root (gid 0): Operation not permitted");
}
END_TEST

/*
 * The case of the issue, through the CLI: the home belongs to the user
 * running portshift, catalina-server.xml (staged after carbon.xml) to root.
 * Refused with one line naming the file, nothing written; once the file is
 * the user's, the same apply goes through.
 */
START_TEST(foreign_owner_refused_by_apply)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "home");
    fx_unprivileged(&f, "foreign_owner_refused_by_apply");
    ck_assert_int_eq(chown(in(&f, "home/" CATALINA), 0, 0), 0);
    refused(&f, APPLY, "--offset 3 home", "home/" CATALINA, 0, 0,
            "cannot keep the owner root (uid 0)");
    refused(&f, APPLY, "--backup --offset 3 home", "home/" CATALINA, 0, 0,
            "cannot keep the owner root (uid 0)");
    ck_assert_int_eq(stat_of(in(&f, "home/" CATALINA)).st_uid, 0);
    ck_assert_int_eq(chown(in(&f, "home/" CATALINA), PS_NOBODY, PS_NOBODY), 0);
    applies_home(&f, "home", 3);
    ck_assert_int_eq(stat_of(in(&f, "home/" CATALINA)).st_uid, PS_NOBODY);
    fx_close(&f);
}
END_TEST

int main(void)
{
    if (geteuid() != 0) {
        printf("apply_owner: skipped: only root can make a file that belongs to another user\n");
        return PS_SKIPPED;
    }
    if (fx_suite_root("apply-owner") < 0)
        return EXIT_FAILURE;
    Suite *s = suite_create("apply_owner");
    TCase *tc = tcase_create("owner");
    tcase_add_test(tc, root_keeps_owner_mode_and_xattrs);
    tcase_add_test(tc, selinux_label_kept);
    tcase_add_test(tc, foreign_owner_refused);
    tcase_add_test(tc, foreign_group_refused);
    tcase_add_test(tc, foreign_owner_refused_by_apply);
    suite_add_tcase(s, tc);
    int status = run_suite_status(s);
    fx_suite_done();
    return status;
}
