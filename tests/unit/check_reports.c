/*
 * The report layer on its own (report/report.h): small documents built in
 * memory (tests/support/synth.h) printed in each format, byte for byte, with
 * no CLI in between; then, on every corpus tree, the one rule the three
 * formats share: each edit, finding and repair has one reason string, and
 * the string JSON prints appears as it is in the text and the markdown.
 */
#include "report/report.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/corpus.h"
#include "../support/runner.h"
#include "../support/synth.h"
#include "../support/xalloc.h"
#include "base/json.h"
#include "host/host.h"
#include "report/clashes.h"
#include "report/status.h"

/* ---- small documents, exact bytes ---- */

typedef enum doc { DOC_PLAN, DOC_PORTS, DOC_CHECK, DOC_BATCH, DOC_STATUS } doc;

/*
 * plan and ports: home "h" (product "am", offset 0, asked for 3) with an
 * HTTPS listener 9443 (auto), a Thrift port 10397 written as base + offset
 * (manual), a built-in broker 5672 and a reference to 9443 that follows it.
 */
static synth *one_home(void)
{
    synth *s = synth_new();
    size_t u = synth_runtime(s, "h", "", "am", 0, 0);
    synth_listener(s, u, 9443, PS_SHIFT_AUTO, 1, 0, "https");
    synth_listener(s, u, 10397, PS_SHIFT_MANUAL, 1, 0, "thrift");
    synth_listener(s, u, 5672, PS_SHIFT_AUTO, 1, 1, "broker");
    synth_reference(s, u, 9443, NULL, 0);
    synth_home_target(s, u, 3);
    return s;
}

/*
 * check, status and batch: homes "a" and "b" both at offset 0 open 9443
 * (a clash); "a" refers to 7611, which nobody opens (a note); "c" runs at
 * offset 3 and its reference still says the broker's 5672 (stale). For
 * batch, "c" has a second runtime (an EI profile) at 5.
 */
static synth *three_homes(int profile)
{
    synth *s = synth_new();
    size_t a = synth_runtime(s, "a", "", "am", 0, 0);
    synth_listener(s, a, 9443, PS_SHIFT_AUTO, 1, 0, "https");
    synth_reference(s, a, 7611, NULL, 0);
    size_t b = synth_runtime(s, "b", "", "is", 0, 0);
    synth_listener(s, b, 9443, PS_SHIFT_AUTO, 1, 0, "https");
    size_t c = synth_runtime(s, "c", "", "ei", 3, 0);
    synth_listener(s, c, 5672, PS_SHIFT_AUTO, 1, 1, "broker");
    synth_reference(s, c, 5672, NULL, 0);
    if (profile) /* a second runtime of "c", as an EI profile, with nothing to say */
        synth_runtime(s, "c", "wso2/broker", "ei", 5, 2);
    return s;
}

/* The document `d` in format `fmt`, as the report layer prints it. */
static char *render(doc d, ps_format fmt)
{
    synth *s = d == DOC_PLAN || d == DOC_PORTS ? one_home() : three_homes(d == DOC_BATCH);
    size_t n;
    const ps_unit *units = synth_units(s, &n);
    ps_error err = {{0}, 0, 0, {0}};
    ps_strbuf out = PS_STRBUF_INIT;
    if (d == DOC_PLAN || d == DOC_PORTS) {
        ps_plan *p;
        ck_assert_msg(ps_plan_make(&p, units, n, NULL, &err) == 0, "%s", err.message);
        ck_assert_int_eq(
            ps_report_plan(&out, p, d == DOC_PLAN ? PS_REPORT_PLAN : PS_REPORT_PORTS, fmt), 0);
        ps_plan_free(p);
    } else if (d == DOC_CHECK || d == DOC_STATUS) {
        ps_check *c;
        ck_assert_msg(ps_check_make(&c, units, n, NULL, &err) == 0, "%s", err.message);
        if (d == DOC_CHECK) {
            ck_assert_int_eq(ps_report_check(&out, c, fmt), 0);
        } else {
            ps_status st;
            ck_assert_int_eq(ps_status_make(&st, c), 0);
            ck_assert_int_eq(ps_report_status(&out, &st, fmt), 0);
            ps_status_free(&st);
        }
        ps_check_free(c);
    } else {
        ps_batch *b;
        ps_plan *p;
        ps_batch_options o = {0};
        ck_assert_msg(ps_batch_make(&b, units, n, &o, NULL, &err) == 0, "%s", err.message);
        ck_assert_msg(ps_batch_plan(&p, b, PS_PLAN_REPAIR, &err) == 0, "%s", err.message);
        ck_assert_int_eq(ps_report_batch(&out, b, p, PS_BATCH_REPORT_SHOWN, fmt), 0);
        ps_plan_free(p);
        ps_batch_free(b);
    }
    synth_free(s);
    return out.data ? out.data : xstrdup("");
}

