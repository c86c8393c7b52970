#include "parse/toml.h"

#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/strbuf.h"
#include "parse/file.h"

typedef struct scanner {
    const char *p;
    size_t len, pos;
    const char *path;
    ps_error *err;
    ps_toml *t;
    size_t ecap, scap, tcap;
    ps_lines lines;
    char *table;
} scanner;

static int fail(scanner *s, size_t at, const char *msg)
{
    int line, col;
    ps_lines_pos(&s->lines, at < s->len ? at : s->len, &line, &col);
    return ps_error_set(s->err, s->path, line, col, "malformed TOML: %s", msg);
}

static int at_eol(const scanner *s)
{
    return s->pos >= s->len || s->p[s->pos] == '\n' ||
           (s->p[s->pos] == '\r' && s->pos + 1 < s->len && s->p[s->pos + 1] == '\n');
}

static void skip_blank(scanner *s)
{
    while (s->pos < s->len && (s->p[s->pos] == ' ' || s->p[s->pos] == '\t'))
        s->pos++;
}

static void skip_comment(scanner *s)
{
    if (s->pos < s->len && s->p[s->pos] == '#')
        while (!at_eol(s))
            s->pos++;
}

static void skip_newline(scanner *s)
{
    if (s->pos < s->len && s->p[s->pos] == '\r')
        s->pos++;
    if (s->pos < s->len && s->p[s->pos] == '\n')
        s->pos++;
}

/* Blank space, newlines and comments, as allowed inside arrays. */
static void skip_ws_nl(scanner *s)
{
    for (;;) {
        skip_blank(s);
        skip_comment(s);
        if (s->pos < s->len && (s->p[s->pos] == '\n' || s->p[s->pos] == '\r'))
            s->pos++;
        else
            return;
    }
}

static int starts(const scanner *s, const char *lit)
{
    size_t n = strlen(lit);
    return s->pos + n <= s->len && memcmp(s->p + s->pos, lit, n) == 0;
}

static int bare_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
}

/* A string literal at pos; records its inner span for entry `entry`. */
static int string(scanner *s, size_t entry, int record)
{
    size_t start = s->pos;
    const char *close;
    size_t inner0;
    int multi = starts(s, "\"\"\"") || starts(s, "'''");
    char q = s->p[s->pos];
    if (multi) {
        inner0 = s->pos + 3;
        const char *delim = q == '"' ? "\"\"\"" : "'''";
        size_t i = inner0;
        close = NULL;
        for (; i + 3 <= s->len; i++) {
            if (q == '"' && s->p[i] == '\\') {
                i++;
                continue;
            }
            if (memcmp(s->p + i, delim, 3) == 0) {
                close = s->p + i;
                break;
            }
        }
        if (!close)
            return fail(s, start, "unterminated multi-line string");
        /* Up to two more quotes may belong to the content; a third is an error. */
        size_t end = (size_t)(close - s->p);
        for (int extra = 0; extra < 2 && end + 3 < s->len && s->p[end + 3] == q; extra++)
            end++;
        if (end + 3 < s->len && s->p[end + 3] == q)
            return fail(s, end + 3, "too many quotes before the end of a multi-line string");
        s->pos = end + 3;
        close = s->p + end;
    } else {
        inner0 = s->pos + 1;
        size_t i = inner0;
        close = NULL;
        for (; i < s->len && s->p[i] != '\n'; i++) {
            if (q == '"' && s->p[i] == '\\') {
                /* An escape, never of a line end: only multi-line strings continue lines. */
                if (i + 1 >= s->len || s->p[i + 1] == '\n' || s->p[i + 1] == '\r')
                    break;
                i++;
                continue;
            }
            if (s->p[i] == q) {
                close = s->p + i;
                break;
            }
        }
        if (!close)
            return fail(s, start, "unterminated string");
        s->pos = (size_t)(close - s->p) + 1;
    }
    if (record) {
        ps_toml_string *str = PS_PUSH(s->t->strings, s->t->nstrings, s->scap);
        str->inner.start = inner0;
        str->inner.end = (size_t)(close - s->p);
        str->entry = entry;
    }
    return 0;
}

