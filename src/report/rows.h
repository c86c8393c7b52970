/*
 * What the documents of a plan say about its edits and warnings, as rows
 * built once (from the plan of `plan`, or the plan of a check or a batch)
 * and printed by text.c, json.c and markdown.c. Each edit row carries the
 * one reason string of its decision (JSON's "why", from ps_plan_why): the
 * three formats print that string as it is, so they cannot word a decision
 * differently.
 */
#ifndef PS_REPORT_ROWS_H
#define PS_REPORT_ROWS_H

#include <stddef.h>

#include "batch/batch.h"
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

typedef struct ps_rows {
    ps_edit_row *edits; /* in the plan's order */
    size_t nedits;
    size_t nrepairs; /* edits of kind "repair" */
    char **warnings; /* "path:line:col: message", in the plan's order */
    size_t nwarnings;
} ps_rows;

/* What batch does with a runtime of a home besides its main one (an EI
 * profile): the text and markdown forms say it in their own layout. */
typedef enum ps_runtime_step {
    PS_RUNTIME_FIXED, /* a Carbon 5 profile: no offset, fixed ports */
    PS_RUNTIME_MOVED, /* moved with its home, by the same delta */
    PS_RUNTIME_KEPT
} ps_runtime_step;

/* 0, or -1 when out of memory (nothing left to free). */
int ps__rows_make(ps_rows *out, const ps_plan *plan);
/* Warnings only: those of a check, which has no plan and so no edits. */
int ps__rows_warnings(ps_rows *out, const ps_diags *warnings);
void ps__rows_free(ps_rows *rows);
/* The row of the edit of site `site` of unit `unit`, NULL when it has none. */
const ps_edit_row *ps__rows_edit_of(const ps_rows *rows, size_t unit, size_t site);
/* What batch `b` does with its unit u. */
ps_runtime_step ps__runtime_step(const ps_batch *b, size_t u);

#endif
