#include "render/render.h"

#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/ordered.h"
#include "base/strbuf.h"

/* A patched deployment.toml holds its runtime's target offset, read the way
 * sites read it: a patch that TOML reads otherwise is never written. */
static int offset_reads_back(const ps_plan *plan, const ps_cfile *copy, const ps_edit *edits,
                             ps_error *err)
{
    size_t u = (size_t)edits[0].unit;
    const ps_sites *ss = plan->units[u].sites;
    const ps_site *site = ss->offset_site >= 0 ? &ss->items[ss->offset_site] : NULL;
    const ps_toml_node *n = NULL;
    if (!site || !site->key || strcmp(site->file->path, copy->path) != 0)
        return ps_error_set(err, copy->path, 0, 0, "internal error: no offset site in this file");
    if (ps_sites_toml_offset(copy, site->key, &n, err) < 0)
        return -1;
    long want = plan->target[u];
    /* Absent is right only at the product default: it was not set and stays
     * so, or the line portshift added was taken out. */
    int line = site->line, col = site->col;
    if (n)
        ps_lines_pos(&copy->lines, n->value.start, &line, &col);
    int may_be_absent = site->insert ? site->value == want
                                     : site->undo.end > site->undo.start &&
                                           want == plan->units[u].rt->product->default_offset;
    if (n ? n->integer != want : !may_be_absent)
        return ps_error_set(err, copy->path, line, col,
                            "internal error: %s does not read back as %ld", site->key, want);
    return 0;
}

/* Every other key a patch sets in a deployment.toml reads back as planned
 * (TOML's reading, not the digits alone), or is gone where its line was
 * taken out. */
static int keys_read_back(const ps_plan *plan, const ps_cfile *copy, const ps_edit *edits, size_t n,
                          ps_error *err)
{
    for (size_t i = 0; i < n; i++) {
        const ps_edit *e = &edits[i];
        const ps_site *s = &plan->units[e->unit].sites->items[e->site];
        if (s->kind == PS_SITE_OFFSET || !s->key)
            continue;
        const ps_toml_node *k = ps_toml_find(&copy->toml, s->key);
        long got = -1;
        if (k && k->type == PS_TOML_INTEGER)
            got = (long)k->integer;
        else if (k && k->type == PS_TOML_STRING && k->text_len && k->text_len <= PS_PORT_DIGITS &&
                 strspn(k->text, "0123456789") == k->text_len)
            got = strtol(k->text, NULL, 10);
        if (*e->text ? got != e->new_value : k != NULL)
            return ps_error_set(err, copy->path, e->line, e->col,
                                "internal error: %s does not read back as %ld", s->key,
                                e->new_value);
    }
    return 0;
}

/* 1 when data[0, len) is decimal digits only (or empty). */
static int all_digits(const char *data, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (data[i] < '0' || data[i] > '9')
            return 0;
    return 1;
}

/* 1 when data[at] may sit inside an entity or character reference: an '&'
 * before it with nothing but name characters (or '#') in between. */
static int in_reference(const char *data, size_t at)
{
    while (at > 0) {
        unsigned char c = (unsigned char)data[--at];
        if (c == '&')
            return 1;
        if (!(c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
              (c >= 'A' && c <= 'Z') || c == '#' || c == '_' || c == ':' || c == '.' || c == '-'))
            return 0;
    }
    return 0;
}

/* 1 when [start, end) lies inside one of n spans in document order, the
 * first at `first` and each `stride` bytes after the one before (the span
 * of each ps_xtext, the value of each ps_xattr). */
