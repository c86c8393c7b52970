/*
 * ps_xmldoc's safety: DOCTYPEs (an external one is never loaded, an internal
 * subset is refused with the position of the DOCTYPE), not-well-formed input
 * refused with libxml2's position, libxml2's process-wide entity loader never
 * used nor changed, and the caller's error handlers put back after use. Every
 * input is written inline; expected offsets are byte offsets into that exact
 * buffer.
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
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>

#include "parse/xmldoc_impl.h"

/* ---- DOCTYPE ------------------------------------------------------------------- */

START_TEST(test_external_doctype)
{
    const char *xml =
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
        "<!DOCTYPE web-app PUBLIC \"-//Sun Microsystems, Inc.//DTD Web Application 2.2//EN\" "
        "\"http://java.sun.com/dtd/web-app_2_3.dtd\">\n"
        "<web-app>\n"
        "  <display-name>x</display-name>\n"
        "  <context-param>\n"
        "    <param-name>url</param-name>\n"
        "    <param-value>https://localhost:9443/</param-value>\n"
        "  </context-param>\n"
        "</web-app>\n";
    ps_xmldoc *doc = parse(xml);
    ck_assert_uint_eq(doc->nelems, 5);
    ck_assert_str_eq(doc->elems[0].name, "web-app");
    ps_xhit *hits;
    size_t n;
    ck_assert_int_eq(ps_xmldoc_select(doc, "/web-app/context-param/param-value", &hits, &n, NULL),
                     0);
    ck_assert_uint_eq(n, 1);
    ck_assert_span(xml, doc->elems[hits[0].elem].inner, "https://localhost:9443/");
    free(hits);
    ps_xmldoc_free(doc);
}
END_TEST

/* '[' or '>' inside the quoted ids of an external DOCTYPE are not a subset. */
START_TEST(test_doctype_quoted_brackets)
{
    const char *xml = "<!DOCTYPE r PUBLIC \"-//A//EN\" 'x[1]>y.dtd'>\n<r a=\"1\"/>";
    ps_xmldoc *doc = parse(xml);
    ck_assert_uint_eq(doc->nelems, 1);
    ck_assert_uint_eq(doc->attrs[0].value.start, offset_of(xml, "1\"/>"));
    ps_xmldoc_free(doc);
}
END_TEST

/* An external DTD on disk is never read: its default attribute never shows up. */
START_TEST(test_external_dtd_not_loaded)
{
    char dtd[] = "/tmp/check_xmldoc_XXXXXX";
    int fd = mkstemp(dtd);
    ck_assert_int_ge(fd, 0);
    const char *decl = "<!ELEMENT r EMPTY>\n<!ATTLIST r port CDATA \"9443\">\n";
    ck_assert_int_eq(write(fd, decl, strlen(decl)), (ssize_t)strlen(decl));
    close(fd);
    char xml[256];
    snprintf(xml, sizeof xml, "<!DOCTYPE r SYSTEM \"file://%s\">\n<r/>", dtd);
    ps_xmldoc *doc = parse(xml);
    unlink(dtd);
    ck_assert_uint_eq(doc->nattrs, 0);
    ps_xhit *hits;
    size_t n;
    ck_assert_int_eq(ps_xmldoc_select(doc, "/r/@port", &hits, &n, NULL), 0);
    ck_assert_uint_eq(n, 0);
    free(hits);
    ps_xmldoc_free(doc);
}
END_TEST

/* clang-format off */
static const struct refusal_case {
    const char *label;
    const char *xml;
    int line, col;
    const char *fragment; /* in the message */
} subset_cases[] = {
    {"entity declaration",
     "<?xml version=\"1.0\"?>\n<!DOCTYPE r [\n  <!ENTITY x \"y\">\n]>\n<r>&x;</r>\n", 2, 1, "DTD"},
    {"billion laughs",
     "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
     "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
     "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>"
     "<lolz>&lol3;</lolz>",
     1, 22, "DTD"},
    {"external entity (XXE)",
     "<!DOCTYPE r [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n<r>&xxe;</r>", 1, 1, "DTD"},
    {"external id and a subset", "<!-- c -->\n  <!DOCTYPE r SYSTEM \"a[b\" [ ]>\n<r/>", 2, 3,
     "DTD"},
    {"empty subset", "<!DOCTYPE r []><r/>", 1, 1, "DTD"},
    {"CRLF before the DOCTYPE",
     "<?xml version=\"1.0\"?>\r\n<!DOCTYPE r [<!ENTITY a \"b\">]>\r\n<r>&a;</r>", 2, 1, "DTD"},
};
/* clang-format on */

