/*
 * The public byte buffer (ps_buf) and the library's own (ps_strbuf) are one
 * layout; results are built in a ps_strbuf and handed over in a ps_buf.
 */
#ifndef PS_API_BUF_H
#define PS_API_BUF_H

#include <portshift/portshift.h>

#include "base/strbuf.h"

/* Appends b's bytes to *out and frees b: moved, not copied, when *out is
 * empty. 0, or PS_ENOMEM (out as it was) when b failed or the append did. */
int ps__buf_take(ps_buf *out, ps_strbuf *b);

#endif
