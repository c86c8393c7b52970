/*
 * ps_xmldoc: the byte spans the lexer records (elements, attribute values,
 * text runs) for every markup shape and encoding WSO2 config files use.
 * check_xmldoc_xpath.c holds the namespace-blind XPath queries,
 * check_xmldoc_safety.c the refusals and the DTD and libxml2-state cases. Every input is written
 * inline; expected offsets are byte offsets into that exact buffer.
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

/* ---- attribute value spans ---------------------------------------------- */

/* clang-format off */
static const struct attr_case {
    const char *label;
    const char *xml;
    const char *elem;  /* local name of the element */
    const char *attr;  /* local name of the attribute */
    const char *value; /* bytes between the quotes, as written */
    size_t start;      /* offset of the value's first byte */
    size_t nattrs;     /* attributes listed for the whole document */
} attr_cases[] = {
    {"double quotes", "<a port=\"9443\"/>", "a", "port", "9443", 9, 1},
    {"single quotes", "<a port='9443'/>", "a", "port", "9443", 9, 1},
    {"double quotes inside single", "<a q='say \"hi\"'/>", "a", "q", "say \"hi\"", 6, 1},
    {"single quote inside double", "<a q=\"it's\"/>", "a", "q", "it's", 6, 1},
    {"spaces around =", "<a port = \"9443\" />", "a", "port", "9443", 11, 1},
    {"tab before name", "<a\tport=\"1\"/>", "a", "port", "1", 9, 1},
    {"attributes over lines", "<a\n  x=\"1\"\n  port='9443'\n/>", "a", "port", "9443", 19, 2},
    {"'>' inside a value", "<r><a x=\"a>b\" y=\"2\"/></r>", "a", "x", "a>b", 9, 2},
    {"attribute after a '>' value", "<r><a x=\"a>b\" y=\"2\"/></r>", "a", "y", "2", 17, 2},
    {"'>' in a value, then a child", "<r><a x='>' y=\"1\"><b z=\"7\"/></a></r>", "b", "z", "7", 24,
     3},
    {"entity reference as written", "<a v=\"a&amp;b\"/>", "a", "v", "a&amp;b", 6, 1},
    {"character reference as written", "<a v=\"&#57;443\"/>", "a", "v", "&#57;443", 6, 1},
    {"prefixed element and attribute", "<c:Server xmlns:c=\"urn:c\" c:port=\"9443\"/>", "Server",
     "port", "9443", 34, 1},
    {"default namespace not listed", "<Server xmlns=\"urn:s\" port='1'/>", "Server", "port", "1",
     28, 1},
    {"xml:space local name", "<a xml:space=\"preserve\"/>", "a", "space", "preserve", 14, 1},
    {"empty value", "<a x=\"\"/>", "a", "x", "", 6, 1},
    {"value on a nested element", "<r>\n  <s>\n    <t u=\"localhost:9443\"/>\n  </s>\n</r>", "t",
     "u", "localhost:9443", 20, 1},
};
/* clang-format on */

START_TEST(test_attr_spans)
{
    const struct attr_case *c = &attr_cases[_i];
    ps_xmldoc *doc = parse(c->xml);
    int e = elem_named(doc, c->elem, 0);
    ck_assert_msg(e >= 0, "[%s] no element %s", c->label, c->elem);
    int a = attr_named(doc, e, c->attr);
    ck_assert_msg(a >= 0, "[%s] no attribute %s on %s", c->label, c->attr, c->elem);
    const ps_xattr *at = &doc->attrs[a];
    ck_assert_int_eq(at->elem, e);
    ck_assert_span(c->xml, at->value, c->value);
    ck_assert_msg(at->value.start == c->start, "[%s] value starts at %zu, want %zu", c->label,
                  at->value.start, c->start);
    char q = c->xml[at->value.start - 1];
    ck_assert_msg(q == '"' || q == '\'', "[%s] no quote before the value", c->label);
    ck_assert_msg(c->xml[at->value.end] == q, "[%s] value not closed by its own quote", c->label);
    ck_assert_msg(doc->nattrs == c->nattrs, "[%s] %zu attributes listed, want %zu", c->label,
                  doc->nattrs, c->nattrs);
    for (size_t i = 0; i < doc->nattrs; i++)
        ck_assert_msg(strcmp(doc->attrs[i].name, "xmlns") != 0 &&
                          strcmp(doc->attrs[i].name, "c") != 0,
                      "[%s] namespace declaration listed as an attribute", c->label);
    ps_xmldoc_free(doc);
}
END_TEST

