#include "report/clashes.h"

#include <stdlib.h>
#include <string.h>

/* The unit whose home is `home` (a party's home, as named) and comes first. */
static size_t home_index(const ps_check *c, const char *home)
{
    for (size_t u = 0; u < c->nunits; u++)
        if (c->units[u].home->path == home || strcmp(c->units[u].home->path, home) == 0)
            return u;
    return c->nunits; /* not reached: every party of a clash is a listener of the call */
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

/* The homes of finding `f`'s parties, each once, in the order named (at
 * least one: a clash has parties); NULL when out of memory. */
static size_t *finding_homes(const ps_check *c, const ps_finding *f, size_t *n)
{
    size_t *homes = ps_calloc(f->nparties ? f->nparties : 1, sizeof *homes);
    *n = 0;
    if (!homes)
        return NULL;
    for (size_t k = 0; k < f->nparties; k++) {
        size_t h = home_index(c, f->parties[k].home);
        size_t i = 0;
        while (i < *n && homes[i] != h)
            i++;
        if (i == *n)
            homes[(*n)++] = h;
    }
    ps_sort(homes, *n, sizeof *homes, cmp_size);
    return homes;
}

/* Adds clash finding `f` to its group, a new one when its homes have none;
 * -1 when out of memory (what was added stays, for ps_clash_groups_free). */
static int add_clash(ps_clash_groups *out, size_t *cap, const ps_check *c, const ps_finding *f)
{
    size_t n;
    size_t *homes = finding_homes(c, f, &n);
    if (!homes)
        return -1;
    ps_clash_group *g = NULL;
    for (size_t k = 0; k < out->count && !g; k++)
        if (out->items[k].nhomes == n && memcmp(out->items[k].homes, homes, n * sizeof *homes) == 0)
            g = &out->items[k];
    if (g) {
        free(homes);
    } else {
        g = PS_TRY_PUSH(out->items, out->count, *cap);
        if (!g) {
            free(homes);
            return -1;
        }
        *g = (ps_clash_group){.homes = homes, .nhomes = n};
    }
    const ps_finding **findings = ps_realloc(g->findings, (g->n + 1) * sizeof *g->findings);
    if (!findings)
        return -1; /* a new group stays, empty: ps_clash_groups_free frees it */
    g->findings = findings;
    g->findings[g->n++] = f;
    return 0;
}

int ps_clash_groups_make(ps_clash_groups *out, const ps_check *c)
{
    size_t cap = 0;
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < c->count; i++) {
        const ps_finding *f = &c->items[i];
        if (f->note || f->kind != PS_FINDING_CLASH)
            continue;
        out->nclashes++;
        if (add_clash(out, &cap, c, f) < 0) {
            ps_clash_groups_free(out);
            return -1;
        }
    }
    return 0;
}

void ps_clash_groups_free(ps_clash_groups *g)
{
    for (size_t i = 0; i < g->count; i++) {
        free(g->items[i].homes);
        free(g->items[i].findings);
    }
    free(g->items);
    memset(g, 0, sizeof *g);
}

const ps_clash_group *ps_clash_group_of(const ps_clash_groups *g, const ps_finding *f)
{
    for (size_t i = 0; i < g->count; i++)
        for (size_t k = 0; k < g->items[i].n; k++)
            if (g->items[i].findings[k] == f)
                return &g->items[i];
    return NULL;
}

/* "a", "a and b", "a, b and c". */
static void and_list(ps_strbuf *out, size_t i, size_t n)
{
    if (i)
        ps_strbuf_puts(out, i + 1 == n ? " and " : ", ");
}

void ps_clash_group_message(ps_strbuf *out, const ps_check *c, const ps_clash_group *g)
{
    ps_strbuf_puts(out, g->n == 1 ? "port " : "ports ");
    for (size_t i = 0; i < g->n; i++) {
        and_list(out, i, g->n);
        ps_strbuf_printf(out, "%ld", g->findings[i]->port);
    }
    ps_strbuf_puts(out,
                   g->n == 1 ? " is opened by listeners of " : " are each opened by listeners of ");
    for (size_t i = 0; i < g->nhomes; i++) {
        and_list(out, i, g->nhomes);
        ps_strbuf_puts(out, c->units[g->homes[i]].home->path);
    }
}
