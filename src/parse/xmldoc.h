/*
 * An XML config file as portshift sees it: the original bytes, checked by
 * libxml2 for well-formedness, and a table of the byte spans of every
 * element, attribute value and run of character data.
 *
 * libxml2 is the authority on structure (it parses the document with network
 * and DTD loading off and answers XPath queries); a small lexer over the same
 * bytes records where each value sits, since libxml2 reports no byte offsets.
 * The two are tied together element by element and must agree, or loading
 * fails. No libxml2 type appears in this header.
 *
 * A document is read in up to three steps, each only when needed: the spans
 * (ps_xmldoc_lex, our lexer alone), the check (ps_xmldoc_check: libxml2's
 * strict parse streamed, tied to the spans, no tree) and the tree
 * (ps_xmldoc_tree: the strict parse kept for XPath queries). A file that only
 * holds scanned references needs the first two; one a catalog rule queries,
 * all three.
 */
#ifndef PS_PARSE_XMLDOC_H
#define PS_PARSE_XMLDOC_H

#include <stddef.h>

#include <portshift/portshift.h>

#include "base/arena.h"

typedef struct ps_span {
    size_t start, end; /* [start, end) byte offsets in the file */
} ps_span;

typedef struct ps_xelem {
    char *name;    /* local name (prefix stripped) */
    int parent;    /* index of the parent element, -1 for the root */
    ps_span tag;   /* the start tag, '<' to '>' inclusive */
    ps_span inner; /* content between start and end tag; empty for <a/> */
    size_t first_attr, nattrs;
} ps_xelem;

typedef struct ps_xattr {
    char *name;    /* local name (prefix stripped) */
    ps_span value; /* between the quotes, entity references left as written */
    int elem;
} ps_xattr;

/* Character data outside markup (text and CDATA content); comments excluded. */
typedef struct ps_xtext {
    ps_span span;
    int elem;
} ps_xtext;

typedef struct ps_xmldoc {
    ps_xelem *elems;
    size_t nelems;
    ps_xattr *attrs; /* namespace declarations are not listed */
    size_t nattrs;
    ps_xtext *texts;
    size_t ntexts;
    const char *data; /* the bytes (borrowed) */
    size_t len;
    ps_arena names; /* every element and attribute name */
    int checked;    /* libxml2 found it well-formed, with the elements the spans list */
    void *impl;     /* the libxml2 tree once ps_xmldoc_tree built it, private to xmldoc.c */
} ps_xmldoc;

/*
 * Initialises libxml2, once for the process. A program that parses or queries
 * from several threads calls it in its main thread before starting them:
 * libxml2 2.9 takes the thread that first initialises it for the main one,
 * the one thread whose error handlers are the process's. Every function below
 * calls it too, so a single-threaded caller need not. After it, functions of
 * this header may run in several threads at once, each on documents of its
 * own; a compiled ps_xpath may be shared by all of them.
 */
void ps_xml_init(void);

/*
 * Records the spans of `data` (borrowed; must outlive the document) as the
 * file `path`. Refuses documents that carry an internal DTD subset (entity
 * declarations: XXE, billion laughs), hold a NUL byte or are not in an
 * ASCII-compatible encoding, and markup the lexer cannot follow (with
 * libxml2's position when libxml2 rejects it too). No libxml2 parse when
 * the lexer follows the document: it is not checked yet.
 */
int ps_xmldoc_lex(ps_xmldoc **out, const char *path, const char *data, size_t len, ps_error *err);
/*
 * Checks a lexed document strictly, as ps_xmldoc_tree does, by a streaming
 * parse that builds no tree. Refuses documents that are not well-formed
 * (namespaces included) and those whose elements and attributes libxml2
 * reads otherwise than the lexer. Does nothing for a document checked before.
 */
int ps_xmldoc_check(ps_xmldoc *doc, const char *path, ps_error *err);
/* Builds the libxml2 tree of a lexed document, checking it on the way, for
 * ps_xmldoc_select and ps_xmldoc_test. Does nothing when it is built. The
 * tree holds no comments: no query sees one, and none holds a site. */
int ps_xmldoc_tree(ps_xmldoc *doc, const char *path, ps_error *err);
/* Frees the tree, keeping the spans and the check: queries are done. */
void ps_xmldoc_drop_tree(ps_xmldoc *doc);
/*
 * All three steps: lex, check, tree. Refuses documents that are not
 * well-formed and everything ps_xmldoc_lex refuses. On error fills err with
 * path:line:col.
 */
int ps_xmldoc_parse(ps_xmldoc **out, const char *path, const char *data, size_t len, ps_error *err);
void ps_xmldoc_free(ps_xmldoc *doc);

/*
 * 1 when the bytes alone call for a strict reading, whatever the file holds:
 * a DOCTYPE (where one may stand: in the prolog; an internal subset is
 * refused), a NUL byte or an encoding that is not ASCII-compatible (the scan
 * for references could not read it). A fast screen of the raw bytes.
 */
int ps_xmldoc_screen(const char *data, size_t len);

/* A node an XPath query selected: an element (attr == -1) or an attribute of it. */
typedef struct ps_xhit {
    int elem;
    int attr;
} ps_xhit;

/* A compiled XPath 1.0 expression: compiled once, evaluated over any number
 * of documents (the catalog's rules over every home's files), by any number
 * of threads at once. */
typedef struct ps_xpath ps_xpath;

/* -1 when `expr` is not XPath 1.0 (function names are only resolved when it
 * is evaluated). The expression's text stays readable for messages. */
int ps_xpath_compile(ps_xpath **out, const char *expr, ps_error *err);
void ps_xpath_free(ps_xpath *xpath);
/* ps_xmldoc_select and ps_xmldoc_test with a compiled expression. */
int ps_xpath_select(const ps_xpath *xpath, const ps_xmldoc *doc, ps_xhit **hits, size_t *n,
                    ps_error *err);
int ps_xpath_test(const ps_xpath *xpath, const ps_xmldoc *doc, int ctx_elem, int *result,
                  ps_error *err);

/*
 * Evaluates an XPath 1.0 expression over the document with every namespace
 * ignored (`/Server/Ports/Offset` matches carbon.xml's namespaced elements).
 * Text nodes select their parent element. *hits (caller frees) are in
 * document order. -1 when the expression is invalid. The document must have
 * its tree (ps_xmldoc_tree), as for ps_xmldoc_test.
 */
int ps_xmldoc_select(const ps_xmldoc *doc, const char *xpath, ps_xhit **hits, size_t *n,
                     ps_error *err);

/*
 * Evaluates `xpath` as a boolean into *result, with element `ctx_elem` as the
 * context node (-1: the document). -1 when the expression is invalid.
 */
int ps_xmldoc_test(const ps_xmldoc *doc, int ctx_elem, const char *xpath, int *result,
                   ps_error *err);

/* 1 when element `inner` is `outer` or lies inside it. */
int ps_xmldoc_within(const ps_xmldoc *doc, int inner, int outer);

#endif
