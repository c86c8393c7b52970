/*
 * The record is a claim, not a command, and the privilege boundary (DESIGN
 * §2.5), tried the way an attacker who owns a home and a careful operator
 * would: a forged record naming files outside its home, a home whose config
 * is a symlink to root's file, a crashed home copied and applied, a file
 * edited after a crash, records that are symlinks, FIFOs or cut short.
 * Every case asserts the bytes on disk, the exit status and the message.
 *
 * Homes are tests/fixtures/errors/good (carbon.xml and catalina-server.xml):
 * an apply of it renames its record, then carbon.xml, then catalina-server.xml.
 * The cases that need another owner than the caller run as root (as CI
 * does) and are reported skipped otherwise.
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
#include "../support/unpriv.h"
#include "write/journal.h"
#include "parse/file.h"

#define RECORD "am/" PS_JOURNAL_NAME

static void snap(snapshot *s, const fx *f, const char *dir)
{
    snapshot_take(s, in(f, "%s", dir));
}

static void expect_unchanged(const snapshot *before, const fx *f, const char *dir, const char *what)
{
    snapshot now;
    snap(&now, f, dir);
    char *msg = snapshot_diff(before, &now);
    ck_assert_msg(msg == NULL, "%s: %s changed: %s", what, dir, msg);
    snapshot_free(&now);
}

static cli_result run(const fx *f, int status, const char *cmd)
{
    cli_result r = cli(f, "%s", cmd);
    ck_assert_msg(r.status == status, "%s: exit %d, expected %d: %s%s", cmd, r.status, status,
                  r.out, r.err);
    return r;
}

static void ok(const fx *f, const char *cmd)
{
    cli_result r = run(f, 0, cmd);
    cli_result_free(&r);
}

/* `cmd` exits 2 with one line on stderr that holds `needle`. */
static void refuses(const fx *f, const char *cmd, const char *needle)
{
    cli_result r = run(f, 2, cmd);
    ck_assert_msg(strstr(r.err, needle), "%s: '%s' lacks '%s'", cmd, r.err, needle);
    ck_assert_msg(strchr(r.err, '\n') == r.err + strlen(r.err) - 1, "%s: not one line: %s", cmd,
                  r.err);
    cli_result_free(&r);
}

static int is_root(const char *test)
{
    if (geteuid() == 0)
        return 1;
    case_skipped(test, "needs root, to give files to another user (CI runs as root)");
    return 0;
}

/* ---- a forged record cannot reach outside its home ---- */

/*
 * The attack: in a sticky folder that holds root's target.conf, the
 * owner of a home plants a staged file with its own bytes, then a record
 * telling the next apply to rename it over target.conf (and to remove or
 * lock other things). Each row is one way of saying it.
 */
#define DIGESTS " 0000000000000001 0000000000000002"
static const struct forged {
    const char *why;
    const char *lines; /* after the header; %1$s: the sticky folder, absolute */
    const char *needle;
} FORGED[] = {
    {"version 1, absolute paths", NULL, "not a portshift journal"},
    {"absolute move", "move %zu:%s/.target.conf.portshift-AAAAAA %zu:%s/target.conf" DIGESTS "\n",
     "not a path beneath the home"},
    {"move through ..",
     "move 39:../sticky/.target.conf.portshift-AAAAAA 21:../sticky/target.conf" DIGESTS "\n",
     "not a path beneath the home"},
    {"drop through ..", "drop 39:../sticky/.target.conf.portshift-AAAAAA\n",
     "not a path beneath the home"},
    {"absolute drop", "drop %zu:%s/.target.conf.portshift-AAAAAA\n", "not a path beneath the home"},
    {"link from a config that is no symlink",
     "link 26:repository/conf/carbon.xml %zu:%s/.target.conf.portshift-AAAAAA "
     "%zu:%s/target.conf" DIGESTS "\n",
     "no longer leads to the file its record names"},
};
#undef DIGESTS

