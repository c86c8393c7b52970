#include "report/rows.h"

#include <stdlib.h>

#include "base/strbuf.h"
#include "report/words.h"

/* How text names a runtime's mode. */
static const char *mode_words(const ps_runtime *rt)
{
    return rt->carbon5               ? "Carbon 5, fixed ports"
           : rt->mode == PS_MODE_XML ? "carbon.xml mode"
                                     : "deployment.toml mode";
}

int ps__install_row(ps_install_row *r, const ps_unit *unit, long offset, long target)
{
    const ps_sites *ss = unit->sites;
    *r = (ps_install_row){.home = unit->home->path,
                          .runtime = unit->rt->name,
                          .product_id = unit->rt->product->id,
                          .product_name = unit->rt->product->name,
                          .version = *ss->version ? ss->version : NULL,
                          .mode = ps_mode_name(unit->rt),
                          .mode_words = mode_words(unit->rt),
                          .offset = offset,
                          .target = target,
                          .config_offset = ps_sites_config_offset(ss),
                          .step = unit->rt->carbon5  ? PS_RUNTIME_FIXED
                                  : target != offset ? PS_RUNTIME_MOVED
                                                     : PS_RUNTIME_KEPT};
    ps_strbuf product = PS_STRBUF_INIT;
    ps__product_text(&product, unit);
    r->product = ps_strbuf_detach(&product, NULL);
    if (!r->product)
        return -1;
    const ps_site *s = ss->start_site;
    if (s) {
        r->start_offset = s->value;
        r->start_from = ps_asprintf("%s:%d:%d", s->file->path, s->line, s->col);
        if (!r->start_from)
            return -1;
    }
    return 0;
}

/* The header rows of units[0, n), now at offset[u] (NULL: as they are),
 * after at target[u] (NULL: where they are now). */
static int add_installs(ps_rows *out, const ps_unit *units, size_t n, const long *offset,
                        const long *target)
{
    out->installs = ps_calloc(n ? n : 1, sizeof *out->installs);
    if (!out->installs)
        return -1;
    for (size_t u = 0; u < n; u++) {
        long now = offset ? offset[u] : units[u].sites->offset;
        if (ps__install_row(&out->installs[out->ninstalls++], &units[u], now,
                            target ? target[u] : now) < 0)
            return -1;
    }
    return 0;
}

/* The listeners of each runtime of plan `p`, at its target. */
static int add_ports(ps_rows *out, const ps_plan *p)
{
    size_t n = 0;
    for (size_t u = 0; u < p->nunits; u++)
        for (size_t i = 0; i < p->units[u].sites->count; i++)
            n += p->units[u].sites->items[i].kind == PS_SITE_LISTENER;
    out->ports = ps_calloc(n ? n : 1, sizeof *out->ports);
    if (!out->ports)
        return -1;
    for (size_t u = 0; u < p->nunits; u++) {
        const ps_sites *ss = p->units[u].sites;
        out->installs[u].first_port = out->nports;
        for (size_t i = 0; i < ss->count; i++) {
            const ps_site *s = &ss->items[i];
            if (s->kind != PS_SITE_LISTENER)
                continue;
            out->ports[out->nports++] = (ps_port_row){.port = p->decisions[u][i].next,
                                                      .base = ps_listener_port(s, p->offset[u], 0),
                                                      .shift = ps_shift_name(s->shift),
                                                      .active = s->active,
                                                      .what = s->what,
                                                      .path = s->file ? s->file->path : NULL,
                                                      .rel = s->file ? s->file->rel : NULL,
                                                      .line = s->file ? s->line : 0,
                                                      .source = s->source};
        }
        out->installs[u].nports = out->nports - out->installs[u].first_port;
    }
    return 0;
}

static const char *edit_kind(const ps_plan *p, const ps_edit *e)
{
    const ps_site *s = &p->units[e->unit].sites->items[e->site];
    if (s->kind == PS_SITE_OFFSET)
        return "offset";
    if (s->kind == PS_SITE_START)
        return "start";
    if (s->kind == PS_SITE_LISTENER)
        return s->shift == PS_SHIFT_FIXED ? "rewrite" : "listener";
    return p->decisions[e->unit][e->site].stale ? "repair" : "reference";
}

static int add_warnings(ps_rows *out, const ps_diags *w)
{
    out->warnings = ps_calloc(w->count ? w->count : 1, sizeof *out->warnings);
    if (!out->warnings)
        return -1;
    for (size_t i = 0; i < w->count; i++) {
        char *text = ps_error_text(&w->items[i]);
        if (!text)
            return -1;
        out->warnings[out->nwarnings++] = text;
    }
    return 0;
}

/* The rows of a plan's edits; -1 when out of memory (the rows made so far
 * stay in `out`, for ps__rows_free). */
