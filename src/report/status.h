/*
 * `status`: one row per home of a check, the main runtime's values (an EI
 * home's integrator): product and version, the offset the files say and
 * the one it starts at, its main HTTPS port there, whether its server runs,
 * and the other homes it clashes with. Built as data from the check (its
 * plan of the homes as they are, its clash findings), rendered by
 * report/report.h.
 */
#ifndef PS_REPORT_STATUS_H
#define PS_REPORT_STATUS_H

#include <stddef.h>

#include "check/check.h"
#include "report/rows.h"

typedef struct ps_status_row {
    ps_install_row install;    /* the home's main runtime: its home, product, version */
    long config_offset;        /* what carbon.xml or deployment.toml says */
    long start_offset;         /* the offset it starts at (a start script's, else the config's) */
    long https_port;           /* the catalog's https="main" listener now, -1 when none */
    long pid;                  /* its running server, 0 when none runs */
    const char **clashes_with; /* homes as named (this one, for a clash inside it) */
    size_t nclashes;
} ps_status_row;

typedef struct ps_status {
    ps_status_row *rows;
    size_t count;
} ps_status;

/* The rows of the homes of `check` (borrowed, for the life of the status),
 * in the order they were named: 0, or -1 when out of memory (nothing left
 * to free). */
int ps_status_make(ps_status *out, const ps_check *check);
void ps_status_free(ps_status *status);

#endif
