/*
 * A second gateway environment is another server (issue 14, item 4; DESIGN
 * §1 "Roles beat port matches"). An API-M's gateway environment is judged
 * as a whole: the one WSO2 ships uses the ${...} placeholders and is the
 * API-M itself (its literal ws/wss URLs follow their own runtime); any other
 * names another gateway, and its URLs follow only another API-M of the call.
 * The second environment here is WSO2's own example of one on the same host
 * (service 9445, http 8282, https 8245: a gateway at offset 2), spliced into
 * copies of corpus trees, in both forms:
 *
 * - deployment.toml [[apim.gateway.environment]] (wso2am-4.2.0), with ws/wss
 *   9101/8101 and with 9099/8099 (the API-M's own WebSocket ports at offset 0);
 * - api-manager.xml APIGateway/Environments/Environment (the API-M 2.1
 *   docker gateway of the corpus variants).
 *
 * 0 -> 2 -> 3 gives the bytes of 0 -> 3, 0 -> 3 -> 0 gives back every byte,
 * `check` finds nothing; with another API-M that listens there in the call,
 * the URLs follow that home and never the first. Skips when the corpus is absent.
 */
#include <check.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/clitext.h"
#include "../support/corpus.h"
#include "../support/runner.h"
#include "../support/tree.h"

#define AM42 "wso2am-4.2.0"
#define AM21_GW "variants/wso2am-2.1.0_docker-apim_pattern-3_gateway-manager"
#define TOML "repository/conf/deployment.toml"
#define AMXML "repository/conf/api-manager.xml"

/* The second environment as WSO2's docs write it, with ws/wss ports `ws`/`wss`. */
#define TOML_ENV(ws, wss)                                                                          \
    "[[apim.gateway.environment]]\n"                                                               \
    "name = \"Second\"\n"                                                                          \
    "type = \"hybrid\"\n"                                                                          \
    "display_in_api_console = true\n"                                                              \
    "description = \"Another API-M's gateway on this host.\"\n"                                    \
    "show_as_token_endpoint_url = true\n"                                                          \
    "service_url = \"https://localhost:9445/services/\"\n"                                         \
    "username= \"admin\"\n"                                                                        \
    "password= \"admin\"\n"                                                                        \
    "ws_endpoint = \"ws://localhost:" ws "\"\n"                                                    \
    "wss_endpoint = \"wss://localhost:" wss "\"\n"                                                 \
    "http_endpoint = \"http://localhost:8282\"\n"                                                  \
    "https_endpoint = \"https://localhost:8245\"\n\n"

#define XML_ENV                                                                                    \
    "            <Environment type=\"hybrid\" api-console=\"true\">\n"                             \
    "                <Name>Second</Name>\n"                                                        \
    "                <ServerURL>https://localhost:9445/services/</ServerURL>\n"                    \
    "                <Username>admin</Username>\n"                                                 \
    "                <Password>admin</Password>\n"                                                 \
    "                <GatewayEndpoint>http://localhost:8282,https://localhost:8245"                \
    "</GatewayEndpoint>\n"                                                                         \
    "                <GatewayWSEndpoint>ws://localhost:9099</GatewayWSEndpoint>\n"                 \
    "            </Environment>\n"                                                                 \
    "        </Environments>"

/*
 * One form: corpus tree `tree`, its file `rel` where the environments are;
 * `own_from` -> `own_to` (after `own_anchor`) gives the shipped environment a
 * literal self reference where the tree has none; `from` -> `to` adds the
 * second environment. `kept` are its URLs, which never move alone; `own_at3`
 * is the shipped environment's self reference as it reads at offset 3.
 */
typedef struct gw_case {
    const char *label, *tree, *rel;
    const char *own_anchor, *own_from, *own_to;
    const char *from, *to;
    const char *kept[5];
    const char *own_at3;
} gw_case;

