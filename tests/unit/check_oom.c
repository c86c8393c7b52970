/*
 * Out of memory is an error return, never an abort or a crash: each stage
 * is run on real corpus files with its Nth allocation failing, for every N
 * from 1 to the number of allocations a clean run makes. Each run must fail
 * with PS_ENOMEM and "out of memory" (or, where the stage can do without the
 * memory, succeed with the clean run's result), and leave nothing behind
 * (the ASan build checks for leaks: CK_FORK=no). libxml2's own allocations
 * are failed the same way: a failure inside libxml2 may surface as any error.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/corpus.h"
#include "../support/failalloc.h"
#include "../support/runner.h"
#include <portshift/portshift.h>
#include "base/error.h"
#include "catalog/catalog.h"
#include "detect/detect.h"
#include "load/config.h"
#include "parse/file.h"
#include "parse/props.h"
#include "parse/toml.h"
#include "parse/xmldoc.h"
#include "host/host.h"
#include "report/facts.h"
#include "sites/sites.h"

/* One run of a stage: its result reduced to a number a clean run gives too. */
typedef int (*stage_fn)(const void *ctx, long *result, ps_error *err);

/* Every how many allocations one fails: 1 (each) unless the build says
 * otherwise. A sanitizer build runs each case many times slower and only
 * needs a sample of the failures to catch a leak or a bad read, so CMake
 * gives it a stride (tests/CMakeLists.txt); the plain build fails them all. */
static long stride(void)
{
    const char *s = getenv("PORTSHIFT_OOM_STRIDE");
    long k = s ? strtol(s, NULL, 10) : 1;
    return k > 0 ? k : 1;
}

/* Runs `stage` once clean, then with each of its allocations (or every
 * stride()th) failing in turn. */
static void fail_each_allocation(const char *what, stage_fn stage, const void *ctx, int which)
{
    ps_error err = {0};
    long want = 0, got;
    failalloc_arm(0, which);
    ck_assert_msg(stage(ctx, &want, &err) == 0, "%s: %s", what, err.message);
    long total = failalloc_calls();
    ck_assert_msg(total > 0, "%s: no allocation counted", what);
    long failures = 0;
    for (long n = 1; n <= total; n += stride()) {
        memset(&err, 0, sizeof err);
        ps_error_begin();
        got = -1;
        failalloc_arm(n, which);
        int rc = stage(ctx, &got, &err);
        int in_libxml2 = failalloc_failed_libxml2();
        /* libxml2 allocates less once its caches are warm: a run may end first. */
        ck_assert_msg(failalloc_failed() || (which & FAIL_LIBXML2),
                      "%s: allocation %ld of %ld never made", what, n, total);
        failalloc_arm(0, 0);
        if (rc == 0) { /* the stage did without: the same result, then */
            ck_assert_msg(got == want, "%s: allocation %ld failed: result %ld, not %ld", what, n,
                          got, want);
            continue;
        }
        failures++;
        ck_assert_int_eq(rc, -1);
        if (in_libxml2)
            continue; /* an error of its own words: "not well-formed" at worst */
        ck_assert_msg(ps_error_last() == PS_ENOMEM, "%s: allocation %ld: code %d (%s)", what, n,
                      ps_error_last(), err.message);
        ck_assert_str_eq(err.message, "out of memory");
    }
    printf("%s: %ld allocations, %ld failed the call\n", what, total, failures);
}

/* ---- parsing ---- */

typedef struct bytes {
    const char *path;
    char *data;
    size_t len;
} bytes;

static bytes read_corpus(const char *rel)
{
    bytes b = {0};
    static char path[4096];
    snprintf(path, sizeof path, "%s/%s", corpus_dir(), rel);
    b.path = path;
    ps_error err;
    ck_assert_msg(ps_file_read(path, &b.data, &b.len, &err) == 0, "%s", err.message);
    return b;
}

static int parse_xml(const void *ctx, long *result, ps_error *err)
{
    const bytes *b = ctx;
    ps_xmldoc *doc;
    if (ps_xmldoc_parse(&doc, b->path, b->data, b->len, err) < 0)
        return -1;
    ps_xhit *hits;
    size_t n;
    int rc = ps_xmldoc_select(doc, "/Server/Ports/Offset | //@port", &hits, &n, err);
    if (rc == 0)
        *result = (long)(doc->nelems * 1000 + n);
    free(hits);
    ps_xmldoc_free(doc);
    return rc;
}

