/*
 * ps_toml_parse, the document half: the byte view (entries with their table,
 * key, raw value span and line extent; the inner span of every string literal
 * with the entry that holds it; tables with header_end and body_end; CRLF)
 * and the refusals of what
 * TOML 1.0 forbids in a document's structure (duplicate keys, tables defined
 * twice, additions to closed tables), each at its path:line:col. The tree
 * (what each key means) is check_toml_tree.c's; scalars and strings are
 * check_toml_value.c's. Every input is written inline and parsed
 * from an exact-size heap copy, so a read past `len` shows under valgrind;
 * expected offsets are byte offsets into it.
 */
#include "parse/toml.h"

#include "base/strbuf.h"

#include <check.h>

#include "../support/runner.h"
#include "../support/tomlcase.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A literal and its length, for inputs that hold NUL bytes or must be exact. */
#define BYTES(s) s, sizeof(s) - 1
#define MAXE 8
#define MAXS 4
#define MAXT 3
#define PATH TOML_PATH

/* ---- what a parse records -------------------------------------------------- */

typedef struct want_entry {
    const char *table, *key, *value; /* value: the raw bytes of its span */
    size_t vstart, line_start, line_end;
} want_entry;

typedef struct want_string {
    const char *inner;
    size_t start, entry;
} want_string;

typedef struct want_table {
    const char *name;
    int array;
    size_t header_end, body_end;
} want_table;

