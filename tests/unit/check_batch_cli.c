#define _GNU_SOURCE
/*
 * `portshift batch` on copies of the corpus trees, through the CLI:
 *
 * - two fresh copies of wso2am-2.6.0: after `batch --apply` on both, check
 *   exits 0; the first is kept, the second moves (issue 6, done when 1);
 * - seven products at their shipped offsets: after `batch --apply`, the
 *   ports `ports --json` lists (nothing of batch's own answer) are pairwise
 *   disjoint over every runtime, check exits 0, the EI profiles' stale
 *   redirectPorts are said to be repaired, the same call again changes no
 *   byte, and an eighth home moves only itself (done when 2);
 * - a socket this test opens on the port batch's first choice would use:
 *   `batch --listening` picks around it, and check --listening names it
 *   only before (done when 3);
 * - two copies with Hazelcast clustering on: distinct localMemberPort values,
 *   a rewrite the output shows, and check exits 0 (done when 7); in a
 *   deployment.toml home the rewrite is a note naming the key;
 * - --first, --avoid ranges, the same output twice, a home that fits
 *   nowhere (exit 2, the home and why), usage errors, a diff that patch
 *   applies to the bytes --apply writes, and batch --json validated against
 *   schemas/batch.schema.json.
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
#include "../support/fixture.h"
#include "../support/runner.h"
#include "../support/tree.h"

#define AM26 "wso2am-2.6.0"
#define AM42 "wso2am-4.2.0"
#define AXIS2 "repository/conf/axis2/axis2.xml"
#define X "x/" AM26
#define Y "y/" AM26

/* The seven homes of done when 2, copied under their own names. */
static const char *const SEVEN[] = {AM26,           "wso2is-5.3.0", "wso2esb-4.9.0", "wso2mb-3.2.0",
                                    "wso2ei-6.1.1", AM42,           "wso2mi-1.2.0"};
#define HOMES7 AM26 " wso2is-5.3.0 wso2esb-4.9.0 wso2mb-3.2.0 wso2ei-6.1.1 " AM42 " wso2mi-1.2.0"

/* A scratch folder with x/wso2am-2.6.0 and y/wso2am-2.6.0. */
static char *two_copies(const char *tree)
{
    char *dir = tree_scratch();
    ck_assert_int_eq(run_cmd("mkdir '%s/x' '%s/y'", dir, dir), 0);
    char name[256];
    snprintf(name, sizeof name, "x/%s", tree);
    corpus_copy(tree, dir, name);
    snprintf(name, sizeof name, "y/%s", tree);
    corpus_copy(tree, dir, name);
    return dir;
}

static void done(char *dir)
{
    tree_remove(dir);
    free(dir);
}

/* The offset the output gives `home`: "HOME: offset C -> N: ..." or "HOME: offset C, kept". */
static long assigned(const char *out, const char *home)
{
    char head[512];
    snprintf(head, sizeof head, "%s: offset ", home);
    for (const char *line = out; line && *line;) {
        if (strncmp(line, head, strlen(head)) == 0) {
            long from, to;
            const char *p = line + strlen(head);
            if (sscanf(p, "%ld -> %ld", &from, &to) == 2)
                return to;
            ck_assert_int_eq(sscanf(p, "%ld, kept", &from), 1);
            return from;
        }
        line = strchr(line, '\n');
        line = line ? line + 1 : NULL;
    }
    ck_abort_msg("no offset for %s in:\n%s", home, out);
    return -1;
}

static void expect_same(const snapshot *a, const snapshot *b, const char *what)
{
    char *diff = snapshot_diff(a, b);
    ck_assert_msg(diff == NULL, "%s: %s", what, diff);
}

