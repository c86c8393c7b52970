#include "synth.h"
#include "xalloc.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "base/path.h"
#include "base/strbuf.h"

typedef struct site_spec {
    ps_site_kind kind;
    long value;
    ps_shift shift;
    int active, built_in, self_only, generated, shared;
    const char *what, *role;
} site_spec;

typedef struct rt_spec {
    char *home, *name;
    ps_product product;
    long offset;
    site_spec *sites;
    size_t nsites, cap;
    int generated; /* the next sites go to the generated file */
    int carbon5, no_offset;
    int has_target, home_has_target;
    long target, home_target;
} rt_spec;

struct synth {
    rt_spec *rts;
    size_t nrts, cap;
    /* Built by synth_units. */
    ps_home **homes;
    size_t nhomes;
    ps_config *configs;
    ps_sites *sites;
    ps_unit *units;
};

synth *synth_new(void)
{
    return xcalloc(1, sizeof(synth));
}

size_t synth_runtime(synth *s, const char *home, const char *runtime, const char *product,
                     long offset, long dflt)
{
    ck_assert_msg(!s->units, "synth_runtime after synth_units");
    rt_spec *r = XPUSH(s->rts, s->nrts, s->cap);
    memset(r, 0, sizeof *r);
    r->home = xstrdup(home);
    r->name = xstrdup(runtime);
    r->product.id = xstrdup(product);
    r->product.name = xstrdup(product);
    r->product.default_offset = dflt;
    r->offset = offset;
    return s->nrts - 1;
}

void synth_role(synth *s, size_t u, const char *role)
{
    ps_strlist *l = &s->rts[u].product.roles;
    l->items = xrealloc(l->items, (l->count + 1) * sizeof *l->items);
    l->items[l->count++] = xstrdup(role);
}

static size_t add(synth *s, size_t u, site_spec spec)
{
    rt_spec *r = &s->rts[u];
    spec.generated = r->generated;
    *XPUSH(r->sites, r->nsites, r->cap) = spec;
    return r->nsites; /* site 0 is the offset setting */
}

size_t synth_listener(synth *s, size_t u, long value, ps_shift shift, int active, int built_in,
                      const char *what)
{
    return add(s, u,
               (site_spec){.kind = PS_SITE_LISTENER,
                           .value = value,
                           .shift = shift,
                           .active = active,
                           .built_in = built_in,
                           .what = what});
}

void synth_shared(synth *s, size_t u, size_t site)
{
    ck_assert_msg(site >= 1 && site <= s->rts[u].nsites, "no site %zu", site);
    s->rts[u].sites[site - 1].shared = 1;
}

size_t synth_reference(synth *s, size_t u, long value, const char *role, int self_only)
{
    return add(s, u,
               (site_spec){.kind = PS_SITE_REFERENCE,
                           .value = value,
                           .role = role,
                           .self_only = self_only,
                           .active = 1,
                           .what = "reference"});
}

void synth_generated(synth *s, size_t u)
{
    s->rts[u].generated = 1;
}

void synth_carbon5(synth *s, size_t u)
{
    s->rts[u].carbon5 = 1;
    s->rts[u].no_offset = 1;
}

void synth_no_offset(synth *s, size_t u)
{
    s->rts[u].no_offset = 1;
}

void synth_home_target(synth *s, size_t u, long target)
{
    s->rts[u].home_has_target = 1;
    s->rts[u].home_target = target;
}

void synth_target(synth *s, size_t u, long target)
{
    s->rts[u].has_target = 1;
    s->rts[u].target = target;
}

static void file_init(ps_cfile *f, const char *home, const char *rt, int generated)
{
    f->rel = xasprintf("%s%s.xml", *rt ? rt : "main", generated ? "-generated" : "");
    f->path = ps_path_join(home, f->rel);
    f->root_rel = xstrdup(f->rel);
    f->data = xstrdup("");
    f->generated = generated;
}

