/*
 * All or nothing, even across a crash (DESIGN §2.5), through the CLI:
 * an apply killed at each of its renames is finished by the next apply;
 * readers refuse (writing nothing) a home that a killed apply left; a failed
 * fsync undoes the apply. Readers beside a live apply: check_readers.c.
 *
 * Two homes: an EI 6.x home (tests/fixtures/cli/ei-mini: integrator 0,
 * business-process 2, broker 3) and a Carbon 4.4.9 home that is a client of
 * its broker and business-process console, so that re-planning from a half
 * applied state moves the client's references differently from a clean apply.
 * Kills and failures come from the rename/fsync interposition of
 * tests/support/fixture.c, in a forked child for kills.
 */
#include <check.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
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
#include "../support/twohomes.h"
#include "write/lock.h"

static void snap(snapshot *s, const fx *f, const char *dir)
{
    snapshot_take(s, in(f, "%s", dir));
}

/* What an apply leaves only while it runs: staged files and records. */
static int is_leftover(const char *rel)
{
    const char *slash = strrchr(rel, '/');
    return strstr(slash ? slash + 1 : rel, ".portshift-") != NULL;
}

/* Drops the leftovers from s; returns how many there were. */
static size_t drop_leftovers(snapshot *s)
{
    size_t kept = 0, n = s->count;
    for (size_t i = 0; i < n; i++) {
        if (is_leftover(s->files[i].rel)) {
            free(s->files[i].rel);
            free(s->files[i].data);
            continue;
        }
        s->files[kept++] = s->files[i];
    }
    s->count = kept;
    return n - kept;
}

static int same(const snapshot *a, const snapshot *b)
{
    char *msg = snapshot_diff(a, b);
    free(msg);
    return msg == NULL;
}

static void expect_same(const snapshot *want, const snapshot *got, const char *what)
{
    char *msg = snapshot_diff(want, got);
    ck_assert_msg(msg == NULL, "%s: %s", what, msg);
}

/*
 * A reader after a crash: exit 2 naming the command that recovers, or (when
 * the apply died before its record counted) exit 1 on a tree that, staged
 * files aside, is exactly the original. Never 0, never a half state.
 */
static void diff_after_crash(const fx *f, const char *dir, const snapshot *original,
                             const char *what)
{
    snapshot now;
    cli_result r = cli(f, "diff %s/ei=7 %s/b=4", dir, dir);
    if (r.status == 2) {
        ck_assert_msg(strstr(r.err, "'portshift recover ") &&
                          (strstr(r.err, "' finishes it") || strstr(r.err, "' cleans it up")),
                      "%s: diff: %s", what, r.err);
    } else {
        ck_assert_msg(r.status == 1, "%s: diff exit %d: %s", what, r.status, r.err);
        snap(&now, f, dir);
        drop_leftovers(&now);
        char *msg = snapshot_diff(original, &now);
        ck_assert_msg(msg == NULL, "%s: diff exits 1 on a state that is not the original: %s", what,
                      msg);
        snapshot_free(&now);
    }
    cli_result_free(&r);
}

/* ---- done-when 2: killed at each rename, finished by the next apply ---- */

/*
 * _i: bit 0 --backup; bit 1 an apply first names only the client home (no
 * offset): it deals with that home's part alone, which ends as after a
 * clean apply or as it was, and the EI home is not touched.
 */