/* The deployment.toml form: the second environment after the shipped one, with
 * ws/wss ports `ws`/`wss`; the shipped one's ws_endpoint 9099 moves with its runtime. */
#define TOML_CASE(ws, wss)                                                                         \
    {                                                                                              \
        "deployment.toml, ws " ws " / wss " wss, AM42, TOML, NULL, NULL, NULL,                     \
            "[apim.sync_runtime_artifacts.gateway]",                                               \
            TOML_ENV(ws, wss) "[apim.sync_runtime_artifacts.gateway]",                             \
            {"\"https://localhost:9445/services/\"", "ws_endpoint = \"ws://localhost:" ws "\"",    \
             "wss_endpoint = \"wss://localhost:" wss "\"", "\"http://localhost:8282\"",            \
             "\"https://localhost:8245\""},                                                        \
            "ws_endpoint = \"ws://localhost:9102\""                                                \
    }

static const gw_case cases[] = {
    TOML_CASE("9101", "8101"),
    TOML_CASE("9099", "8099"),
    /* API-M 2.6 ships its own environment's WebSocket URL as a literal 9099. */
    {"api-manager.xml",
     AM21_GW,
     AMXML,
     "<Name>Production and Sandbox</Name>",
     "</GatewayEndpoint>",
     "</GatewayEndpoint>\n"
     "                <GatewayWSEndpoint>ws://${carbon.local.ip}:9099</GatewayWSEndpoint>",
     "        </Environments>",
     XML_ENV,
     {"<ServerURL>https://localhost:9445/services/</ServerURL>",
      "<GatewayEndpoint>http://localhost:8282,https://localhost:8245</GatewayEndpoint>",
      "<GatewayWSEndpoint>ws://localhost:9099</GatewayWSEndpoint>", NULL, NULL},
     "<GatewayWSEndpoint>ws://${carbon.local.ip}:9102</GatewayWSEndpoint>"},
};

/* dir/name: a copy of the case's tree with the second environment in it. */
static void prepared(const gw_case *c, const char *dir, const char *name)
{
    corpus_copy(c->tree, dir, name);
    char path[4600];
    snprintf(path, sizeof path, "%s/%s/%s", dir, name, c->rel);
    if (c->own_from)
        file_replace(path, c->own_anchor, c->own_from, c->own_to);
    file_replace(path, NULL, c->from, c->to);
}

static void applied(const char *dir, const char *args)
{
    cli_result r = cli_runf(dir, "apply %s", args);
    expect_status(&r, 0, args);
    cli_result_free(&r);
}

static void take(snapshot *s, const char *dir, const char *name)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    snapshot_take(s, path);
}

static void same_tree(const char *dir, const char *a, const char *b, const char *what)
{
    snapshot x, y;
    take(&x, dir, a);
    take(&y, dir, b);
    char *d = snapshot_diff(&x, &y);
    ck_assert_msg(d == NULL, "%s: %s", what, d);
    snapshot_free(&x);
    snapshot_free(&y);
}

static void holds(const char *dir, const char *name, const char *rel, const char *text)
{
    char path[4600];
    snprintf(path, sizeof path, "%s/%s/%s", dir, name, rel);
    ck_assert_msg(file_holds(path, text), "%s/%s does not hold %s", name, rel, text);
}

/* `check` on `homes`: exit 0, no finding, nothing said stale in `rel`; with
 * `unowned`, the second environment's service URL a note naming the role
 * no runtime of the call plays there. */
static void clean(const char *dir, const char *homes, const char *rel, int unowned)
{
    cli_result r = cli_runf(dir, "check %s", homes);
    expect_status(&r, 0, "check");
    LINE_WITH(r.out, "0 findings");
    const char *stale[] = {rel, "should be"};
    ck_assert_msg(!line_with(r.out, stale, 2), "a stale gateway URL in %s:\n%s", rel, r.out);
    if (unowned)
        LINE_WITH(r.out, ": note: port 9445: no api-manager runtime of this call listens on it");
    cli_result_free(&r);
}

