/*
 * The running servers of each home and the sockets they hold (check.h:
 * ps_home_server): what `check --listening` and `batch --listening` do not
 * count against the home itself.
 */
#include "check/check.h"

#include <stdlib.h>
#include <string.h>

#include "base/path.h"
#include "base/strbuf.h"
#include "check/bound.h"
#include "detect/running.h"

/* -1 when out of memory. */
static int add_server(ps_home_server *s, const char *dir, const char *proc)
{
    long pid;
    if (!ps_home_running(dir, &pid))
        return 0;
    s->pid = pid;
    unsigned long *inodes;
    size_t n;
    int rc = ps_process_sockets(&inodes, &n, proc, pid);
    if (rc != 0) {
        s->unreadable = rc > 0;
        return rc < 0 ? -1 : 0;
    }
    unsigned long *all = ps_realloc(s->inodes, (s->ninodes + n + 1) * sizeof *s->inodes);
    if (!all) {
        free(inodes);
        return -1;
    }
    s->inodes = all;
    if (n)
        memcpy(s->inodes + s->ninodes, inodes, n * sizeof *inodes);
    s->ninodes += n;
    free(inodes);
    return 0;
}

static int cmp_ulong(const void *a, const void *b)
{
    unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;
    return (x > y) - (x < y);
}

int ps_home_servers(ps_home_server **out, size_t *count, const ps_unit *units, size_t n,
                    const char *proc)
{
    ps_home_server *sv = ps_calloc(n + 1, sizeof *sv);
    size_t nsv = 0;
    *out = NULL;
    *count = 0;
    if (!sv)
        return -1;
    int rc = 0;
    for (size_t u = 0; u < n && rc == 0; u++) {
        const ps_unit *unit = &units[u];
        size_t h = 0;
        while (h < nsv && sv[h].home != unit->home)
            h++;
        if (h == nsv) {
            sv[nsv++].home = unit->home;
            if (!*unit->rt->name)
                rc = add_server(&sv[h], unit->home->path, proc);
        }
        if (rc == 0 && *unit->rt->name) {
            char *dir = ps_path_join(unit->home->path, unit->rt->name);
            rc = dir ? add_server(&sv[h], dir, proc) : -1;
            free(dir);
        }
    }
    if (rc < 0) {
        ps_home_servers_free(sv, nsv);
        return -1;
    }
    for (size_t h = 0; h < nsv; h++)
        ps_sort(sv[h].inodes, sv[h].ninodes, sizeof *sv[h].inodes, cmp_ulong);
    *out = sv;
    *count = nsv;
    return 0;
}

const ps_home_server *ps_home_server_of(const ps_home_server *sv, size_t count, const ps_home *home)
{
    for (size_t h = 0; h < count; h++)
        if (sv[h].home == home)
            return &sv[h];
    return NULL;
}

void ps_home_servers_free(ps_home_server *sv, size_t count)
{
    for (size_t h = 0; h < count; h++)
        free(sv[h].inodes);
    free(sv);
}
