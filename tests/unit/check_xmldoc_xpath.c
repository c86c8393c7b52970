/*
 * ps_xmldoc's XPath: queries ignore namespaces, select elements, attributes
 * and text (as their element), refuse invalid expressions without printing,
 * evaluate booleans against a context element; and ps_xmldoc_within.
 */
#include "parse/xmldoc.h"

#include <check.h>

#include "../support/runner.h"
#include "../support/xmlcase.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>

/* ---- XPath ------------------------------------------------------------------------ */

static const char *const select_doc =
    "<Server xmlns=\"urn:s\">\n"                                       /* 0 Server */
    "  <HostName>localhost</HostName>\n"                               /* 1 HostName */
    "  <MgtHostName>mgt</MgtHostName>\n"                               /* 2 MgtHostName */
    "  <Ports><Offset>0</Offset>\n"                                    /* 3 Ports, 4 Offset */
    "    <JMX><RMIRegistryPort>9999</RMIRegistryPort></JMX></Ports>\n" /* 5 JMX, 6 RMI.. */
    "  <Connector port=\"9763\" redirectPort=\"9443\"/>\n"             /* 7 Connector */
    "  <Connector port=\"9443\"/>\n"                                   /* 8 Connector */
    "  <Mixed>a<![CDATA[b]]>c<i/>d</Mixed>\n"                          /* 9 Mixed, 10 i */
    "</Server>\n";

/* clang-format off */
static const struct select_case {
    const char *xpath;
    size_t n;
    struct {
        int elem;
        const char *attr; /* NULL: the element itself */
    } hits[3];
} select_cases[] = {
    {"/Server/Ports/Offset", 1, {{4, NULL}}},
    {"/Server/HostName | /Server/MgtHostName", 2, {{1, NULL}, {2, NULL}}},
    {"/Server/MgtHostName | /Server/HostName", 2, {{1, NULL}, {2, NULL}}},
    {"/Server/Connector/@port", 2, {{7, "port"}, {8, "port"}}},
    {"//Connector/@redirectPort", 1, {{7, "redirectPort"}}},
    {"/Server/Connector[@port='9443']", 1, {{8, NULL}}},
    {"/Server/Connector/@*", 3, {{7, "port"}, {7, "redirectPort"}, {8, "port"}}},
    {"/Server/Ports/Offset/text()", 1, {{4, NULL}}},
    {"/Server/Mixed/text()", 1, {{9, NULL}}}, /* four text/CDATA nodes, one element */
    {"//*[local-name()='JMX']/RMIRegistryPort", 1, {{6, NULL}}},
    {"/Server/Nope", 0, {{0}}},
    {"count(/Server/Connector)", 0, {{0}}}, /* a number selects nothing */
    {"/", 0, {{0}}},                         /* the document node is no element */
    {"//comment()", 0, {{0}}},
    {"/Server/namespace::*", 0, {{0}}}, /* namespace nodes are no element */
    {"//processing-instruction()", 0, {{0}}},
    {"//Connector[2]/@port | //Offset", 2, {{4, NULL}, {8, "port"}}},
};
/* clang-format on */

START_TEST(test_select)
{
    const struct select_case *c = &select_cases[_i];
    ps_xmldoc *doc = parse(select_doc);
    ck_assert_uint_eq(doc->nelems, 11);
    ps_xhit *hits = NULL;
    size_t n = 99;
    ps_error err;
    memset(&err, 0, sizeof err);
    ck_assert_msg(ps_xmldoc_select(doc, c->xpath, &hits, &n, &err) == 0, "%s: %s", c->xpath,
                  err.message);
    ck_assert_msg(n == c->n, "%s selected %zu nodes, want %zu", c->xpath, n, c->n);
    for (size_t i = 0; i < n; i++) {
        ck_assert_msg(hits[i].elem == c->hits[i].elem, "%s hit %zu: element %d, want %d", c->xpath,
                      i, hits[i].elem, c->hits[i].elem);
        if (!c->hits[i].attr) {
            ck_assert_int_eq(hits[i].attr, -1);
        } else {
            ck_assert_int_ge(hits[i].attr, 0);
            ck_assert_str_eq(doc->attrs[hits[i].attr].name, c->hits[i].attr);
            ck_assert_int_eq(doc->attrs[hits[i].attr].elem, hits[i].elem);
        }
    }
    free(hits);
    ps_xmldoc_free(doc);
}
END_TEST

static const char *const bad_xpaths[] = {
    "/Server/[", "@@x", "/Server/Ports/Offset[", "foo(",
    "//",        "",    "/Server) | (/Server", /* no expression alone, though "(...)" around it
                                                  would be one */
};

