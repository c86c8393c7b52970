/*
 * ps_render on a deployment.toml (and on an XML file, at the end): the
 * patched bytes are read again by the strict TOML reader, and `[server] offset`, read the way sites
 * reads it, must be the runtime's target, or nothing is rendered (DESIGN §2.4, §2.7). Each case is
 * one file and a hand-made plan of one or two edits, so a splice that a real plan would never make
 * can show the check refusing it.
 */
#include "render/render.h"

#include <check.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/runner.h"

#define PATH "home/repository/conf/deployment.toml"

/* clang-format off */
static const struct render_case {
    const char *label;
    const char *data;
    const char *offset_at; /* the offset's value; NULL: not set (a key would go at the end) */
    long offset, target;
    const char *edit_at;   /* the bytes an edit replaces; "" inserts at the end */
    const char *edit_text;
    const char *ref_at;    /* a second edit, of a reference, or NULL */
    const char *ref_text;
    const char *want;      /* the rendered bytes, or NULL when refused */
    const char *error;     /* a part of the message when refused */
} render_cases[] = {
    {"an offset replaced in its own form", "[server]\noffset = 0x10\n", "0x10", 16, 3,
     "0x10", "0x3", NULL, NULL, "[server]\noffset = 0x3\n", NULL},
    {"a key added", "[server]\nhostname = \"h\"\n", NULL, 0, 3, "", "offset = 3\n", NULL, NULL,
     "[server]\nhostname = \"h\"\noffset = 3\n", NULL},
    {"a reference moved, the offset left at the product default",
     "[server]\nurl = \"http://localhost:9443\"\n", NULL, 0, 0, NULL, NULL, "9443", "9446",
     "[server]\nurl = \"http://localhost:9446\"\n", NULL},
    {"a reference moved beside an offset that stays",
     "[server]\noffset = +3\nurl = \"http://localhost:9446\"\n", "+3", 3, 3, NULL, NULL, "9446",
     "9447", "[server]\noffset = +3\nurl = \"http://localhost:9447\"\n", NULL},
    /* refused */
    {"the offset written as another number", "[server]\noffset = 0x10\n", "0x10", 16, 3,
     "0x10", "0x4", NULL, NULL, NULL, "internal error: server.offset does not read back as 3"},
    {"the offset left alone while the target moves", "[server]\noffset = 7\nurl = \"h:9450\"\n",
     "7", 7, 3, NULL, NULL, "9450", "9446", NULL, "does not read back as 3"},
    {"no key while the target is not the default", "[server]\nurl = \"http://localhost:9443\"\n",
     NULL, 0, 3, NULL, NULL, "9443", "9446", NULL, "does not read back as 3"},
    {"a key added a second time", "[server]\noffset = 1\n", NULL, 0, 3, "", "offset = 3\n",
     NULL, NULL, NULL, "invalid TOML: key 'offset' is already defined (2:1)"},
    {"a splice that breaks the document", "[server]\noffset = 16\n", "16", 16, 3, "16", "3 3",
     NULL, NULL, NULL, "invalid TOML: unexpected text after a value"},
    {"the offset turned into a string", "[server]\noffset = 16\n", "16", 16, 3, "16", "\"3\"",
     NULL, NULL, NULL, "[server] offset is a string, not an integer"},
};
/* clang-format on */

static ps_span span_of(const char *data, const char *what)
{
    if (!*what)
        return (ps_span){strlen(data), strlen(data)};
    const char *at = strstr(data, what);
    ck_assert_ptr_nonnull(at);
    size_t start = (size_t)(at - data);
    return (ps_span){start, start + strlen(what)};
}

/* Renders the plan's one file: the bytes `want`, or (want NULL) a refusal
 * naming `path` at a line, whose message holds `error`, and no output. */
static void expect_render(const char *label, const ps_plan *plan, const char *path,
                          const char *want, const char *error)
{
    ps_error err;
    memset(&err, 0, sizeof err);
    ps_rendered *out = NULL;
    size_t nout = 0;
    int rc = ps_render(plan, 1, &out, &nout, &err);
    int same = rc == 0 && nout == 1 && want && out[0].len == strlen(want) &&
               memcmp(out[0].data, want, out[0].len) == 0;
    char got[256];
    snprintf(got, sizeof got, "%.*s", rc == 0 && nout ? (int)out[0].len : 0,
             rc == 0 && nout ? out[0].data : "");
    ps_rendered_free(out, nout);
    if (want) {
        ck_assert_msg(rc == 0, "[%s] refused: %d:%d %s", label, err.line, err.col, err.message);
        ck_assert_msg(same, "[%s] rendered:\n%s\nwant:\n%s", label, got, want);
    } else {
        ck_assert_msg(rc == -1, "[%s] rendered:\n%s", label, got);
        ck_assert_msg(nout == 0 && out == NULL, "[%s] a refusal leaves output", label);
        ck_assert_str_eq(err.path, path);
        ck_assert_msg(err.line > 0 && strstr(err.message, error), "[%s] %d:%d '%s', want '%s'",
                      label, err.line, err.col, err.message, error);
    }
}

