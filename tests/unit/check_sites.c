/*
 * ps_sites_find on config files held in memory: the built-in catalog
 * classifies each port occurrence of one runtime (offset setting, listener
 * and how it shifts, self reference, reference to a server of another role,
 * placeholder, start-time offset), at its exact line:col, with a span that
 * covers the bytes an edit would replace. One row a case; no file on disk,
 * no CLI in between. Columns were counted by hand from the texts below.
 */
#include "sites/sites.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/runner.h"
#include "../support/xalloc.h"
#include "base/strbuf.h"

/* ---- the files ---------------------------------------------------------- */

static const char carbon_xml[] = /* Offset 2 at 5:13 */
    "<Server xmlns=\"http://wso2.org/projects/carbon/carbon.xml\">\n"
    "  <Version>4.4.9</Version>\n"
    "  <HostName>esb.example.com</HostName>\n"
    "  <Ports>\n"
    "    <Offset>2</Offset>\n"
    "  </Ports>\n"
    "</Server>\n";

static const char catalina_xml[] = /* 8005 at 1:15; 9763 at 3:42, 9443 at 3:62; 9443 at 4:42 */
    "<Server port=\"8005\" shutdown=\"SHUTDOWN\">\n"
    "  <Service name=\"Catalina\">\n"
    "    <Connector protocol=\"HTTP/1.1\" port=\"9763\" redirectPort=\"9443\"/>\n"
    "    <Connector protocol=\"HTTP/1.1\" port=\"9443\" SSLEnabled=\"true\" scheme=\"https\"/>\n"
    "  </Service>\n"
    "</Server>\n";

/* 45564 at 4:33, 4000 at 5:39 */
#define AXIS2_XML(enable)                                                                          \
    "<axisconfig name=\"AxisJava2.0\">\n"                                                          \
    "  <clustering class=\"org.wso2.carbon.core.clustering.hazelcast.HazelcastClusteringAgent\" "  \
    "enable=\"" enable "\">\n"                                                                     \
    "    <parameter name=\"membershipScheme\">multicast</parameter>\n"                             \
    "    <parameter name=\"mcastPort\">45564</parameter>\n"                                        \
    "    <parameter name=\"localMemberPort\">4000</parameter>\n"                                   \
    "  </clustering>\n"                                                                            \
    "</axisconfig>\n"

static const char refs_xml[] = /* 9443 at 2:27; 9443 at 3:34; 9763 at 4:33; ${ at 5:34 */
    "<Config>\n"
    "  <Self>https://localhost:9443/services/</Self>\n"
    "  <Remote>https://db.example.org:9443/x</Remote>\n"
    "  <Mine>https://esb.example.com:9763/y</Mine>\n"
    "  <Placeholder>https://localhost:${mgt.transport.https.port}/z</Placeholder>\n"
    "</Config>\n";

static const char odd_refs_xml[] = /* 9443 at 2:26 (commented out); 9000 at 3:31 */
    "<Config>\n"
    "  <!-- https://localhost:9443/commented -->\n"
    "  <Rx regex=\"http://localhost:9000.*\"/>\n"
    "</Config>\n";

#define CARBON_VERSION_XML(v)                                                                      \
    "<Server xmlns=\"http://wso2.org/projects/carbon/carbon.xml\">\n"                              \
    "  <Version>" v "</Version>\n"                                                                 \
    "  <Ports>\n"                                                                                  \
    "    <Offset>0</Offset>\n"                                                                     \
    "  </Ports>\n"                                                                                 \
    "</Server>\n"

static const char api_manager_xml[] = /* 9444 at 3:34; 7612 at 6:36; 10397 at 9:23 and 10:23 */
    "<APIManager>\n"
    "  <AuthManager>\n"
    "    <ServerURL>https://localhost:9444/services/</ServerURL>\n"
    "  </AuthManager>\n"
    "  <APIUsageTracking>\n"
    "    <DASServerURL>{tcp://localhost:7612}</DASServerURL>\n"
    "  </APIUsageTracking>\n"
    "  <APIKeyValidator>\n"
    "    <ThriftServerPort>10397</ThriftServerPort>\n"
    "    <ThriftClientPort>10397</ThriftClientPort>\n"
    "  </APIKeyValidator>\n"
    "</APIManager>\n";

