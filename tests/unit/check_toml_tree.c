/*
 * ps_toml_parse, the tree: what each key means however it is written
 * (dotted, quoted, inline, in an array of tables), how its nodes tie back
 * to the byte view, and the lookups over it, up to the node limit. Inputs
 * are parsed from exact-size heap copies (tests/support/tomlcase.h).
 */
#include "parse/toml.h"

#include "base/strbuf.h"

#include <check.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/runner.h"
#include "../support/tomlcase.h"

#define PATH TOML_PATH

/* ---- the tree: what each key means ------------------------------------------ */

typedef struct want_node {
    const char *path; /* bare keys joined by '.', for ps_toml_find */
    ps_toml_type type;
    ps_toml_origin origin; /* tables */
    long long integer;     /* integers */
    const char *text;      /* strings: decoded */
    size_t at;             /* where its key begins */
} want_node;

#define MAXN 6

/* clang-format off */
static const struct tree_case {
    const char *label;
    const char *data;
    size_t nn;
    want_node n[MAXN];
    const char *absent; /* a path that must not be found, or NULL */
} tree_cases[] = {
    {"[server] offset", "[server]\noffset = 3\n",
     2, {{"server", PS_TOML_TABLE, PS_TOML_HEADER, 0, NULL, 1},
         {"server.offset", PS_TOML_INTEGER, 0, 3, NULL, 9}}, "offset"},
    {"server.offset at the root", "hostname = 'h'\nserver.offset = 0x10\n",
     2, {{"server", PS_TOML_TABLE, PS_TOML_DOTTED, 0, NULL, 15},
         {"server.offset", PS_TOML_INTEGER, 0, 16, NULL, 22}}, "server.hostname"},
    {"quoted parts name the same keys", "[\"server\"]\n'offset' = 1_0\n",
     2, {{"server", PS_TOML_TABLE, PS_TOML_HEADER, 0, NULL, 1},
         {"server.offset", PS_TOML_INTEGER, 0, 10, NULL, 11}}, NULL},
    {"a quoted key with a dot is one key", "\"server.offset\" = 3\nx = 1\n",
     1, {{"x", PS_TOML_INTEGER, 0, 1, NULL, 20}}, "server.offset"},
    {"an inline table", "server = { offset = +5, hostname = \"h\" }\n",
     3, {{"server", PS_TOML_TABLE, PS_TOML_INLINE, 0, NULL, 0},
         {"server.offset", PS_TOML_INTEGER, 0, 5, NULL, 11},
         {"server.hostname", PS_TOML_STRING, 0, 0, "h", 24}}, NULL},
    {"dotted keys inside an inline table are closed with it", "a = { b.c = 1, b.d = 2 }\n",
     3, {{"a.b", PS_TOML_TABLE, PS_TOML_INLINE, 0, NULL, 6},
         {"a.b.c", PS_TOML_INTEGER, 0, 1, NULL, 8},
         {"a.b.d", PS_TOML_INTEGER, 0, 2, NULL, 17}}, NULL},
    {"a parent named by a header, defined later", "[a.b]\nx = 1\n[a]\ny = 2\n",
     3, {{"a", PS_TOML_TABLE, PS_TOML_HEADER, 0, NULL, 13},
         {"a.b.x", PS_TOML_INTEGER, 0, 1, NULL, 6},
         {"a.y", PS_TOML_INTEGER, 0, 2, NULL, 16}}, NULL},
    {"a parent named by a header only", "[a.b]\n",
     2, {{"a", PS_TOML_TABLE, PS_TOML_IMPLICIT, 0, NULL, 1},
         {"a.b", PS_TOML_TABLE, PS_TOML_HEADER, 0, NULL, 3}}, "b"},
    {"a header may add sub-tables to a table made by dotted keys",
     "[fruit]\napple.color = 'red'\n[fruit.apple.texture]\nsmooth = true\n",
     3, {{"fruit.apple", PS_TOML_TABLE, PS_TOML_DOTTED, 0, NULL, 8},
         {"fruit.apple.color", PS_TOML_STRING, 0, 0, "red", 14},
         {"fruit.apple.texture.smooth", PS_TOML_BOOL, 0, 0, NULL, 50}}, NULL},
    {"an array of tables", "[[server]]\noffset = 1\n[[server]]\noffset = 2\n",
     1, {{"server", PS_TOML_TABLE_ARRAY, PS_TOML_HEADER, 0, NULL, 2}}, "server.offset"},
    {"a static array", "ports = [9443, 9763]\n",
     1, {{"ports", PS_TOML_ARRAY, 0, 0, NULL, 0}}, "ports.0"},
    {"every kind of value",
     "s = 'x'\ni = -7\nf = 1.5\nb = false\nd = 1979-05-27\nt = 07:32:00\n",
     6, {{"s", PS_TOML_STRING, 0, 0, "x", 0}, {"i", PS_TOML_INTEGER, 0, -7, NULL, 8},
         {"f", PS_TOML_FLOAT, 0, 0, NULL, 15}, {"b", PS_TOML_BOOL, 0, 0, NULL, 23},
         {"d", PS_TOML_DATE_LOCAL, 0, 0, NULL, 33}, {"t", PS_TOML_TIME_LOCAL, 0, 0, NULL, 48}},
     "s.x"},
};
/* clang-format on */

