#include "parse/toml.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/strbuf.h"
#include "parse/file.h"
#include "parse/toml_value.h"

/* Arrays and inline tables deeper than this are refused, not recursed into. */
#define MAX_DEPTH 32
/* A shipped deployment.toml holds about a hundred keys and values; a document
 * with this many is refused before its tree can take much memory. */
#define MAX_NODES 100000

typedef struct reader {
    const char *p;
    size_t len, pos;
    const char *path;
    ps_error *err;
    ps_toml *t;
    size_t ecap, scap, tcap, ncap;
    size_t *last; /* per node: its last child, to append in order */
    size_t nlast, lcap;
    ps_lines lines;
    size_t table;     /* the node keys are added to: the root, or the last header's table */
    char *table_name; /* its name, for entries */
    size_t entry;     /* the top-level key/value being read, PS_TOML_NONE between them */
    int depth;
} reader;

/* One part of a dotted key, decoded. */
typedef struct key_part {
    char *s;
    size_t n;
    size_t at;
} key_part;

typedef struct key_path {
    key_part *parts;
    size_t n, cap;
} key_path;

static int fail(reader *r, size_t at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(reader *r, size_t at, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return ps_lines_error(&r->lines, r->err, r->path, at < r->len ? at : r->len, "invalid TOML: %s",
                          msg);
}

static int too_many(reader *r)
{
    return fail(r, r->pos, "more than %d keys and values: too large for a deployment.toml",
                MAX_NODES);
}

static int oom(reader *r)
{
    return ps_error_oom(r->err);
}

static int lexed(reader *r, const ps_toml__fault *f)
{
    return fail(r, f->at, "%s", f->why);
}

/* "3:1": where node n was written, for messages about a second definition. */
static const char *where(const reader *r, size_t n, char *buf, size_t size)
{
    int line, col;
    ps_lines_pos(&r->lines, r->t->nodes[n].at, &line, &col);
    snprintf(buf, size, "%d:%d", line, col);
    return buf;
}

/* ---- nodes and the (parent, key) hash ----------------------------------- */

static size_t hash_key(size_t parent, const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL ^ parent;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return (size_t)h;
}

static int node_is(const ps_toml *t, size_t n, size_t parent, const char *s, size_t len)
{
    const ps_toml_node *x = &t->nodes[n];
    return x->parent == parent && x->key && x->key_len == len && memcmp(x->key, s, len) == 0;
}

/* The slot of (parent, key): its node + 1, or the empty slot where it would go. */
static size_t *slot(const ps_toml *t, size_t parent, const char *s, size_t n)
{
    size_t mask = t->nslots - 1;
    for (size_t i = hash_key(parent, s, n) & mask;; i = (i + 1) & mask)
        if (!t->slots[i] || node_is(t, t->slots[i] - 1, parent, s, n))
            return &t->slots[i];
}

/* -1 (the table as it was) when out of memory. */
static int rehash(ps_toml *t)
{
    size_t nslots = t->nslots ? t->nslots * 2 : 64;
    size_t *slots = ps_calloc(nslots, sizeof *slots);
    if (!slots)
        return -1;
    free(t->slots);
    t->slots = slots;
    t->nslots = nslots;
    for (size_t i = 1; i < t->nnodes; i++)
        if (t->nodes[i].key)
            *slot(t, t->nodes[i].parent, t->nodes[i].key, t->nodes[i].key_len) = i + 1;
    return 0;
}

static size_t child(const reader *r, size_t parent, const key_part *k)
{
    size_t s = *slot(r->t, parent, k->s, k->n);
    return s ? s - 1 : PS_TOML_NONE;
}

/* A new node under `parent`, keyed by `k` (NULL for an array element);
 * PS_TOML_NONE (the error set) when out of memory. Everything it needs is
 * had before the tree changes, so a failure leaves the tree as it was. */
static size_t add_node(reader *r, size_t parent, ps_toml_type type, ps_toml_origin origin,
                       const key_part *k, size_t at)
{
    ps_toml *t = r->t;
    size_t n = t->nnodes;
    char *key = k ? ps_strndup(k->s, k->n) : NULL; /* may hold a NUL: key_len is its length */
    if ((k && !key) || ps_reserve((void **)&t->nodes, &r->ncap, n + 1, sizeof *t->nodes) < 0 ||
        ps_reserve((void **)&r->last, &r->lcap, r->nlast + 1, sizeof *r->last) < 0 ||
        (k && 2 * (n + 1) >= t->nslots && rehash(t) < 0)) {
        free(key);
        oom(r);
        return PS_TOML_NONE;
    }
    ps_toml_node *x = &t->nodes[t->nnodes++];
    memset(x, 0, sizeof *x);
    x->type = type;
    x->origin = origin;
    x->parent = parent;
    x->at = at;
    x->entry = r->entry;
    x->table = PS_TOML_NONE;
    r->last[r->nlast++] = 0;
    if (n != parent) {
        if (r->last[parent])
            t->nodes[r->last[parent]].next = n;
        else
            t->nodes[parent].first = n;
        r->last[parent] = n;
    }
    if (k) {
        x->key = key;
        x->key_len = k->n;
        *slot(t, parent, k->s, k->n) = n + 1;
    }
    return n;
}

/* ---- lexical helpers ------------------------------------------------------ */

static int at_eol(const reader *r)
{
    return r->pos >= r->len || r->p[r->pos] == '\n' || r->p[r->pos] == '\r';
}

static void skip_blank(reader *r)
{
    while (r->pos < r->len && (r->p[r->pos] == ' ' || r->p[r->pos] == '\t'))
        r->pos++;
}

/* A comment runs to the line end (ps_toml__check_bytes has vetted its bytes). */
static void skip_comment(reader *r)
{
    if (r->pos < r->len && r->p[r->pos] == '#')
        while (!at_eol(r))
            r->pos++;
}

static void skip_newline(reader *r)
{
    if (r->pos < r->len && r->p[r->pos] == '\r')
        r->pos++; /* always followed by \n: checked up front */
    if (r->pos < r->len && r->p[r->pos] == '\n')
        r->pos++;
}

/* Blanks, line ends and comments, as arrays allow between their values. */
static void skip_space(reader *r)
{
    for (;;) {
        skip_blank(r);
        skip_comment(r);
        if (r->pos < r->len && (r->p[r->pos] == '\n' || r->p[r->pos] == '\r'))
            skip_newline(r);
        else
            return;
    }
}

/* Blanks and a comment, then the line must end. */
static int end_of_line(reader *r, const char *after)
{
    skip_blank(r);
    skip_comment(r);
    if (!at_eol(r))
        return fail(r, r->pos, "unexpected text after %s", after);
    skip_newline(r);
    return 0;
}

static int bare_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
}

