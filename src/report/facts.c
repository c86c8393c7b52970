/*
 * The facts document as JSON. Every host:port of the homes' files is a
 * reference here, the local ones (which the planner follows) and the
 * others (which only the facts list, for the other hosts of a fleet), each
 * marked with whether it names this host; the listeners are the ones
 * `ports` lists, active only, at the offset each runtime runs at now.
 */
#include "report/facts.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/json.h"
#include "fleet/fleet.h"

/* 1 when `host` is one of this host's names: the machine's, an alias, or a
 * name a home's config gives it. */
static int own_name(const ps_unit *units, size_t n, const ps_facts_names *names, const char *host)
{
    if ((names->hostname && strcasecmp(host, names->hostname) == 0) ||
        (names->fqdn && strcasecmp(host, names->fqdn) == 0))
        return 1;
    for (size_t i = 0; i < names->naliases; i++)
        if (strcasecmp(host, names->aliases[i]) == 0)
            return 1;
    for (size_t u = 0; u < n; u++)
        for (size_t k = 0; k < units[u].sites->nnames; k++)
            if (strcasecmp(host, units[u].sites->names[k].host) == 0)
                return 1;
    return 0;
}

/* "home":..,"runtime":.. of unit `u`, shared by every object that belongs to one. */
static void json_unit(ps_strbuf *b, const ps_unit *unit)
{
    ps_strbuf_puts(b, "\"home\":");
    ps_json_string(b, unit->home->path);
    ps_strbuf_puts(b, ",\"runtime\":");
    ps_json_string(b, unit->rt->name);
}

/* ,"file":..,"path":..,"line":..,"col":.. (all null for none). */
static void json_place(ps_strbuf *b, const char *rel, const char *path, int line, int col)
{
    ps_strbuf_puts(b, ",\"file\":");
    ps_json_string(b, rel);
    ps_strbuf_puts(b, ",\"path\":");
    ps_json_string(b, path);
    ps_strbuf_puts(b, ",\"line\":");
    ps_json_long_or_null(b, line, rel != NULL);
    ps_strbuf_puts(b, ",\"col\":");
    ps_json_long_or_null(b, col, rel != NULL);
}

/* One name, from "hostname", "fqdn", "config" (with the unit and where it
 * was read) or "alias"; the other kinds have no home and no place. */
static void json_name(ps_strbuf *b, int *first, const char *name, const char *from,
                      const ps_unit *unit, const ps_hostref *at)
{
    ps_strbuf_puts(b, *first ? "{\"name\":" : ",{\"name\":");
    ps_json_string(b, name);
    ps_strbuf_printf(b, ",\"from\":\"%s\",", from);
    if (unit)
        json_unit(b, unit);
    else
        ps_strbuf_puts(b, "\"home\":null,\"runtime\":null");
    json_place(b, at ? at->rel : NULL, at ? at->path : NULL, at ? at->line : 0, at ? at->col : 0);
    ps_strbuf_puts(b, "}");
    *first = 0;
}

static void json_host(ps_strbuf *b, const ps_unit *units, size_t n, const ps_facts_names *names)
{
    ps_strbuf_puts(b, "\"host\":{\"hostname\":");
    ps_json_string(b, names->hostname);
    if (names->fqdn) {
        ps_strbuf_puts(b, ",\"fqdn\":");
        ps_json_string(b, names->fqdn);
    }
    ps_strbuf_puts(b, ",\"names\":[");
    int first = 1;
    if (names->hostname && !ps_fleet_loopback(names->hostname))
        json_name(b, &first, names->hostname, "hostname", NULL, NULL);
    if (names->fqdn && !ps_fleet_loopback(names->fqdn))
        json_name(b, &first, names->fqdn, "fqdn", NULL, NULL);
    for (size_t u = 0; u < n; u++)
        for (size_t k = 0; k < units[u].sites->nnames; k++) {
            const ps_hostref *r = &units[u].sites->names[k];
            if (!ps_fleet_loopback(r->host))
                json_name(b, &first, r->host, "config", &units[u], r);
        }
    for (size_t i = 0; i < names->naliases; i++)
        json_name(b, &first, names->aliases[i], "alias", NULL, NULL);
    ps_strbuf_puts(b, "]}");
}

static int json_listeners(ps_strbuf *b, const ps_sites *ss)
{
    ps_listeners l;
    if (ps_listeners_at(&l, ss, ss->offset) < 0)
        return -1;
    ps_strbuf_puts(b, "[");
    int first = 1;
    for (size_t i = 0; i < l.count; i++) {
        const ps_site *s = &ss->items[l.items[i].site];
        if (!s->active)
            continue;
        ps_strbuf_printf(
            b, "%s{\"port\":%ld,\"base\":%ld,\"shift\":\"%s\",\"what\":", first ? "" : ",",
            l.items[i].port, ps_listener_port(s, ss->offset, 0), ps_shift_name(s->shift));
        ps_json_string(b, s->what);
        json_place(b, s->file ? s->file->rel : NULL, s->file ? s->file->path : NULL, s->line,
                   s->col);
        ps_strbuf_puts(b, "}");
        first = 0;
    }
    ps_strbuf_puts(b, "]");
    ps_listeners_free(&l);
    return 0;
}

