/*
 * The port catalog: the built-in catalog loads, is the file in the source
 * tree, validates against schemas/catalog.xsd, and is internally consistent
 * (sources, product ids, XPath expressions); the loader maps attributes to
 * rule fields and refuses broken rules at their line; version comparison and
 * rule applicability follow the [since, before) bounds.
 */
#include "catalog/catalog.h"

#include <check.h>

#include "../support/runner.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpath.h>

#include "base/strbuf.h"
#include "parse/file.h"
#include "parse/xmldoc.h"

#define CATALOG_XML PS_SOURCE_DIR "/catalog/catalog.xml"
#define CATALOG_XSD PS_SOURCE_DIR "/schemas/catalog.xsd"

static ps_catalog *builtin(void)
{
    ps_catalog *cat = NULL;
    ps_error err;
    memset(&err, 0, sizeof err);
    ck_assert_msg(ps_catalog_builtin(&cat, &err) == 0, "built-in catalog: %s:%d:%d: %s", err.path,
                  err.line, err.col, err.message);
    ck_assert_ptr_nonnull(cat);
    return cat;
}

static const char *kind_name(ps_rule_kind k)
{
    static const char *const names[] = {
        [PS_RULE_VERSION] = "version",     [PS_RULE_OFFSET] = "offset",
        [PS_RULE_HOSTNAME] = "hostname",   [PS_RULE_LISTENER] = "listener",
        [PS_RULE_REFERENCE] = "reference", [PS_RULE_ROLE] = "role",
        [PS_RULE_BUILTIN] = "builtin",     [PS_RULE_STORED] = "stored"};
    return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "?";
}

/* ---- the built-in catalog ------------------------------------------------------ */

static int same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

START_TEST(test_builtin_is_the_source_file)
{
    ps_catalog *cat = builtin();
    ck_assert_uint_gt(cat->nproducts, 0);
    ck_assert_uint_gt(cat->nrules, 0);

    char *data;
    size_t len;
    ps_error err;
    memset(&err, 0, sizeof err);
    ck_assert_msg(ps_file_read(CATALOG_XML, &data, &len, &err) == 0, "%s", err.message);
    ps_catalog *file = NULL;
    ck_assert_msg(ps_catalog_load(&file, data, len, &err) == 0, "%s:%d:%d: %s", err.path, err.line,
                  err.col, err.message);
    ck_assert_uint_eq(cat->nproducts, file->nproducts);
    ck_assert_uint_eq(cat->nrules, file->nrules);
    for (size_t i = 0; i < cat->nproducts; i++)
        ck_assert_str_eq(cat->products[i].id, file->products[i].id);
    for (size_t i = 0; i < cat->nrules; i++) {
        const ps_rule *a = &cat->rules[i], *b = &file->rules[i];
        ck_assert_msg(a->kind == b->kind && a->line == b->line && same_str(a->source, b->source) &&
                          same_str(a->match, b->match) && same_str(a->file, b->file),
                      "rule %zu differs between the built-in catalog and %s (rebuild?)", i,
                      CATALOG_XML);
    }
    ps_catalog_free(file);
    free(data);
    ps_catalog_free(cat);
}
END_TEST

/* Schema errors, collected for the failure message. */
static void collect(void *ctx, xmlErrorPtr e)
{
    ps_strbuf *b = ctx;
    if (b->len < 2000 && e && e->message)
        ps_strbuf_printf(b, "line %d: %s", e->line, e->message);
}

static xmlSchemaPtr load_schema(void)
{
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(CATALOG_XSD);
    ck_assert_ptr_nonnull(pc);
    xmlSchemaPtr schema = xmlSchemaParse(pc);
    xmlSchemaFreeParserCtxt(pc);
    ck_assert_msg(schema != NULL, "%s does not parse as XML Schema", CATALOG_XSD);
    return schema;
}

static int validate(xmlSchemaPtr schema, xmlDocPtr doc, ps_strbuf *errors)
{
    xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
    ck_assert_ptr_nonnull(vc);
    xmlSchemaSetValidStructuredErrors(vc, collect, errors);
    int rc = xmlSchemaValidateDoc(vc, doc);
    xmlSchemaFreeValidCtxt(vc);
    return rc;
}

