/*
 * The helpers every judge of src/check shares (check/draft.h): a draft
 * finding added to the builder, and the sites and strings it points at.
 */
#include "check/draft.h"

#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"

const char *ps_check__own(ps_check *c, char *s)
{
    char **slot = s ? PS_TRY_PUSH(c->owned, c->nowned, c->owned_cap) : NULL;
    if (!slot) {
        free(s);
        return NULL;
    }
    *slot = s;
    return s;
}

ps_party ps_check__site_party(const ps_check *c, size_t u, size_t k)
{
    const ps_unit *unit = &c->units[u];
    const ps_site *s = &unit->sites->items[k];
    ps_party p = {.home = unit->home->path,
                  .runtime = unit->rt->name,
                  .what = s->what ? s->what : "literal local reference",
                  .port = s->kind == PS_SITE_LISTENER ? ps_listener_now(unit->sites, s) : s->value,
                  .pid = -1};
    if (s->file) {
        p.file = s->file->rel;
        p.path = s->file->path;
        p.line = s->line;
        p.col = s->col;
    }
    return p;
}

ps_check__draft *ps_check__add(ps_check__builder *b, ps_finding_kind kind, int note, size_t u,
                               size_t k, long port, char *message)
{
    if (!ps_check__own(b->c, message))
        return NULL;
    ps_check__draft *d = PS_TRY_PUSH(b->drafts, b->count, b->cap);
    if (!d)
        return NULL;
    memset(d, 0, sizeof *d);
    d->f.message = message;
    d->f.kind = kind;
    d->f.note = note;
    d->f.port = port;
    d->f.should = -1;
    d->unit = u;
    d->site = k;
    d->order = (int)kind;
    return d;
}

int ps_check__party(ps_check__draft *d, ps_party p)
{
    ps_party *slot = PS_TRY_PUSH(d->parties, d->nparties, d->cap);
    if (!slot)
        return -1;
    *slot = p;
    return 0;
}
