/*
 * The CLI on the project's own homes (examples/ and tests/fixtures/cli/),
 * each copied to a scratch folder: the quick start's diff, a diff that patch
 * and git take, a reference that follows another home of the same call, the
 * offset a start script sets with -DportOffset, and the JSON plan.
 */
#define _GNU_SOURCE
#include <check.h>

#include "../support/runner.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../support/tree.h"

typedef struct scratch {
    char *dir;
} scratch;

static void with(scratch *s, const char *src, const char *name)
{
    if (!s->dir)
        s->dir = tree_scratch();
    char from[4096], to[4200];
    snprintf(from, sizeof from, "%s/%s", PS_SOURCE_DIR, src);
    snprintf(to, sizeof to, "%s/%s", s->dir, name);
    ck_assert_int_eq(tree_copy(from, to), 0);
}

static void done(scratch *s)
{
    tree_remove(s->dir);
    free(s->dir);
}

static cli_result run(const scratch *s, const char *cmd)
{
    return cli_run(s->dir, cmd);
}

/* The changed lines of a unified diff, '-' and '+' lines without the headers. */
static char *changes(const char *diff)
{
    size_t n = 0;
    char *out = NULL;
    FILE *f = open_memstream(&out, &n);
    for (const char *p = diff; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) + 1 : strlen(p);
        if ((*p == '-' || *p == '+') && strncmp(p, "---", 3) && strncmp(p, "+++", 3))
            fwrite(p, 1, len, f);
        p += len;
    }
    fclose(f);
    return out;
}

START_TEST(quick_start_diff_shows_the_manual_exceptions)
{
    scratch s = {0};
    with(&s, "examples/apim-2.6-home", "home");
    cli_result r = run(&s, "diff --offset 2 home");
    ck_assert_int_eq(r.status, 1);
    /* The summary line: the five edits below, in four files. */
    ck_assert_str_eq(r.err, "portshift: diff: 1 home, 4 files, 5 edits\n");
    /* Written from the example's files: the offset, the two broker URLs, the
     * redirect and the workflow callback move; nothing else. */
    const char *want =
        "-        <Offset>0</Offset>\n"
        "+        <Offset>2</Offset>\n"
        "-connectionfactory.TopicConnectionFactory = "
        "amqp://admin:admin@clientid/carbon?brokerlist='tcp://localhost:5672'\n"
        "-connectionfactory.QueueConnectionFactory = "
        "amqp://admin:admin@clientID/test?brokerlist='tcp://localhost:5672'\n"
        "+connectionfactory.TopicConnectionFactory = "
        "amqp://admin:admin@clientid/carbon?brokerlist='tcp://localhost:5674'\n"
        "+connectionfactory.QueueConnectionFactory = "
        "amqp://admin:admin@clientID/test?brokerlist='tcp://localhost:5674'\n"
        "-                   redirectPort=\"9443\"\n"
        "+                   redirectPort=\"9445\"\n"
        "-                    <address "
        "uri=\"https://localhost:9443/store/site/blocks/workflow/workflow-listener/ajax/"
        "workflow-listener.jag\"/>\n"
        "+                    <address "
        "uri=\"https://localhost:9445/store/site/blocks/workflow/workflow-listener/ajax/"
        "workflow-listener.jag\"/>\n";
    char *got = changes(r.out);
    ck_assert_str_eq(got, want);
    free(got);
    ck_assert(strstr(r.out, "--- a/home/repository/conf/carbon.xml\n"
                            "+++ b/home/repository/conf/carbon.xml\n"));

    char patch[4200];
    snprintf(patch, sizeof patch, "%s/p.diff", s.dir);
    FILE *f = fopen(patch, "w");
    fputs(r.out, f);
    fclose(f);
    cli_result_free(&r);
    ck_assert_int_eq(run_cmd("cd '%s' && patch -s -p1 < p.diff", s.dir), 0);
    r = run(&s, "diff --offset 2 home");
    ck_assert_int_eq(r.status, 0); /* the patched home is at offset 2 */
    ck_assert_str_eq(r.out, "");
    cli_result_free(&r);
    done(&s);
}
END_TEST

