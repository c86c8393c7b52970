/*
 * What the documents say, as rows built once (from a plan, a check, or a
 * batch and its plan) and printed by text.c, json.c and markdown.c: each
 * runtime's header (home, product, version, offsets; status's rows hold
 * one too), the listeners of the `ports` document, every site of the plan
 * with its edit or why it stays, the edits and the warnings. The printers
 * read the rows, not the plan, check or batch, for what a row carries, so
 * the three formats say the same values. Each edit row carries the one
 * reason string of its decision (JSON's "why", from ps_plan_why): the three
 * formats print that string as it is, so they cannot word a decision
 * differently.
 */
#ifndef PS_REPORT_ROWS_H
#define PS_REPORT_ROWS_H

#include <stddef.h>

#include "batch/batch.h"
#include "check/check.h"
#include "plan/plan.h"

typedef struct ps_edit_row {
    const char *path; /* the file, as the user named its home */
    int line, col;    /* where the edit starts */
    const char *old_text, *new_text;
    long old_value, new_value;
    /* "offset", "start", "listener", "rewrite" (a fixed listener batch
     * moves), "reference", or "repair" (a stale self reference) */
    const char *kind;
    char *why;
    /* The reason says "old -> new" itself; else a printer that shows no
     * old and new columns says them before it. */
    int why_has_values;
    size_t unit, site; /* the site of the plan it edits */
} ps_edit_row;

/* What batch does with a runtime: a runtime besides a home's main one (an
 * EI profile) is said in the text and markdown forms. */
typedef enum ps_runtime_step {
    PS_RUNTIME_FIXED, /* a Carbon 5 profile: no offset, fixed ports */
    PS_RUNTIME_MOVED, /* moved, by its home's delta */
    PS_RUNTIME_KEPT
} ps_runtime_step;

/* A runtime of the document, what every format says of it first. */
typedef struct ps_install_row {
    const char *home;       /* as the user named it */
    const char *runtime;    /* "" for a home's main runtime */
    char *product;          /* "WSO2 API Manager 4.2.0", with " or later" (ps__product_text) */
    const char *product_id; /* the catalog's id */
    const char *product_name;
    const char *version;    /* NULL when the files show none */
    const char *mode;       /* ps_mode_name: "carbon.xml", "deployment.toml", ... */
    const char *mode_words; /* "carbon.xml mode", "Carbon 5, fixed ports", ... */
    long offset;            /* now */
    long target;            /* after: the plan's or the batch's; = offset in a check */
    long config_offset;     /* what carbon.xml or deployment.toml says */
    /* Set by a start script's -DportOffset: its value and where
     * ("path:line:col"); start_from is NULL when no script sets one. */
    long start_offset;
    char *start_from;
    ps_runtime_step step;      /* target against offset, or FIXED for Carbon 5 */
    size_t first_port, nports; /* its listeners: ports[first_port, + nports) */
    size_t first_site, nsites; /* a plan's: its sites, sites[first_site, + nsites) */
} ps_install_row;

/* A listener of a plan's runtime, at the plan's target offset. */
typedef struct ps_port_row {
    long port;         /* where it listens after the plan */
    long base;         /* where it listens at offset 0 */
    const char *shift; /* ps_shift_name */
    int active;
    const char *what;
    const char *path, *rel; /* its file as named and inside the home; NULL: built in */
    int line;
    const char *source; /* the catalog rule's source */
} ps_port_row;

/* A port site of a plan's runtime, what the `plan` text says of each: what
 * it is, then its edit's reason or why it stays as it is. */
typedef struct ps_site_row {
    const char *path; /* its file as named; NULL: built in */
    int line, col;
    ps_site_kind kind;
    long value;              /* what the file says */
    const char *what;        /* a listener's name */
    const char *shift;       /* a listener's ps_shift_name */
    int active;              /* a listener's */
    const char *role;        /* a reference's role, NULL when it has none */
    const char *key;         /* a reference's key portshift adds, NULL when it is there */
    const char *host;        /* a remote reference's host as written (--with), else NULL */
    int env;                 /* a start-time offset set in the environment */
    const ps_edit_row *edit; /* its edit, NULL when the plan leaves it */
    char *kept;              /* without an edit: why it stays ("listens on 9446, unchanged") */
} ps_site_row;

typedef struct ps_rows {
    ps_install_row *installs; /* per unit of the plan, check or batch, in order */
    size_t ninstalls;
    ps_port_row *ports; /* of a plan: every listener, by install */
    size_t nports;
    ps_site_row *sites; /* of a plan: every site, by install */
    size_t nsites;
    ps_edit_row *edits; /* in the plan's order */
    size_t nedits;
    size_t nrepairs; /* edits of kind "repair" */
    char **warnings; /* "path:line:col: message", in the plan's order */
    size_t nwarnings;
} ps_rows;

/* The header row of `unit`, now at `offset`, `target` after: 0, or -1 when
 * out of memory (free it either way with ps__install_row_free). */
int ps__install_row(ps_install_row *r, const ps_unit *unit, long offset, long target);
void ps__install_row_free(ps_install_row *r);

/* Each ps__rows_* returns 0, or -1 when out of memory (nothing left to
 * free). A plan's: its runtimes from now to the target, their listeners and
 * sites, the edits, the warnings. */
int ps__rows_make(ps_rows *out, const ps_plan *plan);
/* A check's: its runtimes as they are and its warnings (a check has no
 * plan, and so no edits). */
int ps__rows_check(ps_rows *out, const ps_check *check);
/* A batch's: its runtimes from now to the offsets it gives them, and the
 * edits and warnings of its plan `plan`. */
int ps__rows_batch(ps_rows *out, const ps_batch *batch, const ps_plan *plan);
void ps__rows_free(ps_rows *rows);

#endif