/* ---- text runs ------------------------------------------------------------ */

/* clang-format off */
static const struct text_case {
    const char *label;
    const char *xml;
    const char *elem;
    const char *runs[4]; /* the element's own text runs in order, NULL-terminated */
    size_t first_start;  /* offset of the first run (ignored when there is none) */
} text_cases[] = {
    {"plain text", "<a>9443</a>", "a", {"9443"}, 3},
    {"CDATA content is a run", "<a><![CDATA[x<y&z]]></a>", "a", {"x<y&z"}, 12},
    {"CDATA between text", "<a>p<![CDATA[q]]>r</a>", "a", {"p", "q", "r"}, 3},
    {"empty CDATA is no run", "<a><![CDATA[]]></a>", "a", {NULL}, 0},
    {"comment is no run", "<a>x<!-- localhost:9443 -->y</a>", "a", {"x", "y"}, 3},
    {"comment with markup inside", "<a><!-- <b>1</b> --></a>", "a", {NULL}, 0},
    {"processing instruction is no run", "<a>x<?pi localhost:9443?>y</a>", "a", {"x", "y"}, 3},
    {"entity reference as written", "<a>a&amp;b</a>", "a", {"a&amp;b"}, 3},
    {"'>' in text", "<a>a > b</a>", "a", {"a > b"}, 3},
    {"whitespace runs around a child", "<a>\n  <b/>\n</a>", "a", {"\n  ", "\n"}, 3},
    {"text of a child is the child's", "<a><b>1</b></a>", "b", {"1"}, 6},
    {"parent has no run of a child's text", "<a><b>1</b></a>", "a", {NULL}, 0},
    {"<a/> has no run", "<r><a/></r>", "a", {NULL}, 0},
    {"<a></a> has no run", "<r><a></a></r>", "a", {NULL}, 0},
    {"prefixed element", "<c:a xmlns:c=\"urn:c\">t</c:a>", "a", {"t"}, 21},
};
/* clang-format on */

START_TEST(test_text_runs)
{
    const struct text_case *c = &text_cases[_i];
    ps_xmldoc *doc = parse(c->xml);
    int e = elem_named(doc, c->elem, 0);
    ck_assert_msg(e >= 0, "[%s] no element %s", c->label, c->elem);
    size_t k = 0;
    for (size_t i = 0; i < doc->ntexts; i++) {
        if (doc->texts[i].elem != e)
            continue;
        ck_assert_msg(k < 4 && c->runs[k], "[%s] unexpected run '%.*s'", c->label,
                      (int)(doc->texts[i].span.end - doc->texts[i].span.start),
                      c->xml + doc->texts[i].span.start);
        ck_assert_span(c->xml, doc->texts[i].span, c->runs[k]);
        if (k == 0)
            ck_assert_msg(doc->texts[i].span.start == c->first_start,
                          "[%s] first run at %zu, want %zu", c->label, doc->texts[i].span.start,
                          c->first_start);
        k++;
    }
    ck_assert_msg(k == 4 || c->runs[k] == NULL, "[%s] run '%s' missing", c->label, c->runs[k]);
    /* Runs are in document order and never overlap. */
    for (size_t i = 1; i < doc->ntexts; i++)
        ck_assert_uint_le(doc->texts[i - 1].span.end, doc->texts[i].span.start);
    ps_xmldoc_free(doc);
}
END_TEST