START_TEST(two_copies_then_check_is_clean)
{
    char *dir = two_copies(AM26);
    cli_result r = cli_run(dir, "check " X " " Y);
    expect_status(&r, 1, "check before");
    cli_result_free(&r);
    r = cli_run(dir, "batch --apply " X " " Y);
    expect_status(&r, 0, "batch --apply");
    LINE_WITH(r.out, X ": offset 0, kept");
    LINE_WITH(r.out, Y ": offset 0 -> 1: at offset 0 its ", ", but " X " opens it too (");
    LINE_WITH(r.out, "updated " Y "/repository/conf/carbon.xml");
    LINE_WITH(r.out, "2 homes: 1 kept, 1 moved; 0 rewrites; ");
    ck_assert_ptr_null(strstr(r.out, "updated " X "/"));
    cli_result_free(&r);
    r = cli_run(dir, "check " X " " Y);
    expect_status(&r, 0, "check after batch --apply");
    cli_result_free(&r);
    /* Both fit now: nothing is pending, and both say so. */
    r = cli_run(dir, "batch --diff " X " " Y);
    expect_status(&r, 0, "batch --diff again");
    LINE_WITH(r.out, Y ": offset 1, kept");
    LINE_WITH(r.out, "2 homes: 2 kept, 0 moved; 0 rewrites; 0 stale self references to repair; "
                     "0 edits");
    cli_result_free(&r);
    done(dir);
}
END_TEST

/* From `ports --json` alone: no two active listeners of the runtimes share a
 * port (python3 reads the JSON; the case is skipped without it). */
static void ports_disjoint(const char *dir, const char *homes)
{
    cli_result r = cli_runf(dir, "ports --json %s", homes);
    expect_status(&r, 0, "ports --json");
    char path[4200];
    snprintf(path, sizeof path, "%s/ports.json", dir);
    put(path, r.out);
    int rc = run_cmd(
        "python3 -c '"
        "import json, sys\n"
        "seen, bad, n = {}, [], 0\n"
        "for i in json.load(open(sys.argv[1]))[\"installs\"]:\n"
        "    n += 1\n"
        "    for p in i[\"ports\"]:\n"
        "        if not p[\"active\"]: continue\n"
        "        who = (i[\"home\"], i[\"runtime\"], p[\"what\"])\n"
        "        if p[\"port\"] in seen: bad.append((p[\"port\"], seen[p[\"port\"]], who))\n"
        "        seen[p[\"port\"]] = who\n"
        "print(n, \"runtimes,\", len(seen), \"active ports\", file=sys.stderr)\n"
        "sys.exit(\"shared ports: %%s\" %% bad if bad else 0)\n"
        "' '%s'",
        path);
    ck_assert_msg(rc == 0, "ports --json %s: active ports shared (see stderr)", homes);
    cli_result_free(&r);
}

