/* Running a Check suite the same way in every test program. */
#ifndef PS_TESTS_RUNNER_H
#define PS_TESTS_RUNNER_H

#include <check.h>

/* Runs every test of `s` (fork mode unless CK_FORK=no) and returns how many failed. */
int run_suite(Suite *s);

#endif