/* A reference inside a comment is in no span portshift would scan. */
START_TEST(test_comment_not_scanned)
{
    const char *xml = "<r>\n"
                      "  <a url=\"http://localhost:9763/\">http://localhost:9763</a>\n"
                      "  <!-- localhost:9443 -->\n"
                      "  <!-- <a url=\"https://localhost:8243\">localhost:8243</a> -->\n"
                      "</r>\n";
    ps_xmldoc *doc = parse(xml);
    ck_assert_uint_eq(doc->nelems, 2); /* the commented-out <a> is no element */
    ck_assert_uint_eq(doc->nattrs, 1);
    const char *inside[] = {"localhost:9443", "localhost:8243", "8243"};
    for (size_t k = 0; k < sizeof inside / sizeof inside[0]; k++) {
        size_t off = offset_of(xml, inside[k]);
        for (size_t i = 0; i < doc->ntexts; i++)
            ck_assert_msg(off < doc->texts[i].span.start || off >= doc->texts[i].span.end,
                          "'%s' (offset %zu) lies in text run [%zu,%zu)", inside[k], off,
                          doc->texts[i].span.start, doc->texts[i].span.end);
        for (size_t i = 0; i < doc->nattrs; i++)
            ck_assert_msg(off < doc->attrs[i].value.start || off >= doc->attrs[i].value.end,
                          "'%s' lies in an attribute value", inside[k]);
    }
    ps_xhit *hits;
    size_t n;
    ck_assert_int_eq(ps_xmldoc_select(doc, "//a", &hits, &n, NULL), 0);
    ck_assert_uint_eq(n, 1);
    free(hits);
    ps_xmldoc_free(doc);
}
END_TEST

/* ---- element spans --------------------------------------------------------- */

START_TEST(test_empty_elements)
{
    const char *xml = "<r><a/><b></b><c x=\"1\" /><d\n/><e>t</e></r>";
    ps_xmldoc *doc = parse(xml);
    ck_assert_uint_eq(doc->nelems, 6);
    static const struct {
        const char *name, *tag, *inner;
    } want[] = {
        {"r", "<r>", "<a/><b></b><c x=\"1\" /><d\n/><e>t</e>"},
        {"a", "<a/>", ""},
        {"b", "<b>", ""},
        {"c", "<c x=\"1\" />", ""},
        {"d", "<d\n/>", ""},
        {"e", "<e>", "t"},
    };
    for (size_t i = 0; i < 6; i++) {
        const ps_xelem *e = &doc->elems[i];
        ck_assert_str_eq(e->name, want[i].name);
        ck_assert_int_eq(e->parent, i == 0 ? -1 : 0);
        ck_assert_span(xml, e->tag, want[i].tag);
        ck_assert_span(xml, e->inner, want[i].inner);
        /* content begins right after the start tag, <a/> included */
        ck_assert_uint_eq(e->inner.start, e->tag.end);
    }
    ck_assert_uint_eq(doc->elems[1].inner.start, offset_of(xml, "<b>"));
    ck_assert_uint_eq(doc->elems[0].nattrs, 0);
    ck_assert_uint_eq(doc->elems[3].nattrs, 1);
    ck_assert_uint_eq(doc->elems[3].first_attr, 0);
    ps_xmldoc_free(doc);
}
END_TEST

