#include "plan/plan.h"

#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/strbuf.h"

static int plays(const ps_unit *u, const char *role)
{
    return ps_strlist_has(&u->rt->product->roles, role);
}

/* A reference with a role names another server: its own runtime is never a
 * candidate, even when it plays that role (an API-M is a key manager too),
 * or its ports would capture the reference as they pass over it. */
int ps_plan_tier(const ps_plan *p, size_t u, size_t v, const ps_site *ref)
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
static int stale_meaning(const ps_plan *p, size_t u, const ps_site *ref)
{
    const ps_unit *unit = &p->units[u];
    long dflt = unit->rt->product->default_offset;
    if (ref->self_only) {
        const long offsets[] = {0, dflt};
        return ps_listener_meant(unit->sites, ref->value, offsets, 2);
    }
    if (ref->role || p->offset[u] == dflt)
        return -1;
    return ps_listener_meant(unit->sites, ref->value, &dflt, 1);
}

static void resolve_stale(ps_plan *p, size_t u, size_t i)
{
    const ps_site *ref = &p->units[u].sites->items[i];
    ps_decision *d = &p->decisions[u][i];
    int meant = stale_meaning(p, u, ref);
    if (meant < 0)
        return;
    d->stale = 1;
    d->owner_unit = (int)u;
    d->owner_site = meant;
    d->action = PS_ACT_STALE;
    if (!p->units[u].repair)
        return;
    d->next = p->decisions[u][meant].next;
    if (d->next == ref->value) /* repaired by the move itself: the target brings it back */
        d->action = PS_ACT_KEEP;
    else
        d->action = ref->file->generated ? PS_ACT_GENERATED : PS_ACT_SET;
}

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

