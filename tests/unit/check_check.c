#define _GNU_SOURCE
/*
 * `portshift check` on copies of the corpus trees, through the CLI:
 *
 * - two fresh copies of wso2am-2.6.0: exit 1, the clash on 9443 named with
 *   both homes and their file:line (issue 6, done when 1);
 * - a copy whose carbon.xml <Offset> was set to 3 by hand: exit 1, naming
 *   jndi.properties (5675) and WorkflowCallbackService.xml (9446); the one
 *   command the output names repairs them, giving the bytes `apply --offset
 *   3` gives a fresh copy; afterwards check and `diff --offset 3` exit 0
 *   (done when 4);
 * - a socket this test opens on a port the home uses: `check --listening`
 *   names it and this process; with this process in the home's
 *   wso2carbon.pid it is the home's own server, and check is clean (done
 *   when 3, the check half);
 * - every corpus tree alone: what check finds (the EI profiles'
 *   redirectPort="9443" that WSO2 ships), check only reads, and after the
 *   repair it names, check is clean and the repair has nothing left to do;
 * - the JSON of check, ports and plan, validated against schemas/ with
 *   python3-jsonschema (skipped, saying so, without it).
 *
 * Skips, saying so, when the corpus is absent.
 */
#include <check.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../support/clitext.h"
#include "../support/corpus.h"
#include "../support/runner.h"
#include "../support/tree.h"

#define AM26 "wso2am-2.6.0"
#define CATALINA "repository/conf/tomcat/catalina-server.xml"
#define CARBON "repository/conf/carbon.xml"

static size_t count_of(const char *text, const char *needle)
{
    size_t n = 0;
    for (const char *p = text; (p = strstr(p, needle)) != NULL; p++)
        n++;
    return n;
}

START_TEST(two_copies_clash_on_9443)
{
    char *dir = tree_scratch();
    ck_assert_int_eq(run_cmd("mkdir '%s/x' '%s/y'", dir, dir), 0);
    char x[4200], y[4200];
    snprintf(x, sizeof x, "%s/x", dir);
    snprintf(y, sizeof y, "%s/y", dir);
    corpus_copy(AM26, x, AM26);
    corpus_copy(AM26, y, AM26);
    snapshot before, after;
    snapshot_take(&before, dir);
    cli_result r = cli_run(dir, "check x/" AM26 " y/" AM26);
    expect_status(&r, 1, "check");
    char path[8400];
    snprintf(path, sizeof path, "%s/" AM26 "/" CATALINA, x);
    int line = line_of(path, "port=\"9443\"");
    char at_x[256], at_y[256];
    snprintf(at_x, sizeof at_x, "  x/" AM26 "/" CATALINA ":%d: ", line);
    snprintf(at_y, sizeof at_y, "  y/" AM26 "/" CATALINA ":%d: ", line);
    /* One block for the pair (every port they share in its first line), then
     * each party on a line of its own with its port. */
    ck_assert_msg(count_of(r.out, ": clash: ") == 1, "%s", r.out);
    LINE_WITH(r.out, ": clash: ports ", " 9443",
              " are each opened by listeners of x/" AM26 " and y/" AM26);
    char block[1024];
    snprintf(block, sizeof block,
             "%sservlet transport (Tomcat connector) (port 9443)\n"
             "%sservlet transport (Tomcat connector) (port 9443)\n",
             at_x, at_y);
    ck_assert_msg(strstr(r.out, block) != NULL, "no\n%s\nin\n%s", block, r.out);
    LINE_WITH(r.out, "to resolve the ", " clashes: portshift batch --diff x/" AM26 " y/" AM26);
    ck_assert_str_eq(r.err, "");
    cli_result_free(&r);
    snapshot_take(&after, dir);
    char *diff = snapshot_diff(&before, &after);
    ck_assert_msg(diff == NULL, "check wrote: %s", diff);
    snapshot_free(&before);
    snapshot_free(&after);
    tree_remove(dir);
    free(dir);
}
END_TEST

/*
 * Four clashes of one pair of homes (API-M 2.6 and IS 5.10 at offset 0: the
 * JMX ports 9999 and 11111 of carbon.xml, the Tomcat connectors 9763 and
 * 9443) are one block naming both homes and the four ports, in text, JSON
 * and markdown, and the output ends with the command that resolves them.
 * That command does: its diff, applied with patch, leaves check clean.
 */
