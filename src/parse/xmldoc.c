#include "parse/xmldoc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "base/error.h"
#include "base/strbuf.h"
#include "parse/file.h"
#include "parse/xmldoc_impl.h"

/* ---- the lexer: byte spans of a document, which libxml2 checks where it must ---- */

typedef struct lexer {
    const char *p;
    size_t len, pos;
    ps_xmldoc *doc;
    size_t ecap, acap, tcap;
    int *stack;
    size_t depth, scap;
    size_t subset_at; /* offset of an internal DTD subset, or SIZE_MAX */
    int oom;          /* the lexer stopped for want of memory, not at the markup */
} lexer;

static int starts_n(const lexer *lx, const char *s, size_t n)
{
    return lx->pos + n <= lx->len && memcmp(lx->p + lx->pos, s, n) == 0;
}
#define starts(lx, literal) starts_n(lx, literal, sizeof literal - 1)

/* Moves past the next occurrence of `s`; 0 when it never occurs. Each
 * delimiter the lexer skips to ends in '>', rare enough for memchr to find
 * the candidates. */
static int skip_past_n(lexer *lx, const char *s, size_t n)
{
    const char *end = lx->p + lx->len;
    for (const char *q = lx->p + lx->pos + n - 1; q < end; q++) {
        q = memchr(q, s[n - 1], (size_t)(end - q));
        if (!q)
            break;
        if (memcmp(q - (n - 1), s, n) == 0) {
            lx->pos = (size_t)(q - lx->p) + 1;
            return 1;
        }
    }
    lx->pos = lx->len;
    return 0;
}
#define skip_past(lx, literal) skip_past_n(lx, literal, sizeof literal - 1)

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* NULL (lx->oom set) when out of memory. */
static char *local_name(lexer *lx, const char *s, size_t n)
{
    const char *colon = memchr(s, ':', n);
    char *name = colon ? ps_arena_strndup(&lx->doc->names, colon + 1, n - (size_t)(colon + 1 - s))
                       : ps_arena_strndup(&lx->doc->names, s, n);
    if (!name)
        lx->oom = 1;
    return name;
}

/* p, or NULL with lx->oom set: for what PS_TRY_PUSH gives. */
static void *got(lexer *lx, void *p)
{
    if (!p)
        lx->oom = 1;
    return p;
}

static int current(const lexer *lx)
{
    return lx->depth ? lx->stack[lx->depth - 1] : -1;
}

static int add_text(lexer *lx, size_t start, size_t end)
{
    if (end > start && lx->depth) {
        ps_xtext *t = got(lx, PS_TRY_PUSH(lx->doc->texts, lx->doc->ntexts, lx->tcap));
        if (!t)
            return -1;
        t->span.start = start;
        t->span.end = end;
        t->elem = current(lx);
    }
    return 0;
}

/* <!DOCTYPE name ... [ subset ]>: quoted strings may hold '>' or '['. */
static int skip_doctype(lexer *lx)
{
    size_t start = lx->pos;
    char quote = 0;
    int in_subset = 0;
    for (; lx->pos < lx->len; lx->pos++) {
        char c = lx->p[lx->pos];
        if (quote) {
            if (c == quote)
                quote = 0;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '[') {
            in_subset = 1;
            if (lx->subset_at == SIZE_MAX)
                lx->subset_at = start;
        } else if (c == ']') {
            in_subset = 0;
        } else if (c == '>' && !in_subset) {
            lx->pos++;
            return 0;
        }
    }
    return -1;
}

