/*
 * The JSON reader (parse/json_read.h) against RFC 8259, case by case: each
 * valid text with what it must read as (the type, a string's decoded bytes,
 * a number's integer value), each invalid one with the line:col the RFC's
 * grammar breaks at. Hand-made; the comment on a case says which rule.
 */
#include "parse/json_read.h"

#include "base/error.h"

#include <check.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/runner.h"

/* ---- valid texts: a scalar root, what it reads as ---- */

/* clang-format off */
static const struct valid_case {
    const char *text;
    size_t len; /* 0: strlen(text) */
    ps_json_type type;
    const char *str; /* STRING: decoded; NUMBER: as written */
    size_t slen;     /* 0: strlen(str) */
    int integral;
    long long integer;
} valid_cases[] = {
    {"null", 0, PS_JSON_NULL, NULL, 0, 0, 0},
    {"true", 0, PS_JSON_TRUE, NULL, 0, 0, 0},
    {"false", 0, PS_JSON_FALSE, NULL, 0, 0, 0},
    /* §2: whitespace is space, tab, LF, CR, around any value */
    {" \t\r\n true \n", 0, PS_JSON_TRUE, NULL, 0, 0, 0},
    /* §8.1: a byte order mark may be ignored */
    {"\xef\xbb\xbf" "1", 0, PS_JSON_NUMBER, "1", 0, 1, 1},
    /* §6 numbers */
    {"0", 0, PS_JSON_NUMBER, "0", 0, 1, 0},
    {"-0", 0, PS_JSON_NUMBER, "-0", 0, 1, 0},
    {"9443", 0, PS_JSON_NUMBER, "9443", 0, 1, 9443},
    {"-12", 0, PS_JSON_NUMBER, "-12", 0, 1, -12},
    {"9223372036854775807", 0, PS_JSON_NUMBER, "9223372036854775807", 0, 1, LLONG_MAX},
    {"-9223372036854775808", 0, PS_JSON_NUMBER, "-9223372036854775808", 0, 1, LLONG_MIN},
    /* valid JSON, but past long long: a number, not an integer we hold */
    {"9223372036854775808", 0, PS_JSON_NUMBER, "9223372036854775808", 0, 0, 0},
    {"1.5", 0, PS_JSON_NUMBER, "1.5", 0, 0, 0},
    /* integers by value (JSON Schema's "integer"): 1.0, 1e2, 2.50E1 */
    {"1.0", 0, PS_JSON_NUMBER, "1.0", 0, 1, 1},
    {"1e2", 0, PS_JSON_NUMBER, "1e2", 0, 1, 100},
    {"2.50E+1", 0, PS_JSON_NUMBER, "2.50E+1", 0, 1, 25},
    {"100e-2", 0, PS_JSON_NUMBER, "100e-2", 0, 1, 1},
    {"0.000", 0, PS_JSON_NUMBER, "0.000", 0, 1, 0},
    {"1e-2", 0, PS_JSON_NUMBER, "1e-2", 0, 0, 0},
    {"1e400", 0, PS_JSON_NUMBER, "1e400", 0, 0, 0},
    /* §7 strings: every two-character escape */
    {"\"\"", 0, PS_JSON_STRING, "", 0, 0, 0},
    {"\"a\\\"b\\\\c\\/d\"", 0, PS_JSON_STRING, "a\"b\\c/d", 0, 0, 0},
    {"\"\\b\\f\\n\\r\\t\"", 0, PS_JSON_STRING, "\b\f\n\r\t", 0, 0, 0},
    /* \u escapes to UTF-8: 1, 2 and 3 bytes, and NUL kept with its length */
    {"\"\\u0041\\u00e9\\u20AC\"", 0, PS_JSON_STRING, "A\xc3\xa9\xe2\x82\xac", 0, 0, 0},
    {"\"a\\u0000b\"", 0, PS_JSON_STRING, "a\0b", 3, 0, 0},
    /* a surrogate pair is one code point: U+1D11E, 4 bytes */
    {"\"\\uD834\\uDD1E\"", 0, PS_JSON_STRING, "\xf0\x9d\x84\x9e", 0, 0, 0},
    /* U+10FFFF, the last code point */
    {"\"\\uDBFF\\uDFFF\"", 0, PS_JSON_STRING, "\xf4\x8f\xbf\xbf", 0, 0, 0},
    /* raw UTF-8 is kept as it is (2, 3, 4 bytes); DEL (0x7f) needs no escape */
    {"\"\xc3\xa9\xe2\x82\xac\xf0\x9d\x84\x9e\x7f\"", 0, PS_JSON_STRING,
     "\xc3\xa9\xe2\x82\xac\xf0\x9d\x84\x9e\x7f", 0, 0, 0},
};