/* The parse alone: libxml2 2.9.14's XPath evaluation does not survive its
 * own allocations failing (a NULL dereference inside xmlXPathCompiledEval),
 * so libxml2's allocations are failed only where it parses. */
static int parse_xml_tree(const void *ctx, long *result, ps_error *err)
{
    const bytes *b = ctx;
    ps_xmldoc *doc;
    if (ps_xmldoc_parse(&doc, b->path, b->data, b->len, err) < 0)
        return -1;
    *result = (long)doc->nelems;
    ps_xmldoc_free(doc);
    return 0;
}

static int parse_toml(const void *ctx, long *result, ps_error *err)
{
    const bytes *b = ctx;
    ps_toml t;
    if (ps_toml_parse(&t, b->path, b->data, b->len, err) < 0)
        return -1;
    *result = (long)(t.nnodes * 1000 + t.nentries);
    ps_toml_free(&t);
    return 0;
}

static int parse_props(const void *ctx, long *result, ps_error *err)
{
    const bytes *b = ctx;
    ps_props p;
    if (ps_props_parse(&p, b->data, b->len) < 0)
        return ps_error_oom(err);
    *result = (long)p.count;
    ps_props_free(&p);
    return 0;
}

static const struct parse_case {
    const char *tree, *rel;
    stage_fn stage;
    int which;
} parse_cases[] = {
    {"wso2is-7.1.0", "repository/conf/carbon.xml", parse_xml, FAIL_OURS},
    {"wso2is-7.1.0", "repository/conf/carbon.xml", parse_xml_tree, FAIL_OURS | FAIL_LIBXML2},
    {"wso2is-7.1.0", "repository/conf/deployment.toml", parse_toml, FAIL_OURS},
    {"wso2am-4.2.0", "repository/conf/deployment.toml", parse_toml, FAIL_OURS},
    {"wso2is-7.1.0", "repository/conf/log4j2.properties", parse_props, FAIL_OURS},
};

START_TEST(parsing_fails_cleanly)
{
    const struct parse_case *c = &parse_cases[_i];
    if (!corpus_has(c->tree)) {
        case_skipped("parsing_fails_cleanly", "corpus tree not found");
        return;
    }
    char rel[512];
    snprintf(rel, sizeof rel, "%s/%s", c->tree, c->rel);
    bytes b = read_corpus(rel);
    char what[600];
    snprintf(what, sizeof what, "%s%s", rel, c->which & FAIL_LIBXML2 ? " (and libxml2)" : "");
    fail_each_allocation(what, c->stage, &b, c->which);
    free(b.data);
}
END_TEST

/* ---- loading a home: the catalog, detection, the walk and the reads ---- */

static int load_catalog(const void *ctx, long *result, ps_error *err)
{
    (void)ctx;
    ps_catalog *cat;
    if (ps_catalog_builtin(&cat, err) < 0)
        return -1;
    *result = (long)(cat->nrules * 1000 + cat->nproducts);
    ps_catalog_free(cat);
    return 0;
}

typedef struct home_case {
    const ps_catalog *cat;
    const char *path;
} home_case;

/* What a stage makes of a loaded runtime, folded into the digest *sum. */
typedef int (*runtime_fn)(const home_case *c, const ps_runtime *rt, ps_config *cfg,
                          unsigned long *sum, ps_error *err);

/* ps_detect, ps_config_load_home, then `each` on every runtime. */
static int load_then(const home_case *c, runtime_fn each, long *result, ps_error *err)
{
    ps_home *home;
    if (ps_detect(&home, c->cat, c->path, err) < 0)
        return -1;
    ps_config *cfgs = calloc(home->nruntimes, sizeof *cfgs);
    ck_assert_ptr_nonnull(cfgs);
    int rc = ps_config_load_home(cfgs, home, err);
    unsigned long sum = home->nruntimes; /* wraps: a digest */
    for (size_t r = 0; r < home->nruntimes && rc == 0; r++)
        rc = each(c, &home->runtimes[r], &cfgs[r], &sum, err);
    if (rc == 0)
        *result = (long)(sum >> 1);
    for (size_t r = 0; r < home->nruntimes; r++)
        ps_config_free(&cfgs[r]);
    free(cfgs);
    ps_home_free(home);
    return rc;
}

static int count_files(const home_case *c, const ps_runtime *rt, ps_config *cfg, unsigned long *sum,
                       ps_error *err)
{
    (void)c, (void)rt, (void)err;
    for (size_t i = 0; i < cfg->nfiles; i++)
        *sum = *sum * 31 + cfg->files[i].len + strlen(cfg->files[i].rel);
    return 0;
}

