/*
 * Reading JSON text (RFC 8259) into a tree: the facts documents of other
 * hosts (fleet/), which are input like any config file, so everything the
 * RFC refuses is refused here, at line:col, with PS_EPARSE: a text that is
 * not UTF-8, an unescaped control character, a lone surrogate escape, a
 * number the grammar does not allow ("01", "+1", "1.", NaN), trailing bytes.
 * Two choices the RFC leaves to the reader: a duplicate key in one object is
 * an error (who wrote it meant one of them, and nobody can tell which), and
 * nesting deeper than PS_JSON_MAX_DEPTH is an error (no document of ours is
 * deeper than 5; the recursion stays small). A leading UTF-8 byte order mark
 * is skipped, as RFC 8259 §8.1 allows.
 */
#ifndef PS_PARSE_JSON_READ_H
#define PS_PARSE_JSON_READ_H

#include <stddef.h>

#include <portshift/portshift.h>

#include "base/arena.h"
#include "parse/file.h"

#define PS_JSON_MAX_DEPTH 64

typedef enum ps_json_type {
    PS_JSON_NULL,
    PS_JSON_FALSE,
    PS_JSON_TRUE,
    PS_JSON_NUMBER,
    PS_JSON_STRING,
    PS_JSON_ARRAY,
    PS_JSON_OBJECT
} ps_json_type;

/*
 * One value. The nodes of a document are one array: a container's children
 * follow `child`, then each child's `next` (0 ends the list: node 0 is the
 * root, never a child).
 */
typedef struct ps_json_node {
    ps_json_type type;
    size_t at;         /* byte offset of its first byte */
    size_t keyat;      /* a member: byte offset of its key's opening quote */
    size_t child;      /* ARRAY, OBJECT: the first child, 0 when empty */
    size_t next;       /* the next sibling, 0 for the last */
    size_t count;      /* ARRAY, OBJECT: how many children */
    const char *key;   /* a member of an object: its key, decoded; else NULL */
    size_t keylen;     /* (a key may hold NUL: \u0000) */
    const char *str;   /* STRING: decoded, NUL-terminated; NUMBER: the text as written */
    size_t len;        /* of str (a STRING may hold NUL: \u0000) */
    int integral;      /* NUMBER: its value is an integer within long long */
    long long integer; /* NUMBER, integral: that integer */
} ps_json_node;

typedef struct ps_json {
    ps_json_node *nodes; /* nodes[0] is the root */
    size_t count;
    ps_lines lines; /* over the text, for line:col */
    ps_arena strings;
} ps_json;

/* Reads data[0, len) (which must outlive *doc: positions are looked up in
 * it). -1: PS_EPARSE at path:line:col, or PS_ENOMEM; *doc is then empty
 * (ps_json_free is safe). */
int ps_json_parse(ps_json *doc, const char *path, const char *data, size_t len, ps_error *err);
void ps_json_free(ps_json *doc);

/* The member `key` of object `obj`, or NULL (none, or `obj` is no object). */
const ps_json_node *ps_json_get(const ps_json *doc, const ps_json_node *obj, const char *key);
/* The first child of a container and the sibling after `n`; NULL at the end. */
const ps_json_node *ps_json_first(const ps_json *doc, const ps_json_node *n);
const ps_json_node *ps_json_next(const ps_json *doc, const ps_json_node *n);
/* 1-based line and byte column of node `n`. */
void ps_json_pos(const ps_json *doc, const ps_json_node *n, int *line, int *col);
/* PS_EPARSE at path:line:col of node `n`. Always returns -1. */
int ps_json_error(const ps_json *doc, const ps_json_node *n, ps_error *err, const char *path,
                  const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* "null", "a boolean", "a number", "a string", "an array", "an object". */
const char *ps_json_type_name(ps_json_type t);

#endif
