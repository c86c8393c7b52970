/*
 * Bad input through the CLI (DESIGN §2.6, §4, §5): not well-formed XML, XXE,
 * billion laughs, ports past 65535, bad offsets, folders that are not homes,
 * unreadable files, usage errors. Every refusal exits 2, prints exactly one
 * "portshift: path:line:col: error: message" line on stderr (usage errors
 * follow it with the help to read), writes nothing on stdout and leaves every
 * byte as it was. Each defective fixture has a positive control (the same home
 * without the defect applies), so no refusal can pass vacuously. Expected
 * positions were counted by hand from tests/fixtures/errors; see each case.
 *
 * chmod 000 cannot stop root: as root those cases run the CLI as nobody
 * (fx_unprivileged); the root-proof unreadable inputs are a FIFO, a character device and a
 * dangling symlink named *.xml.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../support/fixture.h"
#include "../support/runner.h"
#include "write/apply.h"

/* ---- the fixture without a defect ---- */

START_TEST(good_home_applies)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "home");
    cli_result r = cli(&f, "diff --offset 3 home");
    ck_assert_msg(r.status == 1, "diff: exit %d: %s", r.status, r.err);
    ck_assert_ptr_nonnull(strstr(r.out, "--- a/home/" CARBON "\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "+++ b/home/" CATALINA "\n"));
    cli_result_free(&r);
    applies_home(&f, "home", 3);
    r = cli(&f, "diff --offset 3 home");
    ck_assert_msg(r.status == 0 && r.out[0] == '\0', "diff after apply: exit %d", r.status);
    cli_result_free(&r);
    fx_close(&f);
}
END_TEST

/* ---- 1. not well-formed XML ---- */

/*
 * notwf/repository/conf/etc/bad.xml, line 5 (1-based), 64 bytes:
 *     "        <parameter name=\"url\">http://localhost:8280/</transport>"
 * opens <parameter> at column 9 and closes it with </transport>: the error
 * is on line 5, at a column between the unclosed tag (9) and the end of the
 * line (65). libxml2 places the column where it noticed, so only the range
 * is pinned.
 */
START_TEST(not_well_formed_refused)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "notwf", "home");
    int col = refused(&f, APPLY_DIFF_PLAN, "--offset 3 home", "home/repository/conf/etc/bad.xml", 5,
                      ANY_COL, "not well-formed");
    ck_assert_msg(col >= 9 && col <= 65, "column %d is not on the bad tag", col);
    fx_close(&f);
}
END_TEST

/*
 * Which XML files are read strictly (README, "What it reads"): each file a
 * catalog rule reads, each file that holds a port site (a local reference or
 * placeholder port outside comments, the configured host name's included)
 * and each file with a DOCTYPE. Any other cannot change the plan, so its
 * bytes are scanned and it is not parsed: a defect there stops nothing and
 * the file is left as it is. Each case adds one not-well-formed file to
 * good/ (whose carbon.xml gets <HostName>ps.example.org</HostName>) at
 * repository/conf/etc/<file>; its line 2 is the bad one.
 */
static const struct strict_case {
    const char *label, *file, *xml;
    int refused; /* 1: refused at line 2; 0: the home applies as without the file */
} strict_cases[] = {
    {"a reference in text", "refs.xml", "<refs>\n  <u>https://localhost:9443/x</v>\n</refs>\n", 1},
    {"a placeholder port in an attribute", "refs.xml",
     "<refs>\n  <u a=\"http://localhost:${x.port}/\"></v>\n</refs>\n", 1},
    {"the configured host name", "refs.xml",
     "<refs>\n  <u>https://ps.example.org:9443/x</v>\n</refs>\n", 1},
    {"a file a rule reads", "jmx.xml", "<JMX>\n  <StartRMIServer>true</Start>\n</JMX>\n", 1},
    {"a DOCTYPE", "notes.xml", "<!DOCTYPE notes SYSTEM \"notes.dtd\">\n<notes><a></b></notes>\n",
     1},
    {"no port site", "notes.xml", "<notes>\n  <port>8280</transport>\n</notes>\n", 0},
    {"a reference in a comment only", "notes.xml",
     "<notes>\n  <!-- https://localhost:9443/ --><a></b>\n</notes>\n", 0},
};

