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
} ps_prop;

typedef struct ps_props {
    ps_prop *entries;
    size_t count;
} ps_props;

void ps_props_parse(ps_props *props, const char *data, size_t len);

/*
 * The same view of a Carbon 5 deployment.yaml, line by line: "key: value"
 * with a scalar value (quotes excluded from the span), comments skipped.
 * Nesting is not kept; rules name the last key ("port", "tcpPort").
 */
void ps_props_parse_yaml(ps_props *props, const char *data, size_t len);
void ps_props_free(ps_props *props);

#endif
