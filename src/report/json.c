/*
 * The reports as JSON, documented by schemas/plan.schema.json,
 * schemas/check.schema.json and schemas/batch.schema.json.
 */
#include "report/printers.h"

#include "base/json.h"
#include "report/clashes.h"
#include "report/rows.h"

/* The listeners of install row `r`. */
static void json_ports(ps_strbuf *b, const ps_rows *rows, const ps_install_row *r)
{
    ps_strbuf_puts(b, "[");
    for (size_t i = r->first_port; i < r->first_port + r->nports; i++) {
        const ps_port_row *l = &rows->ports[i];
        ps_strbuf_printf(b, "%s{\"port\":%ld,\"base\":%ld,\"shift\":\"%s\",\"active\":%s,\"what\":",
                         i > r->first_port ? "," : "", l->port, l->base, l->shift,
                         l->active ? "true" : "false");
        ps_json_string(b, l->what);
        ps_strbuf_puts(b, ",\"file\":");
        ps_json_string(b, l->rel);
        if (l->path)
            ps_strbuf_printf(b, ",\"line\":%d", l->line);
        else
            ps_strbuf_puts(b, ",\"line\":null");
        ps_strbuf_puts(b, ",\"source\":");
        ps_json_string(b, l->source);
        ps_strbuf_puts(b, "}");
    }
    ps_strbuf_puts(b, "]");
}

/* What every JSON document says of a runtime first: {"home":..,..,"mode":.. (left open). */
static void json_install(ps_strbuf *b, const ps_install_row *r, int first)
{
    ps_strbuf_puts(b, first ? "{\"home\":" : ",{\"home\":");
    ps_json_string(b, r->home);
    ps_strbuf_puts(b, ",\"runtime\":");
    ps_json_string(b, r->runtime);
    ps_strbuf_puts(b, ",\"product\":");
    ps_json_string(b, r->product_id);
    ps_strbuf_puts(b, ",\"version\":");
    ps_json_string(b, r->version);
    ps_strbuf_printf(b, ",\"mode\":\"%s\"", r->mode);
}

static void json_edits(ps_strbuf *b, const ps_rows *rows, int with_kind)
{
    for (size_t i = 0; i < rows->nedits; i++) {
        const ps_edit_row *r = &rows->edits[i];
        ps_strbuf_puts(b, i ? ",{\"file\":" : "{\"file\":");
        ps_json_string(b, r->path);
        ps_strbuf_printf(b, ",\"line\":%d,\"col\":%d,\"old\":", r->line, r->col);
        ps_json_string(b, r->old_text);
        ps_strbuf_puts(b, ",\"new\":");
        ps_json_string(b, r->new_text);
        ps_strbuf_puts(b, ",\"why\":");
        ps_json_string(b, r->why);
        if (with_kind)
            ps_strbuf_printf(b, ",\"kind\":\"%s\"", r->kind);
        ps_strbuf_puts(b, "}");
    }
}

/* ,"warnings":[...]: every document a plan is behind carries them. */
static void json_warnings(ps_strbuf *b, const ps_rows *rows)
{
    ps_strbuf_puts(b, ",\"warnings\":[");
    for (size_t i = 0; i < rows->nwarnings; i++) {
        if (i)
            ps_strbuf_puts(b, ",");
        ps_json_string(b, rows->warnings[i]);
    }
    ps_strbuf_puts(b, "]");
}

/* "start_offset": the -DportOffset a start script sets (null: none), and
 * "start_from": where, path:line:col. */
static void json_start(ps_strbuf *b, const ps_install_row *r)
{
    if (!r->start_from) {
        ps_strbuf_puts(b, ",\"start_offset\":null,\"start_from\":null");
        return;
    }
    ps_strbuf_printf(b, ",\"start_offset\":%ld,\"start_from\":", r->start_offset);
    ps_json_string(b, r->start_from);
}

