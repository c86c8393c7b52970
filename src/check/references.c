/*
 * The references between the homes of the call, judged by who owns them
 * (model/owners.h): stale, ambiguous, or owned by no runtime of the call.
 */
#include "check/draft.h"

#include "base/strbuf.h"
#include "model/owners.h"

/* A stale self reference: where the listener it means listens now. -1
 * when out of memory. */
static int stale(ps_check__builder *b, size_t u, size_t k, const ps_ref_owner *owner)
{
    ps_check *c = b->c;
    const ps_sites *ss = c->units[u].sites;
    const ps_site *ref = &ss->items[k], *l = &ss->items[owner->site];
    long should = ps_listener_now(ss, l);
    int generated = ref->file->generated;
    /* a deployment.toml key portshift sets: absent, the product's default renders */
    char *message = generated     ? ps_generated_fix(ref, should)
                    : ref->insert ? ps_asprintf("%s is not set, so %ld is rendered; it should "
                                                "be %ld: its runtime listens there for %s",
                                                ref->key, ref->value, should, l->what)
                                  : ps_asprintf("%ld should be %ld: its runtime listens there "
                                                "for %s",
                                                ref->value, should, l->what);
    ps_check__draft *f = ps_check__add(b, PS_FINDING_STALE, generated, u, k, ref->value, message);
    if (!f)
        return -1;
    f->f.should = should;
    f->f.toml_key = generated ? ref->toml_key : ref->key;
    if (ps_check__party(f, ps_check__site_party(c, u, k)) < 0 ||
        ps_check__party(f, ps_check__site_party(c, u, (size_t)owner->site)) < 0)
        return -1;
    if (!generated)
        c->nstale++;
    return 0;
}

/*
 * The planner calls a reference ambiguous when its owners move apart, which
 * only targets can do; the homes as they are have none. So a reference is
 * ambiguous here when the tier that owns it is "another home" (its own
 * runtime and its home win) and listeners of several homes are in it:
 * moving either home would split them.
 */
static int ambiguous(ps_check__builder *b, const ps_owners *o, size_t u, size_t k,
                     const ps_ref_owner *owner)
{
    ps_check *c = b->c;
    const ps_site *ref = &c->units[u].sites->items[k];
    ps_check__draft *f = ps_check__add(b, PS_FINDING_AMBIGUOUS, 0, u, k, ref->value,
                                       ps_asprintf("port %ld: runtimes of several homes listen "
                                                   "on it, so it cannot tell which it means",
                                                   ref->value));
    if (!f || ps_check__party(f, ps_check__site_party(c, u, k)) < 0)
        return -1;
    for (size_t j = owner->lo; j < owner->hi; j++) {
        const ps_port_entry *e = &o->index.items[j];
        if (ps_owner_tier_of(c->units, u, (size_t)e->unit, ref) == owner->tier &&
            ps_check__party(f, ps_check__site_party(c, (size_t)e->unit, (size_t)e->site)) < 0)
            return -1;
    }
    return 0;
}

/* A reference no runtime of the call listens on: a note. -1 when out of memory. */
static int unowned(ps_check__builder *b, size_t u, size_t k)
{
    ps_check *c = b->c;
    const ps_site *ref = &c->units[u].sites->items[k];
    char *message = ref->role ? ps_asprintf("port %ld: no %s runtime of this "
                                            "call listens on it, left alone",
                                            ref->value, ref->role)
                              : ps_asprintf("port %ld: no runtime of this call "
                                            "listens on it, left alone",
                                            ref->value);
    ps_check__draft *f = ps_check__add(b, PS_FINDING_UNOWNED, 1, u, k, ref->value, message);
    return f ? ps_check__party(f, ps_check__site_party(c, u, k)) : -1;
}

/* -1 when out of memory. */
int ps_check__references(ps_check__builder *b)
{
    ps_check *c = b->c;
    ps_owners o;
    if (ps_owners_init(&o, c->units, c->nunits) < 0)
        return -1;
    int rc = 0;
    for (size_t u = 0; u < c->nunits && rc == 0; u++) {
        const ps_sites *ss = c->units[u].sites;
        for (size_t k = 0; k < ss->count && rc == 0; k++) {
            const ps_site *ref = &ss->items[k];
            if (ref->kind != PS_SITE_REFERENCE)
                continue;
            ps_ref_owner owner;
            ps_owners_find(&owner, &o, u, k);
            if (owner.kind == PS_OWNER_STALE)
                rc = stale(b, u, k, &owner);
            else if (owner.kind == PS_OWNER_LISTENER && owner.tier == PS_TIER_OTHER &&
                     owner.homes > 1)
                rc = ambiguous(b, &o, u, k, &owner);
            else if (owner.kind == PS_OWNER_NONE)
                rc = unowned(b, u, k);
        }
    }
    ps_owners_free(&o);
    return rc;
}