START_TEST(strict_reading)
{
    const struct strict_case *c = &strict_cases[_i];
    char rel[256];
    snprintf(rel, sizeof rel, "home/repository/conf/etc/%s", c->file);
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "home");
    fx_replace(in(&f, "home/" CARBON), "<Ports>",
               "<HostName>ps.example.org</HostName>\n    <Ports>");
    ck_assert_int_eq(mkdir(in(&f, "home/repository/conf/etc"), 0755), 0);
    put(in(&f, "%s", rel), c->xml);
    if (c->refused)
        refused(&f, APPLY_DIFF_PLAN, "--offset 3 home", rel, 2, ANY_COL, "not well-formed");
    else
        applies_home(&f, "home", 3);
    fx_close(&f);
}
END_TEST

/* ---- 2. XXE ---- */

/*
 * xxe/repository/conf/etc/xxe.xml line 3 is "  <!DOCTYPE x [<!ENTITY e SYSTEM
 * \"file:///etc/passwd\">]><x>&e;</x>": the DOCTYPE starts at 3:3.
 */
START_TEST(xxe_refused)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "xxe", "home");
    refused(&f, APPLY_DIFF_PLAN, "--offset 3 home", "home/repository/conf/etc/xxe.xml", 3, 3, NULL);
    /* and nothing of /etc/passwd was read into a diagnostic */
    cli_result r = cli(&f, "diff --offset 3 home");
    ck_assert_ptr_null(strstr(r.err, "root:"));
    cli_result_free(&r);
    fx_close(&f);
}
END_TEST

/* ---- 3. billion laughs ---- */

/* laughs/repository/conf/etc/laughs.xml: "<!DOCTYPE lolz [" opens line 2. */
START_TEST(billion_laughs_refused)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "laughs", "home");
    /* a hang fails on the test case's timeout */
    refused(&f, APPLY_DIFF_PLAN, "--offset 3 home", "home/repository/conf/etc/laughs.xml", 2, 1,
            NULL);
    fx_close(&f);
}
END_TEST

/* ---- positive controls: each defective home applies once its defect is gone ---- */

static const struct {
    const char *fixture, *defect;
} controls[] = {
    {"notwf", "home/repository/conf/etc/bad.xml"},
    {"xxe", "home/repository/conf/etc/xxe.xml"},
    {"laughs", "home/repository/conf/etc/laughs.xml"},
};

START_TEST(defect_removed_applies)
{
    fx f;
    fx_open(&f);
    fx_add(&f, controls[_i].fixture, "home");
    ck_assert_int_eq(unlink(in(&f, "%s", controls[_i].defect)), 0);
    applies_home(&f, "home", 3);
    fx_close(&f);
}
END_TEST

/* ---- 4. a port pushed past 65535 ---- */

/*
 * overflow/ has no JMX ports, so the first listener an offset can push past
 * 65535 is the connector on catalina-server.xml line 5,
 * "                   port=\"9763\"": 19 spaces and port=" (6 bytes), the
 * digits start at 5:26. (The shutdown port 8005 on line 2 is fixed: never
 * moved.) 9763 + 55772 = 65535 is still a port; + 55773 is not, and at 55773
 * the connector 9443 (line 8) stays in range, so 9763 is the only culprit.
 */
START_TEST(port_past_65535_refused)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "overflow", "home");
    const char *cat = "home/" CATALINA;
    refused(&f, APPLY_DIFF_PLAN, "--offset 60000 home", cat, 5, 26, "past 65535");
    refused(&f, APPLY_DIFF, "home=60000", cat, 5, 26, "past 65535");
    refused(&f, APPLY_DIFF, "--offset 55773 home", cat, 5, 26, "past 65535");
    fx_close(&f);
}
END_TEST