START_TEST(test_validates_against_schema)
{
    xmlSchemaPtr schema = load_schema();
    xmlDocPtr doc = xmlReadFile(CATALOG_XML, NULL, XML_PARSE_NONET);
    ck_assert_msg(doc != NULL, "%s does not parse", CATALOG_XML);
    ps_strbuf errors = PS_STRBUF_INIT;
    ps_strbuf_add(&errors, "", 0);
    int rc = validate(schema, doc, &errors);
    ck_assert_msg(rc == 0, "%s is not valid against %s (%d):\n%s", CATALOG_XML, CATALOG_XSD, rc,
                  errors.data);
    ps_strbuf_free(&errors);
    xmlFreeDoc(doc);
    xmlSchemaFree(schema);
}
END_TEST

/* The schema is not vacuous: it refuses what the loader refuses, and more. */
/* clang-format off */
static const char *const invalid_catalogs[] = {
    /* rule without a source */
    "<catalog xmlns='urn:portshift:catalog:1'><products><product id='a' name='A' dir-prefix='a'/>"
    "</products><rules><offset file='carbon.xml' match='/Server/Ports/Offset'/></rules></catalog>",
    /* empty source */
    "<catalog xmlns='urn:portshift:catalog:1'><products><product id='a' name='A' dir-prefix='a'/>"
    "</products><rules><offset source='' file='carbon.xml' match='/x'/></rules></catalog>",
    /* unknown shift */
    "<catalog xmlns='urn:portshift:catalog:1'><products><product id='a' name='A' dir-prefix='a'/>"
    "</products><rules><listener source='s' what='w' shift='sideways' file='f' match='/x'/>"
    "</rules></catalog>",
    /* builtin port out of range */
    "<catalog xmlns='urn:portshift:catalog:1'><products><product id='a' name='A' dir-prefix='a'/>"
    "</products><rules><builtin source='s' what='w' shift='auto' port='70000'/></rules></catalog>",
    /* a version that is not dotted digits */
    "<catalog xmlns='urn:portshift:catalog:1'><products><product id='a' name='A' dir-prefix='a'/>"
    "</products><rules><offset source='s' since='2.x' file='f' match='/x'/></rules></catalog>",
    /* unknown rule element */
    "<catalog xmlns='urn:portshift:catalog:1'><products><product id='a' name='A' dir-prefix='a'/>"
    "</products><rules><bogus source='s'/></rules></catalog>",
};
/* clang-format on */

START_TEST(test_schema_refuses)
{
    xmlSchemaPtr schema = load_schema();
    const char *xml = invalid_catalogs[_i];
    xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), "bad.xml", NULL, XML_PARSE_NONET);
    ck_assert_ptr_nonnull(doc);
    ps_strbuf errors = PS_STRBUF_INIT;
    ck_assert_int_gt(validate(schema, doc, &errors), 0);
    ps_strbuf_free(&errors);
    xmlFreeDoc(doc);
    xmlSchemaFree(schema);
}
END_TEST

START_TEST(test_rules_have_sources)
{
    ps_catalog *cat = builtin();
    for (size_t i = 0; i < cat->nrules; i++) {
        const ps_rule *r = &cat->rules[i];
        ck_assert_msg(r->source && r->source[strspn(r->source, " \t\r\n")] != '\0',
                      "catalog.xml:%d: <%s> without a source", r->line, kind_name(r->kind));
        ck_assert_int_gt(r->line, 0);
        if (r->kind != PS_RULE_BUILTIN && r->kind != PS_RULE_STORED) {
            ck_assert_msg(r->file && *r->file, "catalog.xml:%d: no file", r->line);
            ck_assert_msg((r->match && *r->match) || (r->key && *r->key),
                          "catalog.xml:%d: neither match nor key", r->line);
        } else {
            ck_assert_msg(r->port >= 1 && r->port <= 65535, "catalog.xml:%d: port %ld", r->line,
                          r->port);
        }
        if (r->kind == PS_RULE_LISTENER || r->kind == PS_RULE_BUILTIN ||
            r->kind == PS_RULE_REFERENCE)
            ck_assert_msg(r->what && *r->what, "catalog.xml:%d: <%s> says nothing of what it is",
                          r->line, kind_name(r->kind));
        if (r->kind == PS_RULE_ROLE)
            ck_assert_msg(r->role && *r->role, "catalog.xml:%d: role without a name", r->line);
        if (r->active_file)
            ck_assert_msg(r->active_if != NULL, "catalog.xml:%d: active-file without active-if",
                          r->line);
        if (r->unless_match)
            ck_assert_msg(r->unless_file != NULL,
                          "catalog.xml:%d: unless-match without unless-file", r->line);
    }
    ps_catalog_free(cat);
}
END_TEST

