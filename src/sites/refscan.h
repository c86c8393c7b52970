/*
 * Finding literal local references in a run of config text: a host that
 * means "this machine" followed by ':' and a port, in any of the forms WSO2
 * files use (scheme://host:port/..., brokerlist='tcp://host:port', a bare
 * host:port, {tcp://host:port/} groups, comma-separated lists, a regex).
 * The span of a hit covers only the port digits, so nothing around them
 * (a '.*' of a regex, a '&amp;' of an e-mail template) is ever touched.
 */
#ifndef PS_SITES_REFSCAN_H
#define PS_SITES_REFSCAN_H

#include <stddef.h>
#include <stdint.h>

typedef struct ps_refhit {
    size_t host_start, host_end; /* the host as written: data[host_start, host_end) */
    size_t start, end;           /* the port digits, or the ${...} of a placeholder port */
    long port;                   /* 0 for a placeholder */
    int placeholder;
} ps_refhit;

/*
 * Scans data[start, end) for references to a local host. `extra_hosts` (may
 * be NULL) adds configured host names to localhost, 127.0.0.1, [::1],
 * ${carbon.local.ip} and ${carbon.host}. Appends hits to *hits / *n
 * (growing *cap). Returns the number appended, or PS_REFSCAN_NOMEM when out
 * of memory (the hits appended so far stay).
 */
#define PS_REFSCAN_NOMEM SIZE_MAX
size_t ps_refscan(const char *data, size_t start, size_t end, char *const *extra_hosts,
                  size_t nextra, ps_refhit **hits, size_t *n, size_t *cap);

/*
 * 0 when no range of data[0, len) can hold a reference ps_refscan would find
 * with these hosts (no host is followed by ':' and a digit or "${" anywhere,
 * comments and markup included); 1 when one may. A file answered 0 needs no
 * further reading to know it holds no reference.
 */
int ps_refscan_maybe(const char *data, size_t len, char *const *extra_hosts, size_t nextra);

/*
 * For the facts of a host only: references to any host, this one or
 * another (https://km1.example:9443/..., tcp://tm1.example:5672, a ${...}
 * host). A name no one configured could be any word before a colon, so a
 * host counts only where a reference must start: after "//" or "@" (a URL's
 * authority), or as the whole trimmed range ("km1.example:9443" as an
 * element's text or a value); it is a DNS-style name with a letter, a dotted
 * IPv4 address, a [bracketed] IPv6 address or a ${...} placeholder. The
 * local scan (ps_refscan) is not changed by it: the planner edits only what
 * that one finds. Appends as ps_refscan does.
 */
size_t ps_refscan_any(const char *data, size_t start, size_t end, ps_refhit **hits, size_t *n,
                      size_t *cap);

/* 0 when data[0, len) holds no ':' followed by a digit or "${": no range of
 * it can hold a reference to any host. */
int ps_refscan_any_maybe(const char *data, size_t len);

#endif
