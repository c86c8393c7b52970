#define _GNU_SOURCE
/*
 * Roles beat port matches (DESIGN §1): a reference inside an element the
 * catalog gives a role names another server and follows only a runtime of
 * that role, never its own runtime by a port match. Shown on copies of the
 * corpus trees:
 *
 * - every role rule of the catalog (enumerated from it: a new role without a
 *   case here fails the suite): a localhost URL whose port the home's own
 *   listeners reach at offset 1 is written into the element the role names;
 *   applying 1 then 2 gives the same bytes as applying 2, and the URL stays;
 * - the key manager an API-M talks to: alone, its URL stays however the API-M
 *   moves; with the Identity Server that listens there in the same call, it
 *   follows the IS, and nothing else of the API-M home changes.
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
#include "catalog/catalog.h"

/*
 * One role rule (named by role, file and match or key exactly as the catalog
 * has them) and how to put a URL into its element in a corpus tree: replace
 * the first `from` after `anchor` by `to`, or with no `from` append `to` to
 * the file (creating it). `port` is the URL's port: one the home's runtime
 * `runtime` ("" for the main one) listens on at offset 1.
 */
typedef struct role_case {
    const char *role, *file, *where;
    const char *tree, *runtime, *rel;
    const char *anchor, *from, *to;
    long port;
} role_case;

#define AM110 "wso2am-1.10.0"
#define AM26 "wso2am-2.6.0"
#define AM42 "wso2am-4.2.0"
#define CONF "repository/conf/"
#define BPS "wso2/business-process"
/* api-manager.xml 1.x ships its server URLs as this placeholder for itself. */
#define SELF_URL                                                                                   \
    "<ServerURL>https://${carbon.local.ip}:${mgt.transport.https.port}${carbon.context}/services/" \
    "</ServerURL>"
#define KM_URL "<ServerURL>https://localhost:9444/services/</ServerURL>"