/* ---- keys ----------------------------------------------------------------- */

static void key_free(key_path *k)
{
    for (size_t i = 0; i < k->n; i++)
        free(k->parts[i].s);
    free(k->parts);
    memset(k, 0, sizeof *k);
}

/* A key, dotted or not; blanks after it are skipped. */
static int read_key(reader *r, key_path *k)
{
    for (;;) {
        skip_blank(r);
        size_t at = r->pos;
        char c = at < r->len ? r->p[at] : '\0';
        ps_strbuf b = PS_STRBUF_INIT;
        if (c == '"' || c == '\'') {
            ps_span inner;
            ps_toml__fault f;
            if (ps_toml__string(r->p, r->len, at, 0, &inner, &r->pos, &b, &f) < 0) {
                ps_strbuf_free(&b);
                return lexed(r, &f);
            }
        } else if (at < r->len && bare_char(c)) {
            while (r->pos < r->len && bare_char(r->p[r->pos]))
                r->pos++;
            ps_strbuf_add(&b, r->p + at, r->pos - at);
        } else {
            return fail(r, at, "expected a key");
        }
        if (k->n >= MAX_NODES) {
            ps_strbuf_free(&b);
            return too_many(r);
        }
        key_part *part = PS_TRY_PUSH(k->parts, k->n, k->cap);
        if (!part) {
            ps_strbuf_free(&b);
            return oom(r);
        }
        part->at = at;
        if (!(part->s = ps_strbuf_detach(&b, &part->n))) {
            k->n--;
            return oom(r);
        }
        skip_blank(r);
        if (r->pos < r->len && r->p[r->pos] == '.') {
            r->pos++;
            continue;
        }
        return 0;
    }
}

