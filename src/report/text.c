/*
 * The reports as people read them: every document as lines, each port site,
 * finding, rewrite and repair at its path:line:col.
 */
#include "report/printers.h"

#include <string.h>

#include "report/clashes.h"
#include "report/rows.h"

/* Where a runtime's offset comes from when a start script sets it. */
static void start_source(ps_strbuf *out, const ps_install_row *r)
{
    if (r->start_from)
        ps_strbuf_printf(out, " (-DportOffset at %s; the config says %ld)", r->start_from,
                         r->config_offset);
}

/* "HOME[ runtime NAME] (PRODUCT": how every header of a runtime starts. */
static void install_name(ps_strbuf *out, const ps_install_row *r)
{
    ps_strbuf_printf(out, "%s%s%s (%s", r->home, *r->runtime ? " runtime " : "", r->runtime,
                     r->product);
}

static void unit_header(ps_strbuf *out, const ps_install_row *r)
{
    install_name(out, r);
    ps_strbuf_printf(out, ", %s): offset %ld", r->mode_words, r->offset);
    start_source(out, r);
    if (r->target != r->offset)
        ps_strbuf_printf(out, " -> %ld", r->target);
    ps_strbuf_puts(out, "\n");
}

static void site_place(ps_strbuf *out, const ps_site_row *s)
{
    if (s->path)
        ps_strbuf_printf(out, "  %s:%d:%d: ", s->path, s->line, s->col);
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

/* A site at its place: what it is (a listener or a reference says so
 * first), then its edit's reason or why it stays. */
static void site_text(ps_strbuf *out, const ps_site_row *s)
{
    site_place(out, s);
    const char *env = s->env ? " (environment)" : "";
    if (s->kind == PS_SITE_START) {
        /* An edit's reason names the start-time offset: no description before it. */
        if (s->edit)
            ps_strbuf_printf(out, "%s%s\n", s->edit->why, env);
        else
            ps_strbuf_printf(out, "start-time offset -DportOffset=%ld%s, %s\n", s->value, env,
                             s->kept);
        return;
    }
    if (s->kind == PS_SITE_LISTENER)
        ps_strbuf_printf(out, "listener %ld, %s, %s%s: ", s->value, s->what, s->shift,
                         s->active ? "" : ", inactive");
    else if (s->kind == PS_SITE_REFERENCE)
        /* A key portshift would add: the reason says so, the key is the site's. */
        ps_strbuf_printf(out, "reference %ld%s%s%s%s: ", s->value, s->role ? ", role " : "",
                         s->role ? s->role : "", s->key ? ", key " : "", s->key ? s->key : "");
    else if (s->kind == PS_SITE_REMOTE)
        ps_strbuf_printf(out, "reference %ld to %s%s%s: ", s->value, s->host,
                         s->role ? ", role " : "", s->role ? s->role : "");
    if (s->edit)
        edit_reason(out, s->edit);
    else
        ps_strbuf_printf(out, "%s\n", s->kept);
}

/* Every runtime's header, then each of its sites. */
static void plan_text(ps_strbuf *out, const ps_rows *rows)
{
    for (size_t u = 0; u < rows->ninstalls; u++) {
        const ps_install_row *r = &rows->installs[u];
        unit_header(out, r);
        for (size_t i = r->first_site; i < r->first_site + r->nsites; i++)
            site_text(out, &rows->sites[i]);
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
    plan_text(out, &rows);
    ps__rows_free(&rows);
}

void ps__ports_text(ps_strbuf *out, const ps_plan *p)
{
    ps_rows rows;
    if (ps__rows_make(&rows, p) < 0) {
        ps__report_oom(out);
        return;
    }
    for (size_t u = 0; u < rows.ninstalls; u++) {
        const ps_install_row *r = &rows.installs[u];
        install_name(out, r);
        ps_strbuf_printf(out, "): offset %ld", r->target);
        if (r->target == r->offset)
            start_source(out, r);
        ps_strbuf_puts(out, "\n");
        for (size_t i = r->first_port; i < r->first_port + r->nports; i++) {
            const ps_port_row *l = &rows.ports[i];
            ps_strbuf_printf(out, "  %5ld  %-6s %-8s %s", l->port, l->shift,
                             l->active ? "active" : "inactive", l->what);
            if (l->path)
                ps_strbuf_printf(out, " (%s:%d)\n", l->path, l->line);
            else
                ps_strbuf_puts(out, " (built in)\n");
        }
    }
    ps__rows_free(&rows);
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

static void batch_home_text(ps_strbuf *out, const ps_rows *rows, const ps_batch_home *h)
{
    ps_strbuf_printf(out, "%s: offset %ld", h->home->path, h->current);
    if (h->reason)
        ps_strbuf_printf(out, " -> %ld: %s\n", h->offset, h->reason);
    else
        ps_strbuf_puts(out, ", kept\n");
    for (size_t u = h->first + 1; u < h->first + h->count; u++) {
        const ps_install_row *r = &rows->installs[u];
        ps_strbuf_printf(out, "  runtime %s: ", r->runtime);
        if (r->step == PS_RUNTIME_FIXED)
            ps_strbuf_puts(out, "Carbon 5, fixed ports\n");
        else if (r->step == PS_RUNTIME_MOVED)
            ps_strbuf_printf(out, "offset %ld -> %ld\n", r->offset, r->target);
        else
            ps_strbuf_printf(out, "offset %ld\n", r->target);
    }
}

void ps__batch_text(ps_strbuf *out, const ps_batch *b, const ps_plan *p, ps_batch_report_step step)
{
    ps_rows rows;
    if (ps__rows_batch(&rows, b, p) < 0) {
        ps__report_oom(out);
        return;
    }
    size_t kept = 0;
    for (size_t i = 0; i < b->nhomes; i++) {
        batch_home_text(out, &rows, &b->homes[i]);
        kept += b->homes[i].reason == NULL;
    }
    for (size_t i = 0; i < b->nrewrites; i++) {
        const ps_rewrite *r = &b->rewrites[i];
        ps__party_place(out, &r->listener, 1);
        ps_strbuf_printf(out, ": %s: %s %ld -> %ld%s (%s)\n", r->note ? "note" : "rewrite",
                         r->listener.what, r->listener.port, r->new_port,
                         r->note ? ", not written" : "", r->message);
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
    if (step == PS_BATCH_REPORT_APPLIED)
        ps_strbuf_puts(out, " written\n");
    else if (step == PS_BATCH_REPORT_SHOWN && rows.nedits)
        ps_strbuf_puts(out, " (--diff shows them, --apply writes them)\n");
    else
        ps_strbuf_puts(out, "\n");
    ps__rows_free(&rows);
}
