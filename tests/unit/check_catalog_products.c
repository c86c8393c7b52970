#define _GNU_SOURCE
/*
 * The products of WSO2's Carbon 4 default-ports page (BAM, CEP, DAS, Machine
 * Learner, Storage Server, ELB, EMM, BPS, and ESB, MB, IS, API Manager and the
 * bare kernel, which the corpus also has), each shown by a small home written
 * for this suite (tests/fixtures/products/<p>).
 * Every home is copied to a scratch folder named "home", so detection can only
 * come from the product's marker files, never from a zip folder name.
 *
 * For each product: `ports --json` and `ports` name the product and version and
 * list every documented port with its shift; the JMX ports come from carbon.xml
 * (9999 registry, 11111 server), not from the page's swapped labels; `plan
 * --offset 2` moves the auto ports at runtime only, so `diff --offset 2` leaves
 * the files that hold them untouched, and `apply --offset 2` really does.
 */
#include <check.h>

#include "../support/runner.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/corpus.h"
#include "../support/tree.h"

#define CONF "repository/conf/"

typedef struct port {
    long port;
    const char *shift; /* "auto", "fixed" or "manual" */
    int active;
    const char *what;
    const char *file; /* NULL: a builtin (no config entry) */
} port;

typedef struct product {
    const char *fixture; /* folder under tests/fixtures/products */
    const char *id;
    const char *name;
    const char *version;
    const port *ports; /* the page's ports, then the Carbon ports the home writes */
    size_t nports;
    const char *edited[4]; /* the only files `diff --offset 2` may touch */
} product;

/* Ports every fixture home writes: the JMX pair (labels from carbon.xml, which the
 * page swaps) and the two Tomcat connectors. */
#define CARBON_PORTS                                                                               \
    {9999, "auto", 1, "JMX RMI registry", CONF "carbon.xml"},                                      \
        {11111, "auto", 1, "JMX RMI server", CONF "carbon.xml"},                                   \
        {9763, "auto", 1, "servlet transport (Tomcat connector)",                                  \
         CONF "tomcat/catalina-server.xml"},                                                       \
    {                                                                                              \
        9443, "auto", 1, "servlet transport (Tomcat connector)", CONF "tomcat/catalina-server.xml" \
    }

#define PT_PORTS                                                                                   \
    {8280, "auto", 1, "Synapse pass-through / NIO transport", CONF "axis2/axis2.xml"},             \
    {                                                                                              \
        8243, "auto", 1, "Synapse pass-through / NIO transport", CONF "axis2/axis2.xml"            \
    }

static const port bam_ports[] = {
    {9160, "auto", 1, "Cassandra Thrift clients (embedded Cassandra)", NULL},
    {7711, "auto", 1, "Thrift event receiver, SSL", NULL},
    {7611, "auto", 1, "Thrift event receiver", NULL},
    {21000, "auto", 1, "Hive Thrift server", NULL},
    CARBON_PORTS,
};

static const port cep_ports[] = {
    {9160, "auto", 1, "Cassandra Thrift clients (embedded Cassandra)", NULL},
    {7711, "auto", 1, "Thrift event receiver, SSL", NULL},
    {7611, "auto", 1, "Thrift event receiver", NULL},
    {11224, "auto", 1, "CEP HA management Thrift server", CONF "cep-ha-management.xml"},
    CARBON_PORTS,
};