/* ---- invalid texts: where and why ---- */

static const struct invalid_case {
    const char *text;
    size_t len; /* 0: strlen(text) */
    int line, col;
    const char *says;
} invalid_cases[] = {
    {"", 0, 1, 1, "end of text"},
    {"   ", 0, 1, 4, "end of text"},
    /* §2: one value, nothing after it */
    {"1 2", 0, 1, 3, "end of the text"},
    {"{} x", 0, 1, 4, "end of the text"},
    /* literals are lowercase and whole */
    {"True", 0, 1, 1, "a value"},
    {"nul", 0, 1, 1, "null?"},
    {"falsy", 0, 1, 1, "false?"},
    {"NaN", 0, 1, 1, "a value"},
    {"Infinity", 0, 1, 1, "a value"},
    /* §6 numbers */
    {"01", 0, 1, 1, "leading zero"},
    {"-01", 0, 1, 1, "leading zero"},
    {"+1", 0, 1, 1, "a value"},
    {".5", 0, 1, 1, "a value"},
    {"1.", 0, 1, 3, "decimal point"},
    {"1.e3", 0, 1, 3, "decimal point"},
    {"1e", 0, 1, 3, "exponent"},
    {"1e+", 0, 1, 4, "exponent"},
    {"-", 0, 1, 2, "a digit"},
    {"-a", 0, 1, 2, "a digit"},
    {"0x10", 0, 1, 2, "end of the text"},
    /* §7 strings */
    {"\"abc", 0, 1, 1, "no closing quote"},
    {"\"a\tb\"", 0, 1, 3, "control character"},
    {"\"a\nb\"", 0, 1, 3, "control character"},
    {"\"\\x\"", 0, 1, 2, "unknown escape"},
    {"\"\\'\"", 0, 1, 2, "unknown escape"},
    {"\"\\u12\"", 0, 1, 2, "four hex digits"},
    {"\"\\u12G4\"", 0, 1, 2, "four hex digits"},
    {"\"\\", 0, 1, 2, "unknown escape"},
    /* a lone surrogate has no UTF-8 form */
    {"\"\\uD834\"", 0, 1, 2, "no low one"},
    {"\"\\uD834x\"", 0, 1, 2, "no low one"},
    {"\"\\uD834\\u0041\"", 0, 1, 2, "no low one"},
    {"\"\\uDD1E\"", 0, 1, 2, "low surrogate"},
    /* §8.1: UTF-8 only (RFC 3629: no overlong form, no surrogate, <= U+10FFFF) */
    {"\"\xff\"", 0, 1, 2, "not UTF-8"},
    {"\"\xc0\xaf\"", 0, 1, 2, "not UTF-8"},
    {"\"\xe0\x80\xaf\"", 0, 1, 2, "not UTF-8"},
    {"\"\xed\xa0\x80\"", 0, 1, 2, "not UTF-8"},
    {"\"\xf4\x90\x80\x80\"", 0, 1, 2, "not UTF-8"},
    {"\"\xe2\x82\"", 0, 1, 2, "not UTF-8"},
    {"\xc3\xa9", 0, 1, 1, "byte 0xc3"},
    /* a NUL byte is no whitespace */
    {"1\0", 2, 1, 2, "byte 0x00"},
    /* §4 objects, §5 arrays */
    {"[1,]", 0, 1, 4, "a value"},
    {"[1 2]", 0, 1, 4, "',' or ']'"},
    {"[", 0, 1, 2, "a value"},
    {"{\"a\":1,}", 0, 1, 8, "a key"},
    {"{\"a\" 1}", 0, 1, 6, "':'"},
    {"{a:1}", 0, 1, 2, "a key"},
    {"{\"a\":1", 0, 1, 7, "',' or '}'"},
    {"{\"a\":}", 0, 1, 6, "a value"},
    /* duplicate keys: refused at the second, wherever they are */
    {"{\"a\":1,\n \"b\":2,\n \"a\":3}", 0, 3, 2, "a key twice"},
    {"{\"\\u0061\":1,\"a\":2}", 0, 1, 13, "a key twice"},
    /* but keys that differ only in case or by a NUL are two keys: see below */
    /* line:col counts lines by LF and columns by byte */
    {"{\n  \"port\": 9443,\n  \"x\": 01\n}", 0, 3, 8, "leading zero"},
};
/* clang-format on */