/* The runtimes of one home are added one after the other, its main one first. */
static ps_home *home_of(synth *s, size_t u, size_t *k)
{
    size_t first = u;
    while (first > 0 && strcmp(s->rts[first - 1].home, s->rts[u].home) == 0)
        first--;
    *k = u - first;
    if (*k)
        return s->homes[s->nhomes - 1];
    size_t n = 1;
    while (first + n < s->nrts && strcmp(s->rts[first + n].home, s->rts[u].home) == 0)
        n++;
    ps_home *h = xcalloc(1, sizeof *h);
    h->path = xstrdup(s->rts[u].home);
    h->runtimes = xcalloc(n, sizeof *h->runtimes);
    h->nruntimes = n;
    s->homes = xrealloc(s->homes, (s->nhomes + 1) * sizeof *s->homes);
    s->homes[s->nhomes++] = h;
    return h;
}

const ps_unit *synth_units(synth *s, size_t *n)
{
    *n = s->nrts;
    if (s->units)
        return s->units;
    s->configs = xcalloc(s->nrts + 1, sizeof *s->configs);
    s->sites = xcalloc(s->nrts + 1, sizeof *s->sites);
    s->units = xcalloc(s->nrts + 1, sizeof *s->units);
    for (size_t u = 0; u < s->nrts; u++) {
        rt_spec *r = &s->rts[u];
        size_t k;
        ps_home *home = home_of(s, u, &k);
        ps_runtime *rt = &home->runtimes[k];
        rt->name = xstrdup(r->name);
        rt->conf_rel = xstrdup("conf");
        rt->deploy_rel = xstrdup("deployment");
        rt->version = xstrdup("1.0.0");
        rt->product = &r->product;
        rt->carbon5 = r->carbon5;
        ps_config *cfg = &s->configs[u];
        cfg->files = xcalloc(2, sizeof *cfg->files);
        cfg->nfiles = 2;
        file_init(&cfg->files[0], home->path, r->name, 0);
        file_init(&cfg->files[1], home->path, r->name, 1);
        ps_sites *ss = &s->sites[u];
        ss->items = xcalloc(r->nsites + 1, sizeof *ss->items);
        ss->count = r->nsites + 1;
        ss->offset = r->offset;
        ss->offset_site = r->no_offset ? -1 : 0;
        ss->generated_offset = -1;
        ss->version = xstrdup("1.0.0");
        ss->items[0] = (ps_site){.kind = PS_SITE_OFFSET,
                                 .file = &cfg->files[0],
                                 .line = 1,
                                 .col = 1,
                                 .value = r->offset,
                                 .active = 1,
                                 .what = "port offset"};
        for (size_t i = 0; i < r->nsites; i++) {
            const site_spec *sp = &r->sites[i];
            ps_site *site = &ss->items[i + 1];
            *site = (ps_site){.kind = sp->kind,
                              .value = sp->value,
                              .shift = sp->shift,
                              .active = sp->active,
                              .shared = sp->shared,
                              .what = sp->what,
                              .role = sp->role,
                              .self_only = sp->self_only,
                              .source = "synth",
                              .line = (int)i + 2,
                              .col = 1};
            if (!sp->built_in)
                site->file = &cfg->files[sp->generated];
        }
        s->units[u] = (ps_unit){.home = home,
                                .rt = rt,
                                .cfg = cfg,
                                .sites = ss,
                                .has_target = r->has_target,
                                .target = r->target,
                                .home_has_target = r->home_has_target,
                                .home_target = r->home_target};
    }
    return s->units;
}

void synth_free(synth *s)
{
    for (size_t u = 0; s->units && u < s->nrts; u++) {
        ps_sites_free(&s->sites[u]);
        for (size_t i = 0; i < s->configs[u].nfiles; i++) {
            ps_cfile *f = &s->configs[u].files[i];
            free(f->rel);
            free(f->path);
            free(f->root_rel);
            free(f->data);
        }
        free(s->configs[u].files);
    }
    for (size_t h = 0; h < s->nhomes; h++)
        ps_home_free(s->homes[h]);
    for (size_t u = 0; u < s->nrts; u++) {
        rt_spec *r = &s->rts[u];
        free(r->home);
        free(r->name);
        free(r->product.id);
        free(r->product.name);
        for (size_t i = 0; i < r->product.roles.count; i++)
            free(r->product.roles.items[i]);
        free(r->product.roles.items);
        free(r->sites);
    }
    free(s->homes);
    free(s->rts);
    free(s->configs);
    free(s->sites);
    free(s->units);
    free(s);
}
