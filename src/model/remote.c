#include "model/remote.h"

#include <strings.h>

/* 1 when `host` names this machine: its own names, or one a home of the
 * call configures (carbon.xml HostName, [server] hostname). */
static int own_name(const ps_with *w, const ps_unit *units, size_t n, const char *host)
{
    for (size_t i = 0; i < w->nnames; i++)
        if (w->names[i] && strcasecmp(host, w->names[i]) == 0)
            return 1;
    for (size_t u = 0; u < n; u++) {
        const ps_strlist *names = &units[u].sites->hostnames;
        for (size_t k = 0; k < names->count; k++)
            if (strcasecmp(host, names->items[k]) == 0)
                return 1;
    }
    return 0;
}

void ps_remote_of(ps_remote *out, const ps_with *w, const ps_unit *units, size_t n,
                  const ps_site *s)
{
    *out = (ps_remote){.kind = PS_REMOTE_LOCAL, .should = -1};
    if (!w || !w->fleet || !s->host || ps_fleet_loopback(s->host))
        return;
    int remote = s->kind == PS_SITE_REMOTE;
    if (!remote && s->kind != PS_SITE_REFERENCE)
        return;
    ps_fleet_resolve(out, w->fleet, SIZE_MAX, s->host, s->value, s->role);
    if (remote && !own_name(w, units, n, s->host))
        return;
    /* This host's name: another host claiming it too makes it ambiguous. */
    size_t claims = out->kind == PS_REMOTE_AMBIGUOUS                                 ? out->nclaims
                    : out->kind == PS_REMOTE_UNKNOWN || out->kind == PS_REMOTE_LOCAL ? 0
                                                                                     : 1;
    *out = (ps_remote){.kind = PS_REMOTE_LOCAL, .should = -1};
    if (claims) {
        out->kind = PS_REMOTE_AMBIGUOUS;
        out->nclaims = claims + 1;
    }
}