START_TEST(seven_products_then_an_eighth)
{
    if (run_cmd("python3 -c 'import json' 2>/dev/null") != 0) {
        case_skipped("seven_products_then_an_eighth", "python3 not found to read ports --json");
        return;
    }
    char *dir = tree_scratch();
    for (int i = 0; i < N(SEVEN); i++)
        corpus_copy(SEVEN[i], dir, SEVEN[i]);
    /* Before: they clash (all but MI are at offset 0). */
    cli_result r = cli_run(dir, "check " HOMES7);
    expect_status(&r, 1, "check before");
    cli_result_free(&r);

    /* The same question twice, the same answer; it writes nothing. */
    snapshot before, after;
    snapshot_take(&before, dir);
    cli_result once = cli_run(dir, "batch " HOMES7), twice = cli_run(dir, "batch " HOMES7);
    expect_status(&once, 0, "batch");
    ck_assert_str_eq(once.out, twice.out);
    ck_assert_str_eq(once.err, twice.err);
    snapshot_take(&after, dir);
    expect_same(&before, &after, "batch without --apply");
    snapshot_free(&before);
    snapshot_free(&after);
    cli_result_free(&twice);

    r = cli_run(dir, "batch --apply " HOMES7);
    expect_status(&r, 0, "batch --apply");
    /* What it planned is what it wrote, and it says what it kept. */
    for (int i = 0; i < N(SEVEN); i++)
        ck_assert_int_eq(assigned(r.out, SEVEN[i]), assigned(once.out, SEVEN[i]));
    LINE_WITH(r.out, AM26 ": offset 0, kept");
    LINE_WITH(r.out, "wso2mi-1.2.0: offset 10, kept");
    LINE_WITH(r.out, "7 homes: 2 kept, 5 moved; ");
    /* The EI profiles' shipped redirectPort="9443", repaired and said so. */
    LINE_WITH(r.out,
              "wso2ei-6.1.1/wso2/broker/conf/tomcat/catalina-server.xml:", ": repair: 9443 -> ");
    LINE_WITH(r.out, "; 3 stale self references repaired; ");
    cli_result_free(&r);
    cli_result_free(&once);
    ports_disjoint(dir, HOMES7);
    r = cli_run(dir, "check " HOMES7);
    expect_status(&r, 0, "check after batch --apply");
    cli_result_free(&r);

    /* Again: nothing to do, not a byte changes. */
    snapshot_take(&before, dir);
    r = cli_run(dir, "batch --apply " HOMES7);
    expect_status(&r, 0, "batch --apply again");
    LINE_WITH(r.out, "7 homes: 7 kept, 0 moved; 0 rewrites; 0 stale self references repaired; 0 "
                     "edits written");
    cli_result_free(&r);
    snapshot_take(&after, dir);
    expect_same(&before, &after, "batch --apply again");
    snapshot_free(&after);

    /* An eighth home, named last: it moves, none of the seven does. */
    ck_assert_int_eq(run_cmd("mkdir '%s/new'", dir), 0);
    corpus_copy("wso2is-5.10.0", dir, "new/wso2is-5.10.0");
    r = cli_run(dir, "batch --apply " HOMES7 " new/wso2is-5.10.0");
    expect_status(&r, 0, "batch --apply with an eighth home");
    LINE_WITH(r.out, "new/wso2is-5.10.0: offset 0 -> ");
    LINE_WITH(r.out, "8 homes: 7 kept, 1 moved; ");
    cli_result_free(&r);
    snapshot_take(&after, dir);
    for (size_t i = 0; i < before.count; i++) {
        snap_file *a = &before.files[i], *b = NULL;
        for (size_t k = 0; k < after.count && !b; k++)
            if (strcmp(after.files[k].rel, a->rel) == 0)
                b = &after.files[k];
        ck_assert_msg(b && b->len == a->len && memcmp(a->data, b->data, a->len) == 0,
                      "%s changed with an eighth home", a->rel);
    }
    ck_assert_uint_gt(after.count, before.count);
    snapshot_free(&after);
    snapshot_free(&before);
    ports_disjoint(dir, HOMES7 " new/wso2is-5.10.0");
    r = cli_run(dir, "check " HOMES7 " new/wso2is-5.10.0");
    expect_status(&r, 0, "check of eight");
    cli_result_free(&r);
    done(dir);
}
END_TEST

/*
 * A socket on the port batch's first choice for y would open (y's HTTPS
 * connector, 9443 + the offset it gets): batch --listening picks another;
 * check --listening names the socket at the first choice, not at the second.
 */
START_TEST(listening_socket_is_avoided)
{
    if (access("/proc/net/tcp", R_OK) < 0) {
        case_skipped("listening_socket_is_avoided", "no /proc/net/tcp on this machine");
        return;
    }
    char *dir = two_copies(AM26);
    int fd = -1;
    long from, first = -1, port = -1;
    /* From offset 1000 on (ports the suites' other sockets do not use), the
     * first choice whose HTTPS port can be bound here. */
    for (from = 1000; from < 1400; from += 37) {
        cli_result r = cli_runf(dir, "batch --first %ld " X " " Y, from);
        expect_status(&r, 0, "batch");
        first = assigned(r.out, Y);
        cli_result_free(&r);
        port = 9443 + first;
        fd = listen_on(port);
        if (fd >= 0)
            break;
    }
    if (fd < 0) {
        case_skipped("listening_socket_is_avoided", "no port from 10443 on to bind");
        done(dir);
        return;
    }
    cli_result r = cli_runf(dir, "batch --apply --first %ld " X " " Y, from);
    expect_status(&r, 0, "batch --apply without --listening");
    ck_assert_int_eq(assigned(r.out, Y), first);
    cli_result_free(&r);
    char named[128];
    snprintf(named, sizeof named, ": listening: port %ld is already listening on this host", port);
    r = cli_run(dir, "check --listening " X " " Y);
    expect_status(&r, 1, "check --listening at the first choice");
    LINE_WITH(r.out, Y "/repository/conf/tomcat/catalina-server.xml:", named);
    cli_result_free(&r);

    r = cli_runf(dir, "batch --listening --apply --first %ld " X " " Y, from);
    expect_status(&r, 0, "batch --listening --apply");
    long second = assigned(r.out, Y);
    char why[160];
    snprintf(why, sizeof why,
             "would open %ld, but it is already listening on this host, held by "
             "process %ld",
             port, (long)getpid());
    LINE_WITH(r.out, Y ": offset ", why);
    LINE_WITH(r.out, X ": offset 0, kept");
    cli_result_free(&r);
    ck_assert_int_gt(second, first);
    r = cli_run(dir, "check --listening " X " " Y);
    ck_assert_msg(strstr(r.out, named) == NULL, "check --listening after:\n%s", r.out);
    cli_result_free(&r);
    close(fd);
    done(dir);
}
END_TEST