/* NULL when out of memory. */
static char *key_join(const key_path *k)
{
    ps_strbuf b = PS_STRBUF_INIT;
    ps_strbuf_add(&b, "", 0);
    for (size_t i = 0; i < k->n; i++) {
        if (i)
            ps_strbuf_add(&b, ".", 1);
        ps_strbuf_add(&b, k->parts[i].s, k->parts[i].n);
    }
    return ps_strbuf_detach(&b, NULL);
}

/* ---- values --------------------------------------------------------------- */

static int keyval(reader *r, size_t table, int in_inline);

/* Once an inline table is closed, nothing may be added to it or to the
 * tables its dotted keys made: they all become INLINE. Every node made
 * since it opened is one of its own (a loop, not a recursion: a dotted key
 * may have any number of parts). */
static void close_inline(ps_toml *t, size_t n)
{
    for (size_t i = n + 1; i < t->nnodes; i++)
        if (t->nodes[i].type == PS_TOML_TABLE && t->nodes[i].origin == PS_TOML_DOTTED)
            t->nodes[i].origin = PS_TOML_INLINE;
}

static int value(reader *r, size_t node);

static int array(reader *r, size_t node)
{
    size_t open = r->pos++;
    for (;;) {
        skip_space(r);
        if (r->pos >= r->len)
            return fail(r, open, "unterminated array");
        if (r->p[r->pos] == ']') {
            r->pos++;
            return 0;
        }
        size_t elem = add_node(r, node, PS_TOML_STRING, PS_TOML_HEADER, NULL, r->pos);
        if (elem == PS_TOML_NONE || value(r, elem) < 0)
            return -1;
        skip_space(r);
        if (r->pos >= r->len)
            return fail(r, open, "unterminated array");
        if (r->p[r->pos] == ',') {
            r->pos++;
            continue;
        }
        if (r->p[r->pos] == ']') {
            r->pos++;
            return 0;
        }
        return fail(r, r->pos, "expected ',' or ']' in an array");
    }
}

/* { k = v, ... } on one line, no trailing comma. */
static int inline_table(reader *r, size_t node)
{
    r->pos++;
    skip_blank(r);
    if (r->pos < r->len && r->p[r->pos] == '}') {
        r->pos++;
        return 0;
    }
    for (;;) {
        if (keyval(r, node, 1) < 0)
            return -1;
        skip_blank(r);
        if (r->pos < r->len && r->p[r->pos] == ',') {
            r->pos++;
            continue;
        }
        if (r->pos < r->len && r->p[r->pos] == '}') {
            r->pos++;
            close_inline(r->t, node);
            return 0;
        }
        return fail(r, r->pos, "expected ',' or '}' in an inline table");
    }
}

/* The value at pos, into `node` (made by the caller; this sets its type). */
static int value(reader *r, size_t node)
{
    if (r->t->nnodes > MAX_NODES)
        return too_many(r);
    if (++r->depth > MAX_DEPTH)
        return fail(r, r->pos, "values nested too deeply");
    size_t start = r->pos;
    int rc = 0;
    char c = r->pos < r->len ? r->p[r->pos] : '\0';
    ps_toml_node *x = &r->t->nodes[node];
    if (at_eol(r) || c == '#') {
        rc = fail(r, r->pos, "expected a value");
    } else if (c == '"' || c == '\'') {
        ps_strbuf b = PS_STRBUF_INIT;
        ps_span inner;
        ps_toml__fault f;
        x->type = PS_TOML_STRING;
        ps_toml_string *s;
        if (ps_toml__string(r->p, r->len, r->pos, 1, &inner, &r->pos, &b, &f) < 0) {
            ps_strbuf_free(&b);
            rc = lexed(r, &f);
        } else if (!(x->text = ps_strbuf_detach(&b, &x->text_len)) ||
                   !(s = PS_TRY_PUSH(r->t->strings, r->t->nstrings, r->scap))) {
            rc = oom(r);
        } else {
            s->inner = inner;
            s->entry = r->entry;
        }
    } else if (c == '[') {
        x->type = PS_TOML_ARRAY;
        rc = array(r, node);
    } else if (c == '{') {
        x->type = PS_TOML_TABLE;
        x->origin = PS_TOML_INLINE;
        rc = inline_table(r, node);
    } else {
        ps_toml__fault f;
        ps_toml_type type;
        int64_t integer = 0;
        if (ps_toml__scalar(r->p, r->len, r->pos, &r->pos, &type, &integer, &f) < 0) {
            rc = lexed(r, &f);
        } else {
            x->type = type;
            x->integer = integer;
        }
    }
    r->t->nodes[node].value = (ps_span){start, r->pos};
    r->depth--;
    return rc;
}