static int add_edits(ps_rows *out, const ps_plan *p)
{
    out->edits = ps_calloc(p->nedits ? p->nedits : 1, sizeof *out->edits);
    if (!out->edits)
        return -1;
    for (size_t i = 0; i < p->nedits; i++) {
        const ps_edit *e = &p->edits[i];
        const ps_site *s = &p->units[e->unit].sites->items[e->site];
        ps_edit_row *r = &out->edits[out->nedits++];
        *r = (ps_edit_row){.path = e->file->path,
                           .line = e->line,
                           .col = e->col,
                           .old_text = s->text,
                           .new_text = e->text,
                           .old_value = e->old_value,
                           .new_value = e->new_value,
                           .kind = edit_kind(p, e),
                           .why = ps_plan_why(p, e),
                           .unit = (size_t)e->unit,
                           .site = (size_t)e->site};
        if (!r->why)
            return -1;
        /* ps_plan_why names the values of offsets, start offsets and
         * followed references, not of a listener or a stale reference. */
        r->why_has_values = s->kind == PS_SITE_OFFSET || s->kind == PS_SITE_START ||
                            (s->kind == PS_SITE_REFERENCE && !p->decisions[e->unit][e->site].stale);
        out->nrepairs += p->decisions[e->unit][e->site].stale;
    }
    return 0;
}

/* "WHAT N, but the file is generated from deployment.toml: not edited". */
static void generated(ps_strbuf *out, const char *what, long next)
{
    ps_strbuf_printf(out, "%s %ld, but the file is generated from deployment.toml: not edited",
                     what, next);
}

/* A stale reference left as it is: the listener it means (`what`, on host
 * `on` for another host's, NULL for a listener of the call), and why. */
static void stale_kept(ps_strbuf *out, const ps_decision *d, const char *what, const char *on,
                       long now)
{
    ps_strbuf_printf(out, "stale: means %s%s%s, which listens on %ld; ", what, on ? " on " : "",
                     on ? on : "", now);
    if (d->action == PS_ACT_GENERATED)
        generated(out, "should be", d->next);
    else if (d->action == PS_ACT_KEEP)
        ps_strbuf_puts(out, "right at the target, unchanged");
    else
        ps_strbuf_puts(out, "left alone (--repair sets it)");
}

/* Why the plan leaves remote site `s` as it is: what the other hosts'
 * facts say of it (--with), or nothing without them. */
static void remote_kept(ps_strbuf *out, const ps_plan *p, const ps_site *s, const ps_decision *d)
{
    const ps_remote *r = d->remote ? &p->remotes[d->remote - 1] : NULL;
    switch (r ? r->kind : PS_REMOTE_LOCAL) {
    case PS_REMOTE_STALE:
        stale_kept(out, d, r->listener->what, ps_remote_label(p->with, r), r->should);
        break;
    case PS_REMOTE_OWNED:
        ps_strbuf_printf(out, "follows %s on %s, unchanged",
                         r->listener ? r->listener->what : "its server",
                         ps_remote_label(p->with, r));
        break;
    case PS_REMOTE_AMBIGUOUS:
        ps_strbuf_printf(out, "%zu hosts have the name %s, left alone", r->nclaims, s->host);
        break;
    case PS_REMOTE_UNKNOWN:
        ps_strbuf_printf(out, "no host of --with is named %s, left alone", s->host);
        break;
    case PS_REMOTE_NOBODY:
        ps_strbuf_printf(out, "nothing on %s listens on it, left alone",
                         ps_remote_label(p->with, r));
        break;
    case PS_REMOTE_LOCAL:
        ps_strbuf_puts(out, "this host's, left alone");
        break;
    }
}

/* Why the plan leaves site i of unit u as it is. */
static void site_kept(ps_strbuf *out, const ps_plan *p, size_t u, size_t i)
{
    const ps_site *s = &p->units[u].sites->items[i];
    const ps_decision *d = &p->decisions[u][i];
    switch (s->kind) {
    case PS_SITE_OFFSET:
        if (s->file->generated)
            ps_strbuf_printf(out, "offset %ld in a generated file, not edited", s->value);
        else if (s->insert)
            ps_strbuf_printf(out, "offset not set (default %ld), unchanged", s->value);
        else
            ps_strbuf_printf(out, "offset %ld, unchanged", s->value);
        break;
    case PS_SITE_START:
        ps_strbuf_puts(out, "unchanged");
        break;
    case PS_SITE_LISTENER:
        if (d->action == PS_ACT_GENERATED)
            generated(out, "should be", d->next);
        else
            ps_strbuf_printf(out, "listens on %ld, unchanged", d->next);
        break;
    case PS_SITE_PLACEHOLDER:
        ps_strbuf_printf(out, "placeholder %s, resolved at runtime, unchanged", s->text);
        break;
    case PS_SITE_REFERENCE:
        if (d->stale)
            stale_kept(out, d, p->units[d->owner_unit].sites->items[d->owner_site].what, NULL,
                       p->decisions[d->owner_unit][d->owner_site].now);
        else if (d->action == PS_ACT_KEEP && d->owner_unit >= 0)
            ps_strbuf_printf(out, "follows %s, unchanged",
                             p->units[d->owner_unit].sites->items[d->owner_site].what);
        else if (d->action == PS_ACT_GENERATED)
            generated(out, "would follow to", d->next);
        else if (d->action == PS_ACT_AMBIGUOUS)
            ps_strbuf_puts(out, "several runtimes listen on it, left alone");
        else
            ps_strbuf_puts(out, "no runtime in this call listens on it, left alone");
        break;
    case PS_SITE_REMOTE:
        remote_kept(out, p, s, d);
        break;
    }
}

