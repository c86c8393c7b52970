/*
 * Scratch homes and the error contract for the CLI error suites
 * (check_input_errors.c, check_write_errors.c, check_recovery.c). Linking
 * this also interposes rename(2) and fsync(2), so a test can make the Nth
 * call of an apply fail, or kill the process at the Nth rename.
 */
#ifndef PS_TESTS_FIXTURE_H
#define PS_TESTS_FIXTURE_H

#include <check.h>

#include "tree.h"

#define CARBON "repository/conf/carbon.xml"
#define CATALINA "repository/conf/tomcat/catalina-server.xml"

typedef struct fx {
    char *scratch; /* the cwd of every CLI run; homes are scratch/<name> */
    int as_nobody; /* cli() runs as nobody (fx_unprivileged, as root) */
} fx;

/* expect_error: accept any column (libxml2 reports where it noticed the error). */
enum { ANY_COL = -1 };

extern const char *const APPLY_DIFF_PLAN[];
extern const char *const APPLY_DIFF[];
extern const char *const APPLY[];

/* The Nth rename from now fails with EACCES (0: none). Resets the count. */
void fail_rename(int nth);
/* The Nth and the Mth renames from now fail (0: none). Resets the count. */
void fail_renames(int nth, int mth);
/* The Nth rename from now raises SIGKILL instead (0: none). Resets the count. */
void kill_at_rename(int nth);
/* Both: the Nth rename fails, the Mth raises SIGKILL. Resets the count. */
void fail_rename_then_kill(int fail_nth, int kill_nth);
/* Renames since the last fail_rename or kill_at_rename. */
int renames(void);
/* The Nth fsync from now fails with EIO (0: none). Resets the count. */
void fail_fsync(int nth);
/* The next fsync of folder `dir` fails with EIO, once. */
void fail_fsync_of(const char *dir);
/* Runs `cmd` in a child killed at its kill_nth rename (after failing its
 * fail_nth one, if not 0); asserts it died there, as a crash would. */
void killed(const fx *f, int fail_nth, int kill_nth, const char *cmd);
/* scratch/<got> holds exactly the bytes of scratch/<want>, leftovers included. */
void expect_tree(const fx *f, const char *want, const char *got, const char *what);
/* fsyncs since the last fail_fsync. */
int fsyncs(void);
/* While on, removing a crash record (.portshift-journal) fails with EBUSY. */
void fail_record_removal(int on);
void fx_open(fx *f);
void fx_close(fx *f);
const char *in(const fx *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void fx_add(const fx *f, const char *fixture, const char *name);
/* A copy of the bundled example home (examples/apim-2.6-home, 4 files to edit) as scratch/name. */
void fx_example(const fx *f, const char *name);
void put(const char *path, const char *text);
/* Replaces the one occurrence of `from` in the file at `path` with `to`. */
void fx_replace(const char *path, const char *from, const char *to);
cli_result cli(const fx *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/*
 * For a case that needs an unprivileged user (permissions must stop it): as
 * root, gives the scratch folder to nobody and makes every later cli() call
 * run as nobody in a forked child (call it once the files are in place);
 * as anyone else, changes nothing. A scratch folder nobody cannot reach
 * fails the case (fx_suite_root makes them where nobody can).
 */
void fx_unprivileged(fx *f, const char *test);
int expect_error(const cli_result *r, const char *what, const char *path, int line, int col,
                 const char *needle, int usage);
void assert_same(const snapshot *a, const snapshot *b, const char *what);
/* The file `rel` of snapshot s; fails the case when there is none. */
snap_file *snap_find(snapshot *s, const char *rel);
/* Runs each `cmds[i] args`: the error contract and an unchanged scratch folder.
 * Returns the column the (last) diagnostic gave. */
int refused(const fx *f, const char *const *cmds, const char *args, const char *path, int line,
            int col, const char *needle);
/* `diff args` still works and has changes pending (exit 1): reading needs nothing `why` stops. */
void diff_pending(const fx *f, const char *args, const char *why);
/* One folder holding every scratch folder of the suite (it becomes TMPDIR),
 * one nobody can enter (tmpdir_for_nobody); fx_suite_done removes it,
 * whatever the tests left behind. */
int fx_suite_root(const char *name);
void fx_suite_done(void);
/* fx_suite_root, run_suite_status, fx_suite_done: main's exit status (77 when a case was skipped).
 */
int fx_run_suite(const char *name, Suite *s);
/* A checked fixture (tcase_add_checked_fixture(tc, fx_setup, fx_teardown)):
 * each test gets fx_current, a fresh scratch folder; fx_at(rel) is a path in it. */
extern fx fx_current;
void fx_setup(void);
void fx_teardown(void);
const char *fx_at(const char *rel);
void usage_refused(const fx *f, const char *cmdline, const char *needle);
void applies(const fx *f, const char *args, const char *const *names, long n);
void applies_home(const fx *f, const char *name, long n);

#endif
