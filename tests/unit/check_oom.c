/*
 * Out of memory is an error return, never an abort or a crash: each stage
 * is run on real corpus files with its Nth allocation failing, for every N
 * from 1 to the number of allocations a clean run makes. Each run must fail
 * with PS_ENOMEM and "out of memory" (or, where the stage can do without the
 * memory, succeed with the clean run's result), and leave nothing behind
 * (the ASan build checks for leaks: CK_FORK=no). libxml2's own allocations
 * are failed the same way: a failure inside libxml2 may surface as any error.
 * What the corpus homes rarely hold (every kind of finding, rewrites, a
 * host's listening sockets) is judged on units built in memory and a folder
 * laid out like /proc; a reference to another host (--with), on a copy of
 * a gateway and the facts of its key manager.
 */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../support/corpus.h"
#include "../support/failalloc.h"
#include "../support/fixture.h"
#include "../support/fakeproc.h"
#include "../support/runner.h"
#include "../support/synth.h"
#include "../support/tree.h"
#include <portshift/portshift.h>
#include "base/error.h"
#include "batch/batch.h"
#include "catalog/catalog.h"
#include "check/check.h"
#include "detect/detect.h"
#include "load/config.h"
#include "parse/file.h"
#include "parse/props.h"
#include "parse/toml.h"
#include "parse/xmldoc.h"
#include "host/host.h"
#include "report/facts.h"
#include "sites/sites.h"
#include "write/journal.h"

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

/* ---- the crash record ---- */

/* Every kind of line a record holds: peers, moves, a link, a start file,
 * drops, and a peer's undo after them. */
static const char RECORD[] =
    "portshift journal 2\n"
    "id 2a-65f0.000000001-0\n"
    "home 2049 1183 2:/h\n"
    "commit 2049 77 2:/g\n"
    "peer 2049 77 2:/g\n"
    "peer 2049 78 2:/f\n"
    "move 25:c/.a.xml.portshift-AAAAAA 7:c/a.xml 000000000000008f 00000000000001aa\n"
    "link 7:c/b.xml 26:/s/.b.xml.portshift-DDDDDD 8:/s/b.xml 0000000000000001 "
    "0000000000000002\n"
    "start 2049 5521 5530 32:/etc/.w.service.portshift-AAAAAA 14:/etc/w.service "
    "000000000000008f 00000000000001aa\n"
    "move 29:c/.a.xml.bak.portshift-CCCCCC 11:c/a.xml.bak - 000000000000008f\n"
    "drop 19:.b.portshift-BBBBBB\n"
    "undo 2a-65f0.000000002-1\n"
    "move 25:c/.a.xml.portshift-EEEEEE 7:c/a.xml 00000000000001aa 000000000000008f\n"
    "drop 25:c/.a.xml.portshift-AAAAAA\n"
    "end\n";

/* A record read, copied item by item through the adders, and written
 * again: the same text, or PS_ENOMEM with nothing leaked. */
static int record_round_trip(const void *ctx, long *result, ps_error *err)
{
    (void)ctx;
    ps_journal j, copy = {0};
    if (ps_journal_parse(&j, RECORD, sizeof RECORD - 1, "record", err) < 0)
        return -1;
    int rc = ps_journal_new_id(&copy) < 0 ||
                     ps_home_id_set(&copy.home, j.home.dev, j.home.ino, j.home.path) < 0 ||
                     ps_home_id_set(&copy.commit, j.commit.dev, j.commit.ino, j.commit.path) < 0
                 ? -1
                 : 0;
    for (size_t i = 0; i < j.npeers && rc == 0; i++)
        rc = ps_journal_add_peer(&copy, j.peers[i].dev, j.peers[i].ino, j.peers[i].path);
    for (size_t i = 0; i < j.part.nmoves && rc == 0; i++)
        rc = ps_journal_add_move(&copy.part, &j.part.moves[i]);
    for (size_t i = 0; i < j.part.ndrops && rc == 0; i++)
        rc = ps_journal_add_drop(&copy.part, j.part.drops[i]);
    for (size_t i = 0; i < j.undo.nmoves && rc == 0; i++)
        rc = ps_journal_add_move(&copy.undo, &j.undo.moves[i]);
    for (size_t i = 0; i < j.undo.ndrops && rc == 0; i++)
        rc = ps_journal_add_drop(&copy.undo, j.undo.drops[i]);
    if (rc == 0 && (copy.undo_id = strdup(j.undo_id)) == NULL)
        rc = -1;
    if (rc == 0) {
        free(copy.id);
        copy.id = strdup(j.id);
        rc = copy.id ? 0 : -1;
    }
    ps_strbuf b = PS_STRBUF_INIT;
    if (rc == 0)
        ps_journal_format(&copy, &b);
    if (rc < 0 || ps_strbuf_oom(&b))
        rc = ps_error_oom(err);
    else
        ck_assert_str_eq(b.data, RECORD);
    *result = (long)b.len;
    ps_strbuf_free(&b);
    ps_journal_free(&copy);
    ps_journal_free(&j);
    return rc;
}

START_TEST(record_fails_cleanly)
{
    fail_each_allocation("a crash record", record_round_trip, NULL, FAIL_OURS);
}
END_TEST

START_TEST(sites_fail_cleanly)
{
    fail_on_tree("sites_fail_cleanly", load_trees[_i], ": sites", find_sites);
}
END_TEST

/* ---- the public API: diffs and documents of a plan, recovery ---- */

/* ps_plan_diff of a plan made before (on one thread: the counter is not
 * shared); the result is the diff's length and file count. */
