/* Helpers for the ps_xmldoc suites: parsing inline inputs, finding nodes, checking spans. */
#ifndef PS_TESTS_XMLCASE_H
#define PS_TESTS_XMLCASE_H

#include <check.h>
#include <stddef.h>
#include <string.h>

#include "parse/xmldoc.h"

/* A literal and its length, for inputs that hold NUL bytes or must be exact. */
#define BYTES(s) s, sizeof(s) - 1
/* Rows of a static table, for tcase_add_loop_test. */
#define N(a) (int)(sizeof(a) / sizeof((a)[0]))

/* Parses xml[0, len) as "test.xml"; the test fails when it does not parse. */
ps_xmldoc *parse_len(const char *xml, size_t len);
ps_xmldoc *parse(const char *xml);
/* Index of the nth (0-based) element called `name`, or -1. */
int elem_named(const ps_xmldoc *doc, const char *name, int nth);
/* Index (into doc->attrs) of element elem's attribute `name`, or -1. */
int attr_named(const ps_xmldoc *doc, int elem, const char *name);
/* Offset of the first occurrence of `needle` in `hay` (which must hold it). */
size_t offset_of(const char *hay, const char *needle);

/* Asserts data[span] is exactly `want`. */
#define ck_assert_span(data, span, want)                                                           \
    do {                                                                                           \
        ps_span sp_ = (span);                                                                      \
        const char *want_ = (want);                                                                \
        ck_assert_msg(sp_.start <= sp_.end, "span [%zu,%zu) is reversed", sp_.start, sp_.end);     \
        ck_assert_msg(sp_.end - sp_.start == strlen(want_) &&                                      \
                          memcmp((data) + sp_.start, want_, strlen(want_)) == 0,                   \
                      "span [%zu,%zu) holds '%.*s', want '%s'", sp_.start, sp_.end,                \
                      (int)(sp_.end - sp_.start), (data) + sp_.start, want_);                      \
    } while (0)

#endif