START_TEST(killed_apply_is_finished)
{
    const char *backup = _i & 1 ? "--backup " : "";
    int other_first = _i & 2;
    fx f;
    fx_open(&f);
    two_homes(&f, "clean");
    snapshot original, clean, original_b, clean_b;
    snap(&original, &f, "clean");
    snap(&original_b, &f, "clean/b");
    char cmd[512];
    snprintf(cmd, sizeof cmd, "apply %sclean/ei=7 clean/b=4", backup);
    int n = succeeds(&f, cmd);
    snap(&clean, &f, "clean");
    snap(&clean_b, &f, "clean/b");
    /* 2 records and 9 files (+ 9 backups): every one of them is a place to die */
    ck_assert_int_eq(n, backup[0] ? 20 : 11);

    for (int k = 1; k <= n; k++) {
        char dir[32], what[600];
        snprintf(dir, sizeof dir, "k%d", k);
        snprintf(cmd, sizeof cmd, "apply %s%s/ei=7 %s/b=4", backup, dir, dir);
        snprintf(what, sizeof what, "%s, killed at rename %d", cmd, k);
        two_homes(&f, dir);
        killed(&f, 0, k, cmd);
        diff_after_crash(&f, dir, &original, what);

        if (other_first) {
            char other[64], ei[64], b[64];
            snprintf(other, sizeof other, "apply %s/b", dir);
            snprintf(ei, sizeof ei, "%s/ei", dir);
            snprintf(b, sizeof b, "%s/b", dir);
            snapshot ei_before, ei_after, now;
            snap(&ei_before, &f, ei);
            succeeds(&f, other);
            snap(&ei_after, &f, ei);
            expect_same(&ei_before, &ei_after, "the home not named");
            snap(&now, &f, b);
            ck_assert_msg(access(in(&f, "%s/b/.portshift-journal", dir), F_OK) < 0,
                          "%s: %s left b's record", what, other);
            if (!same(&clean_b, &now)) {
                drop_leftovers(&now);
                ck_assert_msg(same(&original_b, &now),
                              "%s: after %s, b is neither the original nor a clean apply", what,
                              other);
            }
            snapshot_free(&now);
            snapshot_free(&ei_before);
            snapshot_free(&ei_after);
        }
        succeeds(&f, cmd);
        expect_tree(&f, "clean", dir, what);
        tree_remove(in(&f, "%s", dir));
    }
    snapshot_free(&original);
    snapshot_free(&clean);
    snapshot_free(&original_b);
    snapshot_free(&clean_b);
    fx_close(&f);
}
END_TEST

/*
 * Both homes' jndi.properties are symlinks to one file outside them: two
 * entries, one file, staged twice and renamed once. Killed at each rename,
 * the next apply still ends at a clean apply, leaving nothing staged beside
 * the shared file: no home's sweep reaches that folder, the record does.
 * The one exception, documented: killed before any record (at the first
 * rename), the file staged beside the shared file stays, since a folder
 * outside every home may hold a live apply's staged files.
 */
static void two_homes_sharing(const fx *f, const char *dir)
{
    two_homes(f, dir);
    ck_assert_int_eq(mkdir(in(f, "%s/shared", dir), 0755), 0);
    ck_assert_int_eq(
        rename(in(f, "%s/ei/conf/jndi.properties", dir), in(f, "%s/shared/jndi.properties", dir)),
        0);
    ck_assert_int_eq(unlink(in(f, "%s/b/repository/conf/jndi.properties", dir)), 0);
    ck_assert_int_eq(
        symlink("../../shared/jndi.properties", in(f, "%s/ei/conf/jndi.properties", dir)), 0);
    ck_assert_int_eq(symlink("../../../shared/jndi.properties",
                             in(f, "%s/b/repository/conf/jndi.properties", dir)),
                     0);
}

