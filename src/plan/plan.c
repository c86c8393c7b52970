#include "plan/plan.h"

#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/strbuf.h"
#include "model/owners.h"

/* A stale reference: set to `next` (where the listener it means goes) when
 * the call asks for repair, else left alone. */
static void stale_to(const ps_plan *p, const ps_site *ref, ps_decision *d, long next)
{
    d->stale = 1;
    d->action = PS_ACT_STALE;
    if (!(p->flags & PS_PLAN_REPAIR))
        return;
    d->next = next;
    if (d->next == ref->value) /* repaired by the move itself: the target brings it back */
        d->action = PS_ACT_KEEP;
    else
        d->action = ref->file->generated ? PS_ACT_GENERATED : PS_ACT_SET;
}

/* A stale self reference (model/owners.h): it means listener `meant` of its
 * own runtime. */
static void resolve_stale(ps_plan *p, size_t u, size_t i, int meant)
{
    ps_decision *d = &p->decisions[u][i];
    d->owner_unit = (int)u;
    d->owner_site = meant;
    stale_to(p, &p->units[u].sites->items[i], d, p->decisions[u][meant].next);
}

/* The decision of reference site i of unit u, before it is resolved: left
 * as written, for `action`'s reason, following no listener. */
static ps_decision *reference_decision(ps_plan *p, size_t u, size_t i, ps_action action)
{
    ps_decision *d = &p->decisions[u][i];
    d->now = d->next = p->units[u].sites->items[i].value;
    d->owner_unit = d->owner_site = -1;
    d->action = action;
    return d;
}

/* 1 when the candidates of the tier that owns a reference go to different
 * ports at their targets: then no new value is right for it. */
static int owners_move_apart(const ps_plan *p, const ps_owners *o, size_t u, const ps_site *ref,
                             const ps_ref_owner *owner)
{
    long next = p->decisions[owner->unit][owner->site].next;
    for (size_t j = owner->lo; j < owner->hi && owner->candidates > 1; j++) {
        const ps_port_entry *e = &o->index.items[j];
        if (ps_owner_tier_of(p->units, u, (size_t)e->unit, ref) == owner->tier &&
            p->decisions[e->unit][e->site].next != next)
            return 1;
    }
    return 0;
}

/* A reference follows its owner's listener to where that listener goes. */
static void resolve_reference(ps_plan *p, ps_owners *o, size_t u, size_t i)
{
    const ps_site *ref = &p->units[u].sites->items[i];
    ps_decision *d = reference_decision(p, u, i, PS_ACT_UNOWNED);
    ps_ref_owner owner;
    ps_owners_find(&owner, o, u, i);
    if (owner.kind == PS_OWNER_STALE)
        resolve_stale(p, u, i, owner.site);
    if (owner.kind != PS_OWNER_LISTENER)
        return;
    d->owner_unit = owner.unit;
    d->owner_site = owner.site;
    if (owners_move_apart(p, o, u, ref, &owner)) {
        d->action = PS_ACT_AMBIGUOUS;
        return;
    }
    d->next = p->decisions[owner.unit][owner.site].next;
    if (d->next == ref->value)
        d->action = PS_ACT_KEEP;
    else
        d->action = ref->file->generated ? PS_ACT_GENERATED : PS_ACT_SET;
}

/* A remote site (--with): what the other hosts' facts say it means. A
 * stale one is repaired, when the call asks, to the port its owner listens
 * on now (their offsets are theirs: no target of this call moves them);
 * the rest stay as written. -1 when out of memory. */
static int resolve_remote(ps_plan *p, size_t *cap, size_t u, size_t i)
{
    const ps_site *ref = &p->units[u].sites->items[i];
    ps_decision *d = reference_decision(p, u, i, PS_ACT_REMOTE);
    ps_remote *r = PS_TRY_PUSH(p->remotes, p->nremotes, *cap);
    if (!r)
        return -1;
    ps_remote_of(r, p->with, p->units, p->nunits, ref);
    d->remote = (int)p->nremotes;
    if (r->kind == PS_REMOTE_STALE)
        stale_to(p, ref, d, r->should);
    return 0;
}