static const char ws_inbound_xml[] = /* 9099 at 3:43 */
    "<inboundEndpoint xmlns=\"http://ws.apache.org/ns/synapse\" name=\"WebSocketInboundEndpoint\" "
    "protocol=\"ws\" suspend=\"false\">\n"
    "    <parameters>\n"
    "        <parameter name=\"inbound.ws.port\">9099</parameter>\n"
    "        <parameter name=\"ws.use.port.offset\">true</parameter>\n"
    "    </parameters>\n"
    "</inboundEndpoint>\n";

#define CONF "repository/conf/"
#define INBOUND "repository/deployment/server/synapse-configs/default/inbound-endpoints/"

/* ---- the cases ---------------------------------------------------------- */

enum { NO_SITE = -1 };

typedef struct in_file {
    const char *rel; /* relative to the home */
    const char *text;
} in_file;

typedef struct want_site {
    int kind;        /* a ps_site_kind, or NO_SITE: nothing is classified at rel:line:col */
    const char *rel; /* NULL: a listener the product opens with no config entry */
    int line, col;
    long value;
    const char *text; /* the span's bytes; NULL: the value's digits (nothing for an insertion) */
    ps_shift shift;   /* listeners */
    int active, shared, https_main;
    const char *role; /* references */
    int self_only;
    ps_insert insert; /* the offset setting */
} want_site;

typedef struct sites_case {
    const char *label;
    const char *product, *conf_rel;
    ps_mode mode;
    in_file files[3];
    want_site want;
    long offset; /* the offset the runtime runs at (ps_sites.offset); -1: not asserted */
} sites_case;

/* Where the site is and its number: the fields every row sets. */
#define AT(k, r, l, c, v) .kind = k, .rel = r, .line = l, .col = c, .value = v
#define L PS_SITE_LISTENER
#define R PS_SITE_REFERENCE
#define XML PS_MODE_XML
#define TOML PS_MODE_TOML

