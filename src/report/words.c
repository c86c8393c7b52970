/*
 * What every printer of the report layer says alike: where a party is, a
 * runtime's product and version, a finding's kind, and the command lines
 * that check suggests. Kept apart from the printers and from report.c's
 * dispatch, so the layer's files depend one way.
 */
#include "report/words.h"

#include <stdlib.h>
#include <string.h>

#include "report/report.h"

void ps__report_oom(ps_strbuf *out)
{
    out->oom = 1;
}

int ps__part_ok(ps_strbuf *out, const ps_strbuf *part)
{
    if (!ps_strbuf_oom(part))
        return 1;
    ps__report_oom(out);
    return 0;
}

void ps__product_text(ps_strbuf *out, const ps_unit *unit)
{
    ps_strbuf_puts(out, unit->rt->product->name);
    if (*unit->sites->version)
        ps_strbuf_printf(out, " %s%s", unit->sites->version,
                         unit->sites->version_at_least ? " or later" : "");
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
 * command computes with: without them it would judge other ports), the
 * facts files of the other hosts (--with), and every
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
    /* The other hosts decide what a remote reference should be: named again. */
    for (size_t i = 0; c->with && i < c->with->fleet->nhosts; i++) {
        ps_strbuf_puts(out, " --with ");
        shell_word(out, c->with->fleet->hosts[i].source);
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
