#define _GNU_SOURCE
/*
 * What a home is, read from its content (DESIGN §1), on copies of the corpus
 * trees put in folders whose names say nothing:
 *
 * - API Manager 4.2's deployment.toml alone in node1/repository/conf is an
 *   API-M 4.x node with its built-in listeners, and an offset moves the same
 *   references in it as in the full home;
 * - an Identity Server configured as key manager (it ships api-manager.xml)
 *   is an IS, without API-M's broker and throttling ports;
 * - wso2is-5.10.0 in a folder named `is` is an IS 5.10;
 * - where carbon.xml states no version, the files show the earliest version
 *   they fit, refined by the folder name only when the name agrees with them;
 * - carbon.xml's /Server/Name decides before marker files and folder names: a
 *   DAS 3.2 (a 4.4 kernel home whose carbon.xml names the Data Analytics
 *   Server) in a folder named `home` is the same DAS, with the same listeners,
 *   as in wso2das-3.2.0, and `batch` with an API-M 2.1 beside it moves the
 *   API-M's DASServerURL, DASRestApiURL and LOGEVENT appender with it;
 * - every corpus tree copied into a folder named `home` is the same products
 *   (every runtime) as in its own folder;
 * - a port of a feature the product lacks owns nothing: EI keeps the embedded
 *   LDAP port in carbon.xml but has no LDAP server, so an external
 *   ldap://localhost:10389 in its user-mgt.xml stays.
 *
 * Skips, saying so, when the corpus is absent.
 */
#include <check.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../support/corpus.h"
#include "../support/runner.h"
#include "../support/tree.h"

#define AM42 "wso2am-4.2.0"
#define TOML "repository/conf/deployment.toml"

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* `cmdline` in `dir`, which must succeed; the caller frees the result. */
static cli_result ok(const char *dir, const char *cmdline)
{
    cli_result r = cli_run(dir, cmdline);
    ck_assert_msg(r.status == 0, "%s: exit %d: %s", cmdline, r.status, r.err);
    return r;
}

static void assert_identity(const char *dir, const char *home, const char *product,
                            const char *version)
{
    char cmd[512], want[256];
    snprintf(cmd, sizeof cmd, "ports --json %s", home);
    cli_result r = ok(dir, cmd);
    snprintf(want, sizeof want, "\"runtime\":\"\",\"product\":\"%s\",\"version\":\"%s\",", product,
             version);
    ck_assert_msg(strstr(r.out, want), "%s: not %s", home, want);
    cli_result_free(&r);
}

/* The hunks `diff` shows for one file: from its first "@@" to the next file. */
static char *hunks_of(const char *diff, const char *rel)
{
    char head[512];
    snprintf(head, sizeof head, "%s\n@@", rel);
    const char *s = strstr(diff, head);
    ck_assert_msg(s != NULL, "the diff does not change %s:\n%s", rel, diff);
    s += strlen(rel) + 1;
    const char *e = strstr(s, "\n--- a/");
    return strndup(s, e ? (size_t)(e - s) + 1 : strlen(s));
}

/* dir/<node>/repository/conf holding only the deployment.toml of corpus tree `tree`. */
static void config_only_node(const char *dir, const char *node, const char *tree)
{
    char path[4200], src[4200];
    snprintf(path, sizeof path, "%s/%s/repository/conf", dir, node);
    ck_assert_int_eq(run_cmd("mkdir -p '%s'", path), 0);
    snprintf(src, sizeof src, "%s/%s/%s", corpus_dir(), tree, TOML);
    ck_assert_int_eq(run_cmd("cp '%s' '%s/'", src, path), 0);
}

/* `ports node` starts with `header` and lists each of ports[] as an active auto listener. */
static void assert_listed(const char *dir, const char *node, const char *header, const long *ports,
                          size_t n)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "ports %s", node);
    cli_result r = ok(dir, cmd);
    ck_assert_msg(starts_with(r.out, header), "%.1500s", r.out);
    for (size_t i = 0; i < n; i++) {
        char want[64];
        snprintf(want, sizeof want, "\n  %5ld  auto   active ", ports[i]);
        ck_assert_msg(strstr(r.out, want), "%s: %ld not listed:\n%.1500s", node, ports[i], r.out);
    }
    cli_result_free(&r);
}

