/*
 * The markdown form of the reports: GitHub-flavoured tables that a CI job
 * posts as its summary or as a pull-request comment. The same data as the
 * text and JSON forms; only what a reviewer reads in a table is kept.
 */
#include "report/printers.h"

#include <string.h>

#include "report/clashes.h"
#include "report/rows.h"

/* Text inside a table cell: a '|' would end the cell, a newline the row. */
static void cell(ps_strbuf *out, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '|')
            ps_strbuf_puts(out, "\\|");
        else if (*s == '\n' || *s == '\r')
            ps_strbuf_puts(out, " ");
        else
            ps_strbuf_add(out, s, 1);
    }
}

/* The text of `part` in a cell, or `out` marked failed
 * when an append of `part` failed; frees `part`. */
static void cell_part(ps_strbuf *out, ps_strbuf *part)
{
    if (ps__part_ok(out, part))
        cell(out, part->data);
    ps_strbuf_free(part);
}

/* A path or a command in a cell, as code; backticks inside would close it. */
static void code(ps_strbuf *out, const char *s)
{
    ps_strbuf_puts(out, "`");
    for (; s && *s; s++)
        ps_strbuf_add(out, *s == '`' ? "'" : s, 1);
    ps_strbuf_puts(out, "`");
}

/* The text of `part` as code, or `out` marked failed;
 * frees `part`. */
static void code_part(ps_strbuf *out, ps_strbuf *part)
{
    if (ps__part_ok(out, part))
        code(out, part->data);
    ps_strbuf_free(part);
}

/* Which offset the homes table shows. */
typedef enum homes_at {
    HOMES_NOW,    /* as they are */
    HOMES_MOVE,   /* now, and the target where it differs */
    HOMES_TARGET, /* the target: where the ports listed below are */
} homes_at;

static void homes_table(ps_strbuf *out, const ps_rows *rows, homes_at at)
{
    ps_strbuf_puts(out, "| home | runtime | product | offset |\n|---|---|---|---|\n");
    for (size_t u = 0; u < rows->ninstalls; u++) {
        const ps_install_row *r = &rows->installs[u];
        ps_strbuf_puts(out, "| ");
        code(out, r->home);
        ps_strbuf_puts(out, " | ");
        cell(out, *r->runtime ? r->runtime : "(main)");
        ps_strbuf_puts(out, " | ");
        cell(out, r->product);
        long now = at == HOMES_TARGET ? r->target : r->offset;
        if (at == HOMES_MOVE && r->target != now)
            ps_strbuf_printf(out, " | %ld → %ld |\n", now, r->target);
        else
            ps_strbuf_printf(out, " | %ld |\n", now);
    }
}

static void warnings_list(ps_strbuf *out, const ps_rows *rows)
{
    if (!rows->nwarnings)
        return;
    ps_strbuf_puts(out, "\n**Warnings**\n\n");
    for (size_t i = 0; i < rows->nwarnings; i++) {
        ps_strbuf_puts(out, "- ");
        cell(out, rows->warnings[i]);
        ps_strbuf_puts(out, "\n");
    }
}

/* Edit rows (those of `kind`, or all) as a table: where, the values, and
 * the reason, as JSON's "why" says it. */
static void edits_table(ps_strbuf *out, const ps_rows *rows, const char *kind)
{
    int head = 0;
    for (size_t i = 0; i < rows->nedits; i++) {
        const ps_edit_row *r = &rows->edits[i];
        if (kind && strcmp(r->kind, kind) != 0)
            continue;
        if (!head++)
            ps_strbuf_puts(out, "\n| file | line | old | new | why |\n|---|---:|---:|---:|---|\n");
        ps_strbuf_puts(out, "| ");
        code(out, r->path);
        ps_strbuf_printf(out, " | %d | %ld | %ld | ", r->line, r->old_value, r->new_value);
        cell(out, r->why);
        ps_strbuf_puts(out, " |\n");
    }
}

