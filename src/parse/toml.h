/*
 * A deployment.toml as portshift sees it: where each key's value sits, the
 * spans of every string literal (where literal URLs live), and where each
 * table begins and ends (to insert a key). A scanner for the TOML that WSO2
 * ships, not a full TOML implementation: it knows tables, array tables,
 * dotted and quoted keys, the four string forms, arrays, inline tables and
 * comments, and refuses what it cannot follow with path:line:col.
 */
#ifndef PS_PARSE_TOML_H
#define PS_PARSE_TOML_H

#include <stddef.h>

#include <portshift/portshift.h>

#include "parse/xmldoc.h"

typedef struct ps_toml_entry {
    char *table;       /* "server", "apim.gateway.environment"; "" before any header */
    char *key;         /* the key as written, dotted parts joined by '.' */
    ps_span value;     /* the raw value */
    size_t line_start; /* where the key's line begins */
    size_t line_end;   /* just past the end of the value's last line (after its newline) */
} ps_toml_entry;

typedef struct ps_toml_string {
    ps_span inner; /* between the quotes, escapes as written */
    size_t entry;  /* the entry whose value holds it */
} ps_toml_string;

typedef struct ps_toml_table {
    char *name;
    int array;         /* [[name]] */
    size_t header_end; /* just past the header line (after its newline) */
    size_t body_end;   /* where the next header starts, or the end of the file */
} ps_toml_table;

typedef struct ps_toml {
    ps_toml_entry *entries;
    size_t nentries;
    ps_toml_string *strings;
    size_t nstrings;
    ps_toml_table *tables;
    size_t ntables;
    int crlf; /* the file's lines end in CRLF */
} ps_toml;

int ps_toml_parse(ps_toml *t, const char *path, const char *data, size_t len, ps_error *err);
void ps_toml_free(ps_toml *t);

/* The first entry `key` of table `table`, or NULL. */
const ps_toml_entry *ps_toml_get(const ps_toml *t, const char *table, const char *key);
/* The first (non-array) table named `name`, or NULL. */
const ps_toml_table *ps_toml_table_get(const ps_toml *t, const char *name);

#endif
