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
#include "sites/site.h"

/*
 * Classifies every port occurrence of runtime `rt`. The product version the
 * rules are chosen by is the one its config states, else `home_version` (a
 * profile of an EI home takes its home's), else what its files show, refined
 * by its folder's name.
 *
 * Reads cfg's XML files as far as each must be (ps_cfile_xml): a tree for
 * every file a rule of the product reads, a strict check for every file that
 * holds a scanned reference or placeholder, nothing past the bytes for a
 * file that can hold neither. A file refused on the way fails the call with
 * its path:line:col.
 */
int ps_sites_find(ps_sites *out, const ps_catalog *cat, const ps_runtime *rt, ps_config *cfg,
                  const char *home_version, ps_error *err);

enum {
    /* Also every reference to any host, this one or another, into
     * out->hostrefs (the facts of a host). The sites are the same with it:
     * XML files that may hold such a reference are read past their bytes,
     * nothing else changes. */
    PS_SITES_ALL_HOSTS = 1,
    /* With PS_SITES_ALL_HOSTS, for a call other hosts join (--with): each
     * reference to a host the local scan does not know, with a literal port,
     * is also a site (PS_SITE_REMOTE), and every scanned reference keeps its
     * host (ps_site.host). The local sites are the same with it. */
    PS_SITES_REMOTE = 2
};
/* ps_sites_find with `flags` (PS_SITES_*). */
int ps_sites_find_flags(ps_sites *out, const ps_catalog *cat, const ps_runtime *rt, ps_config *cfg,
                        const char *home_version, unsigned flags, ps_error *err);
void ps_sites_free(ps_sites *sites);

/*
 * Keeps of `cfg` only what the rest of a run needs once its sites are
 * found: the files that hold a site, with their names and a digest of their
 * bytes, but not the bytes (ps_cfile_drop); the files without a site go.
 * The sites point into the smaller `cfg` after. What a home holds from then
 * on is its sites, a few KiB, however large its files: so a host of
 * hundreds of homes fits in the memory of a few. -1 (nothing changed) when
 * out of memory.
 */
int ps_sites_settle(ps_sites *sites, ps_config *cfg);

/* The bytes that set a site to `value`: the number (a deployment.toml key
 * in the form it was written: 0x10 becomes 0x13), or for a key not set yet,
 * a whole key line (and its table's header when the file has none), marked
 * PS_TOML_MARK, in the file's line-ending style. Caller frees; NULL when out
 * of memory. */
char *ps_site_text(const ps_site *site, long value);

/*
 * The offset key `key` ("server.offset") of a deployment.toml, read by
 * TOML's rules however it is written ([server] offset, server.offset at the
 * root, quoted keys): *node is the integer, NULL when the key is absent.
 * -1 with path:line:col when its table is not a plain table (an inline
 * table, [[server]], a value) or the key is not an integer from 0 to 65535.
 */
int ps_sites_toml_offset(const ps_cfile *file, const char *key, const ps_toml_node **node,
                         ps_error *err);

#endif
