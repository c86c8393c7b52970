#include "model/model.h"

#include <stdlib.h>

#include "base/error.h"
#include "base/strbuf.h"

long ps_listener_port(const ps_site *l, long current, long offset)
{
    switch (l->shift) {
    case PS_SHIFT_AUTO:
        return l->value + offset;
    case PS_SHIFT_MANUAL:
        return l->value + (offset - current);
    case PS_SHIFT_FIXED:
        break;
    }
    return l->value;
}

const char *ps_shift_name(ps_shift s)
{
    return s == PS_SHIFT_AUTO ? "auto" : s == PS_SHIFT_MANUAL ? "manual" : "fixed";
}

const char *ps_mode_name(const ps_runtime *rt)
{
    return rt->carbon5 ? "yaml" : rt->mode == PS_MODE_XML ? "xml" : "toml";
}

int ps_port_usable(long port)
{
    return port >= 1 && port <= PS_PORT_MAX;
}

int ps_listener_range_error(ps_error *err, const ps_unit *unit, const ps_site *l, long offset,
                            long port)
{
    const char *path = l->file ? l->file->path : unit->home->path;
    return ps_error_setc(err, PS_ERANGE, path, l->line, l->col,
                         "offset %ld moves %s %ld to %ld, past %ld", offset,
                         l->what && *l->what ? l->what : "port", l->value, port, PS_PORT_MAX);
}

int ps_listener_exclusive(const ps_site *s)
{
    return s->kind == PS_SITE_LISTENER && s->active && !s->shared;
}

int ps_unit_warnings(ps_diags *w, const ps_unit *unit)
{
    if (!*unit->sites->version &&
        ps_diag_add(w, unit->home->path, 0, 0, "%s version unknown: version-specific rules skipped",
                    unit->rt->product->name) < 0)
        return -1;
    const ps_site *gen = unit->sites->generated_offset_site;
    if (gen && gen->value != ps_sites_config_offset(unit->sites))
        return ps_diag_add(w, gen->file->path, gen->line, gen->col,
                           "generated <Offset> is %ld, deployment.toml says %ld; the next start "
                           "renders it again",
                           gen->value, ps_sites_config_offset(unit->sites));
    return 0;
}

int ps_listeners_at(ps_listeners *out, const ps_sites *sites, long offset)
{
    size_t cap = 0;
    *out = (ps_listeners){.offset = offset, .usable = 1};
    for (size_t i = 0; i < sites->count; i++) {
        const ps_site *s = &sites->items[i];
        if (s->kind != PS_SITE_LISTENER)
            continue;
        long port = ps_listener_port(s, sites->offset, offset);
        if (!ps_port_usable(port) && out->usable) {
            out->usable = 0;
            out->bad = out->count;
        }
        ps_listener_at *at = PS_TRY_PUSH(out->items, out->count, cap);
        if (!at) {
            ps_listeners_free(out);
            return -1;
        }
        *at = (ps_listener_at){i, port};
    }
    return 0;
}

void ps_listeners_free(ps_listeners *l)
{
    free(l->items);
    *l = (ps_listeners){0};
}

int ps_listener_meant(const ps_sites *sites, long value, const long *offsets, size_t n)
{
    /* The first match, and the first active one; `now` is where each listens today. */
    int first = -1, first_active = -1, differ = 0, differ_active = 0;
    long now = 0, now_active = 0;
    for (size_t i = 0; i < sites->count; i++) {
        const ps_site *s = &sites->items[i];
        if (s->kind != PS_SITE_LISTENER)
            continue;
        int hit = 0;
        for (size_t k = 0; k < n && !hit; k++)
            hit = ps_listener_port(s, sites->offset, offsets[k]) == value;
        if (!hit)
            continue;
        long here = ps_listener_port(s, sites->offset, sites->offset);
        if (first < 0) {
            first = (int)i;
            now = here;
        } else if (here != now) {
            differ = 1;
        }
        if (!s->active)
            continue;
        if (first_active < 0) {
            first_active = (int)i;
            now_active = here;
        } else if (here != now_active) {
            differ_active = 1;
        }
    }
    if (first_active >= 0)
        return differ_active ? -1 : first_active;
    return differ ? -1 : first;
}

static int cmp_entries(const void *a, const void *b)
{
    const ps_port_entry *x = a, *y = b;
    if (x->port != y->port)
        return x->port < y->port ? -1 : 1;
    if (x->unit != y->unit)
        return x->unit < y->unit ? -1 : 1;
    return (x->site > y->site) - (x->site < y->site);
}

int ps_port_index_build(ps_port_index *ix, const ps_unit *units, size_t n, const long *offsets,
                        unsigned flags)
{
    size_t cap = 0;
    *ix = (ps_port_index){0};
    for (size_t u = 0; u < n; u++) {
        const ps_sites *ss = units[u].sites;
        for (size_t k = 0; k < ss->count; k++) {
            const ps_site *s = &ss->items[k];
            if (s->kind != PS_SITE_LISTENER ||
                ((flags & PS_INDEX_ACTIVE) && !ps_listener_exclusive(s)))
                continue;
            ps_port_entry *e = PS_TRY_PUSH(ix->items, ix->count, cap);
            if (!e) {
                ps_port_index_free(ix);
                return -1;
            }
            *e = (ps_port_entry){ps_listener_port(s, ss->offset, offsets[u]), (int)u, (int)k};
        }
    }
    ps_sort(ix->items, ix->count, sizeof *ix->items, cmp_entries);
    return 0;
}

int ps_port_index_now(ps_port_index *ix, const ps_unit *units, size_t n, unsigned flags)
{
    long *offsets = ps_calloc(n + 1, sizeof *offsets);
    if (!offsets) {
        *ix = (ps_port_index){0};
        return -1;
    }
    for (size_t u = 0; u < n; u++)
        offsets[u] = units[u].sites->offset;
    int rc = ps_port_index_build(ix, units, n, offsets, flags);
    free(offsets);
    return rc;
}

/* The first entry whose port is at least `port`. */
static size_t first_at_least(const ps_port_index *ix, long port)
{
    size_t a = 0, b = ix->count;
    while (a < b) {
        size_t mid = a + (b - a) / 2;
        if (ix->items[mid].port < port)
            a = mid + 1;
        else
            b = mid;
    }
    return a;
}

void ps_port_index_find(const ps_port_index *ix, long port, size_t *lo, size_t *hi)
{
    *lo = first_at_least(ix, port);
    *hi = first_at_least(ix, port + 1);
}

void ps_port_index_free(ps_port_index *ix)
{
    free(ix->items);
    *ix = (ps_port_index){0};
}