typedef struct report_case {
    const char *label;
    doc doc;
    ps_format fmt;
    const char *want;
} report_case;

/* The installs of one_home() at 3, the same in plan and ports JSON. */
#define ONE_HOME_INSTALLS                                                                          \
    "{\"format\":1,\"installs\":[{\"home\":\"h\",\"runtime\":\"\",\"product\":\"am\","             \
    "\"version\":\"1.0.0\",\"mode\":\"xml\",\"offset\":3,\"current_offset\":0,"                    \
    "\"config_offset\":0,\"start_offset\":null,\"start_from\":null,\"ports\":[{\"port\":9446,"     \
    "\"base\":9443,\"shift\":\"auto\",\"active\":true,\"what\":\"https\",\"file\":\"main.xml\","   \
    "\"line\":2,\"source\":\"synth\"},{\"port\":10400,\"base\":10397,\"shift\":\"manual\","        \
    "\"active\":true,\"what\":\"thrift\",\"file\":\"main.xml\",\"line\":3,"                        \
    "\"source\":\"synth\"},{\"port\":5675,\"base\":5672,\"shift\":\"auto\",\"active\":true,"       \
    "\"what\":\"broker\",\"file\":null,\"line\":null,\"source\":\"synth\"}]}]"

/* clang-format off */
static const report_case cases[] = {
    {"plan, text", DOC_PLAN, PS_FORMAT_TEXT,
     "h (am 1.0.0, carbon.xml mode): offset 0 -> 3\n"
     "  h/main.xml:1:1: port offset 0 -> 3\n"
     "  h/main.xml:2:1: listener 9443, https, auto: listens on 9446, unchanged\n"
     "  h/main.xml:3:1: listener 10397, thrift,"
     " manual: 10397 -> 10400: thrift: written as base + offset (synth)\n"
     "  (built in): listener 5672, broker, auto: listens on 5675, unchanged\n"
     "  h/main.xml:5:1: reference 9443: follows https 9443 -> 9446 (this runtime)\n"
     "3 edits\n"},
    {"plan, json", DOC_PLAN, PS_FORMAT_JSON,
     ONE_HOME_INSTALLS ","
     "\"edits\":[{\"file\":\"h/main.xml\",\"line\":1,\"col\":1,\"old\":null,\"new\":\"3\","
     "\"why\":\"port offset 0 -> 3\"},{\"file\":\"h/main.xml\",\"line\":3,\"col\":1,"
     "\"old\":null,\"new\":\"10400\",\"why\":\"thrift: written as base + offset (synth)\"},"
     "{\"file\":\"h/main.xml\",\"line\":5,\"col\":1,\"old\":null,\"new\":\"9446\","
     "\"why\":\"follows https 9443 -> 9446 (this runtime)\"}],\"warnings\":[]}\n"},
    {"plan, markdown", DOC_PLAN, PS_FORMAT_MARKDOWN,
     "### portshift plan\n"
     "\n"
     "| home | runtime | product | offset |\n"
     "|---|---|---|---|\n"
     "| `h` | (main) | am 1.0.0 | 0 → 3 |\n"
     "\n"
     "| file | line | old | new | why |\n"
     "|---|---:|---:|---:|---|\n"
     "| `h/main.xml` | 1 | 0 | 3 | port offset 0 -> 3 |\n"
     "| `h/main.xml` | 3 | 10397 | 10400 | thrift: written as base + offset (synth) |\n"
     "| `h/main.xml` | 5 | 9443 | 9446 | follows https 9443 -> 9446 (this runtime) |\n"
     "\n"
     "3 edits\n"},
    {"ports, text", DOC_PORTS, PS_FORMAT_TEXT,
     "h (am 1.0.0): offset 3\n"
     "   9446  auto   active   https (h/main.xml:2)\n"
     "  10400  manual active   thrift (h/main.xml:3)\n"
     "   5675  auto   active   broker (built in)\n"},
    {"ports, json", DOC_PORTS, PS_FORMAT_JSON,
     ONE_HOME_INSTALLS "}\n"},
    {"ports, markdown", DOC_PORTS, PS_FORMAT_MARKDOWN,
     "### portshift ports\n"
     "\n"
     "| home | runtime | product | offset |\n"
     "|---|---|---|---|\n"
     "| `h` | (main) | am 1.0.0 | 3 |\n"
     "\n"
     "| home | runtime | port | shift | active | what | where |\n"
     "|---|---|---:|---|---|---|---|\n"
     "| `h` |  | 9446 | auto | yes | https | `h/main.xml:2` |\n"
     "| `h` |  | 10400 | manual | yes | thrift | `h/main.xml:3` |\n"
     "| `h` |  | 5675 | auto | yes | broker | built in |\n"},
    {"check, text", DOC_CHECK, PS_FORMAT_TEXT,
     "a/main.xml:2:1: clash: port 9443 is opened by 2 active listeners\n"
     "  a/main.xml:2: https\n"
     "  b/main.xml:2: https\n"
     "c/main.xml:3:1: stale: 5672 should be 5675: its runtime listens there for broker\n"
     "  c/main.xml:3: reference\n"
     "  c (built in): broker\n"
     "a/main.xml:3:1: note: port 7611: no runtime of this call listens on it, left alone\n"
     "  a/main.xml:3: reference\n"
     "2 findings, 1 note\n"
     "to repair the 1 stale reference: portshift apply --repair a b c\n"
     "to resolve the 1 clash: portshift batch --diff a b c\n"},
    {"check, json", DOC_CHECK, PS_FORMAT_JSON,
     "{\"format\":1,\"installs\":[{\"home\":\"a\",\"runtime\":\"\",\"product\":\"am\","
     "\"version\":\"1.0.0\",\"mode\":\"xml\",\"offset\":0},{\"home\":\"b\",\"runtime\":\"\","
     "\"product\":\"is\",\"version\":\"1.0.0\",\"mode\":\"xml\",\"offset\":0},{\"home\":\"c\","
     "\"runtime\":\"\",\"product\":\"ei\",\"version\":\"1.0.0\",\"mode\":\"xml\",\"offset\":3}],"
     "\"findings\":[{\"kind\":\"clash\",\"port\":9443,\"should\":null,\"toml_key\":null,"
     "\"message\":\"port 9443 is opened by 2 active listeners\",\"parties\":[{\"home\":\"a\","
     "\"runtime\":\"\",\"file\":\"main.xml\",\"line\":2,\"col\":1,\"what\":\"https\","
     "\"port\":9443,\"pid\":null},{\"home\":\"b\",\"runtime\":\"\",\"file\":\"main.xml\","
     "\"line\":2,\"col\":1,\"what\":\"https\",\"port\":9443,\"pid\":null}]},{\"kind\":\"stale\","
     "\"port\":5672,\"should\":5675,\"toml_key\":null,"
     "\"message\":\"5672 should be 5675: its runtime listens there for broker\","
     "\"parties\":[{\"home\":\"c\",\"runtime\":\"\",\"file\":\"main.xml\",\"line\":3,\"col\":1,"
     "\"what\":\"reference\",\"port\":5672,\"pid\":null},{\"home\":\"c\",\"runtime\":\"\","
     "\"file\":null,\"line\":null,\"col\":null,\"what\":\"broker\",\"port\":5675,"
     "\"pid\":null}]}],\"notes\":[{\"kind\":\"unowned\",\"port\":7611,\"should\":null,"
     "\"toml_key\":null,\"message\":\"port 7611: no runtime of this call listens on it,"
     " left alone\",\"parties\":[{\"home\":\"a\",\"runtime\":\"\",\"file\":\"main.xml\","
     "\"line\":3,\"col\":1,\"what\":\"reference\",\"port\":7611,\"pid\":null}]}],"
     "\"repair\":\"portshift apply --repair a b c\",\"clashes\":[{\"homes\":[\"a\",\"b\"],"
     "\"ports\":[9443],\"message\":\"port 9443 is opened by listeners of a and b\"}],"
     "\"resolve\":\"portshift batch --diff a b c\",\"warnings\":[]}\n"},
    {"check, markdown", DOC_CHECK, PS_FORMAT_MARKDOWN,
     "### portshift check\n"
     "\n"
     "| home | runtime | product | offset |\n"
     "|---|---|---|---|\n"
     "| `a` | (main) | am 1.0.0 | 0 |\n"
     "| `b` | (main) | is 1.0.0 | 0 |\n"
     "| `c` | (main) | ei 1.0.0 | 3 |\n"
     "\n"
     "**2 findings**\n"
     "\n"
     "| kind | port | where | what | finding |\n"
     "|---|---:|---|---|---|\n"
     "| clash | 9443 | `a/main.xml:2:1` | https | port 9443 is opened by 2 active listeners |\n"
     "|  | 9443 | `b/main.xml:2` | https |  |\n"
     "| stale | 5672 | `c/main.xml:3:1` | reference | 5672 should be 5675: its runtime listens th"
     "ere for broker |\n"
     "|  | 5672 | `c (built in)` | broker |  |\n"
     "\n"
     "1 note\n"
     "\n"
     "| kind | port | where | what | finding |\n"
     "|---|---:|---|---|---|\n"
     "| note | 7611 | `a/main.xml:3:1` | reference | port 7611: no runtime of this call listens o"
     "n it, left alone |\n"
     "\n"
     "To repair the 1 stale reference: `portshift apply --repair a b c`\n"
     "\n"
     "- port 9443 is opened by listeners of a and b\n"
     "\n"
     "To resolve the 1 clash: `portshift batch --diff a b c`\n"},
    {"batch, text", DOC_BATCH, PS_FORMAT_TEXT,
     "a: offset 0, kept\n"
     "b: offset 0 -> 1: at offset 0 its https (main.xml:2) would open 9443,"
     " but a opens it too (https)\n"
     "c: offset 3, kept\n"
     "  runtime wso2/broker: offset 5\n"
     "c/main.xml:3:1: repair: 5672 -> 5675: stale: means broker,"
     " which listens on 5675 (--repair)\n"
     "3 homes: 2 kept, 1 moved; 0 rewrites; 1 stale self reference to repair; 2 edits (--diff sho"
     "ws them, --apply writes them)\n"},
    {"batch, json", DOC_BATCH, PS_FORMAT_JSON,
     "{\"format\":1,\"first\":0,\"avoid\":[],\"listening\":false,"
     "\"assignments\":[{\"home\":\"a\",\"current_offset\":0,\"offset\":0,\"kept\":true,"
     "\"reason\":null,\"runtimes\":[{\"home\":\"a\",\"runtime\":\"\",\"product\":\"am\","
     "\"version\":\"1.0.0\",\"mode\":\"xml\",\"current_offset\":0,\"offset\":0}]},"
     "{\"home\":\"b\",\"current_offset\":0,\"offset\":1,\"kept\":false,"
     "\"reason\":\"at offset 0 its https (main.xml:2) would open 9443,"
     " but a opens it too (https)\",\"runtimes\":[{\"home\":\"b\",\"runtime\":\"\","
     "\"product\":\"is\",\"version\":\"1.0.0\",\"mode\":\"xml\",\"current_offset\":0,"
     "\"offset\":1}]},{\"home\":\"c\",\"current_offset\":3,\"offset\":3,\"kept\":true,"
     "\"reason\":null,\"runtimes\":[{\"home\":\"c\",\"runtime\":\"\",\"product\":\"ei\","
     "\"version\":\"1.0.0\",\"mode\":\"xml\",\"current_offset\":3,\"offset\":3},{\"home\":\"c\","
     "\"runtime\":\"wso2/broker\",\"product\":\"ei\",\"version\":\"1.0.0\",\"mode\":\"xml\","
     "\"current_offset\":5,\"offset\":5}]}],\"rewrites\":[],\"stale_repaired\":1,"
     "\"edits\":[{\"file\":\"b/main.xml\",\"line\":1,\"col\":1,\"old\":null,\"new\":\"1\","
     "\"why\":\"port offset 0 -> 1\",\"kind\":\"offset\"},{\"file\":\"c/main.xml\",\"line\":3,"
     "\"col\":1,\"old\":null,\"new\":\"5675\",\"why\":\"stale: means broker,"
     " which listens on 5675 (--repair)\",\"kind\":\"repair\"}],\"applied\":false,"
     "\"warnings\":[]}\n"},
    {"batch, markdown", DOC_BATCH, PS_FORMAT_MARKDOWN,
     "### portshift batch\n"
     "\n"
     "| home | offset | | why |\n"
     "|---|---:|---|---|\n"
     "| `a` | 0 | kept | |\n"
     "| `b` | 0 → 1 | moved | at offset 0 its https (main.xml:2) would open 9443,"
     " but a opens it too (https) |\n"
     "| `c` | 3 | kept | |\n"
     "| `c` runtime wso2/broker | 5 | kept | |\n"
     "\n"
     "| file | line | old | new | why |\n"
     "|---|---:|---:|---:|---|\n"
     "| `c/main.xml` | 3 | 5672 | 5675 | stale: means broker,"
     " which listens on 5675 (--repair) |\n"
     "\n"
     "2 edits\n"},
    {"status, text", DOC_STATUS, PS_FORMAT_TEXT,
     "a  am 1.0.0  offset 0  starts at 0  https -  stopped  clashes with b\n"
     "b  is 1.0.0  offset 0  starts at 0  https -  stopped  clashes with a\n"
     "c  ei 1.0.0  offset 3  starts at 3  https -  stopped  clash-free\n"},
    {"status, json", DOC_STATUS, PS_FORMAT_JSON,
     "{\"format\":1,\"homes\":[{\"home\":\"a\",\"product\":\"am\",\"name\":\"am\","
     "\"version\":\"1.0.0\",\"config_offset\":0,\"start_offset\":0,\"https_port\":null,"
     "\"running\":false,\"pid\":null,\"clashes_with\":[\"b\"]},{\"home\":\"b\","
     "\"product\":\"is\",\"name\":\"is\",\"version\":\"1.0.0\",\"config_offset\":0,"
     "\"start_offset\":0,\"https_port\":null,\"running\":false,\"pid\":null,"
     "\"clashes_with\":[\"a\"]},{\"home\":\"c\",\"product\":\"ei\",\"name\":\"ei\","
     "\"version\":\"1.0.0\",\"config_offset\":3,\"start_offset\":3,\"https_port\":null,"
     "\"running\":false,\"pid\":null,\"clashes_with\":[]}]}\n"},
    {"status, markdown", DOC_STATUS, PS_FORMAT_MARKDOWN,
     "| home | product | offset | starts at | HTTPS | running | clashes with |\n"
     "|---|---|---|---|---|---|---|\n"
     "| `a` | am 1.0.0 | 0 | 0 | - | no | `b` |\n"
     "| `b` | is 1.0.0 | 0 | 0 | - | no | `a` |\n"
     "| `c` | ei 1.0.0 | 3 | 3 | - | no | - |\n"},
};
/* clang-format on */

