/*
 * XPath over a document's tree: expressions compiled once (the catalog's
 * rules), evaluated with a document's own context, answered as the lexer's
 * element and attribute indexes, so callers never see a libxml2 node.
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/xpathInternals.h>

#include "base/error.h"
#include "base/strbuf.h"
#include "parse/xmldoc.h"
#include "parse/xmldoc_impl.h"

struct ps_xpath {
    xmlXPathCompExprPtr comp;
    char *text;
};

int ps_xpath_compile(ps_xpath **out, const char *expr, ps_error *err)
{
    /* libxml2 compiles a plain path (no '[', '(' or '@') into a pattern that
     * it matches against every node of the document; the same expression in
     * parentheses, the same node-set, is evaluated step by step along the
     * child axis instead: a tenth of the time for /Server/Ports/Offset. */
    /* The expression alone must compile first: "a) | (b" is none, "(a) | (b)" is. */
    char *wrapped = ps_xasprintf("(%s)", expr);
    guard g;
    ps__xml_guard_begin(&g);
    xmlXPathCompExprPtr comp = xmlXPathCompile((const xmlChar *)expr);
    if (comp) {
        xmlXPathFreeCompExpr(comp);
        comp = xmlXPathCompile((const xmlChar *)wrapped);
    }
    ps__xml_guard_end(&g);
    free(wrapped);
    if (!comp)
        return ps_error_set(err, NULL, 0, 0, "invalid XPath expression '%s'", expr);
    ps_xpath *x = ps_xmalloc(sizeof *x);
    x->comp = comp;
    x->text = ps_xstrdup(expr);
    *out = x;
    return 0;
}

void ps_xpath_free(ps_xpath *xpath)
{
    if (!xpath)
        return;
    xmlXPathFreeCompExpr(xpath->comp);
    free(xpath->text);
    free(xpath);
}

static xmlXPathObjectPtr eval(const ps_xpath *x, const ps_xmldoc *doc, int ctx_elem, ps_error *err)
{
    impl *im = doc->impl;
    if (!im) {
        ps_error_set(err, NULL, 0, 0, "internal error: XPath over a document with no tree");
        return NULL;
    }
    if (!im->xpath && !(im->xpath = xmlXPathNewContext(im->doc))) {
        ps_error_set(err, NULL, 0, 0, "out of memory");
        return NULL;
    }
    /* The context is the document's, reused: set all an evaluation reads. */
    xmlXPathContextPtr ctx = im->xpath;
    ctx->node = ctx_elem >= 0 && (size_t)ctx_elem < doc->nelems ? im->nodes[ctx_elem] : NULL;
    ctx->contextSize = -1;
    ctx->proximityPosition = -1;
    guard g;
    ps__xml_guard_begin(&g);
    xmlXPathObjectPtr obj = xmlXPathCompiledEval(x->comp, ctx);
    ps__xml_guard_end(&g);
    if (!obj)
        ps_error_set(err, NULL, 0, 0, "invalid XPath expression '%s'", x->text);
    return obj;
}

int ps_xpath_select(const ps_xpath *xpath, const ps_xmldoc *doc, ps_xhit **hits, size_t *n,
                    ps_error *err)
{
    *hits = NULL;
    *n = 0;
    xmlXPathObjectPtr obj = eval(xpath, doc, -1, err);
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

int ps_xpath_test(const ps_xpath *xpath, const ps_xmldoc *doc, int ctx_elem, int *result,
                  ps_error *err)
{
    xmlXPathObjectPtr obj = eval(xpath, doc, ctx_elem, err);
    if (!obj)
        return -1;
    *result = xmlXPathCastToBoolean(obj) ? 1 : 0;
    xmlXPathFreeObject(obj);
    return 0;
}

/* The string forms, compiled for one call: a select when `hits` is given, else a test. */
static int once(const char *xpath, const ps_xmldoc *doc, int ctx_elem, ps_xhit **hits, size_t *n,
                int *result, ps_error *err)
{
    ps_xpath *x;
    if (ps_xpath_compile(&x, xpath, err) < 0)
        return -1;
    int rc =
        hits ? ps_xpath_select(x, doc, hits, n, err) : ps_xpath_test(x, doc, ctx_elem, result, err);
    ps_xpath_free(x);
    return rc;
}

int ps_xmldoc_select(const ps_xmldoc *doc, const char *xpath, ps_xhit **hits, size_t *n,
                     ps_error *err)
{
    *hits = NULL;
    *n = 0;
    return once(xpath, doc, -1, hits, n, NULL, err);
}

int ps_xmldoc_test(const ps_xmldoc *doc, int ctx_elem, const char *xpath, int *result,
                   ps_error *err)
{
    return once(xpath, doc, ctx_elem, NULL, NULL, result, err);
}

int ps_xmldoc_within(const ps_xmldoc *doc, int inner, int outer)
{
    for (int e = inner; e >= 0; e = doc->elems[e].parent)
        if (e == outer)
            return 1;
    return 0;
}