/* clang-format off */
static const struct toml_case {
    const char *label;
    const char *data;
    size_t len;
    int crlf;
    size_t ne;
    want_entry e[MAXE];
    size_t ns;
    want_string s[MAXS];
    size_t nt;
    want_table t[MAXT];
} toml_cases[] = {
    /* ---- entries: tables and keys ---- */
    {"root keys", BYTES("a = 1\nb = true\n"), 0,
     2, {{"", "a", "1", 4, 0, 6}, {"", "b", "true", 10, 6, 15}},
     0, {{0}}, 0, {{0}}},
    {"[server]", BYTES("[server]\noffset = 10\n"), 0,
     1, {{"server", "offset", "10", 18, 9, 21}},
     0, {{0}}, 1, {{"server", 0, 9, 21}}},
    {"[a.b]", BYTES("[a.b]\nk = \"v\"\n"), 0,
     1, {{"a.b", "k", "\"v\"", 10, 6, 14}},
     1, {{"v", 11, 0}}, 1, {{"a.b", 0, 6, 14}}},
    {"two array tables with the same name",
     BYTES("[[apim.gateway.environment]]\nname = \"A\"\n"
           "[[apim.gateway.environment]]\nname = \"B\"\n"), 0,
     2, {{"apim.gateway.environment", "name", "\"A\"", 36, 29, 40},
         {"apim.gateway.environment", "name", "\"B\"", 76, 69, 80}},
     2, {{"A", 37, 0}, {"B", 77, 1}},
     2, {{"apim.gateway.environment", 1, 29, 40}, {"apim.gateway.environment", 1, 69, 80}}},
    {"root keys, a table, an array table",
     BYTES("top = 1\n[server]\nhostname = \"localhost\"\nnode.ip = \"127.0.0.1\"\n"
           "[[apim]]\nname = \"Default\"\n"), 0,
     4, {{"", "top", "1", 6, 0, 8},
         {"server", "hostname", "\"localhost\"", 28, 17, 40},
         {"server", "node.ip", "\"127.0.0.1\"", 50, 40, 62},
         {"apim", "name", "\"Default\"", 78, 71, 88}},
     3, {{"localhost", 29, 1}, {"127.0.0.1", 51, 2}, {"Default", 79, 3}},
     2, {{"server", 0, 17, 62}, {"apim", 1, 71, 88}}},
    {"dotted, quoted and spaced keys",
     BYTES("a.b = 1\n\"a.b\" = 2\na . c . d = 3\nsite.\"x y\" .z = 4\n"), 0,
     4, {{"", "a.b", "1", 6, 0, 8}, {"", "a.b", "2", 16, 8, 18},
         {"", "a.c.d", "3", 30, 18, 32}, {"", "site.x y.z", "4", 48, 32, 50}},
     0, {{0}}, 0, {{0}}},
    {"a quoted key is no string literal", BYTES("\"k\" = \"v\"\n'l' = 1\n"), 0,
     2, {{"", "k", "\"v\"", 6, 0, 10}, {"", "l", "1", 16, 10, 18}},
     1, {{"v", 7, 0}}, 0, {{0}}},
    /* ---- entries: value spans and line extents ---- */
    {"value forms",
     BYTES("[v]\nint = -10\nfloat = 1.5e3\nhex = 0xFF\nyes = false\ns = \"x\"\n"
           "arr = [1, 2, 3]\nit = { host = \"h\", port = 9443 }\n"), 0,
     7, {{"v", "int", "-10", 10, 4, 14}, {"v", "float", "1.5e3", 22, 14, 28},
         {"v", "hex", "0xFF", 34, 28, 39}, {"v", "yes", "false", 45, 39, 51},
         {"v", "s", "\"x\"", 55, 51, 59}, {"v", "arr", "[1, 2, 3]", 65, 59, 75},
         {"v", "it", "{ host = \"h\", port = 9443 }", 80, 75, 108}},
     2, {{"x", 56, 4}, {"h", 90, 6}}, 1, {{"v", 0, 4, 108}}},
    {"last line without a newline", BYTES("a = 1\nb = 2"), 0,
     2, {{"", "a", "1", 4, 0, 6}, {"", "b", "2", 10, 6, 11}},
     0, {{0}}, 0, {{0}}},
    {"comments after values", BYTES("a = 1 # one\nb = 2\t# two"), 0,
     2, {{"", "a", "1", 4, 0, 12}, {"", "b", "2", 16, 12, 23}},
     0, {{0}}, 0, {{0}}},
    {"indented keys", BYTES("  a = 1\n\tb = 2\n"), 0,
     2, {{"", "a", "1", 6, 0, 8}, {"", "b", "2", 13, 8, 15}},
     0, {{0}}, 0, {{0}}},
    /* ---- strings ---- */
    {"basic strings with escapes", BYTES("a = \"a\\\"b\"\nb = \"x\\\\\"\nc = \"\"\n"), 0,
     3, {{"", "a", "\"a\\\"b\"", 4, 0, 11}, {"", "b", "\"x\\\\\"", 15, 11, 21},
         {"", "c", "\"\"", 25, 21, 28}},
     3, {{"a\\\"b", 5, 0}, {"x\\\\", 16, 1}, {"", 26, 2}}, 0, {{0}}},
    {"literal strings", BYTES("p = 'C:\\path'\nq = 'a\\'\n"), 0,
     2, {{"", "p", "'C:\\path'", 4, 0, 14}, {"", "q", "'a\\'", 18, 14, 23}},
     2, {{"C:\\path", 5, 0}, {"a\\", 19, 1}}, 0, {{0}}},
    {"multi-line basic string", BYTES("m = \"\"\"\nline1 \"quoted\"\nline2\"\"\"\nn = 1\n"), 0,
     2, {{"", "m", "\"\"\"\nline1 \"quoted\"\nline2\"\"\"", 4, 0, 32}, {"", "n", "1", 36, 32, 38}},
     1, {{"\nline1 \"quoted\"\nline2", 7, 0}}, 0, {{0}}},
    {"quotes just before a multi-line closing delimiter",
     BYTES("one = \"\"\"say \"hi\"\"\"\"\ntwo = \"\"\"ab\"\"\"\"\"\n"
           "esc = \"\"\"a\\\"\"\"\"\nempty = \"\"\"\"\"\"\n"), 0,
     4, {{"", "one", "\"\"\"say \"hi\"\"\"\"", 6, 0, 21},
         {"", "two", "\"\"\"ab\"\"\"\"\"", 27, 21, 38},
         {"", "esc", "\"\"\"a\\\"\"\"\"", 44, 38, 54},
         {"", "empty", "\"\"\"\"\"\"", 62, 54, 69}},
     4, {{"say \"hi\"", 9, 0}, {"ab\"\"", 30, 1}, {"a\\\"", 47, 2}, {"", 65, 3}}, 0, {{0}}},
    {"multi-line literal strings", BYTES("m = '''\nC:\\dir\\\n'it''''\nn = '''x'''"), 0,
     2, {{"", "m", "'''\nC:\\dir\\\n'it''''", 4, 0, 24}, {"", "n", "'''x'''", 28, 24, 35}},
     2, {{"\nC:\\dir\\\n'it'", 7, 0}, {"x", 31, 1}}, 0, {{0}}},
    {"strings in a multi-line array with comments and a trailing comma",
     BYTES("urls = [\n    \"http://a:9443\", # first\n    # \"http://commented:1\",\n"
           "    'http://b:9763',\n]\nnext = \"n\"\n"), 0,
     2, {{"", "urls", "[\n    \"http://a:9443\", # first\n    # \"http://commented:1\",\n"
                      "    'http://b:9763',\n]", 7, 0, 89},
         {"", "next", "\"n\"", 96, 89, 100}},
     3, {{"http://a:9443", 14, 0}, {"http://b:9763", 71, 0}, {"n", 97, 1}}, 0, {{0}}},
    {"strings in inline tables",
     BYTES("gw = { url = \"https://h:9443/x\", ws = 'ws://h:9099' }\n"
           "n = { a = [\"x\", { b = \"y\" }], c = {} }\n"), 0,
     2, {{"", "gw", "{ url = \"https://h:9443/x\", ws = 'ws://h:9099' }", 5, 0, 54},
         {"", "n", "{ a = [\"x\", { b = \"y\" }], c = {} }", 58, 54, 93}},
     4, {{"https://h:9443/x", 14, 0}, {"ws://h:9099", 39, 0}, {"x", 66, 1}, {"y", 77, 1}},
     0, {{0}}},
    {"# inside strings is no comment",
     BYTES("u = \"http://h:9443/#frag\" # real\nv = '#'\nw = \"\"\"\n# x\n\"\"\"\n"), 0,
     3, {{"", "u", "\"http://h:9443/#frag\"", 4, 0, 33}, {"", "v", "'#'", 37, 33, 41},
         {"", "w", "\"\"\"\n# x\n\"\"\"", 45, 41, 57}},
     3, {{"http://h:9443/#frag", 5, 0}, {"#", 38, 1}, {"\n# x\n", 48, 2}}, 0, {{0}}},
    {"a header and a key inside a multi-line string",
     BYTES("s = \"\"\"\n[fake]\n# not a comment\nk = 0\n\"\"\"\nk = 1\n"), 0,
     2, {{"", "s", "\"\"\"\n[fake]\n# not a comment\nk = 0\n\"\"\"", 4, 0, 41},
         {"", "k", "1", 45, 41, 47}},
     1, {{"\n[fake]\n# not a comment\nk = 0\n", 7, 0}}, 0, {{0}}},
    /* ---- comments ---- */
    {"only comments", BYTES("# a\n  # b = 1\n#offset=0\n# offset  = 10\n\t#x\n"), 0,
     0, {{0}}, 0, {{0}}, 0, {{0}}},
    {"a header followed by a comment, commented-out keys",
     BYTES("[server] # the server\n#offset=0\n# offset  = 10\n  # indented = 1\n"
           "hostname = \"localhost\"\n\n"), 0,
     1, {{"server", "hostname", "\"localhost\"", 75, 64, 87}},
     1, {{"localhost", 76, 0}}, 1, {{"server", 0, 22, 88}}},
    /* ---- tables ---- */
    {"body_end at the start of an indented header after a blank line",
     BYTES("[a]\nx = 1\n\n  [b] # comment\ny = 2\n"), 0,
     2, {{"a", "x", "1", 8, 4, 10}, {"b", "y", "2", 31, 27, 33}},
     0, {{0}}, 2, {{"a", 0, 4, 11}, {"b", 0, 27, 33}}},
    {"a header at the end without a newline", BYTES("[a]\nx = 1\n[b]"), 0,
     1, {{"a", "x", "1", 8, 4, 10}},
     0, {{0}}, 2, {{"a", 0, 4, 10}, {"b", 0, 13, 13}}},
    {"blanks inside headers, a quoted table name",
     BYTES("[ server ]\n[[ a.b ]]\n[\"q.r\"]\n"), 0,
     0, {{0}}, 0, {{0}},
     3, {{"server", 0, 11, 11}, {"a.b", 1, 21, 21}, {"q.r", 0, 29, 29}}},
    /* ---- line ends ---- */
    {"CRLF", BYTES("[server]\r\noffset = 10\r\n"), 1,
     1, {{"server", "offset", "10", 19, 10, 23}},
     0, {{0}}, 1, {{"server", 0, 10, 23}}},
    {"CRLF with comments and blank lines",
     BYTES("# c\r\n[server]\r\noffset = 10 # x\r\nhost = \"h\"\r\n\r\n[b]\r\n"), 1,
     2, {{"server", "offset", "10", 24, 15, 32}, {"server", "host", "\"h\"", 39, 32, 44}},
     1, {{"h", 40, 1}}, 2, {{"server", 0, 15, 46}, {"b", 0, 51, 51}}},
    {"CRLF in a multi-line array", BYTES("a = [\r\n  \"x\", # c\r\n  2,\r\n]\r\n"), 1,
     1, {{"", "a", "[\r\n  \"x\", # c\r\n  2,\r\n]", 4, 0, 28}},
     1, {{"x", 10, 0}}, 0, {{0}}},
    {"LF first, CRLF later", BYTES("a = 1\nb = 2\r\n"), 0,
     2, {{"", "a", "1", 4, 0, 6}, {"", "b", "2", 10, 6, 13}},
     0, {{0}}, 0, {{0}}},
    {"one line, no newline", BYTES("a = 1"), 0,
     1, {{"", "a", "1", 4, 0, 5}}, 0, {{0}}, 0, {{0}}},
    {"empty file", BYTES(""), 0, 0, {{0}}, 0, {{0}}, 0, {{0}}},
    {"blank lines only", BYTES("\n \n\t\r\n"), 0, 0, {{0}}, 0, {{0}}, 0, {{0}}},
};
/* clang-format on */

