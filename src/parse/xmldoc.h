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
 */
#ifndef PS_PARSE_XMLDOC_H
#define PS_PARSE_XMLDOC_H

#include <stddef.h>

#include <portshift/portshift.h>

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
    void *impl; /* the libxml2 document, private to xmldoc.c */
} ps_xmldoc;

/*
 * Parses `data` (borrowed; must outlive the document) as the file `path`.
 * Refuses documents that are not well-formed, that carry an internal DTD
 * subset (entity declarations: XXE, billion laughs) or that are not in an
 * ASCII-compatible encoding. On error fills err with path:line:col.
 */
int ps_xmldoc_parse(ps_xmldoc **out, const char *path, const char *data, size_t len, ps_error *err);
void ps_xmldoc_free(ps_xmldoc *doc);

/* A node an XPath query selected: an element (attr == -1) or an attribute of it. */
typedef struct ps_xhit {
    int elem;
    int attr;
} ps_xhit;

/*
 * Evaluates an XPath 1.0 expression over the document with every namespace
 * ignored (`/Server/Ports/Offset` matches carbon.xml's namespaced elements).
 * Text nodes select their parent element. *hits (caller frees) are in
 * document order. -1 when the expression is invalid.
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