/* The Carbon 4 page's DAS section is empty; DAS 3.2's own ports page lists these. */
static const port das_ports[] = {
    {7611, "auto", 1, "Thrift event receiver", NULL},
    {7711, "auto", 1, "Thrift event receiver, SSL", NULL},
    {9611, "auto", 1, "binary event receiver", NULL},
    {9711, "auto", 1, "binary event receiver, SSL", NULL},
    {4040, "auto", 1, "Spark UI", NULL},
    {12000, "auto", 1, "Spark block manager", NULL},
    {12500, "auto", 1, "Spark broadcast", NULL},
    {13000, "auto", 1, "Spark driver", NULL},
    {13500, "auto", 1, "Spark executor", NULL},
    {14000, "auto", 1, "Spark file server", NULL},
    {14500, "auto", 1, "Spark REPL class server", NULL},
    {18080, "auto", 0, "Spark history server UI (not started by default)", NULL},
    {7077, "auto", 0, "Spark master (cluster mode only)", NULL},
    {6066, "auto", 0, "Spark master REST (cluster mode only)", NULL},
    {8081, "auto", 0, "Spark master web UI (cluster mode only)", NULL},
    {10005, "auto", 0, "HA management (HA deployment only)", NULL},
    {11000, "auto", 0, "HA presenter receiver (HA deployment only)", NULL},
    {11224, "auto", 0, "HA event sync (HA deployment only)", NULL},
    CARBON_PORTS,
};

static const port ml_ports[] = {
    {7077, "fixed", 1, "Apache Spark master", NULL},
    {54321, "fixed", 1, "H2O", NULL},
    {4040, "fixed", 1, "Spark UI", NULL},
    CARBON_PORTS,
};

static const port ss_ports[] = {
    {7000, "auto", 1, "Cassandra inter-node (storage)", NULL},
    {7001, "auto", 1, "Cassandra inter-node, SSL", NULL},
    {9160, "auto", 1, "Cassandra Thrift clients", NULL},
    {7199, "fixed", 1, "Cassandra JMX", NULL},
    {54310, "fixed", 1, "HDFS default file system (name node)", NULL},
    {54311, "fixed", 1, "MapRed job tracker", NULL},
    {50470, "fixed", 1, "HDFS name node secure HTTP", NULL},
    {50475, "fixed", 1, "HDFS data node secure HTTP", NULL},
    {50010, "fixed", 1, "HDFS data node data transfer", NULL},
    {50075, "fixed", 1, "HDFS data node HTTP", NULL},
    {50020, "fixed", 1, "HDFS data node IPC", NULL},
    CARBON_PORTS,
};

static const port elb_ports[] = {
    PT_PORTS,
    CARBON_PORTS,
};

static const port emm_ports[] = {
    {10397, "manual", 1, "Thrift key validation server", CONF "api-manager.xml"},
    PT_PORTS,
    CARBON_PORTS,
};

static const port bps_ports[] = {
    {2199, "auto", 1, "JNDI provider (RMI registry for datasources)", NULL},
    CARBON_PORTS,
};

static const port esb_ports[] = {
    PT_PORTS,
    CARBON_PORTS,
};

/* broker.xml: every *_PORT is offset by Andes; the disabled MQTT SSL port opens nothing. */
static const port mb_ports[] = {
    {5672, "auto", 1, "broker transport (AMQP/MQTT)", CONF "broker.xml"},
    {8672, "auto", 1, "broker transport (AMQP/MQTT)", CONF "broker.xml"},
    {1883, "auto", 1, "broker transport (AMQP/MQTT)", CONF "broker.xml"},
    {8833, "auto", 0, "broker transport (AMQP/MQTT)", CONF "broker.xml"},
    {7611, "auto", 1, "broker coordination Thrift server", CONF "broker.xml"},
    CARBON_PORTS,
};

/* The page's "additional IS ports": offset through the ${Ports.*} templates. */
static const port is_ports[] = {
    {10389, "auto", 1, "embedded LDAP server", CONF "carbon.xml"},
    {8000, "auto", 1, "Kerberos KDC", CONF "carbon.xml"},
    {10500, "auto", 1, "Thrift entitlement service", CONF "carbon.xml"},
    CARBON_PORTS,
};

/* API Manager 1.x: 10397 written literally, documented as base + offset by hand. */
static const port apim_ports[] = {
    {10397, "manual", 1, "Thrift key validation server", CONF "api-manager.xml"},
    PT_PORTS,
    CARBON_PORTS,
};

