/*
 * Unified diffs of the edits portshift makes to a file, in the format GNU
 * `diff -u` writes, so that `patch -p1` and `git apply` reproduce the new
 * bytes exactly.
 */
#ifndef PS_REPORT_DIFF_H
#define PS_REPORT_DIFF_H

#include <stddef.h>

#include "base/strbuf.h"
#include "plan/plan.h"

/* Appends to `out` the unified diff of applying `edits` to `old` for the file shown as `path`
 * (headers "--- a/<path>" and "+++ b/<path>"), 3 lines of context, hunks merged when their
 * contexts touch or overlap, as GNU diff -u groups them. Of each edit only its span (bytes of
 * `old`) and its text are read; the edits are in order and do not overlap, as a plan's edits
 * of one file are (ps_rendered's). A line an edit touches is a changed line, and edits whose
 * lines overlap or touch are one run of changed lines, all its '-' lines then all its '+'
 * lines; so where the changed lines are unlike their neighbours the output is GNU diff -u's
 * to the byte. Returns the number of hunks written: 0, appending nothing, when the edits change
 * no byte; -1, appending nothing, when they are out of order, overlap or reach past `old`.
 * Out of memory leaves `out` failed (ps_strbuf_oom), as a failed append to it would: its
 * owner, which checks the buffer where the diff is finished, says PS_ENOMEM.
 *
 * `old` is arbitrary bytes. Lines end at '\n' only, so a CRLF file keeps its '\r' in every
 * line and round-trips byte-exactly; a last line without '\n' is followed by
 * "\ No newline at end of file". A path containing a space is followed by a tab in both
 * headers, as git writes it, so that GNU patch reads the whole name. */
int ps_diff_unified(ps_strbuf *out, const char *path, const char *old, size_t old_len,
                    const ps_edit *edits, size_t nedits);

/* Appends diff[0..len) to `out` with the colours git uses on a terminal: bold
 * file headers, cyan hunk headers, red removed and green added lines. Each
 * code is closed before the line's '\n', so a pager never carries it over. */
void ps_diff_colorize(ps_strbuf *out, const char *diff, size_t len);

#endif
