#define _GNU_SOURCE /* renameat2 */
/*
 * ps_apply_files and the running-server test, on real files in a mkdtemp
 * directory. Each test gets a fresh directory (checked fixture). What a
 * replaced file keeps of the original (owner, extended attributes) is in
 * check_apply_meta.c and check_apply_owner.c; the record of an apply and its
 * locks are check_journal's, check_lock's and check_recovery's.
 */
#include <check.h>

#include "../support/runner.h"
#include "../support/tree.h"
#include "../support/unpriv.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "write/apply.h"
#include "detect/running.h"

static char root[512]; /* mkdtemp result, well short of PATH_MAX */

/*
 * Link-time interposition of renameat(2): apply.c calls renameat, and the
 * definition in this executable wins over libc's, so a test can make the
 * Nth call fail and exercise the rollback that no permission setup can
 * reach once every file is staged. With rename_fail_at == 0 it is a plain
 * rename (counted all the same).
 */
static int rename_calls, rename_fail_at;

int renameat2(int ofd, const char *from, int nfd, const char *to, unsigned flags)
{
    if (++rename_calls == rename_fail_at) {
        errno = EXDEV;
        return -1;
    }
    return (int)syscall(SYS_renameat2, ofd, from, nfd, to, flags);
}

int renameat(int ofd, const char *from, int nfd, const char *to)
{
    return renameat2(ofd, from, nfd, to, 0);
}

/* root/rel, in one of a few rotating buffers so a call can hold several. */
static const char *at(const char *rel)
{
    static char bufs[8][PATH_MAX];
    static int next;
    char *b = bufs[next++ % 8];
    snprintf(b, PATH_MAX, "%s/%s", root, rel);
    return b;
}

static void put(const char *path, const char *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ck_assert_msg(fd >= 0, "open %s: %s", path, strerror(errno));
    ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
    ck_assert_int_eq(close(fd), 0);
}

static void mkdir_at(const char *rel)
{
    ck_assert_msg(mkdir(at(rel), 0755) == 0, "mkdir %s: %s", rel, strerror(errno));
}

/* 1 when the file holds exactly data[0..len). */
static int holds(const char *path, const char *data, size_t len)
{
    char buf[4096];
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return 0;
    ssize_t r = read(fd, buf, sizeof buf);
    close(fd);
    return r >= 0 && (size_t)r == len && memcmp(buf, data, len) == 0;
}

/* Number of portshift temp files left in a directory. */
static int temps_in(const char *dir)
{
    int n = 0;
    DIR *d = opendir(dir);
    ck_assert_msg(d != NULL, "opendir %s: %s", dir, strerror(errno));
    struct dirent *e;
    while ((e = readdir(d)))
        if (strstr(e->d_name, ".portshift-"))
            n++;
    closedir(d);
    return n;
}

