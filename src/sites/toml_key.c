/*
 * The keys portshift sets in a deployment.toml (read strictly: what is not
 * fully understood is refused, never guessed at): the offset,
 * and the keys that render a manual exception into a generated file (the
 * catalog's toml-key with toml-default: [transport.http.properties]
 * redirectPort). Each is read by TOML's own rules however it is written and
 * replaced where it stands; when absent, this is where its key line goes, in
 * the form its table allows. One marker rule for every key: a line portshift
 * adds carries PS_TOML_MARK and is taken out again when the key returns to
 * the value the product uses without it. Also the text that sets such a site.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/strbuf.h"
#include "sites/finder.h"
#include "sites/refscan.h"
#include "sites/sites.h" /* the declarations of ps_sites_toml_offset and ps_site_text */

/* The largest port. */
#define PORT_MAX 65535

/* The table that holds (or would hold) `key`: the node of its table part, NULL
 * when that table does not exist. 1 with *bad when a part of it is not a
 * plain table (an inline table, [[array]], a value): no line can go there;
 * *bad_len is the length of the key that names it. */
static int key_table(const ps_cfile *file, const char *key, const ps_toml_node **table,
                     const ps_toml_node **bad, int *bad_len)
{
    const ps_toml *t = &file->toml;
    const ps_toml_node *n = &t->nodes[0];
    const char *leaf = strrchr(key, '.');
    *table = NULL;
    for (const char *part = key; leaf && part <= leaf;) {
        const char *dot = strchr(part, '.');
        const ps_toml_node *c = ps_toml_child(t, n, part, (size_t)(dot - part));
        if (!c)
            return 0;
        if (c->type != PS_TOML_TABLE || c->origin == PS_TOML_INLINE) {
            *bad = c;
            *bad_len = (int)(dot - key);
            return 1;
        }
        n = c;
        part = dot + 1;
    }
    *table = n;
    return 0;
}