/* ---- refusals ------------------------------------------------------------------- */

/* libxml2's own line and column (the caret xmllint prints). */
/* clang-format off */
static const struct refusal_case malformed_cases[] = {
    {"tag mismatch", "<r>\n  <a>\n</r>\n", 3, 5, "mismatch"},
    {"tag mismatch, CRLF", "<r>\r\n<a>\r\n</r>", 3, 5, "mismatch"},
    {"unterminated attribute value", "<r a=\"1/>", 1, 10, "AttValue"},
    {"attribute twice", "<r>\n <a x=\"1\" x=\"2\"/>\n</r>", 2, 16, "redefined"},
    {"undefined entity", "<r>&foo;</r>", 1, 9, "foo"},
    {"entity without ';'", "<r>\n\t<a>&amp</a></r>", 2, 9, "';'"},
    {"text after the root", "<r/>x", 1, 5, "Extra content"},
    {"two roots", "<r/>\n<s/>", 2, 1, "Extra content"},
    {"empty document", "", 1, 1, "empty"},
    {"unclosed root", "<r>\n<a/>\n", 3, 1, "end"},
    {"'<' in an attribute value", "<r a=\"<\"/>", 1, 7, "<"},
    {"Latin-1 byte in an undeclared (UTF-8) document", "<r>\xe9<p/></r>", 1, 4, "UTF-8"},
    /* libxml2 counts characters: two 2-byte characters before the error are 2 columns */
    {"tag mismatch after UTF-8 characters", "<r>\xc3\xa9\xc3\xa9<a></r>", 1, 13, "mismatch"},
    /* declared ISO-8859-1: read as such, whether it holds ASCII alone or not */
    {"tag mismatch in ISO-8859-1, ASCII only",
     "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<r>\n  <a>\n</r>\n", 4, 5, "mismatch"},
    {"tag mismatch in ISO-8859-1 after a Latin-1 byte",
     "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?>\n<r>\xe9<a></r>\n", 2, 12, "mismatch"},
    {"an encoding libxml2 does not know", "<?xml version=\"1.0\" encoding=\"FOO\"?>\n<r/>\n", 1,
     35, "FOO"},
};
/* clang-format on */

/* A NUL byte anywhere is refused at its byte: libxml2 2.9 takes one after the
 * root element for the end of the input and never reads the rest (found by
 * tests/fuzz/fuzz_pipeline.c). */
#define NUL_CASE(label, xml, line, col)                                                            \
    {                                                                                              \
        {label, xml, line, col, "0x0"}, sizeof(xml) - 1                                            \
    }
static const struct nul_case {
    struct refusal_case c;
    size_t len; /* xml holds NUL bytes */
} nul_cases[] = {
    NUL_CASE("NUL then markup after the root", "<S/>\0<</>", 1, 5),
    NUL_CASE("NUL then a second root", "<S/>\0<T/>", 1, 5),
    NUL_CASE("NUL then text after the root", "<S/>\n\0junk", 2, 1),
    NUL_CASE("NUL after the root, CRLF", "<S/>\r\n<!-- c -->\0", 2, 11),
    NUL_CASE("NUL in content", "<S>a\0b</S>", 1, 5),
};

static void expect_refusal(const struct refusal_case *c, const char *how, const ps_error *err)
{
    ck_assert_str_eq(err->path, "conf/bad.xml");
    ck_assert_msg(err->line == c->line && err->col == c->col, "[%s] %s: at %d:%d, want %d:%d (%s)",
                  c->label, how, err->line, err->col, c->line, c->col, err->message);
    ck_assert_msg(strstr(err->message, c->fragment) != NULL, "[%s] %s: message '%s' lacks '%s'",
                  c->label, how, err->message, c->fragment);
}