static int entries_in(const char *dir)
{
    int n = 0;
    DIR *d = opendir(dir);
    ck_assert(d != NULL);
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

static void setup(void)
{
    snprintf(root, sizeof root, "%s/check_apply.XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    ck_assert_msg(mkdtemp(root) != NULL, "mkdtemp: %s", strerror(errno));
    rename_calls = rename_fail_at = 0;
}

static void teardown(void)
{
    tree_remove(root);
}

/* A ps_write from array or literal arguments (embedded NULs included), of no
 * home: these cases are about the files (the record is check_journal's). */
/* clang-format off */
#define W(p, d, e) {(p), (d), sizeof(d) - 1, (e), sizeof(e) - 1, NULL, NULL, 0}
/* clang-format on */

START_TEST(test_empty_is_noop)
{
    ps_error err = {0};
    ck_assert_int_eq(ps_apply_files(NULL, 0, 0, &err), 0);
    ck_assert_int_eq(ps_apply_files(NULL, 0, PS_APPLY_BACKUP, &err), 0);
    ck_assert_int_eq(entries_in(root), 0);
}
END_TEST

START_TEST(test_bytes_replaced_exactly)
{
    /* CRLF, a NUL, no final newline: nothing is normalised on the way. */
    static const char old[] = "<a>\r\n\t<port>9443</port>\0tail";
    static const char new[] = "<a>\r\n\t<port>9444</port>\0tail\r";
    const char *f = at("carbon.xml");
    put(f, old, sizeof old - 1);
    ps_write w[] = {W(f, new, old)};
    ps_error err = {0};
    ck_assert_int_eq(ps_apply_files(w, 1, 0, &err), 0);
    ck_assert(holds(f, new, sizeof new - 1));
    ck_assert_int_eq(temps_in(root), 0);
    ck_assert_int_eq(entries_in(root), 1);
}
END_TEST

START_TEST(test_empty_contents)
{
    const char *f = at("empty.xml");
    put(f, "", 0);
    ps_write w[] = {W(f, "x", "")};
    ps_error err = {0};
    ck_assert_int_eq(ps_apply_files(w, 1, 0, &err), 0);
    ck_assert(holds(f, "x", 1));
    ps_write back[] = {W(f, "", "x")};
    ck_assert_int_eq(ps_apply_files(back, 1, 0, &err), 0);
    ck_assert(holds(f, "", 0));
}
END_TEST

START_TEST(test_mode_kept)
{
    const char *f = at("axis2.xml");
    put(f, "old", 3);
    ck_assert_int_eq(chmod(f, 0640), 0);
    ps_write w[] = {W(f, "new", "old")};
    ps_error err = {0};
    ck_assert_int_eq(ps_apply_files(w, 1, 0, &err), 0);
    struct stat st;
    ck_assert_int_eq(stat(f, &st), 0);
    ck_assert_int_eq(st.st_mode & 07777, 0640);
    ck_assert(holds(f, "new", 3));
}
END_TEST

START_TEST(test_symlink_written_through)
{
    mkdir_at("shared");
    mkdir_at("conf");
    const char *target = at("shared/master-datasources.xml");
    const char *link = at("conf/master-datasources.xml");
    put(target, "old", 3);
    ck_assert_int_eq(symlink("../shared/master-datasources.xml", link), 0);
    ps_write w[] = {W(link, "new", "old")};
    ps_error err = {0};
    ck_assert_int_eq(ps_apply_files(w, 1, 0, &err), 0);

    struct stat st;
    ck_assert_int_eq(lstat(link, &st), 0);
    ck_assert(S_ISLNK(st.st_mode));
    char buf[PATH_MAX];
    ssize_t r = readlink(link, buf, sizeof buf - 1);
    ck_assert_int_ge(r, 0);
    buf[r] = '\0';
    ck_assert_str_eq(buf, "../shared/master-datasources.xml");
    ck_assert(holds(target, "new", 3));
    ck_assert_int_eq(temps_in(at("shared")), 0);
    ck_assert_int_eq(temps_in(at("conf")), 0);
    ck_assert_int_eq(entries_in(at("shared")), 1);
}
END_TEST

START_TEST(test_backup_holds_original)
{
    const char *f = at("carbon.xml");
    const char *bak = at("carbon.xml.bak");
    put(f, "original", 8);
    ck_assert_int_eq(chmod(f, 0640), 0);
    ps_write w[] = {W(f, "patched", "original")};
    ps_error err = {0};
    ck_assert_int_eq(ps_apply_files(w, 1, PS_APPLY_BACKUP, &err), 0);
    ck_assert(holds(f, "patched", 7));
    ck_assert(holds(bak, "original", 8));
    struct stat st;
    ck_assert_int_eq(stat(bak, &st), 0);
    ck_assert_int_eq(st.st_mode & 07777, 0640);
    ck_assert_int_eq(temps_in(root), 0);

    /* A second apply leaves the backup alone: it still holds the first original. */
    ps_write w2[] = {W(f, "again", "patched")};
    ck_assert_int_eq(ps_apply_files(w2, 1, PS_APPLY_BACKUP, &err), 0);
    ck_assert(holds(f, "again", 5));
    ck_assert(holds(bak, "original", 8));
    ck_assert_int_eq(temps_in(root), 0);
    ck_assert_int_eq(entries_in(root), 2);
}
END_TEST

/* Whatever is at <file>.bak is somebody's backup, even a dangling symlink. */
START_TEST(test_backup_never_replaced)
{
    const char *a = at("a.xml"), *b = at("b.xml");
    put(a, "a0", 2);
    put(b, "b0", 2);
    put(at("a.xml.bak"), "mine", 4);
    ck_assert_int_eq(symlink("nowhere", at("b.xml.bak")), 0);
    ck_assert_int_eq(ps_backup_exists(a), 1);
    ck_assert_int_eq(ps_backup_exists(b), 1);
    ps_write w[] = {W(a, "a1", "a0"), W(b, "b1", "b0")};
    ps_error err = {0};
    ck_assert_int_eq(ps_apply_files(w, 2, PS_APPLY_BACKUP, &err), 0);
    ck_assert(holds(a, "a1", 2));
    ck_assert(holds(b, "b1", 2));
    ck_assert(holds(at("a.xml.bak"), "mine", 4));
    char buf[16];
    ck_assert_int_eq(readlink(at("b.xml.bak"), buf, sizeof buf), 7);
    ck_assert_int_eq(memcmp(buf, "nowhere", 7), 0);
    ck_assert_int_eq(temps_in(root), 0);
    ck_assert_int_eq(entries_in(root), 4);

    unlink(at("a.xml.bak"));
    ck_assert_int_eq(ps_backup_exists(a), 0);
    char *name = ps_backup_name(a);
    ck_assert_str_eq(name, at("a.xml.bak"));
    free(name);
}
END_TEST

START_TEST(test_concurrent_change_refused)
{
    const char *a = at("a.xml"), *b = at("b.xml"), *c = at("c.xml");
    put(a, "a0", 2);
    put(b, "b0", 2);
    put(c, "c0", 2);
    ps_write w[] = {W(a, "a1", "a0"), W(b, "b1", "b0"), W(c, "c1", "c0")};
    /* Someone edits b.xml between planning and applying. */
    put(b, "bX", 2);
    ps_error err = {0};
    ck_assert_int_eq(ps_apply_files(w, 3, PS_APPLY_BACKUP, &err), -1);
    ck_assert_str_eq(err.path, b);
    ck_assert_str_eq(err.message, "changed since it was read");
    ck_assert(holds(a, "a0", 2));
    ck_assert(holds(b, "bX", 2));
    ck_assert(holds(c, "c0", 2));
    ck_assert_int_eq(temps_in(root), 0);
    ck_assert_int_eq(entries_in(root), 3); /* and no backups */
}
END_TEST

START_TEST(test_grown_file_refused)
{
    const char *a = at("a.xml");
    put(a, "a0 and more", 11);
    ps_write w[] = {W(a, "a1", "a0")};
    ps_error err = {0};
    ck_assert_int_eq(ps_apply_files(w, 1, 0, &err), -1);
    ck_assert(holds(a, "a0 and more", 11));
}
END_TEST

/* Root is not stopped by a read-only folder: as root, the apply runs as nobody. */
START_TEST(test_readonly_dir)
{
    mkdir_at("rw");
    mkdir_at("ro");
    const char *a = at("rw/a.xml"), *b = at("ro/b.xml");
    put(a, "a0", 2);
    put(b, "b0", 2);
    unprivileged_dir(root, "test_readonly_dir");
    ck_assert_int_eq(chmod(at("ro"), 0555), 0);
    ps_write w[] = {W(a, "a1", "a0"), W(b, "b1", "b0")};
    ps_error err = {0};
    ck_assert_int_eq(apply_unprivileged(w, 2, 0, &err), -1);
    ck_assert_str_eq(err.path, b);
    ck_assert(holds(a, "a0", 2));
    ck_assert(holds(b, "b0", 2));
    ck_assert_int_eq(temps_in(at("rw")), 0);
    ck_assert_int_eq(temps_in(at("ro")), 0);
}
END_TEST

/* Root-proof staging failure: the second file's directory is gone since planning. */
START_TEST(test_dir_removed)
{
    mkdir_at("one");
    mkdir_at("two");
    const char *a = at("one/a.xml"), *b = at("two/b.xml");
    put(a, "a0", 2);
    put(b, "b0", 2);
    ps_write w[] = {W(a, "a1", "a0"), W(b, "b1", "b0")};
    tree_remove(at("two"));
    ps_error err = {0};
    ck_assert_int_eq(ps_apply_files(w, 2, PS_APPLY_BACKUP, &err), -1);
    ck_assert_str_eq(err.path, b);
    ck_assert(holds(a, "a0", 2));
    ck_assert_int_eq(entries_in(at("one")), 1);
}
END_TEST

START_TEST(test_component_is_file)
{
    const char *a = at("a.xml");
    put(a, "a0", 2);
    put(at("plain"), "x", 1);
    const char *b = at("plain/b.xml");
    ps_write w[] = {W(a, "a1", "a0"), W(b, "b1", "b0")};
    ps_error err = {0};
    ck_assert_int_eq(ps_apply_files(w, 2, 0, &err), -1);
    ck_assert_str_eq(err.path, b);
    ck_assert_str_eq(err.message, "cannot open its folder: Not a directory");
    ck_assert(holds(a, "a0", 2));
    ck_assert_int_eq(entries_in(root), 2);
}
END_TEST

START_TEST(test_missing_file)
{
    const char *f = at("nope.xml");
    ps_write w[] = {W(f, "new", "old")};
    ps_error err = {0};
    ck_assert_int_eq(ps_apply_files(w, 1, 0, &err), -1);
    ck_assert_str_eq(err.path, f);
    ck_assert_str_eq(err.message, "cannot stat: No such file or directory");
    ck_assert_int_eq(entries_in(root), 0);
}
END_TEST

START_TEST(test_directory_refused)
{
    mkdir_at("conf");
    const char *f = at("conf");
    ps_write w[] = {W(f, "new", "")};
    ps_error err = {0};
    ck_assert_int_eq(ps_apply_files(w, 1, 0, &err), -1);
    ck_assert_str_eq(err.message, "not a regular file");
}
END_TEST

/* A rename fails after the first succeeded: the first file gets its bytes back. */
START_TEST(test_rename_failure_rolls_back)
{
    const char *a = at("a.xml"), *b = at("b.xml"), *c = at("c.xml");
    put(a, "a0", 2);
    put(b, "b0", 2);
    put(c, "c0", 2);
    ck_assert_int_eq(chmod(a, 0640), 0);
    ps_write w[] = {W(a, "a1", "a0"), W(b, "b1", "b0"), W(c, "c1", "c0")};
    rename_fail_at = 2;
    ps_error err = {0};
    ck_assert_int_eq(ps_apply_files(w, 3, 0, &err), -1);
    ck_assert_str_eq(err.path, b);
    ck_assert_str_eq(err.message, "cannot replace: Invalid cross-device link");
    ck_assert(holds(a, "a0", 2));
    ck_assert(holds(b, "b0", 2));
    ck_assert(holds(c, "c0", 2));
    struct stat st;
    ck_assert_int_eq(stat(a, &st), 0);
    ck_assert_int_eq(st.st_mode & 07777, 0640);
    ck_assert_int_eq(temps_in(root), 0);
    ck_assert_int_eq(entries_in(root), 3);
}
END_TEST

/* Renames go targets first (2), then backups: a failing target writes no backup. */
START_TEST(test_rename_failure_with_backup)
{
    const char *a = at("a.xml"), *b = at("b.xml");
    put(a, "a0", 2);
    put(b, "b0", 2);
    ps_write w[] = {W(a, "a1", "a0"), W(b, "b1", "b0")};
    rename_fail_at = 2;
    ps_error err = {0};
    ck_assert_int_eq(ps_apply_files(w, 2, PS_APPLY_BACKUP, &err), -1);
    ck_assert_str_eq(err.path, b);
    ck_assert(holds(a, "a0", 2));
    ck_assert(holds(b, "b0", 2));
    ck_assert_int_eq(access(at("a.xml.bak"), F_OK), -1);
    ck_assert_int_eq(access(at("b.xml.bak"), F_OK), -1);
    ck_assert_int_eq(temps_in(root), 0);
}
END_TEST

/* A backup that cannot be put in place puts every target back; the backup
 * already renamed holds exactly the restored bytes. */
START_TEST(test_backup_rename_failure)
{
    const char *a = at("a.xml"), *b = at("b.xml");
    put(a, "a0", 2);
    put(b, "b0", 2);
    ps_write w[] = {W(a, "a1", "a0"), W(b, "b1", "b0")};
    rename_fail_at = 4;
    ps_error err = {0};
    ck_assert_int_eq(ps_apply_files(w, 2, PS_APPLY_BACKUP, &err), -1);
    ck_assert_str_eq(err.path, at("b.xml.bak"));
    ck_assert(holds(a, "a0", 2));
    ck_assert(holds(b, "b0", 2));
    ck_assert(holds(at("a.xml.bak"), "a0", 2));
    ck_assert_int_eq(access(at("b.xml.bak"), F_OK), -1);
    ck_assert_int_eq(temps_in(root), 0);
}
END_TEST

/* Two homes sharing one file through symlinks. */
START_TEST(test_same_target_twice)
{
    mkdir_at("h1");
    mkdir_at("h2");
    const char *t = at("shared.xml"), *l1 = at("h1/x.xml"), *l2 = at("h2/x.xml");
    put(t, "v0", 2);
    ck_assert_int_eq(symlink(t, l1), 0);
    ck_assert_int_eq(symlink(t, l2), 0);
    ps_error err = {0};

    ps_write differ[] = {W(l1, "v1", "v0"), W(l2, "v2", "v0")};
    ck_assert_int_eq(ps_apply_files(differ, 2, 0, &err), -1);
    ck_assert_str_eq(err.path, l2);
    ck_assert(holds(t, "v0", 2));
    ck_assert_int_eq(temps_in(root), 0);

    ps_write agree[] = {W(l1, "v1", "v0"), W(l2, "v1", "v0")};
    ck_assert_int_eq(ps_apply_files(agree, 2, PS_APPLY_BACKUP, &err), 0);
    ck_assert(holds(t, "v1", 2));
    ck_assert(holds(at("h1/x.xml.bak"), "v0", 2));
    ck_assert(holds(at("h2/x.xml.bak"), "v0", 2));
    ck_assert_int_eq(temps_in(root), 0);
}
END_TEST

/* conf/a.xml and conf/b.xml of the home `root`, to be moved from *0 to *1. */
static void two_files_of_a_home(ps_write w[2])
{
    mkdir_at("conf");
    const char *a = at("conf/a.xml"), *b = at("conf/b.xml");
    put(a, "a0", 2);
    put(b, "b0", 2);
    w[0] = (ps_write){a, "a1", 2, "a0", 2, root, "conf/a.xml", 0};
    w[1] = (ps_write){b, "b1", 2, "b0", 2, root, "conf/b.xml", 0};
}

/* With a home: the record is written before the first rename and gone after. */
START_TEST(test_record_removed)
{
    ps_write w[2];
    two_files_of_a_home(w);
    const char *a = w[0].path, *b = w[1].path;
    ps_error err = {0};
    ck_assert_int_eq(ps_apply_files(w, 2, PS_APPLY_BACKUP, &err), 0);
    ck_assert_int_eq(rename_calls, 5); /* the record, then 2 files and 2 backups */
    ck_assert(holds(a, "a1", 2));
    ck_assert(holds(b, "b1", 2));
    ck_assert_int_eq(access(at(".portshift-journal"), F_OK), -1);
    ck_assert_int_eq(entries_in(root), 1);
    ck_assert_int_eq(entries_in(at("conf")), 4); /* the files and their backups */
}
END_TEST

/* Renames: the record, a.xml, then b.xml fails: a.xml is put back (an undo,
 * recorded too), and no record or temp file stays. */
START_TEST(test_record_removed_after_undo)
{
    ps_write w[2];
    two_files_of_a_home(w);
    const char *a = w[0].path, *b = w[1].path;
    rename_fail_at = 3;
    ps_error err = {0};
    ck_assert_int_eq(ps_apply_files(w, 2, 0, &err), -1);
    ck_assert_str_eq(err.path, b);
    ck_assert_str_eq(err.message, "cannot replace: Invalid cross-device link");
    ck_assert(holds(a, "a0", 2));
    ck_assert(holds(b, "b0", 2));
    ck_assert_int_eq(entries_in(root), 1);
    ck_assert_int_eq(entries_in(at("conf")), 2);
}
END_TEST

/*
 * An apply keeps what it writes open until every file is in place: one
 * folder descriptor per file (shared with its backup's folder), and the
 * original while the descriptor limit leaves room; and until they are
 * synced, the staged files (up to 64 at once). 60 files of one home and
 * their backups under a soft limit of 160: two descriptors a file, besides
 * the staged ones, would run out.
 */
#define MANY 60
START_TEST(test_many_files_under_a_low_descriptor_limit)
{
    static char rels[MANY][32];
    ps_write w[MANY];
    mkdir_at("conf");
    for (int i = 0; i < MANY; i++) {
        snprintf(rels[i], sizeof rels[i], "conf/f%02d.xml", i);
        put(at(rels[i]), "old", 3);
        w[i] = (ps_write){strdup(at(rels[i])), "new", 3, "old", 3, root, rels[i], 0};
    }
    struct rlimit was, low;
    ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &was), 0);
    low = was;
    low.rlim_cur = 160;
    ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &low), 0);
    ps_error err = {0};
    int rc = ps_apply_files(w, MANY, PS_APPLY_BACKUP, &err);
    ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &was), 0);
    ck_assert_msg(rc == 0, "%s: %s", err.path, err.message);
    for (int i = 0; i < MANY; i++) {
        ck_assert_msg(holds(w[i].path, "new", 3), "%s", w[i].path);
        char bak[PATH_MAX];
        snprintf(bak, sizeof bak, "%s.bak", w[i].path);
        ck_assert_msg(holds(bak, "old", 3), "%s", bak);
        free((char *)w[i].path);
    }
    ck_assert_int_eq(temps_in(at("conf")), 0);
    ck_assert_int_eq(entries_in(at("conf")), 2 * MANY);
    ck_assert_int_eq(access(at(".portshift-journal"), F_OK), -1);
}
END_TEST