/* 0, or -1 (no edit added) when out of memory. */
static int add_edit(ps_plan *p, size_t *cap, size_t u, size_t i, long next)
{
    const ps_site *s = &p->units[u].sites->items[i];
    char *text = ps_site_text(s, next);
    ps_edit *e = text ? PS_TRY_PUSH(p->edits, p->nedits, *cap) : NULL;
    if (!e) {
        free(text);
        return -1;
    }
    e->file = s->file;
    e->span = s->span;
    e->line = s->line;
    e->col = s->col;
    e->old_value = s->value;
    e->new_value = next;
    e->text = text;
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
    return 0;
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

static int plan_unit_listeners(ps_plan *p, size_t u, const long *fixed_port, ps_error *err)
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
        if (!ps_port_usable(d->next))
            return ps_listener_range_error(err, unit, s, p->target[u], d->next);
        if (fixed_port && fixed_port[i] >= 0 && s->shift == PS_SHIFT_FIXED)
            d->next = fixed_port[i]; /* a rewrite batch reports */
        if (s->shift != PS_SHIFT_AUTO && d->next != s->value)
            d->action = s->file && s->file->generated ? PS_ACT_GENERATED : PS_ACT_SET;
    }
    return 0;
}

/* A port the product keeps in its database (a catalog stored rule) does not
 * move with the files: a runtime that moves gets one note per such port,
 * with the numbers to set by hand. -1 when out of memory. */
static int note_stored(ps_plan *p, size_t u)
{
    const ps_unit *unit = &p->units[u];
    for (size_t k = 0; k < unit->sites->nstored; k++) {
        const ps_rule *r = unit->sites->stored[k];
        if (ps_diag_add(&p->warnings, unit->home->path, 0, 0,
                        "%s: port %ld there does not move with the files; set it to %ld by "
                        "hand",
                        r->what, r->port + p->offset[u], r->port + p->target[u]) < 0)
            return -1;
    }
    return 0;
}

int ps_plan_make(ps_plan **out, const ps_unit *units, size_t n, const ps_plan_options *opts,
                 ps_error *err)
{
    static const ps_plan_options none = {0};
    if (!opts)
        opts = &none;
    ps_plan *p = ps_calloc(1, sizeof *p);
    if (!p)
        return ps_error_oom(err);
    p->units = units;
    p->flags = opts->flags;
    p->with = opts->with;
    p->offset = ps_calloc(n + 1, sizeof *p->offset);
    p->target = ps_calloc(n + 1, sizeof *p->target);
    p->decisions = ps_calloc(n + 1, sizeof *p->decisions);
    if (!p->offset || !p->target || !p->decisions)
        goto oom;
    p->nunits = n; /* ps_plan_free frees decisions[0..nunits) */
    for (size_t u = 0; u < n; u++)
        p->offset[u] = units[u].sites->offset;
    for (size_t u = 0; u < n; u++) {
        const ps_unit *unit = &units[u];
        p->decisions[u] = ps_calloc(unit->sites->count + 1, sizeof **p->decisions);
        if (!p->decisions[u])
            goto oom;
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
        if ((p->target[u] != p->offset[u] && note_stored(p, u) < 0) ||
            ps_unit_warnings(&p->warnings, unit) < 0)
            goto oom;
        if (plan_unit_listeners(p, u, opts->fixed_port ? opts->fixed_port[u] : NULL, err) < 0)
            goto fail;
    }
    size_t cap = 0, rcap = 0;
    ps_owners owners;
    if (ps_owners_init(&owners, units, n) < 0)
        goto oom;
    int rc = 0;
    for (size_t u = 0; u < n && rc == 0; u++) {
        const ps_sites *ss = units[u].sites;
        for (size_t i = 0; i < ss->count && rc == 0; i++) {
            if (ss->items[i].kind == PS_SITE_REFERENCE)
                resolve_reference(p, &owners, u, i);
            if (ss->items[i].kind == PS_SITE_REMOTE)
                rc = p->with ? resolve_remote(p, &rcap, u, i) : 0;
            if (rc == 0 && p->decisions[u][i].action == PS_ACT_SET)
                rc = add_edit(p, &cap, u, i, p->decisions[u][i].next);
            /* a --start-file is the operator's own: no product update replaces it */
            if (rc == 0 && p->decisions[u][i].action == PS_ACT_SET &&
                ss->items[i].kind == PS_SITE_START && !ss->items[i].file->outside)
                rc = ps_diag_add(
                    &p->warnings, ss->items[i].file->path, ss->items[i].line, ss->items[i].col,
                    "a product update that replaces %.*s reverts this edit of "
                    "-DportOffset",
                    (int)(strrchr(ss->items[i].file->rel, '/') - ss->items[i].file->rel + 1),
                    ss->items[i].file->rel);
        }
    }
    ps_owners_free(&owners);
    if (rc < 0)
        goto oom;
    ps_sort(p->edits, p->nedits, sizeof *p->edits, cmp_edits);
    *out = p;
    return 0;
oom:
    ps_error_oom(err);
fail:
    ps_plan_free(p);
    return -1;
}

