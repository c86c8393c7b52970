#include "catalog/catalog.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/strbuf.h"
#include "parse/file.h"
#include "parse/xmldoc.h"

extern const unsigned char ps_catalog_data[];
extern const size_t ps_catalog_size;

#define CATALOG_NAME "catalog.xml"

/* Decodes the five predefined entities and character references; NULL when out of memory. */
static char *decode(const char *s, size_t n)
{
    ps_strbuf b = PS_STRBUF_INIT;
    static const struct {
        const char *ent;
        char c;
    } ents[] = {{"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&quot;", '"'}, {"&apos;", '\''}};
    for (size_t i = 0; i < n;) {
        if (s[i] == '&') {
            int done = 0;
            for (size_t k = 0; k < sizeof ents / sizeof ents[0] && !done; k++) {
                size_t el = strlen(ents[k].ent);
                if (i + el <= n && memcmp(s + i, ents[k].ent, el) == 0) {
                    ps_strbuf_add(&b, &ents[k].c, 1);
                    i += el;
                    done = 1;
                }
            }
            if (!done && i + 2 < n && s[i + 1] == '#') {
                char *end;
                long cp =
                    s[i + 2] == 'x' ? strtol(s + i + 3, &end, 16) : strtol(s + i + 2, &end, 10);
                if (*end == ';' && cp > 0 && cp < 128) {
                    char c = (char)cp;
                    ps_strbuf_add(&b, &c, 1);
                    i = (size_t)(end - s) + 1;
                    done = 1;
                }
            }
            if (done)
                continue;
        }
        ps_strbuf_add(&b, s + i, 1);
        i++;
    }
    return ps_strbuf_detach(&b, NULL);
}

/* The catalog document being read. Its many attributes are read without a
 * check each: a failed allocation is noted in `oom`, read once per element. */
typedef struct reader {
    const ps_xmldoc *doc;
    const char *data;
    int oom;
} reader;

/* The value of attribute `name` of element `elem`, decoded; NULL when absent
 * (or out of memory: rd->oom). */
static char *attr(reader *rd, int elem, const char *name)
{
    const ps_xelem *e = &rd->doc->elems[elem];
    for (size_t i = 0; i < e->nattrs; i++) {
        const ps_xattr *a = &rd->doc->attrs[e->first_attr + i];
        if (strcmp(a->name, name) == 0) {
            char *v = decode(rd->data + a->value.start, a->value.end - a->value.start);
            rd->oom |= !v;
            return v;
        }
    }
    return NULL;
}

/* The words of s (taken) into l; out of memory: rd->oom. */
static void split_words(reader *rd, ps_strlist *l, char *s)
{
    l->items = NULL;
    l->count = 0;
    if (!s)
        return;
    size_t cap = 0;
    for (char *tok = strtok(s, " \t\r\n"); tok; tok = strtok(NULL, " \t\r\n")) {
        char **slot = PS_TRY_PUSH(l->items, l->count, cap);
        if (!slot || !(*slot = ps_strdup(tok))) {
            l->count -= slot != NULL;
            rd->oom = 1;
            break;
        }
    }
    free(s);
}

/* Appends v (taken) to l, whose capacity is its count; out of memory: rd->oom. */
static void strlist_add(reader *rd, ps_strlist *l, char *v)
{
    size_t cap = l->count;
    char **slot = PS_TRY_PUSH(l->items, l->count, cap);
    if (slot)
        *slot = v;
    else {
        free(v);
        rd->oom = 1;
    }
}

static void strlist_free(ps_strlist *l)
{
    for (size_t i = 0; i < l->count; i++)
        free(l->items[i]);
    free(l->items);
}

int ps_strlist_has(const ps_strlist *l, const char *s)
{
    for (size_t i = 0; i < l->count; i++)
        if (strcmp(l->items[i], s) == 0)
            return 1;
    return 0;
}

static const struct {
    const char *name;
    ps_rule_kind kind;
} kinds[] = {{"version", PS_RULE_VERSION},     {"offset", PS_RULE_OFFSET},
             {"hostname", PS_RULE_HOSTNAME},   {"listener", PS_RULE_LISTENER},
             {"reference", PS_RULE_REFERENCE}, {"role", PS_RULE_ROLE},
             {"builtin", PS_RULE_BUILTIN},     {"stored", PS_RULE_STORED}};

