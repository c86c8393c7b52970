#include "sites/sites.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/keyset.h"
#include "base/strbuf.h"
#include "sites/finder.h"
#include "sites/refscan.h"

static int claimed(const finder *f, const ps_cfile *file, size_t start)
{
    return ps_keyset_has(&f->claims, (uintptr_t)file, start);
}

/* Which of each rule's patterns are globs (f->globs, built once a run):
 * nearly every rule names one file and one key, compared as strings; only a
 * real glob costs an fnmatch, rules times files (and keys) being thousands
 * of matches a home. */
enum { GLOB_FILE = 1, GLOB_KEY = 2 };

static int is_glob(const char *pattern)
{
    return pattern && strpbrk(pattern, "*?[\\") != NULL;
}

static int build_globs(finder *f)
{
    if (!(f->globs = ps_calloc(f->cat->nrules + 1, 1)))
        return ps_error_oom(f->err);
    for (size_t i = 0; i < f->cat->nrules; i++) {
        const ps_rule *r = &f->cat->rules[i];
        f->globs[i] =
            (unsigned char)((is_glob(r->file) ? GLOB_FILE : 0) | (is_glob(r->key) ? GLOB_KEY : 0));
    }
    return 0;
}

/* fnmatch(pattern, s, flags) == 0, for a pattern that build_globs marked `glob` or not. */
static int matches(const char *pattern, int glob, const char *s, int flags)
{
    return glob ? fnmatch(pattern, s, flags) == 0 : strcmp(pattern, s) == 0;
}

static int file_matches(const finder *f, const ps_rule *r, const ps_cfile *file)
{
    return file->root == r->root &&
           matches(r->file, f->globs[r - f->cat->rules] & GLOB_FILE, file->root_rel, FNM_PATHNAME);
}

/* An element's own text, when it has no child elements (comments allowed). */
static int element_text(const ps_cfile *file, int elem, ps_span *out)
{
    const ps_xmldoc *doc = file->xml;
    const ps_xelem *e = &doc->elems[elem];
    if ((size_t)elem + 1 < doc->nelems && doc->elems[elem + 1].parent == elem)
        return 0;
    /* The digits sit in one text run; pick the first non-blank run of the element.
     * Runs are in document order and a leaf's all lie inside it: find the
     * first by binary search, not by a scan per element. */
    size_t lo = 0, hi = doc->ntexts;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (doc->texts[mid].span.start < e->inner.start)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i < doc->ntexts && doc->texts[i].span.start < e->inner.end; i++) {
        const ps_xtext *t = &doc->texts[i];
        if (t->elem != elem)
            continue;
        ps_span sp = t->span;
        long v;
        (void)ps_span_number(file->data, &sp, &v); /* trims sp, number or not */
        if (sp.end > sp.start) {
            *out = t->span;
            return 1;
        }
    }
    *out = (ps_span){e->inner.start, e->inner.start};
    return 1;
}

static int evaluate_active(finder *f, const ps_rule *r, const ps_cfile *file, int elem, int *active)
{
    *active = r->active;
    if (!r->active_if)
        return 0;
    const ps_cfile *where = file;
    int ctx = elem;
    if (r->active_file) {
        where = ps_config_find(f->cfg, PS_ROOT_CONF, r->active_file);
        ctx = -1;
    }
    if (!where || !where->xml)
        return 0;
    return ps_xpath_test(r->xpath.active_if, where->xml, ctx, active, f->err);
}

/* One host:port of `file` into *list (PS_SITES_ALL_HOSTS): out->hostrefs,
 * or out->names for a configured host name (h's span is the name then). */
static int add_hostref(finder *f, ps_hostref **list, size_t *n, size_t *cap, const ps_cfile *file,
                       const ps_refhit *h, int local, const char *role)
{
    ps_sites *out = f->out;
    if (f->ref_file != file) {
        f->ref_path = ps_arena_strndup(&out->texts, file->path, strlen(file->path));
        f->ref_rel = ps_arena_strndup(&out->texts, file->rel, strlen(file->rel));
        f->ref_file = f->ref_path && f->ref_rel ? file : NULL;
        if (!f->ref_file)
            return ps_error_oom(f->err);
    }
    ps_hostref *ref = PS_TRY_PUSH(*list, *n, *cap);
    const char *host =
        ref ? ps_arena_strndup(&out->texts, file->data + h->host_start, h->host_end - h->host_start)
            : NULL;
    if (!host) {
        if (ref)
            --*n;
        return ps_error_oom(f->err);
    }
    *ref = (ps_hostref){.path = f->ref_path,
                        .rel = f->ref_rel,
                        .host = host,
                        .port = h->port,
                        .placeholder = h->placeholder,
                        .local = local,
                        .role = role};
    ps_lines_pos(&file->lines, h->start, &ref->line, &ref->col);
    return 0;
}