START_TEST(clashes_of_a_pair_one_block_and_the_command_that_resolves_them)
{
    if (!corpus_has("wso2is-5.10.0")) {
        case_skipped("clashes_of_a_pair_one_block_and_the_command_that_resolves_them",
                     "the corpus lacks wso2is-5.10.0");
        return;
    }
    char *dir = tree_scratch();
    ck_assert_int_eq(run_cmd("mkdir '%s/x' '%s/y'", dir, dir), 0);
    corpus_copy(AM26, dir, "x/" AM26);
    corpus_copy("wso2is-5.10.0", dir, "y/wso2is-5.10.0");
    const char *homes = "x/" AM26 " y/wso2is-5.10.0";
    cli_result r = cli_runf(dir, "check %s", homes);
    expect_status(&r, 1, "check");
    ck_assert_msg(count_of(r.out, ": clash: ") == 1, "%s", r.out);
    static const char *const block[] = {
        "x/" AM26 "/" CARBON ":132:30: clash: ports 9999, 11111, 9763 and 9443 are each opened by "
        "listeners of x/" AM26 " and y/wso2is-5.10.0\n",
        "  x/" AM26 "/" CARBON ":132: JMX RMI registry (port 9999)\n"
        "  y/wso2is-5.10.0/" CARBON ":132: JMX RMI registry (port 9999)\n"
        "  x/" AM26 "/" CARBON ":134: JMX RMI server (port 11111)\n"
        "  y/wso2is-5.10.0/" CARBON ":134: JMX RMI server (port 11111)\n",
        "  x/" AM26 "/" CATALINA ":29: servlet transport (Tomcat connector) (port 9763)\n"
        "  y/wso2is-5.10.0/" CATALINA ":33: servlet transport (Tomcat connector) (port 9763)\n"
        "  x/" AM26 "/" CATALINA ":54: servlet transport (Tomcat connector) (port 9443)\n"
        "  y/wso2is-5.10.0/" CATALINA ":71: servlet transport (Tomcat connector) (port 9443)\n",
    };
    const char *at = r.out;
    for (int i = 0; i < N(block); i++) {
        const char *next = strstr(at, block[i]);
        ck_assert_msg(next == at || (i == 0 && next), "no\n%s\nnext in:\n%s", block[i], r.out);
        at = next + strlen(block[i]);
    }
    LINE_WITH(r.out, "4 findings, 7 notes"); /* the findings stay one per port */
    char *end = r.out + strlen(r.out);
    static const char last[] =
        "to resolve the 4 clashes: portshift batch --diff x/" AM26 " y/wso2is-5.10.0\n";
    ck_assert_msg(strlen(r.out) > sizeof last && strcmp(end - (sizeof last - 1), last) == 0,
                  "does not end with %s:\n%s", last, r.out);
    cli_result_free(&r);

    r = cli_runf(dir, "check --json %s", homes);
    ck_assert_msg(strstr(r.out, ",\"clashes\":[{\"homes\":[\"x/" AM26
                                "\",\"y/wso2is-5.10.0\"],\"ports\":[9999,11111,9763,9443],"
                                "\"message\":\"ports 9999, 11111, 9763 and 9443 are each opened "
                                "by listeners of x/" AM26 " and y/wso2is-5.10.0\"}],"
                                "\"resolve\":\"portshift batch --diff x/" AM26 " y/wso2is-5.10.0\","
                                "\"warnings\":["),
                  "%s", r.out);
    ck_assert_msg(count_of(r.out, "\"kind\":\"clash\"") == 4, "the findings stay one per port");
    if (have_validator())
        validate(dir, r.out, "check.schema.json", "check --json, clashes");
    cli_result_free(&r);
    r = cli_runf(dir, "check --format markdown %s", homes);
    ck_assert_msg(strstr(r.out, "\n- ports 9999, 11111, 9763 and 9443 are each opened by listeners "
                                "of x/" AM26 " and y/wso2is-5.10.0\n\nTo resolve the 4 clashes: "
                                "`portshift batch --diff x/" AM26 " y/wso2is-5.10.0`\n"),
                  "%s", r.out);
    cli_result_free(&r);

    /* The command named, its diff applied: no clash is left, nor any finding. */
    r = cli_runf(dir, "batch --diff %s", homes);
    expect_status(&r, 1, "batch --diff");
    char patch[4200];
    snprintf(patch, sizeof patch, "%s/resolve.diff", dir);
    FILE *f = fopen(patch, "w");
    ck_assert(f && fputs(r.out, f) >= 0 && fclose(f) == 0);
    cli_result_free(&r);
    if (run_cmd("command -v patch >/dev/null") != 0) {
        case_skipped("clashes_of_a_pair_one_block_and_the_command_that_resolves_them",
                     "patch is not installed");
    } else {
        ck_assert_int_eq(run_cmd("cd '%s' && patch -p1 -s -F0 --batch < resolve.diff", dir), 0);
        r = cli_runf(dir, "check %s", homes);
        expect_status(&r, 0, "check after the resolving diff");
        ck_assert_msg(strstr(r.out, "\n0 findings, ") || strncmp(r.out, "0 findings, ", 12) == 0,
                      "%s", r.out);
        cli_result_free(&r);
    }
    tree_remove(dir);
    free(dir);
}
END_TEST