static void write_pid(const char *text)
{
    put(at("wso2carbon.pid"), text, strlen(text));
}

START_TEST(test_running_self)
{
    char text[32];
    snprintf(text, sizeof text, "%ld\n", (long)getpid());
    write_pid(text);
    long pid = 0;
    ck_assert_int_eq(ps_home_running(root, &pid), 1);
    ck_assert_int_eq(pid, (long)getpid());
    ck_assert_int_eq(ps_home_running(root, NULL), 1);
}
END_TEST

START_TEST(test_running_dead)
{
    pid_t child = fork();
    ck_assert_int_ge(child, 0);
    if (child == 0)
        _exit(0);
    int status;
    /* Reaped: a zombie would still answer kill(pid, 0). */
    ck_assert_int_eq(waitpid(child, &status, 0), child);
    char text[32];
    snprintf(text, sizeof text, "%ld", (long)child);
    write_pid(text);
    long pid = -5;
    ck_assert_int_eq(ps_home_running(root, &pid), 0);
    ck_assert_int_eq(pid, -5);
}
END_TEST

START_TEST(test_running_no_file)
{
    long pid = -5;
    ck_assert_int_eq(ps_home_running(root, &pid), 0);
    ck_assert_int_eq(ps_home_running(at("nope"), &pid), 0);
    ck_assert_int_eq(pid, -5);
}
END_TEST