static int start_tag(lexer *lx)
{
    size_t start = lx->pos++;
    size_t name0 = lx->pos;
    while (lx->pos < lx->len && !is_space(lx->p[lx->pos]) && lx->p[lx->pos] != '>' &&
           lx->p[lx->pos] != '/')
        lx->pos++;
    if (lx->pos == name0)
        return -1;
    int idx = (int)lx->doc->nelems;
    ps_xelem *e = got(lx, PS_TRY_PUSH(lx->doc->elems, lx->doc->nelems, lx->ecap));
    if (!e)
        return -1;
    memset(e, 0, sizeof *e);
    if (!(e->name = local_name(lx, lx->p + name0, lx->pos - name0)))
        return -1;
    e->parent = current(lx);
    e->first_attr = lx->doc->nattrs;
    for (;;) {
        while (lx->pos < lx->len && is_space(lx->p[lx->pos]))
            lx->pos++;
        if (lx->pos >= lx->len)
            return -1;
        char c = lx->p[lx->pos];
        if (c == '>' || (c == '/' && lx->pos + 1 < lx->len && lx->p[lx->pos + 1] == '>')) {
            int empty = c == '/';
            lx->pos += empty ? 2 : 1;
            e = &lx->doc->elems[idx];
            e->tag.start = start;
            e->tag.end = lx->pos;
            e->inner.start = e->inner.end = lx->pos;
            e->nattrs = lx->doc->nattrs - e->first_attr;
            int *top = empty ? NULL : got(lx, PS_TRY_PUSH(lx->stack, lx->depth, lx->scap));
            if (!empty && !top)
                return -1;
            if (top)
                *top = idx;
            return 0;
        }
        size_t an = lx->pos;
        while (lx->pos < lx->len && !is_space(lx->p[lx->pos]) && lx->p[lx->pos] != '=')
            lx->pos++;
        size_t an_end = lx->pos;
        while (lx->pos < lx->len && is_space(lx->p[lx->pos]))
            lx->pos++;
        if (lx->pos >= lx->len || lx->p[lx->pos] != '=')
            return -1;
        lx->pos++;
        while (lx->pos < lx->len && is_space(lx->p[lx->pos]))
            lx->pos++;
        if (lx->pos >= lx->len || (lx->p[lx->pos] != '"' && lx->p[lx->pos] != '\''))
            return -1;
        char q = lx->p[lx->pos++];
        size_t v0 = lx->pos;
        const char *close = memchr(lx->p + v0, q, lx->len - v0);
        if (!close)
            return -1;
        lx->pos = (size_t)(close - lx->p) + 1;
        size_t alen = an_end - an;
        int is_ns = (alen == 5 && memcmp(lx->p + an, "xmlns", 5) == 0) ||
                    (alen > 6 && memcmp(lx->p + an, "xmlns:", 6) == 0);
        if (!is_ns) {
            ps_xattr *a = got(lx, PS_TRY_PUSH(lx->doc->attrs, lx->doc->nattrs, lx->acap));
            if (!a)
                return -1;
            if (!(a->name = local_name(lx, lx->p + an, alen)))
                return -1;
            a->value.start = v0;
            a->value.end = (size_t)(close - lx->p);
            a->elem = idx;
        }
    }
}

static int lex(lexer *lx)
{
    while (lx->pos < lx->len) {
        if (lx->p[lx->pos] != '<') {
            size_t start = lx->pos;
            const char *lt = memchr(lx->p + lx->pos, '<', lx->len - lx->pos);
            lx->pos = lt ? (size_t)(lt - lx->p) : lx->len;
            if (add_text(lx, start, lx->pos) < 0)
                return -1;
            continue;
        }
        char next = lx->pos + 1 < lx->len ? lx->p[lx->pos + 1] : '\0';
        if (next == '!' && starts(lx, "<!--")) {
            if (!skip_past(lx, "-->"))
                return -1;
        } else if (next == '!' && starts(lx, "<![CDATA[")) {
            size_t start = lx->pos + 9;
            if (!skip_past(lx, "]]>"))
                return -1;
            if (add_text(lx, start, lx->pos - 3) < 0)
                return -1;
        } else if (next == '!' && starts(lx, "<!DOCTYPE")) {
            if (skip_doctype(lx) < 0)
                return -1;
        } else if (next == '?') {
            if (!skip_past(lx, "?>"))
                return -1;
        } else if (next == '/') {
            if (!lx->depth)
                return -1;
            int idx = lx->stack[--lx->depth];
            lx->doc->elems[idx].inner.end = lx->pos;
            if (!skip_past(lx, ">"))
                return -1;
        } else if (start_tag(lx) < 0) {
            return -1;
        }
    }
    return lx->depth ? -1 : 0;
}

/* ---- libxml2: the strict parse and its tie to the lexer's table ---- */

static int not_well_formed(const guard *g, const char *path, ps_error *err)
{
    if (g->cap.set)
        return ps_error_setc(err, PS_EPARSE, path, g->cap.line, g->cap.col,
                             "not well-formed XML: %s", g->cap.msg);
    return ps_error_setc(err, PS_EPARSE, path, 0, 0, "not well-formed XML");
}

static int disagree(const char *path, ps_error *err)
{
    return ps_error_set(err, path, 0, 0,
                        "internal error: lexer and parser disagree on the elements");
}

static int all_ascii(const char *data, size_t len)
{
    size_t i = 0;
    for (uint64_t w; i + 8 <= len; i += 8) {
        memcpy(&w, data + i, 8);
        if (w & 0x8080808080808080u)
            return 0;
    }
    for (; i < len; i++)
        if ((unsigned char)data[i] >= 0x80)
            return 0;
    return 1;
}