START_TEST(test_rule_products_exist)
{
    ps_catalog *cat = builtin();
    for (size_t i = 0; i < cat->nproducts; i++)
        for (size_t k = 0; k < i; k++)
            ck_assert_msg(strcmp(cat->products[i].id, cat->products[k].id) != 0,
                          "product id %s twice", cat->products[i].id);
    for (size_t i = 0; i < cat->nrules; i++) {
        const ps_rule *r = &cat->rules[i];
        for (size_t p = 0; p < r->products.count; p++) {
            int known = 0;
            for (size_t k = 0; k < cat->nproducts; k++)
                known |= strcmp(cat->products[k].id, r->products.items[p]) == 0;
            ck_assert_msg(known, "catalog.xml:%d: unknown product '%s'", r->line,
                          r->products.items[p]);
        }
    }
    ps_catalog_free(cat);
}
END_TEST

static void silent(void *ctx, xmlErrorPtr e)
{
    (void)ctx;
    (void)e;
}

/*
 * Every XPath compiles, and evaluates (libxml2 resolves function names only
 * when evaluating) through the same API portshift uses: match selects nodes,
 * active-if and unless-match are tested as booleans.
 */
START_TEST(test_xpaths_compile)
{
    ps_catalog *cat = builtin();
    ps_xmldoc *doc = NULL;
    const char *probe = "<Server><Ports><Offset>0</Offset></Ports></Server>";
    ck_assert_int_eq(ps_xmldoc_parse(&doc, "probe.xml", probe, strlen(probe), NULL), 0);
    size_t checked = 0;
    for (size_t i = 0; i < cat->nrules; i++) {
        const ps_rule *r = &cat->rules[i];
        const char *exprs[] = {r->match, r->active_if, r->unless_match};
        static const char *const attrs[] = {"match", "active-if", "unless-match"};
        for (size_t k = 0; k < 3; k++) {
            if (!exprs[k])
                continue;
            xmlSetStructuredErrorFunc(NULL, silent);
            xmlXPathCompExprPtr comp = xmlXPathCompile((const xmlChar *)exprs[k]);
            xmlSetStructuredErrorFunc(NULL, NULL);
            ck_assert_msg(comp != NULL, "catalog.xml:%d: %s=\"%s\" does not compile", r->line,
                          attrs[k], exprs[k]);
            xmlXPathFreeCompExpr(comp);
            ps_error err;
            memset(&err, 0, sizeof err);
            int rc, b;
            if (k == 0) {
                ps_xhit *hits;
                size_t n;
                rc = ps_xmldoc_select(doc, exprs[k], &hits, &n, &err);
                if (rc == 0)
                    free(hits);
            } else {
                rc = ps_xmldoc_test(doc, 0, exprs[k], &b, &err);
            }
            ck_assert_msg(rc == 0, "catalog.xml:%d: %s=\"%s\" does not evaluate: %s", r->line,
                          attrs[k], exprs[k], err.message);
            checked++;
        }
    }
    ck_assert_uint_gt(checked, 0);
    ps_xmldoc_free(doc);
    ps_catalog_free(cat);
}
END_TEST