/*
 * key = value, into table node `table`. The tables a dotted key runs through
 * are made DOTTED here; it may run on through such tables (made by this
 * header's section or this inline table), never into a table a header
 * defined or named, an inline table, or an array.
 */
static int keyval(reader *r, size_t table, int in_inline)
{
    key_path k = {0};
    char buf[32];
    if (!in_inline) {
        r->entry = r->t->nentries;
        ps_toml_entry *e = PS_TRY_PUSH(r->t->entries, r->t->nentries, r->ecap);
        if (!e)
            return oom(r);
        memset(e, 0, sizeof *e);
        if (!(e->table = ps_strdup(r->table_name)))
            return oom(r);
    }
    int rc = read_key(r, &k);
    if (rc == 0 && !in_inline && !(r->t->entries[r->entry].key = key_join(&k)))
        rc = oom(r);
    if (rc == 0 && (r->pos >= r->len || r->p[r->pos] != '='))
        rc = fail(r, r->pos, "expected '=' after a key");
    size_t cur = table;
    for (size_t i = 0; rc == 0 && i + 1 < k.n; i++) {
        size_t c = child(r, cur, &k.parts[i]);
        if (c == PS_TOML_NONE) {
            c = add_node(r, cur, PS_TOML_TABLE, PS_TOML_DOTTED, &k.parts[i], k.parts[i].at);
            if (c == PS_TOML_NONE)
                rc = -1;
        } else {
            const ps_toml_node *x = &r->t->nodes[c];
            if (x->type != PS_TOML_TABLE || x->origin != PS_TOML_DOTTED)
                rc =
                    fail(r, k.parts[i].at, "'%s' is already %s (%s): a dotted key cannot add to it",
                         x->key, ps_toml_kind_name(x), where(r, c, buf, sizeof buf));
        }
        cur = c;
    }
    key_part *last = k.n ? &k.parts[k.n - 1] : NULL;
    if (rc == 0) {
        size_t dup = child(r, cur, last);
        if (dup != PS_TOML_NONE)
            rc = fail(r, last->at, "key '%s' is already defined (%s)", last->s,
                      where(r, dup, buf, sizeof buf));
    }
    if (rc == 0) {
        r->pos++; /* = */
        skip_blank(r);
        size_t n = add_node(r, cur, PS_TOML_STRING, PS_TOML_HEADER, last, last->at);
        rc = n == PS_TOML_NONE ? -1 : value(r, n);
        if (rc == 0 && !in_inline)
            r->t->entries[r->entry].value = r->t->nodes[n].value;
    }
    key_free(&k);
    return rc;
}

/* ---- lines ---------------------------------------------------------------- */

static int top_keyval(reader *r, size_t line_start)
{
    if (keyval(r, r->table, 0) < 0)
        return -1;
    size_t e = r->entry;
    if (end_of_line(r, "a value") < 0)
        return -1;
    r->t->entries[e].line_start = line_start;
    r->t->entries[e].line_end = r->pos;
    r->entry = PS_TOML_NONE;
    return 0;
}