/* One value a rule selected: record it as the rule's kind says. */
static int take(finder *f, const ps_rule *r, const ps_cfile *file, ps_span span, int elem)
{
    if (claimed(f, file, span.start))
        return 0;
    /* The next start renders it from deployment.toml: judged by the key, not these bytes. */
    if (file->generated && r->kind == PS_RULE_REFERENCE && r->toml_default >= 0) {
        int rc = ps__toml_key(f, r, file, span);
        if (rc != 0)
            return rc < 0 ? -1 : 0;
    }
    long value;
    ps_span digits = span;
    int numeric = ps_span_number(file->data, &digits, &value);
    if (r->kind == PS_RULE_HOSTNAME) {
        /* A TOML value keeps its quotes in the span. */
        char q = digits.end - digits.start >= 2 ? file->data[digits.start] : 0;
        if ((q == '"' || q == '\'') && file->data[digits.end - 1] == q) {
            digits.start++;
            digits.end--;
        }
        if (digits.end > digits.start && file->data[digits.start] != '$') {
            size_t cap = f->out->hostnames.count;
            char *name = ps_strndup(file->data + digits.start, digits.end - digits.start);
            char **slot =
                name ? PS_TRY_PUSH(f->out->hostnames.items, f->out->hostnames.count, cap) : NULL;
            if (!slot) {
                free(name);
                return ps_error_oom(f->err);
            }
            *slot = name;
            ps_refhit at = {
                .host_start = digits.start, .host_end = digits.end, .start = digits.start};
            if (f->all_hosts &&
                add_hostref(f, &f->out->names, &f->out->nnames, &f->ncap, file, &at, 0, NULL) < 0)
                return -1;
        }
        return 0;
    }
    if (numeric < 0) {
        /* Never skipped as "not a number": the product reads it, so a plan
         * that ignored it would be wrong about this listener or offset. */
        int line, col, n = (int)(digits.end - digits.start);
        ps_lines_pos(&file->lines, digits.start, &line, &col);
        return ps_error_setc(f->err, PS_EPARSE, file->path, line, col,
                             "%s %.*s%s is out of range (at most 65535)",
                             r->kind == PS_RULE_OFFSET ? "offset" : "port", n > 24 ? 24 : n,
                             file->data + digits.start, n > 24 ? "..." : "");
    }
    if (!numeric) {
        /* A ${...} template here is resolved (and offset) at runtime. */
        if (digits.end > digits.start && file->data[digits.start] == '$')
            return ps__claim(f, file, span.start);
        return 0;
    }
    if (ps__claim(f, file, span.start) < 0)
        return -1;
    if (r->kind == PS_RULE_OFFSET) {
        if (file->generated) {
            if (!f->out->generated_offset_site) {
                f->out->generated_offset = value;
                ps_site *g = ps__add_site(f, PS_SITE_OFFSET, file, digits, value);
                if (!g)
                    return -1;
                g->what = "port offset (generated from deployment.toml)";
                g->source = r->source;
                f->out->generated_offset_site = g; /* re-pointed after sorting */
            }
        } else if (f->out->offset_site < 0) {
            ps_site *s = ps__add_site(f, PS_SITE_OFFSET, file, digits, value);
            if (!s)
                return -1;
            f->out->offset_site = (int)f->out->count - 1;
            f->out->offset = value;
            s->what = "port offset";
            s->source = r->source;
        }
        return 0;
    }
    ps_site *s = ps__add_site(f, r->kind == PS_RULE_LISTENER ? PS_SITE_LISTENER : PS_SITE_REFERENCE,
                              file, digits, value);
    if (!s)
        return -1;
    s->what = r->what;
    s->source = r->source;
    s->shift = r->shift;
    s->self_only = r->self_only;
    s->toml_key = r->toml_key;
    if (r->kind == PS_RULE_LISTENER) {
        int active;
        if (evaluate_active(f, r, file, elem, &active) < 0)
            return -1;
        s = &f->out->items[f->out->count - 1];
        s->active = active;
        s->shared = r->shared;
        s->https_main = r->https_main;
    }
    return 0;
}

/* The value of deployment.toml entry `e` as text, a string's quotes taken off
 * (escapes as written). Caller frees; NULL when out of memory. */
static char *entry_text(const ps_cfile *file, const ps_toml_entry *e)
{
    ps_span v = e->value;
    if (v.end - v.start >= 2 && (file->data[v.start] == '"' || file->data[v.start] == '\''))
        v = (ps_span){v.start + 1, v.end - 1};
    return ps_strndup(file->data + v.start, v.end - v.start);
}

/* The element of array of tables `scope` that the byte `at` of a deployment.toml
 * lies in (its [[scope]] header's index in t->tables; a sub-table
 * [scope.x] still belongs to it), or PS_TOML_NONE when it lies in none. */