/* A record's header naming `home` (dev, ino, path) as its home and commit home. */
static void header(char *out, size_t cap, const char *home)
{
    struct stat st;
    ck_assert_int_eq(stat(home, &st), 0);
    snprintf(out, cap, "portshift journal 2\nid 1\nhome %ju %ju %zu:%s\ncommit %ju %ju %zu:%s\n",
             (uintmax_t)st.st_dev, (uintmax_t)st.st_ino, strlen(home), home, (uintmax_t)st.st_dev,
             (uintmax_t)st.st_ino, strlen(home), home);
}

/* scratch/am, and scratch/sticky (1777) holding root's target.conf and a planted staged file. */
static void sticky_scene(const fx *f)
{
    fx_add(f, "good", "am");
    ck_assert_int_eq(mkdir(in(f, "sticky"), 01777), 0);
    ck_assert_int_eq(chmod(in(f, "sticky"), 01777), 0);
    put(in(f, "sticky/target.conf"), "root's own bytes\n");
    put(in(f, "sticky/.target.conf.portshift-AAAAAA"), "the attacker's bytes\n");
}

START_TEST(forged_record_stays_in_its_home)
{
    const struct forged *c = &FORGED[_i];
    fx f;
    fx_open(&f);
    sticky_scene(&f);
    char *sticky = realpath(in(&f, "sticky"), NULL), *am = realpath(in(&f, "am"), NULL);
    char text[16384];
    if (!c->lines) {
        snprintf(text, sizeof text,
                 "portshift journal 1\nid 1-1\nhome %zu:%s\nrename %zu:%s/.target.conf."
                 "portshift-AAAAAA %zu:%s/target.conf\nend\n",
                 strlen(am), am, strlen(sticky) + 30, sticky, strlen(sticky) + 12, sticky);
    } else {
        size_t n;
        header(text, sizeof text, am);
        n = strlen(text);
        if (strstr(c->lines, "%zu:%s/.target.conf.portshift-AAAAAA %zu"))
            snprintf(text + n, sizeof text - n, c->lines, strlen(sticky) + 30, sticky,
                     strlen(sticky) + 12, sticky);
        else
            snprintf(text + n, sizeof text - n, c->lines, strlen(sticky) + 30, sticky);
        strncat(text, "end\n", sizeof text - strlen(text) - 1);
    }
    put(in(&f, RECORD), text);
    snapshot before_sticky, before_am;
    snap(&before_sticky, &f, "sticky");
    snap(&before_am, &f, "am");
    /* Every command that writes refuses it; so do the readers. */
    refuses(&f, "apply --offset 2 am", c->needle);
    refuses(&f, "recover am", c->needle);
    refuses(&f, "batch --apply am", c->needle);
    refuses(&f, "diff --offset 2 am", "'portshift recover --discard am'");
    expect_unchanged(&before_sticky, &f, "sticky", c->why);
    expect_unchanged(&before_am, &f, "am", c->why);
    /* The way out touches the record alone. */
    ok(&f, "recover --discard am");
    ck_assert_int_eq(access(in(&f, RECORD), F_OK), -1);
    expect_unchanged(&before_sticky, &f, "sticky", c->why);
    snapshot_free(&before_sticky);
    snapshot_free(&before_am);
    free(sticky);
    free(am);
    fx_close(&f);
}
END_TEST

/*
 * A record that names another folder as its home (and that folder's own
 * interrupted apply as its commit): the folder it sits in is dealt with,
 * from what it holds; the other folder, its record included, is only read.
 */
