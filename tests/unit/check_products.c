#define _GNU_SOURCE
/*
 * What users of specific products rely on, checked on the real trees of the
 * shared corpus (copied to a scratch folder): which ports move with
 * `apply --offset 3` and which stay, read back from the bytes on disk.
 * Skips, saying so, when the corpus is absent.
 */
#include <check.h>

#include "../support/runner.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../support/clitext.h"
#include "../support/corpus.h"
#include "../support/tree.h"
#include "parse/toml.h"

typedef struct home {
    char *scratch;
    char path[4096];
    snapshot before, after;
} home;

/* Copies corpus tree `name`, runs `apply --offset N` on it, snapshots before and after. */
static void applied(home *h, const char *name, long offset)
{
    char src[4096], cmd[512];
    snprintf(src, sizeof src, "%s/%s", corpus_dir(), name);
    h->scratch = tree_scratch();
    snprintf(h->path, sizeof h->path, "%s/%s", h->scratch, name);
    ck_assert_int_eq(tree_copy(src, h->path), 0);
    snapshot_take(&h->before, h->path);
    snprintf(cmd, sizeof cmd, "apply --offset %ld %s", offset, name);
    cli_result r = cli_run(h->scratch, cmd);
    ck_assert_msg(r.status == 0, "apply failed: %s", r.err);
    cli_result_free(&r);
    snapshot_take(&h->after, h->path);
}

static void home_free(home *h)
{
    snapshot_free(&h->before);
    snapshot_free(&h->after);
    tree_remove(h->scratch);
    free(h->scratch);
}

static const snap_file *file_of(const snapshot *s, const char *rel)
{
    for (size_t i = 0; i < s->count; i++)
        if (strcmp(s->files[i].rel, rel) == 0)
            return &s->files[i];
    ck_abort_msg("%s missing", rel);
    return NULL;
}

static int count_of(const snap_file *f, const char *needle)
{
    int n = 0;
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= f->len; i++)
        if (memcmp(f->data + i, needle, k) == 0)
            n++;
    return n;
}

static void assert_count(const snapshot *s, const char *rel, const char *needle, int n)
{
    int got = count_of(file_of(s, rel), needle);
    ck_assert_msg(got == n, "%s: '%s' %d times, expected %d", rel, needle, got, n);
}

static void assert_unchanged(const home *h, const char *rel)
{
    const snap_file *a = file_of(&h->before, rel), *b = file_of(&h->after, rel);
    ck_assert_msg(a->len == b->len && memcmp(a->data, b->data, a->len) == 0, "%s changed", rel);
}

#define CONF "repository/conf/"
#define SYNAPSE "repository/deployment/server/synapse-configs/default/"

START_TEST(apim_2_6_manual_exceptions_move)
{
    home h;
    applied(&h, "wso2am-2.6.0", 3);
    assert_count(&h.after, CONF "carbon.xml", "<Offset>3</Offset>", 1);
    assert_count(&h.before, CONF "jndi.properties", "tcp://localhost:5672'", 2);
    assert_count(&h.after, CONF "jndi.properties", "tcp://localhost:5675'", 2);
    assert_count(&h.after, SYNAPSE "proxy-services/WorkflowCallbackService.xml",
                 "https://localhost:9446/store/", 1);
    assert_count(&h.after, CONF "tomcat/catalina-server.xml", "redirectPort=\"9446\"", 1);
    /* Carbon offsets these at runtime: they keep their base values. */
    assert_count(&h.after, CONF "tomcat/catalina-server.xml", "port=\"9763\"", 1);
    assert_count(&h.after, CONF "tomcat/catalina-server.xml", "port=\"9443\"", 1);
    assert_unchanged(&h, CONF "axis2/axis2.xml");
    assert_count(&h.after, CONF "carbon.xml", "<RMIRegistryPort>9999</RMIRegistryPort>", 1);
    assert_count(&h.after, CONF "carbon.xml", "<RMIServerPort>11111</RMIServerPort>", 1);
    assert_count(&h.after, CONF "carbon.xml", "<LDAPServerPort>10389</LDAPServerPort>", 1);
    assert_count(&h.after, CONF "carbon.xml", "<KDCServerPort>8000</KDCServerPort>", 1);
    assert_count(&h.after, CONF "carbon.xml",
                 "<ThriftEntitlementReceivePort>10500</ThriftEntitlementReceivePort>", 1);
    /* Analytics receivers are another server's. */
    assert_unchanged(&h, CONF "log4j.properties");
    assert_unchanged(&h, CONF "metrics.xml");
    home_free(&h);
}
END_TEST