START_TEST(killed_apply_with_a_shared_file_is_finished)
{
    fx f;
    fx_open(&f);
    two_homes_sharing(&f, "clean");
    int n = succeeds(&f, "apply clean/ei=7 clean/b=4");
    ck_assert_int_eq(n, 2 + 8); /* two records, eight files: jndi.properties once, staged once */
    for (int k = 1; k <= n; k++) {
        char dir[32], cmd[256];
        snprintf(dir, sizeof dir, "k%d", k);
        snprintf(cmd, sizeof cmd, "apply %s/ei=7 %s/b=4", dir, dir);
        two_homes_sharing(&f, dir);
        killed(&f, 0, k, cmd);
        succeeds(&f, cmd);
        if (k == 1) {
            snapshot want, got;
            snap(&want, &f, "clean");
            snap(&got, &f, dir);
            for (size_t i = 0; i < got.count; i++)
                ck_assert_msg(!is_leftover(got.files[i].rel) ||
                                  strncmp(got.files[i].rel, "shared/", 7) == 0,
                              "%s: %s", cmd, got.files[i].rel);
            ck_assert_int_eq(drop_leftovers(&got), 1);
            expect_same(&want, &got, cmd);
            snapshot_free(&want);
            snapshot_free(&got);
            continue;
        }
        expect_tree(&f, "clean", dir, cmd);
    }
    fx_close(&f);
}
END_TEST

/* Killed again while finishing (Ctrl-C twice): the apply after that finishes. */
START_TEST(killed_recovery_is_finished)
{
    fx f;
    fx_open(&f);
    two_homes(&f, "clean");
    succeeds(&f, "apply clean/ei=7 clean/b=4");
    /* Killed at rename 4: both records and one file in place, eight to go. */
    two_homes(&f, "count");
    killed(&f, 0, 4, "apply count/ei=7 count/b=4");
    int m = succeeds(&f, "apply count/ei=7 count/b=4");
    ck_assert_int_eq(m, 8);
    for (int j = 1; j <= m; j++) {
        char dir[32], cmd[256];
        snprintf(dir, sizeof dir, "j%d", j);
        snprintf(cmd, sizeof cmd, "apply %s/ei=7 %s/b=4", dir, dir);
        two_homes(&f, dir);
        killed(&f, 0, 4, cmd);
        killed(&f, 0, j, cmd);
        succeeds(&f, cmd);
        expect_tree(&f, "clean", dir, cmd);
    }
    fx_close(&f);
}
END_TEST

/*
 * A rename fails (the 5th: two records, then the third file), and the undo
 * that follows is killed at each of its renames: its two records, then the
 * two files it puts back. Whichever record counts when it dies, the next
 * apply finishes it (the restore or the apply) and ends at a clean apply.
 */
START_TEST(killed_undo_is_finished)
{
    fx f;
    fx_open(&f);
    two_homes(&f, "clean");
    snapshot original;
    snap(&original, &f, "clean");
    succeeds(&f, "apply clean/ei=7 clean/b=4");
    for (int j = 6; j <= 9; j++) {
        char dir[32], cmd[256];
        snprintf(dir, sizeof dir, "u%d", j);
        snprintf(cmd, sizeof cmd, "apply %s/ei=7 %s/b=4", dir, dir);
        two_homes(&f, dir);
        killed(&f, 5, j, cmd);
        diff_after_crash(&f, dir, &original, cmd);
        succeeds(&f, cmd);
        expect_tree(&f, "clean", dir, cmd);
    }
    snapshot_free(&original);
    fx_close(&f);
}
END_TEST

/*
 * A rename fails (the 5th), and so does one of the undo's: the record of
 * the undo in the first home (the 7th: the undo does not count, the apply
 * does) or the restore of the first file (the 8th: the undo counts). Exit 2,
 * saying which the next apply finishes; readers refuse the homes until
 * then; that apply ends at a clean apply.
 */