START_TEST(record_naming_another_home_touches_only_its_own)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "other");
    fx_add(&f, "good", "am");
    killed(&f, 0, 2, "apply --offset 3 other"); /* other: its record, nothing renamed */
    char *other = realpath(in(&f, "other"), NULL);
    char text[8192];
    header(text, sizeof text, other);
    size_t n = strlen(text);
    snprintf(text + n, sizeof text - n,
             "move 44:repository/conf/.carbon.xml.portshift-AAAAAA 26:repository/conf/carbon.xml "
             "0000000000000001 0000000000000002\nend\n");
    put(in(&f, RECORD), text);
    put(in(&f, "am/repository/conf/.carbon.xml.portshift-AAAAAA"), "<planted/>\n");
    snapshot before_other, before_am;
    snap(&before_other, &f, "other");
    snap(&before_am, &f, "am");
    refuses(&f, "apply --offset 2 am",
            "am/repository/conf/carbon.xml: error: changed since the interrupted apply");
    expect_unchanged(&before_other, &f, "other", "the home a record names");
    expect_unchanged(&before_am, &f, "am", "the home it sits in");
    ok(&f, "recover --discard am");
    ck_assert_int_eq(access(in(&f, "am/repository/conf/.carbon.xml.portshift-AAAAAA"), F_OK), -1);
    expect_unchanged(&before_other, &f, "other", "the home a record names, after --discard");
    snapshot_free(&before_other);
    snapshot_free(&before_am);
    free(other);
    fx_close(&f);
}
END_TEST

/* A record the home's owner wrote is not root's to act on. */
START_TEST(record_of_the_homes_owner_refused)
{
    if (!is_root("record_of_the_homes_owner_refused"))
        return;
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "am");
    killed(&f, 0, 2, "apply --offset 3 am");
    ck_assert_int_eq(give_to_nobody(in(&f, "am")), 0);
    snapshot before;
    snap(&before, &f, "am");
    refuses(&f, "apply --offset 3 am", "written by another user (not by you or root)");
    expect_unchanged(&before, &f, "am", "a record of another user");
    snapshot_free(&before);
    fx_close(&f);
}
END_TEST

/*
 * A record refused at its first move (its folder is a symlink now) closes
 * no descriptor it did not open: the moves after it, never checked, hold
 * none (they once held 0, and stdin was closed; found by fuzz_recovery).
 */
START_TEST(record_refused_at_a_move_closes_only_its_own)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "am");
    killed(&f, 0, 2, "apply --offset 3 am"); /* the record: carbon.xml, then catalina-server.xml */
    ck_assert_int_eq(rename(in(&f, "am/repository/conf"), in(&f, "conf")), 0);
    ck_assert_int_eq(symlink("../../conf", in(&f, "am/repository/conf")), 0);
    if (fcntl(0, F_GETFD) < 0)
        ck_assert_int_eq(open("/dev/null", O_RDONLY), 0);
    struct stat before, after;
    ck_assert_int_eq(fstat(0, &before), 0);
    refuses(&f, "recover am", "lies behind the symlinked folder 'repository/conf'");
    ck_assert_msg(fstat(0, &after) == 0 && after.st_ino == before.st_ino,
                  "recover closed descriptor 0");
    ok(&f, "recover --discard am");
    ck_assert_msg(fstat(0, &after) == 0 && after.st_ino == before.st_ino,
                  "recover --discard closed descriptor 0");
    fx_close(&f);
}
END_TEST

/* ---- the privilege boundary ---- */

/* scratch/am owned by nobody, scratch/outside root's (0755, its file 0644). */
static void nobodys_home(const fx *f)
{
    fx_add(f, "good", "am");
    ck_assert_int_eq(mkdir(in(f, "outside"), 0755), 0);
    ck_assert_int_eq(give_to_nobody(in(f, "am")), 0);
}

