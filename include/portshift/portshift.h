/*
 * portshift: apply a port offset to WSO2 Carbon product installs.
 *
 * The one public header. Everything a program (or a test) needs to run
 * portshift in-process: the error record and the CLI entry point.
 */
#ifndef PORTSHIFT_PORTSHIFT_H
#define PORTSHIFT_PORTSHIFT_H

#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Exit statuses of every command (DESIGN §4). */
enum {
    PS_EXIT_OK = 0,      /* nothing to change, no findings, apply succeeded */
    PS_EXIT_PENDING = 1, /* diff: changes pending; check: findings */
    PS_EXIT_ERROR = 2    /* usage or input error; nothing was written */
};

/*
 * One error, positioned at the byte that is wrong. `line` and `col` are
 * 1-based; 0 means "no position" (the error concerns the file or the call).
 * Functions that fail fill the record once; a caller never overwrites a
 * callee's message.
 */
typedef struct ps_error {
    char path[1024];
    int line;
    int col;
    char message[512];
} ps_error;

/*
 * Runs the portshift command line with argv[0] the program name. Normal
 * output goes to `out`, diagnostics to `err`. Returns the exit status
 * (PS_EXIT_*). Holds no global state between calls.
 */
int ps_cli_main(int argc, char **argv, FILE *out, FILE *err);

#ifdef __cplusplus
}
#endif

#endif