/* clang-format off */
static const sites_case cases[] = {
    /* ---- the offset ---- */
    {"carbon.xml <Offset>", "carbon", "repository/conf", XML,
     {{CONF "carbon.xml", carbon_xml}},
     {AT(PS_SITE_OFFSET, CONF "carbon.xml", 5, 13, 2)}, 2},
    {"deployment.toml [server] offset", "is", "repository/conf", TOML,
     {{CONF "deployment.toml", "[server]\nhostname = \"localhost\"\noffset = 3\n"}},
     {AT(PS_SITE_OFFSET, CONF "deployment.toml", 3, 10, 3)}, 3},
    {"deployment.toml offset in hexadecimal: the span is the whole number", "is", "repository/conf",
     TOML, {{CONF "deployment.toml", "[server]\noffset = 0x3\n"}},
     {AT(PS_SITE_OFFSET, CONF "deployment.toml", 2, 10, 3), .text = "0x3"}, 3},
    {"deployment.toml dotted server.offset", "is", "repository/conf", TOML,
     {{CONF "deployment.toml", "server.offset = 4\n"}},
     {AT(PS_SITE_OFFSET, CONF "deployment.toml", 1, 17, 4)}, 4},
    {"deployment.toml commented #offset: a key line goes into [server]", "is", "repository/conf",
     TOML, {{CONF "deployment.toml", "[server]\nhostname = \"localhost\"\n#offset=0\n\n[user_store]\n"}},
     {AT(PS_SITE_OFFSET, CONF "deployment.toml", 4, 1, 0), .text = "", .insert = PS_INSERT_KEY}, 0},
    {"deployment.toml with no [server]: a table at the end", "is", "repository/conf", TOML,
     {{CONF "deployment.toml", "[keystore.tls]\nfile_name = \"x.jks\"\n"}},
     {AT(PS_SITE_OFFSET, CONF "deployment.toml", 3, 1, 0), .text = "", .insert = PS_INSERT_TABLE}, 0},
    {"Micro Integrator without an offset key runs at its default 10", "mi", "conf", TOML,
     {{"conf/deployment.toml", "[keystore.tls]\nfile_name = \"x.jks\"\n"}},
     {AT(PS_SITE_OFFSET, "conf/deployment.toml", 3, 1, 10), .text = "", .insert = PS_INSERT_TABLE}, 10},
    {"-DportOffset in a start script: the runtime starts there", "carbon", "repository/conf", XML,
     {{CONF "carbon.xml", carbon_xml}, {"bin/wso2server.sh", "#!/bin/sh\nexec java -DportOffset=5 -jar x.jar\n"}},
     {AT(PS_SITE_START, "bin/wso2server.sh", 2, 24, 5)}, 5},

    /* ---- listeners ---- */
    {"HTTPS connector: auto, the main HTTPS port", "carbon", "repository/conf", XML,
     {{CONF "tomcat/catalina-server.xml", catalina_xml}},
     {AT(L, CONF "tomcat/catalina-server.xml", 4, 42, 9443), .shift = PS_SHIFT_AUTO, .active = 1, .https_main = 1}, -1},
    {"HTTP connector: auto", "carbon", "repository/conf", XML,
     {{CONF "tomcat/catalina-server.xml", catalina_xml}},
     {AT(L, CONF "tomcat/catalina-server.xml", 3, 42, 9763), .shift = PS_SHIFT_AUTO, .active = 1}, -1},
    {"Tomcat shutdown port: never opened", "carbon", "repository/conf", XML,
     {{CONF "tomcat/catalina-server.xml", catalina_xml}},
     {AT(L, CONF "tomcat/catalina-server.xml", 1, 15, 8005), .shift = PS_SHIFT_FIXED, .active = 0}, -1},
    {"Hazelcast member port 4000: fixed", "carbon", "repository/conf", XML,
     {{CONF "axis2/axis2.xml", AXIS2_XML("true")}},
     {AT(L, CONF "axis2/axis2.xml", 5, 39, 4000), .shift = PS_SHIFT_FIXED, .active = 1}, -1},
    {"multicast port 45564: fixed, shared by the servers of a host", "carbon", "repository/conf", XML,
     {{CONF "axis2/axis2.xml", AXIS2_XML("true")}},
     {AT(L, CONF "axis2/axis2.xml", 4, 33, 45564), .shift = PS_SHIFT_FIXED, .active = 1, .shared = 1}, -1},
    {"clustering off: the member port opens no socket", "carbon", "repository/conf", XML,
     {{CONF "axis2/axis2.xml", AXIS2_XML("false")}},
     {AT(L, CONF "axis2/axis2.xml", 5, 39, 4000), .shift = PS_SHIFT_FIXED, .active = 0}, -1},
    {"API-M 1.x ThriftServerPort: manual (base + offset by hand)", "apim", "repository/conf", XML,
     {{CONF "api-manager.xml", api_manager_xml}, {CONF "carbon.xml", CARBON_VERSION_XML("1.10.0")}},
     {AT(L, CONF "api-manager.xml", 9, 23, 10397), .shift = PS_SHIFT_MANUAL, .active = 1}, 0},
    {"API-M 2.x ThriftServerPort written out: pinned, fixed", "apim", "repository/conf", XML,
     {{CONF "api-manager.xml", api_manager_xml}, {CONF "carbon.xml", CARBON_VERSION_XML("2.6.0")}},
     {AT(L, CONF "api-manager.xml", 9, 23, 10397), .shift = PS_SHIFT_FIXED, .active = 1}, 0},
    {"API-M 2.x embedded broker: a listener with no config entry", "apim", "repository/conf", XML,
     {{CONF "carbon.xml", CARBON_VERSION_XML("2.6.0")}},
     {AT(L, NULL, 0, 0, 5672), .shift = PS_SHIFT_AUTO, .active = 1}, 0},
    {"WebSocket inbound endpoint with ws.use.port.offset: auto", "apim", "repository/conf", XML,
     {{CONF "carbon.xml", CARBON_VERSION_XML("2.6.0")}, {INBOUND "WebSocketInboundEndpoint.xml", ws_inbound_xml}},
     {AT(L, INBOUND "WebSocketInboundEndpoint.xml", 3, 43, 9099), .shift = PS_SHIFT_AUTO, .active = 1}, 0},

    /* ---- references ---- */
    {"redirectPort: its own runtime's HTTPS connector", "carbon", "repository/conf", XML,
     {{CONF "tomcat/catalina-server.xml", catalina_xml}},
     {AT(R, CONF "tomcat/catalina-server.xml", 3, 62, 9443), .self_only = 1}, -1},
    {"a localhost URL in any file: a literal local reference", "carbon", "repository/conf", XML,
     {{CONF "carbon.xml", carbon_xml}, {CONF "refs.xml", refs_xml}},
     {AT(R, CONF "refs.xml", 2, 27, 9443)}, 2},
    {"a URL with the install's own HostName", "carbon", "repository/conf", XML,
     {{CONF "carbon.xml", carbon_xml}, {CONF "refs.xml", refs_xml}},
     {AT(R, CONF "refs.xml", 4, 33, 9763)}, 2},
    {"a URL on another machine: no site", "carbon", "repository/conf", XML,
     {{CONF "carbon.xml", carbon_xml}, {CONF "refs.xml", refs_xml}},
     {AT(NO_SITE, CONF "refs.xml", 3, 34, 9443)}, 2},
    {"a reference in a comment: no site", "carbon", "repository/conf", XML,
     {{CONF "odd.xml", odd_refs_xml}},
     {AT(NO_SITE, CONF "odd.xml", 2, 26, 9443)}, -1},
    {"a reference inside a regular expression: the digits only", "carbon", "repository/conf", XML,
     {{CONF "odd.xml", odd_refs_xml}},
     {AT(R, CONF "odd.xml", 3, 31, 9000)}, -1},
    {"a ${...} port: a placeholder, offset at runtime", "carbon", "repository/conf", XML,
     {{CONF "carbon.xml", carbon_xml}, {CONF "refs.xml", refs_xml}},
     {AT(PS_SITE_PLACEHOLDER, CONF "refs.xml", 5, 34, 0), .text = "${mgt.transport.https.port}"}, 2},
    {"API-M AuthManager/ServerURL: the key manager, another server", "apim", "repository/conf", XML,
     {{CONF "api-manager.xml", api_manager_xml}, {CONF "carbon.xml", CARBON_VERSION_XML("2.6.0")}},
     {AT(R, CONF "api-manager.xml", 3, 34, 9444), .role = "key-manager"}, 0},
    {"API-M DASServerURL in braces: the analytics server", "apim", "repository/conf", XML,
     {{CONF "api-manager.xml", api_manager_xml}, {CONF "carbon.xml", CARBON_VERSION_XML("1.10.0")}},
     {AT(R, CONF "api-manager.xml", 6, 36, 7612), .role = "analytics"}, 0},
    {"API-M ThriftClientPort: a reference to the key manager's Thrift port", "apim", "repository/conf", XML,
     {{CONF "api-manager.xml", api_manager_xml}, {CONF "carbon.xml", CARBON_VERSION_XML("1.10.0")}},
     {AT(R, CONF "api-manager.xml", 10, 23, 10397)}, 0},
};
/* clang-format on */