START_TEST(symlink_to_roots_file_not_followed)
{
    if (!is_root("symlink_to_roots_file_not_followed"))
        return;
    fx f;
    fx_open(&f);
    nobodys_home(&f);
    ck_assert_int_eq(rename(in(&f, "am/" CARBON), in(&f, "outside/carbon.xml")), 0);
    ck_assert_int_eq(chown(in(&f, "outside/carbon.xml"), 0, 0), 0);
    ck_assert_int_eq(chmod(in(&f, "outside/carbon.xml"), 0644), 0);
    ck_assert_int_eq(symlink("../../../outside/carbon.xml", in(&f, "am/" CARBON)), 0);
    ck_assert_int_eq(lchown(in(&f, "am/" CARBON), PS_NOBODY, PS_NOBODY), 0);
    snapshot before_out, before_am;
    snap(&before_out, &f, "outside");
    snap(&before_am, &f, "am");
    refuses(&f, "apply --offset 2 am",
            "am/repository/conf/carbon.xml: error: the home's owner (uid 65534) may not write "
            "it, so portshift will not");
    expect_unchanged(&before_out, &f, "outside", "root's file behind the symlink");
    expect_unchanged(&before_am, &f, "am", "the home");
    /* Once its owner may write it, the link is written through, as before. */
    ck_assert_int_eq(chown(in(&f, "outside/carbon.xml"), PS_NOBODY, PS_NOBODY), 0);
    ok(&f, "apply --offset 2 am");
    char *data;
    size_t len;
    ck_assert_int_eq(ps_file_read(in(&f, "outside/carbon.xml"), &data, &len, NULL), 0);
    ck_assert_msg(strstr(data, "<Offset>2</Offset>"), "%s", data);
    free(data);
    struct stat st;
    ck_assert_int_eq(lstat(in(&f, "am/" CARBON), &st), 0);
    ck_assert(S_ISLNK(st.st_mode));
    ck_assert_int_eq(stat(in(&f, "outside/carbon.xml"), &st), 0);
    ck_assert_int_eq(st.st_uid, PS_NOBODY);
    snapshot_free(&before_out);
    snapshot_free(&before_am);
    fx_close(&f);
}
END_TEST

/* A file in the home that its owner may not write (root's, 0644) is not written for it. */
START_TEST(file_the_owner_may_not_write_refused)
{
    if (!is_root("file_the_owner_may_not_write_refused"))
        return;
    fx f;
    fx_open(&f);
    nobodys_home(&f);
    ck_assert_int_eq(chown(in(&f, "am/" CATALINA), 0, 0), 0);
    ck_assert_int_eq(chmod(in(&f, "am/" CATALINA), 0644), 0);
    snapshot before;
    snap(&before, &f, "am");
    refuses(&f, "apply --offset 2 am", "am/" CATALINA ": error: the home's owner");
    expect_unchanged(&before, &f, "am", "a file its owner may not write");
    snapshot_free(&before);
    /* Group write for a group the owner is in (nogroup: its primary) is enough. */
    ck_assert_int_eq(chown(in(&f, "am/" CATALINA), 0, PS_NOBODY), 0);
    ck_assert_int_eq(chmod(in(&f, "am/" CATALINA), 0664), 0);
    ok(&f, "apply --offset 2 am");
    struct stat st;
    ck_assert_int_eq(stat(in(&f, "am/" CATALINA), &st), 0);
    ck_assert_int_eq(st.st_uid, 0); /* owner and mode kept */
    ck_assert_int_eq(st.st_mode & 07777, 0664);
    fx_close(&f);
}
END_TEST

/* A folder of the home swapped for a symlink to another place is not followed. */
START_TEST(symlinked_folder_not_followed)
{
    if (!is_root("symlinked_folder_not_followed"))
        return;
    fx f;
    fx_open(&f);
    nobodys_home(&f);
    ck_assert_int_eq(rename(in(&f, "am/repository/conf/tomcat"), in(&f, "outside/tomcat")), 0);
    ck_assert_int_eq(symlink("../../../outside/tomcat", in(&f, "am/repository/conf/tomcat")), 0);
    ck_assert_int_eq(lchown(in(&f, "am/repository/conf/tomcat"), PS_NOBODY, PS_NOBODY), 0);
    snapshot before_out;
    snap(&before_out, &f, "outside");
    refuses(&f, "apply --offset 2 am", "lies behind the symlinked folder 'repository/conf/tomcat'");
    expect_unchanged(&before_out, &f, "outside", "a folder behind a symlink");
    snapshot_free(&before_out);
    fx_close(&f);
}
END_TEST

/* The caller's own home: its symlinks are its own, and followed as before. */
START_TEST(own_home_symlinked_folder_followed)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "am");
    ck_assert_int_eq(mkdir(in(&f, "outside"), 0755), 0);
    ck_assert_int_eq(rename(in(&f, "am/repository/conf/tomcat"), in(&f, "outside/tomcat")), 0);
    ck_assert_int_eq(symlink("../../../outside/tomcat", in(&f, "am/repository/conf/tomcat")), 0);
    ok(&f, "apply --offset 2 am");
    char *data;
    size_t len;
    ck_assert_int_eq(ps_file_read(in(&f, "outside/tomcat/catalina-server.xml"), &data, &len, NULL),
                     0);
    ck_assert_msg(strstr(data, "redirectPort=\"9445\""), "%s", data);
    free(data);
    fx_close(&f);
}
END_TEST