/* The encoding the XML declaration names, as [*at, *at + *n); 0 when it names none. */
static int declared_encoding(const char *data, size_t len, size_t *at, size_t *n)
{
    if (len < 6 || memcmp(data, "<?xml", 5) != 0 || !is_space(data[5]))
        return 0;
    const char *end = memchr(data, '>', len), *p = data + 5;
    for (; end && p + 8 < end && memcmp(p, "encoding", 8) != 0; p++)
        ;
    if (!end || p + 8 >= end)
        return 0;
    for (p += 8; p < end && (is_space(*p) || *p == '='); p++)
        ;
    const char *close =
        p < end && (*p == '"' || *p == '\'') ? memchr(p + 1, *p, (size_t)(end - p - 1)) : NULL;
    if (!close)
        return 0;
    *at = (size_t)(p + 1 - data);
    *n = (size_t)(close - p - 1);
    return 1;
}

/* No NOENT, DTDLOAD, DTDATTR, XINCLUDE, HUGE or RECOVER: no network, no
 * external entity, no DTD loaded, libxml2's size limits kept, and a file
 * that is not well-formed is refused, never repaired. */
#define PARSE_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR)

/*
 * Carbon's config files declare ISO-8859-1 and hold ASCII: decoded either
 * way, the same characters. libxml2 is then told to ignore the declaration
 * (after checking its syntax, as always), which spares it converting every
 * byte to UTF-8: a fifth of its parse. Any other encoding, or one byte past
 * ASCII, is left to the declaration.
 */
static int parse_options(const char *data, size_t len)
{
    size_t at, n;
    if (declared_encoding(data, len, &at, &n) && n == 10 &&
        strncasecmp(data + at, "ISO-8859-1", 10) == 0 && all_ascii(data, len))
        return PARSE_OPTIONS | XML_PARSE_IGNORE_ENC;
    return PARSE_OPTIONS;
}

/* The lexer's raw name against libxml2's UTF-8 one. A non-ASCII name in an
 * ISO-8859-1 file differs in bytes only: then libxml2's spelling is kept.
 * 1 the same, 0 not, -1 out of memory. */
static int same_name(ps_xmldoc *doc, char **lexed, const char *parsed)
{
    if (strcmp(*lexed, parsed) == 0)
        return 1;
    if (all_ascii(*lexed, strlen(*lexed)) && all_ascii(parsed, strlen(parsed)))
        return 0;
    char *name = ps_arena_strndup(&doc->names, parsed, strlen(parsed));
    if (!name)
        return -1;
    *lexed = name;
    return 1;
}

/* Walks elements in document order, pairing each with the lexer's entry:
 * -1 when they differ, -2 when out of memory. */