/* An expression of the rule, compiled once; NULL stays NULL. */
static int compile(ps_xpath **out, const char *expr, int line, int col, ps_error *err)
{
    if (expr && ps_xpath_compile(out, expr, err) < 0)
        return ps_error_last() == PS_ENOMEM ? -1
                                            : ps_error_set(err, CATALOG_NAME, line, col,
                                                           "invalid XPath expression '%s'", expr);
    return 0;
}

static int load_rule(ps_rule *r, reader *rd, int elem, const ps_lines *lines, ps_error *err)
{
    int col;
    ps_lines_pos(lines, rd->doc->elems[elem].tag.start, &r->line, &col);
    split_words(rd, &r->products, attr(rd, elem, "products"));
    r->since = attr(rd, elem, "since");
    r->before = attr(rd, elem, "before");
    r->source = attr(rd, elem, "source");
    char *root = attr(rd, elem, "root");
    r->root = root && strcmp(root, "deployment") == 0 ? PS_ROOT_DEPLOYMENT : PS_ROOT_CONF;
    free(root);
    r->file = attr(rd, elem, "file");
    r->match = attr(rd, elem, "match");
    r->key = attr(rd, elem, "key");
    char *shift = attr(rd, elem, "shift");
    r->shift = !shift                         ? PS_SHIFT_AUTO
               : strcmp(shift, "manual") == 0 ? PS_SHIFT_MANUAL
               : strcmp(shift, "fixed") == 0  ? PS_SHIFT_FIXED
                                              : PS_SHIFT_AUTO;
    free(shift);
    char *active = attr(rd, elem, "active");
    r->active = !active || strcmp(active, "false") != 0;
    free(active);
    char *shared = attr(rd, elem, "shared");
    r->shared = shared && strcmp(shared, "true") == 0;
    free(shared);
    char *https = attr(rd, elem, "https");
    r->https_main = https && strcmp(https, "main") == 0;
    free(https);
    r->active_file = attr(rd, elem, "active-file");
    r->active_if = attr(rd, elem, "active-if");
    r->what = attr(rd, elem, "what");
    r->toml_key = attr(rd, elem, "toml-key");
    r->role = attr(rd, elem, "name");
    r->scope = attr(rd, elem, "scope");
    split_words(rd, &r->unless_keys, attr(rd, elem, "unless-key"));
    r->unless_value = attr(rd, elem, "unless-value");
    char *owner = attr(rd, elem, "owner");
    r->self_only = owner && strcmp(owner, "self") == 0;
    free(owner);
    char *port = attr(rd, elem, "port");
    r->port = port ? strtol(port, NULL, 10) : 0;
    free(port);
    /* a port, or a ${...} placeholder (0); -2 when it is neither */
    char *dflt = attr(rd, elem, "toml-default");
    r->toml_default = !dflt                         ? -1
                      : strncmp(dflt, "${", 2) == 0 ? 0
                      : strspn(dflt, "0123456789") == strlen(dflt) && strlen(dflt) <= 5
                          ? strtol(dflt, NULL, 10)
                          : -2;
    free(dflt);
    char *uroot = attr(rd, elem, "unless-root");
    r->unless_root = uroot && strcmp(uroot, "deployment") == 0 ? PS_ROOT_DEPLOYMENT : PS_ROOT_CONF;
    free(uroot);
    char *mode = attr(rd, elem, "mode");
    r->mode = !mode                      ? PS_RULE_ANY_MODE
              : strcmp(mode, "xml") == 0 ? PS_RULE_XML_MODE
                                         : PS_RULE_TOML_MODE;
    free(mode);
    r->shows = attr(rd, elem, "shows");
    r->value = attr(rd, elem, "value");
    r->unless_file = attr(rd, elem, "unless-file");
    r->unless_match = attr(rd, elem, "unless-match");
    if (rd->oom)
        return ps_error_oom(err);

    if (!r->source)
        return ps_error_set(err, CATALOG_NAME, r->line, col, "rule without a source");
    if (compile(&r->xpath.match, r->match, r->line, col, err) < 0 ||
        compile(&r->xpath.active_if, r->active_if, r->line, col, err) < 0 ||
        compile(&r->xpath.unless_match, r->unless_match, r->line, col, err) < 0)
        return -1;
    int fileless = r->kind == PS_RULE_BUILTIN || r->kind == PS_RULE_STORED;
    if (!fileless && (!r->file || (!r->match && !r->key)))
        return ps_error_set(err, CATALOG_NAME, r->line, col, "rule needs file and match or key");
    if ((r->scope || r->unless_keys.count || r->unless_value) &&
        (r->kind != PS_RULE_ROLE || !r->key || !r->scope || !r->unless_keys.count ||
         !r->unless_value))
        return ps_error_set(err, CATALOG_NAME, r->line, col,
                            "scope, unless-key and unless-value go together, on a role with a key");
    if (fileless && (r->port < 1 || r->port > 65535))
        return ps_error_set(err, CATALOG_NAME, r->line, col, "%s needs a port",
                            r->kind == PS_RULE_BUILTIN ? "builtin" : "stored");
    if (r->kind == PS_RULE_STORED && !r->what)
        return ps_error_set(err, CATALOG_NAME, r->line, col, "stored needs what");
    if (r->toml_default != -1 && (!r->toml_key || r->toml_default < 0 || r->toml_default > 65535))
        return ps_error_set(err, CATALOG_NAME, r->line, col,
                            "toml-default needs toml-key and a port or a ${...} placeholder");
    if ((r->kind == PS_RULE_LISTENER || r->kind == PS_RULE_BUILTIN ||
         r->kind == PS_RULE_REFERENCE) &&
        !r->what && !(r->what = ps_strdup("")))
        return ps_error_oom(err);
    return 0;
}