/* ps_sites_find and ps_sites_settle, as the host runs them. */
static int count_sites(const home_case *c, const ps_runtime *rt, ps_config *cfg, unsigned long *sum,
                       ps_error *err)
{
    ps_sites sites;
    if (ps_sites_find(&sites, c->cat, rt, cfg, NULL, err) < 0)
        return -1;
    int rc = ps_sites_settle(&sites, cfg) < 0 ? ps_error_oom(err) : 0;
    for (size_t i = 0; rc == 0 && i < sites.count; i++)
        *sum = *sum * 31 + (unsigned long)sites.items[i].value + sites.items[i].kind;
    ps_sites_free(&sites);
    return rc;
}

/* ps_detect and ps_config_load_home; the result counts runtimes, files and bytes. */
static int load_home(const void *ctx, long *result, ps_error *err)
{
    return load_then(ctx, count_files, result, err);
}

/* ... and ps_sites_find per runtime; the result counts sites and their values. */
static int find_sites(const void *ctx, long *result, ps_error *err)
{
    return load_then(ctx, count_sites, result, err);
}

/* ---- the public API: a host opened and planned ---- */

/* A public call's result: PS_ENOMEM when out of memory, -1 for the stage
 * (fail_each_allocation then checks the code and the message). */
static int public_rc(int rc)
{
    if (rc < 0)
        ck_assert_msg(rc == PS_ENOMEM, "a public call gave %d, not PS_ENOMEM", rc);
    return rc < 0 ? -1 : 0;
}

/* ps_host_plan of a host opened to offset 7 (the opening is not failed:
 * the write layer's home locks abort when out of memory until that layer is
 * converted); the result digests the changes and their reasons. */
static int plan_host(const void *ctx, long *result, ps_error *err)
{
    ps_host *host = (ps_host *)ctx;
    ps_plan *plan;
    if (public_rc(ps_host_plan(&plan, host, 0, err)) < 0)
        return -1;
    unsigned long sum = ps_plan_change_count(plan) + ps_plan_warning_count(plan);
    int rc = 0;
    for (size_t i = 0; i < ps_plan_change_count(plan) && rc == 0; i++) {
        ps_change ch;
        rc = public_rc(ps_plan_change(&ch, plan, i, err));
        sum = sum * 31 + (unsigned long)ch.new_value + (ch.why ? strlen(ch.why) : 0);
        free(ch.why);
    }
    if (rc == 0)
        *result = (long)(sum >> 1);
    ps_plan_free(plan);
    return rc;
}

START_TEST(catalog_fails_cleanly)
{
    fail_each_allocation("the built-in catalog", load_catalog, NULL, FAIL_OURS);
}
END_TEST

/* A Carbon 4 home, a deployment.toml home, an EI home of several runtimes. */
static const char *const load_trees[] = {"wso2is-5.3.0", "wso2is-7.1.0", "wso2ei-6.6.0"};

/* Fails each allocation of `stage` on corpus tree `tree` with the built-in
 * catalog; SKIP when the tree is not there. */
static void fail_on_tree(const char *test, const char *tree, const char *part, stage_fn stage)
{
    if (!corpus_has(tree)) {
        case_skipped(test, "corpus tree not found");
        return;
    }
    ps_error err = {0};
    ps_catalog *cat;
    ck_assert_int_eq(ps_catalog_builtin(&cat, &err), 0);
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", corpus_dir(), tree);
    home_case c = {cat, path};
    char what[600];
    snprintf(what, sizeof what, "%s%s", tree, part);
    fail_each_allocation(what, stage, &c, FAIL_OURS);
    ps_catalog_free(cat);
}

START_TEST(loading_fails_cleanly)
{
    fail_on_tree("loading_fails_cleanly", load_trees[_i], "", load_home);
}
END_TEST

