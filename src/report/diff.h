/*
 * Unified diffs of a file before and after portshift patches it, in the
 * format GNU `diff -u` writes, so that `patch -p1` and `git apply` reproduce
 * the new bytes exactly.
 */
#ifndef PS_REPORT_DIFF_H
#define PS_REPORT_DIFF_H

#include <stddef.h>

#include "base/strbuf.h"

/* Appends to `out` a unified diff turning `old` into `new_` for the file shown as `path`
 * (headers "--- a/<path>" and "+++ b/<path>"), 3 lines of context, hunks merged when their
 * contexts touch or overlap, exactly as GNU diff -u would group them. Appends nothing when the
 * two buffers are byte-identical. Returns the number of hunks written.
 *
 * The buffers are arbitrary bytes. Lines end at '\n' only, so a CRLF file keeps its '\r' in
 * every line and round-trips byte-exactly; a last line without '\n' is followed by
 * "\ No newline at end of file" and never matches a line that has one. A path containing a
 * space is followed by a tab in both headers, as git writes it, so that GNU patch reads the
 * whole name. */
int ps_diff_unified(ps_strbuf *out, const char *path, const char *old, size_t old_len,
                    const char *new_, size_t new_len);

/* Appends diff[0..len) to `out` with the colours git uses on a terminal: bold
 * file headers, cyan hunk headers, red removed and green added lines. Each
 * code is closed before the line's '\n', so a pager never carries it over. */
void ps_diff_colorize(ps_strbuf *out, const char *diff, size_t len);

#endif