int ps_catalog_load(ps_catalog **out, const char *data, size_t len, ps_error *err)
{
    ps_xmldoc *doc = NULL;
    if (ps_xmldoc_parse(&doc, CATALOG_NAME, data, len, err) < 0)
        return -1;
    ps_catalog *cat = ps_calloc(1, sizeof *cat);
    if (!cat) {
        ps_xmldoc_free(doc);
        return ps_error_oom(err);
    }
    reader rdr = {.doc = doc, .data = data}, *rd = &rdr;
    size_t pcap = 0, rcap = 0;
    ps_lines lines;
    ps_lines_build(&lines, data, len);
    int rc = 0;
    for (size_t i = 0; i < doc->nelems && rc == 0; i++) {
        const ps_xelem *e = &doc->elems[i];
        int parent = e->parent;
        const char *pname = parent >= 0 ? doc->elems[parent].name : "";
        if (parent < 0 && strcmp(e->name, "catalog") == 0) {
            cat->version = attr(rd, (int)i, "version");
            if (rd->oom)
                rc = ps_error_oom(err);
        } else if (strcmp(e->name, "product") == 0 && strcmp(pname, "products") == 0) {
            ps_product *p = PS_TRY_PUSH(cat->products, cat->nproducts, pcap);
            if (!p) {
                rc = ps_error_oom(err);
                break;
            }
            memset(p, 0, sizeof *p);
            p->id = attr(rd, (int)i, "id");
            p->name = attr(rd, (int)i, "name");
            split_words(rd, &p->dir_prefix, attr(rd, (int)i, "dir-prefix"));
            split_words(rd, &p->roles, attr(rd, (int)i, "roles"));
            char *prof = attr(rd, (int)i, "profile-only");
            p->profile_only = prof && strcmp(prof, "true") == 0;
            free(prof);
            char *def = attr(rd, (int)i, "default-offset");
            p->default_offset = def ? strtol(def, NULL, 10) : 0;
            free(def);
            if (rd->oom)
                rc = ps_error_oom(err);
            else if (!p->id || !p->name)
                rc = ps_error_set(err, CATALOG_NAME, 0, 0, "product without id or name");
        } else if (strcmp(e->name, "profile") == 0 && cat->nproducts) {
            ps_product *p = &cat->products[cat->nproducts - 1];
            /* three lists of one length: a failure cuts them to the shortest */
            strlist_add(rd, &p->profile_paths, attr(rd, (int)i, "path"));
            strlist_add(rd, &p->profile_products, attr(rd, (int)i, "product"));
            strlist_add(rd, &p->profile_carbon5, attr(rd, (int)i, "carbon5-file"));
            if (rd->oom)
                rc = ps_error_oom(err);
        } else if (strcmp(e->name, "marker") == 0 && cat->nproducts) {
            ps_product *p = &cat->products[cat->nproducts - 1];
            char *weak = attr(rd, (int)i, "weak");
            char *path = attr(rd, (int)i, "path");
            char *toml = path ? NULL : attr(rd, (int)i, "toml");
            char *name = path || toml ? NULL : attr(rd, (int)i, "server-name");
            ps_strlist *l = name                                ? &p->name_markers
                            : toml                              ? &p->toml_markers
                            : weak && strcmp(weak, "true") == 0 ? &p->weak_markers
                                                                : &p->markers;
            free(weak);
            if (path || toml || name)
                strlist_add(rd, l, path ? path : toml ? toml : name);
            if (rd->oom)
                rc = ps_error_oom(err);
        } else if (strcmp(pname, "rules") == 0) {
            size_t k = 0;
            while (k < sizeof kinds / sizeof kinds[0] && strcmp(kinds[k].name, e->name) != 0)
                k++;
            if (k == sizeof kinds / sizeof kinds[0]) {
                int line, col;
                ps_lines_pos(&lines, e->tag.start, &line, &col);
                rc = ps_error_set(err, CATALOG_NAME, line, col, "unknown rule <%s>", e->name);
                break;
            }
            ps_rule *r = PS_TRY_PUSH(cat->rules, cat->nrules, rcap);
            if (!r) {
                rc = ps_error_oom(err);
                break;
            }
            memset(r, 0, sizeof *r);
            r->kind = kinds[k].kind;
            rc = load_rule(r, rd, (int)i, &lines, err);
        }
    }
    ps_lines_free(&lines);
    ps_xmldoc_free(doc);
    for (size_t i = 0; i < cat->nproducts && rc == 0; i++)
        for (size_t k = 0; k < cat->products[i].profile_products.count && rc == 0; k++)
            if (!cat->products[i].profile_paths.items[k] ||
                !ps_catalog_product(cat, cat->products[i].profile_products.items[k]))
                rc = ps_error_set(err, CATALOG_NAME, 0, 0, "profile of %s names no product",
                                  cat->products[i].id);
    if (rc < 0) {
        ps_catalog_free(cat);
        return -1;
    }
    *out = cat;
    return 0;
}