/* Structural invariants on a carbon.xml-like document with every construct. */
START_TEST(test_span_invariants)
{
    const char *xml =
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
        "<!-- header -->\n"
        "<Server xmlns=\"http://wso2.org/projects/carbon/carbon.xml\">\n"
        "    <Name>WSO2 API Manager</Name>\n"
        "    <HostName>localhost</HostName>\n"
        "    <Ports>\n"
        "        <Offset>0</Offset>\n"
        "        <JMX>\n"
        "            <RMIRegistryPort>9999</RMIRegistryPort>\n"
        "            <RMIServerPort>11111</RMIServerPort>\n"
        "        </JMX>\n"
        "        <!--<EmbeddedLDAP><LDAPServerPort>10389</LDAPServerPort></EmbeddedLDAP>-->\n"
        "    </Ports>\n"
        "    "
        "<Axis2Config><ServiceGroupContextIdleTime><![CDATA[30000]]></"
        "ServiceGroupContextIdleTime></Axis2Config>\n"
        "    <Security><KeyStore><Password>wso2&amp;carbon</Password></KeyStore></Security>\n"
        "    <X a=\"1\" b='2' c = \"&quot;3&quot;\"/>\n"
        "</Server>\n";
    ps_xmldoc *doc = parse(xml);
    size_t len = strlen(xml);
    for (size_t i = 0; i < doc->nelems; i++) {
        const ps_xelem *e = &doc->elems[i];
        ck_assert_uint_lt(e->tag.start, e->tag.end);
        ck_assert_uint_le(e->tag.end, len);
        ck_assert_int_eq(xml[e->tag.start], '<');
        ck_assert_int_eq(xml[e->tag.end - 1], '>');
        ck_assert_uint_le(e->inner.start, e->inner.end);
        ck_assert_uint_eq(e->inner.start, e->tag.end);
        if (e->inner.end > e->inner.start)
            ck_assert_msg(strncmp(xml + e->inner.end, "</", 2) == 0, "%s inner does not end at </",
                          e->name);
        if (e->parent >= 0) {
            const ps_xelem *p = &doc->elems[e->parent];
            ck_assert_int_lt(e->parent, (int)i);
            ck_assert_uint_ge(e->tag.start, p->inner.start);
            ck_assert_uint_le(e->inner.end, p->inner.end);
        }
        for (size_t k = 0; k < e->nattrs; k++) {
            const ps_xattr *a = &doc->attrs[e->first_attr + k];
            ck_assert_int_eq(a->elem, (int)i);
            ck_assert_uint_gt(a->value.start, e->tag.start);
            ck_assert_uint_lt(a->value.end, e->tag.end);
        }
    }
    for (size_t i = 0; i < doc->ntexts; i++) {
        const ps_xtext *t = &doc->texts[i];
        const ps_xelem *e = &doc->elems[t->elem];
        ck_assert_uint_lt(t->span.start, t->span.end);
        ck_assert_uint_ge(t->span.start, e->inner.start);
        ck_assert_uint_le(t->span.end, e->inner.end);
        for (size_t k = t->span.start; k < t->span.end; k++)
            ck_assert_msg(xml[k] != '<', "text run [%zu,%zu) holds markup", t->span.start,
                          t->span.end);
    }
    ck_assert_int_eq(elem_named(doc, "LDAPServerPort", 0), -1);
    int cdata = elem_named(doc, "ServiceGroupContextIdleTime", 0);
    int pw = elem_named(doc, "Password", 0);
    int found_cdata = 0, found_pw = 0;
    for (size_t i = 0; i < doc->ntexts; i++) {
        if (doc->texts[i].elem == cdata) {
            ck_assert_span(xml, doc->texts[i].span, "30000");
            found_cdata = 1;
        }
        if (doc->texts[i].elem == pw) {
            ck_assert_span(xml, doc->texts[i].span, "wso2&amp;carbon");
            found_pw = 1;
        }
    }
    ck_assert(found_cdata && found_pw);
    int x = elem_named(doc, "X", 0);
    ck_assert_span(xml, doc->attrs[attr_named(doc, x, "c")].value, "&quot;3&quot;");
    ps_xmldoc_free(doc);
}
END_TEST

/* ---- namespaces ------------------------------------------------------------- */

/* clang-format off */
static const char *const ns_docs[] = {
    /* carbon.xml: a default namespace */
    "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
    "<Server xmlns=\"http://wso2.org/projects/carbon/carbon.xml\">\n"
    "    <Ports>\n"
    "        <Offset>0</Offset>\n"
    "    </Ports>\n"
    "</Server>\n",
    /* every element prefixed */
    "<c:Server xmlns:c=\"http://wso2.org/projects/carbon/carbon.xml\">\n"
    "    <c:Ports>\n"
    "        <c:Offset>0</c:Offset>\n"
    "    </c:Ports>\n"
    "</c:Server>\n",
    /* prefixed root, default namespace below, a third namespace on Offset */
    "<c:Server xmlns:c=\"urn:c\" xmlns=\"urn:d\">\n"
    "    <Ports>\n"
    "        <o:Offset xmlns:o=\"urn:o\">0</o:Offset>\n"
    "    </Ports>\n"
    "</c:Server>\n",
    /* no namespace at all */
    "<Server><Ports><Offset>0</Offset></Ports></Server>",
};
/* clang-format on */