static size_t scope_element(const ps_toml *t, const char *scope, size_t at)
{
    size_t n = strlen(scope), found = PS_TOML_NONE;
    for (size_t i = 0; i < t->ntables && t->tables[i].header_end <= at; i++) {
        const char *name = t->tables[i].name;
        if (t->tables[i].array && strcmp(name, scope) == 0)
            found = i;
        else if (strncmp(name, scope, n) != 0 || name[n] != '.')
            found = PS_TOML_NONE;
    }
    return found;
}

/*
 * 1 when role rule `r` makes an exception of entry k: the element of its
 * scope the entry lies in has one of the rule's unless-keys with a value that
 * matches unless-value. A gateway environment is judged as a whole so: one
 * whose service URL uses the ${...} placeholders as shipped is the server's
 * own, and its literal ws/wss endpoints with it. It depends on how the element
 * is written, never on the port a reference holds now. -1 when out of memory.
 */
static int role_excepted(const ps_rule *r, const ps_cfile *file, size_t k)
{
    if (!r->scope || !file->is_toml)
        return 0;
    const ps_toml *t = &file->toml;
    size_t element = scope_element(t, r->scope, t->entries[k].line_start);
    if (element == PS_TOML_NONE)
        return 0;
    for (size_t j = 0; j < t->nentries; j++) {
        const ps_toml_entry *e = &t->entries[j];
        if (strcmp(e->table, r->scope) != 0 || !ps_strlist_has(&r->unless_keys, e->key) ||
            scope_element(t, r->scope, e->line_start) != element)
            continue;
        char *text = entry_text(file, e);
        if (!text)
            return -1;
        int hit = fnmatch(r->unless_value, text, 0) == 0;
        free(text);
        if (hit)
            return 1;
    }
    return 0;
}

/* Entry k of a keyed file (.properties, deployment.toml, deployment.yaml). */
static int take_keyed(finder *f, const ps_rule *r, const ps_cfile *file, size_t k, const char *key,
                      ps_span value)
{
    if (!matches(r->key, f->globs[r - f->cat->rules] & GLOB_KEY, key, 0))
        return 0;
    if (r->kind == PS_RULE_ROLE) {
        int excepted = role_excepted(r, file, k);
        if (excepted)
            return excepted < 0 ? ps_error_oom(f->err) : 0;
        struct tag *t = PS_TRY_PUSH(f->tags, f->ntags, f->tcap);
        if (!t)
            return ps_error_oom(f->err);
        *t = (struct tag){file, -1, -1, k, r->role};
        return 0;
    }
    return take(f, r, file, value, -1);
}

/* "table.key" of a deployment.toml entry, as rules name it. Caller frees;
 * NULL when out of memory. */
static char *full_key(const ps_toml_entry *e)
{
    return *e->table ? ps_asprintf("%s.%s", e->table, e->key) : ps_strdup(e->key);
}

static int apply_rule(finder *f, const ps_rule *r)
{
    for (size_t i = 0; i < f->cfg->nfiles; i++) {
        const ps_cfile *file = &f->cfg->files[i];
        if (!file_matches(f, r, file))
            continue;
        if (file->xml && r->match) {
            ps_xhit *hits;
            size_t n;
            if (ps_xpath_select(r->xpath.match, file->xml, &hits, &n, f->err) < 0) {
                snprintf(f->err->path, sizeof f->err->path, "catalog.xml");
                f->err->line = r->line;
                return -1;
            }
            int rc = 0;
            for (size_t k = 0; k < n && rc == 0; k++) {
                if (r->kind == PS_RULE_ROLE) {
                    struct tag *t = PS_TRY_PUSH(f->tags, f->ntags, f->tcap);
                    if (!t)
                        rc = ps_error_oom(f->err);
                    else
                        *t = (struct tag){file, hits[k].elem, hits[k].attr, 0, r->role};
                    continue;
                }
                ps_span span;
                if (hits[k].attr >= 0)
                    span = file->xml->attrs[hits[k].attr].value;
                else if (!element_text(file, hits[k].elem, &span))
                    continue;
                rc = take(f, r, file, span, hits[k].elem);
            }
            free(hits);
            if (rc < 0)
                return -1;
        } else if (file->is_toml && r->key && r->kind == PS_RULE_OFFSET) {
            if (ps__toml_offset(f, r, file) < 0)
                return -1;
        } else if (file->is_toml && r->key) {
            for (size_t k = 0; k < file->toml.nentries; k++) {
                const ps_toml_entry *e = &file->toml.entries[k];
                char *full = full_key(e);
                int rc = full ? take_keyed(f, r, file, k, full, e->value) : ps_error_oom(f->err);
                free(full);
                if (rc < 0)
                    return -1;
            }
        } else if (!file->xml && !file->is_toml && r->key) {
            for (size_t k = 0; k < file->props.count; k++) {
                const ps_prop *p = &file->props.entries[k];
                char *key = ps_prop_key(p, file->data);
                int rc = key ? take_keyed(f, r, file, k, key, p->value) : ps_error_oom(f->err);
                free(key);
                if (rc < 0)
                    return -1;
            }
        }
    }
    return 0;
}

