/*
 * ps_refscan: every form of literal local reference WSO2 files use, the
 * look-alikes that are not local references, placeholder ports, configured
 * extra host names, and scanning a sub-range of a larger buffer. A hit's span
 * covers the port digits (or the ${...} of a placeholder) and nothing else.
 */
#include "sites/refscan.h"

#include <check.h>

#include "../support/runner.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAXHITS 4

typedef struct want_hit {
    long port;         /* 0 for a placeholder */
    size_t start;      /* offset of the first digit (or of "${") */
    size_t end;        /* 0: start + number of digits of port */
    size_t host_start; /* offset where the host begins */
} want_hit;

/* clang-format off */
static const struct scan_case {
    const char *label;
    const char *input;
    const char *extra[3]; /* NULL-terminated extra host names */
    size_t n;
    want_hit hits[MAXHITS];
} scan_cases[] = {
    /* ---- literal references ---- */
    {"URL with path", "https://localhost:9443/x", {NULL}, 1, {{9443, 18, 0, 8}}},
    {"loopback address", "tcp://127.0.0.1:5672", {NULL}, 1, {{5672, 16, 0, 6}}},
    {"brokerlist", "brokerlist='tcp://localhost:5672'", {NULL}, 1, {{5672, 28, 0, 18}}},
    {"carbon.local.ip placeholder host", "ws://${carbon.local.ip}:9099", {NULL}, 1,
     {{9099, 24, 0, 5}}},
    {"carbon.host placeholder host", "${carbon.host}:9443", {NULL}, 1, {{9443, 15, 0, 0}}},
    {"{...} group", "{tcp://localhost:7612/,tcp://localhost:7613}", {NULL}, 2,
     {{7612, 17, 0, 7}, {7613, 39, 0, 29}}},
    {"comma-separated list", "http://localhost:8280, https://localhost:8243", {NULL}, 2,
     {{8280, 17, 0, 7}, {8243, 41, 0, 31}}},
    {"regex", "http://localhost:9000.*", {NULL}, 1, {{9000, 17, 0, 7}}},
    {"escaped query string", "https://localhost:9443/a?x=1&amp;y=2", {NULL}, 1,
     {{9443, 18, 0, 8}}},
    {"IPv6 loopback", "[::1]:8080", {NULL}, 1, {{8080, 6, 0, 0}}},
    {"IPv6 loopback in a URL", "http://[::1]:8080/", {NULL}, 1, {{8080, 13, 0, 7}}},
    {"uppercase host", "LOCALHOST:80", {NULL}, 1, {{80, 10, 0, 0}}},
    {"mixed-case host", "Localhost:9443", {NULL}, 1, {{9443, 10, 0, 0}}},
    {"user info before the host", "http://admin:admin@localhost:9443/", {NULL}, 1,
     {{9443, 29, 0, 19}}},
    {"JDBC URL", "jdbc:h2:tcp://localhost:9092/~/db", {NULL}, 1, {{9092, 24, 0, 14}}},
    {"bare host:port", "localhost:9763", {NULL}, 1, {{9763, 10, 0, 0}}},
    {"sentence ending in a dot", "see localhost:9443.", {NULL}, 1, {{9443, 14, 0, 4}}},
    {"two kinds of host", "127.0.0.1:9443 localhost:9763", {NULL}, 2,
     {{9443, 10, 0, 0}, {9763, 25, 0, 15}}},
    {"highest port", "localhost:65535", {NULL}, 1, {{65535, 10, 0, 0}}},
    {"one-digit port", "localhost:1", {NULL}, 1, {{1, 10, 0, 0}}},
    {"port then quote", "'localhost:8243'", {NULL}, 1, {{8243, 11, 0, 1}}},

    /* ---- not local references ---- */
    {"longer host name before", "mylocalhost:9443", {NULL}, 0, {{0}}},
    {"hyphenated host name before", "my-localhost:9443", {NULL}, 0, {{0}}},
    {"subdomain of localhost", "localhost.example.com:9443", {NULL}, 0, {{0}}},
    {"port too large", "localhost:99999", {NULL}, 0, {{0}}},
    {"port just too large", "localhost:65536", {NULL}, 0, {{0}}},
    {"six digits", "localhost:123456", {NULL}, 0, {{0}}},
    {"twenty digits", "https://localhost:12345678901234567890/x", {NULL}, 0, {{0}}},
    {"port zero", "localhost:0", {NULL}, 0, {{0}}},
    {"port 00000", "localhost:00000", {NULL}, 0, {{0}}},
    {"digits run into letters", "localhost:9443abc", {NULL}, 0, {{0}}},
    {"address ending in 127.0.0.1", "10.127.0.0.1:80", {NULL}, 0, {{0}}},
    {"address starting with 127.0.0.1", "127.0.0.10:80", {NULL}, 0, {{0}}},
    {"letters before 127.0.0.1", "x127.0.0.1:80", {NULL}, 0, {{0}}},
    {"colon and nothing", "localhost:", {NULL}, 0, {{0}}},
    {"no colon", "localhost", {NULL}, 0, {{0}}},
    {"space before the colon", "localhost :9443", {NULL}, 0, {{0}}},
    {"negative port", "localhost:-1", {NULL}, 0, {{0}}},
    {"other host", "https://wso2.com:9443/", {NULL}, 0, {{0}}},
    {"unconfigured host name", "https://wso2.example.org:9443/", {NULL}, 0, {{0}}},
    {"unterminated placeholder", "localhost:${https.port", {NULL}, 0, {{0}}},
    {"two unterminated placeholders", "localhost:${a localhost:${b", {NULL}, 0, {{0}}},

    /* ---- placeholder ports ---- */
    {"placeholder port", "localhost:${mgt.transport.https.port}", {NULL}, 1, {{0, 10, 37, 0}}},
    {"placeholder host and port", "https://${carbon.host}:${https.port}/x", {NULL}, 1,
     {{0, 23, 36, 8}}},
    {"literal then placeholder", "localhost:9443,localhost:${p}", {NULL}, 2,
     {{9443, 10, 0, 0}, {0, 25, 29, 15}}},
    /* The '}' found for one placeholder is remembered: the next must find its own. */
    {"two placeholders", "localhost:${a} localhost:${b}", {NULL}, 2,
     {{0, 10, 14, 0}, {0, 25, 29, 15}}},
    {"placeholder open until a later one closes", "localhost:${a localhost:${b}", {NULL}, 1,
     {{0, 10, 28, 0}}},

    /* ---- configured host names ---- */
    {"extra host", "https://wso2.example.org:9443/", {"wso2.example.org"}, 1,
     {{9443, 25, 0, 8}}},
    {"extra host, other case", "https://WSO2.Example.ORG:9443", {"wso2.example.org"}, 1,
     {{9443, 25, 0, 8}}},
    {"extra host as a suffix of a longer name", "https://sub.wso2.example.org:9443/",
     {"wso2.example.org"}, 0, {{0}}},
    {"two extra hosts", "a.example:1 b.example:2", {"a.example", "b.example"}, 2,
     {{1, 10, 0, 0}, {2, 22, 0, 12}}},
    {"extra hosts do not hide localhost", "localhost:9443", {"wso2.example.org"}, 1,
     {{9443, 10, 0, 0}}},
    /* A configured name that starts with a built-in one must still be found. */
    {"extra host extending localhost", "https://localhost.localdomain:9443/",
     {"localhost.localdomain"}, 1, {{9443, 30, 0, 8}}},
    {"extra host extending 127.0.0.1", "http://127.0.0.1.nip.io:8280", {"127.0.0.1.nip.io"}, 1,
     {{8280, 24, 0, 7}}},
};
/* clang-format on */