START_TEST(test_namespaces_ignored)
{
    const char *xml = ns_docs[_i];
    ps_xmldoc *doc = parse(xml);
    ck_assert_uint_eq(doc->nelems, 3);
    ck_assert_str_eq(doc->elems[0].name, "Server");
    ck_assert_str_eq(doc->elems[1].name, "Ports");
    ck_assert_str_eq(doc->elems[2].name, "Offset");
    ck_assert_uint_eq(doc->nattrs, 0); /* only namespace declarations */

    static const char *const queries[] = {"/Server/Ports/Offset", "//Offset",
                                          "/Server/Ports/Offset/text()", "/*/*/Offset",
                                          "/Server/Ports/Offset[.='0']"};
    for (size_t q = 0; q < sizeof queries / sizeof queries[0]; q++) {
        ps_xhit *hits = NULL;
        size_t n = 0;
        ps_error err;
        memset(&err, 0, sizeof err);
        ck_assert_msg(ps_xmldoc_select(doc, queries[q], &hits, &n, &err) == 0, "%s: %s", queries[q],
                      err.message);
        ck_assert_msg(n == 1, "doc %d: %s selected %zu nodes", _i, queries[q], n);
        ck_assert_int_eq(hits[0].elem, 2);
        ck_assert_int_eq(hits[0].attr, -1);
        free(hits);
    }
    int t = -1;
    for (size_t i = 0; i < doc->ntexts; i++)
        if (doc->texts[i].elem == 2)
            t = (int)i;
    ck_assert_int_ge(t, 0);
    ck_assert_span(xml, doc->texts[t].span, "0");
    ck_assert_span(xml, doc->elems[2].inner, "0");
    ps_xmldoc_free(doc);
}
END_TEST

/* Prefixed attributes are selected by local name too. */
START_TEST(test_prefixed_attribute_selected)
{
    const char *xml = "<c:Server xmlns:c=\"urn:c\" c:port=\"9443\" other='1'>"
                      "<c:Ports c:offset=\"2\"/></c:Server>";
    ps_xmldoc *doc = parse(xml);
    ck_assert_uint_eq(doc->nattrs, 3);
    static const struct {
        const char *xpath, *attr;
        int elem;
    } q[] = {{"/Server/@port", "port", 0},
             {"/Server/Ports/@offset", "offset", 1},
             {"//@*[.='1']", "other", 0}};
    for (size_t i = 0; i < sizeof q / sizeof q[0]; i++) {
        ps_xhit *hits;
        size_t n;
        ck_assert_int_eq(ps_xmldoc_select(doc, q[i].xpath, &hits, &n, NULL), 0);
        ck_assert_msg(n == 1, "%s selected %zu nodes", q[i].xpath, n);
        ck_assert_int_eq(hits[0].elem, q[i].elem);
        ck_assert_str_eq(doc->attrs[hits[0].attr].name, q[i].attr);
        free(hits);
    }
    ck_assert_span(xml, doc->attrs[0].value, "9443");
    ps_xmldoc_free(doc);
}
END_TEST

/*
 * A prefix that is never declared makes a document well-formed XML 1.0 but
 * not namespace-well-formed. Either answer is acceptable: load it (with the
 * local name, like any prefixed name) or refuse it at libxml2's position.
 * "Internal error: lexer and parser disagree" without a position is not.
 */
/* clang-format off */
static const char *const undeclared_prefix_docs[] = {
    "<r>\n  <a:b>1</a:b>\n</r>",
    "<r>\n  <b a:port=\"9443\"/>\n</r>",
};
/* clang-format on */

START_TEST(test_undeclared_prefix)
{
    const char *xml = undeclared_prefix_docs[_i];
    ps_xmldoc *doc = NULL;
    ps_error err;
    memset(&err, 0, sizeof err);
    if (ps_xmldoc_parse(&doc, "test.xml", xml, strlen(xml), &err) == 0) {
        ck_assert_int_eq(elem_named(doc, "b", 0), 1);
        ps_xmldoc_free(doc);
        return;
    }
    ck_assert_msg(strstr(err.message, "internal error") == NULL && err.line == 2,
                  "undeclared prefix refused as %d:%d: %s (want libxml2's namespace error at "
                  "line 2, or the document loaded)",
                  err.line, err.col, err.message);
}
END_TEST

/* ---- line endings and encodings ---------------------------------------------- */