static const role_case cases[] = {
    {"analytics", "api-manager.xml",
     "//DASServerURL | //DASAuthServerURL | //DASRestApiURL | "
     "//*[starts-with(local-name(),'StreamProcessor')]",
     AM110, "", CONF "api-manager.xml", NULL, "<DASServerURL>{tcp://localhost:7612/}",
     "<DASServerURL>{tcp://localhost:8281/}", 8281},
    {"analytics", "carbon.xml", "/Server/Analytics", "wso2ei-6.6.0", "", "conf/carbon.xml", NULL,
     "<ServerURL>tcp://localhost:7612</ServerURL>", "<ServerURL>tcp://localhost:8281</ServerURL>",
     8281},
    {"analytics", "metrics.xml", "//Reporting/DAS", AM26, "", CONF "metrics.xml", NULL,
     "<ReceiverURL>tcp://localhost:7611</ReceiverURL>",
     "<ReceiverURL>tcp://localhost:9444</ReceiverURL>", 9444},
    {"analytics", "log4j.properties", "log4j.appender.LOGEVENT.url", "wso2esb-4.9.0", "",
     CONF "log4j.properties", NULL, "log4j.appender.LOGEVENT.url=tcp://localhost:7611",
     "log4j.appender.LOGEVENT.url=tcp://localhost:8281", 8281},
    {"analytics", "log4j.properties", "log4j.appender.DAS_AGENT.url", AM26, "",
     CONF "log4j.properties", NULL, "log4j.appender.DAS_AGENT.url=tcp://localhost:7612",
     "log4j.appender.DAS_AGENT.url=tcp://localhost:9444", 9444},
    /* The profile is at offset 2: its JNDI provider listens on 2201, at 2202 a step up. */
    {"analytics", "bps-analytics.xml", "/*", "wso2ei-6.1.1", BPS, BPS "/conf/bps-analytics.xml",
     NULL, NULL,
     "<AnalyticsServerConfiguration>\n"
     "    <DASServerUrl>https://localhost:2202</DASServerUrl>\n"
     "</AnalyticsServerConfiguration>\n",
     2202},
    {"analytics", "deployment.toml", "apim.analytics.*", AM42, "", CONF "deployment.toml",
     "[apim.analytics]", "auth_token = \"\"",
     "auth_token = \"\"\nconfig_endpoint = \"https://localhost:9444/auth/v1\"", 9444},
    {"bps", "api-manager.xml", "//WorkflowConfigurations/ServerUrl", AM110, "",
     CONF "api-manager.xml", NULL, "</APIManager>",
     "<WorkflowConfigurations><ServerUrl>https://localhost:9444/bpmn</ServerUrl>"
     "</WorkflowConfigurations>\n</APIManager>",
     9444},
    {"bps", "deployment.toml", "apim.workflow.service_url", AM42, "", CONF "deployment.toml", NULL,
     NULL, "\n[apim.workflow]\nservice_url = \"https://localhost:9444/bpmn\"\n", 9444},
    {"key-manager", "api-manager.xml", "/APIManager/AuthManager/ServerURL", AM110, "",
     CONF "api-manager.xml", "<AuthManager>", SELF_URL, KM_URL, 9444},
    {"key-manager", "api-manager.xml", "/APIManager/APIKeyValidator/ServerURL", AM110, "",
     CONF "api-manager.xml", "<APIKeyValidator>", SELF_URL, KM_URL, 9444},
    {"key-manager", "api-manager.xml", "/APIManager/APIKeyManager/Configuration/ServerURL", AM110,
     "", CONF "api-manager.xml", NULL, "</APIManager>",
     "<APIKeyManager><Configuration>" KM_URL "</Configuration></APIKeyManager>\n</APIManager>",
     9444},
    {"key-manager", "deployment.toml", "apim.key_manager.service_url", AM42, "",
     CONF "deployment.toml", NULL,
     "#service_url = \"https://localhost:${mgt.transport.https.port}/services/\"",
     "service_url = \"https://localhost:9444/services/\"", 9444},
    {"key-manager", "deployment.toml", "apim.tenant_sharing.properties.identity_server_base_url",
     AM42, "", CONF "deployment.toml", NULL, NULL,
     "\n[[apim.tenant_sharing]]\ntype = \"WSO2-IS-7\"\n[apim.tenant_sharing.properties]\n"
     "identity_server_base_url = \"https://localhost:9444\"\n",
     9444},
    {"api-manager", "deployment.toml", "event_listener.properties.notification_endpoint",
     "wso2is-5.10.0", "", CONF "deployment.toml", NULL, NULL,
     "\n[[event_listener]]\nid = \"token_revocation\"\n"
     "type = \"org.wso2.carbon.identity.core.handler.AbstractIdentityHandler\"\n"
     "name = \"org.wso2.is.notification.ApimOauthEventInterceptor\"\norder = 1\n"
     "[event_listener.properties]\n"
     "notification_endpoint = \"https://localhost:9444/internal/data/v1/notify\"\n",
     9444},
    /* An IS key manager's api-manager.xml (an IS-KM pack ships one). */
    {"api-manager", "api-manager.xml",
     "/APIManager/APIGateway | //RevokeAPIURL | /APIManager/ThrottlingConfigurations",
     "wso2is-5.3.0", "", CONF "api-manager.xml", NULL, NULL,
     "<APIManager>\n    <APIGateway><Environments><Environment type=\"hybrid\">\n"
     "        " KM_URL "\n    </Environment></Environments></APIGateway>\n</APIManager>\n",
     9444},
    /* A gateway environment without the placeholders WSO2 ships names another gateway. */
    {"api-manager", "api-manager.xml",
     "/APIManager/APIGateway/Environments/Environment[not(contains(ServerURL,'${') or "
     "contains(GatewayEndpoint,'${'))]",
     AM26, "", CONF "api-manager.xml", NULL, NULL,
     "<APIManager>\n    <APIGateway><Environments><Environment type=\"hybrid\">\n"
     "        " KM_URL "\n    </Environment></Environments></APIGateway>\n</APIManager>\n",
     9444},
    {"api-manager", "deployment.toml", "apim.gateway.environment.*", AM42, "",
     CONF "deployment.toml", NULL, NULL,
     "\n[[apim.gateway.environment]]\nname = \"Second\"\ntype = \"hybrid\"\n"
     "service_url = \"https://localhost:9444/services/\"\n",
     9444},
    {"offset-by-server", "bps.xml", "//*[local-name()='JNDI']/@providerURL", "wso2ei-6.6.0", BPS,
     BPS "/conf/bps.xml", NULL,
     "<!--tns:JNDI contextFactory=\"com.sun.jndi.rmi.registry.RegistryContextFactory\" "
     "providerURL=\"rmi://localhost:2199\"/-->",
     "<tns:JNDI contextFactory=\"com.sun.jndi.rmi.registry.RegistryContextFactory\" "
     "providerURL=\"rmi://localhost:2202\"/>",
     2202},
    {"offset-by-server", "humantask.xml", "//JNDIProviderUrl", "wso2ei-6.6.0", BPS,
     BPS "/conf/humantask.xml", NULL, "<JNDIProviderUrl>rmi://localhost:2199</JNDIProviderUrl-->",
     "<JNDIProviderUrl>rmi://localhost:2199</JNDIProviderUrl-->"
     "<JNDIProviderUrl>rmi://localhost:2202</JNDIProviderUrl>",
     2202},
    {"offset-by-server", "attachment-management.xml", "//JNDIProviderUrl", "wso2ei-6.6.0", BPS,
     BPS "/conf/attachment-management.xml", NULL,
     "<JNDIProviderUrl>rmi://localhost:2199</JNDIProviderUrl-->",
     "<JNDIProviderUrl>rmi://localhost:2199</JNDIProviderUrl-->"
     "<JNDIProviderUrl>rmi://localhost:2202</JNDIProviderUrl>",
     2202},
    /* A Carbon 5 profile: its ports are fixed, so 9091 (the worker's) is its own at any offset. */
    {"kafka", "manager/deployment.yaml", "deployment.config.bootstrapURLs", "wso2ei-6.6.0",
     "wso2/analytics", "wso2/analytics/conf/manager/deployment.yaml", NULL,
     "bootstrapURLs: localhost:9092", "bootstrapURLs: localhost:9091", 9091},
    {"zookeeper", "manager/deployment.yaml", "deployment.config.zooKeeperConfig.zooKeeperURLs",
     "wso2ei-6.6.0", "wso2/analytics", "wso2/analytics/conf/manager/deployment.yaml", NULL,
     "zooKeeperURLs: localhost:2181", "zooKeeperURLs: localhost:9444", 9444},
    {"load-balancer", "etc/tasks-config.xml", "/tasks-configuration/taskClientDispatchAddress",
     "wso2esb-4.9.0", "", CONF "etc/tasks-config.xml", NULL,
     "https://localhost:9448</taskClientDispatchAddress>",
     "https://localhost:9444</taskClientDispatchAddress>", 9444},
    {"task-server", "etc/tasks-config.xml", "/tasks-configuration/remoteServerAddress",
     "wso2esb-4.9.0", "", CONF "etc/tasks-config.xml", NULL,
     "https://localhost:9443</remoteServerAddress>", "https://localhost:9444</remoteServerAddress>",
     9444},
};