START_TEST(port_at_65535_applies)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "overflow", "home");
    applies_home(&f, "home", 55772);
    fx_close(&f);
}
END_TEST

START_TEST(port_overflow_control)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "overflow", "home");
    applies_home(&f, "home", 3);
    fx_close(&f);
}
END_TEST

/*
 * A current offset that already pushes a port past 65535 was planned from
 * as if the ports were there: `apply -o 3` set <Offset> alone. Refused by
 * every command at the offset, carbon.xml line 6 ("        <Offset>": the
 * digits at 6:17). good/'s highest port is JMX 9999 (8:30): 9999 + 55536 =
 * 65535 is the last usable offset.
 */
START_TEST(current_offset_past_65535_refused)
{
    static const char *const readers[] = {"ports", "check", "batch", NULL};
    static const char *const offsets[] = {"65535", "55537"};
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "home");
    const char *carbon = in(&f, "home/" CARBON);
    const char *was = "0";
    for (size_t i = 0; i < 2; i++) {
        char from[32], to[32], needle[128];
        snprintf(from, sizeof from, "<Offset>%s<", was);
        snprintf(to, sizeof to, "<Offset>%s<", offsets[i]);
        fx_replace(carbon, from, to);
        was = offsets[i];
        snprintf(needle, sizeof needle,
                 "offset %s already moves JMX RMI registry 9999 (" CARBON ":8) to %ld, past 65535",
                 offsets[i], 9999 + strtol(offsets[i], NULL, 10));
        refused(&f, APPLY_DIFF_PLAN, "--offset 3 home", "home/" CARBON, 6, 17, needle);
        refused(&f, APPLY_DIFF_PLAN, "home", "home/" CARBON, 6, 17, needle);
        refused(&f, readers, "home", "home/" CARBON, 6, 17, needle);
    }
    /* control: at 55536 every port is one (9999 listens on 65535) */
    fx_replace(carbon, "<Offset>55537<", "<Offset>55536<");
    cli_result r = cli(&f, "ports home");
    ck_assert_msg(r.status == 0 && strstr(r.out, "65535"), "ports at 55536: exit %d: %s%s",
                  r.status, r.out, r.err);
    cli_result_free(&r);
    diff_pending(&f, "--offset 3 home", "from offset 55536");
    fx_close(&f);
}
END_TEST

/* The same in deployment.toml: "offset = " (9 bytes) puts the digits at 3:10. */
START_TEST(current_toml_offset_past_65535_refused)
{
    fx f;
    fx_open(&f);
    ck_assert_int_eq(run_cmd("mkdir -p '%s'", in(&f, "home/conf")), 0);
    const char *toml = in(&f, "home/conf/deployment.toml");
    put(toml, "[server]\nhostname = \"localhost\"\noffset = 65535\n");
    refused(&f, APPLY_DIFF_PLAN, "--offset 3 home", "home/conf/deployment.toml", 3, 10,
            "offset 65535 already moves");
    fx_replace(toml, "65535", "2");
    diff_pending(&f, "--offset 3 home", "offset 2"); /* control */
    fx_close(&f);
}
END_TEST

/* ---- 4b. a port or offset with more digits than any port has ---- */

/*
 * A number the catalog names (listener, reference, offset) is read whole:
 * 20 digits fit no port or offset, so they are refused at their position
 * like 70000 above, never skipped as "not a number" (which left the home
 * planned as if the connector or the offset were not there). Positions in
 * good/, counted by hand: catalina-server.xml line 5 is 19 spaces and
 * port=" (6 bytes), the digits start at 5:26; line 6 is 19 spaces and
 * redirectPort=" (14), 6:34. carbon.xml line 6 is 8 spaces and <Offset>
 * (8), 6:17; line 8 is 12 spaces and <RMIRegistryPort> (17), 8:30.
 */
