/*
 * A Java .properties file as portshift sees it: the spans of each entry's
 * key and value. Comment lines ('#' or '!' first) are not entries, so a port
 * in a comment is never touched; a value continued with a trailing backslash
 * spans its continuation lines.
 */
#ifndef PS_PARSE_PROPS_H
#define PS_PARSE_PROPS_H

#include <stddef.h>

#include "parse/xmldoc.h"

typedef struct ps_prop {
    ps_span key;
    ps_span value;
    char *path; /* YAML: the key's full path (see below); NULL in .properties */
} ps_prop;

typedef struct ps_props {
    ps_prop *entries;
    size_t count;
} ps_props;

/* -1 (props empty) when out of memory. */
int ps_props_parse(ps_props *props, const char *data, size_t len);

/*
 * The same view of a Carbon 5 deployment.yaml or netty-transports.yml, line
 * by line: "key: value" with a scalar value (quotes excluded from the span),
 * comments and block scalars (| and >) skipped. Nesting follows indentation
 * only, which is all these files use: each entry's path names the keys above
 * it and, for an item of a sequence ("- "), its number from 0, joined by
 * dots: "wso2.transport.http.listenerConfigurations.1.port". Flow
 * collections ({...}, [...]) stay one scalar value. Not a YAML parser: a
 * line it does not understand is no entry.
 */
/* -1 (props empty) when out of memory. */
int ps_props_parse_yaml(ps_props *props, const char *data, size_t len);
/* An entry's key as rules name it: the YAML path, else the key's bytes.
 * Caller frees; NULL when out of memory. */
char *ps_prop_key(const ps_prop *p, const char *data);
void ps_props_free(ps_props *props);

#endif