/* One reference of a unit, whichever list it came from. */
typedef struct ref_row {
    const char *rel, *path;
    int line, col;
    const char *host; /* NULL: a port the catalog names, which means its own runtime */
    long port;        /* -1: a ${...} port */
    const char *role, *what;
    int local;
} ref_row;

static int cmp_rows(const void *a, const void *b)
{
    const ref_row *x = a, *y = b;
    int c = strcmp(x->rel, y->rel);
    if (c)
        return c;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    return (x->col > y->col) - (x->col < y->col);
}

/* The references of unit `unit` in file, line, column order; NULL (and
 * *n 0) when out of memory. */
static ref_row *unit_refs(const ps_unit *units, size_t nunits, size_t u,
                          const ps_facts_names *names, size_t *n)
{
    const ps_sites *ss = units[u].sites;
    ref_row *rows = ps_calloc(ss->count + ss->nhostrefs + 1, sizeof *rows);
    *n = 0;
    if (!rows)
        return NULL;
    for (size_t i = 0; i < ss->nhostrefs; i++) {
        const ps_hostref *r = &ss->hostrefs[i];
        rows[(*n)++] = (ref_row){r->rel,
                                 r->path,
                                 r->line,
                                 r->col,
                                 r->host,
                                 r->placeholder ? -1 : r->port,
                                 r->role,
                                 NULL,
                                 r->local || ps_fleet_loopback(r->host) ||
                                     own_name(units, nunits, names, r->host)};
    }
    /* A port the catalog names as a reference (redirectPort, ThriftClientPort)
     * has no host: it means its own runtime. A scanned one is a hostref. */
    for (size_t i = 0; i < ss->count; i++) {
        const ps_site *s = &ss->items[i];
        if (s->kind != PS_SITE_REFERENCE || !s->what || !s->file || s->insert != PS_INSERT_NONE)
            continue;
        rows[(*n)++] = (ref_row){s->file->rel, s->file->path, s->line, s->col, NULL,
                                 s->value,     s->role,       s->what, 1};
    }
    ps_sort(rows, *n, sizeof *rows, cmp_rows);
    return rows;
}

static int json_references(ps_strbuf *b, const ps_unit *units, size_t n,
                           const ps_facts_names *names)
{
    ps_strbuf_puts(b, "\"references\":[");
    int first = 1;
    for (size_t u = 0; u < n; u++) {
        size_t nrows;
        ref_row *rows = unit_refs(units, n, u, names, &nrows);
        if (!rows)
            return -1;
        for (size_t i = 0; i < nrows; i++) {
            const ref_row *r = &rows[i];
            ps_strbuf_puts(b, first ? "{" : ",{");
            first = 0;
            json_unit(b, &units[u]);
            json_place(b, r->rel, r->path, r->line, r->col);
            ps_strbuf_puts(b, ",\"host\":");
            ps_json_string(b, r->host);
            ps_strbuf_puts(b, ",\"port\":");
            ps_json_long_or_null(b, r->port, r->port >= 0);
            ps_strbuf_puts(b, ",\"role\":");
            ps_json_string(b, r->role);
            ps_strbuf_puts(b, ",\"what\":");
            ps_json_string(b, r->what);
            ps_strbuf_printf(b, ",\"local\":%s}", r->local ? "true" : "false");
        }
        free(rows);
    }
    ps_strbuf_puts(b, "]");
    return 0;
}

int ps_report_facts(ps_strbuf *b, const ps_unit *units, size_t n, const ps_facts_names *names)
{
    ps_strbuf_printf(b, "{\"format\":%d,", PS_FACTS_FORMAT);
    json_host(b, units, n, names);
    ps_strbuf_puts(b, ",\"homes\":[");
    for (size_t u = 0; u < n; u++) {
        const ps_unit *unit = &units[u];
        ps_strbuf_puts(b, u ? ",{" : "{");
        json_unit(b, unit);
        ps_strbuf_puts(b, ",\"product\":");
        ps_json_string(b, unit->rt->product->id);
        ps_strbuf_puts(b, ",\"version\":");
        ps_json_string(b, *unit->sites->version ? unit->sites->version : NULL);
        ps_strbuf_printf(b,
                         ",\"mode\":\"%s\",\"offset\":%ld,\"listeners\":", ps_mode_name(unit->rt),
                         unit->sites->offset);
        if (json_listeners(b, unit->sites) < 0)
            return -1;
        ps_strbuf_puts(b, "}");
    }
    ps_strbuf_puts(b, "],");
    if (json_references(b, units, n, names) < 0)
        return -1;
    ps_strbuf_puts(b, "}\n");
    return ps_strbuf_oom(b) ? -1 : 0;
}
