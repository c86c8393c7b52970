/*
 * Inside the sites stage: the state of one ps_sites_find run, shared by
 * sites.c (rules, references, version) and toml_key.c (the keys portshift
 * sets in a deployment.toml: found however they are written, or where their
 * line would go);
 * finder.c keeps its bookkeeping.
 */
#ifndef PS_SITES_FINDER_H
#define PS_SITES_FINDER_H

#include "base/keyset.h"
#include "sites/site.h"

typedef struct finder {
    ps_sites *out;
    size_t cap;
    ps_config *cfg;
    const ps_catalog *cat;
    unsigned char *globs; /* per rule of cat: 1 when its file is a glob (sites.c) */
    ps_error *err;
    /* Spans a rule has already claimed, by (file, start): the first rule for an occurrence wins. */
    ps_keyset claims;
    /* Where role rules put a role: an element (and its descendants), an attribute or a property. */
    struct tag {
        const ps_cfile *file;
        int elem, attr; /* attr -1: the whole element; elem -1: property `prop` */
        size_t prop;
        const char *role;
    } * tags;
    size_t ntags, tcap;
    /* The deployment.toml offset rule, when its key is absent: where to add it. */
    const ps_rule *toml_offset_rule;
    const ps_cfile *toml_offset_file;
    /* PS_SITES_ALL_HOSTS: every host:port the scan reads goes to out->hostrefs
     * too; ref_* are the texts of the last file that held one (shared). */
    int all_hosts;
    int remote; /* PS_SITES_REMOTE (with all_hosts): remote references are sites too */
    size_t hcap, ncap;
    const ps_cfile *ref_file;
    const char *ref_path, *ref_rel;
} finder;

/* Marks the span at `start` of `file` as taken: the first rule for an
 * occurrence wins. 0, or -1 with f->err set when out of memory. */
int ps__claim(finder *f, const ps_cfile *file, size_t start);
/* A new site of f->out, positioned by the file's line index; NULL with
 * f->err set when out of memory. */
ps_site *ps__add_site(finder *f, ps_site_kind kind, const ps_cfile *file, ps_span span, long value);

/* The offset rule `r` applied to deployment.toml `file`: its site, or, when the
 * key is absent, a note of where it would go (f->toml_offset_rule). */
int ps__toml_offset(finder *f, const ps_rule *r, const ps_cfile *file);
/* The site where the absent offset key goes, once every rule has run. */
int ps__offset_insertion(finder *f);
/* Reference rule `r` (toml-key with toml-default) hit `span` of a generated
 * file: what the next start renders stands for it, never these bytes. Its
 * site is the key in deployment.toml (the key, or r->toml_default where to
 * add it); a placeholder default is no site, and a key the user wrote there
 * is a string the scan of deployment.toml reads. 1 when so (the span and the
 * references in it are claimed), 0 when the key cannot be set there (an
 * inline table, a value that is no port): the generated file's site stays.
 * `generated` is NULL for a config-only node, which lacks the file. */
int ps__toml_key(finder *f, const ps_rule *r, const ps_cfile *generated, ps_span span);

/* The -DportOffset sites of rt's start scripts (sites/start.c). */
int ps__start_sites(finder *f, const ps_runtime *rt);
/* Once the sites are sorted: out->config_offset, the start site that wins
 * (and a rival of its rank), and out->offset from it. */
void ps__start_choose(ps_sites *out);

/* Trims the span to its non-blank part; 1 when what remains is a port-sized
 * decimal number (stored in *value), -1 when it is a decimal number with more
 * digits than any port or offset has, 0 when it is not a decimal number. */
int ps_span_number(const char *data, ps_span *span, long *value);

#endif