START_TEST(apim_2_6_plan_lists_the_exceptions)
{
    char src[4096];
    snprintf(src, sizeof src, "%s/wso2am-2.6.0", corpus_dir());
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "plan --offset 3 %s", src);
    cli_result r = cli_run(NULL, cmd);
    ck_assert_int_eq(r.status, 0);
    const char *want[] = {
        "repository/conf/carbon.xml:127:17: port offset 0 -> 3\n",
        "repository/conf/jndi.properties:19:107: reference 5672: follows embedded broker AMQP "
        "(throttling) 5672 -> 5675 (this runtime)\n",
        "repository/conf/jndi.properties:21:105: reference 5672: follows embedded broker AMQP "
        "(throttling) 5672 -> 5675 (this runtime)\n",
        "WorkflowCallbackService.xml:16:48: reference 9443: follows servlet transport (Tomcat "
        "connector) 9443 -> 9446 (this runtime)\n",
        "catalina-server.xml:30:34: reference 9443: follows servlet transport (Tomcat connector) "
        "9443 -> 9446 (this runtime)\n",
        "catalina-server.xml:29:26: listener 9763, servlet transport (Tomcat connector), auto: "
        "listens on 9766, unchanged",
        "axis2.xml:291:47: listener 8280, Synapse pass-through / NIO transport, auto: listens on "
        "8283, unchanged",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        ck_assert_msg(strstr(r.out, want[i]), "plan lacks '%s'", want[i]);
    cli_result_free(&r);
}
END_TEST

START_TEST(apim_1_10_thrift_and_self_urls_move)
{
    home h;
    applied(&h, "wso2am-1.10.0", 3);
    assert_count(&h.after, CONF "api-manager.xml", "<ThriftClientPort>10400</ThriftClientPort>", 1);
    assert_count(&h.after, CONF "api-manager.xml", "<ThriftServerPort>10400</ThriftServerPort>", 1);
    assert_count(&h.after, CONF "email/email-admin-config.xml", "https://localhost:9446/", 1);
    assert_count(&h.after, CONF "email/email-admin-config.xml", "localhost:9443", 0);
    assert_count(&h.after, CONF "security/authenticators.xml", "https://localhost:9446/", 2);
    /* Nothing in this home owns the analytics ports; templates and comments stay. */
    assert_count(&h.after, CONF "api-manager.xml", "<DASServerURL>{tcp://localhost:7612/}", 1);
    assert_count(&h.after, CONF "api-manager.xml", "<DASRestApiURL>https://localhost:9444<", 1);
    assert_unchanged(&h, CONF "registry.xml");
    assert_unchanged(&h, SYNAPSE "api/_TokenAPI_.xml");
    assert_unchanged(&h, SYNAPSE "api/_RevokeAPI_.xml");
    assert_unchanged(&h, SYNAPSE "api/_AuthorizeAPI_.xml");
    home_free(&h);
}
END_TEST

START_TEST(esb_task_dispatch_address_is_not_a_self_reference)
{
    /* At offset 5 the home's 9443 becomes 9448, the load balancer's port in
     * tasks-config.xml: its role keeps it from being captured. */
    home h;
    applied(&h, "wso2esb-4.9.0", 5);
    char cmd[4400];
    snprintf(cmd, sizeof cmd, "apply --offset 6 %s", h.path);
    cli_result r = cli_run(NULL, cmd);
    ck_assert_int_eq(r.status, 0);
    cli_result_free(&r);
    snapshot now;
    snapshot_take(&now, h.path);
    assert_count(&now, CONF "etc/tasks-config.xml", "https://localhost:9448<", 1);
    assert_count(&now, CONF "etc/tasks-config.xml", "https://localhost:9443<", 1);
    snapshot_free(&now);
    home_free(&h);
}
END_TEST