START_TEST(test_invalid_xpath)
{
    ps_xmldoc *doc = parse(select_doc);
    ps_xhit *hits = (ps_xhit *)1;
    size_t n = 7;
    ps_error err;
    memset(&err, 0, sizeof err);
    ck_assert_int_eq(ps_xmldoc_select(doc, bad_xpaths[_i], &hits, &n, &err), -1);
    ck_assert_ptr_null(hits);
    ck_assert_uint_eq(n, 0);
    ck_assert_msg(err.message[0] != '\0', "no message for '%s'", bad_xpaths[_i]);
    int r = 5;
    memset(&err, 0, sizeof err);
    ck_assert_int_eq(ps_xmldoc_test(doc, 4, bad_xpaths[_i], &r, &err), -1);
    ck_assert_msg(err.message[0] != '\0', "no message for '%s'", bad_xpaths[_i]);
    /* still usable afterwards */
    ck_assert_int_eq(ps_xmldoc_test(doc, -1, "/Server", &r, NULL), 0);
    ck_assert_int_eq(r, 1);
    ps_xmldoc_free(doc);
}
END_TEST

/* broker.xml: each transport has an enabled flag read relative to the match. */
static const char *const test_doc =
    "<broker xmlns=\"http://wso2.org/andes/mb/config\">\n"      /* 0 */
    "  <transports>\n"                                          /* 1 */
    "    <amqp enabled=\"true\">\n"                             /* 2 */
    "      <defaultConnection enabled='true' port=\"5672\"/>\n" /* 3 */
    "      <sslConnection enabled=\"false\" port=\"8672\"/>\n"  /* 4 */
    "    </amqp>\n"
    "    <mqtt enabled=\"false\">\n"             /* 5 */
    "      <defaultConnection port=\"1883\"/>\n" /* 6 */
    "    </mqtt>\n"
    "  </transports>\n"
    "  <coordination><thriftServerPort> 7611 </thriftServerPort></coordination>\n" /* 7, 8 */
    "</broker>\n";

/* clang-format off */
static const struct test_case {
    int ctx;
    const char *xpath;
    int want;
} test_cases[] = {
    {2, "@enabled='true'", 1},
    {5, "@enabled='true'", 0},
    {3, "@enabled='true'", 1},
    {4, "not(@enabled='false')", 0},
    {6, "not(@enabled='false')", 1}, /* no attribute at all */
    {3, "../@enabled='true'", 1},
    {6, "../@enabled='true'", 0},
    {2, "defaultConnection/@port='5672'", 1},
    {5, "defaultConnection/@port='5672'", 0},
    {6, "@port", 1},
    {6, "@nope", 0},
    {8, "normalize-space(.)='7611'", 1},
    {8, ".='7611'", 0},
    {2, "/broker/transports/mqtt/@enabled='false'", 1}, /* absolute paths ignore the context */
    {-1, "/broker/transports/amqp/@enabled='true'", 1},
    {-1, "@enabled='true'", 0}, /* the document node has no attributes */
    {-1, "count(//defaultConnection) = 2", 1},
    {-1, "//sslConnection", 1},
    {-1, "//httpConnection", 0},
    {-1, "'non-empty string'", 1},
    {-1, "0", 0},
};
/* clang-format on */

START_TEST(test_test_with_context)
{
    const struct test_case *c = &test_cases[_i];
    ps_xmldoc *doc = parse(test_doc);
    ck_assert_uint_eq(doc->nelems, 9);
    int r = -7;
    ps_error err;
    memset(&err, 0, sizeof err);
    ck_assert_msg(ps_xmldoc_test(doc, c->ctx, c->xpath, &r, &err) == 0, "%s: %s", c->xpath,
                  err.message);
    ck_assert_msg(r == c->want, "ctx %d (%s): %s = %d, want %d", c->ctx,
                  c->ctx >= 0 ? doc->elems[c->ctx].name : "document", c->xpath, r, c->want);
    ps_xmldoc_free(doc);
}
END_TEST

/* ---- compiled once ---------------------------------------------------------------- */

