/*
 * The reports as people read them: every document as lines, each port site,
 * finding, rewrite and repair at its path:line:col.
 */
#include "report/printers.h"

#include <stdlib.h>
#include <string.h>

#include "report/clashes.h"
#include "report/rows.h"

static const char *mode_label(const ps_runtime *rt)
{
    return rt->carbon5               ? "Carbon 5, fixed ports"
           : rt->mode == PS_MODE_XML ? "carbon.xml mode"
                                     : "deployment.toml mode";
}

/* "WSO2 API Manager 2.6.0", "... 4.2.0 or later" (a version the files show
 * is the earliest they fit: said so), or the name alone. */
/* Where a runtime's offset comes from when a start script sets it. */
static void start_source(ps_strbuf *out, const ps_sites *ss)
{
    const ps_site *s = ss->start_site;
    if (!s)
        return;
    ps_strbuf_printf(out, " (-DportOffset at %s:%d:%d; the config says %ld)", s->file->path,
                     s->line, s->col, ss->config_offset);
}

static void unit_header(ps_strbuf *out, const ps_plan *p, size_t u)
{
    const ps_unit *unit = &p->units[u];
    ps_strbuf_printf(out, "%s%s%s (", unit->home->path, *unit->rt->name ? " runtime " : "",
                     unit->rt->name);
    ps__product_text(out, unit);
    ps_strbuf_printf(out, ", %s): offset %ld", mode_label(unit->rt), p->offset[u]);
    start_source(out, unit->sites);
    if (p->target[u] != p->offset[u])
        ps_strbuf_printf(out, " -> %ld", p->target[u]);
    ps_strbuf_puts(out, "\n");
}

static void site_place(ps_strbuf *out, const ps_site *s)
{
    if (s->file)
        ps_strbuf_printf(out, "  %s:%d:%d: ", s->file->path, s->line, s->col);
    else
        ps_strbuf_puts(out, "  (built in): ");
}

/* An edit's reason, the string JSON prints as "why", with the values first
 * where the reason does not say them. */
static void edit_reason(ps_strbuf *out, const ps_edit_row *r)
{
    if (!r->why_has_values)
        ps_strbuf_printf(out, "%ld -> %ld: ", r->old_value, r->new_value);
    ps_strbuf_printf(out, "%s\n", r->why);
}

/* A stale self reference left as it is: the listener it means, and why. */
static void stale_text(ps_strbuf *out, const ps_plan *p, const ps_decision *d)
{
    const ps_site *l = &p->units[d->owner_unit].sites->items[d->owner_site];
    long now = p->decisions[d->owner_unit][d->owner_site].now;
    ps_strbuf_printf(out, "stale: means %s, which listens on %ld; ", l->what, now);
    if (d->action == PS_ACT_GENERATED)
        ps_strbuf_printf(out,
                         "should be %ld, but the file is generated from deployment.toml: "
                         "not edited\n",
                         d->next);
    else if (d->action == PS_ACT_KEEP)
        ps_strbuf_puts(out, "right at the target, unchanged\n");
    else
        ps_strbuf_puts(out, "left alone (--repair sets it)\n");
}

/* A site the plan leaves as it is (an edited one is its edit row's reason). */
static void site_kept(ps_strbuf *out, const ps_plan *p, size_t u, size_t i)
{
    const ps_site *s = &p->units[u].sites->items[i];
    const ps_decision *d = &p->decisions[u][i];
    switch (s->kind) {
    case PS_SITE_OFFSET:
        if (s->file->generated)
            ps_strbuf_printf(out, "offset %ld in a generated file, not edited\n", s->value);
        else if (s->insert)
            ps_strbuf_printf(out, "offset not set (default %ld), unchanged\n", s->value);
        else
            ps_strbuf_printf(out, "offset %ld, unchanged\n", s->value);
        break;
    case PS_SITE_START:
        ps_strbuf_puts(out, ", unchanged\n");
        break;
    case PS_SITE_LISTENER:
        if (d->action == PS_ACT_GENERATED)
            ps_strbuf_printf(out,
                             "should be %ld, but the file is generated from "
                             "deployment.toml: not edited\n",
                             d->next);
        else
            ps_strbuf_printf(out, "listens on %ld, unchanged\n", d->next);
        break;
    case PS_SITE_PLACEHOLDER:
        ps_strbuf_printf(out, "placeholder %s, resolved at runtime, unchanged\n", s->text);
        break;
    case PS_SITE_REFERENCE:
        if (d->stale)
            stale_text(out, p, d);
        else if (d->action == PS_ACT_KEEP && d->owner_unit >= 0)
            ps_strbuf_printf(out, "follows %s, unchanged\n",
                             p->units[d->owner_unit].sites->items[d->owner_site].what);
        else if (d->action == PS_ACT_GENERATED)
            ps_strbuf_printf(out,
                             "would follow to %ld, but the file is generated from "
                             "deployment.toml: not edited\n",
                             d->next);
        else if (d->action == PS_ACT_AMBIGUOUS)
            ps_strbuf_puts(out, "several runtimes listen on it, left alone\n");
        else
            ps_strbuf_puts(out, "no runtime in this call listens on it, left alone\n");
        break;
    }
}