/* The API-M Thrift server rules split the versions: exactly one holds for each. */
START_TEST(test_thrift_rules_partition_versions)
{
    ps_catalog *cat = builtin();
    static const char *const versions[] = {"1.9.0", "1.10.0", "2", "2.0.0", "2.6.0", "3.2.0"};
    size_t nrules = 0;
    for (size_t v = 0; v < sizeof versions / sizeof versions[0]; v++) {
        int applying = 0, unknown = 0;
        nrules = 0;
        for (size_t i = 0; i < cat->nrules; i++) {
            const ps_rule *r = &cat->rules[i];
            if (r->kind != PS_RULE_LISTENER || !r->match ||
                !strstr(r->match, "/APIManager/APIKeyValidator/ThriftServerPort") ||
                !ps_strlist_has(&r->products, "apim"))
                continue;
            nrules++;
            applying += ps_rule_applies(r, "apim", versions[v]);
            unknown += ps_rule_applies(r, "apim", "");
            ck_assert_int_eq(ps_rule_applies(r, "is", versions[v]), 0);
        }
        ck_assert_msg(applying == 1, "%d ThriftServerPort rules hold for API-M %s", applying,
                      versions[v]);
        ck_assert_int_eq(unknown, 0);
    }
    ck_assert_uint_eq(nrules, 2);
    ps_catalog_free(cat);
}
END_TEST

/* ---- the loader ------------------------------------------------------------------- */

/* The catalog `xml` describes; the test fails when it does not load. */
static ps_catalog *load_ok(const char *xml)
{
    ps_catalog *cat = NULL;
    ps_error err;
    memset(&err, 0, sizeof err);
    ck_assert_msg(ps_catalog_load(&cat, xml, strlen(xml), &err) == 0, "%d:%d: %s", err.line,
                  err.col, err.message);
    return cat;
}

START_TEST(test_load_fields)
{
    const char *xml =
        "<catalog xmlns=\"urn:portshift:catalog:1\">\n"
        "  <products>\n"
        "    <product id=\"apim\" name=\"API &amp; M\" dir-prefix=\"wso2am  wso2apim\" "
        "roles=\"gw\">\n"
        "      <marker path=\"a/b.xml\"/>\n"
        "      <marker path=\"c\"/>\n"
        "    </product>\n"
        "    <product id=\"is\" name=\"IS\" dir-prefix=\"wso2is\"/>\n"
        "  </products>\n"
        "  <rules>\n"
        "    <listener products=\"apim\tis\" since=\"2.0.0\" before=\"3.0.0\" root=\"deployment\"\n"
        "              file=\"a.xml\" match=\"/a[@b=&quot;x&quot; and @c&lt;3 and "
        "@d=&#39;y&#x27;]\"\n"
        "              shift=\"manual\" active=\"false\" active-file=\"j.xml\" active-if=\"/j\"\n"
        "              what=\"W\" source=\"S\"/>\n"
        "    <builtin port=\"10397\" shift=\"fixed\" unless-file=\"u.xml\" unless-match=\"/u\"\n"
        "             source=\"S2\"/>\n"
        "    <role name=\"analytics\" file=\"log4j.properties\" key=\"log4j.*.url\" "
        "source=\"S3\"/>\n"
        "  </rules>\n"
        "</catalog>\n";
    ps_catalog *cat = load_ok(xml);
    ck_assert_uint_eq(cat->nproducts, 2);
    const ps_product *p = &cat->products[0];
    ck_assert_str_eq(p->id, "apim");
    ck_assert_str_eq(p->name, "API & M");
    ck_assert_uint_eq(p->markers.count, 2);
    ck_assert_str_eq(p->markers.items[1], "c");
    ck_assert_uint_eq(p->dir_prefix.count, 2);
    ck_assert_str_eq(p->dir_prefix.items[1], "wso2apim");
    ck_assert(ps_strlist_has(&p->roles, "gw"));
    ck_assert(!ps_strlist_has(&p->roles, "g"));
    ck_assert_uint_eq(cat->products[1].markers.count, 0);

    ck_assert_uint_eq(cat->nrules, 3);
    const ps_rule *l = &cat->rules[0];
    ck_assert_int_eq(l->kind, PS_RULE_LISTENER);
    ck_assert_int_eq(l->line, 10);
    ck_assert_uint_eq(l->products.count, 2);
    ck_assert(ps_strlist_has(&l->products, "is"));
    ck_assert_str_eq(l->since, "2.0.0");
    ck_assert_str_eq(l->before, "3.0.0");
    ck_assert_int_eq(l->root, PS_ROOT_DEPLOYMENT);
    ck_assert_str_eq(l->match, "/a[@b=\"x\" and @c<3 and @d='y']");
    ck_assert_int_eq(l->shift, PS_SHIFT_MANUAL);
    ck_assert_int_eq(l->active, 0);
    ck_assert_str_eq(l->active_file, "j.xml");
    ck_assert_str_eq(l->what, "W");

    const ps_rule *b = &cat->rules[1];
    ck_assert_int_eq(b->kind, PS_RULE_BUILTIN);
    ck_assert_int_eq(b->line, 14);
    ck_assert_int_eq(b->port, 10397);
    ck_assert_int_eq(b->shift, PS_SHIFT_FIXED);
    ck_assert_int_eq(b->active, 1);
    ck_assert_int_eq(b->root, PS_ROOT_CONF);
    ck_assert_uint_eq(b->products.count, 0);
    ck_assert_ptr_null(b->since);
    ck_assert_str_eq(b->what, ""); /* defaulted */
    ck_assert_str_eq(b->unless_match, "/u");

    const ps_rule *r = &cat->rules[2];
    ck_assert_int_eq(r->kind, PS_RULE_ROLE);
    ck_assert_str_eq(r->role, "analytics");
    ck_assert_str_eq(r->key, "log4j.*.url");
    ck_assert_ptr_null(r->match);
    ck_assert_int_eq(r->shift, PS_SHIFT_AUTO);
    ps_catalog_free(cat);
}
END_TEST

