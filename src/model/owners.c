#include "model/owners.h"

#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"

/* The answer given at one port entry, with what it depended on: the
 * referring unit, its role and owner="self". */
struct ps_owner_memo {
    int valid;
    size_t unit;
    const char *role;
    int self_only;
    ps_ref_owner answer;
};

int ps_owners_init(ps_owners *o, const ps_unit *units, size_t n)
{
    *o = (ps_owners){.units = units, .nunits = n};
    if (ps_port_index_now(&o->index, units, n, 0) < 0)
        return -1;
    o->memo = ps_calloc(o->index.count + 1, sizeof *o->memo);
    if (!o->memo) {
        ps_owners_free(o);
        return -1;
    }
    return 0;
}

void ps_owners_free(ps_owners *o)
{
    ps_port_index_free(&o->index);
    free(o->memo);
    *o = (ps_owners){0};
}

static int plays(const ps_unit *u, const char *role)
{
    return ps_strlist_has(&u->rt->product->roles, role);
}

/* A reference with a role names another server: its own runtime is never a
 * candidate, even when it plays that role (an API-M is a key manager too),
 * or its ports would capture the reference as they pass over it. */
ps_owner_tier ps_owner_tier_of(const ps_unit *units, size_t u, size_t v, const ps_site *ref)
{
    if (ref->self_only && u != v)
        return PS_TIER_NONE;
    if (ref->role && (u == v || !plays(&units[v], ref->role)))
        return PS_TIER_NONE;
    if (u == v)
        return PS_TIER_SELF;
    return units[u].home == units[v].home ? PS_TIER_HOME : PS_TIER_OTHER;
}

/*
 * A reference no runtime of the call owns now may still be a stale self
 * reference (a finding of check), exactly two kinds: (a) an
 * owner="self" element whose value is one of its runtime's listener ports
 * at offset 0 or at the product's default (the redirectPort="9443" WSO2
 * ships in EI profiles that run at offset 3), and (b) a reference with no
 * role equal to one of its runtime's listener ports at the product's default
 * offset while the runtime runs at another (<Offset> edited by hand,
 * jndi.properties left at 5672). Nothing else: a value that some other
 * offset would explain says nothing certain. Returns the listener meant, or -1.
 */
static int stale_meaning(const ps_unit *unit, const ps_site *ref)
{
    long dflt = unit->rt->product->default_offset;
    if (ref->self_only) {
        const long offsets[] = {0, dflt};
        return ps_listener_meant(unit->sites, ref->value, offsets, 2);
    }
    if (ref->role || unit->sites->offset == dflt)
        return -1;
    return ps_listener_meant(unit->sites, ref->value, &dflt, 1);
}

/* Of two candidates at one port, the one to name (see ps_ref_owner.unit). */
static int names_better(const ps_unit *units, size_t v, int k, size_t w, int m)
{
    const ps_unit *a = &units[v], *b = &units[w];
    int a_open = a->sites->items[k].active, b_open = b->sites->items[m].active;
    if (a_open != b_open)
        return a_open;
    int c = strcmp(a->home->path, b->home->path);
    if (c == 0)
        c = strcmp(a->rt->name, b->rt->name);
    return c ? c < 0 : k < m;
}

/* The deciding tier among entries [lo, hi) and the candidate it names. */
static void choose(const ps_owners *o, size_t u, const ps_site *ref, ps_ref_owner *out)
{
    const ps_port_index *ix = &o->index;
    for (int t = PS_TIER_SELF; t <= PS_TIER_OTHER && out->kind == PS_OWNER_NONE; t++) {
        const ps_home *first_home = NULL;
        for (size_t j = out->lo; j < out->hi; j++) {
            size_t v = (size_t)ix->items[j].unit;
            int k = ix->items[j].site;
            if (ps_owner_tier_of(o->units, u, v, ref) != (ps_owner_tier)t)
                continue;
            if (out->kind == PS_OWNER_NONE) {
                *out = (ps_ref_owner){PS_OWNER_LISTENER, (ps_owner_tier)t, (int)v, k, 0, 1,
                                      out->lo,           out->hi};
                first_home = o->units[v].home;
            } else if (names_better(o->units, v, k, (size_t)out->unit, out->site)) {
                out->unit = (int)v;
                out->site = k;
            }
            out->candidates++;
            /* The index holds a home's units side by side, in port order
             * within a port: a home seen again after another is one counted. */
            if (o->units[v].home != first_home) {
                out->homes++;
                first_home = o->units[v].home;
            }
        }
    }
}

void ps_owners_find(ps_ref_owner *out, ps_owners *o, size_t u, size_t i)
{
    const ps_site *ref = &o->units[u].sites->items[i];
    *out = (ps_ref_owner){.kind = PS_OWNER_NONE, .tier = PS_TIER_NONE, .unit = -1, .site = -1};
    ps_port_index_find(&o->index, ref->value, &out->lo, &out->hi);
    if (out->lo < out->hi) {
        struct ps_owner_memo *m = &o->memo[out->lo];
        int same_role =
            m->role == ref->role || (m->role && ref->role && strcmp(m->role, ref->role) == 0);
        if (!m->valid || m->unit != u || m->self_only != ref->self_only || !same_role) {
            choose(o, u, ref, out);
            *m = (struct ps_owner_memo){1, u, ref->role, ref->self_only, *out};
        }
        *out = m->answer;
    }
    if (out->kind != PS_OWNER_NONE)
        return;
    int meant = stale_meaning(&o->units[u], ref);
    if (meant < 0)
        return;
    out->kind = PS_OWNER_STALE;
    out->tier = PS_TIER_SELF;
    out->unit = (int)u;
    out->site = meant;
}