void ps__plan_markdown(ps_strbuf *out, const ps_plan *p)
{
    ps_rows rows;
    if (ps__rows_make(&rows, p) < 0) {
        ps__report_oom(out);
        return;
    }
    ps_strbuf_puts(out, "### portshift plan\n\n");
    homes_table(out, &rows, HOMES_MOVE);
    edits_table(out, &rows, NULL);
    warnings_list(out, &rows);
    ps_strbuf_printf(out, "\n%zu edit%s\n", rows.nedits, rows.nedits == 1 ? "" : "s");
    ps__rows_free(&rows);
}

void ps__ports_markdown(ps_strbuf *out, const ps_plan *p)
{
    ps_rows rows;
    if (ps__rows_make(&rows, p) < 0) {
        ps__report_oom(out);
        return;
    }
    ps_strbuf_puts(out, "### portshift ports\n\n");
    homes_table(out, &rows, HOMES_TARGET); /* where the ports below are */
    ps_strbuf_puts(out, "\n| home | runtime | port | shift | active | what | where |\n"
                        "|---|---|---:|---|---|---|---|\n");
    for (size_t u = 0; u < rows.ninstalls; u++) {
        const ps_install_row *r = &rows.installs[u];
        for (size_t i = r->first_port; i < r->first_port + r->nports; i++) {
            const ps_port_row *l = &rows.ports[i];
            ps_strbuf_puts(out, "| ");
            code(out, r->home);
            ps_strbuf_puts(out, " | ");
            cell(out, r->runtime);
            ps_strbuf_printf(out, " | %ld | %s | %s | ", l->port, l->shift,
                             l->active ? "yes" : "no");
            cell(out, l->what);
            ps_strbuf_puts(out, " | ");
            if (l->path) {
                ps_strbuf where = PS_STRBUF_INIT;
                ps_strbuf_printf(&where, "%s:%d", l->path, l->line);
                code_part(out, &where);
            } else {
                ps_strbuf_puts(out, "built in");
            }
            ps_strbuf_puts(out, " |\n");
        }
    }
    ps__rows_free(&rows);
}

/* One row per party: the first names the finding, the rest are indented. */
static void finding_rows(ps_strbuf *out, const ps_check *c, int notes)
{
    for (size_t i = 0; i < c->count; i++) {
        const ps_finding *f = &c->items[i];
        if (f->note != notes)
            continue;
        for (size_t k = 0; k < f->nparties; k++) {
            ps_strbuf b = PS_STRBUF_INIT;
            ps__party_place(&b, &f->parties[k], k == 0);
            ps_strbuf_printf(out, "| %s | %ld | ", k ? "" : ps__finding_kind(f), f->port);
            code_part(out, &b);
            ps_strbuf_puts(out, " | ");
            cell(out, f->parties[k].what);
            ps_strbuf_puts(out, " | ");
            if (k == 0)
                cell(out, f->message);
            ps_strbuf_puts(out, " |\n");
        }
    }
}

/* A command of the check, as code, ending its line. */
static void command_line(ps_strbuf *out, const ps_check *c,
                         void (*command)(ps_strbuf *, const ps_check *))
{
    ps_strbuf cmd = PS_STRBUF_INIT;
    command(&cmd, c);
    code_part(out, &cmd);
    ps_strbuf_puts(out, "\n");
}

/* The clashes per set of homes, then the command that resolves them all. */
static void clashes_list(ps_strbuf *out, const ps_check *c)
{
    ps_clash_groups groups;
    if (ps_clash_groups_make(&groups, c) < 0) {
        ps__report_oom(out);
        return;
    }
    if (groups.nclashes)
        ps_strbuf_puts(out, "\n");
    for (size_t i = 0; i < groups.count; i++) {
        ps_strbuf message = PS_STRBUF_INIT;
        ps_clash_group_message(&message, c, &groups.items[i]);
        ps_strbuf_puts(out, "- ");
        cell_part(out, &message);
        ps_strbuf_puts(out, "\n");
    }
    if (groups.nclashes) {
        ps_strbuf_printf(out, "\nTo resolve the %zu clash%s: ", groups.nclashes,
                         groups.nclashes == 1 ? "" : "es");
        command_line(out, c, ps_report_resolve_command);
    }
    ps_clash_groups_free(&groups);
}

