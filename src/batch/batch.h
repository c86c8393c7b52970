/*
 * `batch`: an offset for every home of a call such that the
 * ports their runtimes open are pairwise disjoint, avoid the ports the
 * caller names and (with the host's socket tables) the ports already
 * listening on this host; built as data (ps_batch, public in the header as
 * an opaque handle with accessors) and rendered by report/report.h.
 *
 * The homes are placed one by one in the order they were named. A home
 * keeps its current offset when it fits among the homes placed before it;
 * otherwise it gets the smallest offset from `first` on that fits. A home
 * moves all its runtimes by one amount (EI profiles keep their spacing);
 * Carbon 5 profiles stay where they are. "Fits": at that offset, every
 * exclusive listener (ps_listener_exclusive) that the offset moves opens a
 * port no earlier home opens, that is not avoided nor listening, and that
 * none of the home's other listeners opens; no port, active or not, passes
 * 65535 and no runtime goes below offset 0. Placing homes in order is what
 * makes the answer stable: adding a home at the end moves no other. A home
 * that must move also keeps clear of the fixed ports of the homes named
 * after it when some offset allows, so that theirs need no rewrite.
 *
 * A fixed listener (Hazelcast's member port, a pinned literal, a Carbon 5
 * port) moves with no offset. When it still collides after its home is
 * placed, it gets the smallest free port above its own: a rewrite that
 * batch reports, planned as an edit of its literal, or, in a file rendered
 * from deployment.toml, a note naming the key to set instead.
 */
#ifndef PS_BATCH_BATCH_H
#define PS_BATCH_BATCH_H

#include <stddef.h>

#include <portshift/portshift.h>

#include "model/model.h"

typedef struct ps_batch_home {
    const ps_home *home;
    size_t first, count; /* its units: units[first, first + count) */
    long current;        /* its main runtime's offset now */
    long offset;         /* the one it gets */
    char *reason;        /* why it moves: what its current offset meets; NULL when kept */
} ps_batch_home;

struct ps_batch {
    ps_unit *units; /* copies of the host's, with the targets and rewrites of the answer */
    size_t nunits;
    long **fixed_port; /* per unit, per site: the port a fixed listener is rewritten to, or -1 */
    long *offset;      /* per unit: the offset it gets */
    ps_batch_home *homes;
    size_t nhomes;
    ps_rewrite *rewrites; /* in the order the homes were named, then by site */
    size_t nrewrites, rewrites_cap;
    long first;
    ps_port_range *avoid;
    size_t navoid;
    int listening;
    char **owned; /* strings the rewrites point at */
    size_t nowned, owned_cap;
};

/*
 * Chooses the offsets for units[0..n) (borrowed, with what they borrow, for
 * the life of the batch). With `proc` (the procfs mount, "/proc") the ports
 * listening on this host count as taken, except for a home those of its own
 * running server. -1 when some home fits at no offset, naming the home and
 * why, or when the options or the socket tables are wrong.
 */
int ps_batch_make(ps_batch **out, const ps_unit *units, size_t n, const ps_batch_options *opts,
                  const char *proc, ps_error *err);

#endif