static int add_builtin(finder *f, const ps_rule *r)
{
    /* A builtin stands in for a config entry the tree lacks: skip it when the
     * file is there (for XML, when it holds the entry). */
    if (r->unless_file) {
        const ps_cfile *file = ps_config_find(f->cfg, r->unless_root, r->unless_file);
        if (file && (!file->xml || !r->unless_match))
            return 0;
        if (file) {
            ps_xhit *hits;
            size_t n;
            if (ps_xpath_select(r->xpath.unless_match, file->xml, &hits, &n, f->err) < 0)
                return -1;
            free(hits);
            if (n)
                return 0;
        }
    }
    ps_site *s = ps__add_site(f, PS_SITE_LISTENER, NULL, (ps_span){0, 0}, r->port);
    if (!s)
        return -1;
    s->shift = r->shift;
    s->active = r->active;
    s->shared = r->shared;
    s->https_main = r->https_main;
    s->what = r->what;
    s->source = r->source;
    return 0;
}

/*
 * The role tags of one file, by node: the first tag (in rule order) on each
 * attribute and property, and on each element or any of its ancestors (a
 * tag covers the element's whole content). Built once per file, so a scan
 * hit finds its role without going through every tag.
 */
#define NO_TAG SIZE_MAX

typedef struct roles {
    size_t *elem, *attr, *prop; /* index into finder.tags, or NO_TAG */
    size_t nelem, nattr, nprop;
} roles;

/* 0, or -1 (the slots as they were) when out of memory. */
static int first_tag(size_t **slots, size_t *n, size_t at, size_t tag)
{
    if (at >= *n) {
        size_t old = *n;
        if (ps_reserve((void **)slots, n, at + 1, sizeof **slots) < 0)
            return -1;
        for (size_t i = old; i < *n; i++)
            (*slots)[i] = NO_TAG;
    }
    if (tag < (*slots)[at])
        (*slots)[at] = tag;
    return 0;
}

static void roles_free(roles *all, size_t n);

/* roles[i] for cfg->files[i]; a file without tags has none. NULL with
 * f->err set when out of memory. */
static roles *roles_build(const finder *f)
{
    roles *all = ps_calloc(f->cfg->nfiles + 1, sizeof *all);
    int rc = all ? 0 : -1;
    for (size_t i = 0; i < f->ntags && rc == 0; i++) {
        const struct tag *t = &f->tags[i];
        roles *r = &all[t->file - f->cfg->files];
        if (!t->file->xml)
            rc = first_tag(&r->prop, &r->nprop, t->prop, i);
        else if (t->attr >= 0)
            rc = first_tag(&r->attr, &r->nattr, (size_t)t->attr, i);
        else
            rc = first_tag(&r->elem, &r->nelem, (size_t)t->elem, i);
    }
    for (size_t k = 0; k < f->cfg->nfiles && rc == 0; k++) {
        const ps_xmldoc *doc = f->cfg->files[k].xml;
        roles *r = &all[k];
        if (!doc || !r->nelem)
            continue;
        /* one slot per element */
        rc = first_tag(&r->elem, &r->nelem, doc->nelems - 1, NO_TAG);
        for (size_t e = 0; e < doc->nelems && rc == 0; e++) /* parents before their children */
            if (doc->elems[e].parent >= 0)
                rc = first_tag(&r->elem, &r->nelem, e, r->elem[doc->elems[e].parent]);
    }
    if (rc < 0) {
        if (all)
            roles_free(all, f->cfg->nfiles);
        ps_error_oom(f->err);
        return NULL;
    }
    return all;
}

static void roles_free(roles *all, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(all[i].elem);
        free(all[i].attr);
        free(all[i].prop);
    }
    free(all);
}

static const char *role_of(const finder *f, const roles *r, int elem, int attr, size_t prop)
{
    size_t t = NO_TAG;
    if (elem < 0) {
        t = prop < r->nprop ? r->prop[prop] : NO_TAG;
    } else {
        t = (size_t)elem < r->nelem ? r->elem[elem] : NO_TAG;
        if (attr >= 0 && (size_t)attr < r->nattr && r->attr[attr] < t)
            t = r->attr[attr];
    }
    return t == NO_TAG ? NULL : f->tags[t].role;
}

/* PS_SITES_REMOTE: the host of hit h as written, kept with the sites'
 * texts; NULL (f->err set) when out of memory. */
static const char *site_host(finder *f, const ps_cfile *file, const ps_refhit *h)
{
    const char *host =
        ps_arena_strndup(&f->out->texts, file->data + h->host_start, h->host_end - h->host_start);
    if (!host)
        ps_error_oom(f->err);
    return host;
}