/* 1 when `t` is what `c` wants; else 0 with the first difference in `why`. */
static int matches(const struct toml_case *c, const ps_toml *t, char *why, size_t n)
{
    if (t->crlf != c->crlf)
        return snprintf(why, n, "crlf %d, want %d", t->crlf, c->crlf), 0;
    if (t->nentries != c->ne)
        return snprintf(why, n, "%zu entries, want %zu", t->nentries, c->ne), 0;
    if (t->nstrings != c->ns)
        return snprintf(why, n, "%zu strings, want %zu", t->nstrings, c->ns), 0;
    if (t->ntables != c->nt)
        return snprintf(why, n, "%zu tables, want %zu", t->ntables, c->nt), 0;
    for (size_t i = 0; i < c->ne; i++) {
        const ps_toml_entry *g = &t->entries[i];
        const want_entry *w = &c->e[i];
        if (strcmp(g->table, w->table) != 0 || strcmp(g->key, w->key) != 0)
            return snprintf(why, n, "entry %zu is [%s] %s, want [%s] %s", i, g->table, g->key,
                            w->table, w->key),
                   0;
        if (!span_is(c->data, g->value, w->value) || g->value.start != w->vstart)
            return snprintf(why, n, "entry %zu value [%zu,%zu) '%.*s', want [%zu,) '%s'", i,
                            g->value.start, g->value.end,
                            g->value.start <= g->value.end && g->value.end <= c->len
                                ? (int)(g->value.end - g->value.start)
                                : 0,
                            c->data + (g->value.start <= c->len ? g->value.start : 0), w->vstart,
                            w->value),
                   0;
        if (g->line_start != w->line_start || g->line_end != w->line_end)
            return snprintf(why, n, "entry %zu lines [%zu,%zu), want [%zu,%zu)", i, g->line_start,
                            g->line_end, w->line_start, w->line_end),
                   0;
    }
    for (size_t i = 0; i < c->ns; i++) {
        const ps_toml_string *g = &t->strings[i];
        const want_string *w = &c->s[i];
        if (!span_is(c->data, g->inner, w->inner) || g->inner.start != w->start)
            return snprintf(why, n, "string %zu inner [%zu,%zu), want '%s' at %zu", i,
                            g->inner.start, g->inner.end, w->inner, w->start),
                   0;
        if (g->entry != w->entry)
            return snprintf(why, n, "string %zu in entry %zu, want %zu", i, g->entry, w->entry), 0;
    }
    for (size_t i = 0; i < c->nt; i++) {
        const ps_toml_table *g = &t->tables[i];
        const want_table *w = &c->t[i];
        if (strcmp(g->name, w->name) != 0 || g->array != w->array)
            return snprintf(why, n, "table %zu is %s%s, want %s%s", i, g->array ? "[]" : "",
                            g->name, w->array ? "[]" : "", w->name),
                   0;
        if (g->header_end != w->header_end || g->body_end != w->body_end)
            return snprintf(why, n, "table %zu header_end %zu body_end %zu, want %zu %zu", i,
                            g->header_end, g->body_end, w->header_end, w->body_end),
                   0;
    }
    return 1;
}