/*
 * [a.b.c] or [[a.b.c]]. The parents a header names are made IMPLICIT when
 * new; it may pass through tables made by headers or dotted keys and into
 * the last table of an array of tables, not into inline tables or values.
 * The last part must be new, or an IMPLICIT table it now defines; for [[ ]],
 * new or an array of tables, which gets one more table.
 */
static int header(reader *r, size_t line_start)
{
    size_t open = r->pos;
    if (r->t->nnodes > MAX_NODES)
        return too_many(r);
    int arr = r->pos + 1 < r->len && r->p[r->pos + 1] == '[';
    r->pos += arr ? 2 : 1;
    key_path k = {0};
    char buf[32];
    int rc = read_key(r, &k);
    if (rc == 0) {
        const char *close = arr ? "]]" : "]";
        if (r->pos + strlen(close) > r->len || memcmp(r->p + r->pos, close, strlen(close)) != 0)
            rc = fail(r, r->pos, "expected '%s'", close);
        else
            r->pos += strlen(close);
    }
    if (rc == 0)
        rc = end_of_line(r, "a table header");
    size_t cur = 0;
    for (size_t i = 0; rc == 0 && i + 1 < k.n; i++) {
        size_t c = child(r, cur, &k.parts[i]);
        if (c == PS_TOML_NONE && (c = add_node(r, cur, PS_TOML_TABLE, PS_TOML_IMPLICIT, &k.parts[i],
                                               k.parts[i].at)) == PS_TOML_NONE) {
            rc = -1;
            break;
        }
        const ps_toml_node *x = &r->t->nodes[c];
        if (x->type == PS_TOML_TABLE_ARRAY)
            c = r->last[c];
        else if (x->type != PS_TOML_TABLE || x->origin == PS_TOML_INLINE)
            rc = fail(r, k.parts[i].at, "'%s' is already %s (%s): a header cannot add to it",
                      x->key, ps_toml_kind_name(x), where(r, c, buf, sizeof buf));
        cur = c;
    }
    if (rc == 0) {
        key_part *last = &k.parts[k.n - 1];
        size_t c = child(r, cur, last);
        ps_toml_node *x = c == PS_TOML_NONE ? NULL : &r->t->nodes[c];
        if (arr && !x) {
            c = add_node(r, cur, PS_TOML_TABLE_ARRAY, PS_TOML_HEADER, last, last->at);
        } else if (!arr && x && x->type == PS_TOML_TABLE && x->origin == PS_TOML_IMPLICIT) {
            x->origin = PS_TOML_HEADER;
            x->at = last->at;
        } else if (!arr && x && x->type == PS_TOML_TABLE && x->origin != PS_TOML_INLINE) {
            char *name = key_join(&k);
            rc = name ? fail(r, last->at, "table [%s] is defined twice (first at %s)", name,
                             where(r, c, buf, sizeof buf))
                      : oom(r);
            free(name);
        } else if (x && !(arr && x->type == PS_TOML_TABLE_ARRAY)) {
            rc = fail(r, last->at, "'%s' is already %s (%s)", last->s, ps_toml_kind_name(x),
                      where(r, c, buf, sizeof buf));
        } else if (!x) {
            c = add_node(r, cur, PS_TOML_TABLE, PS_TOML_HEADER, last, last->at);
        }
        if (rc == 0 && c != PS_TOML_NONE && arr)
            c = add_node(r, c, PS_TOML_TABLE, PS_TOML_HEADER, NULL, open);
        if (rc == 0 && c == PS_TOML_NONE) /* out of memory, said by add_node */
            rc = -1;
        cur = c;
    }
    char *name = NULL, *table_name = NULL;
    if (rc == 0 && (!(name = key_join(&k)) || !(table_name = ps_strdup(name)) ||
                    ps_reserve((void **)&r->t->tables, &r->tcap, r->t->ntables + 1,
                               sizeof *r->t->tables) < 0)) {
        free(name);
        free(table_name);
        rc = oom(r);
    }
    if (rc == 0) {
        ps_toml *t = r->t;
        if (t->ntables)
            t->tables[t->ntables - 1].body_end = line_start;
        t->nodes[cur].table = t->ntables;
        ps_toml_table *tb = &t->tables[t->ntables++];
        tb->name = name;
        tb->array = arr;
        tb->header_end = r->pos;
        tb->body_end = r->len;
        free(r->table_name);
        r->table_name = table_name;
        r->table = cur;
    }
    key_free(&k);
    return rc;
}