START_TEST(test_crlf_no_declaration)
{
    const char *xml = "<Server>\r\n"
                      "  <Ports>\r\n"
                      "    <Offset>1</Offset>\r\n"
                      "    <Http port=\"9763\"\r\n"
                      "          proxyPort='80'/>\r\n"
                      "  </Ports>\r\n"
                      "</Server>\r\n";
    ps_xmldoc *doc = parse(xml);
    int ports = elem_named(doc, "Ports", 0), offset = elem_named(doc, "Offset", 0),
        http = elem_named(doc, "Http", 0);
    ck_assert_span(xml, doc->elems[offset].inner, "1");
    ck_assert_uint_eq(doc->elems[offset].inner.start, 33);
    ck_assert_span(xml, doc->elems[ports].inner,
                   "\r\n    <Offset>1</Offset>\r\n    <Http port=\"9763\"\r\n"
                   "          proxyPort='80'/>\r\n  ");
    ck_assert_span(xml, doc->elems[http].tag, "<Http port=\"9763\"\r\n          proxyPort='80'/>");
    ck_assert_span(xml, doc->attrs[attr_named(doc, http, "proxyPort")].value, "80");
    ck_assert_uint_eq(doc->attrs[attr_named(doc, http, "proxyPort")].value.start,
                      offset_of(xml, "80'"));
    /* \r\n stays in the whitespace runs: spans are raw bytes, not normalised text */
    int found = 0;
    for (size_t i = 0; i < doc->ntexts; i++)
        if (doc->texts[i].elem == ports &&
            doc->texts[i].span.start == doc->elems[ports].inner.start) {
            ck_assert_span(xml, doc->texts[i].span, "\r\n    ");
            found = 1;
        }
    ck_assert(found);
    ps_xhit *hits;
    size_t n;
    ck_assert_int_eq(ps_xmldoc_select(doc, "/Server/Ports/Offset", &hits, &n, NULL), 0);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(hits[0].elem, offset);
    free(hits);
    ps_xmldoc_free(doc);
}
END_TEST

/* Offsets count raw bytes: 0xE9 is one byte here, two once libxml2 converts it. */
START_TEST(test_latin1_offsets)
{
    const char *xml = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
                      "<!-- r\xe9glages -->\n"
                      "<Server>\n"
                      "  <Name>Caf\xe9</Name>\n"
                      "  <Note text=\"\xe9t\xe9\" port='8243'/>\n"
                      "  <Port value=\"9443\">localhost:9763</Port>\n"
                      "</Server>\n";
    ps_xmldoc *doc = parse(xml);
    int name = elem_named(doc, "Name", 0), note = elem_named(doc, "Note", 0),
        port = elem_named(doc, "Port", 0);
    ck_assert_int_ge(name, 0);
    ck_assert_int_ge(note, 0);
    ck_assert_int_ge(port, 0);
    ck_assert_span(xml, doc->elems[name].inner, "Caf\xe9");
    ck_assert_span(xml, doc->attrs[attr_named(doc, note, "text")].value, "\xe9t\xe9");
    ck_assert_uint_eq(doc->attrs[attr_named(doc, note, "port")].value.start,
                      offset_of(xml, "8243"));
    ck_assert_uint_eq(doc->attrs[attr_named(doc, port, "value")].value.start,
                      offset_of(xml, "9443"));
    ck_assert_span(xml, doc->elems[port].inner, "localhost:9763");
    ck_assert_uint_eq(doc->elems[port].inner.start, offset_of(xml, "localhost:9763"));
    ps_xhit *hits;
    size_t n;
    ck_assert_int_eq(ps_xmldoc_select(doc, "/Server/Port/@value", &hits, &n, NULL), 0);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(hits[0].attr, attr_named(doc, port, "value"));
    free(hits);
    int r;
    ck_assert_int_eq(ps_xmldoc_test(doc, -1, "/Server/Name = 'Caf\xc3\xa9'", &r, NULL), 0);
    ck_assert_int_eq(r, 1); /* libxml2 itself decoded the declared encoding */
    ps_xmldoc_free(doc);
}
END_TEST

/*
 * ISO-8859-1 is ASCII-compatible, so a non-ASCII byte in a name is as legal
 * as one in a value: the document loads, with byte-exact spans.
 */
START_TEST(test_latin1_non_ascii_names)
{
    const char *xml = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
                      "<r>\n"
                      "  <caf\xe9 port=\"9443\"/>\n"
                      "  <p r\xe9seau=\"x\" port=\"9763\"/>\n"
                      "</r>\n";
    ps_xmldoc *doc = NULL;
    ps_error err;
    memset(&err, 0, sizeof err);
    ck_assert_msg(ps_xmldoc_parse(&doc, "test.xml", xml, strlen(xml), &err) == 0,
                  "ISO-8859-1 names refused: %d:%d: %s", err.line, err.col, err.message);
    ck_assert_uint_eq(doc->nelems, 3);
    ck_assert_uint_eq(doc->nattrs, 3);
    ck_assert_uint_eq(doc->attrs[0].value.start, offset_of(xml, "9443"));
    ck_assert_uint_eq(doc->attrs[2].value.start, offset_of(xml, "9763"));
    ps_xmldoc_free(doc);
}
END_TEST

