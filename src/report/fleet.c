/*
 * `fleet check` as lines and as JSON (schemas/fleet.schema.json); its
 * markdown is markdown.c's. The items are data (fleet/survey.c): the
 * printers only word them.
 */
#include "report/printers.h"

#include "base/json.h"

const char *ps__fleet_kind(const ps_fleet_finding *f)
{
    static const char *const words[] = {"stale", "unknown", "ambiguous", "nobody"};
    return words[f->kind];
}

static void counts(ps_strbuf *out, const ps_fleet_check *c)
{
    size_t notes = c->count - c->nfindings;
    ps_strbuf_printf(out, "%zu finding%s, %zu note%s", c->nfindings, c->nfindings == 1 ? "" : "s",
                     notes, notes == 1 ? "" : "s");
}

/* "HOST:PATH:LINE:COL: stale: MESSAGE", or "...: note: MESSAGE", as `check`
 * words its own; then the counts. */
void ps__fleet_text(ps_strbuf *out, const ps_fleet_check *c)
{
    for (size_t i = 0; i < c->count; i++) {
        const ps_fleet_finding *f = &c->items[i];
        ps_fleet_item_name(out, f);
        ps_strbuf_printf(out, ": %s: %s\n", f->note ? "note" : ps__fleet_kind(f), f->message);
    }
    counts(out, c);
    ps_strbuf_printf(out, " (%zu host%s)\n", c->fleet.nhosts, c->fleet.nhosts == 1 ? "" : "s");
}

static void json_item(ps_strbuf *b, const ps_fleet_finding *f)
{
    ps_strbuf name = PS_STRBUF_INIT;
    ps_fleet_item_name(&name, f);
    ps_strbuf_printf(b, "{\"kind\":\"%s\",\"name\":", ps__fleet_kind(f));
    if (ps__part_ok(b, &name))
        ps_json_string(b, name.data);
    ps_strbuf_free(&name);
    ps_strbuf_puts(b, ",\"host\":");
    ps_json_string(b, f->host);
    ps_strbuf_puts(b, ",\"facts\":");
    ps_json_string(b, f->facts);
    ps_strbuf_puts(b, ",\"home\":");
    ps_json_string(b, f->home);
    ps_strbuf_puts(b, ",\"runtime\":");
    ps_json_string(b, f->runtime);
    ps_strbuf_puts(b, ",\"path\":");
    ps_json_string(b, f->path);
    ps_strbuf_puts(b, ",\"line\":");
    ps_json_long_or_null(b, f->line, f->path != NULL);
    ps_strbuf_puts(b, ",\"col\":");
    ps_json_long_or_null(b, f->col, f->path != NULL);
    ps_strbuf_puts(b, ",\"target\":");
    ps_json_string(b, f->name);
    ps_strbuf_puts(b, ",\"port\":");
    ps_json_long_or_null(b, f->port, f->port >= 0);
    ps_strbuf_puts(b, ",\"role\":");
    ps_json_string(b, f->role);
    ps_strbuf_puts(b, ",\"should\":");
    ps_json_long_or_null(b, f->should, f->should >= 0);
    ps_strbuf_puts(b, ",\"owner\":");
    if (f->owner) {
        ps_strbuf_puts(b, "{\"host\":");
        ps_json_string(b, f->owner);
        ps_strbuf_puts(b, ",\"home\":");
        ps_json_string(b, f->owner_home);
        ps_strbuf_puts(b, ",\"runtime\":");
        ps_json_string(b, f->owner_runtime);
        ps_strbuf_puts(b, ",\"what\":");
        ps_json_string(b, f->owner_what);
        ps_strbuf_puts(b, "}");
    } else {
        ps_strbuf_puts(b, "null");
    }
    ps_strbuf_puts(b, ",\"claims\":");
    ps_json_long_or_null(b, (long)f->claims, f->claims > 0);
    ps_strbuf_puts(b, ",\"message\":");
    ps_json_string(b, f->message);
    ps_strbuf_puts(b, "}");
}

static void json_items(ps_strbuf *b, const ps_fleet_check *c, int notes)
{
    int first = 1;
    ps_strbuf_puts(b, "[");
    for (size_t i = 0; i < c->count; i++)
        if (c->items[i].note == notes) {
            if (!first)
                ps_strbuf_puts(b, ",");
            json_item(b, &c->items[i]);
            first = 0;
        }
    ps_strbuf_puts(b, "]");
}

void ps__fleet_json(ps_strbuf *b, const ps_fleet_check *c)
{
    ps_strbuf_printf(b, "{\"format\":%d,\"hosts\":[", PS_JSON_FORMAT);
    for (size_t h = 0; h < c->fleet.nhosts; h++) {
        ps_strbuf_puts(b, h ? ",{\"label\":" : "{\"label\":");
        ps_json_string(b, c->fleet.hosts[h].label);
        ps_strbuf_puts(b, ",\"facts\":");
        ps_json_string(b, c->fleet.hosts[h].source);
        ps_strbuf_puts(b, "}");
    }
    ps_strbuf_puts(b, "],\"findings\":");
    json_items(b, c, 0);
    ps_strbuf_puts(b, ",\"notes\":");
    json_items(b, c, 1);
    ps_strbuf_puts(b, "}\n");
}