/* Switches Hazelcast clustering on in home/<axis2>. */
static void clustering_on(const char *dir, const char *home, const char *axis2)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/%s/%s", dir, home, axis2);
    file_replace(path, "<clustering class=", "enable=\"false\"", "enable=\"true\"");
}

START_TEST(hazelcast_member_ports_are_rewritten)
{
    char *dir = two_copies(AM26);
    clustering_on(dir, X, AXIS2);
    clustering_on(dir, Y, AXIS2);
    char x_axis2[4400], y_axis2[4400];
    snprintf(x_axis2, sizeof x_axis2, "%s/" X "/" AXIS2, dir);
    snprintf(y_axis2, sizeof y_axis2, "%s/" Y "/" AXIS2, dir);
    int line = line_of(y_axis2, "<parameter name=\"localMemberPort\">4000<");
    cli_result r = cli_run(dir, "check " X " " Y);
    expect_status(&r, 1, "check before");
    LINE_WITH(r.out, ": Hazelcast member port (port 4000)");
    cli_result_free(&r);

    r = cli_run(dir, "batch --apply " X " " Y);
    expect_status(&r, 0, "batch --apply");
    char at[256];
    snprintf(at, sizeof at, Y "/" AXIS2 ":%d:", line);
    LINE_WITH(r.out, at,
              ": rewrite: Hazelcast member port 4000 -> 4001 (4000: " X
              " opens it too (Hazelcast member port))");
    LINE_WITH(r.out, "; 1 rewrite; ");
    cli_result_free(&r);
    ck_assert(file_holds(y_axis2, "<parameter name=\"localMemberPort\">4001</parameter>"));
    ck_assert(file_holds(x_axis2, "<parameter name=\"localMemberPort\">4000</parameter>"));
    /* The multicast port stays shared: the two members find each other on it. */
    ck_assert(file_holds(y_axis2, "<parameter name=\"mcastPort\">45564</parameter>"));
    r = cli_run(dir, "check " X " " Y);
    expect_status(&r, 0, "check after batch --apply");
    cli_result_free(&r);
    r = cli_run(dir, "batch --diff " X " " Y);
    expect_status(&r, 0, "batch --diff after");
    cli_result_free(&r);
    done(dir);
}
END_TEST

/* In a deployment.toml home axis2.xml is rendered: the rewrite is a note naming the key. */
START_TEST(hazelcast_in_a_generated_file_is_a_note)
{
    char *dir = two_copies(AM42);
    clustering_on(dir, "x/" AM42, AXIS2);
    clustering_on(dir, "y/" AM42, AXIS2);
    snapshot before, after;
    snapshot_take(&before, dir);
    cli_result r = cli_run(dir, "batch x/" AM42 " y/" AM42);
    expect_status(&r, 0, "batch");
    LINE_WITH(r.out, "y/" AM42 "/" AXIS2 ":",
              ": note: Hazelcast member port 4000 -> 4001, not written (4000: x/" AM42
              " opens it too (Hazelcast member port); 4000 should be 4001, but " AXIS2
              " is generated from deployment.toml: set local_member_port = 4001 in its "
              "[clustering] table)");
    cli_result_free(&r);
    r = cli_run(dir, "batch --apply x/" AM42 " y/" AM42);
    expect_status(&r, 0, "batch --apply");
    ck_assert_ptr_null(strstr(r.out, "updated y/" AM42 "/" AXIS2));
    cli_result_free(&r);
    snapshot_take(&after, dir);
    char *diff = snapshot_diff(&before, &after);
    ck_assert_msg(diff && strstr(diff, "deployment.toml"), "%s", diff ? diff : "no change");
    free(diff);
    snapshot_free(&before);
    snapshot_free(&after);
    done(dir);
}
END_TEST

