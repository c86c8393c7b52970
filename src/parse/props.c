#include "parse/props.h"

#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"

static int blank(char c)
{
    return c == ' ' || c == '\t' || c == '\f';
}

/* A line ends in a continuation when it ends in an odd number of backslashes. */
static int continues(const char *data, size_t line_end)
{
    size_t n = 0;
    while (n < line_end && data[line_end - 1 - n] == '\\')
        n++;
    return n % 2 == 1;
}

static size_t line_end_of(const char *data, size_t len, size_t pos)
{
    const char *nl = memchr(data + pos, '\n', len - pos);
    size_t end = nl ? (size_t)(nl - data) : len;
    const char *cr = memchr(data + pos, '\r', end - pos);
    return cr ? (size_t)(cr - data) : end;
}

static size_t next_line(const char *data, size_t len, size_t end)
{
    if (end < len && data[end] == '\r')
        end++;
    if (end < len && data[end] == '\n')
        end++;
    return end;
}

int ps_props_parse(ps_props *props, const char *data, size_t len)
{
    size_t cap = 0;
    props->entries = NULL;
    props->count = 0;
    size_t pos = 0;
    while (pos < len) {
        size_t end = line_end_of(data, len, pos);
        size_t p = pos;
        while (p < end && blank(data[p]))
            p++;
        if (p == end || data[p] == '#' || data[p] == '!') {
            pos = next_line(data, len, end);
            continue;
        }
        size_t k0 = p;
        while (p < end && data[p] != '=' && data[p] != ':' && !blank(data[p])) {
            if (data[p] == '\\' && p + 1 == end && end < len) {
                /* A key continued on the next line, after its leading blanks. */
                p = next_line(data, len, end);
                end = line_end_of(data, len, p);
                while (p < end && blank(data[p]))
                    p++;
                continue;
            }
            if (data[p] == '\\' && p + 1 < end)
                p++;
            p++;
        }
        size_t k1 = p;
        while (p < end && blank(data[p]))
            p++;
        if (p < end && (data[p] == '=' || data[p] == ':'))
            p++;
        while (p < end && blank(data[p]))
            p++;
        size_t v0 = p;
        while (continues(data, end) && end < len) {
            size_t nl = next_line(data, len, end);
            if (nl >= len)
                break;
            end = line_end_of(data, len, nl);
        }
        ps_prop *e = PS_TRY_PUSH(props->entries, props->count, cap);
        if (!e) {
            ps_props_free(props);
            return -1;
        }
        e->key.start = k0;
        e->key.end = k1;
        e->value.start = v0;
        e->value.end = end;
        e->path = NULL;
        pos = next_line(data, len, end);
    }
    return 0;
}

/*
 * The open nodes above a YAML line: a key whose value is a nested block, or
 * an item of a sequence. A line at indent i closes every node at indent >= i
 * (a "- " item may sit at its key's own indent: `dataReceivers:` then `-`).
 */
typedef struct yframe {
    size_t indent;
    char *seg;    /* the key, or the item's number in its sequence */
    int item;     /* an item of a sequence, not a key */
    size_t items; /* a key's sequence items met so far */
} yframe;

typedef struct ystack {
    yframe *f;
    size_t n, cap;
    size_t root_items; /* items of a sequence at the top level */
} ystack;

/* Closes the nodes a line at `indent` ends: those deeper, and at the same
 * indent the keys (siblings), or with `items_only` only a previous item. */
static void ystack_close(ystack *st, size_t indent, int items_only)
{
    while (st->n) {
        const yframe *top = &st->f[st->n - 1];
        if (top->indent < indent || (top->indent == indent && items_only && !top->item))
            break;
        st->n--;
        free(st->f[st->n].seg);
    }
}

static char *ystack_path(const ystack *st, const char *key, size_t klen)
{
    ps_strbuf b = PS_STRBUF_INIT;
    for (size_t i = 0; i < st->n; i++) {
        ps_strbuf_puts(&b, st->f[i].seg);
        ps_strbuf_add(&b, ".", 1);
    }
    ps_strbuf_add(&b, key, klen);
    return ps_strbuf_detach(&b, NULL);
}