/* PS_SITES_REMOTE: hit h, a literal port at a host the local scan does not
 * know, as a site of its own kind. -1 when out of memory. */
static int add_remote(finder *f, const ps_cfile *file, const ps_refhit *h, const char *role)
{
    ps_site *s = ps__add_site(f, PS_SITE_REMOTE, file, (ps_span){h->start, h->end}, h->port);
    if (!s)
        return -1;
    s->role = role;
    s->host = site_host(f, file, h);
    return s->host ? 0 : -1;
}

/* PS_SITES_ALL_HOSTS: the references of the range to hosts the local scan
 * does not know (its own hits[0, n) are in already). */
static int scan_any_host(finder *f, const ps_cfile *file, ps_span range, const ps_refhit *hits,
                         size_t n, const char *role)
{
    ps_refhit *any = NULL;
    size_t nany = 0, cap = 0, k = 0;
    int rc = 0;
    if (ps_refscan_any(file->data, range.start, range.end, &any, &nany, &cap) == PS_REFSCAN_NOMEM)
        rc = ps_error_oom(f->err);
    for (size_t i = 0; i < nany && rc == 0; i++) {
        while (k < n && hits[k].start < any[i].start) /* both in text order */
            k++;
        if ((k < n && hits[k].start == any[i].start) || claimed(f, file, any[i].start))
            continue;
        rc =
            add_hostref(f, &f->out->hostrefs, &f->out->nhostrefs, &f->hcap, file, &any[i], 0, role);
        /* A literal port at a named host: what another host's facts may own. */
        if (rc == 0 && f->remote && !any[i].placeholder && file->data[any[i].host_start] != '$')
            rc = add_remote(f, file, &any[i], role);
    }
    free(any);
    return rc;
}

static int scan_range(finder *f, const ps_cfile *file, const roles *r, ps_span range, int elem,
                      int attr, size_t prop)
{
    ps_refhit *hits = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    if (ps_refscan(file->data, range.start, range.end, f->out->hostnames.items,
                   f->out->hostnames.count, &hits, &n, &cap) == PS_REFSCAN_NOMEM)
        rc = ps_error_oom(f->err);
    const char *role = rc == 0 && (n || f->all_hosts) ? role_of(f, r, elem, attr, prop) : NULL;
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (claimed(f, file, hits[i].start))
            continue;
        ps_span sp = {hits[i].start, hits[i].end};
        ps_site *s = ps__add_site(f, hits[i].placeholder ? PS_SITE_PLACEHOLDER : PS_SITE_REFERENCE,
                                  file, sp, hits[i].port);
        if (!s)
            rc = -1;
        else
            s->role = role;
        if (s && f->remote && !(s->host = site_host(f, file, &hits[i])))
            rc = -1;
        if (rc == 0 && f->all_hosts)
            rc = add_hostref(f, &f->out->hostrefs, &f->out->nhostrefs, &f->hcap, file, &hits[i], 1,
                             role);
    }
    if (rc == 0 && f->all_hosts)
        rc = scan_any_host(f, file, range, hits, n, role);
    free(hits);
    return rc;
}

static int scan_file(finder *f, ps_cfile *file, const roles *r)
{
    if (file->is_script)
        return 0; /* a script's ports are the shell's business; its offset is read apart */
    if (file->is_xml) {
        /* Most files hold no reference: their bytes alone say so, unlexed. */
        if (!file->xml &&
            !(f->all_hosts ? ps_refscan_any_maybe(file->data, file->len)
                           : ps_refscan_maybe(file->data, file->len, f->out->hostnames.items,
                                              f->out->hostnames.count)))
            return 0;
        if (ps_cfile_xml(file, PS_XML_SPANS, f->err) < 0)
            return -1;
        size_t before = f->out->count;
        const ps_xmldoc *doc = file->xml;
        for (size_t i = 0; i < doc->ntexts; i++)
            if (scan_range(f, file, r, doc->texts[i].span, doc->texts[i].elem, -1, 0) < 0)
                return -1;
        for (size_t i = 0; i < doc->nattrs; i++)
            if (scan_range(f, file, r, doc->attrs[i].value, doc->attrs[i].elem, (int)i, 0) < 0)
                return -1;
        /* A file with a site is read strictly, as is every file a rule reads. */
        return f->out->count > before ? ps_cfile_xml(file, PS_XML_CHECKED, f->err) : 0;
    }
    if (file->is_toml) {
        for (size_t i = 0; i < file->toml.nstrings; i++)
            if (scan_range(f, file, r, file->toml.strings[i].inner, -1, -1,
                           file->toml.strings[i].entry) < 0)
                return -1;
    } else {
        for (size_t i = 0; i < file->props.count; i++)
            if (scan_range(f, file, r, file->props.entries[i].value, -1, -1, i) < 0)
                return -1;
    }
    return 0;
}