static int diff_plan(const void *ctx, long *result, ps_error *err)
{
    ps_diff_options o = PS_DIFF_OPTIONS_INIT;
    o.jobs = 1;
    ps_buf out = PS_BUF_INIT;
    int n = ps_plan_diff(&out, ctx, &o, err);
    if (n >= 0)
        *result = (long)out.size * 100 + n;
    ps_buf_dispose(&out);
    return public_rc(n);
}

/* The same through ps_plan_diff_foreach: the callback sees every file or
 * the call fails. */
static int count_diff(const char *path, const char *diff, size_t len, void *payload)
{
    (void)path, (void)diff;
    *(long *)payload += (long)len + 1;
    return 0;
}

static int diff_plan_foreach(const void *ctx, long *result, ps_error *err)
{
    ps_diff_options o = PS_DIFF_OPTIONS_INIT;
    o.jobs = 1;
    long seen = 0;
    int n = ps_plan_diff_foreach(ctx, &o, count_diff, &seen, err);
    if (n >= 0)
        *result = seen * 100 + n;
    return public_rc(n);
}

/* The commands a check's report names, as src/api hands them over. */
static int check_commands(const void *ctx, long *result, ps_error *err)
{
    ps_buf out = PS_BUF_INIT;
    int rc = public_rc(ps_check_repair_command(&out, ctx, err));
    if (rc == 0)
        rc = public_rc(ps_check_resolve_command(&out, ctx, err));
    if (rc == 0)
        *result = (long)out.size;
    ps_buf_dispose(&out);
    return rc;
}

/* A host of corpus tree `tree` at offset 7, read-only. */
static ps_host *open_tree(const char *tree)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", corpus_dir(), tree);
    ps_home_spec spec = {.path = path, .has_target = 1, .target = 7};
    ps_host *host;
    ps_error err = {0};
    ck_assert_msg(ps_host_open(&host, &spec, 1, 0, &err) == 0, "%s", err.message);
    return host;
}

START_TEST(diff_fails_cleanly)
{
    if (!corpus_has(load_trees[_i])) {
        case_skipped("diff_fails_cleanly", "corpus tree not found");
        return;
    }
    ps_host *host = open_tree(load_trees[_i]);
    ps_plan *plan;
    ps_error err = {0};
    ck_assert_msg(ps_host_plan(&plan, host, 0, &err) == 0, "%s", err.message);
    ck_assert_uint_gt(ps_plan_change_count(plan), 0);
    char what[600];
    snprintf(what, sizeof what, "%s: diff", load_trees[_i]);
    fail_each_allocation(what, diff_plan, plan, FAIL_OURS);
    snprintf(what, sizeof what, "%s: diff, file by file", load_trees[_i]);
    fail_each_allocation(what, diff_plan_foreach, plan, FAIL_OURS);
    ps_plan_free(plan);
    ps_host_free(host);
}
END_TEST

START_TEST(commands_fail_cleanly)
{
    if (!corpus_has(load_trees[_i])) {
        case_skipped("commands_fail_cleanly", "corpus tree not found");
        return;
    }
    ps_host *host = open_tree(load_trees[_i]);
    ps_check *check;
    ps_error err = {0};
    ck_assert_msg(ps_host_check(&check, host, 0, &err) == 0, "%s", err.message);
    char what[600];
    snprintf(what, sizeof what, "%s: check's commands", load_trees[_i]);
    fail_each_allocation(what, check_commands, check, FAIL_OURS);
    ps_check_free(check);
    ps_host_free(host);
}
END_TEST

/* ---- check and batch: the public calls on corpus homes ---- */

/* The digest of a string a document holds (its length: the words are the
 * clean run's or the call failed). */
static unsigned long text_sum(unsigned long sum, const char *s)
{
    return sum * 31 + (s ? strlen(s) + 1 : 0);
}

static unsigned long party_sum(unsigned long sum, const ps_party *p)
{
    sum = text_sum(text_sum(sum, p->what), p->file);
    return sum * 31 + (unsigned long)p->port + (unsigned long)p->line;
}

/* The findings of check, digested: kinds, ports, messages and parties. */
static unsigned long check_sum(const ps_check *c)
{
    unsigned long sum = ps_check_count(c) * 1000 + ps_check_findings(c);
    sum = sum * 31 + ps_check_warning_count(c);
    for (size_t i = 0; i < ps_check_count(c); i++) {
        const ps_finding *f = ps_check_get(c, i);
        sum = sum * 31 + (unsigned long)f->kind * 2 + (unsigned long)f->note;
        sum = sum * 31 + (unsigned long)f->port + (unsigned long)f->should;
        sum = text_sum(text_sum(sum, f->message), f->toml_key);
        for (size_t j = 0; j < f->nparties; j++)
            sum = party_sum(sum, &f->parties[j]);
    }
    return sum;
}

/* ps_host_check of the homes as they are. */
static int check_host(const void *ctx, long *result, ps_error *err)
{
    ps_check *c;
    if (public_rc(ps_host_check(&c, (ps_host *)ctx, 0, err)) < 0)
        return -1;
    *result = (long)(check_sum(c) >> 1);
    ps_check_free(c);
    return 0;
}

/* The answer of a batch, digested: each home's offset and reason, each
 * rewrite. */
static unsigned long batch_sum(const ps_batch *b)
{
    unsigned long sum = ps_batch_home_count(b) * 1000 + ps_batch_rewrite_count(b);
    for (size_t i = 0; i < ps_batch_home_count(b); i++) {
        ps_assignment a;
        ps_error err = {0};
        ck_assert_int_eq(ps_batch_assignment(&a, b, i, &err), 0);
        sum = text_sum(sum * 31 + (unsigned long)a.offset, a.reason);
    }
    for (size_t i = 0; i < ps_batch_rewrite_count(b); i++) {
        const ps_rewrite *r = ps_batch_rewrite(b, i);
        sum = party_sum(text_sum(sum * 31 + (unsigned long)r->new_port, r->message), &r->listener);
    }
    return sum;
}