static size_t digits(long v)
{
    size_t n = 1;
    while (v >= 10) {
        v /= 10;
        n++;
    }
    return n;
}

START_TEST(test_scan)
{
    const struct scan_case *c = &scan_cases[_i];
    size_t nextra = 0;
    while (nextra < 3 && c->extra[nextra])
        nextra++;
    ps_refhit *hits = NULL;
    size_t n = 0, cap = 0;
    size_t found = ps_refscan(c->input, 0, strlen(c->input),
                              nextra ? (char *const *)c->extra : NULL, nextra, &hits, &n, &cap);
    ck_assert_msg(found == n, "[%s] returned %zu, appended %zu", c->label, found, n);
    ck_assert_msg(n == c->n, "[%s] '%s': %zu hits, want %zu%s%.*s", c->label, c->input, n, c->n,
                  n ? "; first: " : "", n ? (int)(hits[0].end - hits[0].start) : 0,
                  n ? c->input + hits[0].start : "");
    ck_assert_uint_ge(cap, n);
    for (size_t i = 0; i < n; i++) {
        const want_hit *w = &c->hits[i];
        const ps_refhit *h = &hits[i];
        size_t end = w->end ? w->end : w->start + digits(w->port);
        ck_assert_msg(h->start == w->start && h->end == end,
                      "[%s] hit %zu spans [%zu,%zu) '%.*s', want [%zu,%zu)", c->label, i, h->start,
                      h->end, (int)(h->end - h->start), c->input + h->start, w->start, end);
        ck_assert_msg(h->port == w->port, "[%s] hit %zu port %ld, want %ld", c->label, i, h->port,
                      w->port);
        ck_assert_int_eq(h->placeholder, w->port == 0);
        ck_assert_msg(h->host_start == w->host_start, "[%s] hit %zu host at %zu, want %zu",
                      c->label, i, h->host_start, w->host_start);
        ck_assert_int_eq(c->input[h->start - 1], ':');
        if (h->placeholder)
            ck_assert(c->input[h->start] == '$' && c->input[h->end - 1] == '}');
        else
            ck_assert_int_eq(strtol(c->input + h->start, NULL, 10), h->port);
    }
    free(hits);
}
END_TEST

