/*
 * ps_check_make: runs the judges (clashes here, the rest one a file, see
 * check/draft.h) over the units and sorts what they found into the check.
 */
#include "check/check.h"

#include <stdlib.h>

#include "base/error.h"
#include "base/strbuf.h"
#include "check/draft.h"

/* Two active listeners on one port, at the current offsets. -1 when out
 * of memory. */
static int clashes(ps_check__builder *b)
{
    ps_check *c = b->c;
    ps_port_index ix;
    if (ps_port_index_now(&ix, c->units, c->nunits, PS_INDEX_ACTIVE) < 0)
        return -1;
    int rc = 0;
    for (size_t lo = 0, hi; lo < ix.count && rc == 0; lo = hi) {
        for (hi = lo + 1; hi < ix.count && ix.items[hi].port == ix.items[lo].port;)
            hi++;
        if (hi - lo < 2)
            continue;
        const ps_port_entry *first = &ix.items[lo];
        ps_check__draft *d = ps_check__add(
            b, PS_FINDING_CLASH, 0, (size_t)first->unit, (size_t)first->site, first->port,
            ps_asprintf("port %ld is opened by %zu active listeners", first->port, hi - lo));
        rc = d ? 0 : -1;
        for (size_t j = lo; j < hi && rc == 0; j++)
            rc = ps_check__party(
                d, ps_check__site_party(c, (size_t)ix.items[j].unit, (size_t)ix.items[j].site));
    }
    ps_port_index_free(&ix);
    return rc;
}

static int cmp_drafts(const void *a, const void *b)
{
    const ps_check__draft *x = a, *y = b;
    if (x->f.note != y->f.note)
        return x->f.note - y->f.note;
    if (x->unit != y->unit)
        return x->unit < y->unit ? -1 : 1;
    /* Sites are in file then document order, built-in listeners last. */
    if (x->site != y->site)
        return x->site < y->site ? -1 : 1;
    return x->order - y->order;
}

void ps_check_free(ps_check *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->count; i++)
        free((void *)c->items[i].parties);
    free(c->items);
    for (size_t i = 0; i < c->nowned; i++)
        free(c->owned[i]);
    free(c->owned);
    ps_diags_free(&c->warnings);
    free(c);
}

int ps_check_make(ps_check **out, const ps_unit *units, size_t n, const char *proc, ps_error *err)
{
    return ps_check_make_with(out, units, n, proc, NULL, err);
}

int ps_check_make_with(ps_check **out, const ps_unit *units, size_t n, const char *proc,
                       const ps_with *with, ps_error *err)
{
    ps_check *c = ps_calloc(1, sizeof *c);
    if (!c)
        return ps_error_oom(err);
    c->units = units;
    c->nunits = n;
    c->with = with;
    ps_check__builder b = {.c = c};
    for (size_t u = 0; u < n; u++) {
        /* A port past 65535 now: no server runs so, and nothing here can judge it. */
        ps_listeners l;
        if (ps_listeners_at(&l, units[u].sites, units[u].sites->offset) < 0) {
            ps_error_oom(err);
            goto fail;
        }
        if (!l.usable)
            ps_listener_range_error(err, &units[u], &units[u].sites->items[l.items[l.bad].site],
                                    l.offset, l.items[l.bad].port);
        int usable = l.usable;
        ps_listeners_free(&l);
        if (!usable)
            goto fail;
        if (ps_unit_warnings(&c->warnings, &units[u]) < 0) {
            ps_error_oom(err);
            goto fail;
        }
    }
    if (clashes(&b) < 0) {
        ps_error_oom(err);
        goto fail;
    }
    if (proc && ps_check__listening(&b, proc, err) < 0)
        goto fail;
    if (ps_check__references(&b) < 0 || ps_check__remotes(&b) < 0 ||
        ps_check__start_rivals(&b) < 0 ||
        ps_check__running_offsets(&b, proc ? proc : "/proc") < 0) {
        ps_error_oom(err);
        goto fail;
    }
    ps_sort(b.drafts, b.count, sizeof *b.drafts, cmp_drafts);
    c->items = ps_calloc(b.count + 1, sizeof *c->items);
    if (!c->items) {
        ps_error_oom(err);
        goto fail;
    }
    for (size_t i = 0; i < b.count; i++) {
        c->items[i] = b.drafts[i].f;
        c->items[i].parties = b.drafts[i].parties;
        c->items[i].nparties = b.drafts[i].nparties;
        if (!c->items[i].note)
            c->nfindings++;
    }
    c->count = b.count;
    free(b.drafts);
    *out = c;
    return 0;
fail:
    for (size_t i = 0; i < b.count; i++)
        free(b.drafts[i].parties);
    free(b.drafts);
    ps_check_free(c);
    return -1;
}