/* ---- running a case ----------------------------------------------------- */

static const char *const kind_names[] = {"offset", "listener", "reference", "placeholder", "start"};

static const char *kind_name(int kind)
{
    return kind == NO_SITE ? "no site" : kind_names[kind];
}

static int cmp_rel(const void *a, const void *b)
{
    return strcmp(((const ps_cfile *)a)->rel, ((const ps_cfile *)b)->rel);
}

/* The files of case c as a runtime's config, parsed as the loader parses them. */
static void load_files(const sites_case *c, const ps_runtime *rt, ps_config *cfg)
{
    size_t n = 0;
    while (n < 3 && c->files[n].rel)
        n++;
    cfg->files = xcalloc(n, sizeof *cfg->files);
    cfg->nfiles = n;
    size_t conf = strlen(rt->conf_rel) + 1, deploy = strlen(rt->deploy_rel) + 1;
    for (size_t k = 0; k < n; k++) {
        ps_cfile *f = &cfg->files[k];
        const char *rel = c->files[k].rel;
        f->rel = xstrdup(rel);
        f->path = xasprintf("home/%s", rel);
        if (strncmp(rel, "bin/", 4) == 0) {
            f->root = PS_ROOT_BIN;
            f->root_rel = xstrdup(rel);
            f->is_script = 1;
        } else if (strncmp(rel, rt->deploy_rel, deploy - 1) == 0) {
            f->root = PS_ROOT_DEPLOYMENT;
            f->root_rel = xstrdup(rel + deploy);
        } else {
            f->root = PS_ROOT_CONF;
            f->root_rel = xstrdup(rel + conf);
        }
        f->is_toml = strstr(rel, ".toml") != NULL;
        f->data = xstrdup(c->files[k].text);
        f->len = strlen(f->data);
        ps_error err = {0};
        ck_assert_msg(ps_cfile_parse(f, &err) == 0, "[%s] %s: %d:%d %s", c->label, rel, err.line,
                      err.col, err.message);
    }
    qsort(cfg->files, n, sizeof *cfg->files, cmp_rel); /* as the loader keeps them */
}