START_TEST(failed_undo_is_finished)
{
    static const struct {
        int second;
        const char *finishes;
    } cases[] = {{7, "finishes the apply"}, {8, "finishes the restore"}};
    fx f;
    fx_open(&f);
    two_homes(&f, "clean");
    succeeds(&f, "apply clean/ei=7 clean/b=4");
    two_homes(&f, "h");
    /* Files go home by home as named: ei's carbon.xml and catalina-server.xml
     * come after the records, and the third file is ei's. */
    char want[4200];
    snprintf(want, sizeof want, "'portshift recover h/ei' %s", cases[_i].finishes);
    fail_renames(5, cases[_i].second);
    cli_result r = cli(&f, "apply h/ei=7 h/b=4");
    fail_rename(0);
    expect_error(&r, "apply (a rename and an undo fail)", "h/ei/conf/tomcat/catalina-server.xml", 0,
                 0, want, 0);
    cli_result_free(&r);
    refused(&f, (const char *const[]){"diff", NULL}, "h/ei=7 h/b=4", "h/ei/.portshift-journal", 0,
            0, "'portshift recover h/ei' finishes it");
    succeeds(&f, "apply h/ei=7 h/b=4");
    expect_tree(&f, "clean", "h", "apply after a failed undo");
    fx_close(&f);
}
END_TEST

/* ---- readers refuse a home a killed apply left, and write nothing ---- */

/* scratch/clean after a clean apply; scratch/h after the same apply was
 * killed at rename 4 (both records and one file in place). */
static void crashed(const fx *f)
{
    two_homes(f, "clean");
    succeeds(f, "apply clean/ei=7 clean/b=4");
    two_homes(f, "h");
    killed(f, 0, 4, "apply h/ei=7 h/b=4");
}

static const char *const READERS[] = {"diff", "plan", "ports", NULL};

START_TEST(reader_refuses_an_interrupted_home)
{
    fx f;
    fx_open(&f);
    crashed(&f);
    const char *ei = "h/ei/.portshift-journal", *b = "h/b/.portshift-journal";
    refused(&f, READERS, "h/ei=7 h/b=4", ei, 0, 0, "'portshift recover h/ei' finishes it");
    refused(&f, READERS, "h/b", b, 0, 0, "'portshift recover h/b' finishes it");
    refused(&f, READERS, "--offset 1 h/ei/wso2/broker", ei, 0, 0, "an apply was interrupted here");
    refused(&f, (const char *const[]){"plan", "ports", NULL}, "--json h/b", b, 0, 0, "interrupted");
    /* check only reads too, and takes no offset. */
    refused(&f, (const char *const[]){"check", "check --json", "check --listening", NULL},
            "h/ei h/b", ei, 0, 0, "'portshift recover h/ei' finishes it");
    /* batch reads unless it applies. */
    refused(&f, (const char *const[]){"batch", "batch --json", "batch --diff", NULL}, "h/b h/ei", b,
            0, 0, "'portshift recover h/b' finishes it");

    /* The command it names finishes that home's part, and says which home
     * still holds its own; that one finishes the rest. */
    cli_result r = cli(&f, "recover h/b");
    ck_assert_msg(r.status == 0, "recover h/b: exit %d: %s", r.status, r.err);
    ck_assert_msg(strstr(r.out, "finished the interrupted apply of h/b; its other homes still "
                                "hold theirs: 'portshift recover h/ei' finishes them\n"),
                  "recover h/b: %s", r.out);
    cli_result_free(&r);
    expect_tree(&f, "clean/b", "h/b", "recover h/b after a crash");
    refused(&f, READERS, "h/ei=7 h/b=4", ei, 0, 0, "'portshift recover h/ei' finishes it");
    r = cli(&f, "recover h/ei");
    ck_assert_msg(r.status == 0, "recover h/ei: exit %d: %s", r.status, r.err);
    ck_assert_str_eq(r.out, "finished the interrupted apply of h/ei\n");
    cli_result_free(&r);
    expect_tree(&f, "clean", "h", "recover h/b, then h/ei, after a crash");
    /* Nothing left to do says nothing. */
    r = cli(&f, "recover h/ei h/b");
    ck_assert_msg(r.status == 0 && !r.out[0] && !r.err[0], "recover again: %d %s%s", r.status,
                  r.out, r.err);
    cli_result_free(&r);
    fx_close(&f);
}
END_TEST

