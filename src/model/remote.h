/*
 * Whom a reference to another host means, when other hosts join a call
 * (`--with FACTS.json`): their facts answer (fleet/fleet.h), as the homes
 * of the call answer for a local reference (model/owners.h). The local
 * model never asks: owners, clashes and batch see only the call's homes.
 *
 * A name this host has too (its hostname or FQDN, a name a home of the call
 * configures) that another host's facts claim is ambiguous: hosts on one
 * machine share its hostname, so nothing tells which of them it means.
 */
#ifndef PS_MODEL_REMOTE_H
#define PS_MODEL_REMOTE_H

#include <stddef.h>

#include "fleet/fleet.h"
#include "model/model.h"

/* The other hosts of a call and the names of this one; all borrowed. */
typedef struct ps_with {
    const ps_fleet *fleet;
    const char *const *names; /* this machine's hostname and FQDN (NULL entries allowed) */
    size_t nnames;
} ps_with;

/*
 * Whom site `s` of units[0..n) means among the other hosts. A remote site
 * (PS_SITE_REMOTE): ps_fleet_resolve with no self, unless its name is this
 * host's too. A scanned local reference with its host (ps_site.host): its
 * name is this host's (a loopback name or one a home configures), so it is
 * PS_REMOTE_LOCAL unless another host claims the name too (AMBIGUOUS). Any
 * other site: PS_REMOTE_LOCAL. AMBIGUOUS counts this host in nclaims.
 */
void ps_remote_of(ps_remote *out, const ps_with *w, const ps_unit *units, size_t n,
                  const ps_site *s);

/* The label of the host a resolution names (OWNED, STALE, NOBODY). */
static inline const char *ps_remote_label(const ps_with *w, const ps_remote *r)
{
    return w->fleet->hosts[r->host].label;
}

#endif