START_TEST(test_running_unparsable)
{
    /* 0 and negatives would make kill() test a process group. */
    static const char *bad[] = {"", "\n", "abc", "12abc", "0", "-1", "1 2", "99999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        write_pid(bad[i]);
        ck_assert_msg(ps_home_running(root, NULL) == 0, "pid file \"%s\"", bad[i]);
    }
}
END_TEST

/*
 * The name a refusal gives a running server comes from /proc/PID/comm, a
 * file whose text the process's owner chooses: its newline goes, control
 * characters show as '?', and no more than PS_COMM_MAX bytes are read.
 */
START_TEST(test_process_name_bounded_and_clean)
{
    static const struct {
        const char *comm, *name;
    } cases[] = {
        {"java\n", "java"},
        {"sleep", "sleep"},
        {"ev\033[2Jil\rx\n", "ev?[2Jil?x"},
        {"two\nlines\n", "two?lines"},
    };
    mkdir_at("proc");
    mkdir_at("proc/77");
    char name[PS_COMM_MAX + 1];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        put(at("proc/77/comm"), cases[i].comm, strlen(cases[i].comm));
        ck_assert_int_eq(ps_process_name(at("proc"), 77, name), 1);
        ck_assert_str_eq(name, cases[i].name);
    }
    char longer[PS_COMM_MAX * 2];
    memset(longer, 'x', sizeof longer);
    put(at("proc/77/comm"), longer, sizeof longer);
    ck_assert_int_eq(ps_process_name(at("proc"), 77, name), 1);
    ck_assert_uint_eq(strlen(name), PS_COMM_MAX);
    char *label = ps_process_label(at("proc"), 77);
    ck_assert_uint_eq(strlen(label), strlen("pid 77, ") + PS_COMM_MAX);
    free(label);
    put(at("proc/77/comm"), "\n", 1); /* no name: the pid alone */
    ck_assert_int_eq(ps_process_name(at("proc"), 77, name), 0);
    label = ps_process_label(at("proc"), 78); /* no such process */
    ck_assert_str_eq(label, "pid 78");
    free(label);
}
END_TEST