START_TEST(test_utf8_bom)
{
    const char xml[] = "\xef\xbb\xbf<r a=\"1\">t</r>";
    ps_xmldoc *doc = parse(xml);
    ck_assert_uint_eq(doc->attrs[0].value.start, 9);
    ck_assert_span(xml, doc->attrs[0].value, "1");
    ck_assert_span(xml, doc->elems[0].tag, "<r a=\"1\">");
    ck_assert_uint_eq(doc->ntexts, 1);
    ck_assert_span(xml, doc->texts[0].span, "t");
    ps_xmldoc_free(doc);
}
END_TEST

/* clang-format off */
static const struct bytes_case {
    const char *label;
    const char *data;
    size_t len;
} utf16_cases[] = {
    {"UTF-16LE with BOM", BYTES("\xff\xfe<\0r\0/\0>\0")},
    {"UTF-16BE with BOM", BYTES("\xfe\xff\0<\0r\0/\0>")},
    {"UTF-16LE without BOM", BYTES("<\0r\0/\0>\0")},
    {"UTF-16BE without BOM", BYTES("\0<\0r\0/\0>")},
    {"UTF-16LE BOM and declaration",
     BYTES("\xff\xfe<\0?\0x\0m\0l\0 \0v\0e\0r\0s\0i\0o\0n\0=\0\"\0001\0.\0000\0\"\0?\0>\0<\0r\0/\0>\0")},
};
/* clang-format on */

START_TEST(test_utf16_refused)
{
    const struct bytes_case *c = &utf16_cases[_i];
    ps_xmldoc *doc = NULL;
    ps_error err;
    memset(&err, 0, sizeof err);
    ck_assert_msg(ps_xmldoc_parse(&doc, "u16.xml", c->data, c->len, &err) < 0, "[%s] accepted",
                  c->label);
    ck_assert_ptr_null(doc);
    ck_assert_str_eq(err.path, "u16.xml");
    ck_assert_int_eq(err.line, 1);
    ck_assert_int_eq(err.col, 1);
    ck_assert_msg(strstr(err.message, "UTF-16") != NULL, "[%s] message: %s", c->label, err.message);
}
END_TEST

/* ---- reading in steps -------------------------------------------------------- */

static const char *const step_docs[] = {
    "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<!-- c -->\n"
    "<Server xmlns=\"urn:s\"><Ports><Offset>0</Offset></Ports>\n"
    "<X a=\"1\" b='2'/><Y><![CDATA[c]]>t<?pi x?></Y></Server>\n",
    "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<r>\n  <caf\xe9 port=\"9443\"/>\n"
    "  <p r\xe9seau=\"x\" port=\"9763\"/>\n</r>\n",
    "<a:r xmlns:a=\"urn:a\" xmlns=\"urn:d\"><a:b a:c=\"1\" d=\"2\">x</a:b></a:r>",
};

/* Lexed, then checked by the streaming parse: the table a full parse gives,
 * names as libxml2 spells them included; neither step builds a tree. */
