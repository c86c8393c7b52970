/*
 * Unified diff in the shape GNU diff -u produces.
 *
 * Lines are reduced to equivalence-class numbers and compared with Myers'
 * O(ND) algorithm in its linear-space, divide-and-conquer form, so memory
 * stays linear in the file size and the work is proportional to the size of
 * the change, which for portshift is a handful of lines in a large file.
 * The edit script is then normalised the way GNU diff does it (ambiguous
 * change groups slid down, or next to a change in the other file) and grouped
 * into hunks with GNU's rule, so the output matches `diff -u` byte for byte
 * whenever the alignment of the two files is unambiguous.
 */
#include "report/diff.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CONTEXT 3

/*
 * A middle-snake search that has not met in the middle after this many edit
 * steps settles for the furthest point either direction has reached. The
 * diff is then possibly longer than minimal, but two large, thoroughly
 * different files no longer cost O(N * D) with D in the tens of thousands.
 * GNU diff uses the same bound for files of this size.
 */
#define COST_LIMIT 4096

struct line {
    const char *p;
    /* Includes the '\n', so a last line without one never equals the same text with one. */
    size_t len;
};

struct file {
    struct line *lines;
    size_t n;
    size_t *cls; /* equivalence class of each line: equal lines, equal numbers */
    unsigned char *chg_buf;
    /* chg_buf + 1: chg[-1] and chg[n] exist and stay 0 so scans need no bound checks. */
    unsigned char *chg;
};

/* A maximal run of changed lines: old [a0, a1) replaced by new [b0, b1). */
struct block {
    size_t a0, a1, b0, b1;
};

struct myers {
    const size_t *a, *b;        /* the sequences actually compared, as class numbers */
    const size_t *amap, *bmap;  /* their indexes back to line numbers */
    unsigned char *achg, *bchg; /* where the changes are recorded, by line number */
    ptrdiff_t *fd, *bd;         /* furthest x reached on each diagonal k = x - y */
};

static void split_lines(struct file *f, const char *buf, size_t len)
{
    f->lines = NULL;
    f->n = 0;
    if (len == 0)
        return;

    const char *p = buf, *end = buf + len, *nl;
    size_t count = buf[len - 1] != '\n';
    for (const char *q = buf; (nl = memchr(q, '\n', (size_t)(end - q))); q = nl + 1)
        count++;

    f->lines = ps_xmalloc(count * sizeof *f->lines);
    while (p < end) {
        nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl + 1 : end;
        f->lines[f->n].p = p;
        f->lines[f->n].len = (size_t)(e - p);
        f->n++;
        p = e;
    }
}

static uint64_t hash_bytes(const char *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325u; /* FNV-1a */
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= 0x100000001b3u;
    }
    return h;
}

/* Numbers the distinct lines of both files; returns how many there are. */
static size_t assign_classes(struct file *fa, struct file *fb)
{
    size_t total = fa->n + fb->n;
    size_t cap = 16;
    while (cap < 2 * total)
        cap *= 2;
    size_t *slots = ps_xcalloc(cap, sizeof *slots); /* class + 1; 0 is an empty slot */
    const struct line **rep = ps_xmalloc(total * sizeof *rep);
    uint64_t *rep_hash = ps_xmalloc(total * sizeof *rep_hash);
    size_t ncls = 0;

    struct file *files[2] = {fa, fb};
    for (int k = 0; k < 2; k++) {
        struct file *f = files[k];
        f->cls = ps_xmalloc(f->n * sizeof *f->cls);
        for (size_t i = 0; i < f->n; i++) {
            const struct line *l = &f->lines[i];
            uint64_t h = hash_bytes(l->p, l->len);
            for (size_t s = (size_t)h & (cap - 1);; s = (s + 1) & (cap - 1)) {
                if (!slots[s]) {
                    rep[ncls] = l;
                    rep_hash[ncls] = h;
                    f->cls[i] = ncls++;
                    slots[s] = ncls;
                    break;
                }
                size_t c = slots[s] - 1;
                if (rep_hash[c] == h && rep[c]->len == l->len &&
                    memcmp(rep[c]->p, l->p, l->len) == 0) {
                    f->cls[i] = c;
                    break;
                }
            }
        }
    }
    free(slots);
    free(rep);
    free(rep_hash);
    return ncls;
}