static const port carbon_ports[] = {
    CARBON_PORTS,
};

#define PORTS(a) a, sizeof a / sizeof a[0]

static const product products[] = {
    {"bam",
     "bam",
     "WSO2 Business Activity Monitor",
     "2.5.0",
     PORTS(bam_ports),
     {CONF "carbon.xml"}},
    {"cep", "cep", "WSO2 Complex Event Processor", "3.1.0", PORTS(cep_ports), {CONF "carbon.xml"}},
    {"das",
     "analytics",
     "WSO2 Analytics (DAS / API-M Analytics)",
     "3.1.0",
     PORTS(das_ports),
     {CONF "carbon.xml"}},
    {"ml", "ml", "WSO2 Machine Learner", "1.1.0", PORTS(ml_ports), {CONF "carbon.xml"}},
    {"ss", "ss", "WSO2 Storage Server", "1.1.0", PORTS(ss_ports), {CONF "carbon.xml"}},
    {"elb", "elb", "WSO2 Elastic Load Balancer", "2.1.1", PORTS(elb_ports), {CONF "carbon.xml"}},
    /* 10397 is written literally and documented as base + offset by hand. */
    {"emm",
     "emm",
     "WSO2 Enterprise Mobility Manager",
     "2.0.0",
     PORTS(emm_ports),
     {CONF "carbon.xml", CONF "api-manager.xml"}},
    {"bps", "bps", "WSO2 Business Process Server", "3.5.1", PORTS(bps_ports), {CONF "carbon.xml"}},
    {"esb", "esb", "WSO2 Enterprise Service Bus", "4.9.0", PORTS(esb_ports), {CONF "carbon.xml"}},
    {"mb", "mb", "WSO2 Message Broker", "3.2.0", PORTS(mb_ports), {CONF "carbon.xml"}},
    {"is", "is", "WSO2 Identity Server", "5.3.0", PORTS(is_ports), {CONF "carbon.xml"}},
    {"apim",
     "apim",
     "WSO2 API Manager",
     "1.10.0",
     PORTS(apim_ports),
     {CONF "carbon.xml", CONF "api-manager.xml"}},
    /* No marker: any other Carbon 4 home is the kernel. */
    {"carbon", "carbon", "WSO2 Carbon", "4.4.9", PORTS(carbon_ports), {CONF "carbon.xml"}},
};

#define NPRODUCTS (sizeof products / sizeof products[0])

typedef struct home {
    char *scratch;
    char path[4096];
} home;

static void home_make(home *h, const product *p)
{
    char src[4096];
    snprintf(src, sizeof src, "%s/tests/fixtures/products/%s", PS_SOURCE_DIR, p->fixture);
    h->scratch = tree_scratch();
    ck_assert_ptr_nonnull(h->scratch);
    snprintf(h->path, sizeof h->path, "%s/home", h->scratch);
    ck_assert_int_eq(tree_copy(src, h->path), 0);
}

static void home_free(home *h)
{
    tree_remove(h->scratch);
    free(h->scratch);
}

static cli_result run(const home *h, const char *cmd)
{
    return cli_run(h->scratch, cmd);
}

/* The JSON object of `p` as the CLI writes it, up to its "file" member. A manual
 * port is written as base + offset by hand: at any offset it listens where an auto
 * port would, with its offset-0 base, and says "manual" (DESIGN §4). */
static void json_prefix(char *buf, size_t n, const port *p, long offset)
{
    char file[512];
    if (p->file)
        snprintf(file, sizeof file, "\"%s\"", p->file);
    else
        snprintf(file, sizeof file, "null");
    long effective = p->port + (strcmp(p->shift, "fixed") == 0 ? 0 : offset);
    snprintf(buf, n,
             "{\"port\":%ld,\"base\":%ld,\"shift\":\"%s\",\"active\":%s,\"what\":\"%s\","
             "\"file\":%s,",
             effective, p->port, p->shift, p->active ? "true" : "false", p->what, file);
}