START_TEST(documents_byte_for_byte)
{
    const report_case *c = &cases[_i];
    char *got = render(c->doc, c->fmt);
    ck_assert_msg(strcmp(got, c->want) == 0, "%s:\n--- got\n%s--- want\n%s", c->label, got,
                  c->want);
    free(got);
}
END_TEST

/* ---- one plan, the same header and port values in every format ---- */

/*
 * one_home()'s "h" and "g" (is, at offset 2, kept, an inactive listener),
 * and the values each format must show of them: the table is the truth,
 * written by hand from the synth (offset + base for an auto or manual
 * listener), not read from any output.
 */
static synth *two_homes(void)
{
    synth *s = one_home();
    size_t g = synth_runtime(s, "g", "", "is", 2, 0);
    synth_listener(s, g, 9763, PS_SHIFT_AUTO, 0, 0, "http");
    return s;
}

static const struct header_row {
    const char *home, *product;
    long now, target;
} header_rows[] = {{"h", "am", 0, 3}, {"g", "is", 2, 2}};

static const struct port_row {
    const char *home;
    long port, base;
    const char *shift, *what, *where; /* where: path:line, NULL when built in */
    int active;
} port_rows[] = {
    {"h", 9446, 9443, "auto", "https", "h/main.xml:2", 1},
    {"h", 10400, 10397, "manual", "thrift", "h/main.xml:3", 1},
    {"h", 5675, 5672, "auto", "broker", NULL, 1},
    {"g", 9765, 9763, "auto", "http", "g/main.xml:2", 0},
};