/* Markers of content (deployment.toml tables; several paths that must all be
 * there) and version rules that read the version off the files. */
START_TEST(test_load_content_markers)
{
    const char *xml = "<catalog xmlns=\"urn:portshift:catalog:1\">\n"
                      "  <products>\n"
                      "    <product id=\"is\" name=\"IS\" dir-prefix=\"wso2is\">\n"
                      "      <marker path=\"a.xml b.xml\"/>\n"
                      "      <marker toml=\"database.identity_db x.*\"/>\n"
                      "      <marker path=\"w.xml\" weak=\"true\"/>\n"
                      "    </product>\n"
                      "  </products>\n"
                      "  <rules>\n"
                      "    <version products=\"is\" shows=\"5.10.0\" file=\"deployment.toml\" "
                      "key=\"user_store.type\" value=\"*unique_id*\" source=\"S\"/>\n"
                      "  </rules>\n"
                      "</catalog>\n";
    ps_catalog *cat = load_ok(xml);
    const ps_product *p = &cat->products[0];
    ck_assert_uint_eq(p->markers.count, 1);
    ck_assert_str_eq(p->markers.items[0], "a.xml b.xml");
    ck_assert_uint_eq(p->toml_markers.count, 1);
    ck_assert_str_eq(p->toml_markers.items[0], "database.identity_db x.*");
    ck_assert_uint_eq(p->weak_markers.count, 1);
    ck_assert_str_eq(p->weak_markers.items[0], "w.xml");
    const ps_rule *v = &cat->rules[0];
    ck_assert_int_eq(v->kind, PS_RULE_VERSION);
    ck_assert_str_eq(v->shows, "5.10.0");
    ck_assert_str_eq(v->value, "*unique_id*");
    ck_assert_str_eq(v->key, "user_store.type");
    ps_catalog_free(cat);
}
END_TEST

#define RULES(body)                                                                                \
    "<catalog xmlns=\"urn:portshift:catalog:1\">\n<products>\n"                                    \
    "<product id=\"a\" name=\"A\" dir-prefix=\"a\"/>\n</products>\n<rules>\n" body "</rules>\n"    \
    "</catalog>\n"