#define NCASES (int)(sizeof cases / sizeof cases[0])

static int same(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

static int case_of(const ps_rule *r, const role_case *c)
{
    return same(r->role, c->role) && same(r->file, c->file) &&
           same(r->match ? r->match : r->key, c->where);
}

static ps_catalog *builtin_catalog(void)
{
    ps_catalog *cat = NULL;
    ps_error err;
    memset(&err, 0, sizeof err);
    ck_assert_msg(ps_catalog_builtin(&cat, &err) == 0, "catalog: %s", err.message);
    return cat;
}

/* Each role rule has exactly one case, and each case names a rule. */
START_TEST(every_role_of_the_catalog_has_a_case)
{
    ps_catalog *cat = builtin_catalog();
    int used[NCASES] = {0}, roles = 0;
    for (size_t i = 0; i < cat->nrules; i++) {
        const ps_rule *r = &cat->rules[i];
        if (r->kind != PS_RULE_ROLE)
            continue;
        roles++;
        int found = 0;
        for (int k = 0; k < NCASES; k++)
            if (case_of(r, &cases[k])) {
                found++;
                used[k]++;
            }
        ck_assert_msg(found == 1, "catalog.xml:%d: role %s (%s %s) has %d cases here", r->line,
                      r->role, r->file, r->match ? r->match : r->key, found);
    }
    for (int k = 0; k < NCASES; k++)
        ck_assert_msg(used[k] == 1, "case %d (%s %s) names no role rule of the catalog", k,
                      cases[k].role, cases[k].where);
    ck_assert_int_eq(roles, NCASES);
    ps_catalog_free(cat);
}
END_TEST

/* dir/<tree> holds a corpus copy with the case's URL written in. */
static void prepared(const role_case *c, const char *dir)
{
    mkdir(dir, 0755);
    corpus_copy(c->tree, dir, c->tree);
    char path[4600];
    snprintf(path, sizeof path, "%s/%s/%s", dir, c->tree, c->rel);
    if (c->from)
        file_replace(path, c->anchor, c->from, c->to);
    else
        file_append(path, c->to);
}

static void apply_ok(const char *dir, const char *tree, long offset)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "apply --offset %ld %s", offset, tree);
    cli_result r = cli_run(dir, cmd);
    ck_assert_msg(r.status == 0, "%s in %s: exit %d: %s", cmd, dir, r.status, r.err);
    cli_result_free(&r);
}

