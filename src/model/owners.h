/*
 * Who owns a literal local reference (DESIGN §1, "Ownership rule"): the
 * listener of the call that the reference points at, as the homes are now.
 * The planner, `check` and (through its plan) `batch` ask this one answer,
 * so none of them needs another's decisions to know it.
 *
 * Candidates are every listener of the call, active or not, at the
 * reference's port at the current offsets, in tiers: 0 its own runtime,
 * 1 another runtime of its home, 2 another home. A role (the reference names
 * another kind of server) rules its own runtime out and keeps only runtimes
 * that play the role; owner="self" keeps only its own runtime. The first
 * tier with a candidate decides. Nobody listening there: the reference is
 * unowned, or, in exactly the two cases of DESIGN §1, a stale self reference.
 *
 * Whether the candidates of the deciding tier move together is a question
 * of targets, which the planner answers (it makes the reference ambiguous
 * when they move apart); `check`, which has no targets, calls it ambiguous
 * when the candidates belong to several other homes.
 */
#ifndef PS_MODEL_OWNERS_H
#define PS_MODEL_OWNERS_H

#include <stddef.h>

#include "model/model.h"

typedef enum ps_ref_owner_kind {
    PS_OWNER_NONE,     /* no candidate listens on its port, and it is not stale */
    PS_OWNER_LISTENER, /* candidates of `tier` listen on its port */
    PS_OWNER_STALE     /* a stale self reference: it means listener `site` of its own runtime */
} ps_ref_owner_kind;

typedef enum ps_owner_tier {
    PS_TIER_NONE = -1, /* not a candidate */
    PS_TIER_SELF = 0,
    PS_TIER_HOME = 1, /* another runtime of its home */
    PS_TIER_OTHER = 2 /* another home */
} ps_owner_tier;

typedef struct ps_ref_owner {
    ps_ref_owner_kind kind;
    ps_owner_tier tier; /* LISTENER: the tier that decides; STALE: PS_TIER_SELF */
    /* The listener named: of the deciding tier's candidates, an open one
     * before one that is not, then the first by home path, runtime and
     * place (never by the order the homes were named in, so that the plan
     * of a home does not depend on it). STALE: its own unit and the
     * listener meant. -1 for NONE. */
    int unit, site;
    size_t candidates; /* LISTENER: how many listeners of the deciding tier */
    int homes;         /* LISTENER: how many homes those belong to */
    size_t lo, hi;     /* the index entries at its port (ps_owners.index): all tiers */
} ps_ref_owner;

/*
 * The owners of one call: its units and every listener by its port now.
 * It remembers the last answer per port, so the references of one file to
 * one port are answered once, however many listeners share the port.
 */
typedef struct ps_owners {
    const ps_unit *units; /* borrowed */
    size_t nunits;
    ps_port_index index; /* every listener at its runtime's current offset */
    struct ps_owner_memo *memo;
} ps_owners;

/* 0, or -1 (*o empty, ps_owners_free is safe) when out of memory. */
int ps_owners_init(ps_owners *o, const ps_unit *units, size_t n);
void ps_owners_free(ps_owners *o);

/* Who owns reference site `i` of unit `u`. */
void ps_owners_find(ps_ref_owner *out, ps_owners *o, size_t u, size_t i);

/* The tier of runtime v as a candidate owner of reference `ref` of unit u,
 * or PS_TIER_NONE when a role or owner="self" rules it out. */
ps_owner_tier ps_owner_tier_of(const ps_unit *units, size_t u, size_t v, const ps_site *ref);

#endif
