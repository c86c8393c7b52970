/*
 * Inside the XML reader: what xmldoc.c (lexing, strict parsing, the tree),
 * xpath.c (queries over that tree) and xmlguard.c (libxml2 initialised
 * once, errors captured, nothing external loaded) share. libxml2 types stay
 * in these files; xmldoc.h shows none.
 */
#ifndef PS_PARSE_XMLDOC_IMPL_H
#define PS_PARSE_XMLDOC_IMPL_H

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xpath.h>

/* A document's libxml2 side, once it has a tree. */
typedef struct impl {
    xmlDocPtr doc;
    xmlNodePtr *nodes;        /* libxml2 node of each lexer element */
    xmlXPathContextPtr xpath; /* one per document: a new one registers every function */
} impl;

/* The first error libxml2 reported, with its position. */
typedef struct captured {
    int set;
    int nomem; /* libxml2 ran out of memory (XML_ERR_NO_MEMORY), first error or not */
    int line, col;
    char msg[400];
} captured;

/*
 * libxml2's error handlers, ours for one parse or query and the caller's put
 * back after. They are per thread in a threaded libxml2 (2.9.14's globals.h
 * defines xmlStructuredError, xmlGenericError and their contexts as
 * (*__xmlStructuredError()) and so on; globals.c answers the process's own
 * variables in the main thread and the calling thread's xmlGlobalState in any
 * other), so threads that parse at once never see each other's. The entity
 * loader is a process global (xmlIO.c's xmlCurrentExternalEntityLoader): it
 * is never touched; each parser context refuses what it would load
 * (ps__xml_parser_new).
 */
typedef struct guard {
    xmlStructuredErrorFunc handler;
    void *handler_ctx;
    xmlGenericErrorFunc generic;
    void *generic_ctx;
    captured cap;
} guard;

/* Initialises libxml2 (ps_xml_init) and puts our error capture in place;
 * ps__xml_guard_end puts the calling thread's handlers back. */
void ps__xml_guard_begin(guard *g);
void ps__xml_guard_end(guard *g);

/*
 * A parser context that reads nothing but the bytes it is given, whatever
 * parse options it gets later: it never loads an external DTD subset (no
 * externalSubset handler, a resolveEntity that refuses), and a document that
 * declares an external entity is not well-formed to it (the parse stops at the
 * declaration, reported as a fatal error to the thread's structured handler),
 * so no entity it knows has anything outside to load. NULL when out of memory.
 */
xmlParserCtxtPtr ps__xml_parser_new(void);

#endif
