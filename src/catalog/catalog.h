/*
 * The port catalog: products (how to recognise them) and rules (which file
 * and node holds which kind of port), loaded from catalog/catalog.xml, which
 * the build embeds in the binary.
 */
#ifndef PS_CATALOG_CATALOG_H
#define PS_CATALOG_CATALOG_H

#include <stddef.h>

#include <portshift/portshift.h>

#include "parse/xmldoc.h"

typedef enum ps_rule_kind {
    PS_RULE_VERSION,
    PS_RULE_OFFSET,
    PS_RULE_HOSTNAME,
    PS_RULE_LISTENER,
    PS_RULE_REFERENCE,
    PS_RULE_ROLE,
    PS_RULE_BUILTIN,
    PS_RULE_STORED /* a port the product keeps in its database: a note when the home moves */
} ps_rule_kind;

/* How a listener's port relates to the offset. */
typedef enum ps_shift {
    PS_SHIFT_AUTO,   /* Carbon adds the offset at runtime: the file holds the base */
    PS_SHIFT_MANUAL, /* written literally as base + offset: portshift moves it */
    PS_SHIFT_FIXED   /* never offset */
} ps_shift;

/* Which folder of a runtime a rule's file glob is relative to. */
/* PS_ROOT_BIN: a runtime's start scripts (detect/scripts.h); no rule names them. */
typedef enum ps_root { PS_ROOT_CONF, PS_ROOT_DEPLOYMENT, PS_ROOT_BIN } ps_root;

typedef struct ps_strlist {
    char **items;
    size_t count;
} ps_strlist;

typedef struct ps_product {
    char *id;
    char *name;
    /* Paths relative to the home; any one marker present identifies it (a marker
     * naming several paths, space-separated, needs all of them). */
    ps_strlist markers;
    ps_strlist weak_markers; /* shared with another product: weighed after strong markers */
    ps_strlist toml_markers; /* globs over the tables of the home's deployment.toml */
    ps_strlist name_markers; /* carbon.xml /Server/Name, exactly: decides before any other */
    ps_strlist dir_prefix;   /* zip folder names: "wso2am" for wso2am-2.6.0 */
    ps_strlist roles;        /* roles this product plays for references (e.g. analytics) */
    long default_offset;     /* the offset when none is set (Micro Integrator: 10) */
    int profile_only;        /* a runtime inside another product's home, never a home itself */
    /* Further runtimes of the home: folder (relative to the home), product id,
     * and the file (relative to the folder) that shows a Carbon 5 runtime, or NULL. */
    ps_strlist profile_paths;
    ps_strlist profile_products;
    ps_strlist profile_carbon5;
} ps_product;

/* Which homes a rule is for: carbon.xml holds the offset, or deployment.toml does. */
typedef enum ps_rule_mode { PS_RULE_ANY_MODE, PS_RULE_XML_MODE, PS_RULE_TOML_MODE } ps_rule_mode;

typedef struct ps_rule {
    ps_rule_kind kind;
    ps_rule_mode mode;
    int line;             /* in the catalog, for messages */
    ps_strlist products;  /* empty: every product */
    char *since, *before; /* version bounds, [since, before); NULL: open */
    char *source;
    ps_root root;
    char *file;  /* glob relative to the root */
    char *match; /* XPath, for XML files */
    char *key;   /* key glob: .properties keys, or table.key in deployment.toml */
    ps_shift shift;
    int active;
    /* listener: a port the servers of one host open together (a multicast
     * group's port, bound with SO_REUSEADDR): never a clash */
    int shared;
    /* listener, builtin: the runtime's main HTTPS port (https="main") */
    int https_main;
    char *active_file, *active_if;
    char *what;
    char *role;
    /* role, in a deployment.toml: each element of the array of tables `scope`
     * ("apim.gateway.environment") is judged as a whole, with its sub-tables;
     * an element where one of `unless_keys` has a value (unquoted) matching the
     * glob `unless_value` is the server's own and gets no role. NULL, empty:
     * every entry the key matches has the role. */
    char *scope, *unless_value;
    ps_strlist unless_keys;
    int self_only; /* reference: owner="self", only its own runtime may own it */
    /* reference: the deployment.toml key that renders it where its file is
     * generated (toml mode), "table.key"; NULL when unknown */
    char *toml_key;
    /* reference: the port the product renders when toml_key is absent (its
     * default.json value), 0 when that is a ${...} placeholder; -1 when
     * unknown. With it, toml mode judges the generated file by the key, and
     * portshift writes the key (sites). */
    long toml_default;
    long port;   /* builtin */
    char *shows; /* version: the earliest version whose files hold this entry */
    char *value; /* version: a glob the entry's (unquoted) value must match */
    ps_root unless_root;
    char *unless_file, *unless_match;
    /* match, active_if and unless_match compiled when the catalog is loaded
     * (NULL where the rule has none), for every file of every home. */
    struct {
        ps_xpath *match, *active_if, *unless_match;
    } xpath;
} ps_rule;

typedef struct ps_catalog {
    char *version;        /* the rules' version (<catalog version="...">) */
    ps_product *products; /* in priority order: the first whose marker exists wins */
    size_t nproducts;
    ps_rule *rules; /* in priority order: for one port occurrence the first match wins */
    size_t nrules;
} ps_catalog;

/* Loads a catalog from XML bytes. */
int ps_catalog_load(ps_catalog **out, const char *data, size_t len, ps_error *err);
/* Loads the catalog built into the binary. */
int ps_catalog_builtin(ps_catalog **out, ps_error *err);
void ps_catalog_free(ps_catalog *cat);

/* 1 when `rule` holds for this product and version ("" = unknown version:
 * then only rules without version bounds hold). */
int ps_rule_applies(const ps_rule *rule, const char *product, const char *version);

/* The length of the leading version of s (5: "2.6.0" of "2.6.0_docker" or of
 * "2.6.0-SNAPSHOT"), 0 when s does not start with a digit (a build token:
 * "${product.version}"); the caller copies it if it needs it. */
size_t ps_version_prefix_len(const char *s);

/* Compares dotted version strings numerically ("2.10" > "2.9"). */
int ps_version_cmp(const char *a, const char *b);

int ps_strlist_has(const ps_strlist *l, const char *s);

const ps_product *ps_catalog_product(const ps_catalog *cat, const char *id);

#endif
