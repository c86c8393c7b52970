/*
 * The XML reader from several threads at once, as homes are scanned in
 * parallel: each thread lexes, checks, parses and queries documents of its
 * own, with XPath expressions compiled once and shared by all, and gets what
 * one thread alone gets; libxml2 errors reach the thread whose parse raised
 * them; the process's entity loader is neither called nor changed. Run under
 * -DPORTSHIFT_TSAN=ON too, where ThreadSanitizer watches our side (libxml2
 * is not instrumented: src/parse/xpath.c says why sharing its compiled
 * expressions is safe).
 */
#include "parse/xmldoc.h"

#include <check.h>
#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "../support/corpus.h"
#include "../support/runner.h"
#include "../support/xalloc.h"
#include "base/strbuf.h"

#define TREE "wso2am-2.6.0"
#define THREADS 4
#define ROUNDS 2

/* ---- the inputs: every XML file of the tree's repository/conf, and a few more ---- */

typedef struct input {
    char *rel; /* under repository/conf: the path messages name */
    char *data;
    size_t len;
} input;

static input inputs[64];
static size_t ninputs;

static void add_input(const char *rel, char *data, size_t len)
{
    ck_assert_uint_lt(ninputs, sizeof inputs / sizeof inputs[0]);
    inputs[ninputs++] = (input){xstrdup(rel), data, len};
}

static void add_xml_files(const char *dir, const char *rel)
{
    DIR *d = opendir(dir);
    ck_assert_msg(d != NULL, "cannot list %s", dir);
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        char path[2048], sub[1024];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        snprintf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "", e->d_name);
        struct stat st;
        ck_assert_int_eq(stat(path, &st), 0);
        size_t n = strlen(e->d_name);
        if (S_ISDIR(st.st_mode)) {
            add_xml_files(path, sub);
        } else if (n > 4 && strcmp(e->d_name + n - 4, ".xml") == 0) {
            char *data = file_text(path);
            add_input(sub, data, strlen(data));
        }
    }
    closedir(d);
}

static const input *input_named(const char *rel)
{
    for (size_t i = 0; i < ninputs; i++)
        if (strcmp(inputs[i].rel, rel) == 0)
            return &inputs[i];
    ck_abort_msg("%s is not among the inputs", rel);
    return NULL;
}

/* A corpus file with `from` (its first occurrence) replaced by `to`. */
static void add_edited(const char *rel, const char *name, const char *from, const char *to)
{
    const input *in = input_named(rel);
    const char *at = strstr(in->data, from);
    ck_assert_ptr_nonnull(at);
    char *data = xasprintf("%.*s%s%s", (int)(at - in->data), in->data, to, at + strlen(from));
    add_input(name, data, strlen(data));
}

static void load_inputs(void)
{
    char conf[1024];
    snprintf(conf, sizeof conf, "%s/%s/repository/conf", corpus_dir(), TREE);
    add_xml_files(conf, "");
    ck_assert_uint_ge(ninputs, 20);
    /* two documents that are not well-formed, in different ways */
    add_edited("axis2/axis2.xml", "axis2/mismatched.xml", "</transportReceiver>",
               "</transportReceiverX>");
    const input *carbon = input_named("carbon.xml");
    add_input("truncated-carbon.xml", xstrndup(carbon->data, carbon->len / 2), carbon->len / 2);
    /* an external DTD subset and an entity it would declare */
    char *ext = xstrdup("<!DOCTYPE r SYSTEM \"ext.dtd\">\n<r><a>&ge;</a></r>\n");
    add_input("external-dtd.xml", ext, strlen(ext));
}

static void free_inputs(void)
{
    for (size_t i = 0; i < ninputs; i++) {
        free(inputs[i].rel);
        free(inputs[i].data);
    }
    ninputs = 0;
}

/* ---- the queries, compiled once and shared by every thread ---- */

static const char *const selects[] = {
    "/Server/Ports/Offset",
    "/axisconfig/transportReceiver[contains(@class,'PassThroughHttp')]/parameter[@name='port']",
    "//*[starts-with(@class,'org.apache.synapse.transport.passthru.')]/@name",
    "//Connector[not(@protocol='AJP/1.3')]/@port",
    "//@*[contains(., 'localhost')]",
    "//*[normalize-space(text())='true']",
    "//parameter[@name='port'] | //*[substring-after(name(), 'Server')='Port']",
};
/* evaluated with each element as the context node */
static const char *const tests[] = {
    "not(@locked='true')",
    "starts-with(name(), 'param') or contains(., 'localhost')",
    "count(*) > 2",
};
#define NSELECTS (sizeof selects / sizeof selects[0])
#define NTESTS (sizeof tests / sizeof tests[0])

static ps_xpath *compiled_selects[NSELECTS], *compiled_tests[NTESTS];

static void compile_queries(void)
{
    for (size_t i = 0; i < NSELECTS; i++)
        ck_assert_int_eq(ps_xpath_compile(&compiled_selects[i], selects[i], NULL), 0);
    for (size_t i = 0; i < NTESTS; i++)
        ck_assert_int_eq(ps_xpath_compile(&compiled_tests[i], tests[i], NULL), 0);
}

