/*
 * The clash findings of a check, grouped by the homes whose listeners
 * collide (a pair, mostly; one home when two of its own listeners do): an
 * operator reads one block per pair of homes, naming every port they share,
 * instead of one block per port. The findings themselves stay as they are.
 */
#ifndef PS_REPORT_CLASHES_H
#define PS_REPORT_CLASHES_H

#include <stddef.h>

#include "base/strbuf.h"
#include "check/check.h"

typedef struct ps_clash_group {
    size_t *homes; /* indexes of c->units whose home comes first: the order named */
    size_t nhomes;
    const ps_finding **findings; /* borrowed from the check, in its order */
    size_t n;
} ps_clash_group;

typedef struct ps_clash_groups {
    ps_clash_group *items; /* in the order of their first finding */
    size_t count;
    size_t nclashes; /* clash findings in all */
} ps_clash_groups;

/* 0, or -1 when out of memory (nothing left to free). */
int ps_clash_groups_make(ps_clash_groups *out, const ps_check *c);
void ps_clash_groups_free(ps_clash_groups *g);
/* The group of clash finding `f`, or NULL when `f` is no clash. */
const ps_clash_group *ps_clash_group_of(const ps_clash_groups *g, const ps_finding *f);
/* "ports 9443 and 9763 are each opened by listeners of am and is" ("port
 * 9443 is opened by ..." for one). */
void ps_clash_group_message(ps_strbuf *out, const ps_check *c, const ps_clash_group *g);

#endif