START_TEST(test_parse)
{
    const struct toml_case *c = &toml_cases[_i];
    ps_toml t;
    ps_error err;
    char why[1024] = "";
    int rc = toml_parse_bytes(&t, c->data, c->len, &err);
    int ok = rc == 0 ? matches(c, &t, why, sizeof why) : 0;
    if (rc != 0)
        snprintf(why, sizeof why, "refused: %s:%d:%d: %s", err.path, err.line, err.col,
                 err.message);
    /* Freed before asserting: no leak when a check fails under CK_FORK=no. */
    ps_toml_free(&t);
    ck_assert_msg(ok, "[%s] %s", c->label, why);
    ck_assert(zeroed(&t));
}
END_TEST

/* ---- refusals -------------------------------------------------------------- */

/* clang-format off */
static const struct bad_case {
    const char *label;
    const char *data;
    size_t len;
    int line, col;    /* col 0: any column */
    const char *what; /* a part of the message */
} bad_cases[] = {
    /* ---- lines that are not key = value, header or comment ---- */
    {"key without =", BYTES("[server]\noffset\n"), 2, 7, "expected '='"},
    {"key without = at the end", BYTES("offset"), 1, 7, "expected '='"},
    {"key, blank, value, no =", BYTES("offset 10\n"), 1, 8, "expected '='"},
    {"key = with no value", BYTES("[server]\noffset =\n"), 2, 9, "expected a value"},
    {"key = and blanks at the end", BYTES("a = "), 1, 5, "expected a value"},
    {"key = and a comment", BYTES("a = # none\n"), 1, 5, "expected a value"},
    {"two = signs", BYTES("a = = 1\n"), 1, 5, "expected a value"},
    {"text after a value", BYTES("a = 1 b"), 1, 7, "unexpected text after a value"},
    {"text after a string value", BYTES("x = 0\na = \"x\" y\n"), 2, 9,
     "unexpected text after a value"},
    {"two keys on one line", BYTES("a = 1 b = 2\n"), 1, 7, "unexpected text after a value"},
    {"text after a header", BYTES("[server] x\n"), 1, 10, "unexpected text after a table header"},
    {"] after a header", BYTES("[a]]\n"), 1, 4, "unexpected text after a table header"},
    {"stray text on a line of its own", BYTES("[a]\nb = 1\n=\n"), 3, 1, "expected a key"},
    /* ---- keys ---- */
    {"dot at the end of a key", BYTES("a. = 1\n"), 1, 4, "expected a key"},
    {"dot at the start of a key", BYTES(".a = 1\n"), 1, 1, "expected a key"},
    {"two dots in a key", BYTES("a..b = 1\n"), 1, 3, "expected a key"},
    {"key starting with a bad character", BYTES("a = 1\n  $b = 2\n"), 2, 3, "expected a key"},
    {"non-ASCII in a bare key", BYTES("caf\xc3\xa9 = 1\n"), 1, 4, "expected '='"},
    {"blank inside a bare key", BYTES("my key = 1\n"), 1, 4, "expected '='"},
    {"empty bare key", BYTES(" = 1\n"), 1, 2, "expected a key"},
    {"multi-line string as a key", BYTES("\"\"\"k\"\"\" = 1\n"), 1, 1, "multi-line"},
    {"a key cut by a line end", BYTES("a\n= 1\n"), 1, 2, "expected '='"},
    /* ---- headers ---- */
    {"[server without ]", BYTES("[server\nx = 1\n"), 1, 8, "expected ']'"},
    {"[server without ] at the end", BYTES("[server"), 1, 8, "expected ']'"},
    {"[[a] without the second ]", BYTES("[[a]\n"), 1, 4, "expected ']]'"},
    {"[[a] ] with a blank between the brackets", BYTES("[[a] ]\n"), 1, 4, "expected ']]'"},
    {"[ [a]] with a blank between the brackets", BYTES("[ [a]]\n"), 1, 3, "expected a key"},
    {"empty header", BYTES("[]\n"), 1, 2, "expected a key"},
    {"empty array header", BYTES("[[]]\n"), 1, 3, "expected a key"},
    {"header across lines", BYTES("[a\n.b]\n"), 1, 3, "expected ']'"},
    /* ---- arrays and inline tables ---- */
    {"unterminated array after a comma", BYTES("a = [1,\n  2,\n"), 1, 5, "unterminated array"},
    {"unterminated array after a value", BYTES("a = [\n  \"x\",\n  \"y\"\n"), 1, 5,
     "unterminated array"},
    {"array items without a comma", BYTES("a = [1 2]\n"), 1, 8, "expected ',' or ']'"},
    {"array with an empty item", BYTES("a = [1, , 2]\n"), 1, 9, "expected a value"},
    {"array with only a comma", BYTES("a = [,]\n"), 1, 6, "expected a value"},
    {"unterminated inline table", BYTES("a = { b = 1\n"), 1, 12, "expected ',' or '}'"},
    {"inline table across lines", BYTES("a = {\n  b = 1 }\n"), 1, 6, "expected a key"},
    {"inline table key without =", BYTES("a = { b 1 }\n"), 1, 9, "expected '='"},
    {"inline table with a trailing comma", BYTES("a = { b = 1, }\n"), 1, 14, "expected a key"},
    {"inline table with a comment", BYTES("a = { b = 1 # c\n}\n"), 1, 13, "expected ',' or '}'"},
    /* ---- duplicate keys ---- */
    {"a key twice", BYTES("[server]\noffset = 1\noffset = 2\n"), 3, 1,
     "key 'offset' is already defined (2:1)"},
    {"a key twice, once quoted", BYTES("offset = 1\n\"offset\" = 2\n"), 2, 1,
     "key 'offset' is already defined (1:1)"},
    {"a key twice, once quoted with an escape", BYTES("a = 1\n\"\\u0061\" = 2\n"), 2, 1,
     "key 'a' is already defined"},
    {"a key twice, once literal-quoted", BYTES("a = 1\n'a' = 2\n"), 2, 1,
     "key 'a' is already defined"},
    {"a key twice through dotted keys", BYTES("a.b = 1\na.b = 2\n"), 2, 3,
     "key 'b' is already defined (1:3)"},
    {"a key of [server] twice through a second table section",
     BYTES("[server]\nhostname = \"a\"\n[other]\n[server]\nhostname = \"b\"\n"), 4, 2,
     "table [server] is defined twice (first at 1:2)"},
    {"a key twice in an inline table", BYTES("a = { b = 1, b = 2 }\n"), 1, 14,
     "key 'b' is already defined (1:7)"},
    {"an empty quoted key twice", BYTES("\"\" = 1\n'' = 2\n"), 2, 1, "is already defined"},
    /* ---- tables defined twice ---- */
    {"[server] twice", BYTES("[server]\noffset = 1\n[server]\n"), 3, 2,
     "table [server] is defined twice (first at 1:2)"},
    {"[a.b] twice", BYTES("[a.b]\n[a]\n[a.b]\n"), 3, 4, "table [a.b] is defined twice (first at 1:4)"},
    {"[a] after [a.b] and [a]", BYTES("[a.b]\n[a]\n[a]\n"), 3, 2,
     "table [a] is defined twice (first at 2:2)"},
    {"a quoted header names the same table", BYTES("[a]\n[\"a\"]\n"), 2, 2,
     "table [a] is defined twice"},
    /* ---- redefinitions ---- */
    {"a table over a value", BYTES("server = 1\n[server]\n"), 2, 2,
     "'server' is already an integer (1:1)"},
    {"a header through a value", BYTES("a = 1\n[a.b]\n"), 2, 2,
     "'a' is already an integer (1:1): a header cannot add to it"},
    {"a dotted key through a value", BYTES("a = true\na.b = 1\n"), 2, 1,
     "'a' is already a boolean (1:1): a dotted key cannot add to it"},
    {"a value over a table made by dotted keys", BYTES("a.b = 1\na = 2\n"), 2, 1,
     "key 'a' is already defined (1:1)"},
    {"a header over a table made by dotted keys", BYTES("[s]\nt.v = 0\n[s.t]\n"), 3, 4,
     "table [s.t] is defined twice (first at 2:1)"},
    {"a dotted key into a table a header defined", BYTES("[a.b]\nz = 9\n[a]\nb.t = 1\n"), 4, 1,
     "'b' is already a table (1:4): a dotted key cannot add to it"},
    {"a dotted key into a table a header named", BYTES("[a.b.c]\n[a]\nb.t = 1\n"), 3, 1,
     "'b' is already a table (1:4): a dotted key cannot add to it"},
    {"a dotted key into an inline table", BYTES("a = { b = 1 }\na.c = 2\n"), 2, 1,
     "'a' is already an inline table (1:1): a dotted key cannot add to it"},
    {"a header into an inline table", BYTES("a = { b = 1 }\n[a.c]\n"), 2, 2,
     "'a' is already an inline table (1:1): a header cannot add to it"},
    {"an inline table defined again by a header", BYTES("server = { offset = 1 }\n[server]\n"),
     2, 2, "'server' is already an inline table (1:1)"},
    {"a dotted table of an inline table extended later",
     BYTES("a = { b.c = 1 }\n[a.b.d]\n"), 2, 2, "'a' is already an inline table"},
    {"an inline table's own table extended inside it", BYTES("a = { b = { c = 1 }, b.d = 2 }\n"),
     1, 22, "'b' is already an inline table (1:7): a dotted key cannot add to it"},
    {"a header into a static array", BYTES("a = [{ b = 1 }]\n[a.c]\n"), 2, 2,
     "'a' is already an array (1:1): a header cannot add to it"},
    {"[[a]] after a static array", BYTES("a = [1]\n[[a]]\n"), 2, 3, "'a' is already an array"},
    {"[a] after [[a]]", BYTES("[[a]]\n[a]\n"), 2, 2, "'a' is already an array of tables (1:3)"},
    {"[[a]] after [a]", BYTES("[a]\n[[a]]\n"), 2, 3, "'a' is already a table (1:2)"},
    {"[[a]] after [a.b] made a implicitly", BYTES("[a.b]\n[[a]]\n"), 2, 3, "'a' is already a table"},
    {"a dotted key into an array of tables", BYTES("[[t.arr]]\n[t]\narr.v = 1\n"), 3, 1,
     "'arr' is already an array of tables (1:5): a dotted key cannot add to it"},
    {"a key of an array table element twice", BYTES("[[a]]\nb = 1\nb = 2\n"), 3, 1,
     "key 'b' is already defined (2:1)"},
    {"a sub-table of the same array element twice", BYTES("[[a]]\n[a.b]\n[a.b]\n"), 3, 4,
     "table [a.b] is defined twice (first at 2:4)"},
    /* ---- bytes no document may hold (more in check_toml_value.c) ---- */
    {"NUL byte in a string", BYTES("a = 1\nb = \"x\0y\"\n"), 2, 7, "control character U+0000"},
    {"NUL byte first", BYTES("\0a = 1\n"), 1, 1, "control character U+0000"},
    {"invalid UTF-8 in a comment", BYTES("# caf\xe9\na = 1\n"), 1, 6, "invalid UTF-8"},
    {"a byte order mark that does not start the file", BYTES("a = 1\n\xef\xbb\xbf" "b = 2\n"), 2,
     1, "expected a key"},
    /* ---- strings that run on (more in check_toml_value.c) ---- */
    {"unterminated basic string", BYTES("a = 1\nb = \"abc\nc = 2\n"), 2, 5, "unterminated string"},
    {"unterminated basic string, CRLF", BYTES("b = \"abc\r\nc = 2\r\n"), 1, 5,
     "unterminated string"},
    {"unterminated literal string at the end", BYTES("b = 'abc"), 1, 5, "unterminated string"},
    /* A basic string is one line: a backslash does not let it run on. */
    {"backslash before the newline of a basic string", BYTES("a = \"x\\\n\"\n"), 1, 5,
     "unterminated string"},
    {"backslash before a newline swallows the next line", BYTES("a = \"C:\\\nb = 1\"\n"), 1, 5,
     "unterminated string"},
    {"backslash before the newline of a basic string in an array",
     BYTES("a = [\"x\\\n\", 1]\n"), 1, 6, "unterminated string"},
    {"unterminated multi-line basic string", BYTES("a = 1\nm = \"\"\"abc\n\ndef\n"), 2, 5,
     "unterminated multi-line string"},
    {"escaped multi-line delimiter does not close", BYTES("m = \"\"\"abc\\\"\"\"\n"), 1, 5,
     "unterminated multi-line string"},
    {"unterminated multi-line literal string", BYTES("m = '''abc''\n"), 1, 5,
     "unterminated multi-line string"},
    /* At most two quotes before the closing delimiter belong to the content. */
    {"three quotes before a multi-line closing delimiter", BYTES("m = \"\"\"ab\"\"\"\"\"\"\n"),
     1, 15, "too many quotes"},
};
/* clang-format on */