START_TEST(test_steps_same_table)
{
    const char *xml = step_docs[_i];
    ps_xmldoc *full = parse(xml), *doc = NULL;
    ps_error err;
    memset(&err, 0, sizeof err);
    ck_assert_int_eq(ps_xmldoc_lex(&doc, "t.xml", xml, strlen(xml), &err), 0);
    ck_assert_int_eq(doc->checked, 0);
    ck_assert_msg(ps_xmldoc_check(doc, "t.xml", &err) == 0, "%s", err.message);
    ck_assert_int_eq(doc->checked, 1);
    ck_assert_ptr_null(doc->impl);
    ck_assert_uint_eq(doc->nelems, full->nelems);
    ck_assert_uint_eq(doc->nattrs, full->nattrs);
    ck_assert_uint_eq(doc->ntexts, full->ntexts);
    for (size_t i = 0; i < doc->nelems; i++) {
        const ps_xelem *a = &doc->elems[i], *b = &full->elems[i];
        ck_assert_str_eq(a->name, b->name);
        ck_assert(a->parent == b->parent && a->tag.start == b->tag.start &&
                  a->tag.end == b->tag.end && a->inner.start == b->inner.start &&
                  a->inner.end == b->inner.end && a->first_attr == b->first_attr &&
                  a->nattrs == b->nattrs);
    }
    for (size_t i = 0; i < doc->nattrs; i++) {
        ck_assert_str_eq(doc->attrs[i].name, full->attrs[i].name);
        ck_assert(doc->attrs[i].value.start == full->attrs[i].value.start &&
                  doc->attrs[i].value.end == full->attrs[i].value.end &&
                  doc->attrs[i].elem == full->attrs[i].elem);
    }
    for (size_t i = 0; i < doc->ntexts; i++)
        ck_assert(doc->texts[i].span.start == full->texts[i].span.start &&
                  doc->texts[i].span.end == full->texts[i].span.end &&
                  doc->texts[i].elem == full->texts[i].elem);
    ps_xmldoc_free(doc);
    ps_xmldoc_free(full);
}
END_TEST

/* Which files the bytes alone send to the strict reader. */
static const struct screen_case {
    const char *label;
    const char *data;
    size_t len;
    int strict;
} screen_cases[] = {
    {"plain", BYTES("<?xml version=\"1.0\"?>\n<r>localhost</r>\n"), 0},
    {"DOCTYPE first", BYTES("<!DOCTYPE r SYSTEM \"r.dtd\"><r/>"), 1},
    {"DOCTYPE after the declaration, comments and blanks",
     BYTES("\xef\xbb\xbf<?xml version=\"1.0\"?>\r\n<!-- a -->\n\t<?pi x?><!-- b -->\n"
           "<!DOCTYPE r [<!ENTITY e \"x\">]><r>&e;</r>"),
     1},
    /* past the prolog it declares nothing: the parser refuses it, or it is text */
    {"DOCTYPE in a comment of the root", BYTES("<r><!-- <!DOCTYPE x [ ]> --></r>"), 0},
    {"DOCTYPE after the root starts", BYTES("<r/><!DOCTYPE x [ ]>"), 0},
    {"NUL byte", BYTES("<r>a\0b</r>"), 1},
    {"UTF-16LE", BYTES("\xff\xfe<\0r\0/\0>\0"), 1},
    {"UTF-16 without a BOM", BYTES("<\0r\0/\0>\0"), 1},
    {"empty", BYTES(""), 0},
};

START_TEST(test_screen)
{
    const struct screen_case *c = &screen_cases[_i];
    ck_assert_msg(ps_xmldoc_screen(c->data, c->len) == c->strict, "[%s] want %d", c->label,
                  c->strict);
}
END_TEST

static Suite *xmldoc_suite(void)
{
    Suite *s = suite_create("xmldoc");

    TCase *spans = tcase_create("spans");
    tcase_add_loop_test(spans, test_attr_spans, 0, N(attr_cases));
    tcase_add_loop_test(spans, test_text_runs, 0, N(text_cases));
    tcase_add_test(spans, test_comment_not_scanned);
    tcase_add_test(spans, test_empty_elements);
    tcase_add_test(spans, test_span_invariants);
    tcase_add_loop_test(spans, test_steps_same_table, 0, N(step_docs));
    tcase_add_loop_test(spans, test_screen, 0, N(screen_cases));
    suite_add_tcase(s, spans);

    TCase *ns = tcase_create("namespaces");
    tcase_add_loop_test(ns, test_namespaces_ignored, 0, N(ns_docs));
    tcase_add_test(ns, test_prefixed_attribute_selected);
    tcase_add_loop_test(ns, test_undeclared_prefix, 0, N(undeclared_prefix_docs));
    suite_add_tcase(s, ns);

    TCase *enc = tcase_create("encodings");
    tcase_add_test(enc, test_crlf_no_declaration);
    tcase_add_test(enc, test_latin1_offsets);
    tcase_add_test(enc, test_latin1_non_ascii_names);
    tcase_add_test(enc, test_utf8_bom);
    tcase_add_loop_test(enc, test_utf16_refused, 0, N(utf16_cases));
    suite_add_tcase(s, enc);
    return s;
}

int main(void)
{
    int failed = run_suite(xmldoc_suite());
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
