#include "numbered.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"

/*
 * "line 1" .. "line n", each ending in `eol`, changed by `edits` (NULL or
 * NULL-terminated): "K=text" replaces line K, "K+text" adds a line after line
 * K (0: before the first), "K-" deletes line K. Line numbers are the original
 * ones, so the expected hunks can be worked out by hand.
 */
char *numbered_eol(int n, const char *eol, const char *const *edits)
{
    ps_strbuf b = PS_STRBUF_INIT;
    ps_strbuf_add(&b, "", 0);
    for (int k = 0; k <= n; k++) {
        const char *text = NULL;
        int deleted = 0;
        char own[32];
        for (size_t e = 0; k > 0 && edits && edits[e]; e++) {
            char *rest;
            if (strtol(edits[e], &rest, 10) != k)
                continue;
            if (*rest == '=')
                text = rest + 1;
            else if (*rest == '-')
                deleted = 1;
        }
        if (k > 0 && !deleted) {
            if (!text) {
                snprintf(own, sizeof own, "line %d", k);
                text = own;
            }
            ps_strbuf_puts(&b, text);
            ps_strbuf_puts(&b, eol);
        }
        for (size_t e = 0; edits && edits[e]; e++) {
            char *rest;
            if (strtol(edits[e], &rest, 10) == k && *rest == '+') {
                ps_strbuf_puts(&b, rest + 1);
                ps_strbuf_puts(&b, eol);
            }
        }
    }
    return ps_strbuf_detach(&b, NULL);
}

char *numbered(int n, const char *const *edits)
{
    return numbered_eol(n, "\n", edits);
}

char *numbered_edits(int n, const char *eol, const char *const *edits, ps_edit **list,
                     size_t *count)
{
    char *old = numbered_eol(n, eol, NULL);
    /* start[k]: where line k (1-based) starts; start[n + 1] is the end. */
    size_t *start = xcalloc((size_t)n + 2, sizeof *start);
    size_t pos = 0;
    for (int k = 1; k <= n + 1; k++) {
        start[k] = pos;
        if (k <= n)
            pos += (size_t)snprintf(NULL, 0, "line %d", k) + strlen(eol);
    }
    ps_edit *out = NULL;
    size_t m = 0, cap = 0;
    for (size_t e = 0; edits && edits[e]; e++) {
        char *rest;
        int k = (int)strtol(edits[e], &rest, 10);
        ps_edit *x = XPUSH(out, m, cap);
        memset(x, 0, sizeof *x);
        if (*rest == '=') {
            x->span.start = start[k];
            x->span.end = start[k] + (size_t)snprintf(NULL, 0, "line %d", k);
            x->text = xstrdup(rest + 1);
        } else if (*rest == '-') {
            x->span.start = start[k];
            x->span.end = start[k + 1];
            x->text = xstrdup("");
        } else {
            x->span.start = x->span.end = start[k + 1];
            x->text = xasprintf("%s%s", rest + 1, eol);
        }
    }
    /* Stable insertion sort by position, insertions first where an edit starts too. */
    for (size_t i = 1; i < m; i++) {
        ps_edit t = out[i];
        size_t j = i;
        while (j > 0 &&
               (out[j - 1].span.start > t.span.start ||
                (out[j - 1].span.start == t.span.start &&
                 out[j - 1].span.end > out[j - 1].span.start && t.span.end == t.span.start))) {
            out[j] = out[j - 1];
            j--;
        }
        out[j] = t;
    }
    free(start);
    *list = out;
    *count = m;
    return old;
}

void numbered_edits_free(ps_edit *list, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(list[i].text);
    free(list);
}

char *edits_applied(const char *old, size_t old_len, const ps_edit *edits, size_t n, size_t *len)
{
    ps_strbuf b = PS_STRBUF_INIT;
    size_t pos = 0;
    ps_strbuf_add(&b, "", 0);
    for (size_t i = 0; i < n; i++) {
        ps_strbuf_add(&b, old + pos, edits[i].span.start - pos);
        ps_strbuf_puts(&b, edits[i].text);
        pos = edits[i].span.end;
    }
    ps_strbuf_add(&b, old + pos, old_len - pos);
    return ps_strbuf_detach(&b, len);
}