START_TEST(test_refused)
{
    const struct bad_case *c = &bad_cases[_i];
    ps_toml t;
    ps_error err;
    int rc = toml_parse_bytes(&t, c->data, c->len, &err);
    int clean = zeroed(&t);
    ps_toml_free(&t);
    assert_toml_refused(c->label, rc, &err, PATH, c->line, c->col, c->what);
    ck_assert_msg(clean, "[%s] a refused parse leaves its records behind", c->label);
}
END_TEST

/* 40 nested arrays or inline tables are refused, not recursed into without end. */
START_TEST(test_deep_nesting)
{
    char buf[256];
    for (int kind = 0; kind < 2; kind++) {
        size_t n = 0;
        n += (size_t)snprintf(buf, sizeof buf, "a = ");
        for (int i = 0; i < 40; i++)
            n += (size_t)snprintf(buf + n, sizeof buf - n, "%s", kind ? "{b=" : "[");
        n += (size_t)snprintf(buf + n, sizeof buf - n, "1");
        for (int i = 0; i < 40; i++)
            n += (size_t)snprintf(buf + n, sizeof buf - n, "%s", kind ? "}" : "]");
        n += (size_t)snprintf(buf + n, sizeof buf - n, "\n");
        ps_toml t;
        ps_error err;
        int rc = toml_parse_bytes(&t, buf, n, &err);
        ps_toml_free(&t);
        assert_toml_refused(kind ? "40 inline tables" : "40 arrays", rc, &err, PATH, 1, 0,
                            "values nested too deeply");
        ck_assert_int_gt(err.col, 5);
    }
}
END_TEST

