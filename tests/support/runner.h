/* Running a Check suite the same way in every test program. */
#ifndef PS_TESTS_RUNNER_H
#define PS_TESTS_RUNNER_H

#include <check.h>

/* Exit status of a test program that could not run its checks (no corpus, no
 * tool): tests/CMakeLists.txt maps it to SKIP_RETURN_CODE, so CTest reports
 * the suite as skipped, not passed. */
#define PS_SKIPPED 77

/* Runs every test of `s` (fork mode unless CK_FORK=no) and returns how many failed. */
int run_suite(Suite *s);

#endif