/* ps_host_batch, then ps_batch_plan of its answer with the repairs (what
 * `batch --apply --repair` writes); the result digests both. */
static int batch_host(const void *ctx, long *result, ps_error *err)
{
    ps_batch *b;
    if (public_rc(ps_host_batch(&b, (ps_host *)ctx, NULL, err)) < 0)
        return -1;
    unsigned long sum = batch_sum(b);
    ps_plan *plan;
    int rc = public_rc(ps_batch_plan(&plan, b, PS_PLAN_REPAIR, err));
    for (size_t i = 0; rc == 0 && i < ps_plan_change_count(plan); i++) {
        ps_change ch;
        rc = public_rc(ps_plan_change(&ch, plan, i, err));
        sum = text_sum(sum * 31 + (unsigned long)ch.new_value, ch.why);
        free(ch.why);
    }
    if (rc == 0)
        *result = (long)(sum >> 1);
    ps_plan_free(plan); /* NULL when ps_batch_plan failed */
    ps_batch_free(b);
    return rc;
}

/* Hosts of one or two corpus homes, all at the offsets their files say:
 * notes; stale references (EI); two homes on the same ports (clashes in
 * check, a home that must move in batch). */
static const char *const host_trees[][2] = {
    {"wso2am-2.6.0", NULL},
    {"wso2ei-6.6.0", NULL},
    {"wso2am-2.6.0", "wso2is-5.3.0"},
    {"wso2ei-6.6.0", "wso2am-2.6.0"},
};

/* Fails each allocation of `stage` on a host of host_trees[i], opened
 * without failures; SKIP when a tree is not there. */
static void fail_on_host(const char *test, size_t i, const char *part, stage_fn stage)
{
    ps_home_spec spec[2] = {{0}};
    char path[2][4096], what[600];
    size_t n = 0;
    snprintf(what, sizeof what, "%s", host_trees[i][0]);
    for (; n < 2 && host_trees[i][n]; n++) {
        if (!corpus_has(host_trees[i][n])) {
            case_skipped(test, "corpus tree not found");
            return;
        }
        snprintf(path[n], sizeof path[n], "%s/%s", corpus_dir(), host_trees[i][n]);
        spec[n].path = path[n];
        if (n)
            snprintf(what + strlen(what), sizeof what - strlen(what), " + %s", host_trees[i][n]);
    }
    snprintf(what + strlen(what), sizeof what - strlen(what), ": %s", part);
    ps_host *host;
    ps_error err = {0};
    ck_assert_msg(ps_host_open(&host, spec, n, 0, &err) == 0, "%s", err.message);
    fail_each_allocation(what, stage, host, FAIL_OURS);
    ps_host_free(host);
}

START_TEST(checking_fails_cleanly)
{
    fail_on_host("checking_fails_cleanly", (size_t)_i, "check", check_host);
}
END_TEST

START_TEST(batching_fails_cleanly)
{
    fail_on_host("batching_fails_cleanly", (size_t)_i, "batch and its plan", batch_host);
}
END_TEST

/* ---- check and batch: what corpus homes rarely hold ---- */

/* Units built in memory (tests/support/synth.h), and the procfs folder to
 * read the host's sockets from (NULL: none read). */
typedef struct unit_case {
    synth *s;
    const char *proc;
} unit_case;

static int check_units(const void *ctx, long *result, ps_error *err)
{
    const unit_case *c = ctx;
    size_t n;
    const ps_unit *units = synth_units(c->s, &n);
    ps_check *k;
    if (ps_check_make(&k, units, n, c->proc, err) < 0)
        return -1;
    *result = (long)(check_sum(k) >> 1);
    ps_check_free(k);
    return 0;
}

static int batch_units(const void *ctx, long *result, ps_error *err)
{
    const unit_case *c = ctx;
    size_t n;
    const ps_unit *units = synth_units(c->s, &n);
    static const ps_port_range avoid = {4002, 4002};
    ps_batch_options o = {.avoid = &avoid, .navoid = 1, .flags = c->proc ? PS_BATCH_LISTENING : 0};
    ps_batch *b;
    if (ps_batch_make(&b, units, n, &o, c->proc, err) < 0)
        return -1;
    *result = (long)(batch_sum(b) >> 1);
    ps_batch_free(b);
    return 0;
}

/*
 * Homes that make every kind of finding and every reason of batch: h0's
 * reference to 9444, where h1 (at offset 1) and h2 (pinned) listen
 * (ambiguous; and a clash), and one to the analytics port nobody opens
 * (unowned, its role said); h1's stale self references, one in its own
 * file (a finding), two in a file rendered from deployment.toml (notes, one
 * naming its key); one Hazelcast port on all three (two rewrites in batch,
 * one in a generated file: a note).
 */
