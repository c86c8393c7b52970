/*
 * Saying an error or a warning on a stream: the command line's job, not the
 * library's, which hands its diagnostics over as ps_error records. The
 * command line's own errors (its arguments) are such records too.
 */
#ifndef PS_CLI_DIAG_H
#define PS_CLI_DIAG_H

#include <stdio.h>

#include <portshift/portshift.h>

/* Prints "portshift: path:line:col: SEVERITY: message" (parts omitted when unset). */
void ps_error_print(FILE *to, const char *severity, const ps_error *err);

/* Sets err (if not NULL) to a message about the command line itself (no
 * path, no position). Always returns -1. */
int ps_cli_error(ps_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
