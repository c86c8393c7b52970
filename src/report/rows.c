#include "report/rows.h"

#include <stdlib.h>

#include "base/strbuf.h"

static const char *edit_kind(const ps_plan *p, const ps_edit *e)
{
    const ps_site *s = &p->units[e->unit].sites->items[e->site];
    if (s->kind == PS_SITE_OFFSET)
        return "offset";
    if (s->kind == PS_SITE_START)
        return "start";
    if (s->kind == PS_SITE_LISTENER)
        return s->shift == PS_SHIFT_FIXED ? "rewrite" : "listener";
    return p->decisions[e->unit][e->site].stale ? "repair" : "reference";
}

static int add_warnings(ps_rows *out, const ps_diags *w)
{
    out->warnings = ps_calloc(w->count ? w->count : 1, sizeof *out->warnings);
    if (!out->warnings)
        return -1;
    for (size_t i = 0; i < w->count; i++) {
        char *text = ps_error_text(&w->items[i]);
        if (!text)
            return -1;
        out->warnings[out->nwarnings++] = text;
    }
    return 0;
}

/* The rows of a plan's edits; -1 when out of memory (the rows made so far
 * stay in `out`, for ps__rows_free). */
static int add_edits(ps_rows *out, const ps_plan *p)
{
    out->edits = ps_calloc(p->nedits ? p->nedits : 1, sizeof *out->edits);
    if (!out->edits)
        return -1;
    for (size_t i = 0; i < p->nedits; i++) {
        const ps_edit *e = &p->edits[i];
        const ps_site *s = &p->units[e->unit].sites->items[e->site];
        ps_edit_row *r = &out->edits[out->nedits++];
        *r = (ps_edit_row){.path = e->file->path,
                           .line = e->line,
                           .col = e->col,
                           .old_text = s->text,
                           .new_text = e->text,
                           .old_value = e->old_value,
                           .new_value = e->new_value,
                           .kind = edit_kind(p, e),
                           .why = ps_plan_why(p, e),
                           .unit = (size_t)e->unit,
                           .site = (size_t)e->site};
        if (!r->why)
            return -1;
        /* ps_plan_why names the values of offsets, start offsets and
         * followed references, not of a listener or a stale reference. */
        r->why_has_values = s->kind == PS_SITE_OFFSET || s->kind == PS_SITE_START ||
                            (s->kind == PS_SITE_REFERENCE && !p->decisions[e->unit][e->site].stale);
        out->nrepairs += s->kind == PS_SITE_REFERENCE && p->decisions[e->unit][e->site].stale;
    }
    return 0;
}

int ps__rows_make(ps_rows *out, const ps_plan *p)
{
    *out = (ps_rows){0};
    if (add_edits(out, p) < 0 || add_warnings(out, &p->warnings) < 0) {
        ps__rows_free(out);
        return -1;
    }
    return 0;
}

int ps__rows_warnings(ps_rows *out, const ps_diags *warnings)
{
    *out = (ps_rows){0};
    if (add_warnings(out, warnings) < 0) {
        ps__rows_free(out);
        return -1;
    }
    return 0;
}

void ps__rows_free(ps_rows *rows)
{
    for (size_t i = 0; i < rows->nedits; i++)
        free(rows->edits[i].why);
    free(rows->edits);
    ps_free_strings(rows->warnings, rows->nwarnings);
    *rows = (ps_rows){0};
}

const ps_edit_row *ps__rows_edit_of(const ps_rows *rows, size_t unit, size_t site)
{
    for (size_t i = 0; i < rows->nedits; i++)
        if (rows->edits[i].unit == unit && rows->edits[i].site == site)
            return &rows->edits[i];
    return NULL;
}

ps_runtime_step ps__runtime_step(const ps_batch *b, size_t u)
{
    if (b->units[u].rt->carbon5)
        return PS_RUNTIME_FIXED;
    return b->offset[u] != b->units[u].sites->offset ? PS_RUNTIME_MOVED : PS_RUNTIME_KEPT;
}