START_TEST(config_only_node_is_api_manager_4)
{
    char *dir = tree_scratch();
    ck_assert_ptr_nonnull(dir);
    config_only_node(dir, "node1", AM42);
    corpus_copy(AM42, dir, AM42);
    static const long listed[] = {9443, 9763, 8280, 8243, 9099, 8099, 9021, 8021};
    assert_listed(dir, "node1", "node1 (WSO2 API Manager 4.0.0 or later): offset 0\n", listed,
                  sizeof listed / sizeof listed[0]);

    /* The same references move as in the full home: the deployment.toml hunks agree. */
    cli_result node = cli_run(dir, "diff --offset 2 node1");
    cli_result full = cli_run(dir, "diff --offset 2 " AM42);
    ck_assert_int_eq(node.status, 1);
    ck_assert_int_eq(full.status, 1);
    char *a = hunks_of(node.out, "node1/" TOML), *b = hunks_of(full.out, AM42 "/" TOML);
    ck_assert_str_eq(a, b);
    ck_assert_msg(strstr(a, "+ws_endpoint = \"ws://localhost:9101\"\n") &&
                      strstr(a, "+websub_event_receiver_https_endpoint = "
                                "\"https://localhost:8023\"\n"),
                  "%s", a);
    free(a);
    free(b);
    cli_result_free(&node);
    cli_result_free(&full);
    tree_remove(dir);
    free(dir);
}
END_TEST

/* An IS node mounting deployment.toml alone is an IS with its built-in listeners. */
START_TEST(config_only_node_is_identity_server)
{
    char *dir = tree_scratch();
    ck_assert_ptr_nonnull(dir);
    config_only_node(dir, "node2", "wso2is-5.10.0");
    static const long listed[] = {9443, 9763, 10389, 8000, 10500, 9999, 11111};
    assert_listed(dir, "node2", "node2 (WSO2 Identity Server 5.10.0 or later): offset 0\n", listed,
                  sizeof listed / sizeof listed[0]);
    tree_remove(dir);
    free(dir);
}
END_TEST

/* An IS key manager's api-manager.xml (IS-KM packs ship one; no gateway). */
#define IS_KM_APIM_XML                                                                             \
    "<APIManager>\n"                                                                               \
    "    <APIKeyValidator>\n"                                                                      \
    "        <ServerURL>https://${carbon.local.ip}:${mgt.transport.https.port}/services/"          \
    "</ServerURL>\n"                                                                               \
    "    </APIKeyValidator>\n"                                                                     \
    "</APIManager>\n"

START_TEST(identity_server_as_key_manager_is_an_identity_server)
{
    static const struct {
        const char *tree, *version;
    } trees[] = {{"wso2is-5.3.0", ""}, {"wso2is-5.10.0", "5.10.0"}};
    char *dir = tree_scratch();
    ck_assert_ptr_nonnull(dir);
    for (size_t i = 0; i < sizeof trees / sizeof trees[0]; i++) {
        char name[16], path[4200];
        snprintf(name, sizeof name, "km%zu", i);
        corpus_copy(trees[i].tree, dir, name);
        snprintf(path, sizeof path, "%s/%s/repository/conf/api-manager.xml", dir, name);
        file_append(path, IS_KM_APIM_XML);
        char cmd[64];
        snprintf(cmd, sizeof cmd, "ports --json %s", name);
        cli_result r = ok(dir, cmd);
        ck_assert_msg(strstr(r.out, "\"runtime\":\"\",\"product\":\"is\","), "%s as %s: %.1500s",
                      trees[i].tree, name, r.out);
        /* None of API-M's built-in broker and throttling receivers. */
        ck_assert_msg(!strstr(r.out, "\"port\":5672,") && !strstr(r.out, "\"port\":9611,"),
                      "%s: API-M's built-in ports: %.1500s", trees[i].tree, r.out);
        cli_result_free(&r);
    }
    /* API-M's own homes stay API-M: their gateway and traffic manager files say so. */
    corpus_copy("wso2am-2.6.0", dir, "gw");
    corpus_copy("wso2am-1.10.0", dir, "gw1");
    for (size_t i = 0; i < 2; i++) {
        cli_result r = ok(dir, i ? "ports --json gw1" : "ports --json gw");
        ck_assert_msg(strstr(r.out, "\"runtime\":\"\",\"product\":\"apim\","), "%.1500s", r.out);
        cli_result_free(&r);
    }
    tree_remove(dir);
    free(dir);
}
END_TEST

