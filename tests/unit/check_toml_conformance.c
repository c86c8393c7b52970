#define _GNU_SOURCE
/*
 * ps_toml_parse against toml-test, the TOML 1.0 conformance cases
 * (../shared/toml-test, read in place): every invalid/ document is refused
 * with a line and column; every valid/ document is accepted and read as its
 * .json says: the same tables, arrays and typed values under the same keys,
 * every integer with its value, every string and boolean with its text.
 * Skips, saying so, when the folder is absent.
 *
 * The .json files use toml-test's tagged form: a value is an object of
 * exactly {"type": "...", "value": "..."}; any other object is a table. The
 * small JSON reader below knows only what that form uses (objects, arrays,
 * strings).
 */
#include <check.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/runner.h"
#include "../support/tomlcase.h"
#include "../support/xalloc.h"
#include "base/strbuf.h"
#include "parse/file.h"
#include "parse/toml.h"

static char **cases[2]; /* [0] invalid, [1] valid: .toml paths, sorted */
static size_t ncases[2], capcases[2];
static int collecting;

static int collect(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    size_t n = strlen(path);
    if (flag == FTW_F && n > 5 && strcmp(path + n - 5, ".toml") == 0)
        *XPUSH(cases[collecting], ncases[collecting], capcases[collecting]) = strdup(path);
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ---- what a document holds, as a sorted list of (path, type, value) ------- */

/* A path is encoded part by part: "k<len>:<key bytes>" or "i<index>;". */
typedef struct item {
    char *path;
    size_t path_len;
    char type[16];
    char *value; /* integers in decimal, strings decoded, booleans; "" otherwise */
    size_t value_len;
} item;

typedef struct items {
    item *v;
    size_t n, cap;
} items;

static void add_item(items *list, const ps_strbuf *path, const char *type, const char *value,
                     size_t value_len)
{
    item *it = XPUSH(list->v, list->n, list->cap);
    it->path = xstrndup(path->data ? path->data : "", path->len);
    it->path_len = path->len;
    snprintf(it->type, sizeof it->type, "%s", type);
    it->value = xstrndup(value, value_len);
    it->value_len = value_len;
}

static void items_free(items *list)
{
    for (size_t i = 0; i < list->n; i++) {
        free(list->v[i].path);
        free(list->v[i].value);
    }
    free(list->v);
    memset(list, 0, sizeof *list);
}

static int cmp_bytes(const char *a, size_t an, const char *b, size_t bn)
{
    int c = memcmp(a, b, an < bn ? an : bn);
    return c ? c : (an > bn) - (an < bn);
}

static int cmp_item(const void *x, const void *y)
{
    const item *a = x, *b = y;
    return cmp_bytes(a->path, a->path_len, b->path, b->path_len);
}

static void push_key(ps_strbuf *path, const char *key, size_t n)
{
    ps_strbuf_printf(path, "k%zu:", n);
    ps_strbuf_add(path, key, n);
}

/* "a.b[0].c", for messages. */
static char *readable(const char *p, size_t n)
{
    ps_strbuf b = PS_STRBUF_INIT;
    ps_strbuf_add(&b, "", 0);
    for (size_t i = 0; i < n;) {
        char *end;
        size_t v = strtoul(p + i + 1, &end, 10);
        size_t next = (size_t)(end - p) + 1;
        if (p[i] == 'i') {
            ps_strbuf_printf(&b, "[%zu]", v);
        } else {
            ps_strbuf_printf(&b, "%s%.*s", b.len ? "." : "", (int)v, p + next);
            next += v;
        }
        i = next;
    }
    return ps_strbuf_detach(&b, NULL);
}

/* ---- the tree ps_toml_parse built ---------------------------------------- */

static void walk(const ps_toml *t, const char *data, size_t n, ps_strbuf *path, items *out)
{
    const ps_toml_node *x = &t->nodes[n];
    char num[32] = "";
    const char *value = "";
    size_t value_len = 0;
    if (x->type == PS_TOML_INTEGER) {
        value_len = (size_t)snprintf(num, sizeof num, "%lld", (long long)x->integer);
        value = num;
    } else if (x->type == PS_TOML_STRING) {
        value = x->text;
        value_len = x->text_len;
    } else if (x->type == PS_TOML_BOOL) {
        value = data + x->value.start;
        value_len = x->value.end - x->value.start;
    }
    add_item(out, path, ps_toml_type_name(x->type), value, value_len);
    size_t index = 0, keep = path->len;
    for (size_t c = x->first; c; c = t->nodes[c].next) {
        if (t->nodes[c].key)
            push_key(path, t->nodes[c].key, t->nodes[c].key_len);
        else
            ps_strbuf_printf(path, "i%zu;", index++);
        walk(t, data, c, path, out);
        path->len = keep;
    }
}

/* ---- the .json, in toml-test's tagged form -------------------------------- */

typedef struct json {
    const char *p;
    size_t len, pos;
    const char *bad; /* why it could not be read */
} json;

static void jblank(json *j)
{
    while (j->pos < j->len && strchr(" \t\r\n", j->p[j->pos]))
        j->pos++;
}

static int jexpect(json *j, char c)
{
    jblank(j);
    if (j->pos >= j->len || j->p[j->pos] != c) {
        j->bad = "unexpected character";
        return -1;
    }
    j->pos++;
    return 0;
}

static int hex4(json *j, unsigned long *v)
{
    *v = 0;
    for (int k = 0; k < 4; k++, j->pos++) {
        char c = j->pos < j->len ? j->p[j->pos] : '\0';
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0) {
            j->bad = "bad \\u escape";
            return -1;
        }
        *v = *v << 4 | (unsigned long)d;
    }
    return 0;
}