/* ---- a copy is its own home ---- */

/*
 * Killed at each rename of `apply --offset 3 am`, then copied (cp -a, as a
 * backup restore or a VM clone would): applying to the copy, at once or
 * after `recover`, leaves the original byte-identical (its record too) and
 * ends the copy equal to a clean apply.
 */
START_TEST(copied_interrupted_home)
{
    int via_recover = _i;
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "clean");
    ok(&f, "apply --offset 3 clean");
    for (int k = 1; k <= 3; k++) {
        char cmd[256], what[300];
        tree_remove(in(&f, "am"));
        tree_remove(in(&f, "am2"));
        fx_add(&f, "good", "am");
        killed(&f, 0, k, "apply --offset 3 am");
        ck_assert_int_eq(run_cmd("cp -a '%s' '%s'", in(&f, "am"), in(&f, "am2")), 0);
        snapshot original;
        snap(&original, &f, "am");
        snprintf(what, sizeof what, "killed at rename %d, copied%s", k,
                 via_recover ? ", recovered" : "");
        if (via_recover) {
            cli_result r = run(&f, 0, "recover am2");
            ck_assert_msg(k < 2 || strstr(r.out, "finished the interrupted apply of am2 (a copy: "
                                                 "finished in place)"),
                          "%s: %s", what, r.out);
            cli_result_free(&r);
        }
        snprintf(cmd, sizeof cmd, "apply --offset 3 am2");
        ok(&f, cmd);
        expect_unchanged(&original, &f, "am", what);
        expect_tree(&f, "clean", "am2", what);
        snapshot_free(&original);
    }
    fx_close(&f);
}
END_TEST

/* ---- never finish over a change ---- */

START_TEST(edit_after_crash_survives)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "am");
    killed(&f, 0, 2, "apply --offset 3 am"); /* the record counts; nothing renamed yet */
    fx_replace(in(&f, "am/" CARBON), "<Offset>0</Offset>", "<Offset>5</Offset>");
    snapshot edited;
    snap(&edited, &f, "am");
    refuses(&f, "apply --offset 3 am",
            "am/repository/conf/carbon.xml: error: changed since the interrupted apply; "
            "'portshift recover --discard am' removes the record and keeps the files as they are");
    refuses(&f, "recover am", "changed since the interrupted apply");
    refuses(&f, "diff --offset 3 am", "changed since the interrupted apply");
    expect_unchanged(&edited, &f, "am", "a file edited after the crash");
    cli_result r = run(&f, 0, "recover --discard am");
    ck_assert_str_eq(r.out, "dropped the interrupted apply of am: its record and staged files are "
                            "removed, every file is as it was found\n");
    cli_result_free(&r);
    /* Nothing of the record is left, and the edit is there. */
    snapshot now;
    snap(&now, &f, "am");
    for (size_t i = 0; i < now.count; i++)
        ck_assert_msg(!strstr(now.files[i].rel, ".portshift-"), "left: %s", now.files[i].rel);
    snapshot_free(&now);
    char *data;
    size_t len;
    ck_assert_int_eq(ps_file_read(in(&f, "am/" CARBON), &data, &len, NULL), 0);
    ck_assert_msg(strstr(data, "<Offset>5</Offset>"), "the edit is gone: %s", data);
    free(data);
    ok(&f, "apply --offset 3 am");
    snapshot_free(&edited);
    fx_close(&f);
}
END_TEST

/*
 * Every file is in place but the record cannot be removed: the apply
 * stands (exit 0, said as a warning), and the record left is one that
 * `recover` finishes at once, not one that says nothing was done.
 */