int ps_catalog_builtin(ps_catalog **out, ps_error *err)
{
    return ps_catalog_load(out, (const char *)ps_catalog_data, ps_catalog_size, err);
}

void ps_catalog_free(ps_catalog *cat)
{
    if (!cat)
        return;
    free(cat->version);
    for (size_t i = 0; i < cat->nproducts; i++) {
        ps_product *p = &cat->products[i];
        free(p->id);
        free(p->name);
        strlist_free(&p->markers);
        strlist_free(&p->weak_markers);
        strlist_free(&p->toml_markers);
        strlist_free(&p->name_markers);
        strlist_free(&p->dir_prefix);
        strlist_free(&p->roles);
        strlist_free(&p->profile_paths);
        strlist_free(&p->profile_products);
        strlist_free(&p->profile_carbon5);
    }
    for (size_t i = 0; i < cat->nrules; i++) {
        ps_rule *r = &cat->rules[i];
        strlist_free(&r->products);
        strlist_free(&r->unless_keys);
        char *strs[] = {r->scope, r->unless_value, r->since,       r->before,       r->source,
                        r->file,  r->match,        r->key,         r->active_file,  r->active_if,
                        r->what,  r->role,         r->unless_file, r->unless_match, r->shows,
                        r->value, r->toml_key};
        for (size_t k = 0; k < sizeof strs / sizeof strs[0]; k++)
            free(strs[k]);
        ps_xpath_free(r->xpath.match);
        ps_xpath_free(r->xpath.active_if);
        ps_xpath_free(r->xpath.unless_match);
    }
    free(cat->products);
    free(cat->rules);
    free(cat);
}

const ps_product *ps_catalog_product(const ps_catalog *cat, const char *id)
{
    for (size_t i = 0; i < cat->nproducts; i++)
        if (strcmp(cat->products[i].id, id) == 0)
            return &cat->products[i];
    return NULL;
}

size_t ps_version_prefix_len(const char *s)
{
    size_t n = 0;
    while (isdigit((unsigned char)s[n]) || (s[n] == '.' && isdigit((unsigned char)s[n + 1])))
        n++;
    return n && isdigit((unsigned char)s[0]) ? n : 0;
}

int ps_version_cmp(const char *a, const char *b)
{
    while (*a || *b) {
        long x = strtol(a, (char **)&a, 10), y = strtol(b, (char **)&b, 10);
        if (x != y)
            return x < y ? -1 : 1;
        if (*a == '.')
            a++;
        if (*b == '.')
            b++;
        if (!isdigit((unsigned char)*a) && !isdigit((unsigned char)*b))
            break;
    }
    return 0;
}

int ps_rule_applies(const ps_rule *rule, const char *product, const char *version)
{
    if (rule->products.count && !ps_strlist_has(&rule->products, product))
        return 0;
    if (rule->since || rule->before) {
        if (!version || !*version)
            return 0;
        if (rule->since && ps_version_cmp(version, rule->since) < 0)
            return 0;
        if (rule->before && ps_version_cmp(version, rule->before) >= 0)
            return 0;
    }
    return 1;
}