START_TEST(first_and_avoid)
{
    char *dir = two_copies(AM26);
    /* x must move off 9999 too; from 20 on, x takes 20 and y 21. */
    cli_result r = cli_run(dir, "batch --first 20 --avoid 9444-9450,9999 " X " " Y);
    expect_status(&r, 0, "batch --first --avoid");
    LINE_WITH(r.out, X ": offset 0 -> 20: at offset 0 its JMX RMI registry "
                       "(repository/conf/carbon.xml:132) would open 9999, but it is one of the "
                       "ports to avoid");
    LINE_WITH(r.out, Y ": offset 0 -> 21: at offset 0 its ");
    cli_result_free(&r);
    /* --avoid again adds to the list; --first=N and --avoid=LIST are the same. */
    r = cli_run(dir, "batch --first=5 --avoid=9448 --avoid 8285-8286 " X " " Y);
    expect_status(&r, 0, "batch --first= --avoid=");
    /* y: 5 opens 9448 (and 8285), 6 opens 8286: 7. */
    LINE_WITH(r.out, X ": offset 0, kept");
    LINE_WITH(r.out, Y ": offset 0 -> 7: ");
    cli_result_free(&r);
    /* A home that fits where it is keeps it, whatever --first says. */
    r = cli_run(dir, "batch --first 100 " X);
    expect_status(&r, 0, "batch --first, one home");
    LINE_WITH(r.out, X ": offset 0, kept");
    cli_result_free(&r);
    done(dir);
}
END_TEST

START_TEST(no_offset_fits_is_an_error)
{
    char *dir = two_copies(AM26);
    snapshot before, after;
    snapshot_take(&before, dir);
    cli_result r = cli_run(dir, "batch --avoid 1-65535 " X);
    expect_status(&r, 2, "batch --avoid everything");
    ck_assert_str_eq(r.out, "");
    const char *want = "portshift: " X ": error: no offset from 0 on fits: at offset 0 its "
                       "Synapse pass-through / NIO transport (" AXIS2
                       ":291) would open 8280, but it is one of the ports to avoid; at offset 1 "
                       "its Synapse pass-through / NIO transport (" AXIS2
                       ":291) would open 8281, but it is one of the ports to avoid; at offset ";
    ck_assert_msg(strncmp(r.err, want, strlen(want)) == 0 &&
                      strchr(r.err, '\n') == r.err + strlen(r.err) - 1,
                  "%s", r.err);
    LINE_WITH(r.err, "at offset 57256 its ", "would be 65536, outside 1-65535");
    cli_result_free(&r);
    /* y cannot move past the end of the port range. */
    r = cli_run(dir, "batch --apply --first 60000 " X " " Y);
    expect_status(&r, 2, "batch --first 60000");
    LINE_WITH(r.err, "portshift: " Y ": error: no offset from 60000 on fits: ", "outside 1-65535");
    cli_result_free(&r);
    snapshot_take(&after, dir);
    expect_same(&before, &after, "a batch that fails");
    snapshot_free(&before);
    snapshot_free(&after);
    done(dir);
}
END_TEST

static const struct usage_case {
    const char *args, *message;
} usage_cases[] = {
    {"batch " X "=3", "batch takes no offset: it chooses them"},
    {"batch --offset 3 " X, "batch takes no offset: it chooses them"},
    {"batch --diff --apply " X, "batch takes --diff or --apply, not both"},
    {"batch --force " X, "--force goes with batch --apply"},
    {"batch --avoid 0 " X, "--avoid '0' is not a port (1-65535) or a range of them (PORT-PORT)"},
    {"batch --avoid 9444-9443 " X, "--avoid '9444-9443' is not a port"},
    {"batch --avoid 9443,,9444 " X, "--avoid '' is not a port"},
    {"batch --avoid 9443- " X, "--avoid '9443-' is not a port"},
    {"batch --avoid 65536 " X, "--avoid '65536' is not a port"},
    {"batch --first -1 " X, "offset -1 is negative"},
    {"batch --first " X, "offset '" X "' is not a number"},
    {"batch --avoid", "--avoid needs a value"},
    {"batch --backup --apply " X, "unknown option '--backup' for batch"},
    {"batch", "no HOME given"},
};