static void free_queries(void)
{
    for (size_t i = 0; i < NSELECTS; i++)
        ps_xpath_free(compiled_selects[i]);
    for (size_t i = 0; i < NTESTS; i++)
        ps_xpath_free(compiled_tests[i]);
}

/* ---- what one reading of an input gives, as text ---- */

static void add_error(ps_strbuf *b, const char *step, const ps_error *err)
{
    ps_strbuf_printf(b, "%s: %s:%d:%d: %s\n", step, err->path, err->line, err->col, err->message);
}

static void add_span(ps_strbuf *b, const input *in, ps_span s)
{
    size_t n = s.end - s.start;
    ps_strbuf_printf(b, " <%.*s>", (int)(n > 60 ? 60 : n), in->data + s.start);
}

/* Lexed, checked, parsed into a tree and queried: counts, every hit's bytes,
 * every test's answer, or the first error with its position. */
static char *digest(const input *in)
{
    ps_strbuf b = PS_STRBUF_INIT;
    ps_error err;
    memset(&err, 0, sizeof err);
    ps_xmldoc *doc = NULL;
    if (ps_xmldoc_lex(&doc, in->rel, in->data, in->len, &err) < 0) {
        add_error(&b, "lex", &err);
        return ps_strbuf_detach(&b, NULL);
    }
    if (ps_xmldoc_check(doc, in->rel, &err) < 0)
        add_error(&b, "check", &err);
    else if (ps_xmldoc_tree(doc, in->rel, &err) < 0)
        add_error(&b, "tree", &err);
    else {
        ps_strbuf_printf(&b, "elements %zu, attributes %zu, texts %zu\n", doc->nelems, doc->nattrs,
                         doc->ntexts);
        for (size_t q = 0; q < NSELECTS; q++) {
            ps_xhit *hits;
            size_t n;
            ps_strbuf_printf(&b, "%s:", selects[q]);
            if (ps_xpath_select(compiled_selects[q], doc, &hits, &n, &err) < 0)
                add_error(&b, " select", &err);
            for (size_t h = 0; h < n; h++)
                add_span(&b, in,
                         hits[h].attr >= 0 ? doc->attrs[hits[h].attr].value
                                           : doc->elems[hits[h].elem].inner);
            ps_strbuf_puts(&b, "\n");
            free(hits);
        }
        for (size_t q = 0; q < NTESTS; q++) {
            ps_strbuf_printf(&b, "%s: ", tests[q]);
            for (size_t e = 0; e < doc->nelems; e++) {
                int yes;
                if (ps_xpath_test(compiled_tests[q], doc, (int)e, &yes, NULL) < 0)
                    yes = -1;
                ps_strbuf_puts(&b, yes < 0 ? "!" : yes ? "1" : "0");
            }
            ps_strbuf_puts(&b, "\n");
        }
    }
    ps_xmldoc_free(doc);
    return ps_strbuf_detach(&b, NULL);
}

/* ---- the caller's entity loader: installed, it must stay so and never be called ---- */

static atomic_int loader_calls; /* threads would call it at once */

static xmlParserInputPtr caller_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
    (void)url;
    (void)id;
    atomic_fetch_add(&loader_calls, 1);
    return xmlNewStringInputStream(ctxt, (const xmlChar *)"<!ENTITY ge \"LEAKED\">");
}

/* ---- every input in several threads at once, against one thread alone ---- */

static char *serial[64];
static pthread_barrier_t start;

typedef struct worker {
    int id;
    size_t differ; /* readings that differ from the serial one */
    size_t first;  /* the first input that did */
    char *got;     /* what it gave */
} worker;

static void *read_all(void *arg)
{
    worker *w = arg;
    pthread_barrier_wait(&start);
    for (int round = 0; round < ROUNDS; round++) {
        /* each thread starts elsewhere: different files meet at once */
        for (size_t k = 0; k < ninputs; k++) {
            size_t i = (k + (size_t)w->id * ninputs / THREADS) % ninputs;
            char *d = digest(&inputs[i]);
            if (strcmp(d, serial[i]) != 0 && w->differ++ == 0) {
                w->first = i;
                w->got = d;
                continue;
            }
            free(d);
        }
    }
    return NULL;
}

/* Asserts that one thread alone read input `rel` as holding `text`. */
static void expect_serial(const char *rel, const char *text)
{
    size_t i = (size_t)(input_named(rel) - inputs);
    ck_assert_msg(strstr(serial[i], text) != NULL, "%s: no '%s' in:\n%s", rel, text, serial[i]);
}

