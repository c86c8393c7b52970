/*
 * Splicing a plan's edits into the files' bytes. Only the digits in the
 * planned spans change; the result is checked again by the strict reader of
 * its format (a streaming parse for XML) and every planned site re-read
 * before anyone may write or show it.
 */
#ifndef PS_RENDER_RENDER_H
#define PS_RENDER_RENDER_H

#include <stddef.h>

#include "plan/plan.h"

typedef struct ps_rendered {
    const ps_cfile *file; /* the original */
    char *data;           /* the patched bytes */
    size_t len;
} ps_rendered;

/* One entry per file the plan changes, in the plan's file order. */
int ps_render(const ps_plan *plan, ps_rendered **out, size_t *n, ps_error *err);
void ps_rendered_free(ps_rendered *r, size_t n);

#endif