/* The JSON object of port N in `ports --json` output, up to its closing brace. */
static char *port_object(const char *json, long port)
{
    char key[64];
    snprintf(key, sizeof key, "{\"port\":%ld,", port);
    const char *p = strstr(json, key);
    if (!p)
        return NULL;
    const char *end = strchr(p, '}');
    return strndup(p, (size_t)(end - p + 1));
}

START_TEST(apim_4_2_toml_offset_and_websocket_urls)
{
    home h;
    applied(&h, "wso2am-4.2.0", 2);
    const snap_file *toml = file_of(&h.after, CONF "deployment.toml");
    ps_toml t;
    ps_error err;
    ck_assert_int_eq(ps_toml_parse(&t, "deployment.toml", toml->data, toml->len, &err), 0);
    const ps_toml_node *off = ps_toml_find(&t, "server.offset");
    ck_assert_ptr_nonnull(off);
    ck_assert_int_eq(off->type, PS_TOML_INTEGER);
    ck_assert_int_eq(off->integer, 2);
    ps_toml_free(&t);
    assert_count(&h.after, CONF "deployment.toml", "#offset=0\n", 1);
    assert_count(&h.after, CONF "deployment.toml", "ws_endpoint = \"ws://localhost:9101\"", 1);
    assert_count(&h.after, CONF "deployment.toml", "wss_endpoint = \"wss://localhost:8101\"", 1);
    assert_count(&h.after, CONF "deployment.toml", "_http_endpoint = \"http://localhost:9023\"", 1);
    assert_count(&h.after, CONF "deployment.toml", "_https_endpoint = \"https://localhost:8023\"",
                 1);
    /* Every commented line and every generated file is as it was. */
    const snap_file *before = file_of(&h.before, CONF "deployment.toml");
    for (const char *p = before->data; p < before->data + before->len;) {
        const char *nl = memchr(p, '\n', (size_t)(before->data + before->len - p));
        size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(before->data + before->len - p);
        if (*p == '#')
            ck_assert_msg(memmem(toml->data, toml->len, p, n), "comment changed: %.*s", (int)n, p);
        p += n;
    }
    int generated = 0;
    for (size_t i = 0; i < h.before.count; i++) {
        char tpl[8192];
        struct stat st;
        snprintf(tpl, sizeof tpl, "%s/repository/resources/conf/templates/%s.j2", h.path,
                 h.before.files[i].rel);
        if (stat(tpl, &st) == 0) {
            assert_unchanged(&h, h.before.files[i].rel);
            generated++;
        }
    }
    ck_assert_int_gt(generated, 10);

    /* The generated carbon.xml still says 0 until the server re-renders it: said so. */
    char cmd[4400];
    snprintf(cmd, sizeof cmd, "diff --offset 2 %s", h.path);
    cli_result r = cli_run(NULL, cmd);
    ck_assert_int_eq(r.status, 0);
    ck_assert_msg(strstr(r.err, "carbon.xml:") &&
                      strstr(r.err, "warning: generated <Offset> is 0, deployment.toml says 2"),
                  "no warning about the generated carbon.xml: %s", r.err);
    cli_result_free(&r);
    home_free(&h);
}
END_TEST

/* `ports --json [opts] <corpus>/<tree>`, which must succeed. */
static cli_result ports_json(const char *opts, const char *tree)
{
    char cmd[4400];
    snprintf(cmd, sizeof cmd, "ports --json %s %s/%s", opts, corpus_dir(), tree);
    cli_result r = cli_run(NULL, cmd);
    ck_assert_msg(r.status == 0, "%s: %s", cmd, r.err);
    return r;
}

