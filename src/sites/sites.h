/*
 * Every port occurrence of one runtime, classified: the offset setting,
 * listeners (with how they shift and whether they are open), literal local
 * references (with the role of the server they point at, when the catalog
 * knows it) and placeholder ports. The catalog's rules say where to look;
 * a scan of all text finds the references no rule names.
 */
#ifndef PS_SITES_SITES_H
#define PS_SITES_SITES_H

#include <stddef.h>

#include "catalog/catalog.h"
#include "detect/detect.h"
#include "load/config.h"

typedef enum ps_site_kind {
    PS_SITE_OFFSET,
    PS_SITE_LISTENER,
    PS_SITE_REFERENCE,
    PS_SITE_PLACEHOLDER
} ps_site_kind;

typedef struct ps_site {
    ps_site_kind kind;
    const ps_cfile *file; /* NULL for a listener the product opens with no config entry */
    ps_span span;         /* the digits (or the ${...} of a placeholder) */
    int line, col;
    long value;         /* the number as written; a builtin's base port */
    ps_shift shift;     /* listeners */
    int active;         /* listeners: the feature is switched on */
    const char *what;   /* from the catalog; NULL for a scanned reference */
    const char *role;   /* references: the role of the server pointed at, or NULL */
    int self_only;      /* references: only its own runtime may own it */
    const char *source; /* the catalog rule's citation; NULL for a scanned reference */
    int insert;         /* offset: not set yet; span is where a key line would go */
} ps_site;

typedef struct ps_sites {
    ps_site *items;
    size_t count;
    int offset_site; /* index of the offset setting, -1 when the runtime has none */
    long offset;     /* the current offset (the product's default when not set) */
    /* toml mode: the <Offset> of the generated carbon.xml, -1 when there is none;
     * it should agree with deployment.toml until the next start re-renders it. */
    long generated_offset;
    const ps_site *generated_offset_site;
    ps_strlist hostnames;
    char *version; /* the product version the rules were chosen by; "" when unknown */
} ps_sites;

/*
 * Classifies every port occurrence of runtime `rt`. The product version the
 * rules are chosen by is the one its config states, else `home_version` (a
 * profile of an EI home takes its home's), else its folder's name.
 */
int ps_sites_find(ps_sites *out, const ps_catalog *cat, const ps_runtime *rt, const ps_config *cfg,
                  const char *home_version, ps_error *err);
void ps_sites_free(ps_sites *sites);

/* The bytes that set an offset site to `value`: the digits, or for an
 * offset not set yet, a whole "offset = N" line (and a [server] header when
 * the file has none), in the file's line-ending style. Caller frees. */
char *ps_site_text(const ps_site *site, long value);

/* Ports and offsets have at most 5 digits (65535). */
#define PS_PORT_DIGITS 5

/* Trims the span to its non-blank part; 1 when what remains is a port-sized
 * decimal number (stored in *value), -1 when it is a decimal number with more
 * digits than any port or offset has, 0 when it is not a decimal number. */
int ps_span_number(const char *data, ps_span *span, long *value);

#endif
