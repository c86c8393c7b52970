/*
 * Unified diff in the shape GNU diff -u produces, built from the edit list.
 *
 * portshift knows every byte it changes: a plan's edits are spans of the
 * original file and what replaces them. So no line matching is needed: the
 * lines an edit touches are the changed lines, and everything else is
 * context. The edits are grouped into runs of changed lines (two edits whose
 * lines overlap or touch are one run, printed as all its '-' lines, then all
 * its '+' lines, as GNU prints a run), and runs into hunks by GNU's rule. The
 * work is one pass over the bytes up to the last edit, with no copy of the
 * file and no table of its lines.
 */
#include "report/diff.h"

#include <stdlib.h>
#include <string.h>

#include "report/words.h"

#define CONTEXT 3

/* A run of changed lines: old lines [a0, a1), the bytes [from, to), become
 * the nb lines held in the run buffer at [at, at + len). */
struct run {
    size_t a0, a1, from, to;
    size_t nb, at, len;
};

/* Where an old line starts: it is at a line start already, or just past the '\n' before it. */
static size_t line_start(const char *old, size_t p)
{
    while (p > 0 && old[p - 1] != '\n')
        p--;
    return p;
}

/* Just past the line that holds byte p: after its '\n', or the end of the file. */
static size_t line_end(const char *old, size_t len, size_t p)
{
    const char *nl = p < len ? memchr(old + p, '\n', len - p) : NULL;
    return nl ? (size_t)(nl - old) + 1 : len;
}

/* The number of '\n' in [p, p + len). */
static size_t count_lines(const char *p, size_t len)
{
    size_t n = 0;
    for (const char *e = p + len, *nl; p < e && (nl = memchr(p, '\n', (size_t)(e - p))); p = nl + 1)
        n++;
    return n;
}

/* The number of lines in [p, p + len), a last one without '\n' included. */
static size_t lines_in(const char *p, size_t len)
{
    return count_lines(p, len) + (len && p[len - 1] != '\n');
}

/* The start of the last line in [p, p + len), len > 0. */
static size_t last_line(const char *p, size_t len)
{
    size_t s = len - 1;
    while (s > 0 && p[s - 1] != '\n')
        s--;
    return s;
}

/*
 * Trims the lines a run's old and new bytes share at either end (an edit
 * that leaves its line as it was, a line inserted at a line start), so that
 * only lines that really change are shown as changed.
 */
static void trim(struct run *r, const char *old, const char *nb)
{
    for (;;) {
        const char *o = old + r->from, *n = nb + r->at;
        const char *onl = memchr(o, '\n', r->to - r->from), *nnl = memchr(n, '\n', r->len);
        if (!onl || !nnl || onl - o != nnl - n || memcmp(o, n, (size_t)(onl - o)) != 0)
            break;
        size_t l = (size_t)(onl - o) + 1;
        r->from += l, r->at += l, r->len -= l, r->a0++;
    }
    while (r->to > r->from && r->len) {
        size_t os = last_line(old + r->from, r->to - r->from);
        size_t ns = last_line(nb + r->at, r->len);
        size_t ol = r->to - r->from - os, nl = r->len - ns;
        if (ol != nl || memcmp(old + r->from + os, nb + r->at + ns, ol) != 0)
            break;
        r->to -= ol, r->len -= nl, r->a1--;
    }
    r->nb = lines_in(nb + r->at, r->len);
}

/* Just past the lines edit `e` changes: to the end of the line its span ends
 * in, but an edit that ends at a line start with text that ends a line (a
 * line inserted before another, a line taken out) leaves that next line alone. */
static size_t edit_end(const char *old, size_t len, const ps_edit *e)
{
    size_t end = e->span.end, tl = strlen(e->text);
    int at_line_start = end == 0 || old[end - 1] == '\n';
    if (at_line_start && (tl == 0 || e->text[tl - 1] == '\n'))
        return end;
    return line_end(old, len, end);
}

