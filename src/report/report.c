#include "report/report.h"

#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "report/clashes.h"

static const char *mode_label(const ps_runtime *rt)
{
    return rt->carbon5               ? "Carbon 5, fixed ports"
           : rt->mode == PS_MODE_XML ? "carbon.xml mode"
                                     : "deployment.toml mode";
}

/* "WSO2 API Manager 2.6.0", "... 4.2.0 or later" (a version the files show
 * is the earliest they fit: said so), or the name alone. */
void ps__product_text(ps_strbuf *out, const ps_unit *unit)
{
    ps_strbuf_puts(out, unit->rt->product->name);
    if (*unit->sites->version)
        ps_strbuf_printf(out, " %s%s", unit->sites->version,
                         unit->sites->version_at_least ? " or later" : "");
}

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
                else if (d->action == PS_ACT_SET && ps_key_taken_out(&p->units[u], s, d->next))
                    ps_strbuf_printf(out,
                                     "offset %ld -> %ld (default), the line portshift added "
                                     "taken out\n",
                                     s->value, d->next);
                else if (d->action == PS_ACT_SET)
                    ps_strbuf_printf(out, "offset %ld -> %ld\n", s->value, d->next);
                else
                    ps_strbuf_printf(out, "offset %ld, unchanged\n", s->value);
                break;
            case PS_SITE_START:
                ps_strbuf_printf(out, "start-time offset -DportOffset=%ld%s", s->value,
                                 ps_start_is_env(s->rank) ? " (environment)" : "");
                if (d->action == PS_ACT_SET)
                    ps_strbuf_printf(out, " -> %ld\n", d->next);
                else
                    ps_strbuf_puts(out, ", unchanged\n");
                break;
            case PS_SITE_LISTENER:
                ps_strbuf_printf(out, "listener %ld, %s, %s%s: ", s->value, s->what,
                                 ps_shift_name(s->shift), s->active ? "" : ", inactive");
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
                ps_strbuf_printf(out, "placeholder %s, resolved at runtime, unchanged\n", s->text);
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
                    if (d->action == PS_ACT_SET && s->insert)
                        ps_strbuf_printf(out,
                                         "%s not set (default %ld) -> %ld, key added, "
                                         "follows %s\n",
                                         s->key, s->value, d->next, l->what);
                    else if (d->action == PS_ACT_SET)
                        ps_strbuf_printf(out, "%ld -> %ld, follows %s%s\n", s->value, d->next,
                                         l->what,
                                         ps_key_taken_out(&p->units[u], s, d->next)
                                             ? " (the line portshift added taken out)"
                                             : "");
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