/* Refused with the same diagnostic whether parsed into a tree or only
 * lexed and checked by the streaming parse. */
static void check_refusal_len(const struct refusal_case *c, size_t len)
{
    ps_xmldoc *doc = NULL;
    ps_error err;
    memset(&err, 0, sizeof err);
    ck_assert_msg(ps_xmldoc_parse(&doc, "conf/bad.xml", c->xml, len, &err) < 0, "[%s] accepted",
                  c->label);
    ck_assert_ptr_null(doc);
    expect_refusal(c, "tree", &err);
    memset(&err, 0, sizeof err);
    int rc = ps_xmldoc_lex(&doc, "conf/bad.xml", c->xml, len, &err);
    if (rc == 0) {
        rc = ps_xmldoc_check(doc, "conf/bad.xml", &err);
        ck_assert_int_eq(doc->checked, 0);
        ps_xmldoc_free(doc);
    }
    ck_assert_msg(rc < 0, "[%s] accepted by the streaming check", c->label);
    expect_refusal(c, "streamed", &err);
}

static void check_refusal(const struct refusal_case *c)
{
    check_refusal_len(c, strlen(c->xml));
}

START_TEST(test_internal_subset_refused)
{
    check_refusal(&subset_cases[_i]);
}
END_TEST

START_TEST(test_malformed_refused)
{
    check_refusal(&malformed_cases[_i]);
}
END_TEST

START_TEST(test_nul_refused)
{
    check_refusal_len(&nul_cases[_i].c, nul_cases[_i].len);
}
END_TEST

START_TEST(test_refusal_without_error_record)
{
    ps_xmldoc *doc = NULL;
    ck_assert_int_lt(ps_xmldoc_parse(&doc, "x.xml", BYTES("<r>"), NULL), 0);
    ck_assert_int_lt(ps_xmldoc_parse(&doc, "x.xml", BYTES("<!DOCTYPE r [ ]><r/>"), NULL), 0);
    ck_assert_ptr_null(doc);
    /* a refusal leaves no error handler behind: the next parse still works */
    ps_xmldoc_free(parse("<r/>"));
}
END_TEST

/* ---- process-wide libxml2 state ------------------------------------------------ */

/*
 * Parsing never sets the process's entity loader (threads parse at once, and
 * it is one for all of them): afterwards it is the one it was, or every later
 * xmlReadFile or schema load in the process would fail ("failed to load
 * external entity").
 */
START_TEST(test_entity_loader_restored)
{
    char path[] = "/tmp/check_xmldoc_XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, "<r/>", 4), 4);
    close(fd);
    xmlExternalEntityLoader before = xmlGetExternalEntityLoader();
    ps_xmldoc_free(parse("<r a=\"1\"/>"));
    xmlExternalEntityLoader after = xmlGetExternalEntityLoader();
    xmlDocPtr x =
        xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    unlink(path);
    if (x)
        xmlFreeDoc(x);
    ck_assert_msg(after == before, "ps_xmldoc_parse left its own external entity loader installed");
    ck_assert_msg(x != NULL, "xmlReadFile of a plain file fails after ps_xmldoc_parse");
}
END_TEST

/* What a caller's permissive loader would serve: an external DTD that
 * declares an external parameter entity (whose text declares an entity) and
 * an external general entity. */
static const char served_dtd[] = "<!ENTITY % pe SYSTEM \"pe.ent\">\n"
                                 "%pe;\n"
                                 "<!ENTITY ge SYSTEM \"ge.ent\">\n"
                                 "<!ATTLIST r port CDATA \"9443\">\n";
static const char served_pe[] = "<!ENTITY leak \"LEAKED-BY-PE\">";
static const char served_ge[] = "<g>LEAKED-BY-GE</g>";

static int loader_calls;

static xmlParserInputPtr permissive_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
    (void)id;
    loader_calls++;
    const char *text = !url                     ? NULL
                       : strstr(url, "ext.dtd") ? served_dtd
                       : strstr(url, "pe.ent")  ? served_pe
                       : strstr(url, "ge.ent")  ? served_ge
                                                : NULL;
    return text ? xmlNewStringInputStream(ctxt, (const xmlChar *)text) : NULL;
}

