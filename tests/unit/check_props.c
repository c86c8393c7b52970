/*
 * ps_props_parse: the key and value spans of .properties entries, following
 * java.util.Properties.load for what is a comment, a separator, a line end
 * and a continuation. A value span is the raw bytes from the first value
 * character to the end of its last (continued) line, line terminator excluded.
 */
#include "parse/props.h"

#include <check.h>

#include "../support/runner.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BYTES(s) s, sizeof(s) - 1
#define MAXE 4

typedef struct want_prop {
    const char *key, *value; /* raw bytes of the spans */
    size_t kstart, vstart;
} want_prop;

/* clang-format off */
static const struct prop_case {
    const char *label;
    const char *data;
    size_t len;
    size_t n;
    want_prop e[MAXE];
} prop_cases[] = {
    {"key=value lines", BYTES("a=1\nb=2\n"), 2, {{"a", "1", 0, 2}, {"b", "2", 4, 6}}},
    {"comment lines", BYTES("# c=1\n! d=2\n  # e=3\n\t! f=4\ng=5\n"), 1, {{"g", "5", 27, 29}}},
    {"key:value", BYTES("key:value"), 1, {{"key", "value", 0, 4}}},
    {"key value", BYTES("key value"), 1, {{"key", "value", 0, 4}}},
    {"key = value", BYTES("key = value"), 1, {{"key", "value", 0, 6}}},
    {"key<tab>:<tab>value", BYTES("key\t:\tvalue\n"), 1, {{"key", "value", 0, 6}}},
    {"key  :  value", BYTES("key  :  value"), 1, {{"key", "value", 0, 8}}},
    {"separator then more separators", BYTES("a=b=c:d"), 1, {{"a", "b=c:d", 0, 2}}},
    {"key, blanks, words",
     BYTES("key   value with spaces"),
     1,
     {{"key", "value with spaces", 0, 6}}},
    {"indented key", BYTES("  indented.key = x"), 1, {{"indented.key", "x", 2, 17}}},
    {"form feed is a blank", BYTES("\fa=1"), 1, {{"a", "1", 1, 3}}},
    {"CRLF", BYTES("a=1\r\nb=2\r\n"), 2, {{"a", "1", 0, 2}, {"b", "2", 5, 7}}},
    {"CRLF comments", BYTES("#x\r\n! y\r\na=1\r\n"), 1, {{"a", "1", 9, 11}}},
    {"CR line ends", BYTES("a=1\rb=2\r"), 2, {{"a", "1", 0, 2}, {"b", "2", 4, 6}}},
    {"blank lines", BYTES("\n\n   \n\ta=1\n"), 1, {{"a", "1", 7, 9}}},
    {"trailing blanks are part of the value", BYTES("a=1  \n"), 1, {{"a", "1  ", 0, 2}}},
    {"continuation",
     BYTES("url=http://localhost:9443,\\\n    http://localhost:9763\nnext=1\n"),
     2,
     {{"url", "http://localhost:9443,\\\n    http://localhost:9763", 0, 4}, {"next", "1", 54, 59}}},
    {"continuation, CRLF",
     BYTES("a=x\\\r\n  y\r\nb=z"),
     2,
     {{"a", "x\\\r\n  y", 0, 2}, {"b", "z", 11, 13}}},
    {"two continuations",
     BYTES("a=1\\\n2\\\n3\nb=4"),
     2,
     {{"a", "1\\\n2\\\n3", 0, 2}, {"b", "4", 10, 12}}},
    {"escaped backslash is no continuation",
     BYTES("a=x\\\\\nb=y"),
     2,
     {{"a", "x\\\\", 0, 2}, {"b", "y", 6, 8}}},
    {"three backslashes continue", BYTES("a=x\\\\\\\nb=y"), 1, {{"a", "x\\\\\\\nb=y", 0, 2}}},
    {"continued line that looks like a comment",
     BYTES("a=1\\\n# not a comment\nb=2"),
     2,
     {{"a", "1\\\n# not a comment", 0, 2}, {"b", "2", 21, 23}}},
    {"comment ending in a backslash does not continue",
     BYTES("# x \\\na=1\n"),
     1,
     {{"a", "1", 6, 8}}},
    {"blank continuation line",
     BYTES("a=1\\\n   \nb=2"),
     2,
     {{"a", "1\\\n   ", 0, 2}, {"b", "2", 9, 11}}},
    {"continuation at the end of the file", BYTES("a=1\\"), 1, {{"a", "1\\", 0, 2}}},
    {"continuation, then the end of the file", BYTES("a=1\\\n"), 1, {{"a", "1\\", 0, 2}}},
    {"escaped = in a key", BYTES("a\\=b=c"), 1, {{"a\\=b", "c", 0, 5}}},
    {"escaped : in a key", BYTES("a\\:b:c\n"), 1, {{"a\\:b", "c", 0, 5}}},
    {"escaped blank in a key", BYTES("a\\ b c"), 1, {{"a\\ b", "c", 0, 5}}},
    {"escaped backslash ends before =", BYTES("a\\\\=b"), 1, {{"a\\\\", "b", 0, 4}}},
    /* Properties.load joins continued lines before splitting: key "ab", value "c". */
    {"key continued onto the next line", BYTES("a\\\nb=c\n"), 1, {{"a\\\nb", "c", 0, 5}}},
    {"last line without a newline", BYTES("a=1\nb=2"), 2, {{"a", "1", 0, 2}, {"b", "2", 4, 6}}},
    {"empty values", BYTES("a=\nb=\n"), 2, {{"a", "", 0, 2}, {"b", "", 3, 5}}},
    {"empty value after blanks", BYTES("a = \n"), 1, {{"a", "", 0, 4}}},
    {"key alone", BYTES("a\n"), 1, {{"a", "", 0, 1}}},
    {"key alone at the end", BYTES("a"), 1, {{"a", "", 0, 1}}},
    {"empty key", BYTES("=v"), 1, {{"", "v", 0, 1}}},
    {"empty file", BYTES(""), 0, {{0}}},
    {"only comments", BYTES("#\n!\n# localhost:9443\n"), 0, {{0}}},
    {"no newline after a comment", BYTES("a=1\n#x"), 1, {{"a", "1", 0, 2}}},
};
/* clang-format on */

