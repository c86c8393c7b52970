/*
 * `fleet check` as data: every host's references to other hosts' names,
 * resolved against the others (ps_fleet_resolve with self = that host),
 * as the findings and notes of the public ps_fleet_check. The printers
 * (report/fleet.c) only read it.
 */
#ifndef PS_FLEET_SURVEY_H
#define PS_FLEET_SURVEY_H

#include <stddef.h>

#include <portshift/portshift.h>

#include "base/strbuf.h"
#include "fleet/fleet.h"

struct ps_fleet_check {
    ps_catalog *cat;
    ps_fleet fleet;
    ps_fleet_finding *items; /* findings, then notes */
    size_t count, nfindings;
    char **messages; /* items[i].message, owned */
};

/* Judges every host of `check->fleet` into check->items. 0, or -1 when out
 * of memory (the items as they were: none). Linear in the references, each
 * name looked up in O(log names). */
int ps_fleet_survey(ps_fleet_check *check, ps_error *err);
void ps_fleet_survey_free(ps_fleet_check *check);

/* "HOST:PATH:LINE:COL" of item f (HOST alone without a path). */
void ps_fleet_item_name(ps_strbuf *out, const ps_fleet_finding *f);

#endif