/* ---- ranges ------------------------------------------------------------------- */

static const char *const range_buf =
    "localhost:1111 <x a=\"localhost:2222\">localhost:3333</x> localhost:4444";

/* clang-format off */
static const struct range_case {
    const char *label;
    const char *from; /* the range starts at the first occurrence of this */
    size_t skip;      /* ... plus this many bytes */
    size_t len;       /* and is this long */
    size_t n;
    long ports[2];
} range_cases[] = {
    {"attribute value", "localhost:2222", 0, 14, 1, {2222}},
    {"text run", "localhost:3333", 0, 14, 1, {3333}},
    {"attribute value and text", "localhost:2222", 0, 30, 2, {2222, 3333}},
    {"empty range", "localhost:2222", 0, 0, 0, {0}},
    {"range ends at the colon", "localhost:2222", 0, 10, 0, {0}},
    {"range ends before the colon", "localhost:2222", 0, 9, 0, {0}},
    {"range starts inside the host", "localhost:2222", 1, 13, 0, {0}},
    {"range starts at the port", "localhost:2222", 10, 4, 0, {0}},
    {"tail of the buffer", "localhost:4444", 0, 14, 1, {4444}},
};
/* clang-format on */

START_TEST(test_range)
{
    const struct range_case *c = &range_cases[_i];
    size_t start = (size_t)(strstr(range_buf, c->from) - range_buf) + c->skip;
    size_t end = start + c->len;
    ck_assert_uint_le(end, strlen(range_buf));
    ps_refhit *hits = NULL;
    size_t n = 0, cap = 0;
    ck_assert_uint_eq(ps_refscan(range_buf, start, end, NULL, 0, &hits, &n, &cap), c->n);
    ck_assert_msg(n == c->n, "[%s] %zu hits, want %zu", c->label, n, c->n);
    for (size_t i = 0; i < n; i++) {
        ck_assert_int_eq(hits[i].port, c->ports[i]);
        /* offsets are into the whole buffer, and inside the range */
        ck_assert_uint_ge(hits[i].host_start, start);
        ck_assert_uint_le(hits[i].end, end);
        ck_assert_int_eq(strtol(range_buf + hits[i].start, NULL, 10), c->ports[i]);
    }
    free(hits);
}
END_TEST

/* Hits are appended after what the caller already holds; the return counts new ones. */
START_TEST(test_appends)
{
    const char *a = "localhost:1 localhost:2", *b = "x 127.0.0.1:3";
    ps_refhit *hits = NULL;
    size_t n = 0, cap = 0;
    ck_assert_uint_eq(ps_refscan(a, 0, strlen(a), NULL, 0, &hits, &n, &cap), 2);
    ck_assert_uint_eq(ps_refscan(b, 0, strlen(b), NULL, 0, &hits, &n, &cap), 1);
    ck_assert_uint_eq(ps_refscan(b, 0, 1, NULL, 0, &hits, &n, &cap), 0);
    ck_assert_uint_eq(n, 3);
    ck_assert_int_eq(hits[0].port, 1);
    ck_assert_int_eq(hits[1].port, 2);
    ck_assert_int_eq(hits[2].port, 3);
    ck_assert_uint_eq(hits[2].start, 12);
    free(hits);
}
END_TEST

/* ---- the scan against its definition ------------------------------------------ */

/*
 * ps_refscan skips from one colon that a port may follow to the next; its
 * answer must be the one a test of every position gives. That test, written
 * plainly: at each position not preceded by a host character, the first host
 * (built-in, then configured, in order) followed by ':', then a port or a
 * ${...}; a reference found is never part of the next.
 */
static const char *const builtin_hosts[] = {"localhost", "127.0.0.1", "[::1]", "${carbon.local.ip}",
                                            "${carbon.host}"};

static int host_char(char c)
{
    return isalnum((unsigned char)c) || c == '-' || c == '_' || c == '.';
}

