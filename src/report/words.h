/*
 * The words the printers of the report layer share (words.c): one wording
 * of a place, a product, a finding's kind in every format.
 */
#ifndef PS_REPORT_WORDS_H
#define PS_REPORT_WORDS_H

#include "base/strbuf.h"
#include "check/check.h"
#include "model/model.h"

/* The "format" of every JSON document: raised when a document changes in a
 * way a reader of the old one would misread. */
#define PS_JSON_FORMAT 1

/* Where a party is: path:line(:col), "HOME (built in)", or "this host". */
void ps__party_place(ps_strbuf *out, const ps_party *p, int col);
/* "WSO2 API Manager 4.2.0", with " or later" when the files only show the
 * earliest version. */
void ps__product_text(ps_strbuf *out, const ps_unit *unit);
/*
 * Out of memory in a printer: the sticky failure of a buffer (see
 * base/strbuf.h) carried to what a printer builds on the side (rows, a
 * cell, a command). `out` is marked failed, as its own append failing
 * would: later appends do nothing, and its owner, who checks the buffer
 * once where the document is finished, returns PS_ENOMEM.
 */
void ps__report_oom(ps_strbuf *out);
/* 1 when `part`, a buffer a printer filled on the side to put into
 * `out`, holds its text; else 0, `out` marked failed. */
int ps__part_ok(ps_strbuf *out, const ps_strbuf *part);

/* "clash", "listening", "stale", "ambiguous", "unowned", or "note". */
const char *ps__finding_kind(const ps_finding *f);

#endif