static int key(scanner *s, ps_strbuf *out)
{
    for (;;) {
        skip_blank(s);
        if (s->pos >= s->len)
            return fail(s, s->pos, "expected a key");
        char c = s->p[s->pos];
        if (c == '"' || c == '\'') {
            size_t q0 = s->pos;
            if (string(s, 0, 0) < 0)
                return -1;
            ps_strbuf_add(out, s->p + q0 + 1, s->pos - q0 - 2);
        } else if (bare_char(c)) {
            size_t k0 = s->pos;
            while (s->pos < s->len && bare_char(s->p[s->pos]))
                s->pos++;
            ps_strbuf_add(out, s->p + k0, s->pos - k0);
        } else {
            return fail(s, s->pos, "expected a key");
        }
        skip_blank(s);
        if (s->pos < s->len && s->p[s->pos] == '.') {
            s->pos++;
            ps_strbuf_add(out, ".", 1);
            continue;
        }
        return 0;
    }
}

static int value(scanner *s, size_t entry, int depth);

static int inline_table(scanner *s, size_t entry, int depth)
{
    s->pos++; /* { */
    skip_blank(s);
    if (s->pos < s->len && s->p[s->pos] == '}') {
        s->pos++;
        return 0;
    }
    for (;;) {
        ps_strbuf k = PS_STRBUF_INIT;
        int rc = key(s, &k);
        ps_strbuf_free(&k);
        if (rc < 0)
            return -1;
        if (s->pos >= s->len || s->p[s->pos] != '=')
            return fail(s, s->pos, "expected '=' in inline table");
        s->pos++;
        skip_blank(s);
        if (value(s, entry, depth + 1) < 0)
            return -1;
        skip_blank(s);
        if (s->pos < s->len && s->p[s->pos] == ',') {
            s->pos++;
            continue;
        }
        if (s->pos < s->len && s->p[s->pos] == '}') {
            s->pos++;
            return 0;
        }
        return fail(s, s->pos, "expected ',' or '}' in inline table");
    }
}

static int array(scanner *s, size_t entry, int depth)
{
    size_t open = s->pos++;
    for (;;) {
        skip_ws_nl(s);
        if (s->pos >= s->len)
            return fail(s, open, "unterminated array");
        if (s->p[s->pos] == ']') {
            s->pos++;
            return 0;
        }
        if (value(s, entry, depth + 1) < 0)
            return -1;
        skip_ws_nl(s);
        if (s->pos >= s->len)
            return fail(s, open, "unterminated array");
        if (s->p[s->pos] == ',') {
            s->pos++;
            continue;
        }
        if (s->p[s->pos] == ']') {
            s->pos++;
            return 0;
        }
        return fail(s, s->pos, "expected ',' or ']' in array");
    }
}

static int value(scanner *s, size_t entry, int depth)
{
    if (depth > 32)
        return fail(s, s->pos, "values nested too deeply");
    if (s->pos >= s->len || at_eol(s))
        return fail(s, s->pos, "expected a value");
    char c = s->p[s->pos];
    if (c == '"' || c == '\'')
        return string(s, entry, 1);
    if (c == '[')
        return array(s, entry, depth);
    if (c == '{')
        return inline_table(s, entry, depth);
    size_t v0 = s->pos;
    while (s->pos < s->len && !at_eol(s) && s->p[s->pos] != ',' && s->p[s->pos] != ']' &&
           s->p[s->pos] != '}' && s->p[s->pos] != '#' && s->p[s->pos] != ' ' &&
           s->p[s->pos] != '\t')
        s->pos++;
    if (s->pos == v0)
        return fail(s, v0, "expected a value");
    return 0;
}

