/*
 * The offset a server starts with: start files that set rival offsets, and
 * a running server whose command line set another offset than its files.
 */
#include "check/draft.h"

#include <stdlib.h>

#include "base/path.h"
#include "base/strbuf.h"
#include "detect/running.h"

/* Two start-time offsets of the rank that decides, saying different
 * things. -1 when out of memory. */
int ps_check__start_rivals(ps_check__builder *b)
{
    ps_check *c = b->c;
    for (size_t u = 0; u < c->nunits; u++) {
        const ps_sites *ss = c->units[u].sites;
        const ps_site *won = ss->start_site, *rival = ss->start_rival;
        if (!rival)
            continue;
        size_t k = (size_t)(won - ss->items), r = (size_t)(rival - ss->items);
        ps_check__draft *d = ps_check__add(
            b, PS_FINDING_START, 0, u, k, won->value,
            ps_asprintf("-DportOffset=%ld here, -DportOffset=%ld at %s:%d:%d: "
                        "which one the server starts with depends on how it "
                        "is started",
                        won->value, rival->value, rival->file->path, rival->line, rival->col));
        if (!d || ps_check__party(d, ps_check__site_party(c, u, k)) < 0 ||
            ps_check__party(d, ps_check__site_party(c, u, r)) < 0)
            return -1;
    }
    return 0;
}

/* The finding of a server of unit u running (as process `pid`) at offset
 * `runs`, not its files' offset; -1 when out of memory. */
static int running_finding(ps_check__builder *b, size_t u, long pid, long runs)
{
    ps_check *c = b->c;
    const ps_unit *unit = &c->units[u];
    ps_check__draft *d =
        ps_check__add(b, PS_FINDING_RUNNING, 0, u, 0, runs,
                      ps_asprintf("the server (process %ld) runs at offset %ld "
                                  "(-DportOffset on its command line), its files say "
                                  "%ld",
                                  pid, runs, unit->sites->offset));
    if (!d)
        return -1;
    d->order = -1; /* before the findings at the runtime's first site */
    const char *rel = ps_check__own(c, ps_path_join(unit->rt->name, "wso2carbon.pid"));
    const char *path = rel ? ps_check__own(c, ps_path_join(unit->home->path, rel)) : NULL;
    if (!path)
        return -1;
    return ps_check__party(d, (ps_party){.home = unit->home->path,
                                         .runtime = unit->rt->name,
                                         .file = rel,
                                         .path = path,
                                         .line = 1,
                                         .col = 1,
                                         .what = "the running server's pid file",
                                         .port = runs,
                                         .pid = pid});
}

/*
 * A running server whose command line sets -DportOffset to another offset
 * than its files: it listens where nothing here says (until it restarts),
 * reported at its pid file. A runtime's pid file is in its own folder (the
 * home's root for the main runtime). -1 when out of memory.
 */
int ps_check__running_offsets(ps_check__builder *b, const char *proc)
{
    ps_check *c = b->c;
    int rc = 0;
    for (size_t u = 0; u < c->nunits && rc == 0; u++) {
        const ps_unit *unit = &c->units[u];
        if (unit->rt->carbon5)
            continue; /* no offset: -DportOffset means nothing to it */
        char *dir = ps_path_join(unit->home->path, unit->rt->name);
        if (!dir)
            return -1;
        long pid, runs;
        if (ps_home_running(dir, &pid)) {
            int said = ps_process_offset(proc, pid, &runs);
            if (said < 0)
                rc = -1;
            else if (said && runs != unit->sites->offset)
                rc = running_finding(b, u, pid, runs);
        }
        free(dir);
    }
    return rc;
}