void ps__check_markdown(ps_strbuf *out, const ps_check *c)
{
    ps_rows rows;
    if (ps__rows_check(&rows, c) < 0) {
        ps__report_oom(out);
        return;
    }
    size_t notes = c->count - c->nfindings;
    ps_strbuf_puts(out, "### portshift check\n\n");
    homes_table(out, &rows, HOMES_NOW);
    static const char head[] = "| kind | port | where | what | finding |\n"
                               "|---|---:|---|---|---|\n";
    if (c->nfindings) {
        ps_strbuf_printf(out, "\n**%zu finding%s**\n\n%s", c->nfindings,
                         c->nfindings == 1 ? "" : "s", head);
        finding_rows(out, c, 0);
    }
    if (notes) {
        ps_strbuf_printf(out, "\n%zu note%s\n\n%s", notes, notes == 1 ? "" : "s", head);
        finding_rows(out, c, 1);
    }
    if (!c->count)
        ps_strbuf_puts(out, "\nNo findings.\n");
    if (c->nstale) {
        ps_strbuf_printf(out, "\nTo repair the %zu stale reference%s: ", c->nstale,
                         c->nstale == 1 ? "" : "s");
        command_line(out, c, ps_report_repair_command);
    }
    clashes_list(out, c);
    warnings_list(out, &rows);
    ps__rows_free(&rows);
}

/* The other runtimes of a batch home (EI profiles), a row each under it. */
static void batch_runtime_rows(ps_strbuf *out, const ps_rows *rows, const ps_batch_home *h)
{
    for (size_t u = h->first + 1; u < h->first + h->count; u++) {
        const ps_install_row *r = &rows->installs[u];
        ps_strbuf_puts(out, "| ");
        code(out, r->home);
        ps_strbuf_puts(out, " runtime ");
        cell(out, r->runtime);
        if (r->step == PS_RUNTIME_FIXED)
            ps_strbuf_puts(out, " | Carbon 5, fixed ports | | |\n");
        else if (r->step == PS_RUNTIME_MOVED)
            ps_strbuf_printf(out, " | %ld → %ld | moved | |\n", r->offset, r->target);
        else
            ps_strbuf_printf(out, " | %ld | kept | |\n", r->target);
    }
}

void ps__batch_markdown(ps_strbuf *out, const ps_batch *b, const ps_plan *p)
{
    ps_rows rows;
    if (ps__rows_batch(&rows, b, p) < 0) {
        ps__report_oom(out);
        return;
    }
    ps_strbuf_puts(out, "### portshift batch\n\n| home | offset | | why |\n|---|---:|---|---|\n");
    for (size_t i = 0; i < b->nhomes; i++) {
        const ps_batch_home *h = &b->homes[i];
        ps_strbuf_puts(out, "| ");
        code(out, h->home->path);
        if (h->reason) {
            ps_strbuf_printf(out, " | %ld → %ld | moved | ", h->current, h->offset);
            cell(out, h->reason);
            ps_strbuf_puts(out, " |\n");
        } else {
            ps_strbuf_printf(out, " | %ld | kept | |\n", h->current);
        }
        batch_runtime_rows(out, &rows, h);
    }
    if (b->nrewrites) {
        ps_strbuf_puts(
            out, "\n| fixed port | where | old | new | | why |\n|---|---|---:|---:|---|---|\n");
        for (size_t i = 0; i < b->nrewrites; i++) {
            const ps_rewrite *r = &b->rewrites[i];
            ps_strbuf w = PS_STRBUF_INIT;
            ps__party_place(&w, &r->listener, 1);
            ps_strbuf_puts(out, "| ");
            cell(out, r->listener.what);
            ps_strbuf_puts(out, " | ");
            code_part(out, &w);
            ps_strbuf_printf(out, " | %ld | %ld | %s | ", r->listener.port, r->new_port,
                             r->note ? "note: not written" : "rewrite");
            cell(out, r->message);
            ps_strbuf_puts(out, " |\n");
        }
    }
    edits_table(out, &rows, "repair");
    warnings_list(out, &rows);
    ps_strbuf_printf(out, "\n%zu edit%s\n", rows.nedits, rows.nedits == 1 ? "" : "s");
    ps__rows_free(&rows);
}