static int count_of(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *s = strstr(hay, needle); s; s = strstr(s + 1, needle))
        n++;
    return n;
}

/* Every "shift" of a `ports --json` output is one schemas/plan.schema.json allows. */
static void assert_shifts_in_schema(const char *json, const char *what)
{
    char *schema = file_text(PS_SOURCE_DIR "/schemas/plan.schema.json");
    const char *at = strstr(schema, "\"shift\": {\"enum\": [");
    ck_assert_msg(at != NULL, "plan.schema.json has no shift enum");
    char *allowed = strndup(at, (size_t)(strchr(at, ']') - at + 1));
    for (const char *s = strstr(json, "\"shift\":\""); s; s = strstr(s + 1, "\"shift\":\"")) {
        const char *v = s + strlen("\"shift\":");
        char *value = strndup(v, (size_t)(strchr(v + 1, '"') - v + 1));
        ck_assert_msg(strstr(allowed, value), "%s: shift %s is not in the schema's %s", what, value,
                      allowed);
        free(value);
    }
    free(allowed);
    free(schema);
}

/* Checks `ports --json` of a home whose offset is `offset`: every documented
 * port, with the shift the JSON Schema names it by (a manual listener is
 * "manual", DESIGN §4). */
static void assert_json_ports(const home *h, const product *p, long offset)
{
    cli_result r = run(h, "ports --json home");
    ck_assert_msg(r.status == 0, "%s: ports --json: %d %s", p->fixture, r.status, r.err);
    assert_shifts_in_schema(r.out, p->fixture);
    char want[1024];
    snprintf(want, sizeof want, "\"product\":\"%s\",\"version\":\"%s\"", p->id, p->version);
    ck_assert_msg(strstr(r.out, want), "%s: no %s in %s", p->fixture, want, r.out);
    for (size_t i = 0; i < p->nports; i++) {
        json_prefix(want, sizeof want, &p->ports[i], offset);
        ck_assert_msg(strstr(r.out, want), "%s: missing %s\nin %s", p->fixture, want, r.out);
    }
    cli_result_free(&r);
}

START_TEST(detects_product_and_lists_documented_ports)
{
    const product *p = &products[_i];
    home h;
    home_make(&h, p);
    assert_json_ports(&h, p, 0);

    cli_result r = run(&h, "ports home");
    ck_assert_msg(r.status == 0, "%s: ports: %s", p->fixture, r.err);
    char want[1024];
    snprintf(want, sizeof want, "home (%s %s): offset 0\n", p->name, p->version);
    ck_assert_msg(strncmp(r.out, want, strlen(want)) == 0, "%s: header %s", p->fixture, r.out);
    for (size_t i = 0; i < p->nports; i++) {
        const port *q = &p->ports[i];
        snprintf(want, sizeof want, "%7ld  %-6s %-8s %s (%s%s", q->port, q->shift,
                 q->active ? "active" : "inactive", q->what, q->file ? "home/" : "",
                 q->file ? q->file : "built in)");
        ck_assert_msg(strstr(r.out, want), "%s: no line '%s' in\n%s", p->fixture, want, r.out);
    }
    cli_result_free(&r);
    home_free(&h);
}
END_TEST

/* The page labels 11111 "RMIRegistry" and 9999 "RMIServer"; carbon.xml says the
 * opposite and wins: each port is listed once, from carbon.xml, with its label. */