START_TEST(valid_text)
{
    const struct valid_case *c = &valid_cases[_i];
    size_t len = c->len ? c->len : strlen(c->text);
    ps_json doc;
    ps_error err = {0};
    int rc = ps_json_parse(&doc, "t.json", c->text, len, &err);
    ck_assert_msg(rc == 0, "case %d (%s): %s", _i, c->text, err.message);
    const ps_json_node *root = &doc.nodes[0];
    ck_assert_msg(root->type == c->type, "case %d: type %d, want %d", _i, root->type, c->type);
    if (c->str) {
        size_t slen = c->slen ? c->slen : strlen(c->str);
        ck_assert_msg(root->len == slen && memcmp(root->str, c->str, slen) == 0,
                      "case %d: read %zu bytes \"%s\"", _i, root->len, root->str);
        ck_assert_int_eq(root->str[slen], '\0');
    }
    if (c->type == PS_JSON_NUMBER) {
        ck_assert_msg(root->integral == c->integral, "case %d: integral %d", _i, root->integral);
        if (c->integral)
            ck_assert_msg(root->integer == c->integer, "case %d: %lld", _i, root->integer);
    }
    ps_json_free(&doc);
}
END_TEST

START_TEST(invalid_text)
{
    const struct invalid_case *c = &invalid_cases[_i];
    size_t len = c->len ? c->len : strlen(c->text);
    ps_json doc;
    ps_error err = {0};
    ps_error_begin();
    int rc = ps_json_parse(&doc, "t.json", c->text, len, &err);
    ck_assert_msg(rc == -1, "case %d (%s) was read", _i, c->text);
    ck_assert_int_eq(ps_error_code(rc), PS_EPARSE);
    ck_assert_str_eq(err.path, "t.json");
    ck_assert_msg(err.line == c->line && err.col == c->col,
                  "case %d (%s): at %d:%d, want %d:%d: %s", _i, c->text, err.line, err.col, c->line,
                  c->col, err.message);
    ck_assert_msg(strstr(err.message, c->says), "case %d: \"%s\" does not say \"%s\"", _i,
                  err.message, c->says);
    ck_assert_ptr_null(doc.nodes);
    ps_json_free(&doc);
}
END_TEST

/* A document: members in order, with their keys, positions and children. */
START_TEST(tree_and_positions)
{
    const char *text = "{\"name\": \"km1\",\n \"ports\": [9443, 9763, []],\n \"x\": {}}";
    ps_json doc;
    ps_error err = {0};
    ck_assert_int_eq(ps_json_parse(&doc, "t.json", text, strlen(text), &err), 0);
    const ps_json_node *root = &doc.nodes[0];
    ck_assert_int_eq(root->count, 3);
    const ps_json_node *name = ps_json_get(&doc, root, "name");
    ck_assert_ptr_nonnull(name);
    ck_assert_str_eq(name->str, "km1");
    int line, col;
    ps_json_pos(&doc, name, &line, &col);
    ck_assert_int_eq(line, 1);
    ck_assert_int_eq(col, 10);
    const ps_json_node *ports = ps_json_get(&doc, root, "ports");
    ck_assert_int_eq(ports->type, PS_JSON_ARRAY);
    ck_assert_int_eq(ports->count, 3);
    const ps_json_node *p = ps_json_first(&doc, ports);
    ck_assert_int_eq(p->integer, 9443);
    ck_assert_ptr_null(p->key);
    p = ps_json_next(&doc, p);
    ck_assert_int_eq(p->integer, 9763);
    ps_json_pos(&doc, p, &line, &col);
    ck_assert_int_eq(line, 2);
    ck_assert_int_eq(col, 18); /* ` "ports": [9443, ` is 17 bytes */
    p = ps_json_next(&doc, p);
    ck_assert_int_eq(p->type, PS_JSON_ARRAY);
    ck_assert_ptr_null(ps_json_first(&doc, p));
    ck_assert_ptr_null(ps_json_next(&doc, p));
    const ps_json_node *x = ps_json_get(&doc, root, "x");
    ck_assert_int_eq(x->type, PS_JSON_OBJECT);
    ck_assert_int_eq(x->count, 0);
    ck_assert_ptr_null(ps_json_get(&doc, root, "missing"));
    ck_assert_ptr_null(ps_json_get(&doc, ports, "name")); /* not an object */
    ps_json_free(&doc);
}
END_TEST