static void json_edits(ps_strbuf *b, const ps_plan *p, int with_kind)
{
    for (size_t i = 0; i < p->nedits; i++) {
        const ps_edit *e = &p->edits[i];
        char *why = ps_plan_why(p, e);
        ps_strbuf_puts(b, i ? ",{\"file\":" : "{\"file\":");
        ps_json_string(b, e->file->path);
        ps_strbuf_printf(b, ",\"line\":%d,\"col\":%d,\"old\":", e->line, e->col);
        ps_json_string(b, p->units[e->unit].sites->items[e->site].text);
        ps_strbuf_puts(b, ",\"new\":");
        ps_json_string(b, e->text);
        ps_strbuf_puts(b, ",\"why\":");
        ps_json_string(b, why);
        if (with_kind)
            ps_strbuf_printf(b, ",\"kind\":\"%s\"", edit_kind(p, e));
        ps_strbuf_puts(b, "}");
        free(why);
    }
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

void ps_report_json(ps_strbuf *b, const ps_plan *p, int with_edits)
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
        ps_strbuf_puts(b, ",\"edits\":[");
        json_edits(b, p, 0);
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

/* Where a party is: path:line (with :col for the one a finding is reported
 * at), "HOME (built in)" for a listener with no config entry, "this host"
 * for a socket outside the call. */
void ps__party_place(ps_strbuf *out, const ps_party *p, int col)
{
    if (p->path && col)
        ps_strbuf_printf(out, "%s:%d:%d", p->path, p->line, p->col);
    else if (p->path)
        ps_strbuf_printf(out, "%s:%d", p->path, p->line);
    else if (p->home)
        ps_strbuf_printf(out, "%s%s%s (built in)", p->home, *p->runtime ? " runtime " : "",
                         p->runtime);
    else
        ps_strbuf_puts(out, "this host");
}

const char *ps__finding_kind(const ps_finding *f)
{
    if (f->note)
        return "note";
    switch (f->kind) {
    case PS_FINDING_CLASH:
        return "clash";
    case PS_FINDING_LISTENING:
        return "listening";
    case PS_FINDING_STALE:
        return "stale";
    case PS_FINDING_AMBIGUOUS:
        return "ambiguous";
    case PS_FINDING_START:
        return "start";
    case PS_FINDING_RUNNING:
        return "running";
    case PS_FINDING_UNOWNED:
        break;
    }
    return "unowned";
}

/* The homes of the check as one shell word each (quoted when they need it). */
static void shell_word(ps_strbuf *out, const char *s)
{
    if (*s &&
        strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./+,:@%-") ==
            strlen(s)) {
        ps_strbuf_puts(out, s);
        return;
    }
    ps_strbuf_puts(out, "'");
    for (; *s; s++) {
        if (*s == '\'')
            ps_strbuf_puts(out, "'\\''"); /* close, an escaped quote, open again */
        else
            ps_strbuf_add(out, s, 1);
    }
    ps_strbuf_puts(out, "'");
}

/* Whether unit u's start file f was named by a unit before it (a start file
 * is loaded into the runtime it starts, so this is rare, but cheap to be sure). */
static int start_file_seen(const ps_check *c, size_t u, const char *path)
{
    for (size_t v = 0; v < u; v++)
        for (size_t k = 0; k < c->units[v].cfg->nfiles; k++)
            if (c->units[v].cfg->files[k].outside &&
                strcmp(c->units[v].cfg->files[k].path, path) == 0)
                return 1;
    return 0;
}

/* `command`, the start files the call named (they decide the offsets the
 * command computes with: without them it would judge other ports), and every
 * home of the check, once each, in the order named. */
static void homes_command(ps_strbuf *out, const ps_check *c, const char *command)
{
    ps_strbuf_puts(out, command);
    for (size_t u = 0; u < c->nunits; u++)
        for (size_t k = 0; k < c->units[u].cfg->nfiles; k++) {
            const ps_cfile *f = &c->units[u].cfg->files[k];
            if (!f->outside || start_file_seen(c, u, f->path))
                continue;
            ps_strbuf_puts(out, " --start-file ");
            shell_word(out, f->path);
        }
    for (size_t u = 0; u < c->nunits; u++) {
        size_t v = 0;
        while (v < u && c->units[v].home != c->units[u].home)
            v++;
        if (v < u)
            continue; /* a home once, however many runtimes */
        ps_strbuf_puts(out, " ");
        /* A home named "-x" would read as an option. */
        if (c->units[u].home->path[0] == '-')
            ps_strbuf_puts(out, "./");
        shell_word(out, c->units[u].home->path);
    }
}

void ps_report_repair_command(ps_strbuf *out, const ps_check *c)
{
    homes_command(out, c, "portshift apply --repair");
}

/* Every home, not only those that clash: batch keeps a home that fits where
 * it is and moves the others clear of all the homes named before them, so
 * a home left out could be moved onto. */
void ps_report_resolve_command(ps_strbuf *out, const ps_check *c)
{
    homes_command(out, c, "portshift batch --diff");
}

/* A finding and its parties, one line each. */
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

void ps_report_check_text(ps_strbuf *out, const ps_check *c)
{
    ps_clash_groups groups;
    ps_clash_groups_make(&groups, c);
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

static void json_long_or_null(ps_strbuf *b, long v, int present)
{
    if (present)
        ps_strbuf_printf(b, "%ld", v);
    else
        ps_strbuf_puts(b, "null");
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
    json_long_or_null(b, p->line, p->file != NULL);
    ps_strbuf_puts(b, ",\"col\":");
    json_long_or_null(b, p->col, p->file != NULL);
    ps_strbuf_puts(b, ",\"what\":");
    ps_json_string(b, p->what);
    ps_strbuf_printf(b, ",\"port\":%ld,\"pid\":", p->port);
    json_long_or_null(b, p->pid, p->pid >= 0);
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
        json_long_or_null(b, f->should, f->should >= 0);
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

void ps_report_check_json(ps_strbuf *b, const ps_check *c)
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
        ps_strbuf_puts(b, "]}");
    }
    ps_strbuf_puts(b, "],\"resolve\":");
    json_command(b, c, groups.nclashes ? ps_report_resolve_command : NULL);
    ps_clash_groups_free(&groups);
    ps_strbuf_puts(b, "}\n");
}

/* ---- batch ---- */

static size_t count_stale(const ps_plan *p)
{
    size_t n = 0;
    for (size_t i = 0; i < p->nedits; i++)
        n += p->decisions[p->edits[i].unit][p->edits[i].site].stale;
    return n;
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
        if (unit->rt->carbon5)
            ps_strbuf_puts(out, "Carbon 5, fixed ports\n");
        else if (b->offset[u] != unit->sites->offset)
            ps_strbuf_printf(out, "offset %ld -> %ld\n", unit->sites->offset, b->offset[u]);
        else
            ps_strbuf_printf(out, "offset %ld\n", b->offset[u]);
    }
}