static const struct long_number {
    const char *file, *from, *to;
    int line, col;
    const char *needle;
} long_numbers[] = {
    {CATALINA, "port=\"9763\"", "port=\"12345678901234567890\"", 5, 26,
     "port 12345678901234567890 is out of range"},
    {CATALINA, "redirectPort=\"9443\"", "redirectPort=\"12345678901234567890\"", 6, 34,
     "port 12345678901234567890 is out of range"},
    {CARBON, "<Offset>0<", "<Offset>12345678901234567890<", 6, 17,
     "offset 12345678901234567890 is out of range"},
    {CARBON, ">9999<", ">123456<", 8, 30, "port 123456 is out of range"},
};

START_TEST(long_number_refused)
{
    const struct long_number *c = &long_numbers[_i];
    static const char *const plan_only[] = {"plan", NULL};
    char path[256];
    snprintf(path, sizeof path, "home/%s", c->file);
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "home");
    fx_replace(in(&f, "%s", path), c->from, c->to);
    refused(&f, APPLY_DIFF_PLAN, "--offset 3 home", path, c->line, c->col, c->needle);
    refused(&f, plan_only, "home", path, c->line, c->col, c->needle); /* no target: still read */
    fx_replace(in(&f, "%s", path), c->to, c->from);
    applies_home(&f, "home", 3); /* control */
    fx_close(&f);
}
END_TEST

/* deployment.toml line 3 is "offset = " (9 bytes): the digits start at 3:10. */
START_TEST(long_toml_offset_refused)
{
    fx f;
    fx_open(&f);
    ck_assert_int_eq(run_cmd("mkdir -p '%s'", in(&f, "home/conf")), 0);
    const char *toml = in(&f, "home/conf/deployment.toml");
    put(toml, "[server]\nhostname = \"localhost\"\noffset = 12345678901234567890\n");
    /* Past 64 bits the TOML reader refuses it; within, the offset range does. */
    refused(&f, APPLY_DIFF_PLAN, "--offset 3 home", "home/conf/deployment.toml", 3, 10,
            "integer does not fit in 64 bits");
    fx_replace(toml, "12345678901234567890", "1234567890123");
    refused(&f, APPLY_DIFF_PLAN, "--offset 3 home", "home/conf/deployment.toml", 3, 10,
            "offset 1234567890123 is not an offset from 0 to 65535");
    fx_replace(toml, "1234567890123", "2");
    diff_pending(&f, "--offset 3 home", "offset 2"); /* control */
    fx_close(&f);
}
END_TEST

/*
 * In free text, "localhost:" and a number that is no port (70000, 20
 * digits) is not a reference: it points at no listener, so it is left alone,
 * as 70000 always was there. Only the offset and the redirect move.
 */
START_TEST(long_port_in_free_text_left_alone)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "home");
    ck_assert_int_eq(mkdir(in(&f, "home/repository/conf/etc"), 0755), 0);
    put(in(&f, "home/repository/conf/etc/refs.xml"),
        "<refs>\n  <u>https://localhost:12345678901234567890/x</u>\n"
        "  <u a=\"http://localhost:70000/y\"/>\n</refs>\n");
    applies_home(&f, "home", 3);
    fx_close(&f);
}
END_TEST

/* ---- 5. bad offsets ---- */

/* Usage errors: the diagnostic line is followed by where to read more. */
START_TEST(bad_offsets_refused)
{
    static const struct {
        const char *args, *needle;
    } cases[] = {
        {"--offset -1 home", "-1"},
        {"--offset=-1 home", "-1"},
        {"--offset abc home", "abc"},
        {"--offset 3abc home", "3abc"},
        {"--offset 0x10 home", "0x10"},
        {"--offset 65536 home", "65536"},
        {"--offset 99999999999999999999 home", "99999999999999999999"},
        {"home --offset", "--offset"},
        {"home=-2", "-2"},
        {"home=abc", "abc"},
        {"home=", "offset"},
    };
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "home");
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        for (size_t c = 0; APPLY_DIFF[c]; c++) {
            char cmd[256];
            snprintf(cmd, sizeof cmd, "%s %s", APPLY_DIFF[c], cases[i].args);
            usage_refused(&f, cmd, cases[i].needle);
        }
    applies_home(&f, "home", 3); /* control */
    fx_close(&f);
}
END_TEST