static size_t every_position(const char *d, size_t start, size_t end, char *const *extra,
                             size_t nextra, ps_refhit *out, size_t max)
{
    size_t n = 0;
    for (size_t pos = start; pos < end && n < max; pos++) {
        if (pos > start && host_char(d[pos - 1]))
            continue;
        size_t colon = 0;
        for (size_t k = 0; k < 5 + nextra && !colon; k++) {
            const char *h = k < 5 ? builtin_hosts[k] : extra[k - 5];
            size_t hl = strlen(h);
            if (hl && pos + hl < end && strncasecmp(d + pos, h, hl) == 0 && d[pos + hl] == ':')
                colon = pos + hl;
        }
        if (!colon)
            continue;
        size_t p = colon + 1;
        long v = 0;
        while (p < end && isdigit((unsigned char)d[p]) && p - colon - 1 < 6)
            v = v * 10 + (d[p++] - '0');
        ps_refhit h = {.host_start = pos, .start = colon + 1};
        if (p > colon + 1 && p - colon - 1 <= 5 && !(p < end && isalnum((unsigned char)d[p])) &&
            v >= 1 && v <= 65535) {
            h.end = p;
            h.port = v;
        } else if (colon + 4 <= end && d[colon + 1] == '$' && d[colon + 2] == '{' &&
                   memchr(d + colon + 1, '}', end - colon - 1)) {
            h.end = (size_t)((const char *)memchr(d + colon + 1, '}', end - colon - 1) - d) + 1;
            h.placeholder = 1;
        } else {
            continue;
        }
        out[n++] = h;
        pos = h.end - 1;
    }
    return n;
}

/* Pieces that make hosts, near misses, colons, ports and placeholders. */
static const char *const pieces[] = {"localhost",
                                     "LocalHost",
                                     "127.0.0.1",
                                     "[::1]",
                                     "${carbon.local.ip}",
                                     "${carbon.host}",
                                     "h.example",
                                     "h:1",
                                     "::",
                                     ":",
                                     ":",
                                     ":",
                                     "9443",
                                     "65536",
                                     "0",
                                     "123456",
                                     "${",
                                     "}",
                                     "$",
                                     "{",
                                     "a",
                                     ".",
                                     "-",
                                     "_",
                                     " ",
                                     "/",
                                     "\"",
                                     "<",
                                     "localhost.",
                                     "x127.0.0.1"};

static unsigned long rng = 0x2545F4914F6CDD1DUL;

