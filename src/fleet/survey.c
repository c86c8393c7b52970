/*
 * The fleet's references judged, host by host: each remote reference
 * ("local": false in its host's facts) is resolved among the other hosts.
 * Stale is a finding; a name nobody else has, a name several hosts claim
 * and a port nobody explains are notes; an owned one says nothing.
 */
#include "fleet/survey.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* "NAME:PORT (ROLE)" of a reference, the start of each message. */
static void ref_text(ps_strbuf *b, const ps_fleet_ref *r)
{
    if (r->port >= 0)
        ps_strbuf_printf(b, "%s:%ld", r->host, r->port);
    else
        ps_strbuf_printf(b, "%s (a ${...} port)", r->host);
    if (r->role)
        ps_strbuf_printf(b, " (%s)", r->role);
}

/* "home H" or "home H runtime R", the way the other reports name a runtime. */
static void runtime_text(ps_strbuf *b, const char *home, const char *runtime)
{
    ps_strbuf_printf(b, "home %s", home ? home : "(unnamed)");
    if (runtime && *runtime)
        ps_strbuf_printf(b, " runtime %s", runtime);
}

static char *message(const ps_fleet *f, const ps_fleet_ref *r, const ps_remote *m)
{
    ps_strbuf b = PS_STRBUF_INIT;
    ref_text(&b, r);
    const char *owner = m->host < f->nhosts ? f->hosts[m->host].label : NULL;
    switch (m->kind) {
    case PS_REMOTE_STALE:
        ps_strbuf_printf(&b, ": nothing on %s listens on %ld; the listener it means, %s of ", owner,
                         r->port, m->listener->what);
        runtime_text(&b, m->rt->home, m->rt->runtime);
        ps_strbuf_printf(&b, " (%ld at offset 0), listens on %ld now", m->listener->base,
                         m->should);
        break;
    case PS_REMOTE_UNKNOWN:
        ps_strbuf_printf(&b, ": no other host's facts have the name %s (not checked)", r->host);
        break;
    case PS_REMOTE_AMBIGUOUS:
        ps_strbuf_printf(&b, ": %zu hosts' facts have the name %s: which one it means is unknown",
                         m->nclaims, r->host);
        break;
    default: /* NOBODY */
        ps_strbuf_printf(&b,
                         ": nothing%s%s on %s listens on %ld, and no listener there had it at "
                         "offset 0 or at its product's default",
                         r->role ? " that plays " : "", r->role ? r->role : "", owner, r->port);
        break;
    }
    return ps_strbuf_detach(&b, NULL);
}

static ps_fleet_kind kind_of(ps_remote_kind k)
{
    return k == PS_REMOTE_STALE       ? PS_FLEET_STALE
           : k == PS_REMOTE_UNKNOWN   ? PS_FLEET_UNKNOWN
           : k == PS_REMOTE_AMBIGUOUS ? PS_FLEET_AMBIGUOUS
                                      : PS_FLEET_NOBODY;
}

static ps_fleet_finding item(const ps_fleet *f, size_t h, const ps_fleet_ref *r, const ps_remote *m,
                             const char *msg)
{
    const ps_fleet_host *host = &f->hosts[h];
    ps_fleet_finding it = {
        .kind = kind_of(m->kind),
        .note = m->kind != PS_REMOTE_STALE,
        .host = host->label,
        .facts = host->source,
        .home = r->at.home,
        .runtime = r->at.runtime,
        .path = r->at.path,
        .line = r->at.path ? r->at.line : 0,
        .col = r->at.path ? r->at.col : 0,
        .name = r->host,
        .port = r->port,
        .role = r->role,
        .should = m->kind == PS_REMOTE_STALE ? m->should : -1,
        .owner = (m->kind == PS_REMOTE_STALE || m->kind == PS_REMOTE_NOBODY)
                     ? f->hosts[m->host].label
                     : NULL,
        .claims = m->kind == PS_REMOTE_AMBIGUOUS ? m->nclaims : 0,
        .message = msg,
    };
    if (m->kind == PS_REMOTE_STALE) {
        it.owner_home = m->rt->home;
        it.owner_runtime = m->rt->runtime;
        it.owner_what = m->listener->what;
    }
    return it;
}

/* Whether reference r of host h says anything, and what. */
static int judge(const ps_fleet *f, size_t h, const ps_fleet_ref *r, ps_remote *m)
{
    if (r->local || !r->host)
        return 0;
    ps_fleet_resolve(m, f, h, r->host, r->port, r->role);
    return m->kind != PS_REMOTE_LOCAL && m->kind != PS_REMOTE_OWNED;
}

int ps_fleet_survey(ps_fleet_check *c, ps_error *err)
{
    const ps_fleet *f = &c->fleet;
    size_t n = 0, findings = 0;
    ps_remote m;
    for (size_t h = 0; h < f->nhosts; h++)
        for (size_t i = 0; i < f->hosts[h].nrefs; i++)
            if (judge(f, h, &f->hosts[h].refs[i], &m)) {
                n++;
                findings += m.kind == PS_REMOTE_STALE;
            }
    c->items = ps_calloc(n + 1, sizeof *c->items);
    c->messages = ps_calloc(n + 1, sizeof *c->messages);
    if (!c->items || !c->messages) {
        ps_fleet_survey_free(c);
        return ps_error_oom(err);
    }
    c->count = n; /* every message freed on failure, however far it got */
    /* Findings from 0, notes from `findings` on: each kind in host order. */
    size_t at_finding = 0, at_note = findings;
    for (size_t h = 0; h < f->nhosts; h++)
        for (size_t i = 0; i < f->hosts[h].nrefs; i++) {
            const ps_fleet_ref *r = &f->hosts[h].refs[i];
            if (!judge(f, h, r, &m))
                continue;
            size_t k = m.kind == PS_REMOTE_STALE ? at_finding++ : at_note++;
            if (!(c->messages[k] = message(f, r, &m))) {
                ps_fleet_survey_free(c);
                return ps_error_oom(err);
            }
            c->items[k] = item(f, h, r, &m, c->messages[k]);
        }
    c->nfindings = findings;
    return 0;
}

void ps_fleet_survey_free(ps_fleet_check *c)
{
    for (size_t i = 0; c->messages && i < c->count; i++)
        free(c->messages[i]);
    free(c->messages);
    free(c->items);
    c->messages = NULL;
    c->items = NULL;
    c->count = c->nfindings = 0;
}

void ps_fleet_item_name(ps_strbuf *out, const ps_fleet_finding *f)
{
    ps_strbuf_puts(out, f->host);
    if (f->path)
        ps_strbuf_printf(out, ":%s:%d:%d", f->path, f->line, f->col);
}