START_TEST(test_render_toml)
{
    const struct render_case *c = &render_cases[_i];
    ps_error err;
    memset(&err, 0, sizeof err);
    ps_cfile file = {.rel = "repository/conf/deployment.toml",
                     .path = PATH,
                     .data = strdup(c->data),
                     .len = strlen(c->data),
                     .is_toml = 1};
    ck_assert_int_eq(ps_cfile_parse(&file, &err), 0);

    ps_site site[2] = {{.kind = PS_SITE_OFFSET,
                        .file = &file,
                        .span = span_of(c->data, c->offset_at ? c->offset_at : ""),
                        .value = c->offset,
                        .insert = c->offset_at ? PS_INSERT_NONE : PS_INSERT_KEY,
                        .key = "server.offset",
                        .line = 2,
                        .col = 1},
                       {.kind = PS_SITE_REFERENCE, .file = &file}};
    ps_sites sites = {.items = site, .count = 2, .offset_site = 0, .offset = c->offset};
    ps_unit unit = {.sites = &sites};
    long offset = c->offset, target = c->target;
    ps_edit edits[2];
    size_t n = 0;
    if (c->edit_at)
        edits[n++] = (ps_edit){.file = &file,
                               .span = span_of(c->data, c->edit_at),
                               .line = 2,
                               .col = 1,
                               .old_value = c->offset,
                               .new_value = c->target,
                               .text = (char *)c->edit_text};
    if (c->ref_at)
        edits[n++] = (ps_edit){.file = &file,
                               .span = span_of(c->data, c->ref_at),
                               .line = 3,
                               .col = 1,
                               .text = (char *)c->ref_text,
                               .site = 1};
    ps_plan plan = {.units = &unit,
                    .nunits = 1,
                    .offset = &offset,
                    .target = &target,
                    .edits = edits,
                    .nedits = n};
    expect_render(c->label, &plan, PATH, c->want, c->error);
    ps_toml_free(&file.toml);
    ps_lines_free(&file.lines);
    free(file.data);
}
END_TEST

/*
 * An XML file: the patched bytes are lexed again, with no tree, and checked
 * by libxml2's streaming parse unless every edit provably keeps the document
 * well-formed (DESIGN §2.4): a splice that breaks the document, or changes
 * its elements or attributes, is refused.
 */
/* clang-format off */
static const struct xml_render_case {
    const char *label;
    const char *data;
    const char *edit_at; /* the bytes the edit replaces */
    const char *edit_text;
    const char *want;  /* the rendered bytes, or NULL when refused */
    const char *error; /* a part of the message when refused */
} xml_render_cases[] = {
    {"a reference moved", "<r>\n  <u a=\"https://localhost:9443/x\">9443</u>\n</r>\n", "9443/",
     "9446/", "<r>\n  <u a=\"https://localhost:9446/x\">9443</u>\n</r>\n", NULL},
    {"ISO-8859-1 with a Latin-1 byte",
     "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<r>caf\xe9 localhost:9443</r>\n", "9443",
     "9446", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<r>caf\xe9 localhost:9446</r>\n",
     NULL},
    {"a splice that breaks the document", "<r>\n  <p>9443</p>\n</r>\n", "9443", "9<46", NULL,
     "not well-formed"},
    {"a splice that adds an element", "<r><p>9443</p></r>", "9443", "<q/>", NULL,
     "patch changed the structure"},
    {"a splice that adds an attribute", "<r><p a=\"9443\"/></r>", "9443", "1\" b=\"2", NULL,
     "patch changed the structure"},
    /* Digits for digits, yet no longer well-formed: libxml2 must still be asked
     * (render.c proven_well_formed). */
    {"digits swapped inside a character reference", "<r>\n  <p>&#57;443</p>\n</r>\n", "57", "0",
     NULL, "invalid xmlChar value 0"},
    {"digits swapped inside an attribute's reference", "<r>\n  <p a=\"x&#57;443\"/>\n</r>\n",
     "57", "1", NULL, "invalid xmlChar value 1"},
    {"markup spliced out for digits", "<r>\n  <p>1<![CDATA[ 2]]></p>\n</r>\n", "1<![CDATA[", "3",
     NULL, "Sequence ']]>' not allowed in content"},
    {"digits swapped in the XML declaration", "<?xml version=\"1.0\"?>\n<r>9443</r>\n", "1", "2",
     NULL, "Unsupported version '2.0'"},
};
/* clang-format on */

START_TEST(test_render_xml)
{
    const struct xml_render_case *c = &xml_render_cases[_i];
    ps_error err;
    memset(&err, 0, sizeof err);
    ps_cfile file = {.rel = "repository/conf/x.xml",
                     .path = "home/repository/conf/x.xml",
                     .data = strdup(c->data),
                     .len = strlen(c->data)};
    ck_assert_int_eq(ps_cfile_parse(&file, &err), 0);
    ck_assert_int_eq(ps_cfile_xml(&file, PS_XML_CHECKED, &err), 0);
    ps_site site = {.kind = PS_SITE_REFERENCE, .file = &file};
    ps_sites sites = {.items = &site, .count = 1, .offset_site = -1};
    ps_unit unit = {.sites = &sites};
    long offset = 0, target = 3;
    ps_edit edit = {.file = &file,
                    .span = span_of(c->data, c->edit_at),
                    .line = 1,
                    .col = 1,
                    .text = (char *)c->edit_text,
                    .site = 0};
    ps_plan plan = {.units = &unit,
                    .nunits = 1,
                    .offset = &offset,
                    .target = &target,
                    .edits = &edit,
                    .nedits = 1};
    expect_render(c->label, &plan, "home/repository/conf/x.xml", c->want, c->error);
    ps_xmldoc_free(file.xml);
    ps_lines_free(&file.lines);
    free(file.data);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("render");
    TCase *tc = tcase_create("toml");
    tcase_add_loop_test(tc, test_render_toml, 0,
                        (int)(sizeof render_cases / sizeof render_cases[0]));
    suite_add_tcase(s, tc);
    TCase *xml = tcase_create("xml");
    tcase_add_loop_test(xml, test_render_xml, 0,
                        (int)(sizeof xml_render_cases / sizeof xml_render_cases[0]));
    suite_add_tcase(s, xml);
    int failed = run_suite(s);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