static Suite *apply_suite(void)
{
    Suite *s = suite_create("apply");
    TCase *tc = tcase_create("apply");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_empty_is_noop);
    tcase_add_test(tc, test_bytes_replaced_exactly);
    tcase_add_test(tc, test_empty_contents);
    tcase_add_test(tc, test_mode_kept);
    tcase_add_test(tc, test_symlink_written_through);
    tcase_add_test(tc, test_backup_holds_original);
    tcase_add_test(tc, test_backup_never_replaced);
    tcase_add_test(tc, test_concurrent_change_refused);
    tcase_add_test(tc, test_grown_file_refused);
    tcase_add_test(tc, test_readonly_dir);
    tcase_add_test(tc, test_dir_removed);
    tcase_add_test(tc, test_component_is_file);
    tcase_add_test(tc, test_missing_file);
    tcase_add_test(tc, test_directory_refused);
    tcase_add_test(tc, test_rename_failure_rolls_back);
    tcase_add_test(tc, test_rename_failure_with_backup);
    tcase_add_test(tc, test_backup_rename_failure);
    tcase_add_test(tc, test_same_target_twice);
    tcase_add_test(tc, test_record_removed);
    tcase_add_test(tc, test_record_removed_after_undo);
    tcase_add_test(tc, test_many_files_under_a_low_descriptor_limit);
    suite_add_tcase(s, tc);

    TCase *home = tcase_create("home");
    tcase_add_checked_fixture(home, setup, teardown);
    tcase_add_test(home, test_running_self);
    tcase_add_test(home, test_running_dead);
    tcase_add_test(home, test_running_no_file);
    tcase_add_test(home, test_running_unparsable);
    tcase_add_test(home, test_process_name_bounded_and_clean);
    suite_add_tcase(s, home);
    return s;
}

int main(void)
{
    if (tmpdir_for_nobody() < 0)
        return EXIT_FAILURE;
    return run_suite_status(apply_suite());
}