/* Opens a node at `indent` named `seg` (taken: freed on failure); -1 when out of memory. */
static int ystack_open(ystack *st, size_t indent, char *seg, int item)
{
    yframe *fr = seg ? PS_TRY_PUSH(st->f, st->n, st->cap) : NULL;
    if (!fr) {
        free(seg);
        return -1;
    }
    *fr = (yframe){indent, seg, item, 0};
    return 0;
}

/* A "-" at `indent`: the next item of the sequence of the key above it. */
static int ystack_item(ystack *st, size_t indent)
{
    ystack_close(st, indent, 1);
    size_t *items = st->n ? &st->f[st->n - 1].items : &st->root_items;
    return ystack_open(st, indent, ps_asprintf("%zu", (*items)++), 1);
}

/* '|' or '>' with its indicators: the lines below, more indented, are text. */
static int block_scalar(const char *data, size_t v0, size_t v1)
{
    if (v0 == v1 || (data[v0] != '|' && data[v0] != '>'))
        return 0;
    for (size_t i = v0 + 1; i < v1; i++)
        if (data[i] != '-' && data[i] != '+' && !(data[i] >= '1' && data[i] <= '9'))
            return 0;
    return 1;
}

int ps_props_parse_yaml(ps_props *props, const char *data, size_t len)
{
    int rc = -1;
    size_t cap = 0;
    props->entries = NULL;
    props->count = 0;
    ystack st = {0};
    size_t text_above = (size_t)-1; /* inside a block scalar: the indent of its key */
    for (size_t pos = 0; pos < len;) {
        size_t end = line_end_of(data, len, pos);
        size_t p = pos;
        size_t line = pos;
        pos = next_line(data, len, end);
        while (p < end && blank(data[p]))
            p++;
        if (text_above != (size_t)-1) {
            if (p == end || p - line > text_above)
                continue;
            text_above = (size_t)-1;
        }
        if (p == end || data[p] == '#')
            continue;
        if (data[p] == '-' && (p + 1 == end || blank(data[p + 1]))) {
            if (ystack_item(&st, p - line) < 0)
                goto done;
            p++;
            while (p < end && blank(data[p]))
                p++;
            if (p == end || data[p] == '#')
                continue;
        }
        size_t indent = p - line;
        size_t k0 = p;
        while (p < end && data[p] != ':' && !blank(data[p]) && data[p] != '#')
            p++;
        if (p == k0 || p >= end || data[p] != ':' || (p + 1 < end && !blank(data[p + 1])))
            continue;
        size_t k1 = p++;
        while (p < end && blank(data[p]))
            p++;
        size_t v0 = p, v1 = end;
        if (v0 < end && (data[v0] == '\'' || data[v0] == '"')) {
            const char *close = memchr(data + v0 + 1, data[v0], end - v0 - 1);
            if (!close)
                continue;
            v0++;
            v1 = (size_t)(close - data);
        } else {
            for (size_t i = v0; i < end; i++)
                if (data[i] == '#' && (i == v0 || blank(data[i - 1]))) {
                    v1 = i;
                    break;
                }
            while (v1 > v0 && blank(data[v1 - 1]))
                v1--;
        }
        ystack_close(&st, indent, 0);
        if (v1 == v0) {
            /* No value on the line: the key opens a block (a mapping or a sequence). */
            if (ystack_open(&st, indent, ps_strndup(data + k0, k1 - k0), 0) < 0)
                goto done;
            continue;
        }
        if (block_scalar(data, v0, v1)) {
            text_above = indent;
            continue;
        }
        ps_prop *e = PS_TRY_PUSH(props->entries, props->count, cap);
        if (!e)
            goto done;
        e->key.start = k0;
        e->key.end = k1;
        e->value.start = v0;
        e->value.end = v1;
        if (!(e->path = ystack_path(&st, data + k0, k1 - k0))) {
            props->count--;
            goto done;
        }
    }
    rc = 0;
done:
    ystack_close(&st, 0, 0);
    free(st.f);
    if (rc < 0)
        ps_props_free(props);
    return rc;
}

char *ps_prop_key(const ps_prop *p, const char *data)
{
    return p->path ? ps_strdup(p->path)
                   : ps_strndup(data + p->key.start, p->key.end - p->key.start);
}

void ps_props_free(ps_props *props)
{
    for (size_t i = 0; i < props->count; i++)
        free(props->entries[i].path);
    free(props->entries);
    props->entries = NULL;
    props->count = 0;
}