START_TEST(second_gateway_keeps_path_independence)
{
    const gw_case *c = &cases[_i];
    char *dir = tree_scratch();
    ck_assert_ptr_nonnull(dir);
    prepared(c, dir, "orig");
    ck_assert_int_eq(run_cmd("cd '%s' && cp -a orig p && cp -a orig d && cp -a orig r", dir), 0);

    applied(dir, "p=2");
    applied(dir, "p=3");
    applied(dir, "d=3");
    applied(dir, "r=3");
    applied(dir, "r=0");
    same_tree(dir, "p", "d", "0 -> 2 -> 3 differs from 0 -> 3");
    same_tree(dir, "r", "orig", "0 -> 3 -> 0 does not restore every byte");
    /* The second gateway stayed where it is; the API-M's own moved with it. */
    for (size_t k = 0; k < 5 && c->kept[k]; k++)
        holds(dir, "d", c->rel, c->kept[k]);
    holds(dir, "d", c->rel, c->own_at3);
    clean(dir, "d", c->rel, 1);
    clean(dir, "p", c->rel, 1);
    tree_remove(dir);
    free(dir);
}
END_TEST

/* The ports a second API-M at offset 2 listens on: the URLs of the second environment. */
static void listens_at_2(const char *dir, const char *home)
{
    cli_result r = cli_runf(dir, "ports %s", home);
    expect_status(&r, 0, "ports");
    LINE_WITH(r.out, "   9445  auto   active   servlet transport");
    LINE_WITH(r.out, "   8282  auto   active   Synapse pass-through");
    LINE_WITH(r.out, "   8245  auto   active   Synapse pass-through");
    LINE_WITH(r.out, "   9101  auto   active   WebSocket inbound endpoint");
    LINE_WITH(r.out, "   8101  auto   active   ");
    cli_result_free(&r);
}

START_TEST(second_gateway_follows_only_its_own_home)
{
    const gw_case *c = &cases[0];
    char *dir = tree_scratch();
    ck_assert_ptr_nonnull(dir);
    prepared(c, dir, "a");
    corpus_copy(AM42, dir, "b");
    ck_assert_int_eq(run_cmd("cd '%s' && cp -a a a0", dir), 0);
    applied(dir, "b=2");
    listens_at_2(dir, "b");
    clean(dir, "a b", TOML, 0);

    /* Moving the first home never moves them. */
    applied(dir, "a=3 b=2");
    for (size_t k = 0; k < 5; k++)
        holds(dir, "a", TOML, c->kept[k]);
    holds(dir, "a", TOML, c->own_at3);
    clean(dir, "a b", TOML, 0);

    /* Moving the other home moves them, by its step. */
    applied(dir, "a b=5");
    const char *moved[] = {"\"https://localhost:9448/services/\"", "\"ws://localhost:9104\"",
                           "\"wss://localhost:8104\"", "\"http://localhost:8285\"",
                           "\"https://localhost:8248\""};
    for (size_t k = 0; k < 5; k++)
        holds(dir, "a", TOML, moved[k]);
    holds(dir, "a", TOML, c->own_at3);
    clean(dir, "a b", TOML, 0);

    /* And back: every byte of the first home as it was. */
    applied(dir, "a b=2");
    applied(dir, "a=0 b=2");
    same_tree(dir, "a", "a0", "the way back");
    tree_remove(dir);
    free(dir);
}
END_TEST

int main(void)
{
    for (size_t k = 0; k < (size_t)N(cases); k++)
        if (corpus_lacks("gateway", &cases[k].tree, 1))
            return PS_SKIPPED;
    Suite *s = suite_create("gateway");
    TCase *tc = tcase_create("gateway");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, second_gateway_keeps_path_independence, 0, N(cases));
    tcase_add_test(tc, second_gateway_follows_only_its_own_home);
    suite_add_tcase(s, tc);
    return run_suite_status(s);
}