static synth *many_findings(const char *home0)
{
    synth *s = synth_new();
    size_t h0 = synth_runtime(s, home0, "", "apim", 0, 0);
    synth_listener(s, h0, 9443, PS_SHIFT_AUTO, 1, 0, "https");
    synth_listener(s, h0, 4000, PS_SHIFT_FIXED, 1, 0, "Hazelcast member port");
    synth_reference(s, h0, 9444, NULL, 0);
    synth_reference(s, h0, 7612, "analytics", 0);
    size_t h1 = synth_runtime(s, "h1", "", "apim", 1, 0);
    synth_listener(s, h1, 9443, PS_SHIFT_AUTO, 1, 0, "https");
    synth_listener(s, h1, 4000, PS_SHIFT_FIXED, 1, 0, "Hazelcast member port");
    synth_reference(s, h1, 9443, NULL, 1);
    synth_generated(s, h1);
    synth_reference(s, h1, 9443, NULL, 1);
    size_t keyed = synth_reference(s, h1, 9443, NULL, 1);
    size_t h2 = synth_runtime(s, "h2", "", "apim", 0, 0);
    synth_listener(s, h2, 9443, PS_SHIFT_AUTO, 1, 0, "https");
    synth_listener(s, h2, 9444, PS_SHIFT_FIXED, 1, 0, "pinned");
    synth_generated(s, h2);
    synth_listener(s, h2, 4000, PS_SHIFT_FIXED, 1, 0, "Hazelcast member port");
    size_t n;
    const ps_unit *units = synth_units(s, &n);
    ((ps_site *)&units[h1].sites->items[keyed])->toml_key = "transport.https.properties.proxyPort";
    return s;
}

/* How many findings of `kind` (notes or not) check makes of c. */
static size_t kind_count(const unit_case *c, ps_finding_kind kind, int note)
{
    size_t n, count = 0;
    const ps_unit *units = synth_units(c->s, &n);
    ps_check *k;
    ps_error err = {0};
    ck_assert_msg(ps_check_make(&k, units, n, c->proc, &err) == 0, "%s", err.message);
    for (size_t i = 0; i < k->count; i++)
        count += k->items[i].kind == kind && k->items[i].note == note;
    ps_check_free(k);
    return count;
}

/* The cases hold what they are said to: each kind of finding, and a batch
 * with two moves and two rewrites, one of them a note. */
static void expect_coverage(const unit_case *c)
{
    ck_assert_uint_eq(kind_count(c, PS_FINDING_CLASH, 0), 3);
    ck_assert_uint_eq(kind_count(c, PS_FINDING_AMBIGUOUS, 0), 1);
    ck_assert_uint_eq(kind_count(c, PS_FINDING_UNOWNED, 1), 1);
    ck_assert_uint_eq(kind_count(c, PS_FINDING_STALE, 0), 1);
    ck_assert_uint_eq(kind_count(c, PS_FINDING_STALE, 1), 2);
    ck_assert_uint_eq(kind_count(c, PS_FINDING_LISTENING, 0), c->proc ? 4 : 0);
    ck_assert_uint_eq(kind_count(c, PS_FINDING_RUNNING, 0), c->proc ? 1 : 0);
    size_t n;
    const ps_unit *units = synth_units(c->s, &n);
    static const ps_port_range avoid = {4002, 4002};
    ps_batch_options o = {.avoid = &avoid, .navoid = 1, .flags = c->proc ? PS_BATCH_LISTENING : 0};
    ps_batch *b;
    ps_error err = {0};
    ck_assert_msg(ps_batch_make(&b, units, n, &o, c->proc, &err) == 0, "%s", err.message);
    size_t moved = 0;
    for (size_t i = 0; i < ps_batch_home_count(b); i++) {
        ps_assignment a;
        ck_assert_int_eq(ps_batch_assignment(&a, b, i, &err), 0);
        moved += !a.kept;
    }
    ck_assert_uint_eq(ps_batch_rewrite_count(b), 3);
    ck_assert(ps_batch_rewrite(b, 2)->note);
    ck_assert_uint_eq(moved, c->proc ? 3 : 1);
    ps_batch_free(b);
}

START_TEST(check_and_batch_fail_cleanly_in_memory)
{
    synth *s = many_findings("h0");
    unit_case c = {s, NULL};
    expect_coverage(&c);
    fail_each_allocation("findings in memory: check", check_units, &c, FAIL_OURS);
    fail_each_allocation("findings in memory: batch", batch_units, &c, FAIL_OURS);
    synth_free(s);
}
END_TEST

/* The same homes on a host whose sockets a procfs folder says: another
 * process ("nc") on 9443, the first home's server running (this process,
 * its wso2carbon.pid) with a socket of its own on 9444 and another
 * -DportOffset on its command line. */
START_TEST(listening_fails_cleanly)
{
    char *root = tree_scratch();
    char proc[4096], home[4096], pid[32], cmdline[4200];
    snprintf(proc, sizeof proc, "%s/proc", root);
    snprintf(home, sizeof home, "%s/h0", root);
    fake_file(proc, "net/tcp",
              PROC_TCP_HEADER PROC_TCP_LINE("24E3", "0A", "100")
                  PROC_TCP_LINE("24E4", "0A", "200"));
    fake_socket_fd(proc, 4242, 3, 100);
    fake_file(proc, "4242/comm", "nc\n");
    long me = (long)getpid();
    snprintf(pid, sizeof pid, "%ld\n", me);
    fake_file(home, "wso2carbon.pid", pid);
    fake_socket_fd(proc, me, 7, 200);
    snprintf(cmdline, sizeof cmdline, "%s/%ld/cmdline", proc, me);
    FILE *f = fopen(cmdline, "w");
    ck_assert_ptr_nonnull(f);
    static const char args[] = "java\0-DportOffset=5\0";
    ck_assert_uint_eq(fwrite(args, 1, sizeof args - 1, f), sizeof args - 1);
    ck_assert_int_eq(fclose(f), 0);
    synth *s = many_findings(home);
    unit_case c = {s, proc};
    expect_coverage(&c);
    fail_each_allocation("listening sockets: check", check_units, &c, FAIL_OURS);
    fail_each_allocation("listening sockets: batch", batch_units, &c, FAIL_OURS);
    synth_free(s);
    tree_remove(root);
    free(root);
}
END_TEST

