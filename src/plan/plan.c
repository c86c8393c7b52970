#include "plan/plan.h"

#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/strbuf.h"

#define PORT_MAX 65535L

/* Effective port of a listener now and at the target offset. */
static void listener_ports(const ps_site *s, long offset, long target, long *now, long *next)
{
    switch (s->shift) {
    case PS_SHIFT_AUTO:
        *now = s->value + offset;
        *next = s->value + target;
        break;
    case PS_SHIFT_MANUAL:
        *now = s->value;
        *next = s->value + (target - offset);
        break;
    case PS_SHIFT_FIXED:
        *now = *next = s->value;
        break;
    }
}

static int plays(const ps_unit *u, const char *role)
{
    return ps_strlist_has(&u->rt->product->roles, role);
}

/* Tier of candidate owner v for a reference in unit u: 0 own runtime,
 * 1 another runtime of the same home, 2 another home; -1 not a candidate.
 * A reference with a role names another server: its own runtime is never a
 * candidate, even when it plays that role (an API-M is a key manager too),
 * or its ports would capture the reference as they pass over it. */
static int tier(const ps_plan *p, size_t u, size_t v, const ps_site *ref)
{
    if (ref->self_only && u != v)
        return -1;
    if (ref->role && (u == v || !plays(&p->units[v], ref->role)))
        return -1;
    if (u == v)
        return 0;
    return p->units[u].home == p->units[v].home ? 1 : 2;
}

/*
 * Every listener of the call by its effective port now, built once the
 * listeners are planned: a reference's candidate owners are the listeners at
 * its port, found by binary search instead of a scan of every site of every
 * runtime (which made planning quadratic in references). Sorted by (port,
 * unit, site), so the candidates of a port come in the order the ownership
 * rules below were written for.
 */
typedef struct listener_at {
    long port;
    int unit, site;
} listener_at;

/*
 * The owner chosen for the last reference that looked at a port, with what
 * the choice depended on: the referring unit, its role and self_only. The
 * references of one file mostly point at a few ports, so the candidates of a
 * port are read once per (unit, role), not once per reference.
 */
typedef struct owner_choice {
    int valid;
    size_t unit;
    const char *role;
    int self_only;
    int found, conflict;
    long next;
    int owner_unit, owner_site;
} owner_choice;

typedef struct port_index {
    listener_at *items;
    owner_choice *choice; /* per item; used at the first item of each port */
    size_t count;
} port_index;

static int cmp_listener_at(const void *a, const void *b)
{
    const listener_at *x = a, *y = b;
    if (x->port != y->port)
        return x->port < y->port ? -1 : 1;
    if (x->unit != y->unit)
        return x->unit < y->unit ? -1 : 1;
    return (x->site > y->site) - (x->site < y->site);
}

static void index_listeners(const ps_plan *p, port_index *ix)
{
    size_t cap = 0;
    *ix = (port_index){0};
    for (size_t u = 0; u < p->nunits; u++) {
        const ps_sites *ss = p->units[u].sites;
        for (size_t k = 0; k < ss->count; k++)
            if (ss->items[k].kind == PS_SITE_LISTENER)
                *PS_PUSH(ix->items, ix->count, cap) =
                    (listener_at){p->decisions[u][k].now, (int)u, (int)k};
    }
    ps_sort(ix->items, ix->count, sizeof *ix->items, cmp_listener_at);
    ix->choice = ps_xcalloc(ix->count, sizeof *ix->choice);
}

static void port_index_free(port_index *ix)
{
    free(ix->items);
    free(ix->choice);
}

/* The first item whose port is at least `port`. */
static size_t first_at_least(const port_index *ix, long port)
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