void ps_report_batch_text(ps_strbuf *out, const ps_batch *b, const ps_plan *p, ps_batch_step step)
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
    for (size_t i = 0; i < p->nedits; i++) {
        const ps_edit *e = &p->edits[i];
        const ps_decision *d = &p->decisions[e->unit][e->site];
        if (!d->stale)
            continue;
        const ps_site *l = &p->units[d->owner_unit].sites->items[d->owner_site];
        ps_strbuf_printf(out,
                         "%s:%d:%d: repair: %ld -> %ld (stale: means %s, which listens on %ld)\n",
                         e->file->path, e->line, e->col, e->old_value, e->new_value, l->what,
                         p->decisions[d->owner_unit][d->owner_site].next);
    }
    size_t stale = count_stale(p);
    ps_strbuf_printf(
        out,
        "%zu home%s: %zu kept, %zu moved; %zu rewrite%s; %zu stale self reference%s %s; %zu edit%s",
        b->nhomes, b->nhomes == 1 ? "" : "s", kept, b->nhomes - kept, b->nrewrites,
        b->nrewrites == 1 ? "" : "s", stale, stale == 1 ? "" : "s",
        step == PS_BATCH_APPLIED ? "repaired" : "to repair", p->nedits, p->nedits == 1 ? "" : "s");
    if (step == PS_BATCH_APPLIED)
        ps_strbuf_puts(out, " written\n");
    else if (step == PS_BATCH_SHOWN && p->nedits)
        ps_strbuf_puts(out, " (--diff shows them, --apply writes them)\n");
    else
        ps_strbuf_puts(out, "\n");
}

void ps_report_batch_json(ps_strbuf *out, const ps_batch *b, const ps_plan *p, ps_batch_step step)
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
    ps_strbuf_printf(out, "],\"stale_repaired\":%zu,\"edits\":[", count_stale(p));
    json_edits(out, p, 1);
    ps_strbuf_printf(out, "],\"applied\":%s}\n", step == PS_BATCH_APPLIED ? "true" : "false");
}