START_TEST(test_tree)
{
    const struct tree_case *c = &tree_cases[_i];
    size_t len = strlen(c->data);
    ps_toml t;
    ps_error err;
    ck_assert_msg(toml_parse_bytes(&t, c->data, len, &err) == 0, "[%s] %d:%d %s", c->label,
                  err.line, err.col, err.message);
    ck_assert_int_eq(t.nodes[0].type, PS_TOML_TABLE); /* the root */
    for (size_t i = 0; i < c->nn; i++) {
        const want_node *w = &c->n[i];
        const ps_toml_node *n = ps_toml_find(&t, w->path);
        ck_assert_msg(n != NULL, "[%s] %s not found", c->label, w->path);
        ck_assert_msg(n->type == w->type, "[%s] %s is %s, want %d", c->label, w->path,
                      ps_toml_type_name(n->type), w->type);
        ck_assert_msg(n->at == w->at, "[%s] %s at %zu, want %zu", c->label, w->path, n->at, w->at);
        if (w->type == PS_TOML_TABLE || w->type == PS_TOML_TABLE_ARRAY)
            ck_assert_msg(n->origin == w->origin, "[%s] %s origin %d, want %d", c->label, w->path,
                          n->origin, w->origin);
        if (w->type == PS_TOML_INTEGER)
            ck_assert_msg(n->integer == w->integer, "[%s] %s = %lld, want %lld", c->label, w->path,
                          (long long)n->integer, w->integer);
        if (w->type == PS_TOML_STRING)
            ck_assert_msg(n->text_len == strlen(w->text) && strcmp(n->text, w->text) == 0,
                          "[%s] %s = '%s', want '%s'", c->label, w->path, n->text, w->text);
        if (w->type != PS_TOML_TABLE && w->type != PS_TOML_TABLE_ARRAY)
            ck_assert_msg(n->value.start > n->at && n->value.end > n->value.start,
                          "[%s] %s has no value span", c->label, w->path);
    }
    if (c->absent)
        ck_assert_msg(ps_toml_find(&t, c->absent) == NULL, "[%s] %s found", c->label, c->absent);
    ps_toml_free(&t);
}
END_TEST