START_TEST(usage_errors)
{
    const struct usage_case *c = &usage_cases[_i];
    char *dir = two_copies(AM26);
    cli_result r = cli_run(dir, c->args);
    expect_status(&r, 2, c->args);
    char want[512];
    snprintf(want, sizeof want, "portshift: error: %s", c->message);
    ck_assert_msg(strncmp(r.err, want, strlen(want)) == 0, "%s: %s", c->args, r.err);
    ck_assert_msg(strstr(r.err, "\nsee 'portshift batch --help'\n") != NULL, "%s", r.err);
    ck_assert_str_eq(r.out, "");
    cli_result_free(&r);
    done(dir);
}
END_TEST

/* a/name and b/name hold the same bytes. */
static void same_trees(const char *a, const char *b, const char *name, const char *what)
{
    snapshot x, y;
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", a, name);
    snapshot_take(&x, path);
    snprintf(path, sizeof path, "%s/%s", b, name);
    snapshot_take(&y, path);
    expect_same(&x, &y, what);
    snapshot_free(&x);
    snapshot_free(&y);
}

/* batch --diff, applied by patch, gives the bytes batch --apply writes. */
/* The line of `out` that starts with `head`, or NULL. Caller frees. */
static char *line_starting(const char *out, const char *head)
{
    for (const char *line = out; line && *line;) {
        const char *end = strchr(line, '\n');
        if (strncmp(line, head, strlen(head)) == 0)
            return strndup(line, end ? (size_t)(end - line) : strlen(line));
        line = end ? end + 1 : NULL;
    }
    return NULL;
}

/*
 * EI's Carbon 5 servers have no offset (issue 14): two copies of EI 6.6 and
 * two of EI 6.1 clash on the analytics manager's 9190/9543 and MSF4J's 9090
 * whatever the offsets, so batch rewrites them in the second copies; after
 * `batch --apply` no active port is shared and check is clean. The rewrite
 * changes only those digits: each file equals the corpus one with the port
 * the output names.
 */