void ps__plan_json(ps_strbuf *b, const ps_plan *p, int with_edits)
{
    ps_rows rows;
    if (ps__rows_make(&rows, p) < 0) {
        ps__report_oom(b);
        return;
    }
    ps_strbuf_printf(b, "{\"format\":%d,\"installs\":[", PS_JSON_FORMAT);
    for (size_t u = 0; u < rows.ninstalls; u++) {
        const ps_install_row *r = &rows.installs[u];
        json_install(b, r, u == 0);
        ps_strbuf_printf(b, ",\"offset\":%ld,\"current_offset\":%ld,\"config_offset\":%ld",
                         r->target, r->offset, r->config_offset);
        json_start(b, r);
        ps_strbuf_puts(b, ",\"ports\":");
        json_ports(b, &rows, r);
        ps_strbuf_puts(b, "}");
    }
    ps_strbuf_puts(b, "]");
    if (with_edits) {
        ps_strbuf_puts(b, ",\"edits\":[");
        json_edits(b, &rows, 0);
        ps_strbuf_puts(b, "]");
        json_warnings(b, &rows);
    }
    ps__rows_free(&rows);
    ps_strbuf_puts(b, "}\n");
}

static void json_party(ps_strbuf *b, const ps_party *p)
{
    ps_strbuf_puts(b, "{\"home\":");
    ps_json_string(b, p->home);
    ps_strbuf_puts(b, ",\"runtime\":");
    ps_json_string(b, p->runtime);
    ps_strbuf_puts(b, ",\"file\":");
    ps_json_string(b, p->file);
    ps_strbuf_puts(b, ",\"line\":");
    ps_json_long_or_null(b, p->line, p->file != NULL);
    ps_strbuf_puts(b, ",\"col\":");
    ps_json_long_or_null(b, p->col, p->file != NULL);
    ps_strbuf_puts(b, ",\"what\":");
    ps_json_string(b, p->what);
    ps_strbuf_printf(b, ",\"port\":%ld,\"pid\":", p->port);
    ps_json_long_or_null(b, p->pid, p->pid >= 0);
    ps_strbuf_puts(b, "}");
}

static void json_findings(ps_strbuf *b, const ps_check *c, int notes)
{
    int first = 1;
    ps_strbuf_puts(b, "[");
    for (size_t i = 0; i < c->count; i++) {
        const ps_finding *f = &c->items[i];
        if (f->note != notes)
            continue;
        static const char *const kinds[] = {"clash",   "listening", "stale",  "ambiguous",
                                            "unowned", "start",     "running"};
        ps_strbuf_printf(b, "%s{\"kind\":\"%s\",\"port\":%ld,\"should\":", first ? "" : ",",
                         kinds[f->kind], f->port);
        ps_json_long_or_null(b, f->should, f->should >= 0);
        ps_strbuf_puts(b, ",\"toml_key\":");
        ps_json_string(b, f->toml_key);
        ps_strbuf_puts(b, ",\"message\":");
        ps_json_string(b, f->message);
        ps_strbuf_puts(b, ",\"parties\":[");
        for (size_t k = 0; k < f->nparties; k++) {
            if (k)
                ps_strbuf_puts(b, ",");
            json_party(b, &f->parties[k]);
        }
        ps_strbuf_puts(b, "]}");
        first = 0;
    }
    ps_strbuf_puts(b, "]");
}

/* The text of `part` as a JSON string, or `b` marked
 * failed when an append of `part` failed; frees `part`. */
static void json_part(ps_strbuf *b, ps_strbuf *part)
{
    if (ps__part_ok(b, part))
        ps_json_string(b, part->data);
    ps_strbuf_free(part);
}

/* A command of the check as a JSON string, or null without one. */
static void json_command(ps_strbuf *b, const ps_check *c,
                         void (*command)(ps_strbuf *, const ps_check *))
{
    if (!command) {
        ps_strbuf_puts(b, "null");
        return;
    }
    ps_strbuf cmd = PS_STRBUF_INIT;
    command(&cmd, c);
    json_part(b, &cmd);
}