static void assert_span(const struct prop_case *c, size_t i, const char *what, ps_span sp,
                        const char *want, size_t want_start)
{
    ck_assert_msg(sp.start <= sp.end && sp.end <= c->len, "[%s] entry %zu %s span [%zu,%zu)",
                  c->label, i, what, sp.start, sp.end);
    ck_assert_msg(sp.end - sp.start == strlen(want) &&
                      memcmp(c->data + sp.start, want, strlen(want)) == 0,
                  "[%s] entry %zu %s is '%.*s', want '%s'", c->label, i, what,
                  (int)(sp.end - sp.start), c->data + sp.start, want);
    ck_assert_msg(sp.start == want_start, "[%s] entry %zu %s starts at %zu, want %zu", c->label, i,
                  what, sp.start, want_start);
}

START_TEST(test_props)
{
    const struct prop_case *c = &prop_cases[_i];
    ps_props p;
    ps_props_parse(&p, c->data, c->len);
    /* Copied out and freed before asserting: no leak when a check fails under CK_FORK=no. */
    ps_prop got[MAXE];
    size_t count = p.count;
    if (count)
        memcpy(got, p.entries, (count < MAXE ? count : MAXE) * sizeof *got);
    ps_props_free(&p);
    ck_assert_ptr_null(p.entries);
    ck_assert_uint_eq(p.count, 0);
    ck_assert_msg(count == c->n, "[%s] %zu entries, want %zu", c->label, count, c->n);
    for (size_t i = 0; i < count; i++) {
        assert_span(c, i, "key", got[i].key, c->e[i].key, c->e[i].kstart);
        assert_span(c, i, "value", got[i].value, c->e[i].value, c->e[i].vstart);
        ck_assert_uint_le(got[i].key.end, got[i].value.start);
        if (i)
            ck_assert_uint_le(got[i - 1].value.end, got[i].key.start);
    }
}
END_TEST