/* Fixed listeners clash too: Hazelcast with clustering switched on in two
 * API-M homes (its member port; not the multicast port, which the members
 * of a host share), EI 6.6's Carbon 5 analytics worker and manager and EI 6.1's
 * MSF4J server (no offset at all). */
START_TEST(fixed_listeners_clash)
{
    char *dir = tree_scratch();
    ck_assert_int_eq(run_cmd("mkdir '%s/x' '%s/y'", dir, dir), 0);
    const char *const names[] = {"x/" AM26, "y/" AM26};
    for (int i = 0; i < 2; i++) {
        corpus_copy(AM26, dir, names[i]);
        char axis2[4400];
        snprintf(axis2, sizeof axis2, "%s/%s/repository/conf/axis2/axis2.xml", dir, names[i]);
        file_replace(axis2, "<clustering class=", "enable=\"false\"", "enable=\"true\"");
    }
    corpus_copy("wso2ei-6.6.0", dir, "ei1");
    corpus_copy("wso2ei-6.6.0", dir, "ei2");
    cli_result r = cli_run(dir, "check x/" AM26 " y/" AM26);
    expect_status(&r, 1, "check, clustering on");
    LINE_WITH(r.out, "  x/" AM26 "/repository/conf/axis2/axis2.xml:",
              ": Hazelcast member port (port 4000)");
    LINE_WITH(r.out, "  y/" AM26 "/repository/conf/axis2/axis2.xml:", ": Hazelcast member port");
    /* The multicast port is the cluster's meeting point: every member binds it. */
    ck_assert_msg(strstr(r.out, "(port 45564)") == NULL, "45564 is shared");
    cli_result_free(&r);
    r = cli_run(dir, "check ei1 ei2");
    expect_status(&r, 1, "check, two EI 6.6");
    char yaml[4200];
    snprintf(yaml, sizeof yaml, "%s/ei1/wso2/analytics/conf/worker/deployment.yaml", dir);
    char at[256];
    snprintf(at, sizeof at,
             "  ei2/wso2/analytics/conf/worker/deployment.yaml:%d: ", line_of(yaml, "9091"));
    LINE_WITH(r.out,
              "  ei1/wso2/analytics/conf/worker/deployment.yaml:", ": analytics worker transport",
              " (port 9091)");
    LINE_WITH(r.out, at, "analytics worker transport");
    /* The analytics manager's listeners (issue 14), at their lines in the live file. */
    snprintf(yaml, sizeof yaml, "%s/ei1/wso2/analytics/conf/manager/deployment.yaml", dir);
    static const char *const manager[] = {"9190", "9543"};
    for (int i = 0; i < 2; i++) {
        char needle[64], first[256], finding[128];
        snprintf(needle, sizeof needle, "      port: %s\n", manager[i]);
        int line = line_of(yaml, needle);
        snprintf(first, sizeof first,
                 "  ei1/wso2/analytics/conf/manager/deployment.yaml:%d: ", line);
        snprintf(finding, sizeof finding, " (port %s)", manager[i]);
        LINE_WITH(r.out, first, "analytics manager transport", finding);
        snprintf(at, sizeof at, "  ei2/wso2/analytics/conf/manager/deployment.yaml:%d: ", line);
        LINE_WITH(r.out, at, "analytics manager transport");
    }
    cli_result_free(&r);
    /* EI 6.1's MSF4J server: 9090 in its netty-transports.yml. */
    corpus_copy("wso2ei-6.1.1", dir, "m1");
    corpus_copy("wso2ei-6.1.1", dir, "m2");
    r = cli_run(dir, "check m1 m2");
    expect_status(&r, 1, "check, two EI 6.1");
    snprintf(yaml, sizeof yaml, "%s/m1/wso2/msf4j/conf/transports/netty-transports.yml", dir);
    int line = line_of(yaml, "  port: 9090\n");
    char first[256];
    snprintf(first, sizeof first,
             "  m1/wso2/msf4j/conf/transports/netty-transports.yml:%d: ", line);
    LINE_WITH(r.out, first, "MSF4J microservices transport", " (port 9090)");
    snprintf(at, sizeof at, "  m2/wso2/msf4j/conf/transports/netty-transports.yml:%d: ", line);
    LINE_WITH(r.out, at, "MSF4J microservices transport");
    cli_result_free(&r);
    tree_remove(dir);
    free(dir);
}
END_TEST