START_TEST(jmx_ports_come_from_carbon_xml)
{
    const product *p = &products[_i];
    home h;
    home_make(&h, p);
    cli_result r = run(&h, "ports --json home");
    ck_assert_int_eq(r.status, 0);
    ck_assert_msg(strstr(r.out, "{\"port\":9999,\"base\":9999,\"shift\":\"auto\",\"active\":true,"
                                "\"what\":\"JMX RMI registry\",\"file\":\"" CONF "carbon.xml\""),
                  "%s: 9999 is not carbon.xml's RMI registry: %s", p->fixture, r.out);
    ck_assert_msg(strstr(r.out, "{\"port\":11111,\"base\":11111,\"shift\":\"auto\",\"active\":true,"
                                "\"what\":\"JMX RMI server\",\"file\":\"" CONF "carbon.xml\""),
                  "%s: 11111 is not carbon.xml's RMI server: %s", p->fixture, r.out);
    ck_assert_msg(count_of(r.out, "{\"port\":9999,") == 1, "%s: 9999 twice", p->fixture);
    ck_assert_msg(count_of(r.out, "{\"port\":11111,") == 1, "%s: 11111 twice", p->fixture);
    ck_assert_msg(!strstr(r.out, "RMIServer port") && !strstr(r.out, "RMIRegistry port"),
                  "%s: a page label leaked in: %s", p->fixture, r.out);
    cli_result_free(&r);
    home_free(&h);
}
END_TEST

static int is_edited(const product *p, const char *rel)
{
    for (size_t i = 0; i < sizeof p->edited / sizeof p->edited[0] && p->edited[i]; i++)
        if (strcmp(p->edited[i], rel) == 0)
            return 1;
    return 0;
}

/* Carbon offsets the auto ports at runtime: plan says so for each, and neither
 * diff nor apply touches the files that hold them. */
START_TEST(offset_2_leaves_auto_port_files_unchanged)
{
    const product *p = &products[_i];
    home h;
    home_make(&h, p);
    snapshot before, after;
    snapshot_take(&before, h.path);

    cli_result r = run(&h, "plan --offset 2 home");
    ck_assert_msg(r.status == 0, "%s: plan: %d %s", p->fixture, r.status, r.err);
    ck_assert_msg(strstr(r.out, "offset 0 -> 2"), "%s: %s", p->fixture, r.out);
    char want[1024];
    for (size_t i = 0; i < p->nports; i++) {
        const port *q = &p->ports[i];
        if (strcmp(q->shift, "manual") == 0) {
            snprintf(want, sizeof want, "listener %ld, %s, manual: %ld -> %ld", q->port, q->what,
                     q->port, q->port + 2);
        } else {
            long eff = q->port + (strcmp(q->shift, "auto") == 0 ? 2 : 0);
            snprintf(want, sizeof want, "listener %ld, %s, %s%s: listens on %ld, unchanged",
                     q->port, q->what, q->shift, q->active ? "" : ", inactive", eff);
        }
        ck_assert_msg(strstr(r.out, want), "%s: plan lacks '%s':\n%s", p->fixture, want, r.out);
        if (!q->file)
            continue;
        /* The site is in a file: plan names it with the file's path. */
        snprintf(want, sizeof want, "%s:", q->file);
        ck_assert_msg(strstr(r.out, want), "%s: plan does not name %s", p->fixture, q->file);
    }
    cli_result_free(&r);
    snapshot_take(&after, h.path);
    char *d = snapshot_diff(&before, &after);
    ck_assert_msg(d == NULL, "%s: plan wrote: %s", p->fixture, d);
    snapshot_free(&after);

    r = run(&h, "diff --offset 2 home");
    ck_assert_msg(r.status == 1, "%s: diff: %d %s", p->fixture, r.status, r.err);
    for (size_t i = 0; i < p->nports; i++) {
        const port *q = &p->ports[i];
        if (!q->file || strcmp(q->shift, "auto") != 0 || is_edited(p, q->file))
            continue;
        snprintf(want, sizeof want, "+++ b/home/%s\n", q->file);
        ck_assert_msg(!strstr(r.out, want), "%s: diff edits %s:\n%s", p->fixture, q->file, r.out);
    }
    for (const char *s = strstr(r.out, "+++ b/home/"); s; s = strstr(s + 1, "+++ b/home/")) {
        char rel[512];
        sscanf(s + strlen("+++ b/home/"), "%511s", rel);
        ck_assert_msg(is_edited(p, rel), "%s: diff edits %s", p->fixture, rel);
    }
    /* carbon.xml changes only in its offset. */
    ck_assert_msg(strstr(r.out, "-        <Offset>0</Offset>\n+        <Offset>2</Offset>\n"),
                  "%s: %s", p->fixture, r.out);
    ck_assert_int_eq(count_of(r.out, "\n-") - count_of(r.out, "\n--- "),
                     count_of(r.out, "\n+") - count_of(r.out, "\n+++ "));
    cli_result_free(&r);

    r = run(&h, "apply --offset 2 home");
    ck_assert_msg(r.status == 0, "%s: apply: %d %s", p->fixture, r.status, r.err);
    cli_result_free(&r);
    snapshot_take(&after, h.path);
    for (size_t i = 0; i < before.count; i++) {
        const snap_file *a = &before.files[i];
        const snap_file *b = NULL;
        for (size_t k = 0; k < after.count && !b; k++)
            if (strcmp(after.files[k].rel, a->rel) == 0)
                b = &after.files[k];
        ck_assert_msg(b != NULL, "%s: %s vanished", p->fixture, a->rel);
        int same = a->len == b->len && memcmp(a->data, b->data, a->len) == 0;
        ck_assert_msg(same || is_edited(p, a->rel), "%s: apply changed %s", p->fixture, a->rel);
    }
    snapshot_free(&after);
    snapshot_free(&before);
    /* At offset 2 the auto ports listen on base + 2; the base values stay. */
    assert_json_ports(&h, p, 2);
    home_free(&h);
}
END_TEST

