/*
 * What a replaced file keeps of the original (DESIGN §2.5), for any user:
 * mode, user.* extended attributes and POSIX ACLs, on the new file and on its
 * backup; and --backup never replacing an earlier backup. Owner, group,
 * trusted.* and security.* need root to set up: check_apply_owner.c.
 *
 * The xattr calls of apply are interposed the way fixture.c interposes
 * rename(2): a case can make flistxattr answer ENOTSUP (a file system
 * without extended attributes) or fsetxattr refuse one attribute.
 */
#define _GNU_SOURCE /* memmem */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "../support/fixture.h"
#include "../support/runner.h"
#include "../support/xattrs.h"
#include "write/apply.h"

static int list_unsupported;     /* flistxattr fails with ENOTSUP */
static const char *refused_name; /* fsetxattr of this attribute fails with EPERM */

ssize_t flistxattr(int fd, char *list, size_t size)
{
    if (list_unsupported) {
        errno = ENOTSUP;
        return -1;
    }
    return syscall(SYS_flistxattr, fd, list, size);
}

int fsetxattr(int fd, const char *name, const void *value, size_t size, int flags)
{
    if (refused_name && strcmp(name, refused_name) == 0) {
        errno = EPERM;
        return -1;
    }
    return (int)syscall(SYS_fsetxattr, fd, name, value, size, flags);
}

static void open_case(fx *f)
{
    fx_open(f);
    list_unsupported = 0;
    refused_name = NULL;
}

static ps_write replace(const char *path, const char *new_, const char *old)
{
    return (ps_write){path, new_, strlen(new_), old, strlen(old), NULL, NULL, 0};
}

static mode_t mode_of(const char *path)
{
    struct stat st;
    ck_assert_int_eq(lstat(path, &st), 0);
    return st.st_mode & 07777;
}

/* carbon.xml with user.* attributes (one binary, one empty) and an access ACL. */
static int decorated(const char *path, const char *test)
{
    put(path, "old");
    return set_xattr_or_skip(path, "user.portshift.note", "conf", 4, test) &&
           set_xattr_or_skip(path, "user.portshift.binary", "a\0b", 3, test) &&
           set_xattr_or_skip(path, "user.portshift.empty", "", 0, test) &&
           set_xattr_or_skip(path, "system.posix_acl_access", ACL_RW_NOBODY, sizeof ACL_RW_NOBODY,
                             test);
}

START_TEST(xattrs_and_acl_kept)
{
    fx f;
    open_case(&f);
    const char *conf = in(&f, "carbon.xml"), *bak = in(&f, "carbon.xml.bak");
    if (!decorated(conf, "xattrs_and_acl_kept")) {
        fx_close(&f);
        return;
    }
    ck_assert_int_eq(mode_of(conf), 0640); /* the ACL's mask made the group bits r-- */
    char *before = xattrs_of(conf);
    ck_assert_msg(strstr(before, "system.posix_acl_access=") && strstr(before, "user.portshift."),
                  "the set-up did not take: %s", before);

    ps_write w[] = {replace(conf, "new", "old")};
    ps_error err = {0};
    ck_assert_msg(ps_apply_files(w, 1, PS_APPLY_BACKUP, &err) == 0, "%s", err.message);
    snapshot s;
    snapshot_take(&s, f.scratch);
    ck_assert_int_eq(s.count, 2); /* carbon.xml and its backup, no temp */
    ck_assert_int_eq(snap_find(&s, "carbon.xml")->len, 3);
    ck_assert_int_eq(memcmp(snap_find(&s, "carbon.xml")->data, "new", 3), 0);
    snapshot_free(&s);

    char *after = xattrs_of(conf), *backup = xattrs_of(bak);
    ck_assert_str_eq(after, before);
    ck_assert_str_eq(backup, before);
    ck_assert_int_eq(mode_of(conf), 0640);
    ck_assert_int_eq(mode_of(bak), 0640);
    free(before);
    free(after);
    free(backup);
    fx_close(&f);
}
END_TEST

/*
 * The folder got a default ACL after carbon.xml was written: a new file
 * there inherits an access ACL the original does not have, and must lose it.
 */
START_TEST(default_acl_not_inherited)
{
    fx f;
    open_case(&f);
    const char *conf = in(&f, "carbon.xml");
    put(conf, "old");
    ck_assert_int_eq(chmod(conf, 0644), 0);
    if (!set_xattr_or_skip(f.scratch, "system.posix_acl_default", DEFAULT_ACL_NOBODY,
                           sizeof DEFAULT_ACL_NOBODY, "default_acl_not_inherited")) {
        fx_close(&f);
        return;
    }
    char *before = xattrs_of(conf);
    ck_assert_str_eq(before, "");

    ps_write w[] = {replace(conf, "new", "old")};
    ps_error err = {0};
    ck_assert_msg(ps_apply_files(w, 1, 0, &err) == 0, "%s", err.message);
    char *after = xattrs_of(conf);
    ck_assert_str_eq(after, "");
    ck_assert_int_eq(mode_of(conf), 0644);
    free(before);
    free(after);
    fx_close(&f);
}
END_TEST