static int header(scanner *s, size_t line_start)
{
    int arr = starts(s, "[[");
    s->pos += arr ? 2 : 1;
    ps_strbuf name = PS_STRBUF_INIT;
    if (key(s, &name) < 0) {
        ps_strbuf_free(&name);
        return -1;
    }
    if (!(arr ? starts(s, "]]") : starts(s, "]"))) {
        ps_strbuf_free(&name);
        return fail(s, s->pos, arr ? "expected ']]'" : "expected ']'");
    }
    s->pos += arr ? 2 : 1;
    skip_blank(s);
    skip_comment(s);
    if (!at_eol(s)) {
        ps_strbuf_free(&name);
        return fail(s, s->pos, "unexpected text after a table header");
    }
    skip_newline(s);
    if (s->t->ntables)
        s->t->tables[s->t->ntables - 1].body_end = line_start;
    ps_toml_table *tb = PS_PUSH(s->t->tables, s->t->ntables, s->tcap);
    tb->name = ps_strbuf_detach(&name, NULL);
    tb->array = arr;
    tb->header_end = s->pos;
    tb->body_end = s->len;
    free(s->table);
    s->table = ps_xstrdup(tb->name);
    return 0;
}

static int keyval(scanner *s, size_t line_start)
{
    ps_strbuf k = PS_STRBUF_INIT;
    if (key(s, &k) < 0) {
        ps_strbuf_free(&k);
        return -1;
    }
    if (s->pos >= s->len || s->p[s->pos] != '=') {
        ps_strbuf_free(&k);
        return fail(s, s->pos, "expected '=' after a key");
    }
    s->pos++;
    skip_blank(s);
    size_t idx = s->t->nentries;
    ps_toml_entry *e = PS_PUSH(s->t->entries, s->t->nentries, s->ecap);
    memset(e, 0, sizeof *e);
    e->table = ps_xstrdup(s->table);
    e->key = ps_strbuf_detach(&k, NULL);
    e->line_start = line_start;
    size_t v0 = s->pos;
    if (value(s, idx, 0) < 0)
        return -1;
    e = &s->t->entries[idx];
    e->value.start = v0;
    e->value.end = s->pos;
    skip_blank(s);
    skip_comment(s);
    if (!at_eol(s))
        return fail(s, s->pos, "unexpected text after a value");
    skip_newline(s);
    e->line_end = s->pos;
    return 0;
}

int ps_toml_parse(ps_toml *t, const char *path, const char *data, size_t len, ps_error *err)
{
    memset(t, 0, sizeof *t);
    scanner s = {.p = data, .len = len, .path = path, .err = err, .t = t};
    s.table = ps_xstrdup("");
    ps_lines_build(&s.lines, data, len);
    const char *nl = memchr(data, '\n', len);
    t->crlf = nl && nl > data && nl[-1] == '\r';
    int rc = 0;
    if (memchr(data, '\0', len))
        rc = fail(&s, (size_t)((const char *)memchr(data, '\0', len) - data), "NUL byte");
    while (rc == 0 && s.pos < len) {
        size_t line_start = s.pos;
        skip_blank(&s);
        skip_comment(&s);
        if (at_eol(&s)) {
            skip_newline(&s);
            continue;
        }
        rc = s.p[s.pos] == '[' ? header(&s, line_start) : keyval(&s, line_start);
    }
    ps_lines_free(&s.lines);
    free(s.table);
    if (rc < 0)
        ps_toml_free(t);
    return rc;
}

void ps_toml_free(ps_toml *t)
{
    for (size_t i = 0; i < t->nentries; i++) {
        free(t->entries[i].table);
        free(t->entries[i].key);
    }
    for (size_t i = 0; i < t->ntables; i++)
        free(t->tables[i].name);
    free(t->entries);
    free(t->strings);
    free(t->tables);
    memset(t, 0, sizeof *t);
}

const ps_toml_entry *ps_toml_get(const ps_toml *t, const char *table, const char *key)
{
    for (size_t i = 0; i < t->nentries; i++)
        if (strcmp(t->entries[i].table, table) == 0 && strcmp(t->entries[i].key, key) == 0)
            return &t->entries[i];
    return NULL;
}

const ps_toml_table *ps_toml_table_get(const ps_toml *t, const char *name)
{
    for (size_t i = 0; i < t->ntables; i++)
        if (!t->tables[i].array && strcmp(t->tables[i].name, name) == 0)
            return &t->tables[i];
    return NULL;
}
