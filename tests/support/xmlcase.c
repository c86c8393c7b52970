#include "xmlcase.h"

#include <string.h>

ps_xmldoc *parse_len(const char *xml, size_t len)
{
    ps_xmldoc *doc = NULL;
    ps_error err;
    memset(&err, 0, sizeof err);
    int rc = ps_xmldoc_parse(&doc, "test.xml", xml, len, &err);
    ck_assert_msg(rc == 0, "parse failed: %s:%d:%d: %s\n--- input ---\n%s", err.path, err.line,
                  err.col, err.message, xml);
    ck_assert_ptr_nonnull(doc);
    return doc;
}

ps_xmldoc *parse(const char *xml)
{
    return parse_len(xml, strlen(xml));
}

/* Index of the nth (0-based) element called `name`, or -1. */
int elem_named(const ps_xmldoc *doc, const char *name, int nth)
{
    for (size_t i = 0; i < doc->nelems; i++)
        if (strcmp(doc->elems[i].name, name) == 0 && nth-- == 0)
            return (int)i;
    return -1;
}

/* Index (into doc->attrs) of element elem's attribute `name`, or -1. */
int attr_named(const ps_xmldoc *doc, int elem, const char *name)
{
    const ps_xelem *e = &doc->elems[elem];
    for (size_t i = 0; i < e->nattrs; i++)
        if (strcmp(doc->attrs[e->first_attr + i].name, name) == 0)
            return (int)(e->first_attr + i);
    return -1;
}

/* Offset of the first occurrence of `needle` in `hay` (which must hold it). */
size_t offset_of(const char *hay, const char *needle)
{
    const char *p = strstr(hay, needle);
    ck_assert_msg(p != NULL, "'%s' not in the input", needle);
    return (size_t)(p - hay);
}
