/*
 * portshift: the command line as a function.
 *
 * The second public header: what `portshift` itself is, for a program (or a
 * test) that runs the command line in-process rather than as a process. The
 * library (<portshift/portshift.h>) knows nothing of exit statuses; they
 * belong to the command line, whose manual page lists them too.
 */
#ifndef PORTSHIFT_CLI_H
#define PORTSHIFT_CLI_H

#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Exit statuses of every command. */
enum {
    PS_EXIT_OK = 0,      /* nothing to change, no findings, apply succeeded */
    PS_EXIT_PENDING = 1, /* diff: changes pending; check: findings */
    PS_EXIT_ERROR = 2    /* usage or input error; nothing was written */
};

/*
 * Runs the portshift command line with argv[0] the program name. Normal
 * output goes to `out`, diagnostics to `err`. Returns the exit status
 * (PS_EXIT_*). Holds no global state between calls. argv, argv[0..argc),
 * `out` and `err` are required: a NULL one is PS_EXIT_ERROR, nothing run,
 * and it is said on `err` when `err` is not NULL. Nothing is freed or kept:
 * argv and the streams stay the caller's.
 */
int ps_cli_main(int argc, char **argv, FILE *out, FILE *err);

#ifdef __cplusplus
}
#endif

#endif