START_TEST(reference_follows_the_home_that_owns_it)
{
    scratch s = {0};
    with(&s, "tests/fixtures/cli/is-km", "is");
    with(&s, "tests/fixtures/cli/apim-gw", "apim");
    snapshot before, after;
    char apim[4200];
    snprintf(apim, sizeof apim, "%s/apim", s.dir);

    /* Alone, API-M cannot know who listens on 9444: the URL stays. */
    cli_result r = run(&s, "plan --offset 0 apim");
    ck_assert(strstr(r.out, "api-manager.xml:4:38: reference 9444, role key-manager: no runtime "
                            "in this call listens on it, left alone"));
    cli_result_free(&r);

    snapshot_take(&before, apim);
    r = run(&s, "apply is=2 apim");
    ck_assert_msg(r.status == 0, "%s", r.err);
    cli_result_free(&r);
    snapshot_take(&after, apim);
    for (size_t i = 0; i < before.count; i++) {
        const snap_file *a = &before.files[i], *b = &after.files[i];
        if (strcmp(a->rel, "repository/conf/api-manager.xml") == 0)
            ck_assert(memmem(b->data, b->len, "https://localhost:9445/services/", 32));
        else
            ck_assert_msg(a->len == b->len && !memcmp(a->data, b->data, a->len), "%s changed",
                          a->rel);
    }
    snapshot_free(&before);
    snapshot_free(&after);

    /* Two other homes on the same port, moving apart: ambiguous, left alone, said so. */
    with(&s, "tests/fixtures/cli/is-km", "is2");
    r = run(&s, "apply is2=2");
    ck_assert_int_eq(r.status, 0);
    cli_result_free(&r);
    r = run(&s, "plan is=3 is2=4 apim");
    ck_assert(strstr(
        r.out, "reference 9445, role key-manager: several runtimes listen on it, left alone"));
    cli_result_free(&r);
    done(&s);
}
END_TEST

/* A start script's -DportOffset is the offset the server runs at (it beats
 * carbon.xml): diff sets it with the config's, leaving a comment and a value
 * passed in ($OFFSET) alone, and says a product update of bin/ reverts it. */
START_TEST(start_script_offset_is_set_with_the_config)
{
    scratch s = {0};
    with(&s, "examples/apim-2.6-home", "home");
    char bin[4200];
    snprintf(bin, sizeof bin, "%s/home/bin", s.dir);
    mkdir(bin, 0755);
    strcat(bin, "/wso2server.sh");
    FILE *f = fopen(bin, "w");
    fputs("#!/bin/sh\n"
          "# -DportOffset=1 in a comment is not a setting\n"
          "exec java -DportOffset=$OFFSET \\\n"
          "    -Dcarbon.home=\"$CARBON_HOME\" -DportOffset=2 org.wso2.carbon.bootstrap.Bootstrap\n",
          f);
    fclose(f);
    cli_result r = run(&s, "diff --offset 1 home");
    ck_assert_int_eq(r.status, 1);
    char *got = changes(r.out);
    ck_assert_str_eq(got, "-    -Dcarbon.home=\"$CARBON_HOME\" -DportOffset=2 "
                          "org.wso2.carbon.bootstrap.Bootstrap\n"
                          "+    -Dcarbon.home=\"$CARBON_HOME\" -DportOffset=1 "
                          "org.wso2.carbon.bootstrap.Bootstrap\n"
                          "-        <Offset>0</Offset>\n"
                          "+        <Offset>1</Offset>\n");
    free(got);
    ck_assert_str_eq(r.err, "portshift: home/bin/wso2server.sh:4:47: warning: a product update "
                            "that replaces bin/ reverts this edit of -DportOffset\n"
                            "portshift: diff: 1 home, 2 files, 2 edits\n");
    cli_result_free(&r);
    done(&s);
}
END_TEST