/* The value span of every kind of value is its raw bytes; entries point back at their lines. */
START_TEST(test_tree_spans_and_entries)
{
    const char *src = "[server]\noffset = 0x10 # hex\nurls = ['a', \"b\"]\n"
                      "[[gw]]\nt = { ws = \"ws://h:9099\" }\n";
    size_t len = strlen(src);
    ps_toml t;
    ps_error err;
    ck_assert_int_eq(toml_parse_bytes(&t, src, len, &err), 0);
    const ps_toml_node *off = ps_toml_find(&t, "server.offset");
    ck_assert(span_is(src, off->value, "0x10"));
    ck_assert_int_eq(off->integer, 16);
    ck_assert_uint_eq(off->entry, 0);
    ck_assert_uint_eq(t.entries[off->entry].line_start, 9);
    const ps_toml_node *urls = ps_toml_find(&t, "server.urls");
    ck_assert(span_is(src, urls->value, "['a', \"b\"]"));
    const ps_toml_node *first = &t.nodes[urls->first], *second = &t.nodes[first->next];
    ck_assert_ptr_null(first->key);
    ck_assert(span_is(src, first->value, "'a'"));
    ck_assert(span_is(src, second->value, "\"b\""));
    ck_assert_uint_eq(second->next, 0);
    ck_assert_uint_eq(second->entry, 1);
    /* The [server] table knows its header's record; the array element knows its own. */
    const ps_toml_node *server = ps_toml_find(&t, "server");
    ck_assert_uint_eq(server->table, 0);
    ck_assert_uint_eq(server->entry, PS_TOML_NONE);
    const ps_toml_node *gw = ps_toml_find(&t, "gw");
    ck_assert_uint_eq(gw->table, PS_TOML_NONE);
    const ps_toml_node *elem = &t.nodes[gw->first];
    ck_assert_uint_eq(elem->table, 1);
    ck_assert(t.tables[1].array);
    const ps_toml_node *ws = ps_toml_child(&t, ps_toml_child(&t, elem, "t", 1), "ws", 2);
    ck_assert_ptr_nonnull(ws);
    ck_assert_str_eq(ws->text, "ws://h:9099");
    ck_assert_uint_eq(ws->entry, 2);
    ps_toml_free(&t);
}
END_TEST

/* ---- lookups --------------------------------------------------------------- */

START_TEST(test_lookups)
{
    const char *src = "root = \"r\"\n"
                      "\"a.b\" = 1\n"
                      "\"nul\\u0000key\" = 2\n"
                      "[server]\n"
                      "#offset = 0\n"
                      "hostname = \"localhost\"\n"
                      "[apim.gateway]\n"
                      "x = 1\n";
    size_t len = strlen(src);
    ps_toml t;
    ps_error err;
    ck_assert_msg(toml_parse_bytes(&t, src, len, &err) == 0, "%s", err.message);
    const ps_toml_node *root = &t.nodes[0];
    ck_assert_ptr_eq(ps_toml_find(&t, "root"), ps_toml_child(&t, root, "root", 4));
    ck_assert_str_eq(ps_toml_find(&t, "root")->text, "r");
    /* A quoted key holding a dot is one key; a path splits at every dot. */
    ck_assert_ptr_null(ps_toml_find(&t, "a.b"));
    ck_assert_int_eq(ps_toml_child(&t, root, "a.b", 3)->integer, 1);
    /* A key may hold a NUL: lookups go by length. */
    ck_assert_int_eq(ps_toml_child(&t, root, "nul\0key", 7)->integer, 2);
    ck_assert_ptr_null(ps_toml_child(&t, root, "nul", 3));
    ck_assert_ptr_null(ps_toml_find(&t, "server.offset")); /* the comment is no key */
    ck_assert_str_eq(ps_toml_find(&t, "server.hostname")->text, "localhost");
    ck_assert_int_eq(ps_toml_find(&t, "apim.gateway.x")->integer, 1);
    ck_assert_int_eq(ps_toml_find(&t, "apim")->origin, PS_TOML_IMPLICIT);
    ck_assert_ptr_null(ps_toml_find(&t, "hostname"));
    ck_assert_ptr_null(ps_toml_find(&t, "server.root"));
    ck_assert_ptr_null(ps_toml_find(&t, "serve"));
    ck_assert_ptr_null(ps_toml_find(&t, "root.x")); /* through a value */
    ck_assert_ptr_null(ps_toml_find(&t, ""));
    ck_assert_ptr_null(ps_toml_child(&t, NULL, "root", 4));
    ps_toml_free(&t);
}
END_TEST

