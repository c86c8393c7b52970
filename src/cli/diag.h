/*
 * Saying an error or a warning on a stream: the command line's job, not the
 * library's, which hands its diagnostics over as ps_error records.
 */
#ifndef PS_CLI_DIAG_H
#define PS_CLI_DIAG_H

#include <stdio.h>

#include <portshift/portshift.h>

/* Prints "portshift: path:line:col: SEVERITY: message" (parts omitted when unset). */
void ps_error_print(FILE *to, const char *severity, const ps_error *err);

#endif