START_TEST(plan_json_lists_installs_edits_and_ports)
{
    scratch s = {0};
    with(&s, "examples/apim-2.6-home", "home");
    cli_result r = run(&s, "plan --json --offset 2 home");
    ck_assert_int_eq(r.status, 0);
    const char *head = "{\"format\":1,\"installs\":[{\"home\":\"home\",\"runtime\":\"\","
                       "\"product\":\"apim\","
                       "\"version\":\"2.6.0\",\"mode\":\"xml\",\"offset\":2,"
                       "\"current_offset\":0,\"config_offset\":0,\"start_offset\":null,"
                       "\"start_from\":null,\"ports\":[";
    ck_assert(strncmp(r.out, head, strlen(head)) == 0);
    ck_assert(strstr(r.out,
                     "{\"port\":9445,\"base\":9443,\"shift\":\"auto\",\"active\":true,"
                     "\"what\":\"servlet transport (Tomcat connector)\","
                     "\"file\":\"repository/conf/tomcat/catalina-server.xml\",\"line\":10,"));
    ck_assert(strstr(r.out, "{\"port\":4000,\"base\":4000,\"shift\":\"fixed\",\"active\":false,"));
    ck_assert(strstr(r.out, "{\"file\":\"home/repository/conf/carbon.xml\",\"line\":14,\"col\":17,"
                            "\"old\":\"0\",\"new\":\"2\",\"why\":\"port offset 0 -> 2\"}"));
    ck_assert(strstr(r.out, "],\"warnings\":[]}\n"));
    cli_result_free(&r);
    done(&s);
}
END_TEST