/* The command on the output's "to repair ..." line, without "portshift ". */
static char *repair_command(const char *out)
{
    const char *at = strstr(out, "\nto repair the ");
    at = at ? strstr(at, ": portshift ") : NULL;
    ck_assert_msg(at != NULL, "no repair command in:\n%s", out);
    at += strlen(": portshift ");
    return strndup(at, strcspn(at, "\n"));
}

START_TEST(offset_set_by_hand_is_repaired)
{
    char *dir = tree_scratch();
    char home[4200], fresh[4200];
    snprintf(home, sizeof home, "%s/" AM26, dir);
    /* The folder name is the version's last hint (the corpus keeps ${product.version}). */
    snprintf(fresh, sizeof fresh, "%s/fresh/" AM26, dir);
    corpus_copy(AM26, dir, AM26);
    char carbon[4400];
    snprintf(carbon, sizeof carbon, "%s/" CARBON, home);
    file_replace(carbon, "<Ports>", "<Offset>0</Offset>", "<Offset>3</Offset>");

    cli_result r = cli_run(dir, "check " AM26);
    expect_status(&r, 1, "check");
    LINE_WITH(r.out, AM26 "/repository/conf/jndi.properties:", ": stale: 5672 should be 5675");
    LINE_WITH(r.out,
              "/proxy-services/WorkflowCallbackService.xml:", ": stale: 9443 should be 9446");
    /* The parties: the listener each one means. */
    LINE_WITH(r.out, "  " AM26 " (built in): embedded broker AMQP");
    char *cmd = repair_command(r.out);
    ck_assert_str_eq(cmd, "apply --repair " AM26);
    cli_result_free(&r);

    r = cli_run(dir, cmd);
    expect_status(&r, 0, cmd);
    LINE_WITH(r.out, "updated " AM26 "/repository/conf/jndi.properties");
    cli_result_free(&r);
    free(cmd);
    r = cli_run(dir, "check " AM26);
    expect_status(&r, 0, "check after the repair");
    LINE_WITH(r.out, "0 findings, ");
    ck_assert_ptr_null(strstr(r.out, "repair"));
    cli_result_free(&r);
    r = cli_run(dir, "diff --offset 3 " AM26);
    expect_status(&r, 0, "diff --offset 3 after the repair");
    cli_result_free(&r);

    /* What a fresh copy moved to 3 by portshift looks like, byte for byte. */
    ck_assert_int_eq(run_cmd("mkdir '%s/fresh'", dir), 0);
    corpus_copy(AM26, dir, "fresh/" AM26);
    r = cli_run(dir, "apply --offset 3 fresh/" AM26);
    expect_status(&r, 0, "apply --offset 3 fresh");
    cli_result_free(&r);
    snapshot a, b;
    snapshot_take(&a, home);
    snapshot_take(&b, fresh);
    char *diff = snapshot_diff(&a, &b);
    ck_assert_msg(diff == NULL, "repaired home and a fresh one moved to 3: %s", diff);
    snapshot_free(&a);
    snapshot_free(&b);
    tree_remove(dir);
    free(dir);
}
END_TEST

