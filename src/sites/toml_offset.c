/*
 * The offset of a deployment.toml (DESIGN §2.7): read by TOML's own rules
 * however it is written, replaced where it stands, and, when absent, the
 * place a key line goes (after the shipped "#offset=0" comment). Also the
 * text that sets an offset site.
 */
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/strbuf.h"
#include "sites/finder.h"

/* The largest offset (the CLI's bound): a port offset past the port range is no offset. */

/* The table that holds (or would hold) `key`: the node of its table part, NULL when
 * that table does not exist; -1 when a part of it is not a plain table. */
static int toml_offset_table(const ps_cfile *file, const char *key, const ps_toml_node **table,
                             ps_error *err)
{
    const ps_toml *t = &file->toml;
    const ps_toml_node *n = &t->nodes[0];
    const char *leaf = strrchr(key, '.');
    for (const char *part = key; leaf && part <= leaf;) {
        const char *dot = strchr(part, '.');
        const ps_toml_node *c = ps_toml_child(t, n, part, (size_t)(dot - part));
        if (!c) {
            *table = NULL;
            return 0;
        }
        if (c->type != PS_TOML_TABLE || c->origin == PS_TOML_INLINE)
            return ps_lines_error(&file->lines, err, file->path, c->at,
                                  "'%.*s' is %s: portshift sets the offset only in a plain [%.*s] "
                                  "table",
                                  (int)(dot - key), key, ps_toml_kind_name(c), (int)(leaf - key),
                                  key);
        n = c;
        part = dot + 1;
    }
    *table = n;
    return 0;
}

int ps_sites_toml_offset(const ps_cfile *file, const char *key, const ps_toml_node **node,
                         ps_error *err)
{
    const ps_toml_node *table;
    *node = NULL;
    if (toml_offset_table(file, key, &table, err) < 0)
        return -1;
    const char *leaf = strrchr(key, '.');
    int table_len = leaf ? (int)(leaf - key) : 0;
    leaf = leaf ? leaf + 1 : key;
    const ps_toml_node *n = table ? ps_toml_child(&file->toml, table, leaf, strlen(leaf)) : NULL;
    if (!n)
        return 0;
    /* The offending byte: the value, or the key of a table that has none. */
    int has_value =
        n->type != PS_TOML_TABLE_ARRAY && (n->type != PS_TOML_TABLE || n->origin == PS_TOML_INLINE);
    size_t at = has_value ? n->value.start : n->at;
    if (n->type != PS_TOML_INTEGER)
        return ps_lines_error(&file->lines, err, file->path, at, "[%.*s] %s is %s, not an integer",
                              table_len, key, leaf, ps_toml_kind_name(n));
    if (n->integer < 0 || n->integer > PS_OFFSET_MAX)
        return ps_lines_error(&file->lines, err, file->path, at,
                              "[%.*s] %s %lld is not an offset from 0 to %ld", table_len, key, leaf,
                              (long long)n->integer, PS_OFFSET_MAX);
    *node = n;
    return 0;
}

/* The end of the line that holds `at`: just before its "\n" or "\r\n", or the
 * end of the file. */
static size_t line_text_end(const ps_cfile *file, size_t at)
{
    const char *nl = memchr(file->data + at, '\n', file->len - at);
    size_t end = nl ? (size_t)(nl - file->data) : file->len;
    if (end > at && file->data[end - 1] == '\r')
        end--;
    return end;
}

/* data[from, to) is blanks then exactly PS_TOML_MARK's comment. */
static int is_mark(const char *p, const char *end)
{
    const char *c = strchr(PS_TOML_MARK, '#');
    size_t cl = strlen(c);
    if (p == end || (*p != ' ' && *p != '\t'))
        return 0;
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    return (size_t)(end - p) == cl && memcmp(p, c, cl) == 0;
}

/* The length of the line break that ends just before `at` (0 when none). */
static size_t eol_before(const ps_cfile *file, size_t at)
{
    if (at == 0 || file->data[at - 1] != '\n')
        return 0;
    return at >= 2 && file->data[at - 2] == '\r' ? 2 : 1;
}

/*
 * A key line portshift added carries PS_TOML_MARK after its value: the bytes
 * that take it out again, exactly what ps_site_text inserted. The key line
 * with its line break; at the end of a file without a final newline, the
 * break before it instead (the line was added with none after it). When the
 * key is the only line of a "[server]" header portshift added (marked too),
 * the header goes with it, and so do the line breaks it was added after:
 * one blank line, two breaks when the file had no final newline. Empty when
 * the line is not marked (the user's own key).
 */
static ps_span marked_undo(const ps_cfile *file, const ps_toml_node *n)
{
    const ps_toml *t = &file->toml;
    ps_span none = {0, 0};
    if (n->entry == PS_TOML_NONE)
        return none;
    const ps_toml_entry *e = &t->entries[n->entry];
    size_t text_end = line_text_end(file, n->value.end);
    if (!is_mark(file->data + n->value.end, file->data + text_end))
        return none;
    size_t start = e->line_start, end = text_end == file->len ? file->len : e->line_end;
    int last = text_end == file->len; /* added with no line break after it */
    const ps_toml_node *table = &t->nodes[n->parent];
    if (table->origin == PS_TOML_HEADER && table->table != PS_TOML_NONE) {
        const ps_toml_table *tb = &t->tables[table->table];
        size_t h = table->at;
        while (h > 0 && file->data[h - 1] != '\n')
            h--;
        size_t h_text = line_text_end(file, h);
        const char *close = memchr(file->data + h, ']', h_text - h);
        int alone = tb->header_end == start && tb->body_end == end;
        if (alone && close && is_mark(close + 1, file->data + h_text)) {
            size_t br = eol_before(file, h);
            start = h;
            /* the blank line before the header, and the break that ended the
             * file's last line when it had none */
            for (int k = 0; k < (last ? 2 : 1) && br && eol_before(file, start) == br; k++)
                start -= br;
            return (ps_span){start, end};
        }
    }
    if (last)
        start -= eol_before(file, start);
    return (ps_span){start, end};
}