/* Only the first `len` bytes are read: the parser never looks past them. */
START_TEST(test_length_bounds)
{
    const char buf[] = "a=1\nb=2\\\nc=3";
    ps_props p;
    ps_props_parse(&p, buf, 9); /* "a=1\nb=2\\\n" */
    ck_assert_uint_eq(p.count, 2);
    ck_assert_uint_eq(p.entries[1].value.start, 6);
    ck_assert_uint_le(p.entries[1].value.end, 9);
    ps_props_free(&p);
    ps_props_parse(&p, buf, 3); /* "a=1" */
    ck_assert_uint_eq(p.count, 1);
    ck_assert_uint_eq(p.entries[0].value.end, 3);
    ps_props_free(&p);
}
END_TEST

/* A realistic file: every value span holds exactly what Properties.load would read. */
START_TEST(test_log4j_like)
{
    const char *data = "# Licensed under the Apache License\r\n"
                       "#log4j.appender.DAS_AGENT.url=tcp://localhost:7611\r\n"
                       "log4j.rootLogger=INFO, CARBON_CONSOLE, CARBON_LOGFILE\r\n"
                       "\r\n"
                       "log4j.appender.LOGEVENT.url=tcp://localhost:7612\r\n"
                       "log4j.appender.LOGEVENT.urls = tcp://localhost:7611,\\\r\n"
                       "                               tcp://localhost:7612\r\n"
                       "   ! indented comment localhost:9443\r\n"
                       "log4j.appender.X.password=admin\r\n";
    ps_props p;
    ps_props_parse(&p, data, strlen(data));
    ck_assert_uint_eq(p.count, 4);
    static const char *const keys[] = {"log4j.rootLogger", "log4j.appender.LOGEVENT.url",
                                       "log4j.appender.LOGEVENT.urls", "log4j.appender.X.password"};
    static const char *const values[] = {
        "INFO, CARBON_CONSOLE, CARBON_LOGFILE", "tcp://localhost:7612",
        "tcp://localhost:7611,\\\r\n                               tcp://localhost:7612", "admin"};
    for (size_t i = 0; i < 4; i++) {
        ps_span k = p.entries[i].key, v = p.entries[i].value;
        ck_assert_uint_eq(k.end - k.start, strlen(keys[i]));
        ck_assert(memcmp(data + k.start, keys[i], strlen(keys[i])) == 0);
        ck_assert_msg(v.end - v.start == strlen(values[i]) &&
                          memcmp(data + v.start, values[i], strlen(values[i])) == 0,
                      "value %zu is '%.*s'", i, (int)(v.end - v.start), data + v.start);
    }
    ps_props_free(&p);
}
END_TEST

/*
 * ps_props_parse_yaml: each scalar entry's full key path and value, as the
 * Carbon 5 files write them (deployment.yaml, netty-transports.yml).
 */
typedef struct want_yaml {
    const char *path, *value;
} want_yaml;

