/*
 * The findings of `check` while they are built, internal to src/check:
 * check.c makes a builder, each judge below adds its drafts to it (a
 * finding, its parties, and where it is reported), and check.c sorts them
 * into the check. The judges live one a file, each named for what it looks
 * at, and share only these helpers.
 */
#ifndef PS_CHECK_DRAFT_H
#define PS_CHECK_DRAFT_H

#include <stddef.h>

#include "check/check.h"

/* A finding while the check is built, with where it is reported: findings
 * before notes, then in the order the homes were named, then by position. */
typedef struct ps_check__draft {
    ps_finding f;
    ps_party *parties;
    size_t nparties, cap;
    size_t unit, site;
    int order; /* among findings at one site: clash, listening, stale, ambiguous, unowned */
} ps_check__draft;

typedef struct ps_check__builder {
    ps_check *c;
    ps_check__draft *drafts;
    size_t count, cap;
} ps_check__builder;

/* Hands string s (from an allocation that may have failed) to the check,
 * which frees it; NULL when s is NULL or out of memory (s freed). */
const char *ps_check__own(ps_check *c, char *s);
/* Site k of unit u as a party of a finding. */
ps_party ps_check__site_party(const ps_check *c, size_t u, size_t k);
/* A finding saying `message` (the check's from now on); NULL when out of
 * memory, or when message is NULL (an allocation that failed). */
ps_check__draft *ps_check__add(ps_check__builder *b, ps_finding_kind kind, int note, size_t u,
                               size_t k, long port, char *message);
/* -1 when out of memory. */
int ps_check__party(ps_check__draft *d, ps_party p);

/*
 * The judges check.c calls in turn, each -1 when out of memory (ps_error_oom
 * set by the caller, except where err is passed).
 */
/* listening.c: ports bound on this host by other than the home's own server
 * (`proc`, the procfs mount); -1 with err set when the socket tables cannot
 * be read or out of memory. */
int ps_check__listening(ps_check__builder *b, const char *proc, ps_error *err);
/* references.c: stale, ambiguous and unowned references between the homes. */
int ps_check__references(ps_check__builder *b);
/* remote.c: references to the other hosts of the call (--with). */
int ps_check__remotes(ps_check__builder *b);
/* start.c: start files that set rival offsets. */
int ps_check__start_rivals(ps_check__builder *b);
/* start.c: running servers started at another offset than their files'. */
int ps_check__running_offsets(ps_check__builder *b, const char *proc);

#endif