/* The plan of two_homes(), its document `d` in the three formats. */
static void render_two_homes(ps_report_doc d, char *out[3])
{
    synth *s = two_homes();
    size_t n;
    const ps_unit *units = synth_units(s, &n);
    ps_error err = {{0}, 0, 0, {0}};
    ps_plan *p;
    ck_assert_msg(ps_plan_make(&p, units, n, NULL, &err) == 0, "%s", err.message);
    for (int fmt = PS_FORMAT_TEXT; fmt <= PS_FORMAT_MARKDOWN; fmt++) {
        ps_strbuf b = PS_STRBUF_INIT;
        ck_assert_int_eq(ps_report_plan(&b, p, d, (ps_format)fmt), 0);
        out[fmt] = ps_strbuf_detach(&b, NULL);
        ck_assert_ptr_nonnull(out[fmt]);
    }
    ps_plan_free(p);
    synth_free(s);
}

static void holds(const char *label, const char *format, const char *text, const char *want)
{
    ck_assert_msg(strstr(text, want) != NULL, "%s, %s: \"%s\" is not in:\n%s", label, format, want,
                  text);
}

/* Each runtime's header, at _i: in `plan` its offset now and the move, in
 * `ports` the target its ports are at; the same in text, JSON, markdown. */
START_TEST(same_header_in_every_format)
{
    const struct header_row *r = &header_rows[_i];
    char *plan[3], *ports[3], want[512];
    render_two_homes(PS_REPORT_PLAN, plan);
    render_two_homes(PS_REPORT_PORTS, ports);
    int moved = r->target != r->now;
    char move[64] = "";
    if (moved)
        snprintf(move, sizeof move, " -> %ld", r->target);
    snprintf(want, sizeof want, "%s (%s 1.0.0, carbon.xml mode): offset %ld%s\n", r->home,
             r->product, r->now, move);
    holds(r->home, "plan text", plan[PS_FORMAT_TEXT], want);
    snprintf(want, sizeof want, "%s (%s 1.0.0): offset %ld\n", r->home, r->product, r->target);
    holds(r->home, "ports text", ports[PS_FORMAT_TEXT], want);
    snprintf(want, sizeof want,
             "{\"home\":\"%s\",\"runtime\":\"\",\"product\":\"%s\",\"version\":\"1.0.0\","
             "\"mode\":\"xml\",\"offset\":%ld,\"current_offset\":%ld,\"config_offset\":%ld,",
             r->home, r->product, r->target, r->now, r->now);
    holds(r->home, "plan json", plan[PS_FORMAT_JSON], want);
    holds(r->home, "ports json", ports[PS_FORMAT_JSON], want);
    if (moved)
        snprintf(move, sizeof move, "%ld → %ld", r->now, r->target);
    else
        snprintf(move, sizeof move, "%ld", r->now);
    snprintf(want, sizeof want, "| `%s` | (main) | %s 1.0.0 | %s |\n", r->home, r->product, move);
    holds(r->home, "plan markdown", plan[PS_FORMAT_MARKDOWN], want);
    snprintf(want, sizeof want, "| `%s` | (main) | %s 1.0.0 | %ld |\n", r->home, r->product,
             r->target);
    holds(r->home, "ports markdown", ports[PS_FORMAT_MARKDOWN], want);
    for (int f = 0; f < 3; f++) {
        free(plan[f]);
        free(ports[f]);
    }
}
END_TEST