/*
 * Finds a point (xmid, ymid) on a shortest edit path through the box
 * [xoff, xlim) x [yoff, ylim) by running Myers' search from both corners
 * until the two frontiers overlap. The box has been trimmed, so its first
 * and last elements differ and the point is strictly inside the box.
 */
static void find_split(const struct myers *m, ptrdiff_t xoff, ptrdiff_t xlim, ptrdiff_t yoff,
                       ptrdiff_t ylim, ptrdiff_t *xmid, ptrdiff_t *ymid)
{
    const size_t *a = m->a, *b = m->b;
    ptrdiff_t *fd = m->fd, *bd = m->bd;
    const ptrdiff_t dmin = xoff - ylim, dmax = xlim - yoff;
    const ptrdiff_t fmid = xoff - yoff, bmid = xlim - ylim;
    ptrdiff_t fmin = fmid, fmax = fmid, bmin = bmid, bmax = bmid;
    /* The frontiers can only meet on a forward step when the corner diagonals differ in parity. */
    const int odd = (fmid - bmid) & 1;

    fd[fmid] = xoff;
    bd[bmid] = xlim;
    for (ptrdiff_t cost = 1;; cost++) {
        /* Widen the diagonal range by one where the box allows, and plant sentinels just
         * outside it so that the neighbour comparison below always picks a real path. */
        if (fmin > dmin)
            fd[--fmin - 1] = -1;
        else
            ++fmin;
        if (fmax < dmax)
            fd[++fmax + 1] = -1;
        else
            --fmax;
        for (ptrdiff_t d = fmax; d >= fmin; d -= 2) {
            ptrdiff_t lo = fd[d - 1], hi = fd[d + 1];
            ptrdiff_t x = lo >= hi ? lo + 1 : hi;
            ptrdiff_t y = x - d;
            while (x < xlim && y < ylim && a[x] == b[y])
                x++, y++;
            fd[d] = x;
            if (odd && bmin <= d && d <= bmax && bd[d] <= x) {
                *xmid = x;
                *ymid = y;
                return;
            }
        }

        if (bmin > dmin)
            bd[--bmin - 1] = PTRDIFF_MAX;
        else
            ++bmin;
        if (bmax < dmax)
            bd[++bmax + 1] = PTRDIFF_MAX;
        else
            --bmax;
        for (ptrdiff_t d = bmax; d >= bmin; d -= 2) {
            ptrdiff_t lo = bd[d - 1], hi = bd[d + 1];
            ptrdiff_t x = lo < hi ? lo : hi - 1;
            ptrdiff_t y = x - d;
            while (x > xoff && y > yoff && a[x - 1] == b[y - 1])
                x--, y--;
            bd[d] = x;
            if (!odd && fmin <= d && d <= fmax && x <= fd[d]) {
                *xmid = x;
                *ymid = y;
                return;
            }
        }

        if (cost < COST_LIMIT)
            continue;

        /* Too expensive: split where one of the searches got furthest, clamped to the box. */
        ptrdiff_t fbest = -1, fx = xoff;
        for (ptrdiff_t d = fmax; d >= fmin; d -= 2) {
            ptrdiff_t x = fd[d] < xlim ? fd[d] : xlim;
            ptrdiff_t y = x - d;
            if (y > ylim)
                x = ylim + d, y = ylim;
            if (x + y > fbest)
                fbest = x + y, fx = x;
        }
        ptrdiff_t bbest = PTRDIFF_MAX, bx = xlim;
        for (ptrdiff_t d = bmax; d >= bmin; d -= 2) {
            ptrdiff_t x = bd[d] > xoff ? bd[d] : xoff;
            ptrdiff_t y = x - d;
            if (y < yoff)
                x = yoff + d, y = yoff;
            if (x + y < bbest)
                bbest = x + y, bx = x;
        }
        if (fbest - (xoff + yoff) >= (xlim + ylim) - bbest)
            *xmid = fx, *ymid = fbest - fx;
        else
            *xmid = bx, *ymid = bbest - bx;
        /* A split at a corner would recurse forever; the centre always makes progress. */
        if ((*xmid == xoff && *ymid == yoff) || (*xmid == xlim && *ymid == ylim)) {
            *xmid = xoff + (xlim - xoff + 1) / 2;
            *ymid = yoff + (ylim - yoff) / 2;
        }
        return;
    }
}