static int same_role(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* Picks the owner among listeners items[lo, hi) for a reference in unit u:
 * the first tier with a candidate decides; candidates of that tier that
 * disagree on the new port make it ambiguous. */
static void choose_owner(const ps_plan *p, const port_index *ix, size_t lo, size_t hi, size_t u,
                         const ps_site *ref, owner_choice *c)
{
    *c = (owner_choice){.valid = 1, .unit = u, .role = ref->role, .self_only = ref->self_only};
    for (int t = 0; t <= 2 && !c->found; t++) {
        for (size_t j = lo; j < hi; j++) {
            size_t v = (size_t)ix->items[j].unit;
            int k = ix->items[j].site;
            if (tier(p, u, v, ref) != t)
                continue;
            const ps_decision *ld = &p->decisions[v][k];
            const ps_site *l = &p->units[v].sites->items[k];
            if (!c->found) {
                c->found = 1;
                c->next = ld->next;
                c->owner_unit = (int)v;
                c->owner_site = k;
            } else if (ld->next != c->next) {
                c->conflict = 1;
            } else if (l->active && !p->units[c->owner_unit].sites->items[c->owner_site].active) {
                /* Same port either way; name the listener that really opens it. */
                c->owner_unit = (int)v;
                c->owner_site = k;
            }
        }
    }
}

static void resolve_reference(ps_plan *p, port_index *ix, size_t u, size_t i)
{
    const ps_site *ref = &p->units[u].sites->items[i];
    ps_decision *d = &p->decisions[u][i];
    d->now = d->next = ref->value;
    d->owner_unit = d->owner_site = -1;
    d->action = PS_ACT_UNOWNED;
    /* The listeners at its port: items[lo, hi). Both ends by binary search,
     * so a port that thousands of listeners share costs no more per reference. */
    size_t lo = first_at_least(ix, ref->value), hi = first_at_least(ix, ref->value + 1);
    if (lo == hi)
        return;
    owner_choice *c = &ix->choice[lo];
    if (!c->valid || c->unit != u || c->self_only != ref->self_only ||
        !same_role(c->role, ref->role))
        choose_owner(p, ix, lo, hi, u, ref, c);
    if (!c->found)
        return;
    d->owner_unit = c->owner_unit;
    d->owner_site = c->owner_site;
    if (c->conflict) {
        d->action = PS_ACT_AMBIGUOUS;
    } else {
        d->next = c->next;
        if (d->next == ref->value)
            d->action = PS_ACT_KEEP;
        else
            d->action = ref->file->generated ? PS_ACT_GENERATED : PS_ACT_SET;
    }
}

static void add_edit(ps_plan *p, size_t *cap, size_t u, size_t i, long next)
{
    const ps_site *s = &p->units[u].sites->items[i];
    ps_edit *e = PS_PUSH(p->edits, p->nedits, *cap);
    e->file = s->file;
    e->span = s->span;
    e->line = s->line;
    e->col = s->col;
    e->old_value = s->value;
    e->new_value = next;
    e->text = ps_site_text(s, next);
    e->unit = (int)u;
    e->site = (int)i;
}

static int cmp_edits(const void *a, const void *b)
{
    const ps_edit *x = a, *y = b;
    int c = strcmp(x->file->path, y->file->path);
    if (c)
        return c;
    return x->span.start < y->span.start ? -1 : x->span.start > y->span.start;
}

static int plan_unit_listeners(ps_plan *p, size_t u, ps_error *err)
{
    const ps_unit *unit = &p->units[u];
    const ps_sites *ss = unit->sites;
    for (size_t i = 0; i < ss->count; i++) {
        const ps_site *s = &ss->items[i];
        ps_decision *d = &p->decisions[u][i];
        d->owner_unit = d->owner_site = -1;
        d->now = d->next = s->value;
        d->action = PS_ACT_KEEP;
        if (s->kind == PS_SITE_OFFSET && s->file->generated)
            continue; /* the generated carbon.xml: the next start renders it from the toml */
        if (s->kind == PS_SITE_OFFSET) {
            d->next = p->target[u];
            d->action = d->next == s->value ? PS_ACT_KEEP : PS_ACT_SET;
            continue;
        }
        if (s->kind != PS_SITE_LISTENER)
            continue;
        listener_ports(s, p->offset[u], p->target[u], &d->now, &d->next);
        if (d->next > PORT_MAX || d->next < 1) {
            const char *path = s->file ? s->file->path : unit->home->path;
            return ps_error_set(
                err, path, s->line, s->col, "offset %ld moves %s %ld to %ld, past %ld",
                p->target[u], s->what && *s->what ? s->what : "port", s->value, d->next, PORT_MAX);
        }
        if (s->shift == PS_SHIFT_MANUAL && d->next != s->value)
            d->action = s->file && s->file->generated ? PS_ACT_GENERATED : PS_ACT_SET;
    }
    return 0;
}

int ps_plan_make(ps_plan **out, const ps_unit *units, size_t n, ps_error *err)
{
    ps_plan *p = ps_xcalloc(1, sizeof *p);
    p->units = units;
    p->nunits = n;
    p->offset = ps_xcalloc(n, sizeof *p->offset);
    p->target = ps_xcalloc(n, sizeof *p->target);
    p->decisions = ps_xcalloc(n, sizeof *p->decisions);
    for (size_t u = 0; u < n; u++)
        p->offset[u] = units[u].sites->offset;
    for (size_t u = 0; u < n; u++) {
        const ps_unit *unit = &units[u];
        p->decisions[u] = ps_xcalloc(unit->sites->count, sizeof **p->decisions);
        if (unit->rt->carbon5 && unit->has_target) {
            char *where = ps_path_join(unit->home->path, unit->rt->name);
            ps_error_set(err, where, 0, 0, "a Carbon 5 runtime has no port offset");
            free(where);
            goto fail;
        }
        p->target[u] = p->offset[u];
        if (unit->has_target) {
            p->target[u] = unit->target;
        } else if (unit->home_has_target && !unit->rt->carbon5) {
            size_t main = 0; /* the home's first runtime is its main one */
            while (main < n && !(units[main].home == unit->home && !*units[main].rt->name))
                main++;
            long delta = unit->home_target - (main < n ? p->offset[main] : p->offset[u]);
            p->target[u] = p->offset[u] + delta;
            if (p->target[u] < 0) {
                char *where = ps_path_join(unit->home->path, unit->rt->name);
                ps_error_set(err, where, 0, 0,
                             "offset %ld moves this runtime below offset 0 (to %ld)",
                             unit->home_target, p->target[u]);
                free(where);
                goto fail;
            }
        }
        if (p->target[u] != p->offset[u] && unit->sites->offset_site < 0) {
            char *carbon = ps_path_join(unit->home->path, unit->rt->conf_rel);
            ps_error_set(err, carbon, 0, 0,
                         "no offset setting (carbon.xml <Ports><Offset>) to change");
            free(carbon);
            goto fail;
        }
        if (!*unit->rt->name) /* once per home: its main runtime comes first */
            for (size_t k = 0; k < unit->home->warnings.count; k++)
                *PS_PUSH(p->warnings.items, p->warnings.count, p->warnings.cap) =
                    unit->home->warnings.items[k];
        if (!*unit->sites->version)
            ps_diag_add(&p->warnings, unit->home->path, 0, 0,
                        "%s version unknown: version-specific rules skipped",
                        unit->rt->product->name);
        if (plan_unit_listeners(p, u, err) < 0)
            goto fail;
        const ps_site *gen = unit->sites->generated_offset_site;
        if (gen && gen->value != p->offset[u])
            ps_diag_add(&p->warnings, gen->file->path, gen->line, gen->col,
                        "generated <Offset> is %ld, deployment.toml says %ld; the next start "
                        "renders it again",
                        gen->value, p->offset[u]);
    }
    size_t cap = 0;
    port_index ix;
    index_listeners(p, &ix);
    for (size_t u = 0; u < n; u++) {
        const ps_sites *ss = units[u].sites;
        for (size_t i = 0; i < ss->count; i++) {
            if (ss->items[i].kind == PS_SITE_REFERENCE)
                resolve_reference(p, &ix, u, i);
            if (p->decisions[u][i].action == PS_ACT_SET)
                add_edit(p, &cap, u, i, p->decisions[u][i].next);
        }
    }
    port_index_free(&ix);
    ps_sort(p->edits, p->nedits, sizeof *p->edits, cmp_edits);
    *out = p;
    return 0;
fail:
    ps_plan_free(p);
    return -1;
}

void ps_plan_free(ps_plan *p)
{
    if (!p)
        return;
    for (size_t u = 0; u < p->nunits; u++)
        free(p->decisions[u]);
    for (size_t i = 0; i < p->nedits; i++)
        free(p->edits[i].text);
    ps_diags_free(&p->warnings);
    free(p->decisions);
    free(p->offset);
    free(p->target);
    free(p->edits);
    free(p);
}

char *ps_plan_why(const ps_plan *p, const ps_edit *e)
{
    const ps_site *s = &p->units[e->unit].sites->items[e->site];
    const ps_decision *d = &p->decisions[e->unit][e->site];
    if (s->kind == PS_SITE_OFFSET && s->insert)
        return ps_xasprintf("port offset %ld (default) -> %ld: key added", e->old_value,
                            e->new_value);
    if (s->kind == PS_SITE_OFFSET)
        return ps_xasprintf("port offset %ld -> %ld", e->old_value, e->new_value);
    if (s->kind == PS_SITE_LISTENER)
        return ps_xasprintf("%s: written as base + offset (%s)", s->what, s->source);
    const ps_unit *owner = &p->units[d->owner_unit];
    const ps_site *l = &owner->sites->items[d->owner_site];
    const char *whose = d->owner_unit == e->unit                ? "this runtime"
                        : owner->home == p->units[e->unit].home ? "another runtime of this home"
                                                                : owner->home->path;
    return ps_xasprintf("follows %s %ld -> %ld (%s%s%s)", l->what, d->now, d->next, whose,
                        *owner->rt->name ? ", " : "", owner->rt->name);
}