/* ---- the reports: every document in every format ---- */

/* The documents, each rendered from objects made before the failures start
 * (planning, checking and batching have cases of their own). */
enum { DOC_PLAN, DOC_PORTS, DOC_CHECK, DOC_STATUS, DOC_BATCH, NDOCS };
static const char *const doc_names[] = {"plan", "ports", "check", "status", "batch"};

typedef struct report_case {
    const ps_plan *plan;   /* a plan of the homes to offset 7 */
    const ps_check *check; /* a check of the homes as they are */
    const ps_batch *batch;
    const ps_plan *batch_plan; /* the batch's, with the repairs */
    int doc;
    ps_format format;
} report_case;

static int render(const report_case *c, ps_buf *out, ps_error *err)
{
    switch (c->doc) {
    case DOC_PLAN:
        return ps_plan_report(out, c->plan, c->format, err);
    case DOC_PORTS:
        return ps_plan_ports_report(out, c->plan, c->format, err);
    case DOC_CHECK:
        return ps_check_report(out, c->check, c->format, err);
    case DOC_STATUS:
        return ps_check_status_report(out, c->check, c->format, err);
    default:
        return ps_batch_report(out, c->batch, c->batch_plan, c->format, PS_BATCH_REPORT_SHOWN, err);
    }
}

/* One document into a buffer that already holds bytes (a report appends):
 * out of memory must leave those bytes as they were. The result digests the
 * document, so a run that succeeds must give the clean run's bytes. */
static int report_doc(const void *ctx, long *result, ps_error *err)
{
    static const char before[] = "kept\n";
    ps_buf out = {0};
    if (ps_buf_puts(&out, before) < 0)
        return ps_error_oom(err); /* nothing to free: the buffer stays empty */
    int rc = public_rc(render(ctx, &out, err));
    if (rc < 0) {
        ck_assert_uint_eq(out.size, sizeof before - 1);
        ck_assert_str_eq(out.ptr, before);
    } else {
        unsigned long sum = out.size;
        for (size_t i = 0; i < out.size; i++)
            sum = sum * 31 + (unsigned char)out.ptr[i];
        *result = (long)(sum >> 1);
    }
    ps_buf_dispose(&out);
    return rc;
}

START_TEST(reports_fail_cleanly)
{
    /* Two homes that clash at offset 0 (so check has findings and batch
     * moves one), one of them an EI home of several runtimes. */
    static const char *const trees[] = {"wso2is-5.3.0", "wso2ei-6.6.0"};
    char paths[N(trees)][4096];
    ps_home_spec specs[N(trees)];
    for (int i = 0; i < N(trees); i++) {
        if (!corpus_has(trees[i])) {
            case_skipped("reports_fail_cleanly", "corpus tree not found");
            return;
        }
        snprintf(paths[i], sizeof paths[i], "%s/%s", corpus_dir(), trees[i]);
        specs[i] = (ps_home_spec){.path = paths[i], .has_target = 1, .target = 7};
    }
    ps_error err = {0};
    ps_host *host;
    ck_assert_msg(ps_host_open(&host, specs, N(trees), 0, &err) == 0, "%s", err.message);
    ps_plan *plan, *batch_plan;
    ps_check *check;
    ps_batch *batch;
    ck_assert_msg(ps_host_plan(&plan, host, 0, &err) == 0, "%s", err.message);
    ck_assert_msg(ps_host_check(&check, host, 0, &err) == 0, "%s", err.message);
    ck_assert_msg(ps_host_batch(&batch, host, NULL, &err) == 0, "%s", err.message);
    ck_assert_msg(ps_batch_plan(&batch_plan, batch, PS_PLAN_REPAIR, &err) == 0, "%s", err.message);
    ck_assert_uint_gt(ps_check_findings(check), 0);
    report_case c = {plan, check, batch, batch_plan, _i / 3, (ps_format)(_i % 3)};
    static const char *const formats[] = {"text", "json", "markdown"};
    char what[64];
    snprintf(what, sizeof what, "the %s report in %s", doc_names[c.doc], formats[c.format]);
    fail_each_allocation(what, report_doc, &c, FAIL_OURS);
    ps_plan_free(batch_plan);
    ps_batch_free(batch);
    ps_check_free(check);
    ps_plan_free(plan);
    ps_host_free(host);
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
    ps_strbuf b = PS_STRBUF_INIT;
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

/* ---- other hosts in the call: --with ---- */

/* A copy of API-M 4.2 whose key manager is km1.example:9443, and the facts
 * of a copy of IS 7.1 at offset 1 known as km1.example (km1.json): a stale
 * reference to another host. */
typedef struct with_case {
    char *dir;
    char gw[4096], facts[4096];
} with_case;

static void with_case_make(with_case *c)
{
    c->dir = corpus_scratch("wso2am-4.2.0", "gw");
    corpus_copy("wso2is-7.1.0", c->dir, "km");
    char path[4096];
    snprintf(path, sizeof path, "%s/gw/repository/conf/deployment.toml", c->dir);
    file_replace(path, NULL, "[apim.key_manager]\n",
                 "[apim.key_manager]\nservice_url = \"https://km1.example:9443/services/\"\n");
    snprintf(path, sizeof path, "%s/km/repository/conf/deployment.toml", c->dir);
    file_replace(path, NULL, "[server]\n", "[server]\noffset = 1\n");
    snprintf(path, sizeof path, "%s/km", c->dir);
    snprintf(c->gw, sizeof c->gw, "%s/gw", c->dir);
    snprintf(c->facts, sizeof c->facts, "%s/km1.json", c->dir);
    const char *alias = "km1.example";
    ps_facts_options o = PS_FACTS_OPTIONS_INIT;
    o.host_names = &alias;
    o.nhost_names = 1;
    ps_home_spec spec = {.path = path};
    ps_buf doc = PS_BUF_INIT;
    ps_error err = {0};
    ck_assert_msg(ps_facts(&doc, &spec, 1, &o, &err) == 0, "%s", err.message);
    FILE *f = fopen(c->facts, "w");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(doc.ptr, 1, doc.size, f), doc.size);
    ck_assert_int_eq(fclose(f), 0);
    ps_buf_dispose(&doc);
}