/* clang-format off */
static const struct load_error_case {
    const char *label;
    const char *xml;
    int line; /* 0: no position expected */
    const char *fragment;
} load_error_cases[] = {
    {"rule without a source", RULES("<offset file=\"carbon.xml\" match=\"/x\"/>\n"), 6, "source"},
    {"unknown rule",
     RULES("<offset file=\"f\" match=\"/x\" source=\"s\"/>\n  <bogus source=\"s\"/>\n"), 7,
     "unknown rule <bogus>"},
    {"builtin without a port", RULES("<builtin shift=\"auto\" source=\"s\" what=\"w\"/>\n"), 6,
     "port"},
    {"builtin port out of range",
     RULES("<builtin port=\"70000\" shift=\"auto\" source=\"s\" what=\"w\"/>\n"), 6, "port"},
    {"listener without match or key",
     RULES("<listener file=\"f\" shift=\"auto\" source=\"s\" what=\"w\"/>\n"), 6, "match or key"},
    {"listener without a file",
     RULES("<listener match=\"/x\" shift=\"auto\" source=\"s\" what=\"w\"/>\n"), 6, "file"},
    /* every expression is compiled when the catalog loads, not when a file meets it */
    {"match that is no XPath",
     RULES("<listener file=\"f\" match=\"/x[\" shift=\"auto\" source=\"s\" what=\"w\"/>\n"), 6,
     "invalid XPath expression '/x['"},
    {"active-if that is no XPath",
     RULES("<offset file=\"f\" match=\"/x\" source=\"s\"/>\n"
           "<listener file=\"f\" match=\"/y\" active-if=\"@@a\" shift=\"auto\" source=\"s\" "
           "what=\"w\"/>\n"),
     7, "invalid XPath expression '@@a'"},
    {"unless-match that is no XPath",
     RULES("<builtin port=\"1\" unless-file=\"f\" unless-match=\"(\" shift=\"auto\" source=\"s\" "
           "what=\"w\"/>\n"),
     6, "invalid XPath expression '('"},
    {"scope without its condition",
     RULES("<role name=\"r\" file=\"deployment.toml\" key=\"a.*\" scope=\"a\" source=\"s\"/>\n"),
     6, "scope, unless-key and unless-value go together"},
    {"a condition on an XPath role",
     RULES("<role name=\"r\" file=\"f.xml\" match=\"/x\" scope=\"a\" unless-key=\"k\" "
           "unless-value=\"*\" source=\"s\"/>\n"),
     6, "on a role with a key"},
    {"stored without what", RULES("<stored port=\"9443\" source=\"s\"/>\n"), 6,
     "stored needs what"},
    {"stored without a port", RULES("<stored what=\"w\" source=\"s\"/>\n"), 6,
     "stored needs a port"},
    {"product without a name",
     "<catalog>\n<products>\n<product id=\"a\" dir-prefix=\"a\"/>\n</products>\n<rules/>\n"
     "</catalog>\n",
     0, "product"},
    {"not well-formed", "<catalog>\n<rules>\n</catalog>\n", 3, "well-formed"},
};
/* clang-format on */

START_TEST(test_load_errors)
{
    const struct load_error_case *c = &load_error_cases[_i];
    ps_catalog *cat = NULL;
    ps_error err;
    memset(&err, 0, sizeof err);
    ck_assert_msg(ps_catalog_load(&cat, c->xml, strlen(c->xml), &err) < 0, "[%s] loaded", c->label);
    ck_assert_ptr_null(cat);
    ck_assert_str_eq(err.path, "catalog.xml");
    if (c->line)
        ck_assert_msg(err.line == c->line, "[%s] at line %d, want %d (%s)", c->label, err.line,
                      c->line, err.message);
    ck_assert_msg(strstr(err.message, c->fragment) != NULL, "[%s] message '%s' lacks '%s'",
                  c->label, err.message, c->fragment);
}
END_TEST

/* ---- versions ---------------------------------------------------------------------- */