/*
 * The offset of a deployment.toml, read by TOML's own rules: an offset
 * written in a form a digit scanner misses (0x10, 1_0, +5) is still the
 * offset, so it is replaced where it stands, never added a second time; one
 * that is no integer, or a `server` that is no plain table, is refused.
 */
int ps__toml_offset(finder *f, const ps_rule *r, const ps_cfile *file)
{
    const ps_toml_node *n;
    if (ps_sites_toml_offset(file, r->key, &n, f->err) < 0)
        return -1;
    if (!n) {
        f->toml_offset_rule = r;
        f->toml_offset_file = file;
        return 0;
    }
    if (f->out->offset_site >= 0)
        return 0;
    ps__claim(f, file, n->value.start);
    f->out->offset_site = (int)f->out->count;
    f->out->offset = (long)n->integer;
    ps_site *s = ps__add_site(f, PS_SITE_OFFSET, file, n->value, (long)n->integer);
    s->what = "port offset";
    s->source = r->source;
    s->key = r->key;
    s->undo = marked_undo(file, n);
    return 0;
}

static int is_offset_comment(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    if (p == end || *p != '#')
        return 0;
    p++;
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    if (end - p < 6 || memcmp(p, "offset", 6) != 0)
        return 0;
    p += 6;
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    return p < end && *p == '=';
}

/* The end of the last line that sets a key under table node `table`, made by
 * dotted keys at the root: lines of that section, not of a [server.sub]
 * header's. A node's parent comes before it, so one pass in order finds
 * every node under the table that no header made. */
static size_t after_last_key(const ps_toml *t, const ps_toml_node *table)
{
    size_t at = 0, top = (size_t)(table - t->nodes);
    char *under = ps_xcalloc(t->nnodes, 1);
    under[top] = 1;
    for (size_t i = top + 1; i < t->nnodes; i++) {
        size_t e = t->nodes[i].entry;
        under[i] = under[t->nodes[i].parent] && e != PS_TOML_NONE;
        if (under[i] && t->entries[e].line_end > at)
            at = t->entries[e].line_end;
    }
    free(under);
    return at;
}

/*
 * deployment.toml without the offset key: in a [server] table the key goes
 * right after a commented "#offset=..." line (products ship one), else right
 * after the header; next to the root's server.* keys when dotted keys made
 * the table; else in a new [server] table at the end of the file.
 */
int ps__offset_insertion(finder *f)
{
    const ps_cfile *file = f->toml_offset_file;
    if (!file)
        return 0;
    const ps_toml *t = &file->toml;
    const ps_toml_node *table;
    if (toml_offset_table(file, f->toml_offset_rule->key, &table, f->err) < 0)
        return -1;
    size_t at = file->len;
    ps_insert how = PS_INSERT_TABLE;
    if (table && table->origin == PS_TOML_DOTTED) {
        at = after_last_key(t, table);
        how = PS_INSERT_DOTTED;
    } else if (table && table->origin == PS_TOML_HEADER) {
        size_t body_end = file->len;
        at = 0; /* the root table has no header */
        if (table->table != PS_TOML_NONE) {
            at = t->tables[table->table].header_end;
            body_end = t->tables[table->table].body_end;
        }
        how = PS_INSERT_KEY;
        for (size_t p = at; p < body_end;) {
            const char *nl = memchr(file->data + p, '\n', body_end - p);
            size_t end = nl ? (size_t)(nl - file->data) + 1 : body_end;
            if (is_offset_comment(file->data + p, file->data + end)) {
                at = end;
                break;
            }
            p = end;
        }
    }
    f->out->offset_site = (int)f->out->count;
    ps_site *s = ps__add_site(f, PS_SITE_OFFSET, file, (ps_span){at, at}, f->out->offset);
    s->insert = how;
    s->key = f->toml_offset_rule->key;
    s->what = "port offset (not set: the product default applies)";
    s->source = "deployment.toml [server] offset, rendered into carbon.xml <Ports><Offset>";
    return 0;
}

char *ps_site_text(const ps_site *s, long value)
{
    const ps_cfile *file = s->file;
    if (s->kind == PS_SITE_OFFSET && !s->insert && file && file->is_toml)
        return ps_toml_int_format(s->text, s->span.end - s->span.start, value);
    if (!s->insert)
        return ps_xasprintf("%ld", value);
    const char *eol = s->crlf ? "\r\n" : "\n";
    const char *leaf = strrchr(s->key, '.');
    int table_len = leaf ? (int)(leaf - s->key) : 0;
    leaf = leaf ? leaf + 1 : s->key;
    /* At the end of a file without a final newline the line must start on its
     * own, and ends with none, as the file did: the way back (marked_undo)
     * tells the two apart by it. */
    const char *nl = s->need_nl ? eol : "", *end = s->need_nl ? "" : eol;
    if (s->insert == PS_INSERT_KEY)
        return ps_xasprintf("%s%s = %ld" PS_TOML_MARK "%s", nl, leaf, value, end);
    if (s->insert == PS_INSERT_DOTTED)
        return ps_xasprintf("%s%s = %ld" PS_TOML_MARK "%s", nl, s->key, value, end);
    return ps_xasprintf("%s%s[%.*s]" PS_TOML_MARK "%s%s = %ld" PS_TOML_MARK "%s", nl,
                        file->len ? eol : "", table_len, s->key, eol, leaf, value, end);
}