/*
 * With a caller's loader in place that would serve them, neither the external
 * DTD subset nor the entities it declares are ever asked for: the document
 * holds what its own bytes say, in the tree and in the streaming check alike.
 */
START_TEST(test_permissive_loader_never_called)
{
    const char *xml = "<!DOCTYPE r SYSTEM \"ext.dtd\">\n<r><a>&ge;</a><b>&leak;</b></r>\n";
    xmlExternalEntityLoader before = xmlGetExternalEntityLoader();
    xmlSetExternalEntityLoader(permissive_loader);
    loader_calls = 0;
    ps_xmldoc *doc = NULL;
    ps_error err;
    memset(&err, 0, sizeof err);
    int rc = ps_xmldoc_parse(&doc, "test.xml", xml, strlen(xml), &err);
    ck_assert_msg(loader_calls == 0, "the caller's entity loader was called %d times",
                  loader_calls);
    ck_assert_msg(rc == 0, "refused: %d:%d: %s", err.line, err.col, err.message);
    ck_assert_uint_eq(doc->nelems, 3); /* r, a, b: no <g> */
    ck_assert_uint_eq(doc->nattrs, 0); /* no defaulted port */
    ps_xhit *hits;
    size_t n;
    ck_assert_int_eq(
        ps_xmldoc_select(doc, "//g | //*[contains(., 'LEAKED')] | //@port", &hits, &n, NULL), 0);
    ck_assert_uint_eq(n, 0);
    free(hits);
    ps_xmldoc_free(doc);

    ck_assert_int_eq(ps_xmldoc_lex(&doc, "test.xml", xml, strlen(xml), NULL), 0);
    ck_assert_int_eq(ps_xmldoc_check(doc, "test.xml", NULL), 0);
    ck_assert_int_eq(loader_calls, 0);
    ps_xmldoc_free(doc);
    ck_assert_ptr_eq(xmlGetExternalEntityLoader(), permissive_loader);
    xmlSetExternalEntityLoader(before);
}
END_TEST

static captured refused;

static void record_error(void *ctx, xmlErrorPtr e)
{
    (void)ctx;
    if (!refused.set && e && e->level >= XML_ERR_ERROR) {
        refused.set = 1;
        refused.line = e->line;
        refused.col = e->int2;
        snprintf(refused.msg, sizeof refused.msg, "%s", e->message ? e->message : "");
    }
}

/* clang-format off */
static const struct entity_case {
    const char *label;
    const char *xml;
    int line, col; /* the declaration's '>', where libxml2 has read it all */
    const char *fragment;
} entity_cases[] = {
    {"external general entity",
     "<!DOCTYPE r [\n  <!ENTITY ge SYSTEM \"ge.ent\">\n]>\n<r>&ge;</r>", 2, 30, "'ge'"},
    {"external parameter entity",
     "<!DOCTYPE r [\n  <!ENTITY % pe SYSTEM \"pe.ent\">\n  %pe;\n]>\n<r>&leak;</r>", 2, 32, "'pe'"},
    {"unparsed entity",
     "<!DOCTYPE r [\n<!NOTATION n SYSTEM \"n\">\n<!ENTITY u SYSTEM \"ge.ent\" NDATA n>\n]>\n<r/>",
     3, 35, "'u'"},
};
/* clang-format on */

/*
 * Below the lexer (which refuses an internal subset first), the parser
 * context itself loads nothing, even given the options that ask libxml2 to
 * load DTDs and substitute entities: a declared external entity stops the
 * parse where it stands, and the caller's loader is never called.
 */