/* Keys are compared byte for byte: case and a NUL make them different. */
START_TEST(keys_differ_by_byte)
{
    const char *text = "{\"a\":1,\"A\":2,\"a\\u0000\":3}";
    ps_json doc;
    ps_error err = {0};
    ck_assert_int_eq(ps_json_parse(&doc, "t.json", text, strlen(text), &err), 0);
    ck_assert_int_eq(doc.nodes[0].count, 3);
    ck_assert_int_eq(ps_json_get(&doc, &doc.nodes[0], "A")->integer, 2);
    ps_json_free(&doc);
}
END_TEST

/* Nesting: PS_JSON_MAX_DEPTH levels are read, one more is refused. */
START_TEST(depth_limit)
{
    char text[2 * PS_JSON_MAX_DEPTH + 8];
    for (int depth = PS_JSON_MAX_DEPTH; depth <= PS_JSON_MAX_DEPTH + 1; depth++) {
        size_t n = 0;
        for (int i = 0; i < depth; i++)
            text[n++] = '[';
        for (int i = 0; i < depth; i++)
            text[n++] = ']';
        ps_json doc;
        ps_error err = {0};
        int rc = ps_json_parse(&doc, "t.json", text, n, &err);
        if (depth == PS_JSON_MAX_DEPTH) {
            ck_assert_msg(rc == 0, "%s", err.message);
            ck_assert_int_eq(doc.count, (size_t)depth);
        } else {
            ck_assert_int_eq(rc, -1);
            ck_assert_int_eq(err.col, PS_JSON_MAX_DEPTH + 1);
            ck_assert_msg(strstr(err.message, "nested deeper"), "%s", err.message);
        }
        ps_json_free(&doc);
    }
}
END_TEST

/* A large object with no duplicate is read (the duplicate check is sorted,
 * not quadratic), and one duplicate among them is found. */
START_TEST(large_object)
{
    size_t keys = 20000;
    char *text = malloc(keys * 16 + 16);
    size_t n = 0;
    text[n++] = '{';
    for (size_t i = 0; i < keys; i++)
        n += (size_t)sprintf(text + n, "%s\"k%zu\":%zu", i ? "," : "", i, i);
    text[n++] = '}';
    ps_json doc;
    ps_error err = {0};
    ck_assert_int_eq(ps_json_parse(&doc, "t.json", text, n, &err), 0);
    ck_assert_int_eq(doc.nodes[0].count, keys);
    ck_assert_int_eq(ps_json_get(&doc, &doc.nodes[0], "k19999")->integer, 19999);
    ps_json_free(&doc);
    memcpy(text + 1, "\"k7\"", 4); /* "k0" becomes a second "k7" */
    ck_assert_int_eq(ps_json_parse(&doc, "t.json", text, n, &err), -1);
    ck_assert_msg(strstr(err.message, "a key twice"), "%s", err.message);
    free(text);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("json_read");
    TCase *tc = tcase_create("json_read");
    tcase_add_loop_test(tc, valid_text, 0, N(valid_cases));
    tcase_add_loop_test(tc, invalid_text, 0, N(invalid_cases));
    tcase_add_test(tc, tree_and_positions);
    tcase_add_test(tc, keys_differ_by_byte);
    tcase_add_test(tc, depth_limit);
    tcase_add_test(tc, large_object);
    suite_add_tcase(s, tc);
    return run_suite_status(s);
}