/*
 * A number on the command line is digits and nothing else: strtol took
 * " 3", "+3" and "-0" for offsets (and HOME= 3 as the shell passes it),
 * " 2" and "+2" for --jobs, "+1" for --first. Each is a usage error now,
 * naming the word as given.
 */
START_TEST(loose_numbers_refused)
{
    static const struct {
        const char *needle;
        const char *words[6];
    } cases[] = {
        {"offset ' 3'", {"diff", "--offset", " 3", "home", NULL}},
        {"offset '+3'", {"diff", "--offset", "+3", "home", NULL}},
        {"offset '-0'", {"diff", "--offset", "-0", "home", NULL}},
        {"offset '3 '", {"diff", "--offset", "3 ", "home", NULL}},
        {"offset ' 3'", {"apply", "-o", " 3", "home", NULL}},
        {"offset '+3'", {"apply", "--offset=+3", "home", NULL}},
        {"offset ' 3'", {"diff", "home= 3", NULL}},
        {"offset '+3'", {"apply", "home=+3", NULL}},
        {"offset '-0'", {"plan", "home=-0", NULL}},
        {"offset ' 1'", {"batch", "--first", " 1", "home", NULL}},
        {"offset '+1'", {"batch", "--first", "+1", "home", NULL}},
        {"--avoid ' 9443'", {"batch", "--avoid", " 9443", "home", NULL}},
        {"--avoid '9443-+9444'", {"batch", "--avoid", "9443-+9444", "home", NULL}},
        {"--jobs takes a number from 1 to 256, not ' 2'", {"diff", "-j", " 2", "home", NULL}},
        {"not '+2'", {"diff", "--jobs", "+2", "home", NULL}},
        {"not '-0'", {"check", "--jobs=-0", "home", NULL}},
    };
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "home");
    snapshot before, after;
    snapshot_take(&before, f.scratch);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char what[256] = "";
        for (size_t k = 0; cases[i].words[k]; k++)
            snprintf(what + strlen(what), sizeof what - strlen(what), "%s[%s]", k ? " " : "",
                     cases[i].words[k]);
        cli_result r = cli_run_words(f.scratch, cases[i].words);
        expect_error(&r, what, NULL, 0, 0, cases[i].needle, 1);
        cli_result_free(&r);
    }
    snapshot_take(&after, f.scratch);
    assert_same(&before, &after, "loose numbers");
    snapshot_free(&before);
    snapshot_free(&after);
    /* control: digits, leading zeros included, are a number */
    cli_result r =
        cli_run_words(f.scratch, (const char *const[]){"diff", "-j", "02", "home=03", NULL});
    ck_assert_msg(r.status == 1, "control: exit %d: %s", r.status, r.err);
    cli_result_free(&r);
    fx_close(&f);
}
END_TEST

/* ---- 6, 7. not a Carbon home, missing home ---- */

START_TEST(not_a_home_refused)
{
    fx f;
    fx_open(&f);
    ck_assert_int_eq(mkdir(in(&f, "empty"), 0755), 0);
    refused(&f, APPLY_DIFF_PLAN, "--offset 3 empty", "empty", 0, 0, "not a Carbon home");
    /* a conf folder without carbon.xml or deployment.toml is no better */
    ck_assert_int_eq(run_cmd("mkdir -p '%s'", in(&f, "confonly/repository/conf")), 0);
    refused(&f, APPLY_DIFF, "--offset 3 confonly", "confonly", 0, 0, "not a Carbon home");
    /* a regular file */
    put(in(&f, "file"), "<Server/>\n");
    refused(&f, APPLY_DIFF, "--offset 3 file", "file", 0, 0, NULL);
    fx_close(&f);
}
END_TEST

START_TEST(missing_home_refused)
{
    fx f;
    fx_open(&f);
    refused(&f, APPLY_DIFF_PLAN, "--offset 3 nosuch", "nosuch", 0, 0, NULL);
    refused(&f, APPLY_DIFF, "nosuch=3", "nosuch", 0, 0, NULL);
    fx_close(&f);
}
END_TEST