START_TEST(identity_server_in_a_folder_named_is)
{
    char *dir = tree_scratch();
    ck_assert_ptr_nonnull(dir);
    corpus_copy("wso2is-5.10.0", dir, "is");
    assert_identity(dir, "is", "is", "5.10.0");
    cli_result r = ok(dir, "ports is");
    ck_assert_msg(starts_with(r.out, "is (WSO2 Identity Server 5.10.0 or later): offset 0\n"),
                  "%.1500s", r.out);
    /* An IS runs its embedded LDAP server. */
    ck_assert_msg(strstr(r.out, "\n  10389  auto   active   embedded LDAP server"), "%.1500s",
                  r.out);
    cli_result_free(&r);
    tree_remove(dir);
    free(dir);
}
END_TEST

/* carbon.xml says ${product.version}: the files show the version, the folder name refines it. */
START_TEST(version_from_the_files_then_the_folder_name)
{
    static const struct {
        const char *tree, *name, *version;
    } cases[] = {
        {AM42, "am", "4.0.0"},           /* WebSub endpoints: 4.0 or later */
        {AM42, AM42, "4.2.0"},           /* the folder name agrees with the files */
        {AM42, "wso2am-2.6.0", "4.0.0"}, /* the folder name does not: the files win */
        {"wso2is-7.1.0", "id", "5.10.0"},
        {"wso2is-7.1.0", "wso2is-7.1.0", "7.1.0"},
        {"wso2am-2.6.0", "wso2am-2.6.0", "2.6.0"}, /* no deployment.toml: the name alone */
    };
    char *dir = tree_scratch();
    ck_assert_ptr_nonnull(dir);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char sub[4200];
        snprintf(sub, sizeof sub, "%s/%zu", dir, i);
        ck_assert_int_eq(run_cmd("mkdir '%s'", sub), 0);
        corpus_copy(cases[i].tree, sub, cases[i].name);
        assert_identity(sub, cases[i].name, cases[i].tree[5] == 'm' ? "apim" : "is",
                        cases[i].version);
    }
    tree_remove(dir);
    free(dir);
}
END_TEST

/* `text` with every "from" replaced by "to" (the caller frees). */
static char *replace_all(const char *text, const char *from, const char *to)
{
    size_t nf = strlen(from), nt = strlen(to), n = 0;
    for (const char *p = text; (p = strstr(p, from)) != NULL; p += nf)
        n++;
    char *out = malloc(strlen(text) + n * nt + 1), *o = out;
    ck_assert_ptr_nonnull(out);
    for (const char *p = text, *q; *p; p = q + nf) {
        q = strstr(p, from);
        if (!q) {
            strcpy(o, p);
            return out;
        }
        memcpy(o, p, (size_t)(q - p));
        o += q - p;
        memcpy(o, to, nt);
        o += nt;
    }
    *o = '\0';
    return out;
}

#define KERNEL44 "wso2carbon-kernel-4.4.40"
#define AM21 "variants/wso2am-2.1.0_docker-apim_pattern-3_publisher"
#define DAS_NAME "WSO2 Data Analytics Server"

/* dir/name: a DAS 3.2 home, the 4.4 kernel's tree whose carbon.xml names the DAS (its
 * Name and Version are build tokens in the kernel's source; a DAS zip substitutes them). */
