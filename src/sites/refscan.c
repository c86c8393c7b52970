#include "sites/refscan.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "base/strbuf.h"

static const char *const local_hosts[] = {"localhost", "127.0.0.1", "[::1]", "${carbon.local.ip}",
                                          "${carbon.host}"};
#define NLOCAL (sizeof local_hosts / sizeof local_hosts[0])

static const char *host_at(size_t k, char *const *extra_hosts)
{
    return k < NLOCAL ? local_hosts[k] : extra_hosts[k - NLOCAL];
}

/* A character that may continue a host name: its presence next to a match
 * means the match is part of a longer name (my-localhost, localhost.example). */
static int hostchar(char c)
{
    return isalnum((unsigned char)c) || c == '-' || c == '_' || c == '.';
}

static size_t match_host(const char *data, size_t pos, size_t end, const char *host)
{
    size_t n = strlen(host);
    if (n == 0 || pos + n > end || strncasecmp(data + pos, host, n) != 0)
        return 0;
    return n;
}

/* After "host:", a port: 1-5 digits not followed by another name character. */
static int port_at(const char *data, size_t pos, size_t end, size_t *pend, long *port)
{
    size_t p = pos;
    long v = 0;
    while (p < end && isdigit((unsigned char)data[p]) && p - pos < 6) {
        v = v * 10 + (data[p] - '0');
        p++;
    }
    if (p == pos || p - pos > 5 || (p < end && isalnum((unsigned char)data[p])))
        return 0;
    if (v < 1 || v > 65535)
        return 0;
    *pend = p;
    *port = v;
    return 1;
}

/* *close caches the first '}' at or after the last search (end: none), so a
 * run of "localhost:${" with no '}' costs one search, not one per occurrence. */
static int placeholder_at(const char *data, size_t pos, size_t end, size_t *close, size_t *pend)
{
    if (pos + 3 > end || data[pos] != '$' || data[pos + 1] != '{')
        return 0;
    if (*close < pos) {
        const char *c = memchr(data + pos, '}', end - pos);
        *close = c ? (size_t)(c - data) : end;
    }
    if (*close == end)
        return 0;
    *pend = *close + 1;
    return 1;
}

/*
 * Every reference has the form host ':' then a digit or "${", so the scan
 * goes from one such colon to the next with memchr, and tries a host only at
 * the few positions from which one could reach the colon: text without such
 * a colon (nearly all of it) costs a memchr, not a comparison per byte and
 * host. The answer is the one a test of every position gives.
 */
static int port_may_follow(const char *data, size_t c, size_t end)
{
    return c + 1 < end && (isdigit((unsigned char)data[c + 1]) || data[c + 1] == '$');
}

/* The first colon in [from, end) a port may follow, or end. */
static size_t next_colon(const char *data, size_t from, size_t end)
{
    while (from < end) {
        const char *c = memchr(data + from, ':', end - from);
        if (!c)
            return end;
        size_t at = (size_t)(c - data);
        if (port_may_follow(data, at, end))
            return at;
        from = at + 1;
    }
    return end;
}

static size_t longest_host(char *const *extra_hosts, size_t nextra)
{
    size_t longest = 0;
    for (size_t k = 0; k < NLOCAL + nextra; k++) {
        size_t n = strlen(host_at(k, extra_hosts));
        if (n > longest)
            longest = n;
    }
    return longest;
}

/* The reference starting at `pos`, if one does: a test of one position. */
static int reference_at(const char *data, size_t start, size_t pos, size_t end,
                        char *const *extra_hosts, size_t nextra, size_t *close, ps_refhit *h)
{
    if (pos > start && hostchar(data[pos - 1]))
        return 0;
    /* The host must end at the colon: "localhost.example:80" is not local,
     * unless "localhost.example" is itself a configured host name. */
    size_t colon = 0;
    for (size_t k = 0; k < NLOCAL + nextra && !colon; k++) {
        size_t hl = match_host(data, pos, end, host_at(k, extra_hosts));
        if (hl && pos + hl < end && data[pos + hl] == ':')
            colon = pos + hl;
    }
    if (!colon)
        return 0;
    size_t pend;
    long port;
    *h = (ps_refhit){.host_start = pos, .host_end = colon, .start = colon + 1};
    if (port_at(data, colon + 1, end, &pend, &port)) {
        h->end = pend;
        h->port = port;
    } else if (placeholder_at(data, colon + 1, end, close, &pend)) {
        h->end = pend;
        h->placeholder = 1;
    } else {
        return 0;
    }
    return 1;
}