START_TEST(mi_internal_offset_is_replaced)
{
    cli_result r = ports_json("", "wso2mi-1.2.0");
    ck_assert_msg(strstr(r.out, "{\"port\":8290,\"base\":8280,\"shift\":\"auto\""), "%s", r.out);
    ck_assert_msg(strstr(r.out, "{\"port\":8253,\"base\":8243,\"shift\":\"auto\""), "%s", r.out);
    cli_result_free(&r);
    r = ports_json("--offset 3", "wso2mi-1.2.0");
    ck_assert_msg(strstr(r.out, "{\"port\":8283,\"base\":8280,"), "%s", r.out);
    ck_assert_msg(strstr(r.out, "{\"port\":8246,\"base\":8243,"), "%s", r.out);
    ck_assert_msg(!strstr(r.out, "\"port\":8293,"), "offset added to the internal 10: %s", r.out);
    cli_result_free(&r);
}
END_TEST

START_TEST(ei_profiles_move_together)
{
    home h;
    applied(&h, "wso2ei-6.6.0", 5);
    assert_count(&h.after, "conf/carbon.xml", "<Offset>5</Offset>", 1);
    assert_count(&h.after, "wso2/business-process/conf/carbon.xml", "<Offset>7</Offset>", 1);
    assert_count(&h.after, "wso2/broker/conf/carbon.xml", "<Offset>8</Offset>", 1);
    assert_count(&h.before, "conf/jndi.properties", "tcp://localhost:5675'", 2);
    assert_count(&h.after, "conf/jndi.properties", "tcp://localhost:5680'", 2);
    /* The Carbon 5 analytics profile has no offset: its worker config stays. */
    assert_unchanged(&h, "wso2/analytics/conf/worker/deployment.yaml");
    assert_unchanged(&h, "wso2/analytics/conf/manager/deployment.yaml");
    assert_unchanged(&h, "wso2/analytics/conf/dashboard/deployment.yaml");
    home_free(&h);
}
END_TEST

/* The port object of `port` inside the install of `runtime` in a ports --json
 * document; NULL when that runtime does not list it. Caller frees. */
static char *runtime_port(const char *json, const char *runtime, long port)
{
    char head[256];
    snprintf(head, sizeof head, "\"runtime\":\"%s\",", runtime);
    const char *at = strstr(json, head);
    if (!at)
        return NULL;
    const char *next = strstr(at + 1, "\"runtime\":\"");
    char *obj = port_object(at, port);
    if (obj && next && strstr(at, obj) > next) {
        free(obj);
        return NULL;
    }
    return obj;
}

/* `"file":"REL","line":N` of the line holding `needle` in the corpus tree's file REL. */
static void expect_at(const char *obj, const char *tree, const char *rel, const char *needle)
{
    char path[4400], want[4600];
    snprintf(path, sizeof path, "%s/%s/%s", corpus_dir(), tree, rel);
    int line = line_of(path, needle);
    ck_assert_msg(line > 0, "%s: no '%s'", path, needle);
    snprintf(want, sizeof want, "\"file\":\"%s\",\"line\":%d,", rel, line);
    ck_assert_msg(strstr(obj, want), "not %s: %s", want, obj);
}

/*
 * EI's Carbon 5 servers (issue 14): the analytics manager of 6.6.0
 * (9190/9543, conf/manager/deployment.yaml) and the MSF4J server of 6.1.1
 * (9090, conf/transports/netty-transports.yml), read from the live files at
 * their key paths, fixed at any offset of the home, active; the manager's
 * netty-transports.yml (9090/9443 under wso2/analytics/wso2/manager) is not
 * read. `apply` moves neither.
 */