static void das_home(const char *dir, const char *name)
{
    corpus_copy(KERNEL44, dir, name);
    char path[4200];
    snprintf(path, sizeof path, "%s/%s/repository/conf/carbon.xml", dir, name);
    file_replace(path, NULL, "<Name>${product.name}</Name>", "<Name>" DAS_NAME "</Name>");
    file_replace(path, NULL, "<Version>${product.version}</Version>", "<Version>3.2.0</Version>");
}

START_TEST(das_in_a_neutral_folder_is_a_das)
{
    char *dir = tree_scratch();
    ck_assert_ptr_nonnull(dir);
    das_home(dir, "home");
    das_home(dir, "wso2das-3.2.0");
    assert_identity(dir, "home", "analytics", "3.2.0");
    assert_identity(dir, "wso2das-3.2.0", "analytics", "3.2.0");

    /* The same listeners, the 18 built-in ones (receivers, Spark, HA) included. */
    cli_result a = ok(dir, "ports home"), b = ok(dir, "ports wso2das-3.2.0");
    char *b_home = replace_all(b.out, "wso2das-3.2.0", "home");
    ck_assert_str_eq(a.out, b_home);
    ck_assert_msg(strstr(a.out, "\n   7611  auto   active   Thrift event receiver (built in)\n") &&
                      strstr(a.out, "\n  13000  auto   active   Spark driver (built in)\n"),
                  "%.1500s", a.out);
    free(b_home);
    cli_result_free(&a);
    cli_result_free(&b);

    /* An API-M 2.1 node beside it publishes to it: batch moves the DAS (both
     * open 9443) and the API-M's analytics URLs follow. */
    corpus_copy(AM21, dir, "am");
    char amx[4200], log4j[4200];
    snprintf(amx, sizeof amx, "%s/am/repository/conf/api-manager.xml", dir);
    snprintf(log4j, sizeof log4j, "%s/am/repository/conf/log4j.properties", dir);
    file_replace(amx, NULL, "tcp://analytics:7612", "tcp://localhost:7611");
    file_replace(amx, NULL, "https://analytics:9444", "https://localhost:9443");
    ck_assert(file_holds(log4j, "\nlog4j.appender.LOGEVENT.url=tcp://localhost:7611\n"));
    cli_result r = ok(dir, "batch --apply am home");
    ck_assert_msg(strstr(r.out, "am: offset 0, kept\n") && strstr(r.out, "home: offset 0 -> 1"),
                  "%.1500s", r.out);
    cli_result_free(&r);
    ck_assert(file_holds(amx, "<DASServerURL>tcp://localhost:7612</DASServerURL>"));
    ck_assert(file_holds(amx, "<DASRestApiURL>https://localhost:9444</DASRestApiURL>"));
    ck_assert(file_holds(log4j, "\nlog4j.appender.LOGEVENT.url=tcp://localhost:7612\n"));
    ck_assert(!file_holds(log4j, "LOGEVENT.url=tcp://localhost:7611"));
    tree_remove(dir);
    free(dir);
}
END_TEST

/* The products of every runtime `ports --json` names, in order. */
static char *products_of(const char *dir, const char *home)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "ports --json %s", home);
    cli_result r = cli_run(dir, cmd);
    ck_assert_msg(r.status == 0, "%s/%s: exit %d: %s", dir, home, r.status, r.err);
    char *out = calloc(1, strlen(r.out) + 1);
    ck_assert_ptr_nonnull(out);
    for (const char *p = r.out; (p = strstr(p, "\"product\":\"")) != NULL;) {
        p += strlen("\"product\":\"");
        const char *q = strchr(p, '"');
        strncat(out, p, (size_t)(q - p));
        strcat(out, " ");
        p = q;
    }
    cli_result_free(&r);
    return out;
}