int ps_toml_parse(ps_toml *t, const char *path, const char *data, size_t len, ps_error *err)
{
    memset(t, 0, sizeof *t);
    reader r = {.p = data, .len = len, .path = path, .err = err, .t = t};
    r.entry = PS_TOML_NONE;
    ps_lines_build(&r.lines, data, len);
    const char *nl = memchr(data, '\n', len);
    t->crlf = nl && nl > data && nl[-1] == '\r';
    ps_toml__fault f;
    int rc = 0;
    if (!(r.table_name = ps_strdup("")) ||
        add_node(&r, 0, PS_TOML_TABLE, PS_TOML_HEADER, NULL, 0) == PS_TOML_NONE || /* the root */
        rehash(t) < 0)
        rc = oom(&r);
    else if (ps_toml__check_bytes(data, len, &f) < 0)
        rc = lexed(&r, &f);
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        r.pos = 3; /* a byte order mark */
    while (rc == 0 && r.pos < len) {
        size_t line_start = r.pos;
        skip_blank(&r);
        skip_comment(&r);
        if (at_eol(&r))
            skip_newline(&r);
        else if (r.p[r.pos] == '[')
            rc = header(&r, line_start);
        else
            rc = top_keyval(&r, line_start);
    }
    ps_lines_free(&r.lines);
    free(r.table_name);
    free(r.last);
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
    for (size_t i = 0; i < t->nnodes; i++) {
        free(t->nodes[i].key);
        free(t->nodes[i].text);
    }
    free(t->entries);
    free(t->strings);
    free(t->tables);
    free(t->nodes);
    free(t->slots);
    memset(t, 0, sizeof *t);
}

const ps_toml_node *ps_toml_child(const ps_toml *t, const ps_toml_node *parent, const char *key,
                                  size_t len)
{
    if (!t->nslots || !parent)
        return NULL;
    size_t s = *slot(t, (size_t)(parent - t->nodes), key, len);
    return s ? &t->nodes[s - 1] : NULL;
}

const ps_toml_node *ps_toml_find(const ps_toml *t, const char *path)
{
    const ps_toml_node *n = t->nnodes ? &t->nodes[0] : NULL;
    while (n) {
        const char *dot = strchr(path, '.');
        size_t len = dot ? (size_t)(dot - path) : strlen(path);
        if (n->type != PS_TOML_TABLE)
            return NULL;
        n = ps_toml_child(t, n, path, len);
        if (!dot)
            return n;
        path = dot + 1;
    }
    return NULL;
}

/* Per type: toml-test's tag, and what a message calls it. */
static const struct type_name {
    const char *tag, *kind;
} type_names[] = {
    [PS_TOML_TABLE] = {"table", "a table"},
    [PS_TOML_TABLE_ARRAY] = {"array", "an array of tables"},
    [PS_TOML_ARRAY] = {"array", "an array"},
    [PS_TOML_STRING] = {"string", "a string"},
    [PS_TOML_INTEGER] = {"integer", "an integer"},
    [PS_TOML_FLOAT] = {"float", "a float"},
    [PS_TOML_BOOL] = {"bool", "a boolean"},
    [PS_TOML_DATETIME] = {"datetime", "a date-time"},
    [PS_TOML_DATETIME_LOCAL] = {"datetime-local", "a local date-time"},
    [PS_TOML_DATE_LOCAL] = {"date-local", "a local date"},
    [PS_TOML_TIME_LOCAL] = {"time-local", "a local time"},
};

const char *ps_toml_kind_name(const ps_toml_node *n)
{
    if (n->type == PS_TOML_TABLE && n->origin == PS_TOML_INLINE)
        return "an inline table";
    return type_names[n->type].kind;
}

const char *ps_toml_type_name(ps_toml_type type)
{
    return type_names[type].tag;
}