static void compare(const struct myers *m, ptrdiff_t xoff, ptrdiff_t xlim, ptrdiff_t yoff,
                    ptrdiff_t ylim)
{
    for (;;) {
        while (xoff < xlim && yoff < ylim && m->a[xoff] == m->b[yoff])
            xoff++, yoff++;
        while (xlim > xoff && ylim > yoff && m->a[xlim - 1] == m->b[ylim - 1])
            xlim--, ylim--;
        if (xoff == xlim) {
            for (; yoff < ylim; yoff++)
                m->bchg[m->bmap[yoff]] = 1;
            return;
        }
        if (yoff == ylim) {
            for (; xoff < xlim; xoff++)
                m->achg[m->amap[xoff]] = 1;
            return;
        }

        ptrdiff_t xmid, ymid;
        find_split(m, xoff, xlim, yoff, ylim, &xmid, &ymid);
        /* Recurse into the smaller half and loop on the larger: the stack stays logarithmic
         * even when the cost limit produces lopsided splits. */
        if ((xmid - xoff) + (ymid - yoff) <= (xlim - xmid) + (ylim - ymid)) {
            compare(m, xoff, xmid, yoff, ymid);
            xoff = xmid, yoff = ymid;
        } else {
            compare(m, xmid, xlim, ymid, ylim);
            xlim = xmid, ylim = ymid;
        }
    }
}

/*
 * Marks the changed lines of both files. Lines that occur nowhere in the
 * other file's differing region cannot be part of any common subsequence, so
 * they are marked up front and left out of the Myers search; this keeps
 * wholesale rewrites cheap without changing the length of the result.
 */
static void mark_changes(struct file *fa, struct file *fb, size_t ncls, size_t head, size_t tail)
{
    size_t n = fa->n, mlen = fb->n;
    size_t *in_a = ps_xcalloc(ncls, sizeof *in_a);
    size_t *in_b = ps_xcalloc(ncls, sizeof *in_b);
    for (size_t i = head; i < n - tail; i++)
        in_a[fa->cls[i]]++;
    for (size_t j = head; j < mlen - tail; j++)
        in_b[fb->cls[j]]++;

    size_t *ra = ps_xmalloc((n - tail - head) * sizeof *ra);
    size_t *amap = ps_xmalloc((n - tail - head) * sizeof *amap);
    size_t *rb = ps_xmalloc((mlen - tail - head) * sizeof *rb);
    size_t *bmap = ps_xmalloc((mlen - tail - head) * sizeof *bmap);
    size_t rn = 0, rm = 0;
    for (size_t i = head; i < n - tail; i++) {
        if (in_b[fa->cls[i]]) {
            ra[rn] = fa->cls[i];
            amap[rn++] = i;
        } else {
            fa->chg[i] = 1;
        }
    }
    for (size_t j = head; j < mlen - tail; j++) {
        if (in_a[fb->cls[j]]) {
            rb[rm] = fb->cls[j];
            bmap[rm++] = j;
        } else {
            fb->chg[j] = 1;
        }
    }
    free(in_a);
    free(in_b);

    /* Diagonals run from -rm to rn, plus one sentinel on each side. */
    ptrdiff_t *fd = ps_xmalloc((rn + rm + 3) * sizeof *fd);
    ptrdiff_t *bd = ps_xmalloc((rn + rm + 3) * sizeof *bd);
    struct myers m = {
        .a = ra,
        .b = rb,
        .amap = amap,
        .bmap = bmap,
        .achg = fa->chg,
        .bchg = fb->chg,
        .fd = fd + rm + 1,
        .bd = bd + rm + 1,
    };
    compare(&m, 0, (ptrdiff_t)rn, 0, (ptrdiff_t)rm);
    free(fd);
    free(bd);
    free(ra);
    free(amap);
    free(rb);
    free(bmap);
}

