/*
 * libxml2 held safe, in any thread: initialised once, its errors captured
 * per parse (its error handlers are per thread), and no parser context
 * able to load anything outside the bytes it is given. xmldoc.c parses and
 * xpath.c queries through these (parse/xmldoc_impl.h).
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "parse/xmldoc.h"
#include "parse/xmldoc_impl.h"

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void init_libxml2(void)
{
    xmlInitParser();
}

void ps_xml_init(void)
{
    pthread_once(&xml_once, init_libxml2);
}

static void capture_error(void *ctx, xmlErrorPtr e)
{
    captured *c = ctx;
    if (e && e->code == XML_ERR_NO_MEMORY)
        c->nomem = 1;
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

/* libxml2's generic handler gets some XPath errors (an unknown function); the
 * caller gets them as a -1 and a message of ours. */
static void ignore_generic(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

void ps__xml_guard_begin(guard *g)
{
    ps_xml_init();
    memset(g, 0, sizeof *g);
    g->handler = xmlStructuredError;
    g->handler_ctx = xmlStructuredErrorContext;
    g->generic = xmlGenericError;
    g->generic_ctx = xmlGenericErrorContext;
    xmlSetStructuredErrorFunc(&g->cap, capture_error);
    xmlSetGenericErrorFunc(NULL, ignore_generic);
}

void ps__xml_guard_end(guard *g)
{
    xmlSetGenericErrorFunc(g->generic_ctx, g->generic);
    xmlSetStructuredErrorFunc(g->handler_ctx, g->handler);
}

/*
 * What keeps a parse inside its input, per context. In libxml2 2.9.14 the
 * parse of a memory buffer reaches xmlLoadExternalEntity (the process's
 * loader) by three roads only:
 *   - the external DTD subset: xmlParseDocument calls sax->externalSubset,
 *     whose SAX2 version asks sax->resolveEntity (xmlSAX2ResolveEntity,
 *     which calls the loader) when DTDLOAD, DTDATTR or DTDVALID is set;
 *   - an external parameter entity: xmlParsePEReference and
 *     xmlLoadEntityContent open it with xmlNewEntityInputStream;
 *   - an external general entity: xmlParseReference parses it with
 *     xmlParseExternalEntityPrivate (xmlCreateEntityParserCtxtInternal)
 *     when NOENT or DTDVALID is set, never asking sax->resolveEntity.
 * The options we pass (no DTDLOAD, DTDATTR, DTDVALID or NOENT) close all
 * three; so does this context alone: the first two handlers are gone, and
 * the last two roads need an external entity, which no document can declare
 * here: every declaration goes through sax->entityDecl or
 * sax->unparsedEntityDecl (xmlParseEntityDecl's direct xmlSAX2EntityDecl
 * call is for contexts with no document, and ours get one at startDocument).
 * XInclude, the HTML parser and xmlCtxtReadFile, the loader's other callers,
 * are never used.
 */
static void refuse_external(xmlParserCtxtPtr ctxt, const xmlChar *name)
{
    char msg[160];
    snprintf(msg, sizeof msg, "external entity '%s' is not allowed in a config file",
             (const char *)name);
    xmlError e = {.domain = XML_FROM_PARSER,
                  .code = XML_ERR_USER_STOP,
                  .message = msg,
                  .level = XML_ERR_FATAL,
                  .line = ctxt->input ? ctxt->input->line : 0,
                  .int2 = ctxt->input ? ctxt->input->col : 0};
    xmlStructuredErrorFunc report = xmlStructuredError;
    if (report)
        report(xmlStructuredErrorContext, &e);
    ctxt->wellFormed = 0;
    xmlStopParser(ctxt);
}

static void declare_entity(void *ctx, const xmlChar *name, int type, const xmlChar *public_id,
                           const xmlChar *system_id, xmlChar *content)
{
    if (type == XML_INTERNAL_GENERAL_ENTITY || type == XML_INTERNAL_PARAMETER_ENTITY)
        xmlSAX2EntityDecl(ctx, name, type, public_id, system_id, content);
    else
        refuse_external(ctx, name);
}

static void declare_unparsed_entity(void *ctx, const xmlChar *name, const xmlChar *public_id,
                                    const xmlChar *system_id, const xmlChar *notation)
{
    (void)public_id;
    (void)system_id;
    (void)notation;
    refuse_external(ctx, name);
}

static xmlParserInputPtr resolve_nothing(void *ctx, const xmlChar *public_id,
                                         const xmlChar *system_id)
{
    (void)ctx;
    (void)public_id;
    (void)system_id;
    return NULL;
}

xmlParserCtxtPtr ps__xml_parser_new(void)
{
    ps_xml_init();
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt)
        return NULL;
    /* ctxt->sax is the context's own copy (xmlInitParserCtxt allocates it) */
    ctxt->sax->externalSubset = NULL;
    ctxt->sax->resolveEntity = resolve_nothing;
    ctxt->sax->entityDecl = declare_entity;
    ctxt->sax->unparsedEntityDecl = declare_unparsed_entity;
    return ctxt;
}