/* diff --repair shows the repair and writes nothing; without --repair nothing is planned. */
START_TEST(diff_repair_shows_it)
{
    char *dir = tree_scratch();
    corpus_copy("wso2ei-6.1.1", dir, "ei");
    snapshot before, after;
    snapshot_take(&before, dir);
    cli_result r = cli_run(dir, "diff ei");
    expect_status(&r, 0, "diff");
    cli_result_free(&r);
    r = cli_run(dir, "diff --repair ei");
    expect_status(&r, 1, "diff --repair");
    LINE_WITH(r.out, "+++ b/ei/wso2/broker/conf/tomcat/catalina-server.xml");
    LINE_WITH(r.out, "+", "redirectPort=\"9446\"");
    LINE_WITH(r.out, "+", "redirectPort=\"9445\"");
    LINE_WITH(r.out, "+", "redirectPort=\"9444\"");
    ck_assert_ptr_null(strstr(r.out, "+++ b/ei/conf/")); /* the integrator's is right */
    cli_result_free(&r);
    snapshot_take(&after, dir);
    char *diff = snapshot_diff(&before, &after);
    ck_assert_msg(diff == NULL, "diff wrote: %s", diff);
    snapshot_free(&before);
    snapshot_free(&after);
    /* check takes no offset; the other readers take no --repair. */
    r = cli_run(dir, "check ei=3");
    expect_status(&r, 2, "check ei=3");
    ck_assert(strstr(r.err, "check takes no offset") != NULL);
    cli_result_free(&r);
    r = cli_run(dir, "ports --repair ei");
    expect_status(&r, 2, "ports --repair");
    cli_result_free(&r);
    tree_remove(dir);
    free(dir);
}
END_TEST

START_TEST(listening_names_the_socket)
{
    if (access("/proc/net/tcp", R_OK) < 0) {
        case_skipped("listening_names_the_socket", "no /proc/net/tcp on this machine");
        return;
    }
    char *dir = tree_scratch();
    corpus_copy(AM26, dir, "am");
    int fd;
    long port;
    long off = listen_free(&fd, &port);
    if (off < 0) {
        case_skipped("listening_names_the_socket", "no free port between 9453 and 9842 to bind");
        tree_remove(dir);
        free(dir);
        return;
    }
    /* Where the home's HTTPS connector will listen: a consistent home, no stale reference. */
    cli_result r = cli_runf(dir, "apply --offset %ld am", off);
    expect_status(&r, 0, "apply");
    cli_result_free(&r);
    r = cli_run(dir, "check am");
    expect_status(&r, 0, "check without --listening");
    cli_result_free(&r);

    r = cli_run(dir, "check --listening am");
    expect_status(&r, 1, "check --listening");
    char msg[128], who[128];
    snprintf(msg, sizeof msg, ": listening: port %ld is already listening on this host", port);
    snprintf(who, sizeof who, "held by process %ld (", (long)getpid());
    LINE_WITH(r.out, "am/" CATALINA ":", msg);
    LINE_WITH(r.out, "  this host: a socket listening on port", who);
    cli_result_free(&r);

    /* The same socket held by the home's own running server is no finding. */
    char pidfile[4200], pid[32];
    snprintf(pidfile, sizeof pidfile, "%s/am/wso2carbon.pid", dir);
    snprintf(pid, sizeof pid, "%ld", (long)getpid());
    file_append(pidfile, pid);
    r = cli_run(dir, "check --listening am");
    expect_status(&r, 0, "check --listening, the home's own server");
    cli_result_free(&r);
    close(fd);
    tree_remove(dir);
    free(dir);
}
END_TEST

/*
 * Every tree of the corpus alone: the stale references check finds are the
 * redirectPort="9443" WSO2 ships in the EI profiles that run at offset 1, 2
 * or 3 (business process 9445, broker 9446, the Carbon 4 analytics profile
 * of EI 6.1.1 9444; EI 6.6's analytics is Carbon 5, without Tomcat), and the
 * one of the docker API-M analytics node at offset 1. Nothing else is a
 * finding. check writes nothing; the repair it names leaves a tree that
 * check finds clean and that the repair would not change again.
 */