/* Each listener of the `ports` document, at _i: the same port (at the
 * target), shift, state, name and place in text, JSON and markdown. */
START_TEST(same_ports_in_every_format)
{
    const struct port_row *r = &port_rows[_i];
    char *ports[3], want[512];
    render_two_homes(PS_REPORT_PORTS, ports);
    char where[128];
    snprintf(where, sizeof where, "%s", r->where ? r->where : "built in");
    snprintf(want, sizeof want, "  %5ld  %-6s %-8s %s (%s)\n", r->port, r->shift,
             r->active ? "active" : "inactive", r->what, where);
    holds(r->what, "text", ports[PS_FORMAT_TEXT], want);
    /* JSON names the file inside its home, and the line apart. */
    char file[128] = "null", line[16] = "null";
    if (r->where) {
        const char *colon = strchr(r->where, ':');
        snprintf(file, sizeof file, "\"%.*s\"", (int)(colon - r->where - 2), r->where + 2);
        snprintf(line, sizeof line, "%s", colon + 1);
    }
    snprintf(want, sizeof want,
             "{\"port\":%ld,\"base\":%ld,\"shift\":\"%s\",\"active\":%s,\"what\":\"%s\","
             "\"file\":%s,\"line\":%s,",
             r->port, r->base, r->shift, r->active ? "true" : "false", r->what, file, line);
    holds(r->what, "json", ports[PS_FORMAT_JSON], want);
    char place[140];
    snprintf(place, sizeof place, r->where ? "`%s`" : "%s", where);
    snprintf(want, sizeof want, "| `%s` |  | %ld | %s | %s | %s | %s |\n", r->home, r->port,
             r->shift, r->active ? "yes" : "no", r->what, place);
    holds(r->what, "markdown", ports[PS_FORMAT_MARKDOWN], want);
    for (int f = 0; f < 3; f++)
        free(ports[f]);
}
END_TEST

