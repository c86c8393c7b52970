/*
 * The facts of a host (issue 18, item 1): `portshift facts` on copies of
 * corpus trees. A gateway API-M 4.2 whose [apim.key_manager] service_url
 * names another host lists it as a remote reference (host, port, role,
 * path:line:col), while the planner still leaves it alone; --host-name
 * aliases are names of the host and make references to them local; an IS
 * 7.1 at offset 1 lists 9444 as an active listener; facts write nothing;
 * a FIFO planted in a home (or a symlink to one) is refused as `ports`
 * refuses it. Skips when the corpus is absent.
 */
#define _GNU_SOURCE
#include <check.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../support/clitext.h"
#include "../support/corpus.h"
#include "../support/runner.h"
#include "../support/tree.h"

#define AM42 "wso2am-4.2.0"
#define IS71 "wso2is-7.1.0"
#define TOML "repository/conf/deployment.toml"
#define SERVICE_URL "service_url = \"https://km1.example:9443/services/\"\n"

/* A copy of API-M 4.2 as a gateway whose key manager is km1.example. */
static char *gateway(char *path, size_t size)
{
    char *dir = corpus_scratch(AM42, "gw");
    snprintf(path, size, "%s/gw/" TOML, dir);
    file_replace(path, NULL, "[apim.key_manager]\n", "[apim.key_manager]\n" SERVICE_URL);
    return dir;
}

START_TEST(remote_key_manager_is_a_reference)
{
    char toml[4096], want[8192];
    char *dir = gateway(toml, sizeof toml);
    int line = line_of(toml, SERVICE_URL);
    /* The port's column: the digits after "https://km1.example:". */
    int col = (int)strlen("service_url = \"https://km1.example:") + 1;
    cli_result r = cli_runf(dir, "facts gw");
    expect_status(&r, 0, "facts gw");
    snprintf(want, sizeof want,
             "{\"home\":\"gw\",\"runtime\":\"\",\"file\":\"" TOML "\",\"path\":\"gw/" TOML
             "\",\"line\":%d,\"col\":%d,\"host\":\"km1.example\",\"port\":9443,"
             "\"role\":\"key-manager\",\"what\":null,\"local\":false}",
             line, col);
    ck_assert_msg(strstr(r.out, want), "no %s in:\n%s", want, r.out);
    ck_assert_msg(strstr(r.out, "\"format\":1,\"host\":{"), "%s", r.out);
    /* Only the facts see it: the planner follows local references alone. */
    cli_result p = cli_runf(dir, "plan --offset 1 gw");
    expect_status(&p, 0, "plan --offset 1 gw");
    ck_assert_msg(!strstr(p.out, "km1.example"), "%s", p.out);
    cli_result_free(&p);
    cli_result_free(&r);
    scratch_done(dir);
}
END_TEST

/* An alias is a name of the host, and a reference to it is local. */
START_TEST(host_name_aliases_are_names)
{
    char toml[4096];
    char *dir = gateway(toml, sizeof toml);
    cli_result r = cli_runf(dir, "facts --host-name km1.example --host-name lb.example gw");
    expect_status(&r, 0, "facts --host-name");
    const char *aliases[] = {"km1.example", "lb.example"};
    for (size_t i = 0; i < 2; i++) {
        char want[256];
        snprintf(want, sizeof want,
                 "{\"name\":\"%s\",\"from\":\"alias\",\"home\":null,\"runtime\":null,"
                 "\"file\":null,\"path\":null,\"line\":null,\"col\":null}",
                 aliases[i]);
        ck_assert_msg(strstr(r.out, want), "no %s in:\n%s", want, r.out);
    }
    ck_assert_msg(strstr(r.out, "\"host\":\"km1.example\",\"port\":9443,\"role\":\"key-manager\","
                                "\"what\":null,\"local\":true}"),
                  "%s", r.out);
    cli_result_free(&r);
    scratch_done(dir);
}
END_TEST

/* [server] hostname is a name of the host, with where it was read;
 * localhost (as shipped) is none. */
START_TEST(configured_hostname_is_a_name)
{
    char toml[4096], want[512];
    char *dir = gateway(toml, sizeof toml);
    cli_result r = cli_runf(dir, "facts gw");
    expect_status(&r, 0, "facts gw");
    ck_assert_msg(!strstr(r.out, "\"name\":\"localhost\""), "%s", r.out);
    cli_result_free(&r);
    file_replace(toml, NULL, "hostname = \"localhost\"", "hostname = \"gw1.example\"");
    r = cli_runf(dir, "facts gw");
    expect_status(&r, 0, "facts gw");
    snprintf(want, sizeof want,
             "{\"name\":\"gw1.example\",\"from\":\"config\",\"home\":\"gw\",\"runtime\":\"\","
             "\"file\":\"" TOML "\",\"path\":\"gw/" TOML "\",\"line\":%d,\"col\":13}",
             line_of(toml, "hostname = \"gw1.example\""));
    ck_assert_msg(strstr(r.out, want), "no %s in:\n%s", want, r.out);
    cli_result_free(&r);
    scratch_done(dir);
}
END_TEST