/*
 * The runs of the edit list, their new lines appended to `nb`: an edit
 * changes the lines from the one its span starts in to edit_end, and edits
 * whose lines overlap or touch make one run. -1 when the edits are not in
 * order, overlap or reach past the file; -2 when out of memory (an append
 * to `nb` that fails marks it failed instead: its owner checks it).
 */
static int find_runs(const char *old, size_t len, const ps_edit *edits, size_t n, ps_strbuf *nb,
                     struct run **out, size_t *nout)
{
    for (size_t i = 0; i < n; i++)
        if (edits[i].span.start > edits[i].span.end || edits[i].span.end > len ||
            (i && edits[i].span.start < edits[i - 1].span.end))
            return -1;

    struct run *runs = NULL;
    size_t nruns = 0, cap = 0;
    size_t counted = 0, line = 0; /* line: the '\n's before old[counted] */
    for (size_t i = 0; i < n;) {
        struct run *r = PS_TRY_PUSH(runs, nruns, cap);
        if (!r) {
            free(runs);
            return -2;
        }
        r->from = line_start(old, edits[i].span.start);
        line += count_lines(old + counted, r->from - counted);
        counted = r->from;
        r->a0 = line;
        /* r->to stays a line start (or the end of the file), so an edit starting past it
         * joins the run when no '\n' lies between: it is on the next line. An edit that
         * ends before r->to ends inside the run's lines. Each byte is scanned once, however
         * many edits share a long line. */
        size_t j = i;
        r->to = r->from;
        do {
            if (edits[j].span.end >= r->to)
                r->to = edit_end(old, len, &edits[j]);
            j++;
        } while (j < n && (edits[j].span.start <= r->to ||
                           !memchr(old + r->to, '\n', edits[j].span.start - r->to)));
        r->a1 = r->a0 + lines_in(old + r->from, r->to - r->from);

        /* The new bytes of those lines: the edits spliced into them. */
        r->at = nb->len;
        size_t pos = r->from;
        for (size_t k = i; k < j; k++) {
            ps_strbuf_add(nb, old + pos, edits[k].span.start - pos);
            ps_strbuf_puts(nb, edits[k].text);
            pos = edits[k].span.end;
        }
        ps_strbuf_add(nb, old + pos, r->to - pos);
        r->len = nb->len - r->at;
        i = j;
    }
    *out = runs;
    *nout = nruns;
    return 0;
}

static void put_range(ps_strbuf *out, size_t start, size_t count)
{
    /* GNU names an empty range by the line before it, and leaves out a count of one. */
    if (count == 0)
        ps_strbuf_printf(out, "%zu,0", start);
    else if (count == 1)
        ps_strbuf_printf(out, "%zu", start + 1);
    else
        ps_strbuf_printf(out, "%zu,%zu", start + 1, count);
}

/* Each line of [p, p + len) after `tag`; a last line without '\n' gets GNU's marker. */
static void put_lines(ps_strbuf *out, char tag, const char *p, size_t len)
{
    const char *end = p + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl + 1 : end;
        ps_strbuf_add(out, &tag, 1);
        ps_strbuf_add(out, p, (size_t)(e - p));
        if (!nl)
            ps_strbuf_puts(out, "\n\\ No newline at end of file\n");
        p = e;
    }
}

/* Up to CONTEXT lines of context before old byte `at` (a line start): their first byte. */
static size_t context_before(const char *old, size_t at, size_t *lines)
{
    *lines = 0;
    while (*lines < CONTEXT && at > 0) {
        at = line_start(old, at - 1);
        ++*lines;
    }
    return at;
}

/* Up to CONTEXT lines of context from old byte `at` on: the byte after them. */
static size_t context_after(const char *old, size_t len, size_t at, size_t *lines)
{
    *lines = 0;
    while (*lines < CONTEXT && at < len) {
        at = line_end(old, len, at);
        ++*lines;
    }
    return at;
}

