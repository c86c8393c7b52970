/*
 * ps_generated_fix: what to set in deployment.toml for a port in a file
 * rendered from it, since an edit to the file itself would be rendered
 * away. Named by the catalog's toml key, else by the element (or key) the
 * port sits in, read again from the file.
 */
#include "check/check.h"

#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/strbuf.h"

/* *path = longer, the old one freed; -1 when longer is NULL (out of memory). */
static int lengthen(char **path, char *longer)
{
    if (!longer)
        return -1;
    free(*path);
    *path = longer;
    return 0;
}

/* The XPath of the element (and attribute) of doc that holds site s in
 * *out, NULL when none; -1 when out of memory. */
static int element_path(char **out, const ps_xmldoc *doc, const char *data, const ps_site *s)
{
    int elem = -1;
    const char *attr = NULL;
    *out = NULL;
    for (size_t i = 0; i < doc->nattrs && elem < 0; i++)
        if (doc->attrs[i].value.start <= s->span.start && s->span.end <= doc->attrs[i].value.end) {
            elem = doc->attrs[i].elem;
            attr = doc->attrs[i].name;
        }
    for (size_t i = 0; i < doc->ntexts && elem < 0; i++)
        if (doc->texts[i].span.start <= s->span.start && s->span.end <= doc->texts[i].span.end)
            elem = doc->texts[i].elem;
    if (elem < 0)
        return 0;
    char *path = attr ? ps_asprintf("/@%s", attr) : ps_strdup("");
    int rc = path ? 0 : -1;
    for (int e = elem; e >= 0 && rc == 0; e = doc->elems[e].parent) {
        rc = lengthen(&path, ps_asprintf("/%s%s", doc->elems[e].name, path));
        /* Elements told apart by a name attribute (<Parameter name="...">) say which. */
        const ps_xelem *x = &doc->elems[e];
        for (size_t a = x->first_attr; a < x->first_attr + x->nattrs && rc == 0; a++) {
            const ps_xattr *at = &doc->attrs[a];
            if (strcmp(at->name, "name") != 0 || at->name == attr)
                continue;
            size_t at_end = strlen(doc->elems[e].name) + 1;
            rc = lengthen(&path, ps_asprintf("%.*s[@name='%.*s']%s", (int)at_end, path,
                                             (int)(at->value.end - at->value.start),
                                             data + at->value.start, path + at_end));
        }
    }
    if (rc < 0) {
        free(path);
        return -1;
    }
    *out = path;
    return 0;
}

/* The element (or key) site `s` sits in, in its file `f` as read again, in
 * *out (NULL when none); -1 when out of memory. */
static int element_in(char **out, const ps_cfile *f, const ps_site *s)
{
    if (f->xml)
        return element_path(out, f->xml, f->data, s);
    *out = NULL;
    for (size_t i = 0; i < f->props.count; i++) {
        const ps_prop *p = &f->props.entries[i];
        if (p->value.start <= s->span.start && s->span.end <= p->value.end) {
            *out =
                ps_asprintf("key %.*s", (int)(p->key.end - p->key.start), f->data + p->key.start);
            return *out ? 0 : -1;
        }
    }
    return 0;
}

/* The element (or key) a site sits in: "/Server/Service/Connector/@redirectPort";
 * *out NULL when its file cannot be read again (the message then says "it").
 * -1 when out of memory. */
static int element_of(char **out, const ps_site *s)
{
    ps_cfile f;
    ps_error ignored = {0};
    *out = NULL;
    if (ps_cfile_open(&f, s->file, &ignored) < 0)
        return ps_error_last() == PS_ENOMEM ? -1 : 0;
    int rc = element_in(out, &f, s);
    ps_cfile_close(&f);
    return rc;
}

char *ps_generated_fix(const ps_site *ref, long should)
{
    const char *file = ref->file->rel;
    if (ref->toml_key) {
        const char *dot = strrchr(ref->toml_key, '.');
        if (!dot)
            return ps_asprintf("%ld should be %ld, but %s is generated from deployment.toml: "
                               "set %s = %ld at the top of deployment.toml",
                               ref->value, should, file, ref->toml_key, should);
        return ps_asprintf("%ld should be %ld, but %s is generated from deployment.toml: "
                           "set %s = %ld in its [%.*s] table",
                           ref->value, should, file, dot + 1, should, (int)(dot - ref->toml_key),
                           ref->toml_key);
    }
    char *where;
    if (element_of(&where, ref) < 0)
        return NULL;
    char *m = ps_asprintf("%ld should be %ld, but %s is generated from deployment.toml: set it "
                          "through the deployment.toml key that renders %s",
                          ref->value, should, file, where ? where : "it");
    free(where);
    return m;
}
