/* Writing JSON text: strings escaped per RFC 8259; the rest is punctuation the caller writes. */
#ifndef PS_BASE_JSON_H
#define PS_BASE_JSON_H

#include "base/strbuf.h"

/* Appends s as a JSON string, or null when s is NULL. */
void ps_json_string(ps_strbuf *b, const char *s);
/* Appends v as a JSON number when `present`, else null. */
void ps_json_long_or_null(ps_strbuf *b, long v, int present);

#endif