static int cmp_sites(const void *a, const void *b)
{
    const ps_site *x = a, *y = b;
    if (!x->file || !y->file)
        return (x->file == NULL) - (y->file == NULL);
    int c = strcmp(x->file->rel, y->file->rel);
    if (c)
        return c;
    if (x->span.start != y->span.start)
        return x->span.start < y->span.start ? -1 : 1;
    /* Lines added at one place: a key line before a new table (or the table
     * would take it), then by key; the edits keep this order. */
    if (x->insert != y->insert)
        return x->insert < y->insert ? -1 : 1;
    return x->key && y->key ? strcmp(x->key, y->key) : 0;
}

/* 1 when `file` holds what version rule `r` looks for: an XPath hit, or a
 * key (deployment.toml: table.key) whose value, unquoted, matches r->value;
 * -1 when out of memory. */
static int holds_entry(const ps_rule *r, const ps_cfile *file)
{
    if (file->xml && r->match) {
        ps_xhit *hits;
        size_t n;
        if (ps_xpath_select(r->xpath.match, file->xml, &hits, &n, NULL) < 0)
            return 0;
        free(hits);
        return n > 0;
    }
    if (!file->is_toml || !r->key)
        return 0;
    for (size_t k = 0; k < file->toml.nentries; k++) {
        const ps_toml_entry *e = &file->toml.entries[k];
        char *key = full_key(e);
        if (!key)
            return -1;
        int hit = fnmatch(r->key, key, 0) == 0;
        free(key);
        if (hit && r->value) {
            char *text = entry_text(file, e);
            if (!text)
                return -1;
            hit = fnmatch(r->value, text, 0) == 0;
            free(text);
        }
        if (hit)
            return 1;
    }
    return 0;
}

/* The earliest version the files of the runtime show (the catalog's version
 * rules with `shows`: API-M keeps deployment.toml from 3.0 on, its WebSub
 * endpoints from 4.0 on), or NULL when nothing shows one (*oom set when out
 * of memory). */
static const char *shown_version(const finder *f, const ps_runtime *rt, int *oom)
{
    const ps_catalog *cat = f->cat;
    const ps_config *cfg = f->cfg;
    const char *best = NULL;
    for (size_t i = 0; i < cat->nrules; i++) {
        const ps_rule *r = &cat->rules[i];
        if (r->kind != PS_RULE_VERSION || !r->shows || !ps_rule_applies(r, rt->product->id, "") ||
            (best && ps_version_cmp(r->shows, best) <= 0))
            continue;
        for (size_t k = 0; k < cfg->nfiles; k++) {
            int holds = file_matches(f, r, &cfg->files[k]) ? holds_entry(r, &cfg->files[k]) : 0;
            if (holds < 0) {
                *oom = 1;
                return NULL;
            }
            if (holds) {
                best = r->shows;
                break;
            }
        }
    }
    return best;
}

/*
 * The version rules are chosen by, which therefore comes first: the one
 * carbon.xml states; for a profile, its home's; else what the files show
 * (the earliest version they fit), refined by the home's folder name when that
 * agrees with them; else the folder name. NULL when out of memory.
 */
static char *stated_version(const finder *f, const ps_runtime *rt, const char *home_version,
                            int *at_least)
{
    const ps_catalog *cat = f->cat;
    const ps_config *cfg = f->cfg;
    *at_least = 0;
    for (size_t i = 0; i < cat->nrules; i++) {
        const ps_rule *r = &cat->rules[i];
        if (r->kind != PS_RULE_VERSION || r->shows || !ps_rule_applies(r, rt->product->id, "") ||
            !r->match)
            continue;
        for (size_t k = 0; k < cfg->nfiles; k++) {
            const ps_cfile *file = &cfg->files[k];
            ps_xhit *hits;
            size_t n;
            if (!file->xml || !file_matches(f, r, file) ||
                ps_xpath_select(r->xpath.match, file->xml, &hits, &n, NULL) < 0)
                continue;
            ps_span span;
            char *version = NULL;
            int oom = 0;
            if (n && hits[0].attr < 0 && element_text(file, hits[0].elem, &span)) {
                char *text = ps_strndup(file->data + span.start, span.end - span.start);
                const char *v = text ? text + strspn(text, " \t\r\n") : NULL;
                size_t len = v ? ps_version_prefix_len(v) : 0;
                version = len ? ps_strndup(v, len) : NULL;
                oom = !text || (len && !version);
                free(text);
            }
            free(hits);
            if (version || oom)
                return version;
        }
    }
    if (home_version && *home_version)
        return ps_strdup(home_version);
    int oom = 0;
    const char *shown = shown_version(f, rt, &oom);
    if (oom)
        return NULL;
    if (shown && !(*rt->version && ps_version_cmp(rt->version, shown) >= 0)) {
        *at_least = 1;
        return ps_strdup(shown);
    }
    return ps_strdup(rt->version);
}