START_TEST(ei_carbon5_listeners_are_placed_too)
{
    char *dir = two_copies("wso2ei-6.6.0");
    corpus_copy("wso2ei-6.1.1", dir, "x/wso2ei-6.1.1");
    corpus_copy("wso2ei-6.1.1", dir, "y/wso2ei-6.1.1");
    const char *homes = "x/wso2ei-6.6.0 y/wso2ei-6.6.0 x/wso2ei-6.1.1 y/wso2ei-6.1.1";
    cli_result r = cli_runf(dir, "check %s", homes);
    expect_status(&r, 1, "check before");
    LINE_WITH(r.out,
              "  x/wso2ei-6.6.0/wso2/analytics/conf/manager/deployment.yaml:", " (port 9190)");
    LINE_WITH(r.out,
              "  x/wso2ei-6.1.1/wso2/msf4j/conf/transports/netty-transports.yml:", " (port 9090)");
    cli_result_free(&r);
    r = cli_runf(dir, "batch --apply %s", homes);
    expect_status(&r, 0, "batch --apply");
    /* y's worker takes 9092, the port of the Kafka its manager names ... */
    LINE_WITH(r.out, "y/wso2ei-6.6.0/wso2/analytics/conf/worker/deployment.yaml:",
              ": rewrite: analytics worker transport (Carbon 5: no offset) 9091 -> 9092 ");
    static const struct {
        const char *tree, *rel, *was, *prefix;
        long port;
    } moved[] = {
        {"wso2ei-6.6.0", "wso2/analytics/conf/manager/deployment.yaml", "      port: 9190\n",
         "      port: ", 9190},
        {"wso2ei-6.6.0", "wso2/analytics/conf/manager/deployment.yaml", "      port: 9543\n",
         "      port: ", 9543},
        {"wso2ei-6.1.1", "wso2/msf4j/conf/transports/netty-transports.yml", "  port: 9090\n",
         "  port: ", 9090},
    };
    char expect[3][64];
    for (size_t i = 0; i < 3; i++) {
        char src[4400], head[4600];
        snprintf(src, sizeof src, "%s/%s/%s", corpus_dir(), moved[i].tree, moved[i].rel);
        snprintf(head, sizeof head, "y/%s/%s:%d:", moved[i].tree, moved[i].rel,
                 line_of(src, moved[i].was));
        char *line = line_starting(r.out, head);
        ck_assert_msg(line, "no rewrite at %s in:\n%s", head, r.out);
        ck_assert_msg(strstr(line, ": rewrite: "), "%s", line);
        char old[64];
        snprintf(old, sizeof old, " %ld -> ", moved[i].port);
        const char *arrow = strstr(line, old);
        long now = -1;
        ck_assert_msg(arrow && sscanf(arrow + strlen(old), "%ld", &now) == 1 &&
                          now != moved[i].port,
                      "%s", line);
        free(line);
        snprintf(expect[i], sizeof expect[i], "%s%ld\n", moved[i].prefix, now);
    }
    cli_result_free(&r);
    /* The bytes: the corpus file with the rewritten ports, nothing else, and the
     * HTTPS interface the manager advertises (its own 9543) following its listener;
     * x is untouched. */
    char iface[64];
    snprintf(iface, sizeof iface, "    host: localhost\n    port: %s", expect[1] + 12);
    const struct {
        size_t file; /* index into moved[] of the file */
        const char *was, *now;
    } edits[] = {{0, moved[0].was, expect[0]},
                 {0, moved[1].was, expect[1]},
                 {0, "    host: localhost\n    port: 9543\n", iface},
                 {2, moved[2].was, expect[2]}};
    for (size_t i = 0; i < 3; i += 2) {
        char src[4400], got[4400], kept[4400];
        snprintf(src, sizeof src, "%s/%s/%s", corpus_dir(), moved[i].tree, moved[i].rel);
        snprintf(got, sizeof got, "%s/y/%s/%s", dir, moved[i].tree, moved[i].rel);
        snprintf(kept, sizeof kept, "%s/x/%s/%s", dir, moved[i].tree, moved[i].rel);
        char *want = file_text(src), *have = file_text(got), *same = file_text(kept);
        ck_assert_msg(strcmp(want, same) == 0, "%s changed", kept);
        free(same);
        for (size_t k = 0; k < sizeof edits / sizeof edits[0]; k++) {
            if (edits[k].file != i)
                continue;
            char *at = strstr(want, edits[k].was);
            ck_assert_msg(at != NULL, "%s holds no %s", src, edits[k].was);
            char *next = NULL;
            ck_assert_int_ge(asprintf(&next, "%.*s%s%s", (int)(at - want), want, edits[k].now,
                                      at + strlen(edits[k].was)),
                             0);
            free(want);
            want = next;
        }
        ck_assert_msg(strcmp(want, have) == 0, "%s is not the corpus file with the rewrites", got);
        free(want);
        free(have);
    }
    ports_disjoint(dir, homes);
    r = cli_runf(dir, "check %s", homes);
    expect_status(&r, 0, "check after batch --apply");
    /* ... which stays Kafka's: the reference is no port of the worker's. */
    LINE_WITH(r.out, "y/wso2ei-6.6.0/wso2/analytics/conf/manager/deployment.yaml:",
              ": note: port 9092: no kafka runtime of this call listens on it, left alone");
    cli_result_free(&r);
    done(dir);
}
END_TEST

START_TEST(diff_is_what_apply_writes)
{
    if (run_cmd("patch --version >/dev/null 2>&1") != 0) {
        case_skipped("diff_is_what_apply_writes", "patch not found");
        return;
    }
    char *dir = two_copies("wso2ei-6.1.1");
    char twin[4200];
    snprintf(twin, sizeof twin, "%s/twin", dir);
    ck_assert_int_eq(run_cmd("mkdir '%s' && cp -a '%s/x' '%s/y' '%s/'", twin, dir, dir, twin), 0);
    cli_result r = cli_run(dir, "batch --diff x/wso2ei-6.1.1 y/wso2ei-6.1.1");
    expect_status(&r, 1, "batch --diff");
    LINE_WITH(r.out, "y/wso2ei-6.1.1: offset 0 -> ");
    char patch[4200];
    snprintf(patch, sizeof patch, "%s/batch.patch", dir);
    put(patch, r.out);
    cli_result_free(&r);
    ck_assert_int_eq(run_cmd("cd '%s' && patch -s -p1 < '%s'", dir, patch), 0);
    r = cli_run(twin, "batch --apply x/wso2ei-6.1.1 y/wso2ei-6.1.1");
    expect_status(&r, 0, "batch --apply");
    cli_result_free(&r);
    same_trees(dir, twin, "x", "x: patched and applied");
    same_trees(dir, twin, "y", "y: patched and applied");
    r = cli_run(dir, "check x/wso2ei-6.1.1 y/wso2ei-6.1.1");
    expect_status(&r, 0, "check after the patch");
    cli_result_free(&r);
    done(dir);
}
END_TEST