START_TEST(record_left_after_a_landed_apply)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "clean");
    ok(&f, "apply --offset 3 clean");
    fx_add(&f, "good", "am");
    fail_record_removal(1);
    cli_result r = run(&f, 0, "apply --offset 3 am");
    fail_record_removal(0);
    ck_assert_msg(strstr(r.err, "am/.portshift-journal: warning: cannot remove: Device or resource "
                                "busy; every file is updated: 'portshift recover am' removes the "
                                "record\n"),
                  "%s", r.err);
    cli_result_free(&r);
    refuses(&f, "diff --offset 3 am", "'portshift recover am' finishes it");
    r = run(&f, 0, "recover am");
    ck_assert_str_eq(r.out, "finished the interrupted apply of am\n");
    cli_result_free(&r);
    expect_tree(&f, "clean", "am", "a landed apply whose record stayed");
    fx_close(&f);
}
END_TEST

/* ---- no way out is a dead end ---- */

static const struct broken {
    const char *why;
    int kind; /* 0 symlink, 1 FIFO, 2 cut short, 3 a folder's worth of nonsense */
    const char *needle;
} BROKEN[] = {
    {"a symlink", 0, "not a regular file"},
    {"a FIFO", 1, "not a regular file"},
    {"cut short", 2, "expected"},
    {"writable by others", 3, "writable by others"},
};

START_TEST(broken_record_has_a_way_out)
{
    const struct broken *c = &BROKEN[_i];
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "am");
    put(in(&f, "secret"), "not to be touched\n");
    if (c->kind == 0)
        ck_assert_int_eq(symlink("../secret", in(&f, RECORD)), 0);
    else if (c->kind == 1)
        ck_assert_int_eq(mkfifo(in(&f, RECORD), 0600), 0);
    else
        put(in(&f, RECORD), "portshift journal 2\nid 1\nhome 1 2 2:/x\ncomm");
    if (c->kind == 3) {
        put(in(&f, RECORD), "portshift journal 2\nid 1\nhome 1 2 2:/x\ncommit 1 2 2:/x\nend\n");
        ck_assert_int_eq(chmod(in(&f, RECORD), 0666), 0);
    }
    time_t start = time(NULL);
    refuses(&f, "diff --offset 3 am", "'portshift recover --discard am' removes it");
    refuses(&f, "apply --offset 3 am", c->needle);
    ck_assert_msg(time(NULL) - start < 5, "%s: took %lds", c->why, (long)(time(NULL) - start));
    ok(&f, "recover --discard am");
    struct stat st;
    ck_assert_int_eq(lstat(in(&f, RECORD), &st), -1);
    ck_assert_int_eq(lstat(in(&f, "secret"), &st), 0);
    cli_result r = run(&f, 1, "diff --offset 3 am");
    cli_result_free(&r);
    fx_close(&f);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("claims");
    TCase *forged = tcase_create("forged");
    tcase_set_timeout(forged, 60);
    tcase_add_loop_test(forged, forged_record_stays_in_its_home, 0, N(FORGED));
    tcase_add_test(forged, record_naming_another_home_touches_only_its_own);
    tcase_add_test(forged, record_of_the_homes_owner_refused);
    tcase_add_test(forged, record_refused_at_a_move_closes_only_its_own);
    suite_add_tcase(s, forged);
    TCase *boundary = tcase_create("boundary");
    tcase_add_test(boundary, symlink_to_roots_file_not_followed);
    tcase_add_test(boundary, file_the_owner_may_not_write_refused);
    tcase_add_test(boundary, symlinked_folder_not_followed);
    tcase_add_test(boundary, own_home_symlinked_folder_followed);
    suite_add_tcase(s, boundary);
    TCase *copies = tcase_create("copies");
    tcase_set_timeout(copies, 60);
    tcase_add_loop_test(copies, copied_interrupted_home, 0, 2);
    tcase_add_test(copies, edit_after_crash_survives);
    tcase_add_test(copies, record_left_after_a_landed_apply);
    tcase_add_loop_test(copies, broken_record_has_a_way_out, 0, N(BROKEN));
    suite_add_tcase(s, copies);
    return fx_run_suite("claims", s);
}