START_TEST(test_threads_read_as_one)
{
    if (!corpus_has(TREE)) {
        case_skipped("threads_read_as_one", TREE " is not in the corpus");
        return;
    }
    load_inputs();
    compile_queries();
    xmlExternalEntityLoader before = xmlGetExternalEntityLoader();
    xmlSetExternalEntityLoader(caller_loader);

    for (size_t i = 0; i < ninputs; i++)
        serial[i] = digest(&inputs[i]);
    /* what the files say, read by hand: the one thread alone reads them right */
    expect_serial("carbon.xml", "\n/Server/Ports/Offset: <0>\n");
    expect_serial("axis2/axis2.xml",
                  "\n/axisconfig/transportReceiver[contains(@class,"
                  "'PassThroughHttp')]/parameter[@name='port']: <8280> <8243>\n");
    expect_serial("axis2/mismatched.xml",
                  "check: axis2/mismatched.xml:297:26: not well-formed XML: Opening and ending tag "
                  "mismatch: transportReceiver line 290 and transportReceiverX\n");
    expect_serial("truncated-carbon.xml", "lex: truncated-carbon.xml:");
    expect_serial("truncated-carbon.xml", ": not well-formed XML: ");
    expect_serial("external-dtd.xml", "elements 2, attributes 0, texts 1\n");

    worker w[THREADS];
    pthread_t t[THREADS];
    ck_assert_int_eq(pthread_barrier_init(&start, NULL, THREADS), 0);
    for (int i = 0; i < THREADS; i++) {
        w[i] = (worker){.id = i};
        ck_assert_int_eq(pthread_create(&t[i], NULL, read_all, &w[i]), 0);
    }
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    pthread_barrier_destroy(&start);

    for (int i = 0; i < THREADS; i++)
        ck_assert_msg(w[i].differ == 0,
                      "thread %d: %zu readings differ from one thread's; the first, of %s:\n"
                      "%s\n--- one thread alone ---\n%s",
                      i, w[i].differ, inputs[w[i].first].rel, w[i].got, serial[w[i].first]);
    ck_assert_int_eq(atomic_load(&loader_calls), 0);
    ck_assert_msg(xmlGetExternalEntityLoader() == caller_loader,
                  "the process's entity loader was changed by parsing threads");
    xmlSetExternalEntityLoader(before);
    for (size_t i = 0; i < ninputs; i++)
        free(serial[i]);
    free_queries();
    free_inputs();
}
END_TEST

/* ---- errors: each thread's own ---- */

static const struct bad_doc {
    const char *path;
    const char *xml;
    int line, col;
    const char *fragment;
} bad_docs[] = {
    {"conf/a.xml", "<r>\n  <a>\n</r>\n", 3, 5, "mismatch"},
    {"conf/b.xml", "<r a=\"1/>", 1, 10, "AttValue"},
};

typedef struct failing {
    const struct bad_doc *doc;
    int wrong;       /* refusals with another message or position */
    char seen[1200]; /* the first of them */
} failing;

static void expect_own(failing *f, const ps_error *err)
{
    const struct bad_doc *d = f->doc;
    if (strcmp(err->path, d->path) == 0 && err->line == d->line && err->col == d->col &&
        strstr(err->message, d->fragment))
        return;
    if (f->wrong++ == 0)
        snprintf(f->seen, sizeof f->seen, "%s:%d:%d: %s", err->path, err->line, err->col,
                 err->message);
}

static void *refuse_many(void *arg)
{
    failing *f = arg;
    pthread_barrier_wait(&start);
    for (int i = 0; i < 300; i++) {
        ps_xmldoc *doc = NULL;
        ps_error err;
        memset(&err, 0, sizeof err);
        if (ps_xmldoc_parse(&doc, f->doc->path, f->doc->xml, strlen(f->doc->xml), &err) == 0)
            ps_xmldoc_free(doc);
        expect_own(f, &err);
        memset(&err, 0, sizeof err);
        /* the lexer follows <r><a></r> but not <r a="1/>: then libxml2 says why */
        if (ps_xmldoc_lex(&doc, f->doc->path, f->doc->xml, strlen(f->doc->xml), &err) == 0) {
            ps_xmldoc_check(doc, f->doc->path, &err);
            ps_xmldoc_free(doc);
        }
        expect_own(f, &err);
    }
    return NULL;
}

START_TEST(test_threads_own_errors)
{
    failing f[2] = {{.doc = &bad_docs[0]}, {.doc = &bad_docs[1]}};
    pthread_t t[2];
    ck_assert_int_eq(pthread_barrier_init(&start, NULL, 2), 0);
    for (int i = 0; i < 2; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, refuse_many, &f[i]), 0);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    pthread_barrier_destroy(&start);
    for (int i = 0; i < 2; i++)
        ck_assert_msg(f[i].wrong == 0, "%s: %d of 600 refusals were not its own; the first: %s",
                      f[i].doc->path, f[i].wrong, f[i].seen);
}
END_TEST

static Suite *xml_threads_suite(void)
{
    Suite *s = suite_create("xml_threads");
    TCase *tc = tcase_create("threads");
    tcase_add_test(tc, test_threads_read_as_one);
    tcase_add_test(tc, test_threads_own_errors);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    /* as portshift does: libxml2 initialised in the main thread before any other starts */
    ps_xml_init();
    return run_suite_status(xml_threads_suite());
}
