/*
 * The findings of `check`, built as data
 * (ps_finding, in the public header) and rendered by report/report.h:
 *
 * - clash: two active listeners open one port at the current offsets;
 * - listening: an active listener's port is already bound on this host, by
 *   something other than its home's own running server;
 * - stale: a stale self reference (model/owners.h);
 * - ambiguous: a reference that listeners of several other homes own;
 * - notes: unowned references, stale ones inside files rendered from
 *   deployment.toml (naming the key that would fix them), and ports bound
 *   perhaps by the home's own server when its sockets cannot be read.
 *
 * With other hosts in the call (--with, model/remote.h), a reference to one
 * of them at a port nobody there listens on, whose owner listens elsewhere
 * now, is stale too (a finding `apply --repair` fixes); one to a name no
 * host has, several hosts have, or at a port nothing there means, a note.
 */
#ifndef PS_CHECK_CHECK_H
#define PS_CHECK_CHECK_H

#include <stddef.h>

#include <portshift/portshift.h>

#include "model/model.h"
#include "model/remote.h"

struct ps_check {
    ps_finding *items; /* findings, then notes */
    size_t count;
    size_t nfindings;
    size_t nstale; /* stale findings: what `apply --repair` fixes */
    /* The homes as they are: the units (borrowed; their targets are not
     * read) and what is odd about them (ps_unit_warnings). */
    const ps_unit *units;
    size_t nunits;
    ps_diags warnings;
    char **owned; /* strings the findings point at */
    size_t nowned, owned_cap;
    const ps_with *with; /* the other hosts of the call (--with), or NULL; borrowed */
};

/*
 * Judges units[0..n) (borrowed, with what they borrow, for the life of the
 * check) at their current offsets; their targets play no part. With `proc`
 * (the procfs mount, "/proc") also the ports bound on this host. -1 when a
 * port of a runtime lies outside 1..65535 as it is (ps_listener_range_error),
 * the socket tables cannot be read, or out of memory (ps_error_oom:
 * nothing is left allocated).
 */
int ps_check_make(ps_check **out, const ps_unit *units, size_t n, const char *proc, ps_error *err);
/* ps_check_make with the other hosts of the call (`with`, borrowed for the
 * life of the check; NULL: none): the units' remote sites are judged too. */
int ps_check_make_with(ps_check **out, const ps_unit *units, size_t n, const char *proc,
                       const ps_with *with, ps_error *err);

/*
 * The sockets of the running servers of one home (wso2carbon.pid naming a
 * live process, at the home's root or in a runtime's folder for an EI
 * profile started on its own): a port they hold is no finding for that
 * home, and no obstacle to it in `batch --listening`.
 */
typedef struct ps_home_server {
    const ps_home *home;
    long pid;              /* a running server's pid, 0 when none runs */
    int unreadable;        /* a running server whose open files cannot be read */
    unsigned long *inodes; /* its sockets, sorted */
    size_t ninodes;
} ps_home_server;

/* One per home of units[0..n) (read under `proc`), in the order first
 * named: *count of them in *out, to free with ps_home_servers_free. -1
 * (*out NULL, *count 0) when out of memory. */
int ps_home_servers(ps_home_server **out, size_t *count, const ps_unit *units, size_t n,
                    const char *proc);
const ps_home_server *ps_home_server_of(const ps_home_server *sv, size_t count,
                                        const ps_home *home);
void ps_home_servers_free(ps_home_server *sv, size_t count);

/* A port site in a file rendered from deployment.toml that should be
 * `should`: what to set in deployment.toml instead (the catalog's toml key
 * when it has one, else the element that the key renders). Caller frees;
 * NULL when out of memory. */
char *ps_generated_fix(const ps_site *site, long should);

#endif