size_t ps_refscan(const char *data, size_t start, size_t end, char *const *extra_hosts,
                  size_t nextra, ps_refhit **hits, size_t *n, size_t *cap)
{
    size_t found = 0, close = 0, longest = 0;
    /* Every position before pos is decided. A reference from p ends its host
     * at a colon in (p, p + longest]: none before the next such colon c can
     * start before c - longest. */
    for (size_t pos = start; pos < end;) {
        size_t c = next_colon(data, pos + 1, end);
        if (c == end)
            break;
        if (!longest)
            longest = longest_host(extra_hosts, nextra);
        size_t p = c - pos > longest ? c - longest : pos, next = c;
        for (ps_refhit h; p < c; p++)
            if (reference_at(data, start, p, end, extra_hosts, nextra, &close, &h)) {
                ps_refhit *slot = PS_TRY_PUSH(*hits, *n, *cap);
                if (!slot)
                    return PS_REFSCAN_NOMEM;
                *slot = h;
                found++;
                next = h.end; /* a reference is never part of another */
                break;
            }
        pos = next;
    }
    return found;
}

int ps_refscan_maybe(const char *data, size_t len, char *const *extra_hosts, size_t nextra)
{
    for (size_t c = next_colon(data, 0, len); c < len; c = next_colon(data, c + 1, len))
        for (size_t k = 0; k < NLOCAL + nextra; k++) {
            const char *host = host_at(k, extra_hosts);
            size_t hl = strlen(host);
            if (hl && hl <= c && strncasecmp(data + c - hl, host, hl) == 0)
                return 1;
        }
    return 0;
}

/* The port (or ${...} placeholder port) after the colon at `colon`, into *h. */
static int port_after(const char *data, size_t colon, size_t end, size_t *close, ps_refhit *h)
{
    size_t pend;
    long port;
    h->start = colon + 1;
    if (port_at(data, colon + 1, end, &pend, &port)) {
        /* "loganalyzer:1.0.0" is a name and a version, not a host and a port. */
        if (pend + 1 < end && data[pend] == '.' && isdigit((unsigned char)data[pend + 1]))
            return 0;
        h->end = pend;
        h->port = port;
        return 1;
    }
    if (placeholder_at(data, colon + 1, end, close, &pend)) {
        h->end = pend;
        h->placeholder = 1;
        return 1;
    }
    return 0;
}

/* A dotted IPv4 address: four runs of 1-3 digits. */
static int ipv4(const char *s, size_t n)
{
    size_t parts = 0, digits = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '.' && digits) {
            parts++;
            digits = 0;
        } else if (isdigit((unsigned char)s[i]) && digits < 3) {
            digits++;
        } else {
            return 0;
        }
    }
    return digits && parts == 3;
}

#define PS_HOST_MAX 255

/* Where the host that ends at the colon `colon` begins, or `colon` when no
 * host a reference could name ends there. */
static size_t host_before(const char *data, size_t start, size_t colon)
{
    size_t h = colon;
    /* No host is longer than a DNS name: a bracket or brace far back is
     * another thing's, and the walk stays short. */
    if (colon - start > PS_HOST_MAX)
        start = colon - PS_HOST_MAX;
    if (h > start && data[h - 1] == ']') { /* [::1], [fe80::2] */
        while (h > start && data[h - 1] != '[')
            h--;
        return h > start ? h - 1 : colon;
    }
    if (h > start && data[h - 1] == '}') { /* ${carbon.host}, ${km.host} */
        while (h > start + 1 && !(data[h - 2] == '$' && data[h - 1] == '{'))
            h--;
        return h > start + 1 && memchr(data + h, '}', colon - h - 1) == NULL ? h - 2 : colon;
    }
    while (h > start && hostchar(data[h - 1]))
        h--;
    int letter = 0;
    for (size_t i = h; i < colon && !letter; i++)
        letter = isalpha((unsigned char)data[i]);
    return letter || ipv4(data + h, colon - h) ? h : colon;
}

/* Where a host may start in data[start, end): after "//" or "@", or at the
 * first non-blank byte of the range. */
static int authority_at(const char *data, size_t start, size_t end, size_t h)
{
    size_t first = start;
    while (first < end && isspace((unsigned char)data[first]))
        first++;
    return h == first || (h >= start + 2 && data[h - 1] == '/' && data[h - 2] == '/') ||
           (h > start && data[h - 1] == '@');
}

size_t ps_refscan_any(const char *data, size_t start, size_t end, ps_refhit **hits, size_t *n,
                      size_t *cap)
{
    size_t found = 0, close = 0;
    for (size_t c = next_colon(data, start, end); c < end; c = next_colon(data, c + 1, end)) {
        size_t h = host_before(data, start, c);
        ps_refhit hit = {.host_start = h, .host_end = c};
        if (h == c || !authority_at(data, start, end, h) || !port_after(data, c, end, &close, &hit))
            continue;
        ps_refhit *slot = PS_TRY_PUSH(*hits, *n, *cap);
        if (!slot)
            return PS_REFSCAN_NOMEM;
        *slot = hit;
        found++;
    }
    return found;
}

int ps_refscan_any_maybe(const char *data, size_t len)
{
    return next_colon(data, 0, len) < len;
}