/* Ten levels (far more than any WSO2 file) still parse; strings deep inside are recorded. */
START_TEST(test_moderate_nesting)
{
    const char *src = "x = 0\na = [[[[[{k = [[[[\"deep\"]]]]}]]]]]\n";
    ps_toml t;
    ps_error err;
    int rc = toml_parse_bytes(&t, src, strlen(src), &err);
    size_t ne = t.nentries, ns = t.nstrings;
    size_t entry = ns ? t.strings[0].entry : 99, start = ns ? t.strings[0].inner.start : 0;
    ps_toml_free(&t);
    ck_assert_msg(rc == 0, "%d:%d %s", err.line, err.col, err.message);
    ck_assert_uint_eq(ne, 2);
    ck_assert_uint_eq(ns, 1);
    ck_assert_uint_eq(entry, 1);
    ck_assert_uint_eq(start, 25);
}
END_TEST

/* ---- the record itself -------------------------------------------------------- */

/* Only the first `len` bytes are read. */
START_TEST(test_length_bounds)
{
    const char buf[] = "a = 1\nb = \"xyz\"\n[c]\n";
    ps_toml t;
    ps_error err;
    ck_assert_int_eq(toml_parse_bytes(&t, buf, 6, &err), 0);
    ck_assert_uint_eq(t.nentries, 1);
    ck_assert_uint_eq(t.entries[0].line_end, 6);
    ps_toml_free(&t);

    ck_assert_int_eq(toml_parse_bytes(&t, buf, 5, &err), 0);
    ck_assert_uint_eq(t.entries[0].value.end, 5);
    ck_assert_uint_eq(t.entries[0].line_end, 5);
    ps_toml_free(&t);

    ck_assert_int_eq(toml_parse_bytes(&t, buf, 14, &err), -1);
    ck_assert(strstr(err.message, "unterminated string") != NULL);
    ck_assert_int_eq(err.line, 2);
    ck_assert_int_eq(err.col, 5);

    ck_assert_int_eq(toml_parse_bytes(&t, buf, 18, &err), -1);
    ck_assert(strstr(err.message, "expected ']'") != NULL);
    ck_assert_int_eq(err.line, 3);
    ck_assert_int_eq(err.col, 3);
}
END_TEST

