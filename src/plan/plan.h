/*
 * The plan: for every runtime in the call, its target offset; for every port
 * site, what happens to it. Listeners are never edited unless the catalog
 * says the product expects them written as base + offset (manual). A literal
 * local reference follows the listener it points at: the runtime that owns
 * that port now (model/owners.h) decides its new value, unless the owners
 * of that tier move apart (then it is ambiguous). A stale self reference is
 * left alone, and set to what its own listener needs when the call asks for
 * repair. A reference to another host (--with) is judged by that host's
 * facts (model/remote.h): stale, it is repaired the same way; else it stays.
 */
#ifndef PS_PLAN_PLAN_H
#define PS_PLAN_PLAN_H

#include <stddef.h>

#include <portshift/portshift.h>

#include "catalog/catalog.h"
#include "detect/detect.h"
#include "load/config.h"
#include "model/model.h"
#include "model/remote.h"
#include "sites/sites.h"

typedef enum ps_action {
    PS_ACT_KEEP,      /* stays as written */
    PS_ACT_SET,       /* rewritten to new_value */
    PS_ACT_UNOWNED,   /* a reference no runtime in the call listens on: left alone */
    PS_ACT_AMBIGUOUS, /* a reference several other homes listen on: left alone */
    PS_ACT_GENERATED, /* would move, but its file is rendered from deployment.toml */
    PS_ACT_STALE,     /* a stale self reference (plan.c), left alone without repair */
    PS_ACT_REMOTE     /* a remote site the other hosts' facts leave as it is (ps_plan.remotes) */
} ps_action;

typedef struct ps_decision {
    ps_action action;
    long now;       /* effective port now (listeners), or the value as written */
    long next;      /* effective port at the target (listeners), or the new value */
    int owner_unit; /* references: whose listener they follow, -1 when none */
    int owner_site;
    /* A stale self reference: it means listener owner_site of its own runtime,
     * which listens elsewhere now. Repaired (SET) when its unit asks for it. */
    int stale;
    /* A remote site (--with): 1 + the index of whom it means in
     * ps_plan.remotes; 0 for any other site. A stale one (ps_remote STALE)
     * has `stale` set too, and is repaired as a stale self reference is. */
    int remote;
} ps_decision;

typedef struct ps_edit {
    const ps_cfile *file;
    ps_span span; /* the bytes replaced; empty for an inserted line */
    int line, col;
    long old_value, new_value;
    char *text; /* what replaces the span */
    int unit, site;
    size_t home; /* the first unit of its home: edits go home by home, as named */
} ps_edit;

typedef struct ps_plan {
    const ps_unit *units; /* borrowed */
    size_t nunits;
    unsigned flags;          /* the call's ps_plan_options.flags */
    long *offset;            /* per unit: now */
    long *target;            /* per unit: after */
    ps_decision **decisions; /* per unit, per site */
    ps_edit *edits;          /* by home as named, then file, then position */
    size_t nedits;
    ps_diags warnings;
    const ps_with *with; /* the other hosts of the call (--with), or NULL; borrowed */
    ps_remote *remotes;  /* whom each remote site means (ps_decision.remote) */
    size_t nremotes;
} ps_plan;

/* What one call of the planner asks for beyond the units' targets: the
 * same units may be planned again with other options, and nothing of a
 * call is written into them. */
typedef struct ps_plan_options {
    unsigned flags; /* PS_PLAN_REPAIR: set each stale self reference to the port it means */
    /* batch's rewrites: per unit, per site, the port a fixed listener is
     * given instead of its own, or -1; NULL when none. Borrowed. */
    const long *const *fixed_port;
    /* The other hosts of the call (--with): its remote sites (PS_SITE_REMOTE)
     * follow what their facts say; NULL: none (remote sites stay as
     * written). Borrowed for the plan's life. */
    const ps_with *with;
} ps_plan_options;

/* Builds the plan of units[0..n) (borrowed for the plan's life) with `opts`
 * (NULL: none). -1 (nothing planned) when a target is out of range or
 * cannot be set: a port pushed past 65535, no offset setting to change;
 * PS_ENOMEM noted when out of memory. */
int ps_plan_make(ps_plan **out, const ps_unit *units, size_t n, const ps_plan_options *opts,
                 ps_error *err);
void ps_plan_free(ps_plan *plan);

/* "why" text of an edit, e.g. "follows servlet transport (Tomcat connector) 9443".
 * Caller frees; NULL when out of memory. */
char *ps_plan_why(const ps_plan *plan, const ps_edit *edit);

/* 1 when setting deployment.toml key site s of `unit` to `next` takes out
 * the line portshift added: back at what the product uses without the key
 * (the default offset, default.json's port), which gives the original bytes. */
int ps_key_taken_out(const ps_unit *unit, const ps_site *s, long next);

#endif