START_TEST(every_corpus_tree_in_a_neutral_folder)
{
    char *trees[CORPUS_MAX_TREES];
    int n = corpus_trees(trees);
    ck_assert_int_gt(n, 0);
    char *dir = tree_scratch();
    ck_assert_ptr_nonnull(dir);
    size_t root = strlen(corpus_dir()) + 1;
    for (int i = 0; i < n; i++) {
        const char *rel = trees[i] + root, *base = strrchr(trees[i], '/') + 1;
        char sub[4200];
        snprintf(sub, sizeof sub, "%s/%d", dir, i);
        ck_assert_int_eq(run_cmd("mkdir '%s'", sub), 0);
        corpus_copy(rel, sub, base);
        corpus_copy(rel, sub, "home");
        char *own = products_of(sub, base), *neutral = products_of(sub, "home");
        ck_assert_msg(*own && strcmp(own, neutral) == 0, "%s: %s in its own folder, %s in home",
                      rel, own, neutral);
        free(own);
        free(neutral);
        tree_remove(sub);
        free(trees[i]);
    }
    tree_remove(dir);
    free(dir);
}
END_TEST

#define EI_LDAP_STORE "org.wso2.carbon.user.core.ldap.ReadOnlyLDAPUserStoreManager\">"

START_TEST(ei_embedded_ldap_port_owns_nothing)
{
    char *dir = tree_scratch();
    ck_assert_ptr_nonnull(dir);
    corpus_copy("wso2ei-6.6.0", dir, "ei");
    char path[4200];
    snprintf(path, sizeof path, "%s/ei/conf/user-mgt.xml", dir);
    /* Switch the shipped (commented) external LDAP user store on. */
    file_replace(path, NULL, "<!--UserStoreManager class=\"" EI_LDAP_STORE,
                 "<UserStoreManager class=\"" EI_LDAP_STORE);
    file_replace(path, EI_LDAP_STORE, "</UserStoreManager-->", "</UserStoreManager>");
    ck_assert(file_holds(path, "<Property name=\"ConnectionURL\">ldap://localhost:10389<"));

    cli_result r = ok(dir, "ports ei");
    ck_assert_msg(!strstr(r.out, " 10389 ") && !strstr(r.out, " 10392 "),
                  "EI lists an embedded LDAP server");
    cli_result_free(&r);
    r = ok(dir, "plan --offset 3 ei");
    ck_assert_msg(strstr(r.out, "conf/user-mgt.xml:74:"), "no site for the LDAP URL");
    ck_assert_msg(strstr(r.out, "reference 10389: no runtime in this call listens on it"),
                  "the LDAP URL has an owner");
    cli_result_free(&r);
    r = ok(dir, "apply --offset 3 ei");
    cli_result_free(&r);
    ck_assert_msg(file_holds(path, "<Property name=\"ConnectionURL\">ldap://localhost:10389<"),
                  "the external LDAP URL moved with EI");
    tree_remove(dir);
    free(dir);
}
END_TEST

int main(void)
{
    static const char *const needed[] = {AM42,           "wso2am-2.6.0",  "wso2am-1.10.0",
                                         "wso2is-5.3.0", "wso2is-5.10.0", "wso2is-7.1.0",
                                         "wso2ei-6.6.0", KERNEL44,        AM21};
    if (corpus_lacks("detection", needed, sizeof needed / sizeof needed[0]))
        return PS_SKIPPED;
    Suite *s = suite_create("detection");
    TCase *tc = tcase_create("content");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, config_only_node_is_api_manager_4);
    tcase_add_test(tc, config_only_node_is_identity_server);
    tcase_add_test(tc, identity_server_as_key_manager_is_an_identity_server);
    tcase_add_test(tc, identity_server_in_a_folder_named_is);
    tcase_add_test(tc, version_from_the_files_then_the_folder_name);
    tcase_add_test(tc, ei_embedded_ldap_port_owns_nothing);
    tcase_add_test(tc, das_in_a_neutral_folder_is_a_das);
    tcase_add_test(tc, every_corpus_tree_in_a_neutral_folder);
    suite_add_tcase(s, tc);
    return run_suite(s) ? 1 : 0;
}