/*
 * A shortest edit script is often ambiguous: inserting "a" after "a" can be
 * shown at either line. Like GNU diff, slide each run of changed lines up as
 * far as it goes (merging runs that meet), then down as far as it goes, and
 * finally back up to the lowest position where it sits against a change in
 * the other file, so that deletions and insertions show as one replacement.
 * Unchanged lines pair up one to one between the files, which is how the
 * position `j` in the other file is kept in step.
 */
static void compact(struct file *f, const struct file *other, ptrdiff_t lo, ptrdiff_t hi)
{
    const size_t *cls = f->cls;
    unsigned char *chg = f->chg;
    const unsigned char *ochg = other->chg;
    const ptrdiff_t n = (ptrdiff_t)f->n;
    ptrdiff_t i = 0, j = 0;

    for (;;) {
        while (i < n && !chg[i]) {
            while (ochg[j])
                j++;
            i++, j++;
        }
        if (i == n)
            return;

        /* Here j is just past the partner of the unchanged line before the run. */
        ptrdiff_t start = i, len, corresponding;
        while (chg[i])
            i++;
        do {
            len = i - start;
            while (start > lo && cls[start - 1] == cls[i - 1]) {
                chg[--start] = 1;
                chg[--i] = 0;
                while (chg[start - 1])
                    start--;
                j--;
                while (ochg[j - 1])
                    j--;
            }
            corresponding = ochg[j] ? i : -1;
            while (i < hi && cls[start] == cls[i]) {
                chg[start++] = 0;
                chg[i++] = 1;
                while (chg[i])
                    i++;
                while (ochg[j])
                    j++;
                j++;
                if (ochg[j])
                    corresponding = i;
            }
        } while (len != i - start);

        if (corresponding >= 0) {
            while (corresponding < i) {
                chg[--start] = 1;
                chg[--i] = 0;
                j--;
                while (ochg[j - 1])
                    j--;
            }
        }
    }
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

static void put_line(ps_strbuf *out, char tag, const struct line *l)
{
    ps_strbuf_add(out, &tag, 1);
    ps_strbuf_add(out, l->p, l->len);
    if (l->p[l->len - 1] != '\n')
        ps_strbuf_puts(out, "\n\\ No newline at end of file\n");
}

static int write_hunks(ps_strbuf *out, const struct file *fa, const struct file *fb,
                       const struct block *blocks, size_t nblocks)
{
    int hunks = 0;
    for (size_t k = 0; k < nblocks;) {
        /* GNU joins the next change when fewer than 2 * CONTEXT + 1 unchanged lines separate
         * it from this one, i.e. whenever the two contexts would touch or overlap. */
        size_t e = k;
        while (e + 1 < nblocks && blocks[e + 1].a0 - blocks[e].a1 <= 2 * CONTEXT)
            e++;

        /* The lines before the first change and after the last are paired, so the same
         * amount of context is available on both sides. */
        size_t before = blocks[k].a0 < CONTEXT ? blocks[k].a0 : CONTEXT;
        size_t after = fa->n - blocks[e].a1 < CONTEXT ? fa->n - blocks[e].a1 : CONTEXT;
        size_t a_start = blocks[k].a0 - before, b_start = blocks[k].b0 - before;
        size_t a_end = blocks[e].a1 + after, b_end = blocks[e].b1 + after;

        ps_strbuf_puts(out, "@@ -");
        put_range(out, a_start, a_end - a_start);
        ps_strbuf_puts(out, " +");
        put_range(out, b_start, b_end - b_start);
        ps_strbuf_puts(out, " @@\n");

        size_t i = a_start;
        for (size_t t = k; t <= e; t++) {
            for (; i < blocks[t].a0; i++)
                put_line(out, ' ', &fa->lines[i]);
            for (; i < blocks[t].a1; i++)
                put_line(out, '-', &fa->lines[i]);
            for (size_t j = blocks[t].b0; j < blocks[t].b1; j++)
                put_line(out, '+', &fb->lines[j]);
        }
        for (; i < a_end; i++)
            put_line(out, ' ', &fa->lines[i]);

        hunks++;
        k = e + 1;
    }
    return hunks;
}

int ps_diff_unified(ps_strbuf *out, const char *path, const char *old, size_t old_len,
                    const char *new_, size_t new_len)
{
    if (old_len == new_len && (old_len == 0 || memcmp(old, new_, old_len) == 0))
        return 0;

    struct file fa, fb;
    split_lines(&fa, old, old_len);
    split_lines(&fb, new_, new_len);
    size_t ncls = assign_classes(&fa, &fb);
    fa.chg_buf = ps_xcalloc(fa.n + 2, 1);
    fa.chg = fa.chg_buf + 1;
    fb.chg_buf = ps_xcalloc(fb.n + 2, 1);
    fb.chg = fb.chg_buf + 1;

    size_t head = 0, tail = 0;
    while (head < fa.n && head < fb.n && fa.cls[head] == fb.cls[head])
        head++;
    while (tail < fa.n - head && tail < fb.n - head &&
           fa.cls[fa.n - 1 - tail] == fb.cls[fb.n - 1 - tail])
        tail++;
    mark_changes(&fa, &fb, ncls, head, tail);

    /* GNU diff sets aside the common head and tail of the files except for `context` lines
     * next to the differing middle, and changes only slide within what is left. */
    size_t keep_head = head < CONTEXT ? head : CONTEXT;
    size_t keep_tail = tail < CONTEXT ? tail : CONTEXT;
    ptrdiff_t lo = (ptrdiff_t)(head - keep_head);
    compact(&fa, &fb, lo, (ptrdiff_t)(fa.n - (tail - keep_tail)));
    compact(&fb, &fa, lo, (ptrdiff_t)(fb.n - (tail - keep_tail)));

    struct block *blocks = NULL;
    size_t nblocks = 0, cap = 0;
    for (size_t i = 0, j = 0; i < fa.n || j < fb.n;) {
        if (i < fa.n && j < fb.n && !fa.chg[i] && !fb.chg[j]) {
            i++, j++;
            continue;
        }
        struct block *b = PS_PUSH(blocks, nblocks, cap);
        b->a0 = i;
        b->b0 = j;
        while (fa.chg[i])
            i++;
        while (fb.chg[j])
            j++;
        b->a1 = i;
        b->b1 = j;
    }

    /* A name with a space gets a trailing tab, as git writes it: GNU patch otherwise stops
     * reading the name at the space, and both tools drop the tab. */
    const char *end = strchr(path, ' ') ? "\t" : "";
    ps_strbuf_printf(out, "--- a/%s%s\n+++ b/%s%s\n", path, end, path, end);
    int hunks = write_hunks(out, &fa, &fb, blocks, nblocks);

    free(blocks);
    free(fa.lines);
    free(fb.lines);
    free(fa.cls);
    free(fb.cls);
    free(fa.chg_buf);
    free(fb.chg_buf);
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