/*
 * Components compare numerically, and a missing component counts as 0, so
 * "2" == "2.0" == "2.0.0". That is right for the catalog's bounds: a version
 * detected as "2" (a carbon.xml <Version>2</Version>, or a folder wso2am-2)
 * is 2.0.0, so since="2.0.0" holds for it and before="2.0.0" does not.
 */
/* clang-format off */
static const struct {
    const char *a, *b;
    int sign;
} version_cases[] = {
    {"2.10", "2.9", 1},      {"2.9", "2.10", -1},     {"4.4.9", "4.4.40", -1},
    {"4.4.40", "4.4.9", 1},  {"2", "2.0", 0},         {"2.0", "2", 0},
    {"2", "2.0.0", 0},       {"2.0.0", "2", 0},       {"2.0", "2.0.0", 0},
    {"4.4.0", "4.4", 0},     {"2.6.0", "2.6.0", 0},   {"2.0.0", "3.0.0", -1},
    {"1.10.0", "2.0.0", -1}, {"2.0.1", "2.0", 1},     {"2.0", "2.0.1", -1},
    {"10", "9", 1},          {"1.9.9", "2", -1},      {"3.0.0", "2.99", 1},
    {"02.1", "2.1", 0},      {"2.0.0.1", "2.0.0", 1}, {"0", "0.0", 0},
    {"3.2.0", "3.10.0", -1},
};
/* clang-format on */

static int sign(int v)
{
    return (v > 0) - (v < 0);
}

START_TEST(test_version_cmp)
{
    const char *a = version_cases[_i].a, *b = version_cases[_i].b;
    int want = version_cases[_i].sign;
    ck_assert_msg(sign(ps_version_cmp(a, b)) == want, "cmp(%s, %s) = %d, want sign %d", a, b,
                  ps_version_cmp(a, b), want);
    ck_assert_msg(sign(ps_version_cmp(b, a)) == -want, "cmp(%s, %s) not antisymmetric", b, a);
}
END_TEST

/* ---- rule applicability ------------------------------------------------------------- */

static char apim[] = "apim", is[] = "is";
static char *apim_only[] = {apim}, *apim_is[] = {apim, is};

/* clang-format off */
static const struct {
    const char *label;
    char **products;
    size_t nproducts;
    const char *since, *before;
    const char *product, *version;
    int want;
} applies_cases[] = {
    {"since is inclusive", apim_only, 1, "2.0.0", "3.0.0", "apim", "2.0.0", 1},
    {"below since", apim_only, 1, "2.0.0", "3.0.0", "apim", "1.10.0", 0},
    {"inside", apim_only, 1, "2.0.0", "3.0.0", "apim", "2.6.0", 1},
    {"just below before", apim_only, 1, "2.0.0", "3.0.0", "apim", "2.99.99", 1},
    {"before is exclusive", apim_only, 1, "2.0.0", "3.0.0", "apim", "3.0.0", 0},
    {"above before", apim_only, 1, "2.0.0", "3.0.0", "apim", "4.0.0", 0},
    {"short version at since", apim_only, 1, "2.0.0", "3.0.0", "apim", "2", 1},
    {"short version at before", apim_only, 1, "2.0.0", "3.0.0", "apim", "3", 0},
    {"unknown version, bounded rule", apim_only, 1, "2.0.0", "3.0.0", "apim", "", 0},
    {"NULL version, bounded rule", apim_only, 1, "2.0.0", "3.0.0", "apim", NULL, 0},
    {"other product", apim_only, 1, "2.0.0", "3.0.0", "is", "2.6.0", 0},
    {"no bounds, unknown version", NULL, 0, NULL, NULL, "carbon", "", 1},
    {"no bounds, known version", NULL, 0, NULL, NULL, "carbon", "4.4.0", 1},
    {"since only, unknown version", apim_only, 1, "2.0.0", NULL, "apim", "", 0},
    {"since only, high version", apim_only, 1, "2.0.0", NULL, "apim", "10.0", 1},
    {"before only, below", apim_only, 1, NULL, "2.0.0", "apim", "1.10.0", 1},
    {"before only, at", apim_only, 1, NULL, "2.0.0", "apim", "2.0", 0},
    {"before only, unknown version", apim_only, 1, NULL, "2.0.0", "apim", "", 0},
    {"product list, second", apim_is, 2, NULL, NULL, "is", "", 1},
    {"product list, absent", apim_is, 2, NULL, NULL, "mb", "", 0},
    {"product list, prefix is not a match", apim_is, 2, NULL, NULL, "ap", "", 0},
};
/* clang-format on */