START_TEST(ei_carbon5_listeners_from_the_live_files)
{
    static const struct {
        const char *tree, *runtime, *rel, *needle;
        long port;
    } want[] = {
        {"wso2ei-6.6.0", "wso2/analytics", "wso2/analytics/conf/manager/deployment.yaml",
         "      port: 9190\n", 9190},
        {"wso2ei-6.6.0", "wso2/analytics", "wso2/analytics/conf/manager/deployment.yaml",
         "      port: 9543\n", 9543},
        {"wso2ei-6.1.1", "wso2/msf4j", "wso2/msf4j/conf/transports/netty-transports.yml",
         "  port: 9090\n", 9090},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        for (int moved = 0; moved < 2; moved++) {
            cli_result r = ports_json(moved ? "--offset 5" : "", want[i].tree);
            char *obj = runtime_port(r.out, want[i].runtime, want[i].port);
            ck_assert_msg(obj, "%s %s: no %ld in %s", want[i].tree, want[i].runtime, want[i].port,
                          r.out);
            char head[128];
            snprintf(head, sizeof head,
                     "{\"port\":%ld,\"base\":%ld,\"shift\":\"fixed\",\"active\":true,",
                     want[i].port, want[i].port);
            ck_assert_msg(strncmp(obj, head, strlen(head)) == 0, "%s", obj);
            expect_at(obj, want[i].tree, want[i].rel, want[i].needle);
            free(obj);
            ck_assert_msg(!strstr(r.out, "\"file\":\"wso2/analytics/wso2/"),
                          "a netty-transports.yml the servers do not read: %s", r.out);
            cli_result_free(&r);
        }
    }
    cli_result r = ports_json("", "wso2ei-6.1.1");
    ck_assert_msg(strstr(r.out, "\"runtime\":\"wso2/msf4j\",\"product\":\"ei-msf4j\",\"version\":"
                                "\"6.1.1\",\"mode\":\"yaml\",\"offset\":0,"),
                  "%s", r.out);
    cli_result_free(&r);
    home h;
    applied(&h, "wso2ei-6.1.1", 5);
    assert_unchanged(&h, "wso2/msf4j/conf/transports/netty-transports.yml");
    home_free(&h);
}
END_TEST

START_TEST(ei_one_profile_targeted_by_its_path)
{
    char src[4096];
    snprintf(src, sizeof src, "%s/wso2ei-6.6.0", corpus_dir());
    home h = {0};
    h.scratch = tree_scratch();
    snprintf(h.path, sizeof h.path, "%s/ei", h.scratch);
    ck_assert_int_eq(tree_copy(src, h.path), 0);
    snapshot_take(&h.before, h.path);
    cli_result r = cli_run(h.scratch, "apply ei/wso2/broker=6");
    ck_assert_msg(r.status == 0, "%s", r.err);
    cli_result_free(&r);
    snapshot_take(&h.after, h.path);
    assert_count(&h.after, "wso2/broker/conf/carbon.xml", "<Offset>6</Offset>", 1);
    assert_unchanged(&h, "conf/carbon.xml");
    assert_unchanged(&h, "wso2/business-process/conf/carbon.xml");
    /* The integrator's broker URL follows the broker it points at. */
    assert_count(&h.after, "conf/jndi.properties", "tcp://localhost:5678'", 2);

    r = cli_run(h.scratch, "apply ei/wso2/nosuch=6");
    ck_assert_int_eq(r.status, 2);
    ck_assert_msg(strstr(r.err, "not a runtime of"), "%s", r.err);
    cli_result_free(&r);
    r = cli_run(h.scratch, "apply ei/wso2/analytics=6");
    ck_assert_int_eq(r.status, 2);
    ck_assert_msg(strstr(r.err, "Carbon 5 runtime has no port offset"), "%s", r.err);
    cli_result_free(&r);
    home_free(&h);
}
END_TEST