static unsigned long next_random(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

START_TEST(test_scan_every_position)
{
    char *const extra[] = {"h.example", "h:1"};
    char buf[512];
    ps_refhit want[256];
    for (int round = 0; round < 20000; round++) {
        size_t len = 0;
        for (int k = (int)(next_random() % 24); k >= 0; k--) {
            const char *p = pieces[next_random() % (sizeof pieces / sizeof pieces[0])];
            size_t pl = strlen(p);
            if (len + pl >= sizeof buf)
                break;
            memcpy(buf + len, p, pl);
            len += pl;
        }
        buf[len] = '\0';
        size_t start = len ? next_random() % (len + 1) : 0;
        size_t end = start + (len > start ? next_random() % (len - start + 1) : 0);
        size_t nextra = next_random() % 3;
        size_t nw = every_position(buf, start, end, extra, nextra, want, 256);
        ps_refhit *hits = NULL;
        size_t n = 0, cap = 0;
        ps_refscan(buf, start, end, nextra ? extra : NULL, nextra, &hits, &n, &cap);
        ck_assert_msg(n == nw, "'%s' [%zu,%zu) with %zu hosts: %zu hits, want %zu", buf, start, end,
                      nextra, n, nw);
        for (size_t i = 0; i < n; i++)
            ck_assert_msg(hits[i].host_start == want[i].host_start &&
                              hits[i].start == want[i].start && hits[i].end == want[i].end &&
                              hits[i].port == want[i].port &&
                              hits[i].placeholder == want[i].placeholder,
                          "'%s' [%zu,%zu): hit %zu at [%zu,%zu), want [%zu,%zu)", buf, start, end,
                          i, hits[i].start, hits[i].end, want[i].start, want[i].end);
        /* whatever a range holds, the whole buffer may hold */
        if (n)
            ck_assert_msg(ps_refscan_maybe(buf, len, nextra ? extra : NULL, nextra),
                          "'%s': a hit in [%zu,%zu), yet maybe says none", buf, start, end);
        free(hits);
    }
}
END_TEST

/* ---- whether a buffer may hold a reference at all -------------------------------- */

static const struct maybe_case {
    const char *input;
    const char *extra; /* one configured host, or NULL */
    int maybe;
} maybe_cases[] = {
    {"<a>https://localhost:9443/</a>", NULL, 1},
    {"<!-- https://localhost:9443/ --><a/>", NULL, 1}, /* raw bytes: comments count */
    {"<a u=\"localhost:${p}\"/>", NULL, 1},
    {"<a>LOCALHOST:1</a>", NULL, 1},
    {"<a>ps.example.org:9443</a>", "ps.example.org", 1},
    {"<a>ps.example.org:9443</a>", NULL, 0},
    {"<a>localhost:port</a>", NULL, 0},
    {"<a>localhost :9443</a>", NULL, 0},
    {"<a>http://wso2.com:9443/ 10:30 xmlns:x</a>", NULL, 0},
    {"", NULL, 0},
};

START_TEST(test_maybe)
{
    const struct maybe_case *c = &maybe_cases[_i];
    char *const extra[] = {(char *)c->extra};
    ck_assert_msg(ps_refscan_maybe(c->input, strlen(c->input), c->extra ? extra : NULL,
                                   c->extra ? 1 : 0) == c->maybe,
                  "'%s': want %d", c->input, c->maybe);
}
END_TEST

/* ps_refscan_any (the facts of a host): a host of any name where a
 * reference must start, as written; "" in `host`: no hit. */
static const struct any_case {
    const char *label, *input, *host;
    long port; /* 0: a placeholder port */
} any_cases[] = {
    {"remote key manager", "https://km1.example:9443/services/", "km1.example", 9443},
    {"remote broker", "tcp://tm1.example:5672", "tm1.example", 5672},
    {"a whole value", "km1.example:9443", "km1.example", 9443},
    {"a whole value, blanks around", "  tm1:9611 ", "tm1", 9611},
    {"user info", "amqp://admin:admin@tm1.example:5672/carbon", "tm1.example", 5672},
    {"IPv4 address", "http://10.100.3.103:9763/", "10.100.3.103", 9763},
    {"IPv6 address", "https://[fe80::2]:9443/", "[fe80::2]", 9443},
    {"a local host too", "https://localhost:9443/", "localhost", 9443},
    {"placeholder host", "https://${km.host}:9443/", "${km.host}", 9443},
    {"placeholder port", "https://km1.example:${km.port}/", "km1.example", 0},
    {"name and version", "loganalyzer:1.0.0", "", 0},
    {"a word inside text", "see km1.example:9443 here", "", 0},
    {"digits only", "12:30", "", 0},
    {"no port", "https://km1.example/services/", "", 0},
    {"port too large", "https://km1.example:65536/", "", 0},
    {"namespace", "urn:oasis:names:tc:SAML:2.0:assertion", "", 0},
};

START_TEST(test_any_host)
{
    const struct any_case *c = &any_cases[_i];
    ps_refhit *hits = NULL;
    size_t n = 0, cap = 0, len = strlen(c->input);
    size_t found = ps_refscan_any(c->input, 0, len, &hits, &n, &cap);
    ck_assert_uint_eq(found, n);
    if (!*c->host) {
        ck_assert_msg(n == 0, "%s: found %zu", c->label, n);
    } else {
        ck_assert_msg(n == 1, "%s: found %zu", c->label, n);
        size_t at = (size_t)(strstr(c->input, c->host) - c->input);
        ck_assert_uint_eq(hits[0].host_start, at);
        ck_assert_uint_eq(hits[0].host_end, at + strlen(c->host));
        ck_assert_int_eq(hits[0].port, c->port);
        ck_assert_int_eq(hits[0].placeholder, c->port == 0);
        ck_assert_uint_eq(hits[0].start, hits[0].host_end + 1);
    }
    /* A text with a reference is never skipped unread. */
    if (n)
        ck_assert_int_eq(ps_refscan_any_maybe(c->input, len), 1);
    free(hits);
}
END_TEST

#define N(a) (int)(sizeof(a) / sizeof((a)[0]))

static Suite *refscan_suite(void)
{
    Suite *s = suite_create("refscan");
    TCase *tc = tcase_create("scan");
    tcase_add_loop_test(tc, test_scan, 0, N(scan_cases));
    tcase_add_loop_test(tc, test_range, 0, N(range_cases));
    tcase_add_test(tc, test_appends);
    tcase_add_test(tc, test_scan_every_position);
    tcase_add_loop_test(tc, test_maybe, 0, N(maybe_cases));
    tcase_add_loop_test(tc, test_any_host, 0, N(any_cases));
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    int failed = run_suite(refscan_suite());
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
