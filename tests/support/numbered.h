/* Numbered test texts for the diff suites: "line 1" .. "line n", with edits. */
#ifndef PS_TESTS_NUMBERED_H
#define PS_TESTS_NUMBERED_H

#include <stddef.h>

#include "plan/plan.h"

/* A NULL-terminated list of edits for numbered(). */
#define EDITS(...) ((const char *const[]){__VA_ARGS__, NULL})

/*
 * "line 1" .. "line n", each ending in `eol`, changed by `edits` (NULL or
 * NULL-terminated): "K=text" replaces line K, "K+text" adds a line after line
 * K (0: before the first), "K-" deletes line K. Line numbers are the original
 * ones, so the expected hunks can be worked out by hand. The caller frees.
 */
char *numbered_eol(int n, const char *eol, const char *const *edits);
/* The same with "\n" line ends. */
char *numbered(int n, const char *const *edits);

/*
 * The same `edits` as an edit list of the unchanged text, which is returned:
 * "K=text" replaces the text of line K (not its line end), "K-" takes out
 * the whole line, "K+text" inserts text and `eol` at the start of line K + 1.
 * The list is in the order a plan's edits are (by position, an insertion
 * before an edit that starts where it does). Applied to the returned text,
 * it gives numbered_eol(n, eol, edits). The caller frees the text, each
 * edit's text and the list (numbered_edits_free).
 */
char *numbered_edits(int n, const char *eol, const char *const *edits, ps_edit **list,
                     size_t *count);
void numbered_edits_free(ps_edit *list, size_t count);

/* `old` with the edits spliced in, as render splices a plan's: the bytes a diff
 * of them must reproduce. The caller frees. */
char *edits_applied(const char *old, size_t old_len, const ps_edit *edits, size_t n, size_t *len);

#endif