/* The listing of `ports` for one runtime: from its header to the next header. */
static char *runtime_section(const char *out, const char *tree, const char *runtime)
{
    char head[512];
    if (*runtime)
        snprintf(head, sizeof head, "%s runtime %s (", tree, runtime);
    else
        snprintf(head, sizeof head, "%s (", tree);
    const char *s = out;
    while (s && strncmp(s, head, strlen(head)) != 0)
        s = (s = strchr(s, '\n')) ? s + 1 : NULL;
    ck_assert_msg(s != NULL, "no %s... in\n%s", head, out);
    const char *e = strchr(s, '\n');
    while (e && e[1] == ' ')
        e = strchr(e + 1, '\n');
    return strndup(s, e ? (size_t)(e - s) : strlen(s));
}

START_TEST(role_reference_never_follows_its_own_runtime)
{
    const role_case *c = &cases[_i];
    char *scratch = tree_scratch();
    ck_assert_ptr_nonnull(scratch);
    char one[4200], two[4200], cmd[512], want[512];
    snprintf(one, sizeof one, "%s/one", scratch);
    snprintf(two, sizeof two, "%s/two", scratch);
    prepared(c, one);
    prepared(c, two);

    /* The rule put the role on the URL, and the runtime's own ports reach it at offset 1. */
    snprintf(cmd, sizeof cmd, "plan %s", c->tree);
    cli_result r = cli_run(one, cmd);
    ck_assert_msg(r.status == 0, "%s: %s", cmd, r.err);
    snprintf(want, sizeof want, "reference %ld, role %s: ", c->port, c->role);
    const char *line = strstr(r.out, want);
    ck_assert_msg(line != NULL, "%s: no '%s' in the plan", c->rel, want);
    while (line > r.out && line[-1] != '\n')
        line--;
    /* Positions are as the home was named: clickable from the current folder. */
    char where[1024];
    snprintf(where, sizeof where, "%s/%s:", c->tree, c->rel);
    ck_assert_msg(strncmp(line + 2, where, strlen(where)) == 0, "'%s' is not in %s", want, where);
    cli_result_free(&r);
    snprintf(cmd, sizeof cmd, "ports --offset 1 %s", c->tree);
    r = cli_run(one, cmd);
    ck_assert_int_eq(r.status, 0);
    char *section = runtime_section(r.out, c->tree, c->runtime);
    snprintf(want, sizeof want, "\n  %5ld  ", c->port);
    ck_assert_msg(strstr(section, want), "%s: %ld is no port of its own at offset 1:\n%s", c->tree,
                  c->port, section);
    free(section);
    cli_result_free(&r);

    apply_ok(one, c->tree, 1);
    apply_ok(one, c->tree, 2);
    apply_ok(two, c->tree, 2);
    snapshot a, b;
    snprintf(cmd, sizeof cmd, "%s/%s", one, c->tree);
    snapshot_take(&a, cmd);
    char path[4600];
    snprintf(path, sizeof path, "%s/%s", cmd, c->rel);
    ck_assert_msg(file_holds(path, c->to), "%s: the URL moved", c->rel);
    snprintf(cmd, sizeof cmd, "%s/%s", two, c->tree);
    snapshot_take(&b, cmd);
    char *d = snapshot_diff(&a, &b);
    ck_assert_msg(d == NULL, "%s: 0 -> 1 -> 2 differs from 0 -> 2: %s", c->rel, d);
    snapshot_free(&a);
    snapshot_free(&b);
    tree_remove(scratch);
    free(scratch);
}
END_TEST