/* clang-format off */
static const struct yaml_case {
    const char *label;
    const char *data;
    size_t n;
    want_yaml e[MAXE];
} yaml_cases[] = {
    {"nested mappings", "a:\n  b:\n    c: 1\n  d: 2\ne: 3\n", 3,
     {{"a.b.c", "1"}, {"a.d", "2"}, {"e", "3"}}},
    {"dotted top-level key", "wso2.carbon:\n  ports:\n    offset: 1\n", 1,
     {{"wso2.carbon.ports.offset", "1"}}},
    {"items on a line of their own, numbered from 0",
     "l:\n  -\n    port: 9190\n  -\n    port: 9543\n", 2,
     {{"l.0.port", "9190"}, {"l.1.port", "9543"}}},
    {"items at their key's own indent", "r:\n-\n  tcp: '7611'\n-\n  tcp: '9611'\nnext: x\n", 3,
     {{"r.0.tcp", "7611"}, {"r.1.tcp", "9611"}, {"next", "x"}}},
    {"a key on the item's line", "l:\n    - id: \"a\"\n      port: 9643\n    - id: b\n", 3,
     {{"l.0.id", "a"}, {"l.0.port", "9643"}, {"l.1.id", "b"}}},
    {"one-blank indent, commented item (netty-transports.yml)",
     "c:\n -\n  port: 9090\n# -\n#  port: 8280\n\nd:\n -\n  id: x\n", 2,
     {{"c.0.port", "9090"}, {"d.0.id", "x"}}},
    {"two sequences under one key restart their numbers",
     "a:\n  x:\n    - p: 1\n  y:\n    - p: 2\n    - p: 3\n", 3,
     {{"a.x.0.p", "1"}, {"a.y.0.p", "2"}, {"a.y.1.p", "3"}}},
    {"nested item inside an item",
     "r:\n  -\n    d:\n      t: T\n      props:\n        port: '1'\n  -\n    d:\n      t: U\n", 3,
     {{"r.0.d.t", "T"}, {"r.0.d.props.port", "1"}, {"r.1.d.t", "U"}}},
    {"a comment as the only value opens a block", "a: # note\n  b: 1 # port\n", 1,
     {{"a.b", "1"}}},
    {"block scalars are text, not keys", "a: |\n  port: 1\n  b: 2\nc: >-\n  d: 3\ne: 4\n", 1,
     {{"e", "4"}}},
    {"CRLF", "a:\r\n  b: 1\r\n", 1, {{"a.b", "1"}}},
    {"top-level sequence", "- a: 1\n- a: 2\n", 2, {{"0.a", "1"}, {"1.a", "2"}}},
    {"flow collection stays one value", "a: [1, 2]\n", 1, {{"a", "[1, 2]"}}},
};
/* clang-format on */

START_TEST(test_yaml_paths)
{
    const struct yaml_case *c = &yaml_cases[_i];
    ps_props p;
    ps_props_parse_yaml(&p, c->data, strlen(c->data));
    char *paths[MAXE] = {0}, *values[MAXE] = {0};
    size_t count = p.count;
    for (size_t i = 0; i < count && i < MAXE; i++) {
        paths[i] = ps_prop_key(&p.entries[i], c->data);
        values[i] = strndup(c->data + p.entries[i].value.start,
                            p.entries[i].value.end - p.entries[i].value.start);
    }
    ps_props_free(&p);
    int ok = count == c->n;
    for (size_t i = 0; ok && i < count; i++)
        ok = strcmp(paths[i], c->e[i].path) == 0 && strcmp(values[i], c->e[i].value) == 0;
    char got[512] = "";
    for (size_t i = 0; i < count && i < MAXE; i++) {
        size_t at = strlen(got);
        snprintf(got + at, sizeof got - at, " %s=%s", paths[i], values[i]);
        free(paths[i]);
        free(values[i]);
    }
    ck_assert_msg(ok, "[%s] %zu entries:%s", c->label, count, got);
}
END_TEST

/* A .properties key is its bytes: no path. */
START_TEST(test_properties_key_is_its_bytes)
{
    const char *data = "a.b = 1\n";
    ps_props p;
    ps_props_parse(&p, data, strlen(data));
    ck_assert_uint_eq(p.count, 1);
    ck_assert_ptr_null(p.entries[0].path);
    char *k = ps_prop_key(&p.entries[0], data);
    ps_props_free(&p);
    ck_assert_str_eq(k, "a.b");
    free(k);
}
END_TEST

#define N(a) (int)(sizeof(a) / sizeof((a)[0]))

static Suite *props_suite(void)
{
    Suite *s = suite_create("props");
    TCase *tc = tcase_create("parse");
    tcase_add_loop_test(tc, test_props, 0, N(prop_cases));
    tcase_add_test(tc, test_length_bounds);
    tcase_add_test(tc, test_log4j_like);
    suite_add_tcase(s, tc);
    TCase *ty = tcase_create("yaml");
    tcase_add_loop_test(ty, test_yaml_paths, 0, N(yaml_cases));
    tcase_add_test(ty, test_properties_key_is_its_bytes);
    suite_add_tcase(s, ty);
    return s;
}

int main(void)
{
    int failed = run_suite(props_suite());
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