static void utf8(ps_strbuf *out, unsigned long cp)
{
    char b[4];
    size_t n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    static const unsigned char lead[] = {0, 0, 0xC0, 0xE0, 0xF0};
    for (size_t k = n; k-- > 1; cp >>= 6)
        b[k] = (char)(0x80 | (cp & 0x3F));
    b[0] = (char)(lead[n] | cp);
    ps_strbuf_add(out, b, n);
}

static int jstring(json *j, ps_strbuf *out)
{
    if (jexpect(j, '"') < 0)
        return -1;
    ps_strbuf_add(out, "", 0);
    while (j->pos < j->len && j->p[j->pos] != '"') {
        char c = j->p[j->pos++];
        if (c != '\\') {
            ps_strbuf_add(out, &c, 1);
            continue;
        }
        c = j->pos < j->len ? j->p[j->pos++] : '\0';
        const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
        const char *at = c ? strchr(from, c) : NULL;
        unsigned long cp, lo;
        if (at) {
            ps_strbuf_add(out, to + (at - from), 1);
        } else if (c == 'u' && hex4(j, &cp) == 0) {
            /* A surrogate pair is one code point. */
            if (cp >= 0xD800 && cp < 0xDC00 && j->pos + 1 < j->len && j->p[j->pos] == '\\' &&
                j->p[j->pos + 1] == 'u') {
                j->pos += 2;
                if (hex4(j, &lo) < 0)
                    return -1;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            utf8(out, cp);
        } else {
            j->bad = "bad escape";
            return -1;
        }
    }
    return jexpect(j, '"');
}

static int jvalue(json *j, ps_strbuf *path, items *out);

/* An object: a tagged value when its members are exactly "type" and
 * "value" with string values, else a table. */
static int jobject(json *j, ps_strbuf *path, items *out)
{
    if (jexpect(j, '{') < 0)
        return -1;
    size_t keep = path->len, nstrings = 0, nothers = 0;
    ps_strbuf type = PS_STRBUF_INIT, val = PS_STRBUF_INIT;
    int rc = 0;
    jblank(j);
    if (j->pos < j->len && j->p[j->pos] == '}')
        j->pos++;
    else
        for (;;) {
            ps_strbuf key = PS_STRBUF_INIT;
            rc = jstring(j, &key);
            if (rc == 0)
                rc = jexpect(j, ':');
            jblank(j);
            if (rc == 0 && j->pos < j->len && j->p[j->pos] == '"') {
                nstrings++;
                int is_type = strcmp(key.data, "type") == 0;
                if (!is_type && strcmp(key.data, "value") != 0)
                    rc = -1, j->bad = "a string member other than type or value";
                else
                    rc = jstring(j, is_type ? &type : &val);
            } else if (rc == 0) {
                nothers++;
                push_key(path, key.data, key.len);
                rc = jvalue(j, path, out);
                path->len = keep;
            }
            ps_strbuf_free(&key);
            jblank(j);
            if (rc == 0 && j->pos < j->len && j->p[j->pos] == ',') {
                j->pos++;
                continue;
            }
            if (rc == 0)
                rc = jexpect(j, '}');
            break;
        }
    if (rc == 0 && nstrings && (nstrings != 2 || nothers || !type.data || !val.data)) {
        rc = -1;
        j->bad = "a tagged value is exactly {type, value}";
    }
    if (rc == 0 && nstrings) {
        const char *v = val.data;
        size_t vn = val.len;
        char num[32];
        if (strcmp(type.data, "integer") == 0) {
            char *end;
            vn = (size_t)snprintf(num, sizeof num, "%lld", strtoll(val.data, &end, 10));
            v = num;
        } else if (strcmp(type.data, "string") != 0 && strcmp(type.data, "bool") != 0) {
            v = "", vn = 0; /* floats and dates: compared by type only */
        }
        add_item(out, path, type.data, v, vn);
    } else if (rc == 0) {
        add_item(out, path, "table", "", 0);
    }
    ps_strbuf_free(&type);
    ps_strbuf_free(&val);
    return rc;
}

static int jvalue(json *j, ps_strbuf *path, items *out)
{
    jblank(j);
    if (j->pos < j->len && j->p[j->pos] == '{')
        return jobject(j, path, out);
    if (jexpect(j, '[') < 0)
        return -1;
    add_item(out, path, "array", "", 0);
    size_t keep = path->len, index = 0;
    jblank(j);
    if (j->pos < j->len && j->p[j->pos] == ']') {
        j->pos++;
        return 0;
    }
    for (;;) {
        ps_strbuf_printf(path, "i%zu;", index++);
        int rc = jvalue(j, path, out);
        path->len = keep;
        if (rc < 0)
            return -1;
        jblank(j);
        if (j->pos < j->len && j->p[j->pos] == ',') {
            j->pos++;
            continue;
        }
        return jexpect(j, ']');
    }
}

/* ---- the cases ------------------------------------------------------------ */

START_TEST(invalid_document_refused)
{
    const char *path = cases[0][_i];
    ps_toml t;
    ps_error err;
    int rc = toml_parse_file(&t, path, &err);
    ps_toml_free(&t);
    assert_toml_refused(path, rc, &err, path, 0, 0, "");
}
END_TEST

START_TEST(valid_document_read_as_its_json_says)
{
    const char *path = cases[1][_i];
    char *data, *jdata;
    size_t len, jlen;
    ps_error err;
    ck_assert_int_eq(ps_file_read(path, &data, &len, &err), 0);
    ps_toml t;
    int rc = ps_toml_parse(&t, path, data, len, &err);
    ck_assert_msg(rc == 0, "%s: refused: %d:%d: %s", path, err.line, err.col, err.message);

    char jpath[4096];
    snprintf(jpath, sizeof jpath, "%.*s.json", (int)(strlen(path) - 5), path);
    ck_assert_int_eq(ps_file_read(jpath, &jdata, &jlen, &err), 0);
    items want = {0}, got = {0};
    ps_strbuf p = PS_STRBUF_INIT;
    json j = {.p = jdata, .len = jlen};
    ck_assert_msg(jvalue(&j, &p, &want) == 0, "%s: cannot read at byte %zu: %s", jpath, j.pos,
                  j.bad);
    p.len = 0;
    walk(&t, data, 0, &p, &got);
    qsort(want.v, want.n, sizeof *want.v, cmp_item);
    qsort(got.v, got.n, sizeof *got.v, cmp_item);

    char why[2048] = "";
    for (size_t i = 0; i < want.n || i < got.n; i++) {
        const item *w = i < want.n ? &want.v[i] : NULL, *g = i < got.n ? &got.v[i] : NULL;
        if (w && g && cmp_item(w, g) == 0 && strcmp(w->type, g->type) == 0 &&
            cmp_bytes(w->value, w->value_len, g->value, g->value_len) == 0)
            continue;
        const item *at = w && (!g || cmp_item(w, g) <= 0) ? w : g;
        char *name = readable(at->path, at->path_len);
        snprintf(why, sizeof why, "at '%s': .json has %s '%.*s', the reader %s '%.*s'", name,
                 w ? w->type : "nothing", w ? (int)w->value_len : 0, w ? w->value : "",
                 g ? g->type : "nothing", g ? (int)g->value_len : 0, g ? g->value : "");
        free(name);
        break;
    }
    items_free(&want);
    items_free(&got);
    ps_strbuf_free(&p);
    ps_toml_free(&t);
    free(data);
    free(jdata);
    ck_assert_msg(why[0] == '\0', "%s: %s", path, why);
}
END_TEST

int main(void)
{
    const char *dirs[2] = {PS_TOML_TEST_DIR "/invalid", PS_TOML_TEST_DIR "/valid"};
    for (collecting = 0; collecting < 2; collecting++) {
        if (nftw(dirs[collecting], collect, 16, FTW_PHYS) != 0 || !ncases[collecting]) {
            printf("toml-test: no cases under %s: skipping the TOML conformance suite\n",
                   dirs[collecting]);
            return PS_SKIPPED;
        }
        qsort(cases[collecting], ncases[collecting], sizeof *cases[collecting], cmp_str);
    }
    printf("toml-test: %zu invalid and %zu valid documents\n", ncases[0], ncases[1]);
    Suite *s = suite_create("toml_conformance");
    TCase *tc = tcase_create("invalid");
    tcase_add_loop_test(tc, invalid_document_refused, 0, (int)ncases[0]);
    suite_add_tcase(s, tc);
    tc = tcase_create("valid");
    tcase_add_loop_test(tc, valid_document_read_as_its_json_says, 0, (int)ncases[1]);
    suite_add_tcase(s, tc);
    int failed = run_suite(s);
    for (int k = 0; k < 2; k++) {
        for (size_t i = 0; i < ncases[k]; i++)
            free(cases[k][i]);
        free(cases[k]);
    }
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