/* 1 when rule `r` reads `file`: as the file its values are in, or as the one
 * that says whether its listener is active or its builtin stands in for an entry. */
static int rule_reads(const finder *f, const ps_rule *r, const ps_cfile *file)
{
    return (r->file && file_matches(f, r, file)) ||
           (r->active_file && file->root == PS_ROOT_CONF &&
            strcmp(file->root_rel, r->active_file) == 0) ||
           (r->unless_file && file->root == r->unless_root &&
            strcmp(file->root_rel, r->unless_file) == 0);
}

/*
 * Every XML file a rule of the product reads gets its tree first, whatever
 * version the rules end up chosen by, so each rule below finds file->xml
 * where it looks. Any other XML file is read only if the scan needs it.
 */
static int read_rule_files(finder *f, const ps_catalog *cat, const ps_runtime *rt)
{
    char *of_product = ps_calloc(cat->nrules + 1, 1);
    if (!of_product)
        return ps_error_oom(f->err);
    for (size_t i = 0; i < cat->nrules; i++)
        of_product[i] = !cat->rules[i].products.count ||
                        ps_strlist_has(&cat->rules[i].products, rt->product->id);
    int rc = 0;
    for (size_t k = 0; k < f->cfg->nfiles && rc == 0; k++) {
        ps_cfile *file = &f->cfg->files[k];
        for (size_t i = 0; file->is_xml && i < cat->nrules; i++)
            if (of_product[i] && rule_reads(f, &cat->rules[i], file)) {
                rc = ps_cfile_xml(file, PS_XML_TREE, f->err);
                break;
            }
    }
    free(of_product);
    return rc;
}

/* Only the rules query trees, and what comes next reads a site's span and its
 * file's bytes: an XML file keeps its spans only while it holds a site (the
 * render checks the patched file against them). Without memory to note
 * which files hold a site, every file keeps its spans: more memory, the
 * same answers. */
static void release_docs(ps_config *cfg, const ps_sites *out)
{
    char *holds = ps_calloc(cfg->nfiles + 1, 1);
    for (size_t i = 0; holds && i < out->count; i++)
        if (out->items[i].file)
            holds[out->items[i].file - cfg->files] = 1;
    for (size_t k = 0; k < cfg->nfiles; k++) {
        ps_cfile *file = &cfg->files[k];
        if (!file->xml)
            continue;
        ps_xmldoc_drop_tree(file->xml);
        if (holds && !holds[k]) {
            ps_xmldoc_free(file->xml);
            file->xml = NULL;
        }
    }
    free(holds);
}

/* What the plan and the reports read of a site's file, kept in the site;
 * -1 when out of memory. */
static int keep_text(ps_sites *out, ps_site *s)
{
    const ps_cfile *file = s->file;
    if (!file)
        return 0;
    s->text =
        ps_arena_strndup(&out->texts, file->data + s->span.start, s->span.end - s->span.start);
    if (!s->text)
        return -1;
    if (s->insert) {
        s->crlf = file->toml.crlf;
        s->need_nl = s->span.start == file->len && file->len && file->data[file->len - 1] != '\n';
    }
    return 0;
}

static int rule_in_force(const ps_rule *r, const ps_runtime *rt, const char *version)
{
    if (r->kind == PS_RULE_VERSION || !ps_rule_applies(r, rt->product->id, version))
        return 0;
    return !((r->mode == PS_RULE_XML_MODE && rt->mode != PS_MODE_XML) ||
             (r->mode == PS_RULE_TOML_MODE && rt->mode != PS_MODE_TOML));
}

/*
 * A config-only node (deployment.toml without the files it renders): a
 * builtin stands in for the listeners of a generated file the tree lacks,
 * and so the keys that render that file's manual exceptions are set as in a
 * full home (its references move exactly as there).
 */
static int keys_of_absent_files(finder *f, const ps_catalog *cat, const ps_runtime *rt)
{
    for (size_t i = 0; i < cat->nrules; i++) {
        const ps_rule *r = &cat->rules[i];
        if (r->kind != PS_RULE_REFERENCE || r->toml_default <= 0 ||
            !rule_in_force(r, rt, f->out->version))
            continue;
        int present = 0, stood_in = 0;
        for (size_t k = 0; k < f->cfg->nfiles && !present; k++)
            present = file_matches(f, r, &f->cfg->files[k]);
        for (size_t k = 0; k < cat->nrules && !present && !stood_in; k++) {
            const ps_rule *b = &cat->rules[k];
            stood_in = b->kind == PS_RULE_BUILTIN && b->unless_file && b->unless_root == r->root &&
                       strcmp(b->unless_file, r->file) == 0 &&
                       rule_in_force(b, rt, f->out->version);
        }
        if (stood_in && ps__toml_key(f, r, NULL, (ps_span){0, 0}) < 0)
            return -1;
    }
    return 0;
}