/* batch --apply finishes a killed apply first, as apply does, then batches
 * the homes as that apply left them. */
START_TEST(batch_apply_finishes_an_interrupted_home)
{
    fx f;
    fx_open(&f);
    crashed(&f);
    cli_result r = cli(&f, "batch --apply h/b h/ei");
    ck_assert_msg(r.status == 0, "batch --apply: exit %d: %s", r.status, r.err);
    ck_assert_msg(strstr(r.out, "finished the interrupted apply of ") == r.out, "%s", r.out);
    cli_result_free(&r);
    ck_assert(succeeds(&f, "batch --apply clean/b clean/ei"));
    expect_tree(&f, "clean", "h", "batch --apply after a crash");
    fx_close(&f);
}
END_TEST

/* A record that cannot be read stops apply (positioned) and the readers. */
START_TEST(unreadable_record_refused)
{
    fx f;
    fx_open(&f);
    two_homes(&f, "h");
    put(in(&f, "h/ei/.portshift-journal"), "portshift journal 2\nid 1f\nhome 1 2 3:abc\nend\n");
    refused(&f, APPLY, "h/ei=7 h/b=4", "h/ei/.portshift-journal", 3, 12,
            "not a resolved absolute path");
    refused(&f, READERS, "h/ei=7 h/b=4", "h/ei/.portshift-journal", 3, 12,
            "'portshift recover --discard h/ei' removes it");
    /* And that command does, keeping every other file. */
    snapshot before, after;
    snap(&before, &f, "h");
    cli_result r = cli(&f, "recover --discard h/ei");
    ck_assert_msg(r.status == 0, "recover --discard: exit %d: %s", r.status, r.err);
    cli_result_free(&r);
    snap(&after, &f, "h");
    ck_assert_int_eq(access(in(&f, "h/ei/.portshift-journal"), F_OK), -1);
    ck_assert_int_eq(drop_leftovers(&before), 1);
    expect_same(&before, &after, "recover --discard of an unreadable record");
    snapshot_free(&before);
    snapshot_free(&after);
    r = cli(&f, "diff h/ei=7 h/b=4");
    ck_assert_msg(r.status == 1, "diff after the discard: exit %d: %s", r.status, r.err);
    cli_result_free(&r);
    fx_close(&f);
}
END_TEST

/* A forged record cannot make apply rename a file over another. */
START_TEST(forged_record_refused)
{
    fx f;
    fx_open(&f);
    two_homes(&f, "h");
    put(in(&f, "h/ei/.portshift-journal"),
        "portshift journal 2\nid 1f\nhome 1 2 2:/h\ncommit 1 2 2:/h\n"
        "move 20:conf/jndi.properties 15:conf/carbon.xml 0000000000000001 0000000000000002\n"
        "end\n");
    refused(&f, APPLY, "h/ei=7", "h/ei/.portshift-journal", 5, 5,
            "not a file staged beside the one it replaces");
    fx_close(&f);
}
END_TEST

/*
 * A home of the apply was moved since the crash (killed at rename 4: both
 * records and the EI home's first file in place). The EI home, which
 * commits, is finished alone and keeps its record as the evidence the
 * moved home needs; the moved home, where it is now, learns from it that
 * the apply counted, and is finished too; recover --discard then lets the
 * evidence go.
 */