static const struct tree_case {
    const char *tree;
    int stale;
} trees[] = {
    {"wso2am-1.10.0", 0},
    {AM26, 0},
    {"wso2am-4.2.0", 0},
    {"wso2carbon-kernel-4.10.126", 0},
    {"wso2carbon-kernel-4.4.40", 0},
    {"wso2carbon-kernel-4.4.9", 0},
    {"wso2carbon-kernel-4.6.3", 0},
    {"wso2ei-6.1.1", 3},
    {"wso2ei-6.6.0", 2},
    {"wso2esb-4.9.0", 0},
    {"wso2is-5.10.0", 0},
    {"wso2is-5.3.0", 0},
    {"wso2is-7.1.0", 0},
    {"wso2mb-3.2.0", 0},
    {"wso2mi-1.2.0", 0},
    {"variants/wso2am-2.1.0_docker-apim_pattern-3_am-analytics", 1},
    {"variants/wso2am-2.1.0_docker-apim_pattern-3_gateway-manager", 0},
    {"variants/wso2am-2.1.0_docker-apim_pattern-3_gateway-worker", 0},
    {"variants/wso2am-2.1.0_docker-apim_pattern-3_keymanager", 0},
    {"variants/wso2am-2.1.0_docker-apim_pattern-3_publisher", 0},
    {"variants/wso2am-4.7.0_docker-apim_apim-with-mi", 0},
    {"variants/wso2mi-4.2.0_docker-apim_apim-with-mi", 0},
};

START_TEST(every_tree)
{
    const struct tree_case *t = &trees[_i];
    if (!corpus_has(t->tree)) {
        case_skipped(t->tree, "not in the corpus");
        return;
    }
    char *dir = tree_scratch();
    corpus_copy(t->tree, dir, "home");
    snapshot before, after;
    snapshot_take(&before, dir);
    cli_result r = cli_run(dir, "check home");
    expect_status(&r, t->stale ? 1 : 0, t->tree);
    ck_assert_msg(count_of(r.out, ": stale: 9443 should be ") == (size_t)t->stale &&
                      count_of(r.out, ": stale: ") == (size_t)t->stale,
                  "%s:\n%s", t->tree, r.out);
    ck_assert_msg(count_of(r.out, ": clash: ") + count_of(r.out, ": ambiguous: ") == 0, "%s:\n%s",
                  t->tree, r.out);
    /* Every stale finding is a redirectPort: reported in a catalina-server.xml. */
    for (const char *p = r.out; (p = strstr(p, ": stale: ")) != NULL; p++) {
        const char *line = p;
        while (line > r.out && line[-1] != '\n')
            line--;
        ck_assert_msg(memmem(line, (size_t)(p - line), "/tomcat/catalina-server.xml:", 28),
                      "%s: a stale reference outside catalina-server.xml:\n%s", t->tree, r.out);
    }
    snapshot_take(&after, dir);
    char *diff = snapshot_diff(&before, &after);
    ck_assert_msg(diff == NULL, "%s: check wrote %s", t->tree, diff);
    snapshot_free(&after);
    if (t->stale) {
        char *cmd = repair_command(r.out);
        cli_result a = cli_run(dir, cmd);
        expect_status(&a, 0, cmd);
        ck_assert_uint_eq(count_of(a.out, "updated "), (size_t)t->stale);
        cli_result_free(&a);
        a = cli_run(dir, "check home");
        expect_status(&a, 0, "check after the repair");
        cli_result_free(&a);
        a = cli_run(dir, "diff --repair home");
        expect_status(&a, 0, "diff --repair after the repair");
        cli_result_free(&a);
        free(cmd);
    }
    cli_result_free(&r);
    snapshot_free(&before);
    tree_remove(dir);
    free(dir);
}
END_TEST

/* The whole corpus as one host: clashes galore, but it is read and judged. */
START_TEST(whole_corpus_in_one_call)
{
    char cmd[8192] = "check";
    size_t len = strlen(cmd);
    for (int i = 0; i < N(trees); i++)
        if (corpus_has(trees[i].tree))
            len += (size_t)snprintf(cmd + len, sizeof cmd - len, " %s/%s", corpus_dir(),
                                    trees[i].tree);
    cli_result r = cli_run(NULL, cmd);
    expect_status(&r, 1, "check of every tree");
    LINE_WITH(r.out, ": clash: ports ", " 9443", " are each opened by listeners of ");
    ck_assert_ptr_null(strstr(r.err, "error"));
    cli_result_free(&r);
}
END_TEST

/* ---- JSON against the schemas ---- */

