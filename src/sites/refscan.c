#include "sites/refscan.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "base/strbuf.h"

static const char *const local_hosts[] = {"localhost", "127.0.0.1", "[::1]", "${carbon.local.ip}",
                                          "${carbon.host}"};

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

size_t ps_refscan(const char *data, size_t start, size_t end, char *const *extra_hosts,
                  size_t nextra, ps_refhit **hits, size_t *n, size_t *cap)
{
    size_t found = 0, close = 0;
    size_t nlocal = sizeof local_hosts / sizeof local_hosts[0];
    for (size_t pos = start; pos < end; pos++) {
        if (pos > start && hostchar(data[pos - 1]))
            continue;
        /* The host must end at the colon: "localhost.example:80" is not local,
         * unless "localhost.example" is itself a configured host name. */
        size_t colon = 0;
        for (size_t k = 0; k < nlocal + nextra && !colon; k++) {
            const char *host = k < nlocal ? local_hosts[k] : extra_hosts[k - nlocal];
            size_t hl = match_host(data, pos, end, host);
            if (hl && pos + hl < end && data[pos + hl] == ':')
                colon = pos + hl;
        }
        if (!colon)
            continue;
        size_t pend;
        long port;
        ps_refhit h = {.host_start = pos};
        if (port_at(data, colon + 1, end, &pend, &port)) {
            h.start = colon + 1;
            h.end = pend;
            h.port = port;
        } else if (placeholder_at(data, colon + 1, end, &close, &pend)) {
            h.start = colon + 1;
            h.end = pend;
            h.placeholder = 1;
        } else {
            continue;
        }
        ps_grow((void **)hits, cap, *n + 1, sizeof **hits);
        (*hits)[(*n)++] = h;
        found++;
        pos = h.end - 1;
    }
    return found;
}