void ps__status_markdown(ps_strbuf *out, const ps_status *status)
{
    ps_strbuf_puts(out, "| home | product | offset | starts at | HTTPS | running | clashes with |\n"
                        "|---|---|---|---|---|---|---|\n");
    for (size_t r = 0; r < status->count; r++) {
        const ps_status_row *row = &status->rows[r];
        ps_strbuf_puts(out, "| ");
        code(out, row->install.home);
        ps_strbuf_puts(out, " | ");
        cell(out, row->install.product);
        ps_strbuf_printf(out, " | %ld | %ld | ", row->config_offset, row->start_offset);
        if (row->https_port >= 0)
            ps_strbuf_printf(out, "%ld", row->https_port);
        else
            ps_strbuf_puts(out, "-");
        if (row->pid)
            ps_strbuf_printf(out, " | yes (pid %ld) | ", row->pid);
        else
            ps_strbuf_puts(out, " | no | ");
        for (size_t i = 0; i < row->nclashes; i++) {
            ps_strbuf_puts(out, i ? ", " : "");
            code(out, row->clashes_with[i]);
        }
        ps_strbuf_puts(out, row->nclashes ? " |\n" : "- |\n");
    }
}

/* ---- fleet check ---- */

static void fleet_rows(ps_strbuf *out, const ps_fleet_check *c, int notes)
{
    for (size_t i = 0; i < c->count; i++) {
        const ps_fleet_finding *f = &c->items[i];
        if (f->note != notes)
            continue;
        ps_strbuf name = PS_STRBUF_INIT;
        ps_fleet_item_name(&name, f);
        ps_strbuf_printf(out, "| %s | ", ps__fleet_kind(f));
        code_part(out, &name);
        ps_strbuf_puts(out, " | ");
        cell(out, f->message);
        ps_strbuf_puts(out, " |\n");
    }
}

void ps__fleet_markdown(ps_strbuf *out, const ps_fleet_check *c)
{
    ps_strbuf_puts(out, "### portshift fleet check\n\n| host | facts |\n|---|---|\n");
    for (size_t h = 0; h < c->fleet.nhosts; h++) {
        ps_strbuf_puts(out, "| ");
        cell(out, c->fleet.hosts[h].label);
        ps_strbuf_puts(out, " | ");
        code(out, c->fleet.hosts[h].source);
        ps_strbuf_puts(out, " |\n");
    }
    static const char head[] = "| kind | where | finding |\n|---|---|---|\n";
    size_t notes = c->count - c->nfindings;
    if (c->nfindings) {
        ps_strbuf_printf(out, "\n**%zu finding%s**\n\n%s", c->nfindings,
                         c->nfindings == 1 ? "" : "s", head);
        fleet_rows(out, c, 0);
    }
    if (notes) {
        ps_strbuf_printf(out, "\n%zu note%s\n\n%s", notes, notes == 1 ? "" : "s", head);
        fleet_rows(out, c, 1);
    }
    if (!c->count)
        ps_strbuf_puts(out, "\nNo findings.\n");
}
