#include "output/report.h"

#include <stdlib.h>
#include <string.h>

#include "base/json.h"

static const char *mode_name(const ps_runtime *rt)
{
    return rt->carbon5 ? "yaml" : rt->mode == PS_MODE_XML ? "xml" : "toml";
}

static const char *mode_label(const ps_runtime *rt)
{
    return rt->carbon5               ? "Carbon 5, fixed ports"
           : rt->mode == PS_MODE_XML ? "carbon.xml mode"
                                     : "deployment.toml mode";
}

static const char *shift_name(ps_shift s)
{
    return s == PS_SHIFT_AUTO ? "auto" : s == PS_SHIFT_MANUAL ? "manual" : "fixed";
}

/* A version the files show is the earliest they fit: said so. */
static const char *version_qualifier(const ps_sites *sites)
{
    return sites->version_at_least ? " or later" : "";
}

static void unit_header(ps_strbuf *out, const ps_plan *p, size_t u)
{
    const ps_unit *unit = &p->units[u];
    ps_strbuf_printf(out, "%s%s%s (%s%s%s%s, %s): offset %ld", unit->home->path,
                     *unit->rt->name ? " runtime " : "", unit->rt->name, unit->rt->product->name,
                     *unit->sites->version ? " " : "", unit->sites->version,
                     version_qualifier(unit->sites), mode_label(unit->rt), p->offset[u]);
    if (p->target[u] != p->offset[u])
        ps_strbuf_printf(out, " -> %ld", p->target[u]);
    ps_strbuf_puts(out, "\n");
}

static void site_place(ps_strbuf *out, const ps_site *s)
{
    if (s->file)
        ps_strbuf_printf(out, "  %s:%d:%d: ", s->file->rel, s->line, s->col);
    else
        ps_strbuf_puts(out, "  (built in): ");
}

/* A stale self reference: the listener it means, and what becomes of it. */
static void stale_text(ps_strbuf *out, const ps_plan *p, const ps_decision *d, const ps_site *s)
{
    const ps_site *l = &p->units[d->owner_unit].sites->items[d->owner_site];
    long now = p->decisions[d->owner_unit][d->owner_site].now;
    ps_strbuf_printf(out, "stale: means %s, which listens on %ld; ", l->what, now);
    if (d->action == PS_ACT_SET)
        ps_strbuf_printf(out, "%ld -> %ld, repaired\n", s->value, d->next);
    else if (d->action == PS_ACT_GENERATED)
        ps_strbuf_printf(out,
                         "should be %ld, but the file is generated from deployment.toml: "
                         "not edited\n",
                         d->next);
    else if (d->action == PS_ACT_KEEP)
        ps_strbuf_puts(out, "right at the target, unchanged\n");
    else
        ps_strbuf_puts(out, "left alone (--repair sets it)\n");
}

void ps_report_plan_text(ps_strbuf *out, const ps_plan *p)
{
    for (size_t u = 0; u < p->nunits; u++) {
        unit_header(out, p, u);
        const ps_sites *ss = p->units[u].sites;
        for (size_t i = 0; i < ss->count; i++) {
            const ps_site *s = &ss->items[i];
            const ps_decision *d = &p->decisions[u][i];
            site_place(out, s);
            switch (s->kind) {
            case PS_SITE_OFFSET:
                if (s->file->generated)
                    ps_strbuf_printf(out, "offset %ld in a generated file, not edited\n", s->value);
                else if (s->insert && d->action == PS_ACT_SET)
                    ps_strbuf_printf(out, "offset not set (default %ld) -> %ld, key added\n",
                                     s->value, d->next);
                else if (s->insert)
                    ps_strbuf_printf(out, "offset not set (default %ld), unchanged\n", s->value);
                else if (d->action == PS_ACT_SET)
                    ps_strbuf_printf(out, "offset %ld -> %ld\n", s->value, d->next);
                else
                    ps_strbuf_printf(out, "offset %ld, unchanged\n", s->value);
                break;
            case PS_SITE_LISTENER:
                ps_strbuf_printf(out, "listener %ld, %s, %s%s: ", s->value, s->what,
                                 shift_name(s->shift), s->active ? "" : ", inactive");
                if (d->action == PS_ACT_SET)
                    ps_strbuf_printf(out, "%ld -> %ld\n", s->value, d->next);
                else if (d->action == PS_ACT_GENERATED)
                    ps_strbuf_printf(out,
                                     "should be %ld, but the file is generated from "
                                     "deployment.toml: not edited\n",
                                     d->next);
                else
                    ps_strbuf_printf(out, "listens on %ld, unchanged\n", d->next);
                break;
            case PS_SITE_PLACEHOLDER: {
                int n = (int)(s->span.end - s->span.start);
                ps_strbuf_printf(out, "placeholder %.*s, resolved at runtime, unchanged\n", n,
                                 s->file->data + s->span.start);
                break;
            }
            case PS_SITE_REFERENCE: {
                ps_strbuf_printf(out, "reference %ld%s%s: ", s->value, s->role ? ", role " : "",
                                 s->role ? s->role : "");
                if (d->stale) {
                    stale_text(out, p, d, s);
                } else if ((d->action == PS_ACT_SET || d->action == PS_ACT_KEEP) &&
                           d->owner_unit >= 0) {
                    const ps_site *l = &p->units[d->owner_unit].sites->items[d->owner_site];
                    if (d->action == PS_ACT_SET)
                        ps_strbuf_printf(out, "%ld -> %ld, follows %s\n", s->value, d->next,
                                         l->what);
                    else
                        ps_strbuf_printf(out, "follows %s, unchanged\n", l->what);
                } else if (d->action == PS_ACT_GENERATED) {
                    ps_strbuf_printf(out,
                                     "would follow to %ld, but the file is generated from "
                                     "deployment.toml: not edited\n",
                                     d->next);
                } else if (d->action == PS_ACT_AMBIGUOUS) {
                    ps_strbuf_puts(out, "several runtimes listen on it, left alone\n");
                } else {
                    ps_strbuf_puts(out, "no runtime in this call listens on it, left alone\n");
                }
                break;
            }
            }
        }
    }
    for (size_t i = 0; i < p->warnings.count; i++) {
        char *text = ps_error_text(&p->warnings.items[i]);
        ps_strbuf_printf(out, "warning: %s\n", text);
        free(text);
    }
    ps_strbuf_printf(out, "%zu edit%s\n", p->nedits, p->nedits == 1 ? "" : "s");
}