/* Which product and version each corpus tree is, as its README (INDEX.md) says. */
static const struct {
    const char *tree, *product, *version;
} detected[] = {
    {"wso2am-1.10.0", "apim", "1.10.0"},
    {"wso2am-2.6.0", "apim", "2.6.0"},
    {"wso2am-4.2.0", "apim", "4.2.0"},
    {"wso2carbon-kernel-4.10.126", "carbon", "4.10.126"},
    {"wso2carbon-kernel-4.4.40", "carbon", "4.4.40"},
    {"wso2carbon-kernel-4.4.9", "carbon", "4.4.9"},
    {"wso2carbon-kernel-4.6.3", "carbon", "4.6.3"},
    {"wso2ei-6.1.1", "ei", "6.1.1"},
    {"wso2ei-6.6.0", "ei", "6.6.0"},
    {"wso2esb-4.9.0", "esb", "4.9.0"},
    /* ships bps.xml and, in this trimmed tree, no identity/ folder: the name decides */
    {"wso2is-5.10.0", "is", "5.10.0"},
    {"wso2is-5.3.0", "is", "5.3.0"},
    {"wso2is-7.1.0", "is", "7.1.0"},
    {"wso2mb-3.2.0", "mb", "3.2.0"},
    {"wso2mi-1.2.0", "mi", "1.2.0"},
    {"variants/wso2am-2.1.0_docker-apim_pattern-3_am-analytics", "analytics", "2.1.0"},
    {"variants/wso2am-2.1.0_docker-apim_pattern-3_gateway-manager", "apim", "2.1.0"},
    {"variants/wso2am-4.7.0_docker-apim_apim-with-mi", "apim", "4.7.0"},
    {"variants/wso2mi-4.2.0_docker-apim_apim-with-mi", "mi", "4.2.0"},
};

START_TEST(each_tree_is_recognised)
{
    char want[256];
    cli_result r = ports_json("", detected[_i].tree);
    snprintf(want, sizeof want, "\"runtime\":\"\",\"product\":\"%s\",\"version\":\"%s\",",
             detected[_i].product, detected[_i].version);
    ck_assert_msg(strstr(r.out, want), "%s: not %s", detected[_i].tree, want);
    cli_result_free(&r);
}
END_TEST

START_TEST(apim_4_2_ports_lists_every_documented_listener)
{
    cli_result r = ports_json("", "wso2am-4.2.0");
    static const long ports[] = {9443, 9763, 8280,  8243, 5672,  9611, 9711, 9099, 8099,
                                 9021, 8021, 10389, 9999, 11111, 8000, 4000, 45564};
    for (size_t i = 0; i < sizeof ports / sizeof ports[0]; i++) {
        char *obj = port_object(r.out, ports[i]);
        ck_assert_msg(obj != NULL, "port %ld missing", ports[i]);
        ck_assert_msg(strstr(obj, "\"source\":\""), "port %ld has no source: %s", ports[i], obj);
        if (ports[i] == 45564 || ports[i] == 4000)
            ck_assert_msg(strstr(obj, "\"active\":false"), "%ld active: %s", ports[i], obj);
        free(obj);
    }
    cli_result_free(&r);
}
END_TEST

int main(void)
{
    struct stat st;
    char probe[4096];
    snprintf(probe, sizeof probe, "%s/wso2am-2.6.0", corpus_dir());
    if (stat(probe, &st) < 0) {
        printf("products: %s not found: skipping the corpus product checks\n", corpus_dir());
        return PS_SKIPPED;
    }
    Suite *s = suite_create("products");
    TCase *tc = tcase_create("corpus");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, apim_2_6_manual_exceptions_move);
    tcase_add_test(tc, apim_2_6_plan_lists_the_exceptions);
    tcase_add_test(tc, apim_1_10_thrift_and_self_urls_move);
    tcase_add_test(tc, esb_task_dispatch_address_is_not_a_self_reference);
    tcase_add_test(tc, apim_4_2_toml_offset_and_websocket_urls);
    tcase_add_test(tc, mi_internal_offset_is_replaced);
    tcase_add_test(tc, ei_profiles_move_together);
    tcase_add_test(tc, ei_one_profile_targeted_by_its_path);
    tcase_add_test(tc, ei_carbon5_listeners_from_the_live_files);
    tcase_add_test(tc, apim_4_2_ports_lists_every_documented_listener);
    tcase_add_loop_test(tc, each_tree_is_recognised, 0, sizeof detected / sizeof detected[0]);
    suite_add_tcase(s, tc);
    int failed = run_suite(s);
    return failed ? 1 : 0;
}