/* Marker order: a home that ships another product's marker files too. */
START_TEST(markers_win_over_shared_files)
{
    static const struct {
        const char *fixture, *id, *shared;
    } cases[] = {
        /* ML ships repository/conf/analytics and analytics-datasources.xml. */
        {"ml", "ml", CONF "datasources/analytics-datasources.xml"},
        /* EMM ships api-manager.xml (apim) and synapse.properties (esb). */
        {"emm", "emm", CONF "api-manager.xml"},
        {"emm", "emm", CONF "synapse.properties"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const product *p = NULL;
        for (size_t k = 0; k < NPRODUCTS && !p; k++)
            if (strcmp(products[k].fixture, cases[i].fixture) == 0)
                p = &products[k];
        ck_assert_ptr_nonnull(p);
        home h;
        home_make(&h, p);
        char path[4600];
        snprintf(path, sizeof path, "%s/%s", h.path, cases[i].shared);
        FILE *f = fopen(path, "r");
        ck_assert_msg(f != NULL, "%s lacks %s", cases[i].fixture, cases[i].shared);
        fclose(f);
        cli_result r = run(&h, "ports --json home");
        ck_assert_int_eq(r.status, 0);
        char want[256];
        snprintf(want, sizeof want, "\"product\":\"%s\"", cases[i].id);
        ck_assert_msg(strstr(r.out, want), "%s: %s", cases[i].fixture, r.out);
        cli_result_free(&r);
        home_free(&h);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("catalog_products");
    TCase *tc = tcase_create("carbon4_page");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, detects_product_and_lists_documented_ports, 0, (int)NPRODUCTS);
    tcase_add_loop_test(tc, jmx_ports_come_from_carbon_xml, 0, (int)NPRODUCTS);
    tcase_add_loop_test(tc, offset_2_leaves_auto_port_files_unchanged, 0, (int)NPRODUCTS);
    tcase_add_test(tc, markers_win_over_shared_files);
    suite_add_tcase(s, tc);
    int failed = run_suite(s);
    return failed ? 1 : 0;
}