/* A format or document the layer does not know: -1, nothing appended. */
START_TEST(unknown_format_or_document_appends_nothing)
{
    synth *s = one_home();
    size_t n;
    const ps_unit *units = synth_units(s, &n);
    ps_error err = {{0}, 0, 0, {0}};
    ps_plan *p;
    ck_assert_int_eq(ps_plan_make(&p, units, n, NULL, &err), 0);
    ps_strbuf out = PS_STRBUF_INIT;
    ck_assert_int_eq(ps_report_plan(&out, p, PS_REPORT_PLAN, (ps_format)3), -1);
    ck_assert_int_eq(ps_report_plan(&out, p, (ps_report_doc)2, PS_FORMAT_TEXT), -1);
    ck_assert_uint_eq(out.len, 0);
    ps_plan_free(p);
    synth_free(s);
}
END_TEST

/* ---- the corpus: one reason string per edit, finding and repair ---- */

/* How `s` reads inside a markdown table cell (a '|' escaped). */
static char *as_cell(const char *s)
{
    ps_strbuf b = PS_STRBUF_INIT;
    for (; *s; s++)
        ps_strbuf_puts(&b, *s == '|' ? "\\|" : (char[]){*s, 0});
    return b.data ? b.data : xstrdup("");
}

/* `reason` appears as it is in text, as a JSON string after `"key":` in
 * json, and as a cell's text in markdown. */