/* Every site of each runtime of plan `p`, with its edit (the edit rows are
 * made) or why it stays. */
static int add_sites(ps_rows *out, const ps_plan *p)
{
    size_t n = 0;
    for (size_t u = 0; u < p->nunits; u++)
        n += p->units[u].sites->count;
    out->sites = ps_calloc(n ? n : 1, sizeof *out->sites);
    if (!out->sites)
        return -1;
    for (size_t u = 0; u < p->nunits; u++) {
        const ps_sites *ss = p->units[u].sites;
        out->installs[u].first_site = out->nsites;
        out->installs[u].nsites = ss->count;
        for (size_t i = 0; i < ss->count; i++) {
            const ps_site *s = &ss->items[i];
            out->sites[out->nsites++] =
                (ps_site_row){.path = s->file ? s->file->path : NULL,
                              .line = s->line,
                              .col = s->col,
                              .kind = s->kind,
                              .value = s->value,
                              .what = s->what,
                              .shift = ps_shift_name(s->shift),
                              .active = s->active,
                              .role = s->role,
                              .key = s->insert ? s->key : NULL,
                              .host = s->kind == PS_SITE_REMOTE ? s->host : NULL,
                              .env = ps_start_is_env(s->rank)};
        }
    }
    for (size_t k = 0; k < out->nedits; k++) {
        const ps_edit_row *e = &out->edits[k];
        out->sites[out->installs[e->unit].first_site + e->site].edit = e;
    }
    for (size_t u = 0; u < p->nunits; u++)
        for (size_t i = 0; i < out->installs[u].nsites; i++) {
            ps_site_row *r = &out->sites[out->installs[u].first_site + i];
            if (r->edit)
                continue;
            ps_strbuf kept = PS_STRBUF_INIT;
            site_kept(&kept, p, u, i);
            r->kept = ps_strbuf_detach(&kept, NULL);
            if (!r->kept)
                return -1;
        }
    return 0;
}

/* rc of the rows made into `out`: on failure, what they hold is freed. */
static int made(ps_rows *out, int rc)
{
    if (rc < 0)
        ps__rows_free(out);
    return rc;
}

int ps__rows_make(ps_rows *out, const ps_plan *p)
{
    *out = (ps_rows){0};
    int rc = add_installs(out, p->units, p->nunits, p->offset, p->target);
    if (rc == 0)
        rc = add_ports(out, p);
    if (rc == 0)
        rc = add_edits(out, p);
    if (rc == 0)
        rc = add_sites(out, p);
    if (rc == 0)
        rc = add_warnings(out, &p->warnings);
    return made(out, rc);
}

int ps__rows_check(ps_rows *out, const ps_check *c)
{
    *out = (ps_rows){0};
    int rc = add_installs(out, c->units, c->nunits, NULL, NULL);
    if (rc == 0)
        rc = add_warnings(out, &c->warnings);
    return made(out, rc);
}

int ps__rows_batch(ps_rows *out, const ps_batch *b, const ps_plan *p)
{
    *out = (ps_rows){0};
    int rc = add_installs(out, b->units, b->nunits, NULL, b->offset);
    if (rc == 0)
        rc = add_edits(out, p);
    if (rc == 0)
        rc = add_warnings(out, &p->warnings);
    return made(out, rc);
}

void ps__install_row_free(ps_install_row *r)
{
    free(r->product);
    free(r->start_from);
    r->product = r->start_from = NULL;
}

void ps__rows_free(ps_rows *rows)
{
    for (size_t i = 0; i < rows->ninstalls; i++)
        ps__install_row_free(&rows->installs[i]);
    free(rows->installs);
    free(rows->ports);
    for (size_t i = 0; i < rows->nsites; i++)
        free(rows->sites[i].kept);
    free(rows->sites);
    for (size_t i = 0; i < rows->nedits; i++)
        free(rows->edits[i].why);
    free(rows->edits);
    ps_free_strings(rows->warnings, rows->nwarnings);
    *rows = (ps_rows){0};
}