START_TEST(record_of_a_moved_home)
{
    fx f;
    fx_open(&f);
    crashed(&f);
    ck_assert_int_eq(rename(in(&f, "h/b"), in(&f, "moved-b")), 0);
    cli_result r = cli(&f, "apply h/ei");
    ck_assert_msg(r.status == 0, "apply h/ei: exit %d: %s", r.status, r.err);
    ck_assert_msg(strstr(r.out, "finished the interrupted apply of h/ei; a home of the apply is "
                                "not where its record says"),
                  "%s", r.out);
    cli_result_free(&r);
    ck_assert_int_eq(access(in(&f, "h/ei/.portshift-journal"), F_OK), 0);
    succeeds(&f, "diff h/ei=7"); /* a "done" record stands in no one's way */
    r = cli(&f, "recover moved-b");
    ck_assert_msg(r.status == 0, "recover moved-b: exit %d: %s", r.status, r.err);
    ck_assert_str_eq(r.out, "finished the interrupted apply of moved-b\n");
    cli_result_free(&r);
    succeeds(&f, "recover --discard h/ei");
    ck_assert_int_eq(rename(in(&f, "moved-b"), in(&f, "h/b")), 0);
    expect_tree(&f, "clean", "h", "a moved home, finished where it is");
    fx_close(&f);
}
END_TEST

/* The home that commits is gone: a home that cannot tell whether the apply
 * counted is not guessed at. */
START_TEST(record_whose_first_home_is_gone)
{
    fx f;
    fx_open(&f);
    crashed(&f);
    ck_assert_int_eq(rename(in(&f, "h/ei"), in(&f, "moved-ei")), 0);
    snapshot before, after;
    snap(&before, &f, "h/b");
    refused(&f, APPLY, "h/b", "h/b/.portshift-journal", 0, 0,
            "cannot tell whether the interrupted apply counts: its first home h/ei is not there");
    snap(&after, &f, "h/b");
    expect_same(&before, &after, "a home that cannot tell");
    snapshot_free(&before);
    snapshot_free(&after);
    fx_close(&f);
}
END_TEST

/* Finishing an apply writes config files: not under a running server, unless --force. */
START_TEST(recovery_spares_a_running_server)
{
    fx f;
    fx_open(&f);
    crashed(&f);
    char pid[32];
    snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    put(in(&f, "h/b/wso2carbon.pid"), pid);
    refused(&f, APPLY, "h/ei h/b", "h/b", 0, 0, "the server is running");
    succeeds(&f, "apply --force h/ei h/b");
    ck_assert_int_eq(unlink(in(&f, "h/b/wso2carbon.pid")), 0);
    expect_tree(&f, "clean", "h", "apply --force after a crash");
    fx_close(&f);
}
END_TEST

/* ---- durability: a failed fsync undoes the apply ---- */

START_TEST(failed_folder_sync_undoes_the_apply)
{
    fx f;
    fx_open(&f);
    two_homes(&f, "h");
    snapshot before, after;
    snapshot_take(&before, f.scratch);
    char *conf = realpath(in(&f, "h/ei/conf"), NULL);
    fail_fsync_of(conf);
    cli_result r = cli(&f, "apply h/ei=7 h/b=4");
    fail_fsync(0);
    expect_error(&r, "apply (the sync of ei/conf fails)", "h/ei/conf", 0, 0,
                 "cannot sync: Input/output error", 0);
    cli_result_free(&r);
    snapshot_take(&after, f.scratch);
    assert_same(&before, &after, "apply (the sync of ei/conf fails)");
    snapshot_free(&before);
    snapshot_free(&after);
    free(conf);
    fx_close(&f);
}
END_TEST

/*
 * Each fsync of an apply fails in turn. Up to the folder syncs after the
 * renames, the apply is undone: exit 2 and every byte as before. The syncs
 * after the records are removed cannot undo anything (every file is durable
 * by then): the apply stands, exactly as a clean one.
 */