START_TEST(json_validates)
{
    if (!have_validator()) {
        case_skipped("json_validates", "python3 with jsonschema (python3-jsonschema) not found");
        return;
    }
    char *dir = tree_scratch();
    ck_assert_int_eq(run_cmd("mkdir '%s/x' '%s/y'", dir, dir), 0);
    char x[4200];
    snprintf(x, sizeof x, "%s/x", dir);
    corpus_copy(AM26, x, AM26);
    corpus_copy(AM26, dir, "y/" AM26);
    corpus_copy("wso2ei-6.1.1", dir, "ei");
    corpus_copy("wso2am-4.2.0", dir, "am42");
    char toml[4200];
    snprintf(toml, sizeof toml, "%s/am42/repository/conf/deployment.toml", dir);
    file_replace(toml, NULL, "[server]\n", "[server]\noffset = 3\n");
    /* Clashes, stale findings, notes of every kind but one, a repair command. */
    cli_result r = cli_run(dir, "check --json x/" AM26 " y/" AM26 " ei am42");
    expect_status(&r, 1, "check --json");
    ck_assert(strncmp(r.out, "{\"format\":1,\"installs\":[", 24) == 0);
    ck_assert(
        strstr(r.out, "\"kind\":\"clash\"") && strstr(r.out, "\"kind\":\"stale\"") &&
        strstr(r.out, "\"kind\":\"unowned\"") &&
        strstr(r.out, "\"toml_key\":\"transport.http.properties.redirectPort\"") &&
        strstr(r.out, "\"repair\":\"portshift apply --repair x/" AM26 " y/" AM26 " ei am42\",") &&
        strstr(r.out, "\"resolve\":\"portshift batch --diff x/" AM26 " y/" AM26 " ei am42\","
                      "\"warnings\":["));
    validate(dir, r.out, "check.schema.json", "check --json");
    cli_result_free(&r);
    /* Clean: no findings, no repair. */
    r = cli_run(dir, "check --json x/" AM26);
    expect_status(&r, 0, "check --json, one home");
    ck_assert(strstr(r.out, "\"findings\":[],"));
    ck_assert(strstr(r.out, "\"repair\":null,\"clashes\":[],\"resolve\":null,\"warnings\":[]}\n"));
    validate(dir, r.out, "check.schema.json", "check --json, clean");
    cli_result_free(&r);
    /* A socket of this process on a port the home listens on. */
    int fd;
    long port;
    long off = listen_free(&fd, &port);
    if (off >= 0 && access("/proc/net/tcp", R_OK) == 0) {
        r = cli_runf(dir, "apply --offset %ld x/" AM26, off);
        expect_status(&r, 0, "apply");
        cli_result_free(&r);
        r = cli_run(dir, "check --listening --json x/" AM26);
        expect_status(&r, 1, "check --listening --json");
        ck_assert(strstr(r.out, "\"kind\":\"listening\""));
        validate(dir, r.out, "check.schema.json", "check --listening --json");
        cli_result_free(&r);
    }
    if (off >= 0)
        close(fd);
    /* ports and plan: schemas/plan.schema.json. */
    r = cli_run(dir, "ports --json ei am42");
    expect_status(&r, 0, "ports --json");
    validate(dir, r.out, "plan.schema.json", "ports --json");
    cli_result_free(&r);
    r = cli_run(dir, "plan --json --repair --offset 5 ei am42");
    expect_status(&r, 0, "plan --json");
    validate(dir, r.out, "plan.schema.json", "plan --json");
    cli_result_free(&r);
    tree_remove(dir);
    free(dir);
}
END_TEST

int main(void)
{
    if (!corpus_has(AM26) || !corpus_has("wso2ei-6.1.1") || !corpus_has("wso2ei-6.6.0") ||
        !corpus_has("wso2am-4.2.0")) {
        printf("check: %s lacks %s, wso2ei-6.1.1, wso2ei-6.6.0 or wso2am-4.2.0: skipping\n",
               corpus_dir(), AM26);
        return PS_SKIPPED;
    }
    Suite *s = suite_create("check");
    TCase *tc = tcase_create("check");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, two_copies_clash_on_9443);
    tcase_add_test(tc, fixed_listeners_clash);
    tcase_add_test(tc, clashes_of_a_pair_one_block_and_the_command_that_resolves_them);
    tcase_add_test(tc, offset_set_by_hand_is_repaired);
    tcase_add_test(tc, diff_repair_shows_it);
    tcase_add_test(tc, listening_names_the_socket);
    tcase_add_loop_test(tc, every_tree, 0, N(trees));
    tcase_add_test(tc, whole_corpus_in_one_call);
    tcase_add_test(tc, json_validates);
    suite_add_tcase(s, tc);
    return run_suite_status(s);
}