START_TEST(test_context_refuses_external_entities)
{
    const struct entity_case *c = &entity_cases[_i];
    xmlSetExternalEntityLoader(permissive_loader);
    loader_calls = 0;
    memset(&refused, 0, sizeof refused);
    xmlSetStructuredErrorFunc(NULL, record_error);
    xmlParserCtxtPtr ctxt = ps__xml_parser_new();
    ck_assert_ptr_nonnull(ctxt);
    xmlDocPtr x = xmlCtxtReadMemory(ctxt, c->xml, (int)strlen(c->xml), "conf/bad.xml", NULL,
                                    XML_PARSE_NOENT | XML_PARSE_DTDLOAD | XML_PARSE_DTDATTR);
    xmlFreeParserCtxt(ctxt);
    xmlSetStructuredErrorFunc(NULL, NULL);
    if (x)
        xmlFreeDoc(x);
    ck_assert_msg(loader_calls == 0, "[%s] the caller's entity loader was called", c->label);
    ck_assert_msg(x == NULL, "[%s] accepted", c->label);
    ck_assert_msg(refused.line == c->line && refused.col == c->col &&
                      strstr(refused.msg, c->fragment) && strstr(refused.msg, "external entity"),
                  "[%s] refused at %d:%d with '%s'", c->label, refused.line, refused.col,
                  refused.msg);
}
END_TEST

/* The same context with an external DTD subset and the options that would
 * load it: the DTD is never asked for, so its default attribute is absent. */
START_TEST(test_context_skips_external_subset)
{
    const char *xml = "<!DOCTYPE r SYSTEM \"ext.dtd\">\n<r/>";
    xmlSetExternalEntityLoader(permissive_loader);
    loader_calls = 0;
    xmlParserCtxtPtr ctxt = ps__xml_parser_new();
    ck_assert_ptr_nonnull(ctxt);
    xmlDocPtr x = xmlCtxtReadMemory(ctxt, xml, (int)strlen(xml), "test.xml", NULL,
                                    XML_PARSE_NOENT | XML_PARSE_DTDLOAD | XML_PARSE_DTDATTR |
                                        XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    xmlFreeParserCtxt(ctxt);
    ck_assert_int_eq(loader_calls, 0);
    ck_assert_ptr_nonnull(x);
    ck_assert_ptr_null(xmlDocGetRootElement(x)->properties);
    xmlFreeDoc(x);
}
END_TEST

static int caller_ctx;
static int caller_errors;

static void caller_handler(void *ctx, xmlErrorPtr e)
{
    (void)ctx;
    (void)e;
    caller_errors++;
}

/* A structured error handler the caller installed is still in place afterwards. */
START_TEST(test_error_handler_restored)
{
    xmlSetStructuredErrorFunc(&caller_ctx, caller_handler);
    ps_xmldoc *doc = parse("<r/>");
    ps_xhit *hits;
    size_t n;
    ck_assert_int_eq(ps_xmldoc_select(doc, "/r", &hits, &n, NULL), 0);
    free(hits);
    ps_xmldoc_free(doc);
    ck_assert_int_lt(ps_xmldoc_parse(&doc, "x.xml", BYTES("<r>"), NULL), 0);
    ck_assert_msg(xmlStructuredError == caller_handler && xmlStructuredErrorContext == &caller_ctx,
                  "ps_xmldoc_parse/select reset the caller's structured error handler");
    xmlSetStructuredErrorFunc(NULL, NULL);
}
END_TEST

static Suite *xmldoc_safety_suite(void)
{
    Suite *s = suite_create("xmldoc_safety");

    TCase *dtd = tcase_create("doctype");
    tcase_add_test(dtd, test_external_doctype);
    tcase_add_test(dtd, test_doctype_quoted_brackets);
    tcase_add_test(dtd, test_external_dtd_not_loaded);
    tcase_add_loop_test(dtd, test_internal_subset_refused, 0, N(subset_cases));
    suite_add_tcase(s, dtd);

    TCase *bad = tcase_create("refusals");
    tcase_add_loop_test(bad, test_malformed_refused, 0, N(malformed_cases));
    tcase_add_loop_test(bad, test_nul_refused, 0, N(nul_cases));
    tcase_add_test(bad, test_refusal_without_error_record);
    suite_add_tcase(s, bad);

    TCase *glob = tcase_create("libxml2 state");
    tcase_add_test(glob, test_entity_loader_restored);
    tcase_add_test(glob, test_permissive_loader_never_called);
    tcase_add_loop_test(glob, test_context_refuses_external_entities, 0, N(entity_cases));
    tcase_add_test(glob, test_context_skips_external_subset);
    tcase_add_test(glob, test_error_handler_restored);
    suite_add_tcase(s, glob);
    return s;
}

int main(void)
{
    int failed = run_suite(xmldoc_safety_suite());
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
