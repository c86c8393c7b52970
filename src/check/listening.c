/*
 * `check --listening`: an active listener whose port a socket of this host
 * already listens on, other than one of its home's own running server.
 */
#include "check/draft.h"

#include <stdlib.h>

#include "base/error.h"
#include "base/strbuf.h"
#include "check/bound.h"

/* A listener whose port some socket of this host listens on. */
typedef struct bound_hit {
    size_t unit, site;
    size_t *sockets; /* foreign: not its home's server's */
    size_t nsockets, cap;
    long unknown_pid; /* >0: the home's server runs, its sockets unreadable */
} bound_hit;

static int socket_party(ps_check__draft *d, ps_check *c, const ps_socket *s)
{
    const char *what = ps_check__own(
        c, s->pid < 0 ? ps_asprintf("a socket listening on port %ld, held by a process "
                                    "this user cannot look into",
                                    s->port)
                      : ps_asprintf("a socket listening on port %ld, held by process %ld%s%s%s",
                                    s->port, s->pid, s->comm ? " (" : "", s->comm ? s->comm : "",
                                    s->comm ? ")" : ""));
    if (!what)
        return -1;
    return ps_check__party(d, (ps_party){.what = what, .port = s->port, .pid = s->pid});
}

/* Appends i to the array (*arr)[0, *n); -1 when out of memory. */
static int push_index(size_t **arr, size_t *n, size_t *cap, size_t i)
{
    size_t *slot = PS_TRY_PUSH(*arr, *n, *cap);
    if (!slot)
        return -1;
    *slot = i;
    return 0;
}

/* The finding of one listener whose port is bound: -1 when out of memory. */
static int listening_finding(ps_check__builder *b, const bound_hit *hit, const ps_sockets *socks)
{
    ps_check *c = b->c;
    ps_party l = ps_check__site_party(c, hit->unit, hit->site);
    char *message =
        hit->nsockets
            ? ps_asprintf("port %ld is already listening on this host", l.port)
            : ps_asprintf("port %ld is listening on this host, maybe by this home's own "
                          "server (process %ld of wso2carbon.pid), whose sockets this user "
                          "cannot read",
                          l.port, hit->unknown_pid);
    ps_check__draft *d = ps_check__add(b, PS_FINDING_LISTENING, hit->nsockets == 0, hit->unit,
                                       hit->site, l.port, message);
    if (!d || ps_check__party(d, l) < 0)
        return -1;
    for (size_t j = 0; j < hit->nsockets; j++)
        if (socket_party(d, c, &socks->items[hit->sockets[j]]) < 0)
            return -1;
    return 0;
}

int ps_check__listening(ps_check__builder *b, const char *proc, ps_error *err)
{
    ps_check *c = b->c;
    ps_sockets socks = {0};
    if (ps_sockets_read(&socks, proc, err) < 0)
        return -1;
    size_t nsv;
    ps_home_server *sv;
    bound_hit *hits = NULL;
    size_t nhits = 0, hcap = 0;
    size_t *foreign = NULL, nforeign = 0, fcap = 0;
    int rc = ps_home_servers(&sv, &nsv, c->units, c->nunits, proc);
    for (size_t u = 0; u < c->nunits && rc == 0; u++) {
        const ps_sites *ss = c->units[u].sites;
        const ps_home_server *own = ps_home_server_of(sv, nsv, c->units[u].home);
        for (size_t k = 0; k < ss->count && rc == 0; k++) {
            const ps_site *s = &ss->items[k];
            if (!ps_listener_exclusive(s))
                continue;
            long port = ps_listener_now(ss, s);
            bound_hit hit = {.unit = u, .site = k};
            for (size_t i = 0; i < socks.count && rc == 0; i++) {
                if (socks.items[i].port != port ||
                    ps_inode_in(own->inodes, own->ninodes, socks.items[i].inode))
                    continue;
                if (own->unreadable) {
                    hit.unknown_pid = own->pid;
                    continue;
                }
                if (push_index(&hit.sockets, &hit.nsockets, &hit.cap, i) < 0 ||
                    push_index(&foreign, &nforeign, &fcap, i) < 0)
                    rc = -1;
            }
            bound_hit *slot = NULL;
            if (rc == 0 && (hit.nsockets || hit.unknown_pid) &&
                !(slot = PS_TRY_PUSH(hits, nhits, hcap)))
                rc = -1;
            if (slot)
                *slot = hit;
            else
                free(hit.sockets);
        }
    }
    if (rc == 0)
        rc = ps_sockets_owners(&socks, foreign, nforeign, proc);
    for (size_t i = 0; i < nhits && rc == 0; i++)
        rc = listening_finding(b, &hits[i], &socks);
    for (size_t i = 0; i < nhits; i++)
        free(hits[i].sockets);
    free(hits);
    free(foreign);
    ps_home_servers_free(sv, nsv);
    ps_sockets_free(&socks);
    return rc < 0 ? ps_error_oom(err) : 0;
}
