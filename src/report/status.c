#include "report/status.h"

#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/strbuf.h"
#include "detect/running.h"
#include "report/printers.h"

/* The port its main HTTPS listener opens now: the first active one the
 * catalog marks https="main" (the SSL connector before a builtin stand-in). */
static long https_port(const ps_unit *unit)
{
    const ps_sites *ss = unit->sites;
    for (size_t i = 0; i < ss->count; i++) {
        const ps_site *s = &ss->items[i];
        if (s->kind == PS_SITE_LISTENER && s->https_main && s->active)
            return ps_listener_now(ss, s);
    }
    return -1;
}

/* -1 when out of memory (the row as it was). */
static int add_clash(ps_status_row *row, const char *home)
{
    for (size_t i = 0; i < row->nclashes; i++)
        if (strcmp(row->clashes_with[i], home) == 0)
            return 0;
    const char **with = ps_realloc(row->clashes_with, (row->nclashes + 1) * sizeof *with);
    if (!with)
        return -1;
    row->clashes_with = with;
    row->clashes_with[row->nclashes++] = home;
    return 0;
}

/* Every home a clash finding of `home` names besides it; the home itself
 * when its own runtimes clash. -1 when out of memory. */
static int clashes_of(ps_status_row *row, const ps_check *check, const char *home)
{
    for (size_t k = 0; k < check->nfindings; k++) {
        const ps_finding *f = &check->items[k];
        if (f->kind != PS_FINDING_CLASH || f->note)
            continue;
        size_t mine = 0;
        for (size_t i = 0; i < f->nparties; i++)
            mine += f->parties[i].home && strcmp(f->parties[i].home, home) == 0;
        if (!mine)
            continue;
        for (size_t i = 0; i < f->nparties; i++)
            if (f->parties[i].home && strcmp(f->parties[i].home, home) != 0 &&
                add_clash(row, f->parties[i].home) < 0)
                return -1;
        if (mine == f->nparties && add_clash(row, home) < 0)
            return -1;
    }
    return 0;
}

/* Where `home` was first named among the units of `c`: the order the homes
 * a row clashes with are listed in. */
static size_t named_at(const ps_check *c, const char *home)
{
    size_t u = 0;
    while (u < c->nunits && strcmp(c->units[u].home->path, home) != 0)
        u++;
    return u;
}

static void order_clashes(ps_status_row *row, const ps_check *p)
{
    for (size_t i = 1; i < row->nclashes; i++) {
        const char *h = row->clashes_with[i];
        size_t at = named_at(p, h), j = i;
        for (; j > 0 && named_at(p, row->clashes_with[j - 1]) > at; j--)
            row->clashes_with[j] = row->clashes_with[j - 1];
        row->clashes_with[j] = h;
    }
}

int ps_status_make(ps_status *out, const ps_check *check)
{
    const ps_check *p = check;
    *out = (ps_status){ps_calloc(p->nunits ? p->nunits : 1, sizeof *out->rows), 0};
    if (!out->rows)
        return -1;
    for (size_t u = 0; u < p->nunits; u++) {
        const ps_unit *unit = &p->units[u];
        if (u && unit->home == p->units[u - 1].home)
            continue; /* the main runtime comes first: one row per home */
        ps_status_row *row = &out->rows[out->count++];
        *row = (ps_status_row){.config_offset = ps_sites_config_offset(unit->sites),
                               .start_offset = unit->sites->offset,
                               .https_port = https_port(unit)};
        if (!ps_home_running(unit->home->path, &row->pid))
            row->pid = 0;
        if (ps__install_row(&row->install, unit, row->start_offset, row->start_offset) < 0 ||
            clashes_of(row, check, unit->home->path) < 0) {
            ps_status_free(out);
            *out = (ps_status){0};
            return -1;
        }
        order_clashes(row, p);
    }
    return 0;
}

void ps_status_free(ps_status *status)
{
    for (size_t i = 0; status && i < status->count; i++) {
        ps__install_row_free(&status->rows[i].install);
        free(status->rows[i].clashes_with);
    }
    if (status)
        free(status->rows);
}

void ps__status_text(ps_strbuf *out, const ps_status *status)
{
    for (size_t r = 0; r < status->count; r++) {
        const ps_status_row *row = &status->rows[r];
        ps_strbuf_printf(out, "%s  %s", row->install.home, row->install.product);
        ps_strbuf_printf(out, "  offset %ld  starts at %ld  ", row->config_offset,
                         row->start_offset);
        if (row->https_port >= 0)
            ps_strbuf_printf(out, "https %ld  ", row->https_port);
        else
            ps_strbuf_puts(out, "https -  ");
        if (row->pid)
            ps_strbuf_printf(out, "running (pid %ld)  ", row->pid);
        else
            ps_strbuf_puts(out, "stopped  ");
        if (!row->nclashes)
            ps_strbuf_puts(out, "clash-free");
        for (size_t i = 0; i < row->nclashes; i++)
            ps_strbuf_printf(out, "%s%s", i ? ", " : "clashes with ", row->clashes_with[i]);
        ps_strbuf_puts(out, "\n");
    }
}

void ps__status_json(ps_strbuf *out, const ps_status *status)
{
    ps_strbuf_printf(out, "{\"format\":%d,\"homes\":[", PS_JSON_FORMAT);
    for (size_t r = 0; r < status->count; r++) {
        const ps_status_row *row = &status->rows[r];
        const ps_install_row *unit = &row->install;
        ps_strbuf_puts(out, r ? ",{\"home\":" : "{\"home\":");
        ps_json_string(out, unit->home);
        ps_strbuf_puts(out, ",\"product\":");
        ps_json_string(out, unit->product_id);
        ps_strbuf_puts(out, ",\"name\":");
        ps_json_string(out, unit->product_name);
        ps_strbuf_puts(out, ",\"version\":");
        ps_json_string(out, unit->version);
        ps_strbuf_printf(out, ",\"config_offset\":%ld,\"start_offset\":%ld,\"https_port\":",
                         row->config_offset, row->start_offset);
        if (row->https_port >= 0)
            ps_strbuf_printf(out, "%ld", row->https_port);
        else
            ps_strbuf_puts(out, "null");
        ps_strbuf_printf(out, ",\"running\":%s,\"pid\":", row->pid ? "true" : "false");
        if (row->pid)
            ps_strbuf_printf(out, "%ld", row->pid);
        else
            ps_strbuf_puts(out, "null");
        ps_strbuf_puts(out, ",\"clashes_with\":[");
        for (size_t i = 0; i < row->nclashes; i++) {
            if (i)
                ps_strbuf_puts(out, ",");
            ps_json_string(out, row->clashes_with[i]);
        }
        ps_strbuf_puts(out, "]}");
    }
    ps_strbuf_puts(out, "]}\n");
}