void ps_report_ports_text(ps_strbuf *out, const ps_plan *p)
{
    for (size_t u = 0; u < p->nunits; u++) {
        const ps_unit *unit = &p->units[u];
        ps_strbuf_printf(out, "%s%s%s (%s%s%s%s): offset %ld\n", unit->home->path,
                         *unit->rt->name ? " runtime " : "", unit->rt->name,
                         unit->rt->product->name, *unit->sites->version ? " " : "",
                         unit->sites->version, version_qualifier(unit->sites), p->target[u]);
        const ps_sites *ss = unit->sites;
        for (size_t i = 0; i < ss->count; i++) {
            const ps_site *s = &ss->items[i];
            if (s->kind != PS_SITE_LISTENER)
                continue;
            ps_strbuf_printf(out, "  %5ld  %-6s %-8s %s", p->decisions[u][i].next,
                             shift_name(s->shift), s->active ? "active" : "inactive", s->what);
            if (s->file)
                ps_strbuf_printf(out, " (%s:%d)\n", s->file->rel, s->line);
            else
                ps_strbuf_puts(out, " (built in)\n");
        }
    }
}

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
        long base = s->shift == PS_SHIFT_MANUAL ? s->value - p->offset[u] : s->value;
        ps_strbuf_printf(b, "%s{\"port\":%ld,\"base\":%ld,\"shift\":\"%s\",\"active\":%s,\"what\":",
                         first ? "" : ",", d->next, base, shift_name(s->shift),
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

void ps_report_json(ps_strbuf *b, const ps_plan *p, int with_edits)
{
    ps_strbuf_puts(b, "{\"installs\":[");
    for (size_t u = 0; u < p->nunits; u++) {
        const ps_unit *unit = &p->units[u];
        ps_strbuf_puts(b, u ? ",{\"home\":" : "{\"home\":");
        ps_json_string(b, unit->home->path);
        ps_strbuf_puts(b, ",\"runtime\":");
        ps_json_string(b, unit->rt->name);
        ps_strbuf_puts(b, ",\"product\":");
        ps_json_string(b, unit->rt->product->id);
        ps_strbuf_puts(b, ",\"version\":");
        ps_json_string(b, *unit->sites->version ? unit->sites->version : NULL);
        ps_strbuf_printf(b, ",\"mode\":\"%s\",\"offset\":%ld,\"current_offset\":%ld,\"ports\":",
                         mode_name(unit->rt), p->target[u], p->offset[u]);
        json_ports(b, p, u);
        ps_strbuf_puts(b, "}");
    }
    ps_strbuf_puts(b, "]");
    if (with_edits) {
        ps_strbuf_puts(b, ",\"edits\":[");
        for (size_t i = 0; i < p->nedits; i++) {
            const ps_edit *e = &p->edits[i];
            char *why = ps_plan_why(p, e);
            ps_strbuf_puts(b, i ? ",{\"file\":" : "{\"file\":");
            ps_json_string(b, e->file->path);
            ps_strbuf_printf(b, ",\"line\":%d,\"col\":%d,\"old\":", e->line, e->col);
            char *old = ps_xstrndup(e->file->data + e->span.start, e->span.end - e->span.start);
            ps_json_string(b, old);
            free(old);
            ps_strbuf_puts(b, ",\"new\":");
            ps_json_string(b, e->text);
            ps_strbuf_puts(b, ",\"why\":");
            ps_json_string(b, why);
            ps_strbuf_puts(b, "}");
            free(why);
        }
        ps_strbuf_puts(b, "],\"warnings\":[");
        for (size_t i = 0; i < p->warnings.count; i++) {
            if (i)
                ps_strbuf_puts(b, ",");
            char *text = ps_error_text(&p->warnings.items[i]);
            ps_json_string(b, text);
            free(text);
        }
        ps_strbuf_puts(b, "]");
    }
    ps_strbuf_puts(b, "}\n");
}