/* Every site of every runtime, each at its place: what it is (a listener or
 * a reference says so first), then its edit's reason or why it stays. */
static void plan_text(ps_strbuf *out, const ps_plan *p, const ps_rows *rows)
{
    for (size_t u = 0; u < p->nunits; u++) {
        unit_header(out, p, u);
        const ps_sites *ss = p->units[u].sites;
        for (size_t i = 0; i < ss->count; i++) {
            const ps_site *s = &ss->items[i];
            const ps_edit_row *r = ps__rows_edit_of(rows, u, i);
            site_place(out, s);
            const char *env = ps_start_is_env(s->rank) ? " (environment)" : "";
            if (s->kind == PS_SITE_START && r) {
                /* Its reason names the start-time offset: no description before it. */
                ps_strbuf_printf(out, "%s%s\n", r->why, env);
                continue;
            }
            if (s->kind == PS_SITE_START)
                ps_strbuf_printf(out, "start-time offset -DportOffset=%ld%s", s->value, env);
            else if (s->kind == PS_SITE_LISTENER)
                ps_strbuf_printf(out, "listener %ld, %s, %s%s: ", s->value, s->what,
                                 ps_shift_name(s->shift), s->active ? "" : ", inactive");
            else if (s->kind == PS_SITE_REFERENCE)
                /* A key portshift would add: the reason says so, the key is the site's. */
                ps_strbuf_printf(out, "reference %ld%s%s%s%s: ", s->value, s->role ? ", role " : "",
                                 s->role ? s->role : "", s->insert ? ", key " : "",
                                 s->insert ? s->key : "");
            if (r)
                edit_reason(out, r);
            else
                site_kept(out, p, u, i);
        }
    }
    for (size_t i = 0; i < rows->nwarnings; i++)
        ps_strbuf_printf(out, "warning: %s\n", rows->warnings[i]);
    ps_strbuf_printf(out, "%zu edit%s\n", rows->nedits, rows->nedits == 1 ? "" : "s");
}

void ps__plan_text(ps_strbuf *out, const ps_plan *p)
{
    ps_rows rows;
    if (ps__rows_make(&rows, p) < 0) {
        ps__report_oom(out);
        return;
    }
    plan_text(out, p, &rows);
    ps__rows_free(&rows);
}

void ps__ports_text(ps_strbuf *out, const ps_plan *p)
{
    for (size_t u = 0; u < p->nunits; u++) {
        const ps_unit *unit = &p->units[u];
        ps_strbuf_printf(out, "%s%s%s (", unit->home->path, *unit->rt->name ? " runtime " : "",
                         unit->rt->name);
        ps__product_text(out, unit);
        ps_strbuf_printf(out, "): offset %ld", p->target[u]);
        if (p->target[u] == p->offset[u])
            start_source(out, unit->sites);
        ps_strbuf_puts(out, "\n");
        const ps_sites *ss = unit->sites;
        for (size_t i = 0; i < ss->count; i++) {
            const ps_site *s = &ss->items[i];
            if (s->kind != PS_SITE_LISTENER)
                continue;
            ps_strbuf_printf(out, "  %5ld  %-6s %-8s %s", p->decisions[u][i].next,
                             ps_shift_name(s->shift), s->active ? "active" : "inactive", s->what);
            if (s->file)
                ps_strbuf_printf(out, " (%s:%d)\n", s->file->path, s->line);
            else
                ps_strbuf_puts(out, " (built in)\n");
        }
    }
}

static void finding_text(ps_strbuf *out, const ps_finding *f)
{
    ps__party_place(out, &f->parties[0], 1);
    ps_strbuf_printf(out, ": %s: %s\n", ps__finding_kind(f), f->message);
    for (size_t k = 0; k < f->nparties; k++) {
        ps_strbuf_puts(out, "  ");
        ps__party_place(out, &f->parties[k], 0);
        ps_strbuf_printf(out, ": %s\n", f->parties[k].what);
    }
}

/* The clashes of one set of homes as one block, at the first: the ports
 * they share in its first line, each listener with its port after it. */
static void clash_group_text(ps_strbuf *out, const ps_check *c, const ps_clash_group *g)
{
    ps__party_place(out, &g->findings[0]->parties[0], 1);
    ps_strbuf_puts(out, ": clash: ");
    ps_clash_group_message(out, c, g);
    ps_strbuf_puts(out, "\n");
    for (size_t i = 0; i < g->n; i++)
        for (size_t k = 0; k < g->findings[i]->nparties; k++) {
            const ps_party *p = &g->findings[i]->parties[k];
            ps_strbuf_puts(out, "  ");
            ps__party_place(out, p, 0);
            ps_strbuf_printf(out, ": %s (port %ld)\n", p->what, p->port);
        }
}