void ps__check_json(ps_strbuf *b, const ps_check *c)
{
    ps_rows rows;
    if (ps__rows_check(&rows, c) < 0) {
        ps__report_oom(b);
        return;
    }
    ps_strbuf_printf(b, "{\"format\":%d,\"installs\":[", PS_JSON_FORMAT);
    for (size_t u = 0; u < rows.ninstalls; u++) {
        json_install(b, &rows.installs[u], u == 0);
        ps_strbuf_printf(b, ",\"offset\":%ld}", rows.installs[u].offset);
    }
    ps_strbuf_puts(b, "],\"findings\":");
    json_findings(b, c, 0);
    ps_strbuf_puts(b, ",\"notes\":");
    json_findings(b, c, 1);
    ps_strbuf_puts(b, ",\"repair\":");
    json_command(b, c, c->nstale ? ps_report_repair_command : NULL);
    ps_clash_groups groups;
    if (ps_clash_groups_make(&groups, c) < 0) {
        ps__report_oom(b);
        ps__rows_free(&rows);
        return;
    }
    ps_strbuf_puts(b, ",\"clashes\":[");
    for (size_t i = 0; i < groups.count; i++) {
        const ps_clash_group *g = &groups.items[i];
        ps_strbuf_puts(b, i ? ",{\"homes\":[" : "{\"homes\":[");
        for (size_t h = 0; h < g->nhomes; h++) {
            if (h)
                ps_strbuf_puts(b, ",");
            ps_json_string(b, rows.installs[g->homes[h]].home);
        }
        ps_strbuf_puts(b, "],\"ports\":[");
        for (size_t k = 0; k < g->n; k++)
            ps_strbuf_printf(b, "%s%ld", k ? "," : "", g->findings[k]->port);
        ps_strbuf message = PS_STRBUF_INIT;
        ps_clash_group_message(&message, c, g);
        ps_strbuf_puts(b, "],\"message\":");
        json_part(b, &message);
        ps_strbuf_puts(b, "}");
    }
    ps_strbuf_puts(b, "],\"resolve\":");
    json_command(b, c, groups.nclashes ? ps_report_resolve_command : NULL);
    ps_clash_groups_free(&groups);
    json_warnings(b, &rows);
    ps__rows_free(&rows);
    ps_strbuf_puts(b, "}\n");
}

/* ---- batch ---- */

void ps__batch_json(ps_strbuf *out, const ps_batch *b, const ps_plan *p, ps_batch_report_step step)
{
    ps_rows rows;
    if (ps__rows_batch(&rows, b, p) < 0) {
        ps__report_oom(out);
        return;
    }
    ps_strbuf_printf(out, "{\"format\":%d,\"first\":%ld,\"avoid\":[", PS_JSON_FORMAT, b->first);
    for (size_t i = 0; i < b->navoid; i++)
        ps_strbuf_printf(out, "%s{\"from\":%ld,\"to\":%ld}", i ? "," : "", b->avoid[i].from,
                         b->avoid[i].to);
    ps_strbuf_printf(out, "],\"listening\":%s,\"assignments\":[", b->listening ? "true" : "false");
    for (size_t i = 0; i < b->nhomes; i++) {
        const ps_batch_home *h = &b->homes[i];
        ps_strbuf_puts(out, i ? ",{\"home\":" : "{\"home\":");
        ps_json_string(out, h->home->path);
        ps_strbuf_printf(out, ",\"current_offset\":%ld,\"offset\":%ld,\"kept\":%s,\"reason\":",
                         h->current, h->offset, h->reason ? "false" : "true");
        ps_json_string(out, h->reason);
        ps_strbuf_puts(out, ",\"runtimes\":[");
        for (size_t u = h->first; u < h->first + h->count; u++) {
            const ps_install_row *r = &rows.installs[u];
            json_install(out, r, u == h->first);
            ps_strbuf_printf(out, ",\"current_offset\":%ld,\"offset\":%ld}", r->offset, r->target);
        }
        ps_strbuf_puts(out, "]}");
    }
    ps_strbuf_puts(out, "],\"rewrites\":[");
    for (size_t i = 0; i < b->nrewrites; i++) {
        const ps_rewrite *r = &b->rewrites[i];
        ps_strbuf_puts(out, i ? "," : "");
        ps_strbuf_puts(out, "{\"listener\":");
        json_party(out, &r->listener);
        ps_strbuf_printf(out,
                         ",\"old\":%ld,\"new\":%ld,\"written\":%s,\"message\":", r->listener.port,
                         r->new_port, r->note ? "false" : "true");
        ps_json_string(out, r->message);
        ps_strbuf_puts(out, "}");
    }
    ps_strbuf_printf(out, "],\"stale_repaired\":%zu,\"edits\":[", rows.nrepairs);
    json_edits(out, &rows, 1);
    ps_strbuf_printf(out, "],\"applied\":%s", step == PS_BATCH_REPORT_APPLIED ? "true" : "false");
    json_warnings(out, &rows);
    ps__rows_free(&rows);
    ps_strbuf_puts(out, "}\n");
}