START_TEST(json_validates)
{
    if (!have_validator()) {
        case_skipped("json_validates", "python3 with jsonschema (python3-jsonschema) not found");
        return;
    }
    char *dir = two_copies(AM26);
    clustering_on(dir, X, AXIS2);
    clustering_on(dir, Y, AXIS2);
    corpus_copy("wso2ei-6.1.1", dir, "ei");
    corpus_copy(AM42, dir, "am42a");
    corpus_copy(AM42, dir, "am42b");
    clustering_on(dir, "am42a", AXIS2);
    clustering_on(dir, "am42b", AXIS2);
    /* Moves, a kept home, a rewrite, a note, stale repairs, avoided ranges. */
    const char *homes = X " " Y " ei am42a am42b";
    cli_result r = cli_runf(dir, "batch --json --avoid 9450-9460,10005 --first 2 %s", homes);
    expect_status(&r, 0, "batch --json");
    const char *head = "{\"format\":1,\"first\":2,\"avoid\":[{\"from\":9450,\"to\":9460},"
                       "{\"from\":10005,\"to\":10005}],\"listening\":false,";
    ck_assert_msg(strncmp(r.out, head, strlen(head)) == 0, "%s", r.out);
    ck_assert(strstr(r.out, "\"kept\":true,\"reason\":null") &&
              strstr(r.out, "\"kept\":false,\"reason\":\"at offset 0 its ") &&
              strstr(r.out, "\"written\":true") && strstr(r.out, "\"written\":false") &&
              strstr(r.out, "\"kind\":\"repair\"") && strstr(r.out, "\"kind\":\"rewrite\"") &&
              strstr(r.out, "\"stale_repaired\":3,") &&
              strstr(r.out, "\"applied\":false,\"warnings\":["));
    validate(dir, r.out, "batch.schema.json", "batch --json");
    cli_result_free(&r);
    r = cli_runf(dir, "batch --json --diff %s", homes);
    expect_status(&r, 1, "batch --json --diff");
    validate(dir, r.out, "batch.schema.json", "batch --json --diff");
    cli_result_free(&r);
    r = cli_runf(dir, "batch --json --listening --apply %s", homes);
    expect_status(&r, 0, "batch --json --apply");
    ck_assert(strstr(r.out, "\"listening\":true,") &&
              strstr(r.out, "\"applied\":true,\"warnings\":["));
    validate(dir, r.out, "batch.schema.json", "batch --json --apply");
    cli_result_free(&r);
    r = cli_runf(dir, "batch --json %s", homes);
    expect_status(&r, 0, "batch --json after");
    ck_assert(strstr(r.out, "\"edits\":[],"));
    validate(dir, r.out, "batch.schema.json", "batch --json, nothing to do");
    cli_result_free(&r);
    done(dir);
}
END_TEST

int main(void)
{
    for (int i = 0; i < N(SEVEN); i++)
        if (!corpus_has(SEVEN[i])) {
            printf("batch: %s lacks %s: skipping\n", corpus_dir(), SEVEN[i]);
            return PS_SKIPPED;
        }
    if (!corpus_has("wso2is-5.10.0")) {
        printf("batch: %s lacks wso2is-5.10.0: skipping\n", corpus_dir());
        return PS_SKIPPED;
    }
    Suite *s = suite_create("batch_cli");
    TCase *tc = tcase_create("batch_cli");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, two_copies_then_check_is_clean);
    tcase_add_test(tc, seven_products_then_an_eighth);
    tcase_add_test(tc, listening_socket_is_avoided);
    tcase_add_test(tc, hazelcast_member_ports_are_rewritten);
    tcase_add_test(tc, hazelcast_in_a_generated_file_is_a_note);
    tcase_add_test(tc, first_and_avoid);
    tcase_add_test(tc, no_offset_fits_is_an_error);
    tcase_add_loop_test(tc, usage_errors, 0, N(usage_cases));
    tcase_add_test(tc, ei_carbon5_listeners_are_placed_too);
    tcase_add_test(tc, diff_is_what_apply_writes);
    tcase_add_test(tc, json_validates);
    suite_add_tcase(s, tc);
    return run_suite_status(s);
}
