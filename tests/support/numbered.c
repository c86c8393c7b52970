#include "numbered.h"

#include <stdio.h>
#include <stdlib.h>

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