START_TEST(is_at_offset_1_listens_on_9444)
{
    char *dir = corpus_scratch(IS71, "km");
    char toml[4096];
    snprintf(toml, sizeof toml, "%s/km/" TOML, dir);
    file_replace(toml, NULL, "[server]\n", "[server]\noffset = 1\n");
    cli_result r = cli_runf(dir, "facts km");
    expect_status(&r, 0, "facts km");
    /* The version is whatever `ports` says of the tree (its carbon.xml's). */
    ck_assert_msg(strstr(r.out, "\"product\":\"is\","), "%s", r.out);
    ck_assert_msg(strstr(r.out, "\"mode\":\"toml\",\"offset\":1,\"listeners\":["), "%s", r.out);
    ck_assert_msg(strstr(r.out, "{\"port\":9444,\"base\":9443,\"shift\":\"auto\","), "%s", r.out);
    ck_assert_msg(!strstr(r.out, "{\"port\":9443,"), "%s", r.out);
    /* Tomcat's shutdown port is never opened: no active listener. */
    ck_assert_msg(!strstr(r.out, "\"base\":8005"), "%s", r.out);
    cli_result_free(&r);
    scratch_done(dir);
}
END_TEST

/* Every entry of `dir` with its mtime (ns) and size, one a line, sorted:
 * find(1)'s, so folders count too (a lock file made and removed shows). */
static char *mtimes(const char *dir)
{
    char cmd[4200], *text = NULL;
    size_t len = 0, n;
    snprintf(cmd, sizeof cmd, "cd '%s' && find . -printf '%%p %%T@ %%s\\n' | LC_ALL=C sort", dir);
    FILE *f = popen(cmd, "r");
    ck_assert_ptr_nonnull(f);
    FILE *out = open_memstream(&text, &len);
    char buf[4096];
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        fwrite(buf, 1, n, out);
    ck_assert_int_eq(pclose(f), 0);
    fclose(out);
    ck_assert_uint_gt(len, 0);
    return text;
}

/* Every byte and every mtime as they were, and no file added. */
START_TEST(facts_write_nothing)
{
    char toml[4096];
    char *dir = gateway(toml, sizeof toml);
    snapshot before, after;
    snapshot_take(&before, dir);
    char *times = mtimes(dir);
    sleep(1); /* an mtime rewritten in the same second could look unchanged */
    cli_result r = cli_runf(dir, "facts --host-name km1.example gw");
    expect_status(&r, 0, "facts gw");
    snapshot_take(&after, dir);
    char *d = snapshot_diff(&before, &after);
    ck_assert_msg(d == NULL, "facts changed the home: %s", d ? d : "");
    char *times_after = mtimes(dir);
    ck_assert_str_eq(times_after, times);
    free(times);
    free(times_after);
    snapshot_free(&before);
    snapshot_free(&after);
    cli_result_free(&r);
    scratch_done(dir);
}
END_TEST

/* A FIFO in the home, and a symlink in it to a FIFO outside: each is
 * refused, with the message `ports` gives, and nothing blocks. */
START_TEST(hostile_files_as_ports_does)
{
    for (int link = 0; link < 2; link++) {
        char *dir = corpus_scratch(IS71, "km");
        char conf[4096], fifo[4096];
        snprintf(conf, sizeof conf, "%s/km/repository/conf/planted.xml", dir);
        snprintf(fifo, sizeof fifo, "%s/fifo", dir);
        ck_assert_int_eq(mkfifo(link ? fifo : conf, 0644), 0);
        if (link)
            ck_assert_int_eq(symlink(fifo, conf), 0);
        cli_result p = cli_runf(dir, "ports km");
        cli_result f = cli_runf(dir, "facts km");
        expect_status(&p, 2, "ports km");
        expect_status(&f, 2, "facts km");
        ck_assert_str_eq(f.err, p.err);
        ck_assert_msg(strstr(f.err, "planted.xml"), "%s", f.err);
        ck_assert_str_eq(f.out, "");
        cli_result_free(&p);
        cli_result_free(&f);
        scratch_done(dir);
    }
}
END_TEST

/* Like every command: no offset, no home, a bad home: exit 2, one line. */
START_TEST(usage_errors)
{
    char *dir = corpus_scratch(IS71, "km");
    const char *bad[] = {"facts", "facts km=1", "facts --offset 1 km", "facts --host-name= km",
                         "facts nowhere"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cli_result r = cli_runf(dir, "%s", bad[i]);
        expect_status(&r, 2, bad[i]);
        ck_assert_str_eq(r.out, "");
        ck_assert_msg(strncmp(r.err, "portshift: ", 11) == 0, "%s: %s", bad[i], r.err);
        cli_result_free(&r);
    }
    scratch_done(dir);
}
END_TEST

int main(void)
{
    const char *const trees[] = {AM42, IS71};
    if (corpus_lacks("facts", trees, 2))
        return PS_SKIPPED;
    Suite *s = suite_create("facts");
    TCase *tc = tcase_create("facts");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, remote_key_manager_is_a_reference);
    tcase_add_test(tc, host_name_aliases_are_names);
    tcase_add_test(tc, configured_hostname_is_a_name);
    tcase_add_test(tc, is_at_offset_1_listens_on_9444);
    tcase_add_test(tc, facts_write_nothing);
    tcase_add_test(tc, hostile_files_as_ports_does);
    tcase_add_test(tc, usage_errors);
    suite_add_tcase(s, tc);
    return run_suite_status(s);
}