static int tie(ps_xmldoc *doc, xmlNodePtr *nodes, xmlNodePtr node, size_t *next)
{
    for (; node; node = node->next) {
        if (node->type != XML_ELEMENT_NODE)
            continue;
        size_t i = (*next)++;
        int same =
            i < doc->nelems ? same_name(doc, &doc->elems[i].name, (const char *)node->name) : 0;
        if (same <= 0)
            return same - 1;
        node->_private = (void *)(uintptr_t)(i + 1);
        nodes[i] = node;
        node->ns = NULL; /* queries match local names */
        const ps_xelem *e = &doc->elems[i];
        size_t a = 0;
        for (xmlAttrPtr at = node->properties; at; at = at->next, a++) {
            same = a < e->nattrs
                       ? same_name(doc, &doc->attrs[e->first_attr + a].name, (const char *)at->name)
                       : 0;
            if (same <= 0)
                return same - 1;
            at->_private = (void *)(uintptr_t)(e->first_attr + a + 1);
            at->ns = NULL;
        }
        if (a != e->nattrs)
            return -1;
        int rc = tie(doc, nodes, node->children, next);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* The streaming check's element callback pairs each element with the
 * lexer's entry, as tie() does over a tree. */
typedef struct streamed {
    ps_xmldoc *doc; /* NULL: well-formedness only (the lexer could not follow) */
    size_t next;
    int differs; /* 1: the elements differ; -1: out of memory */
} streamed;

static void stream_element(void *ctx, const xmlChar *localname, const xmlChar *prefix,
                           const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
                           int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
    (void)prefix;
    (void)uri;
    (void)nb_namespaces;
    (void)namespaces;
    (void)nb_defaulted;
    streamed *st = ((xmlParserCtxtPtr)ctx)->_private;
    if (!st->doc || st->differs)
        return;
    ps_xmldoc *doc = st->doc;
    size_t i = st->next++;
    int same = i < doc->nelems ? same_name(doc, &doc->elems[i].name, (const char *)localname) : 0;
    if (same > 0 && doc->elems[i].nattrs != (size_t)nb_attributes)
        same = 0;
    /* attributes: (localname, prefix, URI, value, end) for each */
    for (int a = 0; a < nb_attributes && same > 0; a++)
        same = same_name(doc, &doc->attrs[doc->elems[i].first_attr + (size_t)a].name,
                         (const char *)attributes[5 * a]);
    if (same <= 0)
        st->differs = same < 0 ? -1 : 1;
}

/*
 * One strict parse of data[0, len), with our guard: into a tree that *tree
 * receives (the caller frees it) or, with `st`, streamed to stream_element
 * and no tree built: the handlers of ps__xml_parser_new less each callback
 * that builds one, the entity and DTD callbacks kept, so both refuse the same
 * documents. Comments never hold a site and no query selects one: neither
 * sees them.
 */
static int run_parser(const char *path, const char *data, size_t len, streamed *st, xmlDocPtr *tree,
                      ps_error *err)
{
    guard g;
    ps__xml_guard_begin(&g);
    xmlParserCtxtPtr ctxt = ps__xml_parser_new();
    if (!ctxt) {
        ps__xml_guard_end(&g);
        return ps_error_oom(err);
    }
    int options = parse_options(data, len);
    ctxt->sax->comment = NULL;
    if (st) {
        ctxt->sax->startElementNs = stream_element;
        ctxt->sax->endElementNs = NULL;
        ctxt->sax->characters = NULL;
        ctxt->sax->ignorableWhitespace = NULL;
        ctxt->sax->cdataBlock = NULL;
        ctxt->sax->processingInstruction = NULL;
        ctxt->sax->reference = NULL;
        ctxt->_private = st;
    } else {
        options |= XML_PARSE_COMPACT; /* short text nodes without an allocation of their own */
    }
    int rc = -1;
    xmlDocPtr x = xmlCtxtReadMemory(ctxt, data, (int)len, path, NULL, options);
    if (g.cap.nomem || ctxt->errNo == XML_ERR_NO_MEMORY ||
        (st && st->differs < 0)) { /* libxml2's allocation or ours failed */
        ps_error_oom(err);
    } else if (!x || !ctxt->wellFormed || !ctxt->nsWellFormed) {
        not_well_formed(&g, path, err);
    } else if (tree) {
        *tree = x;
        x = NULL;
        rc = 0;
    } else {
        rc = 0;
    }
    if (x)
        xmlFreeDoc(x);
    xmlFreeParserCtxt(ctxt);
    ps__xml_guard_end(&g);
    return rc;
}

/* A strict parse that builds no tree, tied to doc's table when there is one. */
static int stream(ps_xmldoc *doc, const char *path, const char *data, size_t len, ps_error *err)
{
    streamed st = {.doc = doc};
    if (run_parser(path, data, len, &st, NULL, err) < 0)
        return -1;
    if (doc && (st.differs > 0 || st.next != doc->nelems))
        return disagree(path, err);
    return 0;
}

static int ascii_compatible(const char *data, size_t len)
{
    const unsigned char *u = (const unsigned char *)data;
    if (len >= 2 && ((u[0] == 0xFE && u[1] == 0xFF) || (u[0] == 0xFF && u[1] == 0xFE)))
        return 0;
    if (len >= 2 && (u[0] == 0 || u[1] == 0))
        return 0;
    return 1;
}

/* A DOCTYPE stands in the prolog or nowhere: after an optional byte order
 * mark, blanks, comments and processing instructions (the XML declaration). */
static int doctype_in_prolog(const char *data, size_t len)
{
    lexer lx = {.p = data, .len = len};
    if (starts(&lx, "\xEF\xBB\xBF"))
        lx.pos = 3;
    for (;;) {
        while (lx.pos < len && is_space(data[lx.pos]))
            lx.pos++;
        if (starts(&lx, "<!DOCTYPE"))
            return 1;
        if (starts(&lx, "<!--") ? !skip_past(&lx, "-->")
                                : !starts(&lx, "<?") || !skip_past(&lx, "?>"))
            return 0;
    }
}

int ps_xmldoc_screen(const char *data, size_t len)
{
    return !ascii_compatible(data, len) || memchr(data, '\0', len) || doctype_in_prolog(data, len);
}

/* A smaller block is a nicety: when it cannot be had, the larger one stays. */
static void *shrink(void *arr, size_t n, size_t size)
{
    void *less = arr && n ? ps_realloc(arr, n * size) : NULL;
    return less ? less : arr;
}

int ps_xmldoc_lex(ps_xmldoc **out, const char *path, const char *data, size_t len, ps_error *err)
{
    int rc = -1;
    ps_xmldoc *doc = ps_calloc(1, sizeof *doc);
    if (!doc)
        return ps_error_oom(err);
    doc->data = data;
    doc->len = len;
    lexer lx = {.p = data, .len = len, .doc = doc, .subset_at = SIZE_MAX};
    ps_lines lines;
    ps_lines_build(&lines, data, len);

    if (!ascii_compatible(data, len)) {
        ps_error_setc(err, PS_EPARSE, path, 1, 1,
                      "not an ASCII-compatible encoding (UTF-16 is not supported)");
        goto done;
    }
    /* libxml2 2.9 takes a NUL after the root element for the end of the input and
     * never reads what follows; no XML document holds one anywhere. */
    const char *nul = memchr(data, '\0', len);
    if (nul) {
        ps_lines_error(&lines, err, path, (size_t)(nul - data),
                       "not well-formed XML: Char 0x0 out of allowed range");
        goto done;
    }
    int lexed = lex(&lx);
    if (lx.subset_at != SIZE_MAX) {
        ps_lines_error(&lines, err, path, lx.subset_at,
                       "internal DTD subset (entity declarations) is not allowed in a config file");
        goto done;
    }
    if (lexed < 0 && lx.oom) {
        ps_error_oom(err);
        goto done;
    }
    if (lexed < 0) {
        /* Most likely not well-formed: libxml2 says where. */
        if (stream(NULL, path, data, len, err) == 0)
            ps_error_setc(err, PS_EPARSE, path, 0, 0, "markup the span lexer cannot follow");
        goto done;
    }
    /* The table lives as long as the file's sites: no room to spare. */
    doc->elems = shrink(doc->elems, doc->nelems, sizeof *doc->elems);
    doc->attrs = shrink(doc->attrs, doc->nattrs, sizeof *doc->attrs);
    doc->texts = shrink(doc->texts, doc->ntexts, sizeof *doc->texts);
    rc = 0;
done:
    free(lx.stack);
    ps_lines_free(&lines);
    if (rc == 0)
        *out = doc;
    else
        ps_xmldoc_free(doc);
    return rc;
}

int ps_xmldoc_check(ps_xmldoc *doc, const char *path, ps_error *err)
{
    if (doc->checked)
        return 0;
    if (stream(doc, path, doc->data, doc->len, err) < 0)
        return -1;
    doc->checked = 1;
    return 0;
}

int ps_xmldoc_tree(ps_xmldoc *doc, const char *path, ps_error *err)
{
    if (doc->impl)
        return 0;
    xmlDocPtr x;
    if (run_parser(path, doc->data, doc->len, NULL, &x, err) < 0)
        return -1;
    impl *im = ps_calloc(1, sizeof *im);
    if (!im) {
        xmlFreeDoc(x);
        return ps_error_oom(err);
    }
    im->doc = x;
    doc->impl = im;
    if (!(im->nodes = ps_calloc(doc->nelems, sizeof *im->nodes))) {
        ps_xmldoc_drop_tree(doc);
        return ps_error_oom(err);
    }
    size_t next = 0;
    int tied = tie(doc, im->nodes, xmlDocGetRootElement(x), &next);
    if (tied < 0 || next != doc->nelems) {
        ps_xmldoc_drop_tree(doc);
        return tied == -2 ? ps_error_oom(err) : disagree(path, err);
    }
    doc->checked = 1;
    return 0;
}

int ps_xmldoc_parse(ps_xmldoc **out, const char *path, const char *data, size_t len, ps_error *err)
{
    ps_xmldoc *doc;
    if (ps_xmldoc_lex(&doc, path, data, len, err) < 0)
        return -1;
    if (ps_xmldoc_tree(doc, path, err) < 0) {
        ps_xmldoc_free(doc);
        return -1;
    }
    *out = doc;
    return 0;
}

void ps_xmldoc_drop_tree(ps_xmldoc *doc)
{
    impl *im = doc->impl;
    if (!im)
        return;
    if (im->xpath)
        xmlXPathFreeContext(im->xpath);
    xmlFreeDoc(im->doc);
    free(im->nodes);
    free(im);
    doc->impl = NULL;
}

void ps_xmldoc_free(ps_xmldoc *doc)
{
    if (!doc)
        return;
    ps_xmldoc_drop_tree(doc);
    ps_arena_free(&doc->names);
    free(doc->elems);
    free(doc->attrs);
    free(doc->texts);
    free(doc);
}
