/*
 * XPath over a document's tree: expressions compiled once (the catalog's
 * rules), evaluated with a document's own context, answered as the lexer's
 * element and attribute indexes, so callers never see a libxml2 node.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xpathInternals.h>

#include "base/error.h"
#include "base/strbuf.h"
#include "parse/xmldoc.h"
#include "parse/xmldoc_impl.h"

/*
 * One ps_xpath is shared by every thread that scans a home, but a compiled
 * libxml2 expression is not read-only while it is evaluated: in 2.9.14,
 * xmlXPathCompOpEval's XPATH_OP_FUNCTION case stores the function it looked up
 * into the step (op->cache, op->cacheURI) the first time the step runs. That
 * is the one such write: the others in xpath.c are made while compiling
 * (xmlXPathCompExprAdd, xmlXPathCompSwap, xmlXPathOptimizeExpression, the
 * streaming form, which ours never take as they hold '('), or only in builds
 * with DEBUG_EVAL_COUNTS or without threads. Two threads making it at once
 * race, and ThreadSanitizer cannot see it: libxml2 is not instrumented.
 *
 * So a thread evaluates a compiled copy no other thread holds: it takes one
 * from the expression's idle copies, or compiles one more when all are in use,
 * and puts it back after. The lock guards that list only; there are at most as
 * many copies as threads ever evaluated the expression at once.
 *
 * Measured over the 25 XML files of wso2am-2.6.0's repository/conf on 2 cores,
 * every catalog rule evaluated over every file by 2 and by 4 threads (median
 * of 9 runs): one lock held around the whole evaluation took 12 to 25 % longer
 * than no guard at all, these copies 3 to 6 %; with each file parsed as well,
 * as a home is scanned, all three were within noise. Warming each function
 * step once at compile time would need the private layout of libxml2's steps,
 * and one evaluation reaches only the steps its document leads to.
 */
struct ps_xpath {
    char *text;    /* as given, for messages */
    char *wrapped; /* as compiled */
    pthread_mutex_t lock;
    xmlXPathCompExprPtr *idle; /* compiled copies no thread is evaluating */
    size_t nidle, cap;
};

/* NULL when expr is no XPath or (*nomem set, when given) libxml2 ran out of memory. */
static xmlXPathCompExprPtr compile(const char *expr, int *nomem)
{
    guard g;
    ps__xml_guard_begin(&g);
    xmlXPathCompExprPtr comp = xmlXPathCompile((const xmlChar *)expr);
    ps__xml_guard_end(&g);
    if (nomem)
        *nomem = g.cap.nomem;
    return comp;
}

int ps_xpath_compile(ps_xpath **out, const char *expr, ps_error *err)
{
    /* libxml2 compiles a plain path (no '[', '(' or '@') into a pattern that
     * it matches against every node of the document; the same expression in
     * parentheses, the same node-set, is evaluated step by step along the
     * child axis instead: a tenth of the time for /Server/Ports/Offset. */
    /* The expression alone must compile first: "a) | (b" is none, "(a) | (b)" is. */
    int nomem = 0;
    xmlXPathCompExprPtr comp = compile(expr, &nomem);
    char *wrapped = ps_asprintf("(%s)", expr);
    if (comp) {
        xmlXPathFreeCompExpr(comp);
        comp = wrapped ? compile(wrapped, &nomem) : NULL;
    }
    if (!comp) {
        free(wrapped);
        if (nomem || !wrapped)
            return ps_error_oom(err);
        return ps_error_set(err, NULL, 0, 0, "invalid XPath expression '%s'", expr);
    }
    ps_xpath *x = ps_calloc(1, sizeof *x);
    xmlXPathCompExprPtr *idle = x ? PS_TRY_PUSH(x->idle, x->nidle, x->cap) : NULL;
    if (!idle || !(x->text = ps_strdup(expr))) {
        xmlXPathFreeCompExpr(comp);
        free(wrapped);
        if (x)
            free(x->idle);
        free(x);
        return ps_error_oom(err);
    }
    *idle = comp;
    x->wrapped = wrapped;
    pthread_mutex_init(&x->lock, NULL);
    *out = x;
    return 0;
}

void ps_xpath_free(ps_xpath *xpath)
{
    if (!xpath)
        return;
    for (size_t i = 0; i < xpath->nidle; i++)
        xmlXPathFreeCompExpr(xpath->idle[i]);
    free(xpath->idle);
    pthread_mutex_destroy(&xpath->lock);
    free(xpath->wrapped);
    free(xpath->text);
    free(xpath);
}

/* A compiled copy of x for this thread alone; NULL when out of memory. */
static xmlXPathCompExprPtr take_copy(ps_xpath *x)
{
    pthread_mutex_lock(&x->lock);
    xmlXPathCompExprPtr comp = x->nidle ? x->idle[--x->nidle] : NULL;
    pthread_mutex_unlock(&x->lock);
    return comp ? comp : compile(x->wrapped, NULL);
}

/* A copy kept for the next evaluation; without room to keep it, freed. */
static void put_back(ps_xpath *x, xmlXPathCompExprPtr comp)
{
    pthread_mutex_lock(&x->lock);
    xmlXPathCompExprPtr *idle = PS_TRY_PUSH(x->idle, x->nidle, x->cap);
    if (idle)
        *idle = comp;
    pthread_mutex_unlock(&x->lock);
    if (!idle)
        xmlXPathFreeCompExpr(comp);
}

/* The const of the public functions is the caller's view: an evaluation
 * answers the same whatever copies the expression keeps. */
static xmlXPathObjectPtr eval(const ps_xpath *shared, const ps_xmldoc *doc, int ctx_elem,
                              ps_error *err)
{
    ps_xpath *x = (ps_xpath *)shared;
    impl *im = doc->impl;
    if (!im) {
        ps_error_set(err, NULL, 0, 0, "internal error: XPath over a document with no tree");
        return NULL;
    }
    xmlXPathCompExprPtr comp;
    if (!im->xpath) { /* guarded: libxml2 reports its own failure to make one */
        guard g;
        ps__xml_guard_begin(&g);
        im->xpath = xmlXPathNewContext(im->doc);
        ps__xml_guard_end(&g);
    }
    if (!im->xpath || !(comp = take_copy(x))) {
        ps_error_oom(err);
        return NULL;
    }
    /* The context is the document's, reused: set all an evaluation reads. */
    xmlXPathContextPtr ctx = im->xpath;
    ctx->node = ctx_elem >= 0 && (size_t)ctx_elem < doc->nelems ? im->nodes[ctx_elem] : NULL;
    ctx->contextSize = -1;
    ctx->proximityPosition = -1;
    guard g;
    ps__xml_guard_begin(&g);
    xmlXPathObjectPtr obj = xmlXPathCompiledEval(comp, ctx);
    ps__xml_guard_end(&g);
    put_back(x, comp);
    if (obj && g.cap.nomem) { /* a result libxml2 could not finish building */
        xmlXPathFreeObject(obj);
        obj = NULL;
    }
    if (!obj && g.cap.nomem)
        ps_error_oom(err);
    else if (!obj)
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
        ps_xhit *h = PS_TRY_PUSH(*hits, *n, cap);
        if (!h) {
            xmlXPathFreeObject(obj);
            free(*hits);
            *hits = NULL;
            *n = 0;
            return ps_error_oom(err);
        }
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