static int same_role(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/*
 * Of two listeners that a reference would follow to the same port, the one
 * to name: one that is open before one that is not, else the first by home
 * path, runtime and place in its file. Not the first named: the plan of a
 * home must not depend on the order the homes were named in.
 */
static int names_better(const ps_plan *p, size_t v, int k, size_t w, int m)
{
    const ps_unit *a = &p->units[v], *b = &p->units[w];
    int a_open = a->sites->items[k].active, b_open = b->sites->items[m].active;
    if (a_open != b_open)
        return a_open;
    int c = strcmp(a->home->path, b->home->path);
    if (c == 0)
        c = strcmp(a->rt->name, b->rt->name);
    return c ? c < 0 : k < m;
}

/* Picks the owner among listeners items[lo, hi) for a reference in unit u:
 * the first tier with a candidate decides; candidates of that tier that
 * disagree on the new port make it ambiguous. */
static void choose_owner(const ps_plan *p, const ps_port_index *ix, size_t lo, size_t hi, size_t u,
                         const ps_site *ref, owner_choice *c)
{
    *c = (owner_choice){.valid = 1, .unit = u, .role = ref->role, .self_only = ref->self_only};
    for (int t = 0; t <= 2 && !c->found; t++) {
        for (size_t j = lo; j < hi; j++) {
            size_t v = (size_t)ix->items[j].unit;
            int k = ix->items[j].site;
            if (ps_plan_tier(p, u, v, ref) != t)
                continue;
            const ps_decision *ld = &p->decisions[v][k];
            if (!c->found) {
                c->found = 1;
                c->next = ld->next;
                c->owner_unit = (int)v;
                c->owner_site = k;
            } else if (ld->next != c->next) {
                c->conflict = 1;
            } else if (names_better(p, v, k, (size_t)c->owner_unit, c->owner_site)) {
                c->owner_unit = (int)v; /* the same port either way */
                c->owner_site = k;
            }
        }
    }
}

static void resolve_reference(ps_plan *p, const ps_port_index *ix, owner_choice *choice, size_t u,
                              size_t i)
{
    const ps_site *ref = &p->units[u].sites->items[i];
    ps_decision *d = &p->decisions[u][i];
    d->now = d->next = ref->value;
    d->owner_unit = d->owner_site = -1;
    d->action = PS_ACT_UNOWNED;
    /* The listeners at its port: items[lo, hi). Both ends by binary search,
     * so a port that thousands of listeners share costs no more per reference. */
    size_t lo, hi;
    ps_port_index_find(ix, ref->value, &lo, &hi);
    owner_choice *c = &choice[lo];
    if (lo < hi && (!c->valid || c->unit != u || c->self_only != ref->self_only ||
                    !same_role(c->role, ref->role)))
        choose_owner(p, ix, lo, hi, u, ref, c);
    if (lo == hi || !c->found) {
        resolve_stale(p, u, i);
        return;
    }
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
    /* The line portshift added, at the product's default again: taken out,
     * which gives the file its original bytes back. */
    if (ps_key_taken_out(&p->units[u], s, next)) {
        e->span = s->undo;
        e->text[0] = '\0';
    }
    e->unit = (int)u;
    e->site = (int)i;
    size_t first = u; /* a home's units are adjacent, in the order the homes were named */
    while (first > 0 && p->units[first - 1].home == p->units[u].home)
        first--;
    e->home = first;
}

/* Home by home as named (every output lists the homes in that order),
 * then by file path and place. */
static int cmp_edits(const void *a, const void *b)
{
    const ps_edit *x = a, *y = b;
    if (x->home != y->home)
        return x->home < y->home ? -1 : 1;
    int c = strcmp(x->file->path, y->file->path);
    if (c)
        return c;
    if (x->span.start != y->span.start)
        return x->span.start < y->span.start ? -1 : 1;
    /* lines added at one place: in the order of their sites (sites.c) */
    if (x->unit != y->unit)
        return x->unit < y->unit ? -1 : 1;
    return (x->site > y->site) - (x->site < y->site);
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
        /* A start script's -DportOffset is set with the config's, so the two
         * never disagree after an apply, whatever offsets it went through. */
        if (s->kind == PS_SITE_OFFSET || s->kind == PS_SITE_START) {
            d->next = p->target[u];
            d->action = d->next == s->value ? PS_ACT_KEEP : PS_ACT_SET;
            continue;
        }
        if (s->kind != PS_SITE_LISTENER)
            continue;
        d->now = ps_listener_port(s, p->offset[u], p->offset[u]);
        d->next = ps_listener_port(s, p->offset[u], p->target[u]);
        if (!ps_port_usable(d->next)) {
            const char *path = s->file ? s->file->path : unit->home->path;
            return ps_error_setc(err, PS_ERANGE, path, s->line, s->col,
                                 "offset %ld moves %s %ld to %ld, past %ld", p->target[u],
                                 s->what && *s->what ? s->what : "port", s->value, d->next,
                                 PS_PORT_MAX);
        }
        if (unit->fixed_port && unit->fixed_port[i] >= 0 && s->shift == PS_SHIFT_FIXED)
            d->next = unit->fixed_port[i]; /* a rewrite batch reports */
        if (s->shift != PS_SHIFT_AUTO && d->next != s->value)
            d->action = s->file && s->file->generated ? PS_ACT_GENERATED : PS_ACT_SET;
    }
    return 0;
}

/* A port the product keeps in its database (a catalog stored rule) does not
 * move with the files: a runtime that moves gets one note per such port,
 * with the numbers to set by hand. */