START_TEST(test_rule_applies)
{
    ps_rule r;
    memset(&r, 0, sizeof r);
    r.products.items = applies_cases[_i].products;
    r.products.count = applies_cases[_i].nproducts;
    r.since = (char *)applies_cases[_i].since;
    r.before = (char *)applies_cases[_i].before;
    ck_assert_msg(ps_rule_applies(&r, applies_cases[_i].product, applies_cases[_i].version) ==
                      applies_cases[_i].want,
                  "[%s] %s %s", applies_cases[_i].label, applies_cases[_i].product,
                  applies_cases[_i].version ? applies_cases[_i].version : "(null)");
}
END_TEST

#define N(a) (int)(sizeof(a) / sizeof((a)[0]))

/* The JSON schemas name exactly the catalog's products: a product added to
 * the catalog and not to a schema would fail every validation of its output. */
static const char *const json_schemas[] = {"plan", "check", "batch"};

START_TEST(test_json_schemas_list_every_product)
{
    ps_catalog *cat = NULL;
    ps_error err;
    ck_assert_int_eq(ps_catalog_builtin(&cat, &err), 0);
    char path[4096];
    snprintf(path, sizeof path, "%s/schemas/%s.schema.json", PS_SOURCE_DIR, json_schemas[_i]);
    char *text;
    size_t len;
    ck_assert_msg(ps_file_read(path, &text, &len, &err) == 0, "%s: %s", path, err.message);
    const char *open = strstr(text, "\"product\": {\"enum\": [");
    ck_assert_msg(open != NULL, "%s: no product enum", path);
    const char *close = strchr(open, ']');
    size_t listed = 0;
    for (const char *q = open + 20; q < close; q++)
        listed += *q == '"';
    ck_assert_msg(listed / 2 == cat->nproducts, "%s lists %zu products, the catalog has %zu", path,
                  listed / 2, cat->nproducts);
    for (size_t i = 0; i < cat->nproducts; i++) {
        char quoted[128];
        snprintf(quoted, sizeof quoted, "\"%s\"", cat->products[i].id);
        const char *at = strstr(open, quoted);
        ck_assert_msg(at && at < close, "%s does not list product %s", path, quoted);
    }
    free(text);
    ps_catalog_free(cat);
}
END_TEST

static Suite *catalog_suite(void)
{
    Suite *s = suite_create("catalog");
    TCase *shipped = tcase_create("built-in");
    tcase_add_test(shipped, test_builtin_is_the_source_file);
    tcase_add_test(shipped, test_validates_against_schema);
    tcase_add_loop_test(shipped, test_schema_refuses, 0, N(invalid_catalogs));
    tcase_add_test(shipped, test_rules_have_sources);
    tcase_add_test(shipped, test_rule_products_exist);
    tcase_add_test(shipped, test_xpaths_compile);
    tcase_add_test(shipped, test_thrift_rules_partition_versions);
    tcase_add_loop_test(shipped, test_json_schemas_list_every_product, 0, N(json_schemas));
    suite_add_tcase(s, shipped);

    TCase *load = tcase_create("load");
    tcase_add_test(load, test_load_fields);
    tcase_add_test(load, test_load_content_markers);
    tcase_add_loop_test(load, test_load_errors, 0, N(load_error_cases));
    suite_add_tcase(s, load);

    TCase *ver = tcase_create("versions");
    tcase_add_loop_test(ver, test_version_cmp, 0, N(version_cases));
    tcase_add_loop_test(ver, test_rule_applies, 0, N(applies_cases));
    suite_add_tcase(s, ver);
    return s;
}

int main(void)
{
    int failed = run_suite(catalog_suite());
    xmlCleanupParser();
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