/* ps_host_open_with of the gateway and km1.json; the result is how many
 * runtimes it has. */
static int open_with(const void *ctx, long *result, ps_error *err)
{
    const with_case *c = ctx;
    ps_home_spec spec = {.path = c->gw};
    const char *facts = c->facts;
    ps_host *host;
    if (public_rc(ps_host_open_with(&host, &spec, 1, NULL, &facts, 1, err)) < 0)
        return -1;
    *result = (long)ps_host_runtime_count(host);
    ps_host_free(host);
    return 0;
}

/* ps_host_plan with the repairs (what `apply --repair --with` writes); the
 * result digests the changes and their reasons. */
static int plan_repair(const void *ctx, long *result, ps_error *err)
{
    ps_plan *plan;
    if (public_rc(ps_host_plan(&plan, (ps_host *)ctx, PS_PLAN_REPAIR, err)) < 0)
        return -1;
    unsigned long sum = ps_plan_change_count(plan);
    int rc = 0;
    for (size_t i = 0; i < ps_plan_change_count(plan) && rc == 0; i++) {
        ps_change ch;
        rc = public_rc(ps_plan_change(&ch, plan, i, err));
        sum = text_sum(sum * 31 + (unsigned long)ch.new_value, ch.why);
        free(ch.why);
    }
    if (rc == 0)
        *result = (long)(sum >> 1);
    ps_plan_free(plan);
    return rc;
}

START_TEST(with_fails_cleanly)
{
    if (!corpus_has("wso2am-4.2.0") || !corpus_has("wso2is-7.1.0")) {
        case_skipped("with_fails_cleanly", "corpus tree not found");
        return;
    }
    with_case c;
    with_case_make(&c);
    fail_each_allocation("gateway --with km1.json: open", open_with, &c, FAIL_OURS);
    ps_home_spec spec = {.path = c.gw};
    const char *facts = c.facts;
    ps_host *host;
    ps_error err = {0};
    ck_assert_msg(ps_host_open_with(&host, &spec, 1, NULL, &facts, 1, &err) == 0, "%s",
                  err.message);
    /* The case holds what it is said to: the stale reference, and its repair. */
    ps_check *check;
    ck_assert_int_eq(ps_host_check(&check, host, 0, &err), 0);
    ck_assert_uint_eq(ps_check_findings(check), 1);
    ck_assert_int_eq(ps_check_get(check, 0)->kind, PS_FINDING_STALE);
    ck_assert_int_eq(ps_check_get(check, 0)->should, 9444);
    fail_each_allocation("gateway --with km1.json: check", check_host, host, FAIL_OURS);
    fail_each_allocation("gateway --with km1.json: check's commands", check_commands, check,
                         FAIL_OURS);
    fail_each_allocation("gateway --with km1.json: plan --repair", plan_repair, host, FAIL_OURS);
    ps_check_free(check);
    ps_host_free(host);
    scratch_done(c.dir);
}
END_TEST

/* ---- the write path: ps_plan_apply on a copy of a corpus home ---- */

/* A copy of corpus tree `tree`, opened to write and planned to offset 7. */
typedef struct apply_case {
    char *dir; /* the scratch folder; the home is dir/home */
    char home[4096];
    ps_host *host;
    ps_plan *plan;
} apply_case;

static void apply_case_open(apply_case *c, const char *tree)
{
    ps_error err = {0};
    c->dir = corpus_scratch(tree, "home");
    snprintf(c->home, sizeof c->home, "%s/home", c->dir);
    ps_home_spec spec = {.path = c->home, .has_target = 1, .target = 7};
    ck_assert_msg(ps_host_open(&c->host, &spec, 1, PS_HOST_WRITE, &err) == 0, "%s", err.message);
    ck_assert_msg(ps_host_plan(&c->plan, c->host, 0, &err) == 0, "%s", err.message);
    ck_assert_msg(ps_plan_change_count(c->plan) > 0, "%s: nothing to apply", tree);
}

static void apply_case_close(apply_case *c)
{
    ps_plan_free(c->plan);
    ps_host_free(c->host);
    scratch_done(c->dir);
}

/*
 * ps_plan_apply with each of its allocations failing in turn (every
 * stride()th). A call that fails says PS_ENOMEM and "out of memory", and
 * leaves every byte of the home as it was (no staged file, no record) as
 * long as the files have not landed; a failure after they landed (the
 * report of what was done) leaves exactly what a clean apply writes: never
 * anything in between. A call that succeeds writes what a clean apply
 * writes. The host and plan of a failed call serve the next: nothing
 * changed.
 */