static void same_reason(const char *what, const char *reason, const char *key, const char *text,
                        const char *json, const char *markdown)
{
    ps_strbuf j = PS_STRBUF_INIT;
    ps_strbuf_printf(&j, "\"%s\":", key);
    ps_json_string(&j, reason);
    char *cell = as_cell(reason);
    ck_assert_msg(strstr(json, j.data) != NULL, "%s: JSON lacks %s", what, j.data);
    ck_assert_msg(strstr(text, reason) != NULL, "%s: the text lacks \"%s\"", what, reason);
    ck_assert_msg(strstr(markdown, cell) != NULL, "%s: the markdown lacks \"%s\"", what, cell);
    free(cell);
    ps_strbuf_free(&j);
}

typedef struct three {
    char *text, *json, *markdown;
} three;

static void three_free(three *t)
{
    free(t->text);
    free(t->json);
    free(t->markdown);
}

/* The homes of the corpus tree `i` (or every tree, i == n), opened to read
 * at `target` (-1: as they are). */
static ps_host *open_trees(char **trees, int n, int i, long target)
{
    ps_home_spec specs[CORPUS_MAX_TREES];
    size_t count = 0;
    for (int k = i == n ? 0 : i; k < (i == n ? n : i + 1); k++)
        specs[count++] = (ps_home_spec){trees[k], target >= 0, target >= 0 ? target : 0};
    ps_host *h = NULL;
    ps_error err = {{0}, 0, 0, {0}};
    ck_assert_msg(ps_host_open(&h, specs, count, 0, &err) == 0, "%s: %s", err.path, err.message);
    return h;
}

static void plan_reasons(const char *label, ps_host *h)
{
    ps_plan *p;
    ps_error err = {{0}, 0, 0, {0}};
    ck_assert_msg(ps_host_plan(&p, h, PS_PLAN_REPAIR, &err) == 0, "%s: %s", label, err.message);
    three t = {0};
    char **f[] = {&t.text, &t.json, &t.markdown};
    for (int fmt = PS_FORMAT_TEXT; fmt <= PS_FORMAT_MARKDOWN; fmt++) {
        ps_strbuf b = PS_STRBUF_INIT;
        ck_assert_int_eq(ps_report_plan(&b, p, PS_REPORT_PLAN, (ps_format)fmt), 0);
        *f[fmt] = b.data;
    }
    for (size_t i = 0; i < p->nedits; i++) {
        char *why = ps_plan_why(p, &p->edits[i]);
        same_reason(label, why, "why", t.text, t.json, t.markdown);
        free(why);
    }
    three_free(&t);
    ps_plan_free(p);
}

static void check_reasons(const char *label, ps_host *h)
{
    ps_check *c;
    ps_error err = {{0}, 0, 0, {0}};
    ck_assert_msg(ps_host_check(&c, h, 0, &err) == 0, "%s: %s", label, err.message);
    three t = {0};
    char **f[] = {&t.text, &t.json, &t.markdown};
    for (int fmt = PS_FORMAT_TEXT; fmt <= PS_FORMAT_MARKDOWN; fmt++) {
        ps_strbuf b = PS_STRBUF_INIT;
        ck_assert_int_eq(ps_report_check(&b, c, (ps_format)fmt), 0);
        *f[fmt] = b.data;
    }
    /* The text words the clashes of one set of homes as one block: its
     * reason is the group's (JSON's clashes[].message), not each finding's. */
    ps_clash_groups groups;
    ck_assert_int_eq(ps_clash_groups_make(&groups, c), 0);
    for (size_t i = 0; i < c->count; i++) {
        const ps_clash_group *g = ps_clash_group_of(&groups, &c->items[i]);
        if (g && g->n > 1)
            continue;
        same_reason(label, c->items[i].message, "message", t.text, t.json, t.markdown);
    }
    for (size_t i = 0; i < groups.count; i++) {
        if (groups.items[i].n == 1)
            continue; /* the text words it as its one finding */
        ps_strbuf m = PS_STRBUF_INIT;
        ps_clash_group_message(&m, c, &groups.items[i]);
        same_reason(label, m.data, "message", t.text, t.json, t.markdown);
        ps_strbuf_free(&m);
    }
    ps_clash_groups_free(&groups);
    three_free(&t);
    ps_check_free(c);
}