/* ---- the key manager: an IS at offset 1, or nobody ---- */

#define KM_TOML "repository/conf/deployment.toml"

static void apply_in(const char *dir, const char *args)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "apply %s", args);
    cli_result r = cli_run(dir, cmd);
    ck_assert_msg(r.status == 0, "%s: exit %d: %s", cmd, r.status, r.err);
    cli_result_free(&r);
}

static void take(snapshot *s, const char *dir, const char *name)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    snapshot_take(s, path);
}

START_TEST(key_manager_url_follows_only_the_key_manager)
{
    char *dir = tree_scratch();
    ck_assert_ptr_nonnull(dir);
    char path[4200];
    corpus_copy(AM42, dir, "am");
    snprintf(path, sizeof path, "%s/am/" KM_TOML, dir);
    file_replace(path, "[apim.key_manager]",
                 "#service_url = \"https://localhost:${mgt.transport.https.port}/services/\"",
                 "service_url = \"https://localhost:9444/services/\"");
    ck_assert_int_eq(run_cmd("cd '%s' && cp -a am am12 && cp -a am am2 && cp -a am amis", dir), 0);

    /* Alone: no server of that role is in the call, so the URL stays, by any path. */
    apply_in(dir, "am12=1");
    apply_in(dir, "am12=2");
    apply_in(dir, "am2=2");
    snapshot s12, s2, sis;
    take(&s12, dir, "am12");
    take(&s2, dir, "am2");
    char *d = snapshot_diff(&s12, &s2);
    ck_assert_msg(d == NULL, "0 -> 1 -> 2 differs from 0 -> 2: %s", d);
    snprintf(path, sizeof path, "%s/am2/" KM_TOML, dir);
    ck_assert_msg(file_holds(path, "service_url = \"https://localhost:9444/services/\""),
                  "the key manager URL moved");

    /* An IS at offset 1 listens on 9444; moved to 4 in the same call, the URL follows it. */
    corpus_copy("wso2is-5.10.0", dir, "is");
    apply_in(dir, "is=1");
    cli_result r = cli_run(dir, "ports is");
    ck_assert_msg(strstr(r.out, "\n   9444  auto   active   servlet transport"), "%.1500s", r.out);
    cli_result_free(&r);
    apply_in(dir, "amis=2 is=4");
    take(&sis, dir, "amis");
    snprintf(path, sizeof path, "%s/amis/" KM_TOML, dir);
    ck_assert_msg(file_holds(path, "service_url = \"https://localhost:9447/services/\""),
                  "the key manager URL did not follow the IS");
    /* Nothing else of the API-M home differs from applying 2 to it alone. */
    ck_assert_uint_eq(s2.count, sis.count);
    for (size_t i = 0; i < s2.count; i++) {
        snap_file *a = &s2.files[i], *b = &sis.files[i];
        ck_assert_str_eq(a->rel, b->rel);
        if (strcmp(a->rel, KM_TOML) == 0) {
            char *at = memmem(b->data, b->len, "localhost:9447/services/", 24);
            ck_assert_ptr_nonnull(at);
            memcpy(at, "localhost:9444", 14);
        }
        ck_assert_msg(a->len == b->len && memcmp(a->data, b->data, a->len) == 0,
                      "%s differs from the API-M applied alone", a->rel);
    }
    snapshot_free(&s12);
    snapshot_free(&s2);
    snapshot_free(&sis);
    tree_remove(dir);
    free(dir);
}
END_TEST

int main(void)
{
    for (int k = 0; k < NCASES; k++)
        if (corpus_lacks("roles", &cases[k].tree, 1))
            return PS_SKIPPED;
    Suite *s = suite_create("roles");
    TCase *tc = tcase_create("roles");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, every_role_of_the_catalog_has_a_case);
    tcase_add_loop_test(tc, role_reference_never_follows_its_own_runtime, 0, NCASES);
    tcase_add_test(tc, key_manager_url_follows_only_the_key_manager);
    suite_add_tcase(s, tc);
    return run_suite(s) ? 1 : 0;
}
