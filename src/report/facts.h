/*
 * The facts of a host (schemas/facts.schema.json): its names, its homes
 * and runtimes with their active listeners, and every reference in their
 * files to any host, as one JSON document that other hosts' calls and
 * `fleet check` read. Built from the units of a host loaded with
 * ps_host_load_facts (so their sites carry every host:port, ps_hostref).
 */
#ifndef PS_REPORT_FACTS_H
#define PS_REPORT_FACTS_H

#include <stddef.h>

#include "base/strbuf.h"
#include "fleet/fleet.h" /* PS_FACTS_FORMAT: what its reader knows */
#include "model/model.h"

/* The names of the machine itself, found by the caller (the system's). */
typedef struct ps_facts_names {
    const char *hostname;       /* gethostname; NULL when unknown */
    const char *fqdn;           /* the resolver's canonical name; NULL when none other */
    const char *const *aliases; /* --host-name */
    size_t naliases;
} ps_facts_names;

/*
 * Appends the document of units[0..n) to `out` (a PS_STRBUF_INIT
 * buffer). 0, or -1 when out of memory: what was appended is cut short,
 * for the caller to drop.
 */
int ps_report_facts(ps_strbuf *out, const ps_unit *units, size_t n, const ps_facts_names *names);

#endif