int ps_sites_find(ps_sites *out, const ps_catalog *cat, const ps_runtime *rt, ps_config *cfg,
                  const char *home_version, ps_error *err)
{
    return ps_sites_find_flags(out, cat, rt, cfg, home_version, 0, err);
}

int ps_sites_find_flags(ps_sites *out, const ps_catalog *cat, const ps_runtime *rt, ps_config *cfg,
                        const char *home_version, unsigned flags, ps_error *err)
{
    memset(out, 0, sizeof *out);
    out->offset_site = -1;
    out->generated_offset = -1;
    finder f = {.out = out,
                .cfg = cfg,
                .cat = cat,
                .err = err,
                .all_hosts = (flags & PS_SITES_ALL_HOSTS) != 0,
                .remote = (flags & (PS_SITES_ALL_HOSTS | PS_SITES_REMOTE)) ==
                          (PS_SITES_ALL_HOSTS | PS_SITES_REMOTE)};
    int rc = build_globs(&f);
    if (rc == 0)
        rc = read_rule_files(&f, cat, rt);
    if (rc == 0) {
        out->version = stated_version(&f, rt, home_version, &out->version_at_least);
        if (!out->version)
            rc = ps_error_oom(err);
    }
    size_t stored_cap = 0;
    for (size_t i = 0; i < cat->nrules && rc == 0; i++) {
        const ps_rule *r = &cat->rules[i];
        if (!rule_in_force(r, rt, out->version))
            continue;
        if (r->kind == PS_RULE_STORED) {
            const ps_rule **slot = PS_TRY_PUSH(out->stored, out->nstored, stored_cap);
            if (slot)
                *slot = r;
            else
                rc = ps_error_oom(err);
        } else {
            rc = r->kind == PS_RULE_BUILTIN ? add_builtin(&f, r) : apply_rule(&f, r);
        }
    }
    if (rc == 0 && rt->mode == PS_MODE_TOML && !rt->templates_rel)
        rc = keys_of_absent_files(&f, cat, rt);
    if (rc == 0 && out->offset_site < 0) {
        out->offset = rt->product->default_offset;
        if (rt->mode == PS_MODE_TOML)
            rc = ps__offset_insertion(&f);
    }
    if (rc == 0)
        rc = ps__start_sites(&f, rt);
    if (rc == 0) {
        roles *r = roles_build(&f);
        if (!r)
            rc = -1;
        for (size_t i = 0; r && i < cfg->nfiles && rc == 0; i++)
            rc = scan_file(&f, &cfg->files[i], &r[i]);
        if (r)
            roles_free(r, cfg->nfiles);
    }
    ps_keyset_free(&f.claims);
    free(f.tags);
    free(f.globs);
    release_docs(cfg, out);
    if (rc < 0) {
        ps_sites_free(out);
        return -1;
    }
    /* Document order per file, files by path, builtins last; the offset sites move too. */
    ps_sort(out->items, out->count, sizeof *out->items, cmp_sites);
    out->offset_site = -1;
    out->generated_offset_site = NULL;
    for (size_t i = 0; i < out->count; i++) {
        if (keep_text(out, &out->items[i]) < 0) {
            ps_sites_free(out);
            return ps_error_oom(err);
        }
        if (out->items[i].kind != PS_SITE_OFFSET)
            continue;
        if (out->items[i].file->generated)
            out->generated_offset_site = &out->items[i];
        else
            out->offset_site = (int)i;
    }
    ps__start_choose(out);
    return 0;
}

void ps_sites_free(ps_sites *sites)
{
    free(sites->version);
    for (size_t i = 0; i < sites->hostnames.count; i++)
        free(sites->hostnames.items[i]);
    free(sites->hostnames.items);
    free(sites->items);
    free(sites->hostrefs);
    free(sites->names);
    free(sites->stored);
    ps_arena_free(&sites->texts);
    memset(sites, 0, sizeof *sites);
    sites->offset_site = -1;
}

int ps_sites_settle(ps_sites *sites, ps_config *cfg)
{
    ps_cfile **moved = ps_calloc(cfg->nfiles + 1, sizeof *moved);
    if (!moved)
        return -1;
    for (size_t i = 0; i < sites->count; i++)
        if (sites->items[i].file)
            moved[sites->items[i].file - cfg->files] = cfg->files; /* held: marked */
    size_t kept = 0;
    for (size_t k = 0; k < cfg->nfiles; k++) {
        ps_cfile *file = &cfg->files[k];
        if (!moved[k]) {
            ps_cfile_free(file);
            continue;
        }
        ps_cfile_drop(file);
        cfg->files[kept] = *file;
        moved[k] = &cfg->files[kept++];
    }
    for (size_t i = 0; i < sites->count; i++)
        if (sites->items[i].file)
            sites->items[i].file = moved[sites->items[i].file - cfg->files];
    cfg->nfiles = kept;
    free(moved);
    return 0;
}
