/*
 * A deployment.toml as portshift sees it, read by the rules of TOML 1.0:
 * a document TOML rejects (a duplicate key, a table defined twice, a dotted
 * key into a closed table, a malformed number, escape, string or date,
 * invalid UTF-8, a control character, stray text) is refused with
 * path:line:col of the offending byte.
 *
 * Two views of one parse. The byte view is what lets portshift splice:
 * every top-level key/value line with its raw value span, the inner span of
 * every string literal (where literal URLs live), every [table] header with
 * where its body ends (to insert a key). The tree is what TOML means: each
 * key, table and value as a node, so that `[server] offset` is found however
 * it is written and its type and integer value are known.
 */
#ifndef PS_PARSE_TOML_H
#define PS_PARSE_TOML_H

#include <stddef.h>
#include <stdint.h>

#include <portshift/portshift.h>

#include "parse/xmldoc.h"

/* "No such index" in the fields below that hold one. */
#define PS_TOML_NONE ((size_t)-1)

typedef struct ps_toml_entry {
    char *table;       /* "server", "apim.gateway.environment"; "" before any header */
    char *key;         /* the key, dotted parts joined by '.' (quoted parts decoded) */
    ps_span value;     /* the raw value */
    size_t line_start; /* where the key's line begins */
    size_t line_end;   /* just past the end of the value's last line (after its newline) */
} ps_toml_entry;

typedef struct ps_toml_string {
    ps_span inner; /* between the quotes, escapes as written */
    size_t entry;  /* the entry whose value holds it */
} ps_toml_string;

typedef struct ps_toml_table {
    char *name;        /* parts joined by '.' */
    int array;         /* [[name]] */
    size_t header_end; /* just past the header line (after its newline) */
    size_t body_end;   /* where the next header starts, or the end of the file */
} ps_toml_table;

typedef enum ps_toml_type {
    PS_TOML_TABLE,
    PS_TOML_TABLE_ARRAY, /* [[name]]: its children are the tables */
    PS_TOML_ARRAY,       /* a [ ... ] value */
    PS_TOML_STRING,
    PS_TOML_INTEGER,
    PS_TOML_FLOAT,
    PS_TOML_BOOL,
    PS_TOML_DATETIME,       /* offset date-time */
    PS_TOML_DATETIME_LOCAL, /* date and time, no offset */
    PS_TOML_DATE_LOCAL,
    PS_TOML_TIME_LOCAL
} ps_toml_type;

/* How a table came to be; it decides what may still be added to it. */
typedef enum ps_toml_origin {
    PS_TOML_HEADER,   /* [name], an element of [[name]], or the root */
    PS_TOML_IMPLICIT, /* a parent named by a header ([a] of [a.b]), not defined itself */
    PS_TOML_DOTTED,   /* made by a dotted key: a.b = 1 makes table a */
    PS_TOML_INLINE    /* { ... }, or a table a dotted key made inside one: closed */
} ps_toml_origin;

typedef struct ps_toml_node {
    ps_toml_type type;
    ps_toml_origin origin; /* tables */
    char *key;             /* decoded; NULL for the root and array elements */
    size_t key_len;        /* a quoted key may hold a NUL */
    size_t parent;         /* node index; the root (node 0) is its own parent */
    size_t first, next;    /* first child, next sibling; 0 when none (the root is no child) */
    size_t at;             /* where its key (or, for an array element, its value) begins */
    ps_span value;         /* values: the raw bytes, quotes included */
    size_t entry;          /* the entry it was written in; PS_TOML_NONE for headers */
    size_t table;          /* tables made by a header: its index in tables, else PS_TOML_NONE */
    int64_t integer;       /* PS_TOML_INTEGER */
    char *text;            /* PS_TOML_STRING: decoded, NUL-terminated */
    size_t text_len;
} ps_toml_node;

typedef struct ps_toml {
    ps_toml_entry *entries;
    size_t nentries;
    ps_toml_string *strings;
    size_t nstrings;
    ps_toml_table *tables;
    size_t ntables;
    ps_toml_node *nodes; /* nodes[0] is the root table */
    size_t nnodes;
    size_t *slots; /* hash of (parent, key) -> node, for duplicate checks and lookups */
    size_t nslots;
    int crlf; /* the file's lines end in CRLF */
} ps_toml;

/* 0 and a filled record, or -1 with `err` set (when not NULL) and an empty record. */
int ps_toml_parse(ps_toml *t, const char *path, const char *data, size_t len, ps_error *err);
void ps_toml_free(ps_toml *t);

/* The child `key` (`len` bytes) of table node `parent`, or NULL. */
const ps_toml_node *ps_toml_child(const ps_toml *t, const ps_toml_node *parent, const char *key,
                                  size_t len);
/* The node at `path` from the root: bare keys joined by '.' ("server.offset"),
 * each but the last naming a table; NULL when there is none. */
const ps_toml_node *ps_toml_find(const ps_toml *t, const char *path);

/* "an inline table", "an integer"...: what a node is, for messages. */
const char *ps_toml_kind_name(const ps_toml_node *n);
/* The name of a node's type, as toml-test tags values ("integer", "table"...). */
const char *ps_toml_type_name(ps_toml_type type);

/*
 * Reads a TOML integer in any form TOML allows: decimal with an optional
 * sign and underscores between digits, 0x, 0o, 0b. The whole of s[0..n)
 * must be the integer. 0 and *out set; -1 when it is not one or does not
 * fit in 64 bits.
 */
int ps_toml_int(const char *s, size_t n, int64_t *out);

/*
 * `value` (not negative) written the way the integer s[0..n) is: the same
 * base prefix, hex letter case and '+' sign, zero-padded to the same number
 * of digits when it was, and with underscores where they were when the digit
 * count is unchanged. So a value that returns to its original number returns
 * to its original bytes (but for a dropped '-' of -0, and underscores or
 * padding lost on the way through a number of another length). Caller frees;
 * NULL when out of memory.
 */
char *ps_toml_int_format(const char *s, size_t n, int64_t value);

#endif