void ps_plan_free(ps_plan *p)
{
    if (!p)
        return;
    for (size_t u = 0; p->decisions && u < p->nunits; u++)
        free(p->decisions[u]);
    for (size_t i = 0; i < p->nedits; i++)
        free(p->edits[i].text);
    ps_diags_free(&p->warnings);
    free(p->remotes);
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
        return ps_asprintf("port offset %ld (default) -> %ld: key added", e->old_value,
                           e->new_value);
    if (s->kind == PS_SITE_OFFSET && e->span.end > s->span.end)
        return ps_asprintf("port offset %ld -> %ld (default): the line portshift added taken out",
                           e->old_value, e->new_value);
    if (s->kind == PS_SITE_OFFSET)
        return ps_asprintf("port offset %ld -> %ld", e->old_value, e->new_value);
    if (s->kind == PS_SITE_START)
        return ps_asprintf("start-time offset -DportOffset %ld -> %ld, set with the config's",
                           e->old_value, e->new_value);
    if (s->kind == PS_SITE_LISTENER && s->shift == PS_SHIFT_FIXED)
        return ps_asprintf("%s: a fixed port, moved so that no two homes open it (batch)", s->what);
    if (s->kind == PS_SITE_LISTENER)
        return ps_asprintf("%s: written as base + offset (%s)", s->what, s->source);
    if (d->remote) {
        const ps_remote *r = &p->remotes[d->remote - 1];
        return ps_asprintf("stale: means %s on %s, which listens on %ld (--repair)",
                           r->listener->what, ps_remote_label(p->with, r), r->should);
    }
    const ps_unit *owner = &p->units[d->owner_unit];
    const ps_site *l = &owner->sites->items[d->owner_site];
    if (d->stale)
        return ps_asprintf("stale: means %s, which listens on %ld (--repair)", l->what,
                           p->decisions[d->owner_unit][d->owner_site].now);
    const char *whose = d->owner_unit == e->unit                ? "this runtime"
                        : owner->home == p->units[e->unit].home ? "another runtime of this home"
                                                                : owner->home->path;
    const char *line = s->insert                   ? ", key added"
                       : e->span.end > s->span.end ? ", the line portshift added taken out"
                                                   : "";
    return ps_asprintf("follows %s %ld -> %ld (%s%s%s)%s", l->what, d->now, d->next, whose,
                       *owner->rt->name ? ", " : "", owner->rt->name, line);
}