/* ---- 8. unreadable and missing config files ---- */

START_TEST(unreadable_file_refused)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "home");
    const char *secret = in(&f, "home/repository/conf/secret.xml");
    put(secret, "<secret/>\n");
    fx_unprivileged(&f, "unreadable_file_refused");
    snapshot before, after;
    snapshot_take(&before, f.scratch);
    ck_assert_int_eq(chmod(secret, 0), 0);
    refused(&f, APPLY_DIFF_PLAN, "--offset 3 home", "home/repository/conf/secret.xml", 0, 0, NULL);
    ck_assert_int_eq(chmod(secret, 0644), 0);
    snapshot_take(&after, f.scratch);
    assert_same(&before, &after, "chmod 000 file");
    snapshot_free(&before);
    snapshot_free(&after);
    applies_home(&f, "home", 3); /* control: readable again */
    fx_close(&f);
}
END_TEST

START_TEST(unreadable_dir_refused)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "home");
    const char *etc = in(&f, "home/repository/conf/etc");
    ck_assert_int_eq(mkdir(etc, 0755), 0);
    put(in(&f, "home/repository/conf/etc/x.xml"), "<x/>\n");
    fx_unprivileged(&f, "unreadable_dir_refused");
    snapshot before, after;
    snapshot_take(&before, f.scratch);
    ck_assert_int_eq(chmod(etc, 0), 0);
    refused(&f, APPLY_DIFF_PLAN, "--offset 3 home", "home/repository/conf/etc", 0, 0, NULL);
    ck_assert_int_eq(chmod(etc, 0755), 0);
    snapshot_take(&after, f.scratch);
    assert_same(&before, &after, "chmod 000 folder");
    snapshot_free(&before);
    snapshot_free(&after);
    applies_home(&f, "home", 3);
    fx_close(&f);
}
END_TEST

/* A dangling symlink named *.xml is a missing config file. Root too. */
START_TEST(dangling_symlink_refused)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "home");
    const char *gone = in(&f, "home/repository/conf/gone.xml");
    ck_assert_int_eq(symlink("nowhere.xml", gone), 0);
    refused(&f, APPLY_DIFF_PLAN, "--offset 3 home", "home/repository/conf/gone.xml", 0, 0, NULL);
    ck_assert_int_eq(unlink(gone), 0);
    applies_home(&f, "home", 3);
    fx_close(&f);
}
END_TEST

/* A folder named foo.xml is a folder (walked, not read): no error. */
START_TEST(folder_named_xml_is_walked)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "home");
    ck_assert_int_eq(mkdir(in(&f, "home/repository/conf/foo.xml"), 0755), 0);
    put(in(&f, "home/repository/conf/foo.xml/inner.xml"), "<inner/>\n");
    applies_home(&f, "home", 3);
    fx_close(&f);
}
END_TEST

/* A config file that is a character device: not a regular file. Root too. */
START_TEST(device_file_refused)
{
    if (access("/dev/zero", R_OK) != 0) {
        case_skipped("device_file_refused", "no /dev/zero");
        return;
    }
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "home");
    const char *zero = in(&f, "home/repository/conf/zero.xml");
    ck_assert_int_eq(symlink("/dev/zero", zero), 0);
    refused(&f, APPLY_DIFF_PLAN, "--offset 3 home", "home/repository/conf/zero.xml", 0, 0, NULL);
    ck_assert_int_eq(unlink(zero), 0);
    applies_home(&f, "home", 3);
    fx_close(&f);
}
END_TEST

/*
 * A FIFO named *.xml: refused as not a regular file. A reader that open(2)s
 * a FIFO without O_NONBLOCK waits for a writer forever: such a run fails on
 * the test case's timeout. (The snapshot helper itself would block on the
 * FIFO: it is taken with the FIFO absent.) Root too.
 */