START_TEST(applying_fails_cleanly)
{
    const char *tree = load_trees[_i];
    if (!corpus_has(tree)) {
        case_skipped("applying_fails_cleanly", "corpus tree not found");
        return;
    }
    ps_error err = {0};
    ps_apply *done;
    apply_case c;
    /* One thread: the allocation counter is not shared between threads. */
    ps_apply_options one_thread = PS_APPLY_OPTIONS_INIT;
    one_thread.jobs = 1;
    snapshot before, clean, now;

    apply_case_open(&c, tree);
    snapshot_take(&before, c.home);
    failalloc_arm(0, FAIL_OURS);
    ck_assert_msg(ps_plan_apply(&done, c.host, c.plan, &one_thread, &err) == 0, "%s", err.message);
    long total = failalloc_calls();
    ck_assert_msg(total > 0, "%s: no allocation counted", tree);
    ps_apply_free(done);
    snapshot_take(&clean, c.home);
    char *d = snapshot_diff(&before, &clean);
    ck_assert_msg(d != NULL, "%s: a clean apply changed nothing", tree);
    free(d);
    apply_case_close(&c);

    long failures = 0, landed = 0;
    apply_case_open(&c, tree);
    for (long n = 1; n <= total; n += stride()) {
        memset(&err, 0, sizeof err);
        done = NULL;
        failalloc_arm(n, FAIL_OURS);
        int rc = ps_plan_apply(&done, c.host, c.plan, &one_thread, &err);
        /* The count moves by a few from call to call (a record's id and a
         * home's path decide where buffers grow): a call that made fewer
         * than n allocations must then have succeeded, checked below. */
        ck_assert_msg(failalloc_failed() || rc == 0,
                      "%s: allocation %ld of %ld never made, and the call failed", tree, n, total);
        failalloc_arm(0, 0);
        ps_apply_free(done);
        snapshot_take(&now, c.home);
        char *from_before = snapshot_diff(&before, &now), *from_clean = snapshot_diff(&clean, &now);
        if (rc == 0) {
            ck_assert_msg(!from_clean, "%s: allocation %ld failed, the apply succeeded: %s", tree,
                          n, from_clean);
        } else {
            failures++;
            ck_assert_msg(rc == PS_ENOMEM, "%s: allocation %ld: code %d (%s)", tree, n, rc,
                          err.message);
            ck_assert_str_eq(err.message, "out of memory");
            if (from_before) {
                ck_assert_msg(!from_clean,
                              "%s: allocation %ld: the home is neither as before (%s) "
                              "nor as applied (%s)",
                              tree, n, from_before, from_clean);
                landed++;
            }
            /* Not asserted: that the failures which landed come after those
             * which did not. A buffer's failure is sticky and checked once
             * (base/strbuf.h), so an allocation of the report made before
             * the renames can fail a call whose files landed; where the
             * buffers grow depends on the length of the home's path. */
        }
        int applied = rc == 0 || from_before != NULL;
        free(from_before);
        free(from_clean);
        snapshot_free(&now);
        if (applied) { /* the home is applied: a fresh copy for the next */
            apply_case_close(&c);
            apply_case_open(&c, tree);
        }
    }
    apply_case_close(&c);
    printf("%s: apply: %ld allocations, %ld failed the call, %ld of them after the files "
           "landed\n",
           tree, total, failures, landed);
    snapshot_free(&before);
    snapshot_free(&clean);
}
END_TEST

/* A home an apply was killed in (a copy of `tree`), kept aside, and what
 * a clean recovery makes of it. */
typedef struct recover_case {
    char *scratch;
    char home[4096], interrupted[4096];
    snapshot before, recovered;
} recover_case;

/* The home folder itself stays (its device and inode are in the record:
 * another would be a copy of the home); what it holds is put back. */
static void put_back(const recover_case *c)
{
    ck_assert_int_eq(run_cmd("find '%s' -mindepth 1 -delete && cp -a '%s'/. '%s'/", c->home,
                             c->interrupted, c->home),
                     0);
}

static int recover_once(const recover_case *c, ps_error *err)
{
    ps_home_spec spec = {.path = c->home};
    ps_host *host;
    int rc = ps_host_open(&host, &spec, 1, PS_HOST_WRITE | PS_HOST_RECOVER, err);
    if (rc == 0)
        ps_host_free(host);
    return rc;
}

/* Files and bytes, in any order. */
static long tree_digest(const snapshot *s)
{
    unsigned long sum = s->count;
    for (size_t i = 0; i < s->count; i++) {
        unsigned long h = s->files[i].len;
        for (const char *p = s->files[i].rel; *p; p++)
            h = h * 31 + (unsigned char)*p;
        for (size_t k = 0; k < s->files[i].len; k++)
            h = h * 31 + (unsigned char)s->files[i].data[k];
        sum += h;
    }
    return (long)(sum >> 1);
}

static void expect_tree_is(const recover_case *c, const snapshot *want, const char *what)
{
    snapshot now;
    snapshot_take(&now, c->home);
    char *diff = snapshot_diff(want, &now);
    ck_assert_msg(!diff, "%s: %s", what, diff);
    snapshot_free(&now);
}

/*
 * `portshift recover` through the library (PS_HOST_RECOVER). A failed
 * recovery leaves the home as it found it, or, once it began renaming,
 * with its record still there; either way a recovery after it ends where a
 * clean one does.
 */
