/*
 * The reports as JSON, documented by schemas/plan.schema.json,
 * schemas/check.schema.json and schemas/batch.schema.json.
 */
#include "report/printers.h"

#include <stdlib.h>

#include "base/json.h"
#include "report/clashes.h"
#include "report/rows.h"

static void json_ports(ps_strbuf *b, const ps_plan *p, size_t u)
{
    const ps_sites *ss = p->units[u].sites;
    int first = 1;
    ps_strbuf_puts(b, "[");
    for (size_t i = 0; i < ss->count; i++) {
        const ps_site *s = &ss->items[i];
        if (s->kind != PS_SITE_LISTENER)
            continue;
        const ps_decision *d = &p->decisions[u][i];
        long base = ps_listener_port(s, p->offset[u], 0);
        ps_strbuf_printf(b, "%s{\"port\":%ld,\"base\":%ld,\"shift\":\"%s\",\"active\":%s,\"what\":",
                         first ? "" : ",", d->next, base, ps_shift_name(s->shift),
                         s->active ? "true" : "false");
        ps_json_string(b, s->what);
        ps_strbuf_puts(b, ",\"file\":");
        ps_json_string(b, s->file ? s->file->rel : NULL);
        if (s->file)
            ps_strbuf_printf(b, ",\"line\":%d", s->line);
        else
            ps_strbuf_puts(b, ",\"line\":null");
        ps_strbuf_puts(b, ",\"source\":");
        ps_json_string(b, s->source);
        ps_strbuf_puts(b, "}");
        first = 0;
    }
    ps_strbuf_puts(b, "]");
}

/* What every JSON document says of a runtime first: {"home":..,..,"mode":.. (left open). */
static void json_install(ps_strbuf *b, const ps_unit *unit, int first)
{
    ps_strbuf_puts(b, first ? "{\"home\":" : ",{\"home\":");
    ps_json_string(b, unit->home->path);
    ps_strbuf_puts(b, ",\"runtime\":");
    ps_json_string(b, unit->rt->name);
    ps_strbuf_puts(b, ",\"product\":");
    ps_json_string(b, unit->rt->product->id);
    ps_strbuf_puts(b, ",\"version\":");
    ps_json_string(b, *unit->sites->version ? unit->sites->version : NULL);
    ps_strbuf_printf(b, ",\"mode\":\"%s\"", ps_mode_name(unit->rt));
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
static void json_start(ps_strbuf *b, const ps_sites *ss)
{
    const ps_site *s = ss->start_site;
    if (!s) {
        ps_strbuf_puts(b, ",\"start_offset\":null,\"start_from\":null");
        return;
    }
    ps_strbuf_printf(b, ",\"start_offset\":%ld,\"start_from\":", s->value);
    char *at = ps_xasprintf("%s:%d:%d", s->file->path, s->line, s->col);
    ps_json_string(b, at);
    free(at);
}

void ps__plan_json(ps_strbuf *b, const ps_plan *p, int with_edits)
{
    ps_strbuf_printf(b, "{\"format\":%d,\"installs\":[", PS_JSON_FORMAT);
    for (size_t u = 0; u < p->nunits; u++) {
        json_install(b, &p->units[u], u == 0);
        const ps_sites *ss = p->units[u].sites;
        ps_strbuf_printf(b, ",\"offset\":%ld,\"current_offset\":%ld,\"config_offset\":%ld",
                         p->target[u], p->offset[u], ps_sites_config_offset(ss));
        json_start(b, ss);
        ps_strbuf_puts(b, ",\"ports\":");
        json_ports(b, p, u);
        ps_strbuf_puts(b, "}");
    }
    ps_strbuf_puts(b, "]");
    if (with_edits) {
        ps_rows rows;
        ps__rows_make(&rows, p);
        ps_strbuf_puts(b, ",\"edits\":[");
        json_edits(b, &rows, 0);
        ps_strbuf_puts(b, "]");
        json_warnings(b, &rows);
        ps__rows_free(&rows);
    }
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
    ps_json_string(b, cmd.data);
    ps_strbuf_free(&cmd);
}

void ps__check_json(ps_strbuf *b, const ps_check *c)
{
    ps_strbuf_printf(b, "{\"format\":%d,\"installs\":[", PS_JSON_FORMAT);
    for (size_t u = 0; u < c->nunits; u++) {
        json_install(b, &c->units[u], u == 0);
        ps_strbuf_printf(b, ",\"offset\":%ld}", c->units[u].sites->offset);
    }
    ps_strbuf_puts(b, "],\"findings\":");
    json_findings(b, c, 0);
    ps_strbuf_puts(b, ",\"notes\":");
    json_findings(b, c, 1);
    ps_strbuf_puts(b, ",\"repair\":");
    json_command(b, c, c->nstale ? ps_report_repair_command : NULL);
    ps_clash_groups groups;
    ps_clash_groups_make(&groups, c);
    ps_strbuf_puts(b, ",\"clashes\":[");
    for (size_t i = 0; i < groups.count; i++) {
        const ps_clash_group *g = &groups.items[i];
        ps_strbuf_puts(b, i ? ",{\"homes\":[" : "{\"homes\":[");
        for (size_t h = 0; h < g->nhomes; h++) {
            if (h)
                ps_strbuf_puts(b, ",");
            ps_json_string(b, c->units[g->homes[h]].home->path);
        }
        ps_strbuf_puts(b, "],\"ports\":[");
        for (size_t k = 0; k < g->n; k++)
            ps_strbuf_printf(b, "%s%ld", k ? "," : "", g->findings[k]->port);
        ps_strbuf message = PS_STRBUF_INIT;
        ps_clash_group_message(&message, c, g);
        ps_strbuf_puts(b, "],\"message\":");
        ps_json_string(b, message.data);
        ps_strbuf_puts(b, "}");
        ps_strbuf_free(&message);
    }
    ps_strbuf_puts(b, "],\"resolve\":");
    json_command(b, c, groups.nclashes ? ps_report_resolve_command : NULL);
    ps_clash_groups_free(&groups);
    ps_rows rows;
    ps__rows_warnings(&rows, &c->warnings);
    json_warnings(b, &rows);
    ps__rows_free(&rows);
    ps_strbuf_puts(b, "}\n");
}

/* ---- batch ---- */

void ps__batch_json(ps_strbuf *out, const ps_batch *b, const ps_plan *p, ps_batch_report_step step)
{
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
            json_install(out, &b->units[u], u == h->first);
            ps_strbuf_printf(out, ",\"current_offset\":%ld,\"offset\":%ld}",
                             b->units[u].sites->offset, b->offset[u]);
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
    ps_rows rows;
    ps__rows_make(&rows, p);
    ps_strbuf_printf(out, "],\"stale_repaired\":%zu,\"edits\":[", rows.nrepairs);
    json_edits(out, &rows, 1);
    ps_strbuf_printf(out, "],\"applied\":%s", step == PS_BATCH_REPORT_APPLIED ? "true" : "false");
    json_warnings(out, &rows);
    ps__rows_free(&rows);
    ps_strbuf_puts(out, "}\n");
}
