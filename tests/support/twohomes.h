/*
 * The two homes of the crash and reader suites (check_recovery.c,
 * check_readers.c): an EI 6.x home (tests/fixtures/cli/ei-mini: integrator
 * 0, business-process 2, broker 3) and a Carbon 4.4.9 home that is a client
 * of its broker and business-process console, so that re-planning from a
 * half applied state moves the client's references differently from a
 * clean apply.
 */
#ifndef PS_TESTS_TWOHOMES_H
#define PS_TESTS_TWOHOMES_H

#include "fixture.h"

/* scratch/<dir>/ei and scratch/<dir>/b. */
void two_homes(const fx *f, const char *dir);
/* `cmd` succeeds; returns how many renames it made. */
int succeeds(const fx *f, const char *cmd);

#endif
