/*
 * The lexical half of the TOML reader (toml.c holds the structural half):
 * which bytes a document may hold at all, strings in their four forms, and
 * the other scalars (integers, floats, booleans, dates and times), each
 * checked against TOML 1.0's grammar and ranges. Internal to src/parse.
 */
#ifndef PS_PARSE_TOML_VALUE_H
#define PS_PARSE_TOML_VALUE_H

#include <stddef.h>
#include <stdint.h>

#include "base/strbuf.h"
#include "parse/toml.h"

/* Where a lexing function found a problem: the offending byte, and why. */
typedef struct ps_toml__fault {
    size_t at;
    char why[128];
} ps_toml__fault;

/* 0 when no byte of p[0..len) is one TOML forbids everywhere: invalid UTF-8,
 * a control character other than tab and line ends, a CR without its LF.
 * (Every later check may then take those for granted.) */
int ps_toml__check_bytes(const char *p, size_t len, ps_toml__fault *f);

/*
 * The string whose opening quote is p[pos], in any of its four forms (the
 * multi-line ones only when `multi_ok`: keys cannot be). Sets *inner to the
 * bytes between the delimiters, *end just past the closing one, and appends
 * the decoded text to `out` when it is not NULL.
 */
int ps_toml__string(const char *p, size_t len, size_t pos, int multi_ok, ps_span *inner,
                    size_t *end, ps_strbuf *out, ps_toml__fault *f);

/* The scalar other than a string that starts at p[pos]: its type, *end just
 * past it, and for an integer its value. */
int ps_toml__scalar(const char *p, size_t len, size_t pos, size_t *end, ps_toml_type *type,
                    int64_t *integer, ps_toml__fault *f);

#endif