START_TEST(fifo_refused_without_blocking)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "home");
    const char *fifo = in(&f, "home/repository/conf/pipe.xml");
    char fifo_path[4096];
    snprintf(fifo_path, sizeof fifo_path, "%s", fifo);
    for (size_t i = 0; APPLY_DIFF_PLAN[i]; i++) {
        char what[256];
        snprintf(what, sizeof what, "%s --offset 3 home", APPLY_DIFF_PLAN[i]);
        snapshot before, after;
        snapshot_take(&before, f.scratch);
        ck_assert_int_eq(mkfifo(fifo_path, 0644), 0);
        cli_result r = cli(&f, "%s", what);
        ck_assert_int_eq(unlink(fifo_path), 0);
        expect_error(&r, what, "home/repository/conf/pipe.xml", 0, 0, NULL, 0);
        cli_result_free(&r);
        snapshot_take(&after, f.scratch);
        assert_same(&before, &after, what);
        snapshot_free(&before);
        snapshot_free(&after);
    }
    applies_home(&f, "home", 3);
    fx_close(&f);
}
END_TEST

/* ---- 13. unknown command, unknown option ---- */

/* Usage errors: here stderr holds two lines (the error, then which help to read). */
START_TEST(usage_errors)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "home");
    usage_refused(&f, "frobnicate --offset 3 home", "frobnicate");
    usage_refused(&f, "apply --frobnicate --offset 3 home", "--frobnicate");
    usage_refused(&f, "diff --frobnicate --offset 3 home", "--frobnicate");
    usage_refused(&f, "diff --backup --offset 3 home", "--backup"); /* apply's option */
    usage_refused(&f, "diff --force --offset 3 home", "--force");
    usage_refused(&f, "apply --json --offset 3 home", "--json"); /* plan's option */
    usage_refused(&f, "apply --offset 3", "HOME");
    usage_refused(&f, "", NULL);
    applies_home(&f, "home", 3);
    fx_close(&f);
}
END_TEST

int main(void)
{
    if (fx_suite_root("input-errors") < 0)
        return 1;
    Suite *s = suite_create("input_errors");
    TCase *tc = tcase_create("errors");
    tcase_set_timeout(tc, 60);
    /* Inputs that could make a careless reader hang: a short timeout is the check. */
    TCase *hang = tcase_create("no hang");
    tcase_set_timeout(hang, 10);
    tcase_add_test(hang, billion_laughs_refused);
    tcase_add_test(hang, fifo_refused_without_blocking);
    suite_add_tcase(s, hang);
    tcase_add_test(tc, good_home_applies);
    tcase_add_test(tc, not_well_formed_refused);
    tcase_add_loop_test(tc, strict_reading, 0, (int)(sizeof strict_cases / sizeof strict_cases[0]));
    tcase_add_loop_test(tc, defect_removed_applies, 0, sizeof controls / sizeof controls[0]);
    tcase_add_test(tc, xxe_refused);
    tcase_add_test(tc, port_past_65535_refused);
    tcase_add_test(tc, port_at_65535_applies);
    tcase_add_test(tc, port_overflow_control);
    tcase_add_test(tc, current_offset_past_65535_refused);
    tcase_add_test(tc, current_toml_offset_past_65535_refused);
    tcase_add_loop_test(tc, long_number_refused, 0, sizeof long_numbers / sizeof long_numbers[0]);
    tcase_add_test(tc, long_toml_offset_refused);
    tcase_add_test(tc, long_port_in_free_text_left_alone);
    tcase_add_test(tc, bad_offsets_refused);
    tcase_add_test(tc, loose_numbers_refused);
    tcase_add_test(tc, not_a_home_refused);
    tcase_add_test(tc, missing_home_refused);
    tcase_add_test(tc, unreadable_file_refused);
    tcase_add_test(tc, unreadable_dir_refused);
    tcase_add_test(tc, dangling_symlink_refused);
    tcase_add_test(tc, folder_named_xml_is_walked);
    tcase_add_test(tc, device_file_refused);
    tcase_add_test(tc, usage_errors);
    suite_add_tcase(s, tc);
    int status = run_suite_status(s);
    fx_suite_done();
    return status;
}
