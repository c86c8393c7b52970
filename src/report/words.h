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
/* "clash", "listening", "stale", "ambiguous", "unowned", or "note". */
const char *ps__finding_kind(const ps_finding *f);

#endif