START_TEST(every_failed_fsync_undoes_or_lands)
{
    fx f;
    fx_open(&f);
    two_homes(&f, "clean");
    fail_fsync(0);
    succeeds(&f, "apply clean/ei=7 clean/b=4");
    int n = fsyncs();
    /* 9 files, 2 records (file and folder each), 6 folders, 2 homes after the records go */
    ck_assert_int_eq(n, 9 + 4 + 6 + 2);
    for (int k = 1; k <= n; k++) {
        char dir[32], what[128];
        snprintf(dir, sizeof dir, "s%d", k);
        snprintf(what, sizeof what, "apply, fsync %d of %d fails", k, n);
        two_homes(&f, dir);
        snapshot before, after;
        snap(&before, &f, dir);
        fail_fsync(k);
        cli_result r = cli(&f, "apply %s/ei=7 %s/b=4", dir, dir);
        fail_fsync(0);
        snap(&after, &f, dir);
        if (k <= n - 2) {
            ck_assert_msg(r.status == 2 && strstr(r.err, "error: cannot") &&
                              strchr(r.err, '\n') == r.err + strlen(r.err) - 1,
                          "%s: exit %d: %s", what, r.status, r.err);
            expect_same(&before, &after, what);
        } else {
            /* The apply stands; the failed sync is said, as a warning. */
            ck_assert_msg(r.status == 0, "%s: exit %d: %s", what, r.status, r.err);
            ck_assert_msg(strstr(r.err, "warning: ") && strstr(r.err, "cannot sync"), "%s: %s",
                          what, r.err);
            expect_tree(&f, "clean", dir, what);
        }
        cli_result_free(&r);
        snapshot_free(&before);
        snapshot_free(&after);
    }
    fx_close(&f);
}
END_TEST

/*
 * An apply killed while staging leaves staged files and no record: the next
 * apply removes them, wherever they sit beside the home's config files
 * (repository/conf, a folder below it), and nothing else that is hidden.
 */
START_TEST(staged_files_of_a_killed_staging_go)
{
    fx f;
    fx_open(&f);
    fx_example(&f, "am");
    const char *left[] = {"am/repository/conf/.carbon.xml.portshift-Ab12Cd",
                          "am/repository/conf/tomcat/.catalina-server.xml.bak.portshift-Zz99Yy"};
    for (size_t i = 0; i < N(left); i++)
        put(in(&f, "%s", left[i]), "half written");
    put(in(&f, "am/repository/conf/axis2/.keep"), "not ours");
    succeeds(&f, "apply -o 2 am");
    for (size_t i = 0; i < N(left); i++)
        ck_assert_msg(access(in(&f, "%s", left[i]), F_OK) == -1 && errno == ENOENT,
                      "%s is still there", left[i]);
    ck_assert_int_eq(access(in(&f, "am/repository/conf/axis2/.keep"), F_OK), 0);
    fx_close(&f);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("recovery");
    TCase *crash = tcase_create("crash");
    tcase_set_timeout(crash, 120);
    tcase_add_loop_test(crash, killed_apply_is_finished, 0, 4);
    tcase_add_test(crash, killed_apply_with_a_shared_file_is_finished);
    tcase_add_test(crash, killed_recovery_is_finished);
    tcase_add_test(crash, killed_undo_is_finished);
    tcase_add_loop_test(crash, failed_undo_is_finished, 0, 2);
    tcase_add_test(crash, staged_files_of_a_killed_staging_go);
    suite_add_tcase(s, crash);

    TCase *readers = tcase_create("readers");
    tcase_set_timeout(readers, 120);
    tcase_add_test(readers, reader_refuses_an_interrupted_home);
    tcase_add_test(readers, batch_apply_finishes_an_interrupted_home);
    tcase_add_test(readers, unreadable_record_refused);
    tcase_add_test(readers, forged_record_refused);
    tcase_add_test(readers, recovery_spares_a_running_server);
    tcase_add_test(readers, record_of_a_moved_home);
    tcase_add_test(readers, record_whose_first_home_is_gone);
    suite_add_tcase(s, readers);

    TCase *sync = tcase_create("durability");
    tcase_set_timeout(sync, 120);
    tcase_add_test(sync, failed_folder_sync_undoes_the_apply);
    tcase_add_test(sync, every_failed_fsync_undoes_or_lands);
    suite_add_tcase(s, sync);
    return fx_run_suite("recovery", s);
}
