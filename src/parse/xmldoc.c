#include "parse/xmldoc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "base/error.h"
#include "base/strbuf.h"
#include "parse/file.h"

/* ---- the lexer: byte spans of a document libxml2 has found well-formed ---- */

typedef struct lexer {
    const char *p;
    size_t len, pos;
    ps_xmldoc *doc;
    size_t ecap, acap, tcap;
    int *stack;
    size_t depth, scap;
    size_t subset_at; /* offset of an internal DTD subset, or SIZE_MAX */
} lexer;

static int starts(const lexer *lx, const char *s)
{
    size_t n = strlen(s);
    return lx->pos + n <= lx->len && memcmp(lx->p + lx->pos, s, n) == 0;
}

/* Moves past the next occurrence of `s`; 0 when it never occurs. */
static int skip_past(lexer *lx, const char *s)
{
    size_t n = strlen(s);
    for (size_t i = lx->pos; i + n <= lx->len; i++)
        if (memcmp(lx->p + i, s, n) == 0) {
            lx->pos = i + n;
            return 1;
        }
    lx->pos = lx->len;
    return 0;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static char *local_name(const char *s, size_t n)
{
    const char *colon = memchr(s, ':', n);
    if (colon)
        return ps_xstrndup(colon + 1, n - (size_t)(colon + 1 - s));
    return ps_xstrndup(s, n);
}

static int current(const lexer *lx)
{
    return lx->depth ? lx->stack[lx->depth - 1] : -1;
}

static void add_text(lexer *lx, size_t start, size_t end)
{
    if (end > start && lx->depth) {
        ps_xtext *t = PS_PUSH(lx->doc->texts, lx->doc->ntexts, lx->tcap);
        t->span.start = start;
        t->span.end = end;
        t->elem = current(lx);
    }
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
    ps_xelem *e = PS_PUSH(lx->doc->elems, lx->doc->nelems, lx->ecap);
    memset(e, 0, sizeof *e);
    e->name = local_name(lx->p + name0, lx->pos - name0);
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
            if (!empty)
                *PS_PUSH(lx->stack, lx->depth, lx->scap) = idx;
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
            ps_xattr *a = PS_PUSH(lx->doc->attrs, lx->doc->nattrs, lx->acap);
            a->name = local_name(lx->p + an, alen);
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
            add_text(lx, start, lx->pos);
        } else if (starts(lx, "<!--")) {
            if (!skip_past(lx, "-->"))
                return -1;
        } else if (starts(lx, "<![CDATA[")) {
            size_t start = lx->pos + 9;
            if (!skip_past(lx, "]]>"))
                return -1;
            add_text(lx, start, lx->pos - 3);
        } else if (starts(lx, "<!DOCTYPE")) {
            if (skip_doctype(lx) < 0)
                return -1;
        } else if (starts(lx, "<?")) {
            if (!skip_past(lx, "?>"))
                return -1;
        } else if (starts(lx, "</")) {
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

/* ---- libxml2: safe parsing and the tie to the lexer's table ---- */

typedef struct impl {
    xmlDocPtr doc;
    xmlNodePtr *nodes; /* libxml2 node of each lexer element */
} impl;

static xmlParserInputPtr refuse_entity(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
    (void)url;
    (void)id;
    (void)ctxt;
    return NULL; /* nothing outside the file is ever loaded */
}

typedef struct captured {
    int set;
    int line, col;
    char msg[400];
} captured;

static void capture_error(void *ctx, xmlErrorPtr e)
{
    captured *c = ctx;
    if (c->set || !e || e->level < XML_ERR_ERROR)
        return;
    c->set = 1;
    c->line = e->line;
    c->col = e->int2;
    snprintf(c->msg, sizeof c->msg, "%s", e->message ? e->message : "not well-formed");
    size_t n = strlen(c->msg);
    while (n && (c->msg[n - 1] == '\n' || c->msg[n - 1] == ' '))
        c->msg[--n] = '\0';
}

static int ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return 0;
    return 1;
}

/* The lexer's raw name against libxml2's UTF-8 one. A non-ASCII name in an
 * ISO-8859-1 file differs in bytes only: then libxml2's spelling is kept. */
static int same_name(char **lexed, const char *parsed)
{
    if (strcmp(*lexed, parsed) == 0)
        return 1;
    if (ascii(*lexed) && ascii(parsed))
        return 0;
    free(*lexed);
    *lexed = ps_xstrdup(parsed);
    return 1;
}

/* Walks elements in document order, pairing each with the lexer's entry. */
static int tie(ps_xmldoc *doc, xmlNodePtr *nodes, xmlNodePtr node, size_t *next)
{
    for (; node; node = node->next) {
        if (node->type != XML_ELEMENT_NODE)
            continue;
        size_t i = (*next)++;
        if (i >= doc->nelems || !same_name(&doc->elems[i].name, (const char *)node->name))
            return -1;
        node->_private = (void *)(uintptr_t)(i + 1);
        nodes[i] = node;
        node->ns = NULL; /* queries match local names */
        const ps_xelem *e = &doc->elems[i];
        size_t a = 0;
        for (xmlAttrPtr at = node->properties; at; at = at->next, a++) {
            if (a >= e->nattrs ||
                !same_name(&doc->attrs[e->first_attr + a].name, (const char *)at->name))
                return -1;
            at->_private = (void *)(uintptr_t)(e->first_attr + a + 1);
            at->ns = NULL;
        }
        if (a != e->nattrs)
            return -1;
        if (tie(doc, nodes, node->children, next) < 0)
            return -1;
    }
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

int ps_xmldoc_parse(ps_xmldoc **out, const char *path, const char *data, size_t len, ps_error *err)
{
    int rc = -1;
    ps_xmldoc *doc = ps_xcalloc(1, sizeof *doc);
    lexer lx = {.p = data, .len = len, .doc = doc, .subset_at = SIZE_MAX};
    xmlParserCtxtPtr ctxt = NULL;
    ps_lines lines = {0};
    ps_lines_build(&lines, data, len);
    int line, col;

    if (!ascii_compatible(data, len)) {
        ps_error_set(err, path, 1, 1, "not an ASCII-compatible encoding (UTF-16 is not supported)");
        goto done;
    }
    /* libxml2 2.9 takes a NUL after the root element for the end of the input and
     * never reads what follows; no XML document holds one anywhere. */
    const char *nul = memchr(data, '\0', len);
    if (nul) {
        ps_lines_pos(&lines, (size_t)(nul - data), &line, &col);
        ps_error_set(err, path, line, col, "not well-formed XML: Char 0x0 out of allowed range");
        goto done;
    }
    int lexed = lex(&lx);
    if (lx.subset_at != SIZE_MAX) {
        ps_lines_pos(&lines, lx.subset_at, &line, &col);
        ps_error_set(err, path, line, col,
                     "internal DTD subset (entity declarations) is not allowed in a config file");
        goto done;
    }

    /* The loader and error handler are libxml2 globals: ours only for this parse. */
    xmlExternalEntityLoader old_loader = xmlGetExternalEntityLoader();
    xmlStructuredErrorFunc old_handler = xmlStructuredError;
    void *old_handler_ctx = xmlStructuredErrorContext;
    xmlSetExternalEntityLoader(refuse_entity);
    captured cap = {0};
    xmlSetStructuredErrorFunc(&cap, capture_error);
    ctxt = xmlNewParserCtxt();
    if (!ctxt) {
        ps_error_set(err, path, 0, 0, "out of memory");
        goto restore;
    }
    /* No NOENT, DTDLOAD, DTDATTR, XINCLUDE, HUGE or RECOVER: see DESIGN §2.6. */
    xmlDocPtr x = xmlCtxtReadMemory(ctxt, data, (int)len, path, NULL,
                                    XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR);
    if (!x || !ctxt->wellFormed || !ctxt->nsWellFormed) {
        if (x)
            xmlFreeDoc(x);
        if (cap.set)
            ps_error_set(err, path, cap.line, cap.col, "not well-formed XML: %s", cap.msg);
        else
            ps_error_set(err, path, 0, 0, "not well-formed XML");
        goto restore;
    }
    impl *im = ps_xcalloc(1, sizeof *im);
    im->doc = x;
    im->nodes = ps_xcalloc(doc->nelems, sizeof *im->nodes);
    doc->impl = im;
    if (lexed < 0) {
        ps_error_set(err, path, 0, 0, "markup the span lexer cannot follow");
        goto restore;
    }
    size_t next = 0;
    if (tie(doc, im->nodes, xmlDocGetRootElement(x), &next) < 0 || next != doc->nelems) {
        ps_error_set(err, path, 0, 0, "internal error: lexer and parser disagree on the elements");
        goto restore;
    }
    rc = 0;
restore:
    xmlSetStructuredErrorFunc(old_handler_ctx, old_handler);
    xmlSetExternalEntityLoader(old_loader);
done:
    if (ctxt)
        xmlFreeParserCtxt(ctxt);
    free(lx.stack);
    ps_lines_free(&lines);
    if (rc == 0)
        *out = doc;
    else
        ps_xmldoc_free(doc);
    return rc;
}

void ps_xmldoc_free(ps_xmldoc *doc)
{
    if (!doc)
        return;
    for (size_t i = 0; i < doc->nelems; i++)
        free(doc->elems[i].name);
    for (size_t i = 0; i < doc->nattrs; i++)
        free(doc->attrs[i].name);
    free(doc->elems);
    free(doc->attrs);
    free(doc->texts);
    impl *im = doc->impl;
    if (im) {
        xmlFreeDoc(im->doc);
        free(im->nodes);
        free(im);
    }
    free(doc);
}

/* libxml2's XPath reports some errors (an unknown function) through the
 * generic handler; the caller gets them as a -1 and a message of ours. */
static void ignore_generic(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

static xmlXPathObjectPtr eval(const ps_xmldoc *doc, int ctx_elem, const char *xpath, ps_error *err)
{
    const impl *im = doc->impl;
    xmlXPathContextPtr ctx = xmlXPathNewContext(im->doc);
    if (!ctx) {
        ps_error_set(err, NULL, 0, 0, "out of memory");
        return NULL;
    }
    if (ctx_elem >= 0 && (size_t)ctx_elem < doc->nelems)
        ctx->node = im->nodes[ctx_elem];
    captured cap = {0};
    xmlStructuredErrorFunc old_handler = xmlStructuredError;
    void *old_handler_ctx = xmlStructuredErrorContext;
    xmlGenericErrorFunc old_generic = xmlGenericError;
    void *old_generic_ctx = xmlGenericErrorContext;
    xmlSetStructuredErrorFunc(&cap, capture_error);
    xmlSetGenericErrorFunc(NULL, ignore_generic);
    xmlXPathObjectPtr obj = xmlXPathEvalExpression((const xmlChar *)xpath, ctx);
    xmlSetGenericErrorFunc(old_generic_ctx, old_generic);
    xmlSetStructuredErrorFunc(old_handler_ctx, old_handler);
    xmlXPathFreeContext(ctx);
    if (!obj)
        ps_error_set(err, NULL, 0, 0, "invalid XPath expression '%s'", xpath);
    return obj;
}

int ps_xmldoc_select(const ps_xmldoc *doc, const char *xpath, ps_xhit **hits, size_t *n,
                     ps_error *err)
{
    *hits = NULL;
    *n = 0;
    xmlXPathObjectPtr obj = eval(doc, -1, xpath, err);
    if (!obj)
        return -1;
    size_t cap = 0;
    xmlNodeSetPtr set = obj->type == XPATH_NODESET ? obj->nodesetval : NULL;
    for (int i = 0; set && i < set->nodeNr; i++) {
        xmlNodePtr node = set->nodeTab[i];
        int elem = -1, attr = -1;
        if (node->type == XML_ATTRIBUTE_NODE && node->_private) {
            attr = (int)((uintptr_t)node->_private - 1);
            elem = doc->attrs[attr].elem;
        } else if (node->type == XML_ELEMENT_NODE && node->_private) {
            elem = (int)((uintptr_t)node->_private - 1);
        } else if ((node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) &&
                   node->parent && node->parent->_private) {
            elem = (int)((uintptr_t)node->parent->_private - 1);
        }
        if (elem < 0)
            continue;
        if (*n && (*hits)[*n - 1].elem == elem && (*hits)[*n - 1].attr == attr)
            continue;
        ps_xhit *h = PS_PUSH(*hits, *n, cap);
        h->elem = elem;
        h->attr = attr;
    }
    xmlXPathFreeObject(obj);
    return 0;
}

int ps_xmldoc_test(const ps_xmldoc *doc, int ctx_elem, const char *xpath, int *result,
                   ps_error *err)
{
    xmlXPathObjectPtr obj = eval(doc, ctx_elem, xpath, err);
    if (!obj)
        return -1;
    *result = xmlXPathCastToBoolean(obj) ? 1 : 0;
    xmlXPathFreeObject(obj);
    return 0;
}

int ps_xmldoc_within(const ps_xmldoc *doc, int inner, int outer)
{
    for (int e = inner; e >= 0; e = doc->elems[e].parent)
        if (e == outer)
            return 1;
    return 0;
}