START_TEST(planning_fails_cleanly)
{
    if (!corpus_has(load_trees[_i])) {
        case_skipped("planning_fails_cleanly", "corpus tree not found");
        return;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", corpus_dir(), load_trees[_i]);
    ps_home_spec spec = {.path = path, .has_target = 1, .target = 7};
    ps_host *host;
    ps_error err = {0};
    ck_assert_msg(ps_host_open(&host, &spec, 1, 0, &err) == 0, "%s", err.message);
    char what[600];
    snprintf(what, sizeof what, "%s: plan", load_trees[_i]);
    fail_each_allocation(what, plan_host, host, FAIL_OURS);
    ps_host_free(host);
}
END_TEST

START_TEST(sites_fail_cleanly)
{
    fail_on_tree("sites_fail_cleanly", load_trees[_i], ": sites", find_sites);
}
END_TEST

/* ---- the facts of a host ---- */

/* ps_sites_find with every host:port (PS_SITES_ALL_HOSTS) and ps_sites_settle;
 * the result digests the host references and the names with their places. */
static int count_hostrefs(const home_case *c, const ps_runtime *rt, ps_config *cfg,
                          unsigned long *sum, ps_error *err)
{
    ps_sites sites;
    if (ps_sites_find_flags(&sites, c->cat, rt, cfg, NULL, PS_SITES_ALL_HOSTS, err) < 0)
        return -1;
    int rc = ps_sites_settle(&sites, cfg) < 0 ? ps_error_oom(err) : 0;
    for (size_t i = 0; rc == 0 && i < sites.nhostrefs; i++)
        *sum = *sum * 31 + (unsigned long)sites.hostrefs[i].port + strlen(sites.hostrefs[i].host) +
               (unsigned long)sites.hostrefs[i].line + strlen(sites.hostrefs[i].path);
    for (size_t i = 0; rc == 0 && i < sites.nnames; i++)
        *sum = *sum * 31 + strlen(sites.names[i].host) + (unsigned long)sites.names[i].col;
    ps_sites_free(&sites);
    return rc;
}

static int find_hostrefs(const void *ctx, long *result, ps_error *err)
{
    return load_then(ctx, count_hostrefs, result, err);
}

START_TEST(facts_sites_fail_cleanly)
{
    fail_on_tree("facts_sites_fail_cleanly", load_trees[_i], ": all hosts", find_hostrefs);
}
END_TEST

/* The facts document of a host loaded for it (the loading is not failed:
 * the write layer's home locks abort when out of memory until that layer is
 * converted); the result is the document's length. */
static int facts_document(const void *ctx, long *result, ps_error *err)
{
    const ps_host *host = ctx;
    const char *aliases[] = {"km1.example"};
    ps_facts_names names = {"host1", "host1.example", aliases, 1};
    ps_strbuf b = PS_STRBUF_CHECKED;
    int rc = ps_report_facts(&b, host->units, host->nunits, &names);
    if (rc < 0)
        ps_error_oom(err); /* the layer's one failure */
    *result = (long)b.len;
    ps_strbuf_free(&b);
    return rc;
}

START_TEST(facts_document_fails_cleanly)
{
    if (!corpus_has(load_trees[_i])) {
        case_skipped("facts_document_fails_cleanly", "corpus tree not found");
        return;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", corpus_dir(), load_trees[_i]);
    ps_home_spec spec = {.path = path};
    ps_host_options o = {0};
    ps_host *host;
    ps_error err = {0};
    ck_assert_msg(ps_host_load_facts(&host, &spec, 1, &o, &err) == 0, "%s", err.message);
    char what[600];
    snprintf(what, sizeof what, "%s: facts", load_trees[_i]);
    fail_each_allocation(what, facts_document, host, FAIL_OURS);
    ps_host_free(host);
}
END_TEST

int main(void)
{
    failalloc_setup();
    Suite *s = suite_create("oom");
    TCase *parse = tcase_create("parse");
    tcase_set_timeout(parse, 300);
    tcase_add_loop_test(parse, parsing_fails_cleanly, 0, N(parse_cases));
    suite_add_tcase(s, parse);
    TCase *load = tcase_create("load");
    tcase_set_timeout(load, 600);
    tcase_add_test(load, catalog_fails_cleanly);
    tcase_add_loop_test(load, loading_fails_cleanly, 0, N(load_trees));
    suite_add_tcase(s, load);
    TCase *upper = tcase_create("upper"); /* sites and the layers above */
    tcase_set_timeout(upper, 600);
    tcase_add_loop_test(upper, sites_fail_cleanly, 0, N(load_trees));
    tcase_add_loop_test(upper, planning_fails_cleanly, 0, N(load_trees));
    suite_add_tcase(s, upper);
    TCase *facts = tcase_create("facts");
    tcase_set_timeout(facts, 600);
    tcase_add_loop_test(facts, facts_sites_fail_cleanly, 0, N(load_trees));
    tcase_add_loop_test(facts, facts_document_fails_cleanly, 0, N(load_trees));
    suite_add_tcase(s, facts);
    return run_suite_status(s);
}
