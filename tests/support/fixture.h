/*
 * Scratch homes and the error contract for the CLI error suites
 * (check_input_errors.c, check_write_errors.c). Linking this also interposes
 * rename(2), so a test can make the Nth rename of an apply fail.
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

void fail_rename(int nth);
void fx_open(fx *f);
void fx_close(fx *f);
const char *in(const fx *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void fx_add(const fx *f, const char *fixture, const char *name);
void put(const char *path, const char *text);
/* Replaces the one occurrence of `from` in the file at `path` with `to`. */
void fx_replace(const char *path, const char *from, const char *to);
cli_result cli(const fx *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/*
 * For a case that needs an unprivileged user (permissions must stop it): as
 * root, gives the scratch folder to nobody and makes every later cli() call
 * run as nobody in a forked child (call it once the files are in place);
 * as anyone else, changes nothing. Returns 0 when nobody cannot reach the
 * scratch folder: the case is then skipped (said so, see case_skipped) and
 * `f` closed.
 */
int fx_unprivileged(fx *f, const char *test);
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
/* One folder holding every scratch folder of the suite (it becomes TMPDIR);
 * fx_suite_done removes it, whatever the tests left behind. */
int fx_suite_root(const char *name);
void fx_suite_done(void);
void usage_refused(const fx *f, const char *cmdline, const char *needle);
void applies(const fx *f, const char *args, const char *const *names, long n);
void applies_home(const fx *f, const char *name, long n);

#endif