static int inside(const ps_span *first, size_t stride, size_t n, size_t start, size_t end)
{
    const char *base = (const char *)first;
    size_t lo = 0, hi = n;
    while (lo < hi) { /* the first span that starts after `start` */
        size_t mid = lo + (hi - lo) / 2;
        if (((const ps_span *)(const void *)(base + mid * stride))->start <= start)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo && end <= ((const ps_span *)(const void *)(base + (lo - 1) * stride))->end;
}

/*
 * 1 when libxml2 need not read the patched XML again: the original bytes
 * (the same, by digest, as those loaded) were found well-formed, and every
 * edit swaps digits for digits inside character data or an attribute value
 * (as the patched bytes lex), outside any reference. Digits are no delimiter
 * there, so the markup before and after each edit reads exactly as it did,
 * and no well-formedness rule of XML looks at the digits themselves. Any
 * other patch, or a file that calls for a strict reading (a DOCTYPE, an
 * encoding not ASCII's), is checked whole, as before.
 */
static int proven_well_formed(const ps_cfile *orig, const char *orig_bytes, const ps_cfile *copy,
                              const ps_edit *edits, const size_t *new_start, size_t nedits)
{
    const ps_xmldoc *doc = copy->xml;
    if (!orig->checked || !doc || ps_xmldoc_screen(copy->data, copy->len))
        return 0;
    for (size_t i = 0; i < nedits; i++) {
        const ps_edit *e = &edits[i];
        size_t s = new_start[i], end = s + strlen(e->text);
        if (!all_digits(orig_bytes + e->span.start, e->span.end - e->span.start) ||
            !all_digits(e->text, end - s) || in_reference(copy->data, s))
            return 0;
        if (!(doc->ntexts && inside(&doc->texts->span, sizeof *doc->texts, doc->ntexts, s, end)) &&
            !(doc->nattrs && inside(&doc->attrs->value, sizeof *doc->attrs, doc->nattrs, s, end)))
            return 0;
    }
    return 1;
}

/* The patched buffer parses as the original did, and each edited span now
 * reads exactly the planned number, delimited as before. An XML buffer is
 * lexed again, with no tree, and checked by libxml2's streaming parse unless
 * proven_well_formed: the spans and the well-formedness are all a patch can
 * break. */
static int verify(const ps_plan *plan, const ps_cfile *orig, const char *orig_bytes,
                  const char *data, size_t len, const ps_edit *edits, const size_t *new_start,
                  size_t nedits, ps_error *err)
{
    ps_cfile copy = ps_cfile_twin(orig);
    copy.data = (char *)data;
    copy.len = len;
    int rc = ps_cfile_lex(&copy, err);
    if (rc == 0 && copy.is_xml)
        rc = ps_cfile_xml(&copy, PS_XML_SPANS, err);
    if (rc == 0 && copy.is_xml &&
        !proven_well_formed(orig, orig_bytes, &copy, edits, new_start, nedits))
        rc = ps_cfile_xml(&copy, PS_XML_CHECKED, err);
    if (rc == 0 && orig->lexed && copy.lexed &&
        (copy.nelems != orig->nelems || copy.nattrs != orig->nattrs)) {
        rc = ps_error_set(err, orig->path, edits[0].line, edits[0].col,
                          "internal error: patch changed the structure");
    }
    for (size_t i = 0; i < nedits && rc == 0; i++) {
        const char *want = edits[i].text;
        size_t wl = strlen(want), s = new_start[i];
        int bad = s + wl > len || memcmp(data + s, want, wl) != 0;
        if (!bad && wl && edits[i].span.end > edits[i].span.start) /* a number: still delimited */
            bad = (s + wl < len && data[s + wl] >= '0' && data[s + wl] <= '9') ||
                  (s > 0 && data[s - 1] >= '0' && data[s - 1] <= '9');
        if (bad)
            rc = ps_error_set(err, orig->path, edits[i].line, edits[i].col,
                              "internal error: patched value does not read back as planned");
    }
    if (rc == 0 && orig->is_toml)
        rc = offset_reads_back(plan, &copy, edits, err);
    if (rc == 0 && orig->is_toml)
        rc = keys_read_back(plan, &copy, edits, nedits, err);
    copy.data = NULL; /* the caller's */
    ps_cfile_close(&copy);
    return rc;
}

/* Splices the edits of file `f` into its bytes, read again as loaded. */
static int render_file(const ps_plan *plan, const ps_cfile *f, const ps_edit *edits, size_t n,
                       ps_rendered *out, ps_error *err)
{
    char *orig;
    size_t orig_len;
    if (ps_cfile_bytes(f, &orig, &orig_len, err) < 0)
        return -1;
    ps_strbuf b = PS_STRBUF_INIT;
    size_t *new_start = ps_calloc(n + 1, sizeof *new_start);
    size_t pos = 0;
    int rc = new_start ? 0 : ps_error_oom(err);
    for (size_t i = 0; i < n && rc == 0; i++) {
        const ps_edit *e = &edits[i];
        if (e->span.start < pos) {
            rc = ps_error_set(err, f->path, e->line, e->col, "internal error: overlapping edits");
            break;
        }
        ps_strbuf_add(&b, orig + pos, e->span.start - pos);
        new_start[i] = b.len;
        ps_strbuf_puts(&b, e->text);
        pos = e->span.end;
    }
    if (rc == 0) {
        ps_strbuf_add(&b, orig + pos, orig_len - pos);
        rc = ps_strbuf_oom(&b) ? ps_error_oom(err)
                               : verify(plan, f, orig, b.data, b.len, edits, new_start, n, err);
    }
    free(new_start);
    if (rc < 0) {
        ps_strbuf_free(&b);
        free(orig);
        return -1;
    }
    out->file = f;
    out->orig = orig;
    out->orig_len = orig_len;
    out->data = ps_strbuf_detach(&b, &out->len);
    out->edits = edits;
    out->nedits = n;
    return 0;
}

size_t ps_render_files(const ps_plan *plan, size_t **first)
{
    size_t n = 0, cap = 0;
    *first = NULL;
    for (size_t i = 0; i <= plan->nedits; i++) {
        /* plan->nedits: the end of the last file */
        if (i != 0 && i != plan->nedits && plan->edits[i].file == plan->edits[i - 1].file)
            continue;
        size_t *slot = PS_TRY_PUSH(*first, n, cap);
        if (!slot) {
            free(*first);
            *first = NULL;
            return 0;
        }
        *slot = i;
    }
    return n - 1;
}

int ps_render_file(const ps_plan *plan, const size_t *first, size_t k, ps_rendered *out,
                   ps_error *err)
{
    const ps_edit *e = &plan->edits[first[k]];
    return render_file(plan, e->file, e, first[k + 1] - first[k], out, err);
}

/* ps_render on several threads: each file rendered on its own, kept in order. */
typedef struct render_all {
    const ps_plan *plan;
    const size_t *first;
    ps_rendered *out;
} render_all;

static void *render_one(void *ctx, size_t k, ps_error *err)
{
    render_all *a = ctx;
    ps_rendered *r = ps_calloc(1, sizeof *r);
    if (!r) {
        ps_error_oom(err);
        return NULL;
    }
    if (ps_render_file(a->plan, a->first, k, r, err) == 0)
        return r;
    free(r);
    return NULL;
}

static void keep_one(void *ctx, size_t k, void *r)
{
    render_all *a = ctx;
    a->out[k] = *(ps_rendered *)r;
    free(r);
}

static void drop_one(void *ctx, void *r)
{
    (void)ctx;
    ps_rendered_release(r);
    free(r);
}

int ps_render(const ps_plan *plan, unsigned jobs, ps_rendered **out, size_t *n, ps_error *err)
{
    size_t *first;
    size_t count = ps_render_files(plan, &first);
    render_all a = {plan, first, first ? ps_calloc(count + 1, sizeof *a.out) : NULL};
    int rc = a.out ? ps_ordered_map(count, jobs, count, render_one, keep_one, drop_one, &a, err)
                   : ps_error_oom(err);
    free(first);
    if (rc < 0) {
        ps_rendered_free(a.out, a.out ? count : 0); /* those not kept are all zero */
        *out = NULL;
        *n = 0;
        return -1;
    }
    *out = a.out;
    *n = count;
    return 0;
}

void ps_rendered_release(ps_rendered *r)
{
    free(r->orig);
    free(r->data);
    *r = (ps_rendered){0};
}

void ps_rendered_free(ps_rendered *r, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ps_rendered_release(&r[i]);
    free(r);
}