static void batch_reasons(const char *label, ps_host *h)
{
    ps_batch *b;
    ps_plan *p;
    ps_error err = {{0}, 0, 0, {0}};
    ps_batch_options o = {0};
    ck_assert_msg(ps_host_batch(&b, h, &o, &err) == 0, "%s: %s", label, err.message);
    ck_assert_msg(ps_batch_plan(&p, b, PS_PLAN_REPAIR, &err) == 0, "%s: %s", label, err.message);
    three t = {0};
    char **f[] = {&t.text, &t.json, &t.markdown};
    for (int fmt = PS_FORMAT_TEXT; fmt <= PS_FORMAT_MARKDOWN; fmt++) {
        ps_strbuf out = PS_STRBUF_INIT;
        ck_assert_int_eq(ps_report_batch(&out, b, p, PS_BATCH_REPORT_SHOWN, (ps_format)fmt), 0);
        *f[fmt] = out.data;
    }
    for (size_t i = 0; i < b->nhomes; i++)
        if (b->homes[i].reason)
            same_reason(label, b->homes[i].reason, "reason", t.text, t.json, t.markdown);
    for (size_t i = 0; i < b->nrewrites; i++)
        same_reason(label, b->rewrites[i].message, "message", t.text, t.json, t.markdown);
    for (size_t i = 0; i < p->nedits; i++) {
        if (!p->decisions[p->edits[i].unit][p->edits[i].site].stale)
            continue; /* the repairs: the text lists no other edit (--diff shows them) */
        char *why = ps_plan_why(p, &p->edits[i]);
        same_reason(label, why, "why", t.text, t.json, t.markdown);
        free(why);
    }
    for (size_t i = 0; i < p->warnings.count; i++) {
        char *w = ps_error_text(&p->warnings.items[i]);
        ck_assert_msg(strstr(t.json, w) != NULL, "%s: batch JSON lacks warning %s", label, w);
        free(w);
    }
    three_free(&t);
    ps_plan_free(p);
    ps_batch_free(b);
}

static char *trees[CORPUS_MAX_TREES];
static int ntrees;

/* Tree _i alone, then (the last row) every tree in one call: plan at
 * offset 3 with repair, check as they are, batch with repair. */
START_TEST(corpus_same_reason_in_every_format)
{
    const char *label = _i == ntrees ? "every tree in one call" : trees[_i];
    ps_host *h = open_trees(trees, ntrees, _i, 3);
    plan_reasons(label, h);
    ps_host_free(h);
    h = open_trees(trees, ntrees, _i, -1);
    check_reasons(label, h);
    batch_reasons(label, h);
    ps_host_free(h);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("reports");
    TCase *tc = tcase_create("documents");
    tcase_add_loop_test(tc, documents_byte_for_byte, 0, N(cases));
    tcase_add_test(tc, unknown_format_or_document_appends_nothing);
    tcase_add_loop_test(tc, same_header_in_every_format, 0, N(header_rows));
    tcase_add_loop_test(tc, same_ports_in_every_format, 0, N(port_rows));
    suite_add_tcase(s, tc);
    ntrees = corpus_trees(trees);
    if (ntrees > 0) {
        TCase *corpus = tcase_create("corpus");
        tcase_set_timeout(corpus, 120);
        tcase_add_loop_test(corpus, corpus_same_reason_in_every_format, 0, ntrees + 1);
        suite_add_tcase(s, corpus);
    } else {
        printf("reports: no corpus at %s: its case is skipped\n", corpus_dir());
    }
    int status = run_suite_status(s);
    for (int i = 0; i < ntrees; i++)
        free(trees[i]);
    return status == EXIT_SUCCESS && ntrees == 0 ? PS_SKIPPED : status;
}