static int recover(const void *ctx, long *result, ps_error *err)
{
    const recover_case *c = ctx;
    int counting = failalloc_suspend();
    put_back(c);
    failalloc_resume(counting);
    int rc = recover_once(c, err);
    counting = failalloc_suspend();
    snapshot now;
    snapshot_take(&now, c->home);
    if (rc == 0) {
        *result = tree_digest(&now);
    } else {
        /* Failed before it changed anything, or after it finished (its
         * report is what ran out): the home is one of the two ends. */
        char *from_before = snapshot_diff(&c->before, &now);
        char *from_done = from_before ? snapshot_diff(&c->recovered, &now) : NULL;
        char record[4200];
        struct stat st;
        snprintf(record, sizeof record, "%s/.portshift-journal", c->home);
        ck_assert_msg(!from_before || !from_done || lstat(record, &st) == 0,
                      "a failed recovery left the home half done and dropped its record: %s",
                      from_done);
        free(from_before);
        free(from_done);
    }
    snapshot_free(&now);
    if (rc != 0) {
        int code = ps_error_last(); /* the failed call's, for fail_each_allocation */
        ps_error again = {0};
        ck_assert_msg(recover_once(c, &again) == 0, "%s", again.message);
        expect_tree_is(c, &c->recovered, "a recovery after a failed one");
        ps_error_restore(code);
    }
    failalloc_resume(counting);
    return public_rc(rc);
}

/* Kills an apply of c->home to offset 7 at its `nth` rename, in a child. */
static void kill_apply(const recover_case *c, int nth)
{
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        ps_home_spec spec = {.path = c->home, .has_target = 1, .target = 7};
        ps_host *host;
        ps_plan *plan;
        ps_apply *a;
        if (ps_host_open(&host, &spec, 1, PS_HOST_WRITE, NULL) == 0 &&
            ps_host_plan(&plan, host, 0, NULL) == 0) {
            kill_at_rename(nth);
            ps_plan_apply(&a, host, plan, NULL, NULL);
        }
        _exit(3);
    }
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
                  "the apply was not killed at its rename %d", nth);
}

/* Renames of an apply: the record's first; `kill_at` 2 stops it before
 * its file (the fixture's one edit) is replaced. */
static const int kill_at[] = {2};

/* A small home (an IS key manager: carbon.xml, identity and tomcat files),
 * as each failed run starts from a fresh copy. */
START_TEST(recovery_fails_cleanly)
{
    const char *tree = "tests/fixtures/cli/is-km";
    recover_case c = {.scratch = tree_scratch()};
    snprintf(c.home, sizeof c.home, "%s/home", c.scratch);
    char from[4096];
    snprintf(from, sizeof from, "%s/%s", PS_SOURCE_DIR, tree);
    ck_assert_int_eq(tree_copy(from, c.home), 0);
    snprintf(c.interrupted, sizeof c.interrupted, "%s/interrupted", c.scratch);
    kill_apply(&c, kill_at[_i]);
    ck_assert_int_eq(
        run_cmd("mkdir '%s' && cp -a '%s'/. '%s'/", c.interrupted, c.home, c.interrupted), 0);
    snapshot_take(&c.before, c.home);
    ps_error err = {0};
    ck_assert_msg(recover_once(&c, &err) == 0, "%s", err.message);
    snapshot_take(&c.recovered, c.home);
    char *changed = snapshot_diff(&c.before, &c.recovered);
    ck_assert_msg(changed, "the recovery had nothing to do");
    free(changed);
    char what[600];
    snprintf(what, sizeof what, "%s: recover after a kill at rename %d", tree, kill_at[_i]);
    fail_each_allocation(what, recover, &c, FAIL_OURS);
    expect_tree_is(&c, &c.recovered, "the last recovery");
    snapshot_free(&c.before);
    snapshot_free(&c.recovered);
    tree_remove(c.scratch);
    free(c.scratch);
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
    tcase_add_test(load, record_fails_cleanly);
    tcase_add_loop_test(load, loading_fails_cleanly, 0, N(load_trees));
    suite_add_tcase(s, load);
    TCase *upper = tcase_create("upper"); /* sites and the layers above */
    tcase_set_timeout(upper, 600);
    tcase_add_loop_test(upper, sites_fail_cleanly, 0, N(load_trees));
    tcase_add_loop_test(upper, planning_fails_cleanly, 0, N(load_trees));
    tcase_add_loop_test(upper, applying_fails_cleanly, 0, N(load_trees));
    suite_add_tcase(s, upper);
    TCase *api = tcase_create("api"); /* src/api's own calls */
    tcase_set_timeout(api, 600);
    tcase_add_loop_test(api, commands_fail_cleanly, 0, N(load_trees));
    tcase_add_loop_test(api, diff_fails_cleanly, 0, N(load_trees));
    suite_add_tcase(s, api);
    TCase *recovery = tcase_create("recover");
    tcase_set_timeout(recovery, 600);
    tcase_add_loop_test(recovery, recovery_fails_cleanly, 0, N(kill_at));
    suite_add_tcase(s, recovery);
    TCase *judge = tcase_create("judge"); /* check and batch */
    tcase_set_timeout(judge, 600);
    tcase_add_loop_test(judge, checking_fails_cleanly, 0, N(host_trees));
    tcase_add_loop_test(judge, batching_fails_cleanly, 0, N(host_trees));
    tcase_add_test(judge, check_and_batch_fail_cleanly_in_memory);
    tcase_add_test(judge, listening_fails_cleanly);
    suite_add_tcase(s, judge);
    TCase *reports = tcase_create("reports");
    tcase_set_timeout(reports, 600);
    tcase_add_loop_test(reports, reports_fail_cleanly, 0, NDOCS * 3);
    suite_add_tcase(s, reports);
    TCase *facts = tcase_create("facts");
    tcase_set_timeout(facts, 600);
    tcase_add_loop_test(facts, facts_sites_fail_cleanly, 0, N(load_trees));
    tcase_add_loop_test(facts, facts_document_fails_cleanly, 0, N(load_trees));
    suite_add_tcase(s, facts);
    TCase *with = tcase_create("with");
    tcase_set_timeout(with, 600);
    tcase_add_test(with, with_fails_cleanly);
    suite_add_tcase(s, with);
    return run_suite_status(s);
}