START_TEST(test_lookups_empty)
{
    ps_toml t;
    ps_error err;
    ck_assert_int_eq(toml_parse_bytes(&t, "", 0, &err), 0);
    ck_assert_uint_eq(t.nnodes, 1);
    ck_assert_ptr_null(ps_toml_find(&t, "a"));
    ck_assert_ptr_null(ps_toml_find(&t, "server.offset"));
    ps_toml_free(&t);
    ck_assert_ptr_null(ps_toml_find(&t, "a")); /* a freed record finds nothing */
}
END_TEST

/* Many keys in one table (the (parent, key) hash grows many times): every
 * one is found, and a duplicate at the very end is still caught. */
START_TEST(test_many_keys)
{
    enum { N = 20000 };
    ps_strbuf b = PS_STRBUF_INIT;
    ps_strbuf_puts(&b, "[t]\n");
    for (int i = 0; i < N; i++)
        ps_strbuf_printf(&b, "k%d = %d\n", i, i);
    size_t len;
    char *src = ps_strbuf_detach(&b, &len);
    ps_toml t;
    ps_error err;
    ck_assert_int_eq(toml_parse_bytes(&t, src, len, &err), 0);
    for (int i = 0; i < N; i += 997) {
        char path[32];
        snprintf(path, sizeof path, "t.k%d", i);
        const ps_toml_node *n = ps_toml_find(&t, path);
        ck_assert_msg(n && n->integer == i, "%s", path);
    }
    ps_toml_free(&t);

    ps_strbuf_add(&b, src, len);
    ps_strbuf_puts(&b, "k4321 = 0\n");
    free(src);
    src = ps_strbuf_detach(&b, &len);
    ck_assert_int_eq(toml_parse_bytes(&t, src, len, &err), -1);
    ck_assert_int_eq(err.line, N + 2);
    ck_assert_int_eq(err.col, 1);
    ck_assert_str_eq(err.message, "invalid TOML: key 'k4321' is already defined (4323:1)");
    free(src);
}
END_TEST

/* A document far larger than any deployment.toml is refused before its tree
 * grows without bound: too many keys, array values, tables or parts of one key. */
START_TEST(test_too_many_nodes)
{
    static const struct {
        const char *head, *unit, *tail;
    } forms[] = {
        {"", "k%d = 1\n", ""},
        {"a = [", "%d,", "]\n"},
        {"", "[[a]]\n", ""},
        {"", "x%d.", "x = 1\n"},
    };
    for (size_t u = 0; u < sizeof forms / sizeof *forms; u++) {
        ps_strbuf b = PS_STRBUF_INIT;
        ps_strbuf_puts(&b, forms[u].head);
        for (int i = 0; i < 100002; i++)
            ps_strbuf_printf(&b, forms[u].unit, i);
        ps_strbuf_puts(&b, forms[u].tail);
        size_t len;
        char *src = ps_strbuf_detach(&b, &len);
        ps_toml t;
        ps_error err;
        int rc = toml_parse_bytes(&t, src, len, &err);
        ps_toml_free(&t);
        free(src);
        assert_toml_refused(forms[u].unit, rc, &err, PATH, 0, 0,
                            "more than 100000 keys and values");
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("toml_tree");
    TCase *tc = tcase_create("tree");
    tcase_add_loop_test(tc, test_tree, 0, N(tree_cases));
    tcase_add_test(tc, test_tree_spans_and_entries);
    tcase_add_test(tc, test_lookups);
    tcase_add_test(tc, test_lookups_empty);
    tcase_add_test(tc, test_many_keys);
    tcase_add_test(tc, test_too_many_nodes);
    suite_add_tcase(s, tc);
    return run_suite(s) ? EXIT_FAILURE : EXIT_SUCCESS;
}