void ps__check_text(ps_strbuf *out, const ps_check *c)
{
    ps_clash_groups groups;
    if (ps_clash_groups_make(&groups, c) < 0) {
        ps__report_oom(out);
        return;
    }
    for (size_t i = 0; i < c->count; i++) {
        const ps_finding *f = &c->items[i];
        const ps_clash_group *g = ps_clash_group_of(&groups, f);
        if (!g || g->n == 1)
            finding_text(out, f);
        else if (g->findings[0] == f)
            clash_group_text(out, c, g);
    }
    size_t notes = c->count - c->nfindings;
    ps_strbuf_printf(out, "%zu finding%s, %zu note%s\n", c->nfindings, c->nfindings == 1 ? "" : "s",
                     notes, notes == 1 ? "" : "s");
    if (c->nstale) {
        ps_strbuf_printf(out, "to repair the %zu stale reference%s: ", c->nstale,
                         c->nstale == 1 ? "" : "s");
        ps_report_repair_command(out, c);
        ps_strbuf_puts(out, "\n");
    }
    if (groups.nclashes) {
        ps_strbuf_printf(out, "to resolve the %zu clash%s: ", groups.nclashes,
                         groups.nclashes == 1 ? "" : "es");
        ps_report_resolve_command(out, c);
        ps_strbuf_puts(out, "\n");
    }
    ps_clash_groups_free(&groups);
}

static void batch_home_text(ps_strbuf *out, const ps_batch *b, const ps_batch_home *h)
{
    ps_strbuf_printf(out, "%s: offset %ld", h->home->path, h->current);
    if (h->reason)
        ps_strbuf_printf(out, " -> %ld: %s\n", h->offset, h->reason);
    else
        ps_strbuf_puts(out, ", kept\n");
    for (size_t u = h->first + 1; u < h->first + h->count; u++) {
        const ps_unit *unit = &b->units[u];
        ps_strbuf_printf(out, "  runtime %s: ", unit->rt->name);
        ps_runtime_step step = ps__runtime_step(b, u);
        if (step == PS_RUNTIME_FIXED)
            ps_strbuf_puts(out, "Carbon 5, fixed ports\n");
        else if (step == PS_RUNTIME_MOVED)
            ps_strbuf_printf(out, "offset %ld -> %ld\n", unit->sites->offset, b->offset[u]);
        else
            ps_strbuf_printf(out, "offset %ld\n", b->offset[u]);
    }
}

void ps__batch_text(ps_strbuf *out, const ps_batch *b, const ps_plan *p, ps_batch_report_step step)
{
    size_t kept = 0;
    for (size_t i = 0; i < b->nhomes; i++) {
        batch_home_text(out, b, &b->homes[i]);
        kept += b->homes[i].reason == NULL;
    }
    for (size_t i = 0; i < b->nrewrites; i++) {
        const ps_rewrite *r = &b->rewrites[i];
        ps__party_place(out, &r->listener, 1);
        ps_strbuf_printf(out, ": %s: %s %ld -> %ld%s (%s)\n", r->note ? "note" : "rewrite",
                         r->listener.what, r->listener.port, r->new_port,
                         r->note ? ", not written" : "", r->message);
    }
    ps_rows rows;
    if (ps__rows_make(&rows, p) < 0) {
        ps__report_oom(out);
        return;
    }
    for (size_t i = 0; i < rows.nedits; i++) {
        const ps_edit_row *r = &rows.edits[i];
        if (strcmp(r->kind, "repair") != 0)
            continue;
        ps_strbuf_printf(out, "%s:%d:%d: repair: ", r->path, r->line, r->col);
        edit_reason(out, r);
    }
    ps_strbuf_printf(
        out,
        "%zu home%s: %zu kept, %zu moved; %zu rewrite%s; %zu stale self reference%s %s; %zu edit%s",
        b->nhomes, b->nhomes == 1 ? "" : "s", kept, b->nhomes - kept, b->nrewrites,
        b->nrewrites == 1 ? "" : "s", rows.nrepairs, rows.nrepairs == 1 ? "" : "s",
        step == PS_BATCH_REPORT_APPLIED ? "repaired" : "to repair", rows.nedits,
        rows.nedits == 1 ? "" : "s");
    ps__rows_free(&rows);
    if (step == PS_BATCH_REPORT_APPLIED)
        ps_strbuf_puts(out, " written\n");
    else if (step == PS_BATCH_REPORT_SHOWN && p->nedits)
        ps_strbuf_puts(out, " (--diff shows them, --apply writes them)\n");
    else
        ps_strbuf_puts(out, "\n");
}