static int write_hunks(ps_strbuf *out, const char *old, size_t len, const char *nb,
                       const struct run *runs, size_t nruns)
{
    int hunks = 0;
    ptrdiff_t delta = 0; /* new line number minus old, before the current run */
    for (size_t k = 0; k < nruns;) {
        /* GNU joins the next run when fewer than 2 * CONTEXT + 1 unchanged lines separate
         * it from this one, i.e. whenever the two contexts would touch or overlap. */
        size_t e = k;
        ptrdiff_t grown = 0;
        while (e + 1 < nruns && runs[e + 1].a0 - runs[e].a1 <= 2 * CONTEXT)
            e++;
        for (size_t t = k; t <= e; t++)
            grown += (ptrdiff_t)runs[t].nb - (ptrdiff_t)(runs[t].a1 - runs[t].a0);

        size_t before, after;
        size_t from = context_before(old, runs[k].from, &before);
        size_t to = context_after(old, len, runs[e].to, &after);
        size_t a_start = runs[k].a0 - before, a_end = runs[e].a1 + after;
        size_t b_start = (size_t)((ptrdiff_t)a_start + delta);
        size_t b_end = (size_t)((ptrdiff_t)a_end + delta + grown);

        ps_strbuf_puts(out, "@@ -");
        put_range(out, a_start, a_end - a_start);
        ps_strbuf_puts(out, " +");
        put_range(out, b_start, b_end - b_start);
        ps_strbuf_puts(out, " @@\n");

        for (size_t t = k; t <= e; t++) {
            put_lines(out, ' ', old + from, runs[t].from - from);
            put_lines(out, '-', old + runs[t].from, runs[t].to - runs[t].from);
            put_lines(out, '+', nb + runs[t].at, runs[t].len);
            from = runs[t].to;
        }
        put_lines(out, ' ', old + from, to - from);

        delta += grown;
        hunks++;
        k = e + 1;
    }
    return hunks;
}

int ps_diff_unified(ps_strbuf *out, const char *path, const char *old, size_t old_len,
                    const ps_edit *edits, size_t nedits)
{
    ps_strbuf nb = PS_STRBUF_INIT;
    struct run *runs;
    size_t nruns;
    int rc = find_runs(old, old_len, edits, nedits, &nb, &runs, &nruns);
    if (rc == 0 && ps_strbuf_oom(&nb)) {
        free(runs);
        rc = -2;
    }
    if (rc < 0) {
        ps_strbuf_free(&nb);
        if (rc == -1)
            return -1;
        ps__report_oom(out);
        return 0;
    }
    /* An edit that writes what was there changes no line: its run goes. */
    size_t kept = 0;
    for (size_t k = 0; k < nruns; k++) {
        trim(&runs[k], old, nb.data);
        if (runs[k].a1 > runs[k].a0 || runs[k].nb)
            runs[kept++] = runs[k];
    }

    int hunks = 0;
    if (kept) {
        /* A name with a space gets a trailing tab, as git writes it: GNU patch otherwise
         * stops reading the name at the space, and both tools drop the tab. */
        const char *end = strchr(path, ' ') ? "\t" : "";
        ps_strbuf_printf(out, "--- a/%s%s\n+++ b/%s%s\n", path, end, path, end);
        hunks = write_hunks(out, old, old_len, nb.data, runs, kept);
    }
    free(runs);
    ps_strbuf_free(&nb);
    return hunks;
}

void ps_diff_colorize(ps_strbuf *out, const char *diff, size_t len)
{
    size_t i = 0;
    while (i < len) {
        const char *nl = memchr(diff + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - diff) : len;
        const char *line = diff + i;
        size_t n = end - i;
        const char *color = NULL;
        if (n >= 4 && (memcmp(line, "--- ", 4) == 0 || memcmp(line, "+++ ", 4) == 0))
            color = "\033[1m";
        else if (n >= 2 && memcmp(line, "@@", 2) == 0)
            color = "\033[36m";
        else if (n && line[0] == '-')
            color = "\033[31m";
        else if (n && line[0] == '+')
            color = "\033[32m";
        if (color && n) {
            ps_strbuf_puts(out, color);
            ps_strbuf_add(out, line, n);
            ps_strbuf_puts(out, "\033[m");
        } else {
            ps_strbuf_add(out, line, n);
        }
        if (nl)
            ps_strbuf_add(out, "\n", 1);
        i = end + (nl ? 1 : 0);
    }
}
