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
    const ps_cfile *file; /* the file as loaded (its bytes may be dropped) */
    char *orig;           /* its bytes, read again: what the patch is made from */
    size_t orig_len;
    char *data; /* the patched bytes */
    size_t len;
    const ps_edit *edits; /* the plan's edits of the file, in order: what a diff shows */
    size_t nedits;
} ps_rendered;

/* The files the plan changes: their count, and in *first (caller frees)
 * the index of each one's first edit, with plan->nedits after the last.
 * *first is NULL (and the count 0) when out of memory. */
size_t ps_render_files(const ps_plan *plan, size_t **first);

/*
 * File k of ps_render_files, rendered alone (any thread may render any
 * file): 0 with `out` filled, -1 with the file's path:line:col when it
 * cannot be rendered or was changed on disk since it was loaded. A diff
 * renders its files this way, so that it holds only the files in flight.
 */
int ps_render_file(const ps_plan *plan, const size_t *first, size_t k, ps_rendered *out,
                   ps_error *err);
void ps_rendered_release(ps_rendered *r);

/* Every file the plan changes, in the plan's file order, rendered on `jobs`
 * threads (0: one per online CPU): what an apply writes at once. The first
 * file in order that cannot be rendered is the one reported. */
int ps_render(const ps_plan *plan, unsigned jobs, ps_rendered **out, size_t *n, ps_error *err);
void ps_rendered_free(ps_rendered *r, size_t n);

#endif