/* A refused parse leaves an empty record (free is harmless), with or without an error record. */
START_TEST(test_refused_record)
{
    ps_toml t;
    char *data = exact_copy(BYTES("a = 1\nb = \"x\"\n[c]\nd = [1,\n"));
    size_t len = sizeof("a = 1\nb = \"x\"\n[c]\nd = [1,\n") - 1;
    ck_assert_int_eq(ps_toml_parse(&t, PATH, data, len, NULL), -1);
    ck_assert(zeroed(&t));
    ps_toml_free(&t);
    ck_assert(zeroed(&t));
    free(data);
}
END_TEST

START_TEST(test_free_twice)
{
    ps_toml t;
    ps_error err;
    ck_assert_int_eq(toml_parse_bytes(&t, BYTES("[a]\nb = 'c'\n"), &err), 0);
    ck_assert_uint_eq(t.nentries, 1);
    ps_toml_free(&t);
    ck_assert(zeroed(&t));
    ps_toml_free(&t);
    ck_assert(zeroed(&t));
}
END_TEST

/* A deployment.toml as WSO2 ships it: every key found, every URL string recorded. */
START_TEST(test_deployment_like)
{
    const char *src =
        "[server]\r\n"
        "hostname = \"localhost\"\r\n"
        "#offset=0\r\n"
        "node_ip = \"127.0.0.1\"\r\n"
        "server_role = \"default\"\r\n"
        "\r\n"
        "[super_admin]\r\n"
        "username = \"admin\"\r\n"
        "create_admin_account = true\r\n"
        "\r\n"
        "[database.shared_db]\r\n"
        "type = \"h2\"\r\n"
        "url = \"jdbc:h2:./repository/database/WSO2SHARED_DB;DB_CLOSE_ON_EXIT=FALSE\"\r\n"
        "\r\n"
        "[[apim.gateway.environment]]\r\n"
        "name = \"Default\"\r\n"
        "service_url = \"https://localhost:${mgt.transport.https.port}/services/\"\r\n"
        "ws_endpoint = \"ws://localhost:9099\"\r\n"
        "http_endpoint = \"http://localhost:${http.nio.port}\"\r\n"
        "\r\n"
        "[transport.https.properties]\r\n"
        "proxyPort = 443\r\n"
        "\r\n"
        "[apim.cors]\r\n"
        "allow_origins = \"*\"\r\n"
        "allow_methods = [\"GET\",\"PUT\",\"POST\",\"DELETE\",\"PATCH\",\"OPTIONS\"]\r\n"
        "#allow_headers = [\"authorization\"]\r\n";
    size_t len = strlen(src);
    ps_toml t;
    ps_error err;
    ck_assert_msg(toml_parse_bytes(&t, src, len, &err) == 0, "%d:%d %s", err.line, err.col,
                  err.message);
    ck_assert_int_eq(t.crlf, 1);
    ck_assert_uint_eq(t.ntables, 6);
    ck_assert_uint_eq(t.nentries, 14);
    ck_assert_uint_eq(t.nstrings, 17);
    ck_assert_ptr_null(ps_toml_find(&t, "server.offset"));
    const ps_toml_entry *e = entry_of(&t, "apim.gateway.environment", "ws_endpoint");
    ck_assert_ptr_nonnull(e);
    ck_assert(span_is(src, e->value, "\"ws://localhost:9099\""));
    ck_assert(span_is(src, (ps_span){e->line_start, e->line_end},
                      "ws_endpoint = \"ws://localhost:9099\"\r\n"));
    size_t idx = (size_t)(e - t.entries);
    int found = 0;
    for (size_t i = 0; i < t.nstrings; i++)
        if (t.strings[i].entry == idx) {
            ck_assert(span_is(src, t.strings[i].inner, "ws://localhost:9099"));
            found++;
        }
    ck_assert_int_eq(found, 1);
    e = entry_of(&t, "apim.cors", "allow_methods");
    ck_assert_ptr_nonnull(e);
    idx = (size_t)(e - t.entries);
    found = 0;
    for (size_t i = 0; i < t.nstrings; i++)
        found += t.strings[i].entry == idx;
    ck_assert_int_eq(found, 6);
    const ps_toml_table *s = &t.tables[ps_toml_find(&t, "server")->table];
    ck_assert_str_eq(s->name, "server");
    ck_assert_uint_eq(s->header_end, 10);
    ck_assert_uint_eq(s->body_end, (size_t)(strstr(src, "[super_admin]") - src));
    const ps_toml_table *last = &t.tables[t.ntables - 1];
    ck_assert_str_eq(last->name, "apim.cors");
    ck_assert_uint_eq(last->body_end, len);
    ps_toml_free(&t);
}
END_TEST


static Suite *toml_suite(void)
{
    Suite *s = suite_create("toml");
    TCase *tc = tcase_create("parse");
    tcase_add_loop_test(tc, test_parse, 0, N(toml_cases));
    tcase_add_test(tc, test_length_bounds);
    tcase_add_test(tc, test_refused_record);
    tcase_add_test(tc, test_free_twice);
    tcase_add_test(tc, test_deployment_like);
    suite_add_tcase(s, tc);
    tc = tcase_create("refused");
    tcase_add_loop_test(tc, test_refused, 0, N(bad_cases));
    tcase_add_test(tc, test_deep_nesting);
    tcase_add_test(tc, test_moderate_nesting);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    int failed = run_suite(toml_suite());
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
