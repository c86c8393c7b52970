/*
 * Inside the XML reader: what xmldoc.c (lexing, strict parsing, the tree)
 * and xpath.c (queries over that tree) share. libxml2 types stay in these
 * two files; xmldoc.h shows none.
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
    int line, col;
    char msg[400];
} captured;

/* The entity loader and error handlers are libxml2 globals: ours only for one
 * parse or query, and the caller's put back after. */
typedef struct guard {
    xmlExternalEntityLoader loader;
    xmlStructuredErrorFunc handler;
    void *handler_ctx;
    xmlGenericErrorFunc generic;
    void *generic_ctx;
    captured cap;
} guard;

/* Puts our entity loader (refusing everything) and error capture in place;
 * ps__xml_guard_end puts the caller's back. */
void ps__xml_guard_begin(guard *g);
void ps__xml_guard_end(guard *g);

#endif
