/*
 * The references to the other hosts of the call (--with, model/remote.h):
 * stale ones are findings, those that cannot be told apart or that nothing
 * there means, notes.
 */
#include "check/draft.h"

#include "base/strbuf.h"

/* The party of remote site k of unit u: the site, named as a reference to
 * its host. -1 when out of memory. */
static int remote_party(ps_check__builder *b, ps_check__draft *d, size_t u, size_t k)
{
    const ps_site *ref = &b->c->units[u].sites->items[k];
    ps_party p = ps_check__site_party(b->c, u, k);
    p.what = ps_check__own(b->c, ps_asprintf("reference to %s", ref->host));
    return p.what ? ps_check__party(d, p) : -1;
}

/* The listener a stale remote reference means, on its host: named by the
 * host's label before its home. -1 when out of memory. */
static int remote_owner(ps_check__builder *b, ps_check__draft *d, const ps_remote *r)
{
    const char *label = ps_remote_label(b->c->with, r);
    const ps_fleet_place *at = &r->listener->at;
    ps_party p = {
        .home = ps_check__own(b->c, ps_asprintf("%s:%s", label, r->rt->home ? r->rt->home : "")),
        .runtime = r->rt->runtime ? r->rt->runtime : "",
        .what = r->listener->what,
        .port = r->should,
        .pid = -1};
    if (!p.home)
        return -1;
    if (at->file) {
        p.file = at->file;
        p.path = ps_check__own(b->c, ps_asprintf("%s:%s", label, at->path ? at->path : at->file));
        p.line = at->line;
        p.col = at->col;
        if (!p.path)
            return -1;
    }
    return ps_check__party(d, p);
}

/* A reference to another host that names a port nobody there listens on,
 * while the listener it means listens on r->should now. -1 when out of memory. */
static int remote_stale(ps_check__builder *b, size_t u, size_t k, const ps_remote *r)
{
    ps_check *c = b->c;
    const ps_site *ref = &c->units[u].sites->items[k];
    const char *label = ps_remote_label(c->with, r);
    int generated = ref->file->generated;
    char *message = generated ? ps_generated_fix(ref, r->should)
                              : ps_asprintf("%ld should be %ld: %s listens there for %s",
                                            ref->value, r->should, label, r->listener->what);
    ps_check__draft *f = ps_check__add(b, PS_FINDING_STALE, generated, u, k, ref->value, message);
    if (!f)
        return -1;
    f->f.should = r->should;
    if (remote_party(b, f, u, k) < 0 || remote_owner(b, f, r) < 0)
        return -1;
    if (!generated)
        c->nstale++;
    return 0;
}

/* What the other hosts' facts say of site k of unit u (a remote site, or a
 * local reference by a name one of them claims too): a stale reference is
 * a finding, the rest that are not theirs to own are notes. -1 when out of
 * memory. */
static int remote_site(ps_check__builder *b, size_t u, size_t k)
{
    ps_check *c = b->c;
    const ps_site *ref = &c->units[u].sites->items[k];
    ps_remote r;
    ps_remote_of(&r, c->with, c->units, c->nunits, ref);
    char *message = NULL;
    ps_finding_kind kind = PS_FINDING_UNOWNED;
    switch (r.kind) {
    case PS_REMOTE_LOCAL:
    case PS_REMOTE_OWNED:
        return 0;
    case PS_REMOTE_STALE:
        return remote_stale(b, u, k, &r);
    case PS_REMOTE_AMBIGUOUS:
        kind = PS_FINDING_AMBIGUOUS;
        message =
            ps_asprintf("port %ld: %zu hosts%s have the name %s, so it cannot tell "
                        "which it means, left alone",
                        ref->value, r.nclaims,
                        ref->kind == PS_SITE_REMOTE ? "" : " (this one among them)", ref->host);
        break;
    case PS_REMOTE_UNKNOWN:
        message = ps_asprintf("port %ld: no host of --with is named %s, left alone", ref->value,
                              ref->host);
        break;
    case PS_REMOTE_NOBODY:
        message = ps_asprintf("port %ld: nothing on %s listens on it or means it, left alone",
                              ref->value, ps_remote_label(c->with, &r));
        break;
    }
    ps_check__draft *f = ps_check__add(b, kind, 1, u, k, ref->value, message);
    return f ? remote_party(b, f, u, k) : -1;
}

/* The units' references to other hosts, when the call has some (--with).
 * -1 when out of memory. */
int ps_check__remotes(ps_check__builder *b)
{
    ps_check *c = b->c;
    for (size_t u = 0; u < c->nunits && c->with; u++) {
        const ps_sites *ss = c->units[u].sites;
        for (size_t k = 0; k < ss->count; k++)
            if ((ss->items[k].kind == PS_SITE_REMOTE || ss->items[k].kind == PS_SITE_REFERENCE) &&
                remote_site(b, u, k) < 0)
                return -1;
    }
    return 0;
}