static const ps_site *find_site(const ps_sites *s, const want_site *w)
{
    for (size_t i = 0; i < s->count; i++) {
        const ps_site *x = &s->items[i];
        if (!w->rel ? !x->file && x->value == w->value
                    : x->file && strcmp(x->file->rel, w->rel) == 0 && x->line == w->line &&
                          x->col == w->col)
            return x;
    }
    return NULL;
}

START_TEST(classifies_each_port_occurrence)
{
    const sites_case *c = &cases[_i];
    ps_catalog *cat;
    ps_error err = {0};
    ck_assert_int_eq(ps_catalog_builtin(&cat, &err), 0);
    const ps_product *product = NULL;
    for (size_t i = 0; i < cat->nproducts; i++)
        if (strcmp(cat->products[i].id, c->product) == 0)
            product = &cat->products[i];
    ck_assert_msg(product != NULL, "[%s] no product %s in the catalog", c->label, c->product);
    /* A toml-mode home has its templates folder; the files are whatever the row gives. */
    ps_runtime rt = {.name = "",
                     .conf_rel = (char *)c->conf_rel,
                     .deploy_rel = "repository/deployment/server",
                     .product = product,
                     .version = "",
                     .mode = c->mode,
                     .templates_rel =
                         c->mode == PS_MODE_TOML ? "repository/resources/conf/templates" : NULL};
    ps_config cfg = {0};
    load_files(c, &rt, &cfg);

    ps_sites s;
    ck_assert_msg(ps_sites_find(&s, cat, &rt, &cfg, "", &err) == 0, "[%s] refused: %s:%d:%d %s",
                  c->label, err.path, err.line, err.col, err.message);
    const want_site *w = &c->want;
    const ps_site *x = find_site(&s, w);
    if (w->kind == NO_SITE) {
        ck_assert_msg(x == NULL, "[%s] %s:%d:%d is a %s site", c->label, w->rel, w->line, w->col,
                      x ? kind_name((int)x->kind) : "");
    } else {
        ck_assert_msg(x != NULL, "[%s] no site at %s:%d:%d", c->label,
                      w->rel ? w->rel : "(builtin)", w->line, w->col);
        ck_assert_msg((int)x->kind == w->kind, "[%s] a %s, want a %s", c->label,
                      kind_name((int)x->kind), kind_name(w->kind));
        ck_assert_int_eq(x->value, w->value);
        if (x->file) { /* the bytes an edit of it replaces */
            char digits[24];
            snprintf(digits, sizeof digits, "%ld", w->value);
            const char *text = w->text ? w->text : digits;
            ck_assert_msg(x->span.end - x->span.start == strlen(text) &&
                              memcmp(x->file->data + x->span.start, text, strlen(text)) == 0,
                          "[%s] span '%.*s', want '%s'", c->label,
                          (int)(x->span.end - x->span.start), x->file->data + x->span.start, text);
        }
        if (w->kind == PS_SITE_LISTENER) {
            ck_assert_int_eq(x->shift, w->shift);
            ck_assert_int_eq(x->active, w->active);
            ck_assert_int_eq(x->shared, w->shared);
            ck_assert_int_eq(x->https_main, w->https_main);
        }
        if (w->kind == PS_SITE_REFERENCE) {
            ck_assert_msg(w->role ? x->role && strcmp(x->role, w->role) == 0 : !x->role,
                          "[%s] role %s, want %s", c->label, x->role ? x->role : "none",
                          w->role ? w->role : "none");
            ck_assert_int_eq(x->self_only, w->self_only);
        }
        if (w->kind == PS_SITE_OFFSET)
            ck_assert_int_eq(x->insert, w->insert);
    }
    if (c->offset >= 0)
        ck_assert_int_eq(s.offset, c->offset);
    ps_sites_free(&s);
    ps_config_free(&cfg);
    ps_catalog_free(cat);
}
END_TEST

static Suite *sites_suite(void)
{
    Suite *s = suite_create("sites");
    TCase *tc = tcase_create("classify");
    tcase_add_loop_test(tc, classifies_each_port_occurrence, 0, N(cases));
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite_status(sites_suite());
}