/* Read a whole file into a NUL-terminated buffer (caller frees). */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    char *buf = malloc(1 << 16);
    *len = fread(buf, 1, (1 << 16) - 1, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

START_TEST(toml_key_inserted_in_the_files_style)
{
    scratch s = {0};
    with(&s, "tests/fixtures/cli/mi-crlf", "mi");
    char path[4200];
    snprintf(path, sizeof path, "%s/mi/conf/deployment.toml", s.dir);
    size_t n0, n1;
    char *before = slurp(path, &n0);
    cli_result r = run(&s, "apply --offset 3 mi");
    ck_assert_msg(r.status == 0, "%s", r.err);
    cli_result_free(&r);
    char *after = slurp(path, &n1);
    /* MI's internal offset 10 is replaced by 3: its own 8253 (8243 + 10) becomes 8246,
     * 8290 (8280 + 10) becomes 8283; the other host's port stays. The key goes after
     * the commented one, marked, with the file's CRLF; the missing final newline
     * stays missing. */
    const char *want =
        "# A Micro Integrator deployment.toml with CRLF line ends and a host name of "
        "its own.\r\n"
        "[server]\r\n"
        "hostname = \"mi.example.org\"\r\n"
        "# offset = 10\r\n"
        "offset = 3  # portshift\r\n"
        "\r\n"
        "[callbacks]\r\n"
        "self = \"https://mi.example.org:8246/api\"\r\n"
        "peer = \"https://other.example.org:8253/api\"\r\n"
        "last_line = \"no final newline, http://localhost:8283\"";
    ck_assert_str_eq(after, want);
    free(after);

    /* Back to the product default: the marked key line portshift added is taken
     * out again (the plan says so), and every byte is as before. */
    r = run(&s, "plan --offset 10 mi");
    ck_assert_int_eq(r.status, 0);
    ck_assert_msg(strstr(r.out, "conf/deployment.toml:5:10: port offset 3 -> 10 (default): the "
                                "line portshift added taken out\n"),
                  "%s", r.out);
    cli_result_free(&r);
    r = run(&s, "apply --offset 10 mi");
    ck_assert_int_eq(r.status, 0);
    cli_result_free(&r);
    after = slurp(path, &n1);
    ck_assert_uint_eq(n1, n0);
    ck_assert(memcmp(after, before, n0) == 0);
    free(after);
    free(before);
    done(&s);
}
END_TEST

static void write_file(const char *dir, const char *rel, const char *text)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    ck_assert_int_eq(run_cmd("mkdir -p \"$(dirname '%s')\"", path), 0);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

/* A port the catalog says to write by hand, in a file the config mapper
 * renders at startup: reported, never edited (the edit would be reverted). */
START_TEST(manual_port_in_a_generated_file_is_not_edited)
{
    scratch s = {0};
    s.dir = tree_scratch();
    char home[4200];
    snprintf(home, sizeof home, "%s/wso2emm-2.0.0", s.dir);
    write_file(home, "repository/conf/deployment.toml", "[server]\nhostname = \"localhost\"\n");
    write_file(home, "repository/conf/emm-config.xml", "<EMM/>\n");
    write_file(home, "repository/conf/api-manager.xml",
               "<APIManager>\n  <APIKeyValidator>\n    <ThriftServerPort>10397</ThriftServerPort>\n"
               "  </APIKeyValidator>\n</APIManager>\n");
    write_file(home, "repository/resources/conf/templates/repository/conf/api-manager.xml.j2",
               "<APIManager/>\n");
    cli_result r = run(&s, "plan --offset 2 wso2emm-2.0.0");
    ck_assert_int_eq(r.status, 0);
    ck_assert_msg(strstr(r.out, "api-manager.xml:3:23: listener 10397") &&
                      strstr(r.out, "should be 10399, but the file is generated from "
                                    "deployment.toml: not edited"),
                  "%s", r.out);
    cli_result_free(&r);
    r = run(&s, "diff --offset 2 wso2emm-2.0.0");
    ck_assert_int_eq(r.status, 1);
    ck_assert(strstr(r.out, "+++ b/wso2emm-2.0.0/repository/conf/deployment.toml\n"));
    ck_assert(!strstr(r.out, "api-manager.xml"));
    cli_result_free(&r);
    done(&s);
}
END_TEST

/* An EI 6.x home: every profile moves by the home's delta; the integrator's
 * broker URL follows the broker profile; the Carbon 5 worker has fixed ports. */
START_TEST(ei_profiles_keep_their_spacing)
{
    scratch s = {0};
    with(&s, "tests/fixtures/cli/ei-mini", "ei");
    cli_result r = run(&s, "apply --offset 1 ei");
    ck_assert_msg(r.status == 0, "%s", r.err);
    cli_result_free(&r);
    static const struct {
        const char *file, *text;
    } want[] = {
        {"conf/carbon.xml", "<Offset>1</Offset>"},
        {"wso2/business-process/conf/carbon.xml", "<Offset>3</Offset>"},
        {"wso2/broker/conf/carbon.xml", "<Offset>4</Offset>"},
        {"conf/jndi.properties", "brokerlist='tcp://localhost:5676'"},
        {"wso2/business-process/conf/process-cleanup.properties", "https://localhost:9446\n"},
        {"wso2/analytics/conf/worker/deployment.yaml", "      port: 9444\n"},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        char path[4400];
        size_t n;
        snprintf(path, sizeof path, "%s/ei/%s", s.dir, want[i].file);
        char *text = slurp(path, &n);
        ck_assert_msg(strstr(text, want[i].text), "%s lacks '%s'", want[i].file, want[i].text);
        free(text);
    }
    r = run(&s, "ports --json ei");
    ck_assert(strstr(r.out, "\"runtime\":\"wso2/analytics\",\"product\":\"ei-analytics\","
                            "\"version\":\"6.5.0\",\"mode\":\"yaml\",\"offset\":0,"));
    ck_assert(strstr(r.out, "{\"port\":7612,\"base\":7612,\"shift\":\"fixed\",\"active\":true,"));
    /* The Carbon 5 runtime (listed last) has fixed ports only: no Carbon 4 receiver defaults. */
    const char *c5 = strstr(r.out, "\"runtime\":\"wso2/analytics\"");
    ck_assert_ptr_nonnull(c5);
    ck_assert_msg(!strstr(c5, "\"shift\":\"auto\""), "auto port in a Carbon 5 runtime: %s", c5);
    cli_result_free(&r);
    done(&s);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cli");
    TCase *tc = tcase_create("homes");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, quick_start_diff_shows_the_manual_exceptions);
    tcase_add_test(tc, reference_follows_the_home_that_owns_it);
    tcase_add_test(tc, start_script_offset_is_set_with_the_config);
    tcase_add_test(tc, plan_json_lists_installs_edits_and_ports);
    tcase_add_test(tc, toml_key_inserted_in_the_files_style);
    tcase_add_test(tc, manual_port_in_a_generated_file_is_not_edited);
    tcase_add_test(tc, ei_profiles_keep_their_spacing);
    suite_add_tcase(s, tc);
    int failed = run_suite(s);
    return failed ? 1 : 0;
}
