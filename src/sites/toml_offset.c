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
#define OFFSET_MAX 65535

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
    if (n->integer < 0 || n->integer > OFFSET_MAX)
        return ps_lines_error(&file->lines, err, file->path, at,
                              "[%.*s] %s %lld is not an offset from 0 to %d", table_len, key, leaf,
                              (long long)n->integer, OFFSET_MAX);
    *node = n;
    return 0;
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
    /* At the end of a file without a final newline the line must start on its own. */
    const char *nl = s->need_nl ? eol : "";
    if (s->insert == PS_INSERT_KEY)
        return ps_xasprintf("%s%s = %ld%s", nl, leaf, value, eol);
    if (s->insert == PS_INSERT_DOTTED)
        return ps_xasprintf("%s%s = %ld%s", nl, s->key, value, eol);
    return ps_xasprintf("%s%s[%.*s]%s%s = %ld%s", nl, file->len ? eol : "", table_len, s->key, eol,
                        leaf, value, eol);
}