/* One compiled expression serves every document it is evaluated over. */
START_TEST(test_compiled_once)
{
    ps_xpath *offset, *enabled;
    ck_assert_int_eq(ps_xpath_compile(&offset, "/Server/Ports/Offset | //sslConnection", NULL), 0);
    ck_assert_int_eq(ps_xpath_compile(&enabled, "@enabled='true'", NULL), 0);
    ps_xmldoc *server = parse(select_doc), *broker = parse(test_doc);
    for (int round = 0; round < 2; round++) {
        ps_xhit *hits;
        size_t n;
        ck_assert_int_eq(ps_xpath_select(offset, server, &hits, &n, NULL), 0);
        ck_assert_uint_eq(n, 1);
        ck_assert_int_eq(hits[0].elem, 4);
        free(hits);
        ck_assert_int_eq(ps_xpath_select(offset, broker, &hits, &n, NULL), 0);
        ck_assert_uint_eq(n, 1);
        ck_assert_int_eq(hits[0].elem, 4);
        free(hits);
        int r = -1;
        ck_assert_int_eq(ps_xpath_test(enabled, broker, 2, &r, NULL), 0);
        ck_assert_int_eq(r, 1);
        ck_assert_int_eq(ps_xpath_test(enabled, broker, 5, &r, NULL), 0);
        ck_assert_int_eq(r, 0);
        ck_assert_int_eq(ps_xpath_test(enabled, broker, -1, &r, NULL), 0);
        ck_assert_int_eq(r, 0); /* the context of the last call is not kept */
    }
    ps_xmldoc_free(server);
    ps_xmldoc_free(broker);
    ps_xpath_free(offset);
    ps_xpath_free(enabled);
}
END_TEST

/* libxml2 resolves function names when it evaluates: the expression compiles,
 * its evaluation is refused, naming it. */
START_TEST(test_unknown_function)
{
    ps_xpath *x;
    ps_error err;
    memset(&err, 0, sizeof err);
    ck_assert_int_eq(ps_xpath_compile(&x, "/Server[nosuch(@a)]", &err), 0);
    ps_xmldoc *doc = parse(select_doc);
    ps_xhit *hits;
    size_t n;
    ck_assert_int_eq(ps_xpath_select(x, doc, &hits, &n, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.message, "/Server[nosuch(@a)]"));
    ps_xmldoc_free(doc);
    ps_xpath_free(x);
}
END_TEST

/* Queries need the tree: a document only lexed, or whose tree is dropped, has none. */
START_TEST(test_query_needs_tree)
{
    ps_xmldoc *doc;
    ck_assert_int_eq(ps_xmldoc_lex(&doc, "t.xml", select_doc, strlen(select_doc), NULL), 0);
    ps_xhit *hits;
    size_t n;
    ps_error err;
    memset(&err, 0, sizeof err);
    ck_assert_int_eq(ps_xmldoc_select(doc, "/Server", &hits, &n, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.message, "no tree"));
    ck_assert_int_eq(ps_xmldoc_tree(doc, "t.xml", NULL), 0);
    ck_assert_int_eq(ps_xmldoc_select(doc, "/Server", &hits, &n, NULL), 0);
    ck_assert_uint_eq(n, 1);
    free(hits);
    ps_xmldoc_drop_tree(doc);
    ck_assert_int_eq(ps_xmldoc_select(doc, "/Server", &hits, &n, NULL), -1);
    ck_assert_uint_eq(doc->nelems, 11); /* the spans stay */
    ck_assert_int_eq(doc->checked, 1);
    ps_xmldoc_free(doc);
}
END_TEST

/* ---- ps_xmldoc_within ---------------------------------------------------------- */

static const char *const within_doc = "<r><a><b/><c><d/></c></a><e/></r>";
/* r 0, a 1, b 2, c 3, d 4, e 5 */
/* clang-format off */
static const struct {
    int inner, outer, want;
} within_cases[] = {
    {4, 1, 1}, {4, 3, 1}, {4, 4, 1}, {4, 0, 1}, {2, 1, 1}, {1, 1, 1}, {0, 0, 1},
    {1, 4, 0}, {5, 1, 0}, {2, 3, 0}, {3, 2, 0}, {0, 1, 0}, {5, 4, 0},
};
/* clang-format on */

START_TEST(test_within)
{
    ps_xmldoc *doc = parse(within_doc);
    ck_assert_uint_eq(doc->nelems, 6);
    ck_assert_int_eq(ps_xmldoc_within(doc, within_cases[_i].inner, within_cases[_i].outer),
                     within_cases[_i].want);
    ps_xmldoc_free(doc);
}
END_TEST

/* ---- suite ----------------------------------------------------------------------- */

static Suite *xmldoc_xpath_suite(void)
{
    Suite *s = suite_create("xmldoc_xpath");

    TCase *xp = tcase_create("xpath");
    tcase_add_loop_test(xp, test_select, 0, N(select_cases));
    tcase_add_loop_test(xp, test_invalid_xpath, 0, N(bad_xpaths));
    tcase_add_loop_test(xp, test_test_with_context, 0, N(test_cases));
    tcase_add_loop_test(xp, test_within, 0, N(within_cases));
    tcase_add_test(xp, test_compiled_once);
    tcase_add_test(xp, test_unknown_function);
    tcase_add_test(xp, test_query_needs_tree);
    suite_add_tcase(s, xp);
    return s;
}

int main(void)
{
    int failed = run_suite(xmldoc_xpath_suite());
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
