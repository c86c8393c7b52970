/* Running a Check suite the same way in every test program. */
#ifndef PS_TESTS_RUNNER_H
#define PS_TESTS_RUNNER_H

#include <check.h>

/* Exit status of a test program that could not run its checks (no corpus, no
 * tool): tests/CMakeLists.txt maps it to SKIP_RETURN_CODE, so CTest reports
 * the suite as skipped, not passed. */
#define PS_SKIPPED 77

/* Rows of a static table, for tcase_add_loop_test (the same as xmlcase.h's). */
#define N(a) (int)(sizeof(a) / sizeof((a)[0]))

/* Runs every test of `s` (fork mode unless CK_FORK=no) and returns how many failed. */
int run_suite(Suite *s);

/*
 * Says why the running case cannot run its checks (one line on stdout); the
 * case then returns. Check has no "skipped" result, so run_suite_status
 * remembers it across Check's fork and reports the whole program as skipped:
 * a case that did not run is never counted as passed.
 */
void case_skipped(const char *test, const char *why);

/* Runs `s` and returns main's exit status: EXIT_FAILURE when a case failed,
 * PS_SKIPPED when none failed but one called case_skipped, else EXIT_SUCCESS. */
int run_suite_status(Suite *s);

#endif
