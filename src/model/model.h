/*
 * The port model, one for every command: which ports a
 * runtime opens at a given offset, and which runtimes of a call own a port.
 * Every command asks it, so the arithmetic of auto, manual and fixed
 * listeners is written once: the planner for targets, `ports` and `check`
 * for the state as it is, `batch` for candidate offsets.
 *
 * A port pushed outside 1..65535 is a property of the candidate offset (it
 * cannot be used), not an error of the call: the caller decides whether
 * that refuses a target or only rules a candidate out.
 */
#ifndef PS_MODEL_MODEL_H
#define PS_MODEL_MODEL_H

#include <stddef.h>

#include "base/error.h"
#include "catalog/catalog.h"
#include "detect/detect.h"
#include "load/config.h"
#include "sites/sites.h"

#define PS_PORT_MAX 65535L

/*
 * One runtime of one home, with what the caller asked for. A target for the
 * home moves its main runtime there and every other runtime of the home by
 * the same amount (EI 6.x profiles keep their spacing); a target for the
 * runtime itself wins over that.
 */
typedef struct ps_unit {
    const ps_home *home;
    const ps_runtime *rt;
    const ps_config *cfg;
    const ps_sites *sites;
    int has_target; /* for this runtime */
    long target;
    int home_has_target; /* for its home */
    long home_target;
} ps_unit;

/*
 * What is odd about runtime `unit` as its files are, whatever a command
 * does with it, appended to `w`: its product version unknown (so the
 * version-specific rules were skipped), a generated <Offset> that
 * deployment.toml no longer agrees with. 0, or -1 when out of memory.
 */
int ps_unit_warnings(ps_diags *w, const ps_unit *unit);

/*
 * The port listener `l` opens when its runtime runs at `offset`, its files
 * being written for offset `current`: auto, base + offset; manual (written
 * by hand as base + current), value + (offset - current); fixed, the value.
 * May lie outside 1..65535: see ps_port_usable.
 */
long ps_listener_port(const ps_site *l, long current, long offset);

/* The port listener `l` of `sites` opens now, at its runtime's offset. */
static inline long ps_listener_now(const ps_sites *sites, const ps_site *l)
{
    return ps_listener_port(l, sites->offset, sites->offset);
}

/* The names reports and the public API give: "auto", "manual", "fixed";
 * "xml", "toml", or "yaml" for a Carbon 5 runtime (no offset). */
const char *ps_shift_name(ps_shift shift);
const char *ps_mode_name(const ps_runtime *rt);

/* 1 when `port` is a TCP port a server can listen on (1..65535). */
int ps_port_usable(long port);

/* Fails (-1, PS_ERANGE at the listener, else at its home) for listener `l`
 * of `unit`, which `offset` moves to `port`, outside 1..65535: a runtime
 * cannot run there, whether that is its target or where it is now. */
int ps_listener_range_error(ps_error *err, const ps_unit *unit, const ps_site *l, long offset,
                            long port);

/* 1 when listener site `s` opens a port no other server may open: active,
 * and not a port the servers of a host share (a multicast group's). Only
 * these clash, and only these `batch` keeps apart. */
int ps_listener_exclusive(const ps_site *s);

/* One listener at a candidate offset. */
typedef struct ps_listener_at {
    size_t site; /* index into the runtime's sites */
    long port;   /* effective port at the offset */
} ps_listener_at;

/* Every listener of one runtime at one offset, in site order. */
typedef struct ps_listeners {
    ps_listener_at *items;
    size_t count;
    long offset;
    /* 0 when some port lies outside 1..65535: the offset cannot be used;
     * `bad` is then the index (into items) of the first such listener. */
    int usable;
    size_t bad;
} ps_listeners;

/* The listeners of `sites` (active or not, built in or not) at `offset`.
 * 0, or -1 (*out empty) when out of memory. */
int ps_listeners_at(ps_listeners *out, const ps_sites *sites, long offset);
void ps_listeners_free(ps_listeners *l);

/*
 * The listener of `sites` that a literal `value` means when it is read as
 * written for one of offsets[0..n) (the runtime's listener ports at offset 0
 * or at its product's default: WSO2 ships a redirectPort of 9443 in profiles
 * that run at offset 3). Active listeners are preferred; -1 when no listener
 * has that port, or when the ones that do would move differently (then the
 * value says nothing certain).
 */
int ps_listener_meant(const ps_sites *sites, long value, const long *offsets, size_t n);

/*
 * Every listener of a call by its effective port, so that the owners of a
 * port are found by binary search, not by a scan of every site of every
 * runtime. Sorted by (port, unit, site): the candidates of a port come in
 * the order the ownership rules are written for (units in the order the
 * homes were named).
 */
typedef struct ps_port_entry {
    long port;
    int unit, site;
} ps_port_entry;

typedef struct ps_port_index {
    ps_port_entry *items;
    size_t count;
} ps_port_index;

enum { PS_INDEX_ACTIVE = 1 }; /* only exclusive listeners (ps_listener_exclusive): clashes */

/* Indexes the listeners of units[0..n), unit u at offsets[u]. 0, or -1
 * (*ix empty) when out of memory. */
int ps_port_index_build(ps_port_index *ix, const ps_unit *units, size_t n, const long *offsets,
                        unsigned flags);
/* The same with every unit at the offset it runs at now. */
int ps_port_index_now(ps_port_index *ix, const ps_unit *units, size_t n, unsigned flags);
/* The entries at `port`: items[*lo, *hi). */
void ps_port_index_find(const ps_port_index *ix, long port, size_t *lo, size_t *hi);
void ps_port_index_free(ps_port_index *ix);

#endif