/* One attribute cannot be copied: nothing is written, no temp is left, the message says which. */
START_TEST(xattr_copy_refused)
{
    fx f;
    open_case(&f);
    const char *a = in(&f, "a.xml"), *b = in(&f, "b.xml");
    put(a, "a0");
    put(b, "b0");
    if (!set_xattr_or_skip(b, "user.portshift.label", "x", 1, "xattr_copy_refused")) {
        fx_close(&f);
        return;
    }
    refused_name = "user.portshift.label";
    snapshot before, after;
    snapshot_take(&before, f.scratch);
    ps_write w[] = {replace(a, "a1", "a0"), replace(b, "b1", "b0")};
    ps_error err = {0};
    ck_assert_int_eq(ps_apply_files(w, 2, PS_APPLY_BACKUP, &err), -1);
    ck_assert_str_eq(err.path, b);
    ck_assert_str_eq(
        err.message,
        "cannot keep extended attribute user.portshift.label: Operation not permitted");
    snapshot_take(&after, f.scratch);
    assert_same(&before, &after, "an attribute that cannot be copied");
    snapshot_free(&before);
    snapshot_free(&after);
    fx_close(&f);
}
END_TEST

/* A file system without extended attributes is no reason to refuse. */
START_TEST(no_xattr_support_applies)
{
    fx f;
    open_case(&f);
    const char *conf = in(&f, "carbon.xml");
    put(conf, "old");
    ck_assert_int_eq(chmod(conf, 0604), 0);
    list_unsupported = 1;
    ps_write w[] = {replace(conf, "new", "old")};
    ps_error err = {0};
    ck_assert_msg(ps_apply_files(w, 1, PS_APPLY_BACKUP, &err) == 0, "%s", err.message);
    ck_assert_int_eq(mode_of(conf), 0604);
    ck_assert_int_eq(mode_of(in(&f, "carbon.xml.bak")), 0604);
    fx_close(&f);
}
END_TEST

/*
 * apply --backup 0 -> 2, then 2 -> 3: each .bak still holds the very first
 * original, byte for byte, and the output says which backups were saved and
 * which were kept.
 */
START_TEST(second_backup_keeps_first)
{
    fx f;
    open_case(&f);
    fx_add(&f, "good", "home");
    snapshot original;
    snapshot_take(&original, PS_SOURCE_DIR "/tests/fixtures/errors/good");

    cli_result r = cli(&f, "apply --backup --offset 2 home");
    ck_assert_msg(r.status == 0, "apply 0 -> 2: exit %d: %s", r.status, r.err);
    ck_assert_str_eq(r.out, "updated home/" CARBON "\n"
                            "saved the original as home/" CARBON ".bak\n"
                            "updated home/" CATALINA "\n"
                            "saved the original as home/" CATALINA ".bak\n");
    cli_result_free(&r);
    r = cli(&f, "apply --backup --offset 3 home");
    ck_assert_msg(r.status == 0, "apply 2 -> 3: exit %d: %s", r.status, r.err);
    ck_assert_str_eq(r.out, "updated home/" CARBON "\n"
                            "kept home/" CARBON ".bak, an earlier backup\n"
                            "updated home/" CATALINA "\n"
                            "kept home/" CATALINA ".bak, an earlier backup\n");
    cli_result_free(&r);

    snapshot home;
    snapshot_take(&home, in(&f, "home"));
    const char *rels[] = {CARBON, CATALINA};
    for (size_t i = 0; i < 2; i++) {
        char bak[512];
        snprintf(bak, sizeof bak, "%s.bak", rels[i]);
        const snap_file *first = snap_find(&original, rels[i]), *kept = snap_find(&home, bak);
        ck_assert_msg(kept->len == first->len && memcmp(kept->data, first->data, first->len) == 0,
                      "%s does not hold the first original", bak);
    }
    const snap_file *now = snap_find(&home, CARBON);
    ck_assert(memmem(now->data, now->len, "<Offset>3</Offset>", 18) != NULL);
    snapshot_free(&home);
    snapshot_free(&original);
    fx_close(&f);
}
END_TEST

int main(void)
{
    if (fx_suite_root("apply-meta") < 0)
        return EXIT_FAILURE;
    Suite *s = suite_create("apply_meta");
    TCase *tc = tcase_create("meta");
    tcase_add_test(tc, xattrs_and_acl_kept);
    tcase_add_test(tc, default_acl_not_inherited);
    tcase_add_test(tc, xattr_copy_refused);
    tcase_add_test(tc, no_xattr_support_applies);
    tcase_add_test(tc, second_backup_keeps_first);
    suite_add_tcase(s, tc);
    int status = run_suite_status(s);
    fx_suite_done();
    return status;
}