static void note_stored(ps_plan *p, size_t u)
{
    const ps_unit *unit = &p->units[u];
    for (size_t k = 0; k < unit->sites->nstored; k++) {
        const ps_rule *r = unit->sites->stored[k];
        ps_diag_add(&p->warnings, unit->home->path, 0, 0,
                    "%s: port %ld there does not move with the files; set it to %ld by hand",
                    r->what, r->port + p->offset[u], r->port + p->target[u]);
    }
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
            ps_error_setc(err, PS_ERANGE, where, 0, 0, "a Carbon 5 runtime has no port offset");
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
                ps_error_setc(err, PS_ERANGE, where, 0, 0,
                              "offset %ld moves this runtime below offset 0 (to %ld)",
                              unit->home_target, p->target[u]);
                free(where);
                goto fail;
            }
        }
        if (p->target[u] != p->offset[u] && unit->sites->offset_site < 0) {
            char *carbon = ps_path_join(unit->home->path, unit->rt->conf_rel);
            ps_error_setc(err, PS_ERANGE, carbon, 0, 0,
                          "no offset setting (carbon.xml <Ports><Offset>) to change");
            free(carbon);
            goto fail;
        }
        if (p->target[u] != p->offset[u])
            note_stored(p, u);
        if (!*unit->sites->version)
            ps_diag_add(&p->warnings, unit->home->path, 0, 0,
                        "%s version unknown: version-specific rules skipped",
                        unit->rt->product->name);
        if (plan_unit_listeners(p, u, err) < 0)
            goto fail;
        const ps_site *gen = unit->sites->generated_offset_site;
        if (gen && gen->value != ps_sites_config_offset(unit->sites))
            ps_diag_add(&p->warnings, gen->file->path, gen->line, gen->col,
                        "generated <Offset> is %ld, deployment.toml says %ld; the next start "
                        "renders it again",
                        gen->value, ps_sites_config_offset(unit->sites));
    }
    size_t cap = 0;
    /* Every listener of the call by its port now: a reference's candidate
     * owners by binary search, not a scan of every site of every runtime. */
    ps_port_index ix;
    ps_port_index_build(&ix, units, n, p->offset, 0);
    /* One cached choice per index entry, used at the first entry of each port. */
    owner_choice *choice = ps_xcalloc(ix.count + 1, sizeof *choice);
    for (size_t u = 0; u < n; u++) {
        const ps_sites *ss = units[u].sites;
        for (size_t i = 0; i < ss->count; i++) {
            if (ss->items[i].kind == PS_SITE_REFERENCE)
                resolve_reference(p, &ix, choice, u, i);
            if (p->decisions[u][i].action == PS_ACT_SET)
                add_edit(p, &cap, u, i, p->decisions[u][i].next);
            /* a --start-file is the operator's own: no product update replaces it */
            if (p->decisions[u][i].action == PS_ACT_SET && ss->items[i].kind == PS_SITE_START &&
                !ss->items[i].file->outside)
                ps_diag_add(
                    &p->warnings, ss->items[i].file->path, ss->items[i].line, ss->items[i].col,
                    "a product update that replaces %.*s reverts this edit of "
                    "-DportOffset",
                    (int)(strrchr(ss->items[i].file->rel, '/') - ss->items[i].file->rel + 1),
                    ss->items[i].file->rel);
        }
    }
    ps_port_index_free(&ix);
    free(choice);
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

int ps_key_taken_out(const ps_unit *unit, const ps_site *s, long next)
{
    long without = s->kind == PS_SITE_OFFSET ? unit->rt->product->default_offset : s->absent;
    return s->undo.end > s->undo.start && next == without;
}

char *ps_plan_why(const ps_plan *p, const ps_edit *e)
{
    const ps_site *s = &p->units[e->unit].sites->items[e->site];
    const ps_decision *d = &p->decisions[e->unit][e->site];
    if (s->kind == PS_SITE_OFFSET && s->insert)
        return ps_xasprintf("port offset %ld (default) -> %ld: key added", e->old_value,
                            e->new_value);
    if (s->kind == PS_SITE_OFFSET && e->span.end > s->span.end)
        return ps_xasprintf("port offset %ld -> %ld (default): the line portshift added taken out",
                            e->old_value, e->new_value);
    if (s->kind == PS_SITE_OFFSET)
        return ps_xasprintf("port offset %ld -> %ld", e->old_value, e->new_value);
    if (s->kind == PS_SITE_START)
        return ps_xasprintf("start-time offset -DportOffset %ld -> %ld, set with the config's",
                            e->old_value, e->new_value);
    if (s->kind == PS_SITE_LISTENER && s->shift == PS_SHIFT_FIXED)
        return ps_xasprintf("%s: a fixed port, moved so that no two homes open it (batch)",
                            s->what);
    if (s->kind == PS_SITE_LISTENER)
        return ps_xasprintf("%s: written as base + offset (%s)", s->what, s->source);
    const ps_unit *owner = &p->units[d->owner_unit];
    const ps_site *l = &owner->sites->items[d->owner_site];
    if (d->stale)
        return ps_xasprintf("stale: means %s, which listens on %ld (--repair)", l->what,
                            p->decisions[d->owner_unit][d->owner_site].now);
    const char *whose = d->owner_unit == e->unit                ? "this runtime"
                        : owner->home == p->units[e->unit].home ? "another runtime of this home"
                                                                : owner->home->path;
    const char *line = s->insert                   ? ", key added"
                       : e->span.end > s->span.end ? ", the line portshift added taken out"
                                                   : "";
    return ps_xasprintf("follows %s %ld -> %ld (%s%s%s)%s", l->what, d->now, d->next, whose,
                        *owner->rt->name ? ", " : "", owner->rt->name, line);
}