/* key_table for the offset, which has to be set: a table it cannot go in is refused. */
static int toml_offset_table(const ps_cfile *file, const char *key, const ps_toml_node **table,
                             ps_error *err)
{
    const ps_toml_node *c;
    int part_len;
    if (!key_table(file, key, table, &c, &part_len))
        return 0;
    const char *leaf = strrchr(key, '.');
    return ps_lines_error(&file->lines, err, file->path, c->at,
                          "'%.*s' is %s: portshift sets the offset only in a plain [%.*s] table",
                          part_len, key, ps_toml_kind_name(c), (int)(leaf - key), key);
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

/* The line [p, end) ends in PS_TOML_MARK (a line portshift added). */
static int ends_marked(const char *p, const char *end)
{
    const char *c = strchr(PS_TOML_MARK, '#');
    size_t cl = strlen(c);
    return (size_t)(end - p) > cl && memcmp(end - cl, c, cl) == 0 &&
           (end[-(ptrdiff_t)cl - 1] == ' ' || end[-(ptrdiff_t)cl - 1] == '\t');
}

/* 1 when the file ends without a line break and all it holds after `at` is
 * portshift's: marked lines and the breaks before them. Such lines were added
 * with the break before them (ps_site_text's need_nl), so that is what goes. */
static int marked_to_end(const ps_cfile *file, size_t at)
{
    if (!file->len || file->data[file->len - 1] == '\n')
        return 0;
    for (size_t p = at; p < file->len;) {
        if (file->data[p] == '\r' || file->data[p] == '\n') {
            p++;
            continue;
        }
        size_t end = line_text_end(file, p);
        if (!ends_marked(file->data + p, file->data + end))
            return 0;
        p = end;
    }
    return 1;
}

/* data[from, to) holds line breaks only. */
static int only_breaks(const char *p, const char *end)
{
    while (p < end && (*p == '\r' || *p == '\n'))
        p++;
    return p == end;
}

/*
 * A key line portshift added carries PS_TOML_MARK after its value: the bytes
 * that take it out again, exactly what ps_site_text inserted. The key line
 * with its line break; at the end of a file without a final newline (but for
 * other lines portshift added there), the break before it instead (the line
 * was added with none after it). When the key is the only line of a table
 * header portshift added (marked too), the header goes with it, and so do
 * the line breaks it was added after: one blank line, two breaks when the
 * file had no final newline. Empty when the line is not marked (the user's
 * own key).
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
    int last = marked_to_end(file, text_end); /* added with no line break after it */
    size_t start = e->line_start, end = last ? text_end : e->line_end;
    const ps_toml_node *table = &t->nodes[n->parent];
    if (table->origin == PS_TOML_HEADER && table->table != PS_TOML_NONE) {
        const ps_toml_table *tb = &t->tables[table->table];
        size_t h = table->at;
        while (h > 0 && file->data[h - 1] != '\n')
            h--;
        size_t h_text = line_text_end(file, h);
        const char *close = memchr(file->data + h, ']', h_text - h);
        /* the next table portshift added, at the end, starts after a blank line of this body */
        int alone = tb->header_end == start && tb->body_end >= end &&
                    only_breaks(file->data + end, file->data + tb->body_end);
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

/* A new site for key `key` of deployment.toml `file`: node `n` (its value,
 * replaced where it stands, and the bytes that take it out again when
 * portshift added it), or where its absent line goes (set by the caller).
 * NULL with f->err set when out of memory. */
static ps_site *key_site(finder *f, ps_site_kind kind, const ps_cfile *file, const char *key,
                         const ps_toml_node *n, ps_span span, long value)
{
    if (n && ps__claim(f, file, span.start) < 0)
        return NULL;
    ps_site *s = ps__add_site(f, kind, file, span, value);
    if (!s)
        return NULL;
    s->key = key;
    if (n)
        s->undo = marked_undo(file, n);
    return s;
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
    f->out->offset_site = (int)f->out->count;
    f->out->offset = (long)n->integer;
    ps_site *s = key_site(f, PS_SITE_OFFSET, file, r->key, n, n->value, (long)n->integer);
    if (!s)
        return -1;
    s->what = "port offset";
    s->source = r->source;
    return 0;
}

/* A "# leaf =" line: the commented key a product ships ("#offset=0"). */
static int is_key_comment(const char *p, const char *end, const char *leaf)
{
    size_t ll = strlen(leaf);
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    if (p == end || *p != '#')
        return 0;
    p++;
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    if ((size_t)(end - p) < ll || memcmp(p, leaf, ll) != 0)
        return 0;
    p += ll;
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    return p < end && *p == '=';
}

/* The end of the last line that sets a key under table node `table`, made by
 * dotted keys or in its own header's body: lines of that section, not of a
 * [table.sub] header's. A node's parent comes before it, so one pass in order
 * finds every node under the table that no header made. 0 when none. */
static size_t after_last_key(const ps_toml *t, const ps_toml_node *table)
{
    size_t at = 0, top = (size_t)(table - t->nodes);
    for (size_t i = top + 1; i < t->nnodes; i++) {
        /* Under it when every node from i up to it was made by a key (a
         * parent's index is below its child's, so the walk ends). */
        size_t k = i;
        while (k > top && t->nodes[k].entry != PS_TOML_NONE)
            k = t->nodes[k].parent;
        size_t e = t->nodes[i].entry;
        if (k == top && t->entries[e].line_end > at)
            at = t->entries[e].line_end;
    }
    return at;
}

/* The parts of `key` a dotted key line under `table` (made by dotted keys)
 * writes: those below the nearest table a header made (or the root), where
 * the line goes. Returns how many bytes of `key` to skip. */
static size_t dotted_from(const ps_toml *t, const ps_toml_node *table, const char *key)
{
    size_t parts = 0; /* header-made ancestors below the root */
    for (const ps_toml_node *a = table; a != t->nodes; a = &t->nodes[a->parent])
        if (a->origin != PS_TOML_DOTTED)
            parts++;
    const char *p = key;
    for (; parts > 0; parts--)
        p = strchr(p, '.') + 1;
    return (size_t)(p - key);
}

/*
 * Where the line of absent `key` goes, and in which form (the table `table`
 * holds it, or NULL when that table does not exist): next to the other keys
 * of a table dotted keys made, in the same form; in a [table], right after a
 * commented "#leaf=..." line (products ship "#offset=0"), else right after
 * the header (`at_top`) or after its last key line; else in a new table at
 * the end of the file.
 */
static ps_insert key_insertion(const ps_cfile *file, const ps_toml_node *table, const char *key,
                               int at_top, size_t *at, size_t *from)
{
    const ps_toml *t = &file->toml;
    *at = file->len;
    *from = 0;
    if (table && table->origin == PS_TOML_DOTTED) {
        *at = after_last_key(t, table);
        *from = dotted_from(t, table, key);
        return PS_INSERT_DOTTED;
    }
    if (!table || table->origin != PS_TOML_HEADER)
        return PS_INSERT_TABLE;
    size_t body_end = file->len;
    *at = 0; /* the root table has no header */
    if (table->table != PS_TOML_NONE) {
        *at = t->tables[table->table].header_end;
        body_end = t->tables[table->table].body_end;
    }
    const char *leaf = strrchr(key, '.');
    leaf = leaf ? leaf + 1 : key;
    for (size_t p = *at; p < body_end;) {
        const char *nl = memchr(file->data + p, '\n', body_end - p);
        size_t end = nl ? (size_t)(nl - file->data) + 1 : body_end;
        if (is_key_comment(file->data + p, file->data + end, leaf)) {
            *at = end;
            return PS_INSERT_KEY;
        }
        p = end;
    }
    size_t last = at_top ? 0 : after_last_key(t, table);
    if (last > *at)
        *at = last;
    return PS_INSERT_KEY;
}

/* deployment.toml without the offset key: where it goes (key_insertion, at
 * the top of its [server] table). */
int ps__offset_insertion(finder *f)
{
    const ps_cfile *file = f->toml_offset_file;
    if (!file)
        return 0;
    const ps_toml_node *table;
    const char *key = f->toml_offset_rule->key;
    if (toml_offset_table(file, key, &table, f->err) < 0)
        return -1;
    size_t at, from;
    ps_insert how = key_insertion(file, table, key, 1, &at, &from);
    f->out->offset_site = (int)f->out->count;
    ps_site *s = key_site(f, PS_SITE_OFFSET, file, key, NULL, (ps_span){at, at}, f->out->offset);
    if (!s)
        return -1;
    s->insert = how;
    s->key_from = from;
    s->what = "port offset (not set: the product default applies)";
    s->source = "deployment.toml [server] offset, rendered into carbon.xml <Ports><Offset>";
    return 0;
}

/* The port a key holds: an integer, or a string of decimal digits (the
 * template writes either into an XML attribute); its digits in *span. */
static int key_port(const ps_cfile *file, const ps_toml_node *n, ps_span *span, long *port)
{
    if (n->type == PS_TOML_INTEGER) {
        *span = n->value;
        *port = (long)n->integer;
        return n->integer >= 1 && n->integer <= PORT_MAX;
    }
    size_t len = n->value.end - n->value.start;
    const char *v = file->data + n->value.start;
    if (n->type != PS_TOML_STRING || len < 3 || (v[0] != '"' && v[0] != '\'') || v[1] == v[0])
        return 0; /* no multi-line string: its first line break is not part of its value */
    ps_span digits = {n->value.start + 1, n->value.end - 1};
    ps_span trimmed = digits;
    if (ps_span_number(file->data, &trimmed, port) != 1 || trimmed.start != digits.start ||
        trimmed.end != digits.end || *port < 1 || *port > PORT_MAX)
        return 0;
    *span = digits;
    return 1;
}

/* Takes `span` of the generated file, and the references in it, out of the
 * scan: deployment.toml speaks for them. */
static int claim_generated(finder *f, const ps_cfile *generated, ps_span span)
{
    ps_refhit *hits = NULL;
    size_t n = 0, cap = 0;
    int rc = ps_refscan(generated->data, span.start, span.end, f->out->hostnames.items,
                        f->out->hostnames.count, &hits, &n, &cap) == PS_REFSCAN_NOMEM
                 ? ps_error_oom(f->err)
                 : ps__claim(f, generated, span.start);
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = ps__claim(f, generated, hits[i].start);
    free(hits);
    return rc;
}

int ps__toml_key(finder *f, const ps_rule *r, const ps_cfile *generated, ps_span gspan)
{
    const ps_cfile *file = ps_config_find(f->cfg, PS_ROOT_CONF, "deployment.toml");
    if (!file || !file->is_toml)
        return 0;
    const ps_toml_node *table, *bad;
    int bad_len;
    if (key_table(file, r->toml_key, &table, &bad, &bad_len))
        return 0; /* an inline table cannot take a line: the generated file's note stays */
    if (generated && claim_generated(f, generated, gspan) < 0)
        return -1;
    if (r->toml_default == 0)
        return 1; /* rendered from a placeholder, or from the user's string the scan reads */
    for (size_t i = 0; i < f->out->count; i++) /* several elements render from one key */
        if (f->out->items[i].key && strcmp(f->out->items[i].key, r->toml_key) == 0)
            return 1;
    const char *leaf = strrchr(r->toml_key, '.') + 1;
    const ps_toml_node *n = table ? ps_toml_child(&file->toml, table, leaf, strlen(leaf)) : NULL;
    ps_span span = {0, 0};
    long value = r->toml_default;
    if (n && !key_port(file, n, &span, &value))
        return 1; /* not a port: no reference the next start renders, nothing to follow */
    size_t from = 0;
    ps_insert how = PS_INSERT_NONE;
    if (!n) {
        how = key_insertion(file, table, r->toml_key, 0, &span.start, &from);
        span.end = span.start;
    }
    ps_site *s = key_site(f, PS_SITE_REFERENCE, file, r->toml_key, n, span, value);
    if (!s)
        return -1;
    s->insert = how;
    s->key_from = from;
    s->absent = r->toml_default;
    s->what = r->what;
    s->source = r->source;
    s->self_only = r->self_only;
    return 1;
}

char *ps_site_text(const ps_site *s, long value)
{
    const ps_cfile *file = s->file;
    if (s->key && !s->insert && file && file->is_toml)
        return ps_toml_int_format(s->text, s->span.end - s->span.start, value);
    if (!s->insert)
        return ps_asprintf("%ld", value);
    const char *eol = s->crlf ? "\r\n" : "\n";
    const char *leaf = strrchr(s->key, '.');
    int table_len = leaf ? (int)(leaf - s->key) : 0;
    leaf = leaf ? leaf + 1 : s->key;
    /* At the end of a file without a final newline the line must start on its
     * own, and ends with none, as the file did: the way back (marked_undo)
     * tells the two apart by it. */
    const char *nl = s->need_nl ? eol : "", *end = s->need_nl ? "" : eol;
    if (s->insert == PS_INSERT_KEY)
        return ps_asprintf("%s%s = %ld" PS_TOML_MARK "%s", nl, leaf, value, end);
    if (s->insert == PS_INSERT_DOTTED)
        return ps_asprintf("%s%s = %ld" PS_TOML_MARK "%s", nl, s->key + s->key_from, value, end);
    return ps_asprintf("%s%s[%.*s]" PS_TOML_MARK "%s%s = %ld" PS_TOML_MARK "%s", nl,
                       file->len ? eol : "", table_len, s->key, eol, leaf, value, end);
}
