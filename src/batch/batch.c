#include "batch/batch.h"

#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/path.h"
#include "base/strbuf.h"
#include "check/bound.h"
#include "check/check.h"
#include "plan/plan.h"

#define NPORTS ((size_t)PS_PORT_MAX + 1)

/* A listener: unit and site. */
typedef struct holder {
    int unit, site;
} holder;

/* What a candidate offset of a home meets: the reason it does not fit. */
typedef enum meet_kind {
    MEET_NONE,
    MEET_TAKEN,     /* a home placed before opens the port */
    MEET_AVOIDED,   /* the caller excludes it */
    MEET_LISTENING, /* a socket of this host listens on it */
    MEET_OWN,       /* another listener of the same home opens it */
    MEET_AHEAD,     /* a fixed listener of a home named after it opens it */
    MEET_RANGE,     /* the port leaves 1..65535 */
    MEET_BELOW_ZERO /* a runtime of the home would go below offset 0 */
} meet_kind;

typedef struct meet {
    meet_kind kind;
    long offset;  /* the candidate */
    holder at;    /* the listener (MEET_BELOW_ZERO: its unit) */
    long port;    /* its port there (MEET_BELOW_ZERO: the runtime's offset) */
    holder other; /* MEET_TAKEN, MEET_OWN: the listener already there */
    int socket;   /* MEET_LISTENING: index into the sockets */
} meet;

/*
 * The state of the placement: per port, which listener of a home placed
 * before opens it (`taken`), whether it is avoided, which socket foreign to
 * the home being placed listens on it (`bound`), and which listener of that
 * home a candidate offset puts there (`mark` is the number of the try that
 * marked it, so a new try needs no clearing).
 */
typedef struct placer {
    ps_batch *b;
    int *taken; /* index into holders, -1 when free */
    holder *holders;
    size_t nholders, cap;
    unsigned char *avoided;
    int *bound; /* index into socks, -1 when none; NULL without the socket tables */
    const char *proc;
    ps_sockets socks;
    ps_home_server *servers;
    size_t nservers;
    unsigned *mark;
    holder *marker;
    unsigned clock;
    /* Per port, the fixed listeners of the homes not placed yet; with
     * `strict`, a candidate keeps clear of them too. */
    int *ahead;
    int strict;
} placer;

/* Hands string s (from an allocation that may have failed) to the batch,
 * which frees it; NULL when s is NULL or out of memory (s freed). */
static const char *own(ps_batch *b, char *s)
{
    char **slot = s ? PS_TRY_PUSH(b->owned, b->nowned, b->owned_cap) : NULL;
    if (!slot) {
        free(s);
        return NULL;
    }
    *slot = s;
    return s;
}

static const ps_site *site_of(const ps_batch *b, holder h)
{
    return &b->units[h.unit].sites->items[h.site];
}

/* Fixed listeners move with no offset (a Carbon 5 runtime has none at all). */
static int is_fixed(const ps_unit *unit, const ps_site *s)
{
    return unit->rt->carbon5 || s->shift == PS_SHIFT_FIXED;
}

/* The offset runtime `unit` of home `h` runs at when the home is at `offset`. */
static long unit_offset(const ps_batch_home *h, const ps_unit *unit, long offset)
{
    return unit->rt->carbon5 ? unit->sites->offset : unit->sites->offset + (offset - h->current);
}

/* "x/wso2am-2.6.0" or "ei runtime wso2/broker"; NULL when out of memory
 * (as every sentence below). */
static char *where(const ps_batch *b, int u)
{
    const ps_unit *unit = &b->units[u];
    return ps_asprintf("%s%s%s", unit->home->path, *unit->rt->name ? " runtime " : "",
                       unit->rt->name);
}

/* "servlet transport (Tomcat connector) (repository/conf/tomcat/catalina-server.xml:54)". */
static char *label(const ps_batch *b, holder h)
{
    const ps_unit *unit = &b->units[h.unit];
    const ps_site *s = site_of(b, h);
    char *at = s->file ? ps_asprintf("%s:%d", s->file->rel, s->line) : ps_strdup("built in");
    if (!at)
        return NULL;
    char *l = ps_asprintf("%s%s%s (%s)", s->what ? s->what : "listener",
                          *unit->rt->name ? " of runtime " : "", unit->rt->name, at);
    free(at);
    return l;
}

/* What stands on a port: "x/wso2am-2.6.0 opens it too (servlet transport ...)", ... */
static char *obstacle(placer *p, const meet *m)
{
    ps_batch *b = p->b;
    switch (m->kind) {
    case MEET_TAKEN: {
        char *w = where(b, m->other.unit);
        char *l = w ? ps_asprintf("%s opens it too (%s)", w, site_of(b, m->other)->what) : NULL;
        free(w);
        return l;
    }
    case MEET_AVOIDED:
        return ps_strdup("it is one of the ports to avoid");
    case MEET_LISTENING: {
        size_t want = (size_t)m->socket;
        if (ps_sockets_owners(&p->socks, &want, 1, p->proc) < 0)
            return NULL;
        const ps_socket *s = &p->socks.items[m->socket];
        if (s->pid < 0)
            return ps_strdup("it is already listening on this host (a process this user "
                             "cannot look into)");
        return ps_asprintf("it is already listening on this host, held by process %ld%s%s%s",
                           s->pid, s->comm ? " (" : "", s->comm ? s->comm : "", s->comm ? ")" : "");
    }
    case MEET_OWN: {
        char *l = label(b, m->other);
        char *r = l ? ps_asprintf("its %s opens it too", l) : NULL;
        free(l);
        return r;
    }
    case MEET_AHEAD:
        return ps_strdup("a fixed listener of a home named after it opens it");
    default:
        break;
    }
    return ps_strdup("");
}

/* Why a home does not fit at an offset, in a sentence. */
static char *describe(placer *p, const meet *m)
{
    ps_batch *b = p->b;
    if (m->kind == MEET_BELOW_ZERO)
        return ps_asprintf("at offset %ld its runtime %s would be at offset %ld", m->offset,
                           b->units[m->at.unit].rt->name, m->port);
    char *l = label(b, m->at);
    if (!l)
        return NULL;
    char *r = NULL;
    if (m->kind == MEET_RANGE) {
        r = ps_asprintf("at offset %ld its %s would be %ld, outside 1-%ld", m->offset, l, m->port,
                        PS_PORT_MAX);
    } else {
        char *o = obstacle(p, m);
        if (o)
            r = ps_asprintf("at offset %ld its %s would open %ld, but %s", m->offset, l, m->port,
                            o);
        free(o);
    }
    free(l);
    return r;
}

/* The obstacle at `port` for a listener of the home being placed, if any. */
static meet_kind obstacle_at(const placer *p, long port, meet *m)
{
    if (p->taken[port] >= 0) {
        m->other = p->holders[p->taken[port]];
        return MEET_TAKEN;
    }
    if (p->avoided[port])
        return MEET_AVOIDED;
    if (p->bound && p->bound[port] >= 0) {
        m->socket = p->bound[port];
        return MEET_LISTENING;
    }
    return MEET_NONE;
}

/*
 * 1 when home `h` fits at `offset` (see batch.h); else 0 with what it meets
 * in *m. Leaves the ports the home's exclusive listeners would open marked
 * with this try's number: its fixed ones as written, the others at `offset`.
 */
static int fits(placer *p, const ps_batch_home *h, long offset, meet *m)
{
    const ps_unit *units = p->b->units;
    unsigned now = ++p->clock;
    *m = (meet){.kind = MEET_NONE, .offset = offset};
    /* Its own fixed ports first: the listeners the offset moves keep clear of them. */
    for (size_t u = h->first; u < h->first + h->count; u++) {
        const ps_sites *ss = units[u].sites;
        for (size_t k = 0; k < ss->count; k++) {
            const ps_site *s = &ss->items[k];
            if (!ps_listener_exclusive(s) || !is_fixed(&units[u], s) || !ps_port_usable(s->value))
                continue;
            if (p->mark[s->value] != now) {
                p->mark[s->value] = now;
                p->marker[s->value] = (holder){(int)u, (int)k};
            }
        }
    }
    for (size_t u = h->first; u < h->first + h->count; u++) {
        const ps_sites *ss = units[u].sites;
        long off = unit_offset(h, &units[u], offset);
        if (off < 0) {
            m->kind = MEET_BELOW_ZERO;
            m->at = (holder){(int)u, -1};
            m->port = off;
            return 0;
        }
        for (size_t k = 0; k < ss->count; k++) {
            const ps_site *s = &ss->items[k];
            if (s->kind != PS_SITE_LISTENER)
                continue;
            m->at = (holder){(int)u, (int)k};
            m->port = ps_listener_port(s, ss->offset, off);
            if (!ps_port_usable(m->port)) { /* active or not: it could not be planned */
                m->kind = MEET_RANGE;
                return 0;
            }
            if (!ps_listener_exclusive(s) || is_fixed(&units[u], s))
                continue;
            m->kind = obstacle_at(p, m->port, m);
            if (m->kind == MEET_NONE && p->mark[m->port] == now) {
                m->kind = MEET_OWN;
                m->other = p->marker[m->port];
            }
            if (m->kind == MEET_NONE && p->strict && p->ahead[m->port])
                m->kind = MEET_AHEAD;
            if (m->kind != MEET_NONE)
                return 0;
            p->mark[m->port] = now;
            p->marker[m->port] = m->at;
        }
    }
    return 1;
}

/* -1 when out of memory. */
static int take(placer *p, long port, holder h)
{
    holder *slot = PS_TRY_PUSH(p->holders, p->nholders, p->cap);
    if (!slot)
        return -1;
    *slot = h;
    p->taken[port] = (int)p->nholders - 1;
    return 0;
}

/* The sockets of this host that stand in home h's way: all but its own server's. */
static void foreign_sockets(placer *p, const ps_batch_home *h)
{
    for (size_t port = 0; port < NPORTS; port++)
        p->bound[port] = -1;
    const ps_home_server *sv = ps_home_server_of(p->servers, p->nservers, h->home);
    for (size_t i = 0; i < p->socks.count; i++) {
        const ps_socket *s = &p->socks.items[i];
        if (!ps_port_usable(s->port) || p->bound[s->port] >= 0 ||
            ps_inode_in(sv->inodes, sv->ninodes, s->inode))
            continue;
        if (sv->unreadable) {
            /* Its server runs but its sockets cannot be read: a port it opens now is
             * presumed its own (check says the same, as a note). */
            int its = 0;
            for (size_t u = h->first; u < h->first + h->count && !its; u++) {
                const ps_sites *ss = p->b->units[u].sites;
                for (size_t k = 0; k < ss->count && !its; k++)
                    its = ps_listener_exclusive(&ss->items[k]) &&
                          ps_listener_port(&ss->items[k], ss->offset, ss->offset) == s->port;
            }
            if (its)
                continue;
        }
        p->bound[s->port] = (int)i;
    }
}

/* A runtime of the home that cannot change its offset (no setting to change), or NULL. */
static const ps_unit *stuck(const ps_batch *b, const ps_batch_home *h)
{
    for (size_t u = h->first; u < h->first + h->count; u++)
        if (!b->units[u].rt->carbon5 && b->units[u].sites->offset_site < 0)
            return &b->units[u];
    return NULL;
}

/* Chooses home h's offset: its own when it fits, else the smallest from `first` on. */
static int choose(placer *p, ps_batch_home *h, ps_error *err)
{
    ps_batch *b = p->b;
    meet m;
    h->offset = h->current;
    if (fits(p, h, h->current, &m))
        return 0;
    h->reason = describe(p, &m);
    if (!h->reason)
        return ps_error_oom(err);
    const ps_unit *cannot = stuck(b, h);
    if (cannot) {
        char *conf = ps_path_join(cannot->home->path, cannot->rt->conf_rel);
        if (!conf)
            return ps_error_oom(err);
        ps_error_setc(err, PS_ERANGE, h->home->path, 0, 0,
                      "no offset fits: %s has no offset setting to change, and %s", conf,
                      h->reason);
        free(conf);
        return -1;
    }
    meet at_first = {.kind = MEET_NONE};
    int tried = 0;
    /* Twice: first keeping clear of the fixed ports of the homes named after
     * it as well, so that none of those needs a rewrite; then without. */
    for (p->strict = 1; p->strict >= 0; p->strict--) {
        tried = 0;
        for (long offset = b->first; offset <= PS_PORT_MAX; offset++) {
            if (offset == h->current)
                continue;
            if (fits(p, h, offset, &m)) {
                h->offset = offset;
                p->strict = 0;
                return 0;
            }
            if (!tried++)
                at_first = m;
            /* Ports only grow with the offset: past 65535 here, past it beyond. */
            if (m.kind == MEET_RANGE && m.port > PS_PORT_MAX)
                break;
        }
    }
    p->strict = 0;
    /* Its current offset, the first one tried, and the range's end when it came to it. */
    ps_error_setc(err, PS_ERANGE, h->home->path, 0, 0, "no offset from %ld on fits: %s", b->first,
                  h->reason);
    meet said[2] = {at_first, m};
    for (int i = 0; i < 2 && tried; i++) {
        if (i == 1 && (m.kind != MEET_RANGE || at_first.kind == MEET_RANGE))
            break;
        char *more = describe(p, &said[i]);
        if (!more)
            return ps_error_oom(err); /* a reason cut short would mislead */
        ps_error_append(err, "; %s", more);
        free(more);
    }
    return -1;
}

/* The smallest port above `port` that nothing takes, nothing avoids and no
 * listener of the home being placed opens or is written with; -1 when none. */
static long free_above(const placer *p, long port)
{
    meet m;
    for (long q = port + 1; q <= PS_PORT_MAX; q++)
        if (obstacle_at(p, q, &m) == MEET_NONE && p->mark[q] != p->clock)
            return q;
    return -1;
}

static int rewrite(placer *p, holder h, const meet *why, ps_error *err)
{
    ps_batch *b = p->b;
    const ps_unit *unit = &b->units[h.unit];
    const ps_site *s = site_of(b, h);
    if (!s->file) {
        char *l = label(b, h), *o = l ? obstacle(p, why) : NULL;
        if (o)
            ps_error_setc(err, PS_ERANGE, unit->home->path, 0, 0,
                          "no offset frees its %s: a fixed port, %ld, and %s; it has no config "
                          "entry to rewrite",
                          l, s->value, o);
        else
            ps_error_oom(err);
        free(l);
        free(o);
        return -1;
    }
    long q = free_above(p, s->value);
    if (q < 0) {
        char *l = label(b, h);
        if (l)
            ps_error_setc(err, PS_ERANGE, s->file->path, s->line, s->col,
                          "no free port above %ld for its %s", s->value, l);
        else
            ps_error_oom(err);
        free(l);
        return -1;
    }
    b->fixed_port[h.unit][h.site] = q;
    if (take(p, q, h) < 0)
        return ps_error_oom(err);
    char *o = obstacle(p, why);
    char *msg = o ? ps_asprintf("%ld: %s", s->value, o) : NULL;
    free(o);
    if (msg && s->file->generated) {
        /* portshift writes no key but the offset: the user sets this one. */
        char *fix = ps_generated_fix(s, q);
        char *both = fix ? ps_asprintf("%s; %s", msg, fix) : NULL;
        free(fix);
        free(msg);
        msg = both;
    }
    const char *said = own(b, msg);
    ps_rewrite *r = said ? PS_TRY_PUSH(b->rewrites, b->nrewrites, b->rewrites_cap) : NULL;
    if (!r)
        return ps_error_oom(err);
    *r = (ps_rewrite){.listener = {.home = unit->home->path,
                                   .runtime = unit->rt->name,
                                   .file = s->file->rel,
                                   .path = s->file->path,
                                   .line = s->line,
                                   .col = s->col,
                                   .what = s->what,
                                   .port = s->value,
                                   .pid = -1},
                      .new_port = q,
                      .note = s->file->generated,
                      .message = said};
    return 0;
}

/* Places home h: its offset, then its fixed listeners, each kept or rewritten. */
/* Counts home h's exclusive fixed listeners into p->ahead (by `by`: 1 or -1). */
static void count_ahead(placer *p, const ps_batch_home *h, int by)
{
    for (size_t u = h->first; u < h->first + h->count; u++) {
        const ps_sites *ss = p->b->units[u].sites;
        for (size_t k = 0; k < ss->count; k++) {
            const ps_site *s = &ss->items[k];
            if (ps_listener_exclusive(s) && is_fixed(&p->b->units[u], s) &&
                ps_port_usable(s->value))
                p->ahead[s->value] += by;
        }
    }
}

static int place(placer *p, ps_batch_home *h, ps_error *err)
{
    ps_batch *b = p->b;
    count_ahead(p, h, -1); /* its own are marked by each try */
    if (p->bound)
        foreign_sockets(p, h);
    if (choose(p, h, err) < 0)
        return -1;
    meet m;
    fits(p, h, h->offset, &m); /* marks the ports of the answer */
    for (size_t u = h->first; u < h->first + h->count; u++) {
        const ps_sites *ss = b->units[u].sites;
        b->offset[u] = unit_offset(h, &b->units[u], h->offset);
        for (size_t k = 0; k < ss->count; k++) {
            const ps_site *s = &ss->items[k];
            if (!ps_listener_exclusive(s) || is_fixed(&b->units[u], s))
                continue;
            long port = ps_listener_port(s, ss->offset, b->offset[u]);
            if (take(p, port, (holder){(int)u, (int)k}) < 0)
                return ps_error_oom(err);
        }
    }
    for (size_t u = h->first; u < h->first + h->count; u++) {
        const ps_sites *ss = b->units[u].sites;
        for (size_t k = 0; k < ss->count; k++) {
            const ps_site *s = &ss->items[k];
            holder at = {(int)u, (int)k};
            if (!ps_listener_exclusive(s) || !is_fixed(&b->units[u], s) ||
                !ps_port_usable(s->value))
                continue;
            meet why = {.kind = MEET_NONE};
            why.kind = obstacle_at(p, s->value, &why);
            if (why.kind != MEET_NONE) {
                if (rewrite(p, at, &why, err) < 0)
                    return -1;
            } else if (take(p, s->value, at) < 0) {
                return ps_error_oom(err);
            }
        }
    }
    return 0;
}

static int set_options(ps_batch *b, placer *p, const ps_batch_options *o, ps_error *err)
{
    if (o->first < 0 || o->first > PS_PORT_MAX)
        return ps_error_setc(err, PS_EINVALID, NULL, 0, 0,
                             "first offset %ld is not between 0 and %ld", o->first, PS_PORT_MAX);
    b->first = o->first;
    b->listening = (o->flags & PS_BATCH_LISTENING) != 0;
    b->avoid = ps_calloc(o->navoid + 1, sizeof *b->avoid);
    if (!b->avoid)
        return ps_error_oom(err);
    b->navoid = o->navoid;
    for (size_t i = 0; i < o->navoid; i++) {
        ps_port_range r = o->avoid[i];
        if (r.from < 1 || r.to > PS_PORT_MAX || r.from > r.to)
            return ps_error_setc(err, PS_EINVALID, NULL, 0, 0,
                                 "port range %ld-%ld is not within 1-%ld", r.from, r.to,
                                 PS_PORT_MAX);
        b->avoid[i] = r;
        for (long port = r.from; port <= r.to; port++)
            p->avoided[port] = 1;
    }
    return 0;
}

/* The homes of the units, in the order named: each home's units are
 * consecutive. -1 when out of memory. */
static int group_homes(ps_batch *b)
{
    b->homes = ps_calloc(b->nunits + 1, sizeof *b->homes);
    if (!b->homes)
        return -1;
    for (size_t u = 0; u < b->nunits; u++) {
        if (b->nhomes && b->homes[b->nhomes - 1].home == b->units[u].home) {
            b->homes[b->nhomes - 1].count++;
            continue;
        }
        b->homes[b->nhomes++] = (ps_batch_home){
            .home = b->units[u].home, .first = u, .count = 1, .current = b->units[u].sites->offset};
    }
    return 0;
}

static void placer_free(placer *p)
{
    free(p->taken);
    free(p->holders);
    free(p->avoided);
    free(p->bound);
    free(p->mark);
    free(p->ahead);
    free(p->marker);
    ps_sockets_free(&p->socks);
    ps_home_servers_free(p->servers, p->nservers);
}

/* The per-port tables, every port free; -1 when out of memory (placer_free
 * frees what was made). */
static int placer_tables(placer *p)
{
    p->taken = ps_calloc(NPORTS, sizeof *p->taken);
    p->avoided = ps_calloc(NPORTS, sizeof *p->avoided);
    p->mark = ps_calloc(NPORTS, sizeof *p->mark);
    p->marker = ps_calloc(NPORTS, sizeof *p->marker);
    p->ahead = ps_calloc(NPORTS, sizeof *p->ahead);
    if (!p->taken || !p->avoided || !p->mark || !p->marker || !p->ahead)
        return -1;
    for (size_t port = 0; port < NPORTS; port++)
        p->taken[port] = -1;
    return 0;
}

/* A batch of copies of units[0..n), with no target and no rewrite yet; NULL
 * when out of memory. */
static ps_batch *batch_new(const ps_unit *units, size_t n)
{
    ps_batch *b = ps_calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->units = ps_calloc(n + 1, sizeof *b->units);
    b->fixed_port = ps_calloc(n + 1, sizeof *b->fixed_port);
    b->offset = ps_calloc(n + 1, sizeof *b->offset);
    if (!b->units || !b->fixed_port || !b->offset) {
        ps_batch_free(b);
        return NULL;
    }
    b->nunits = n; /* ps_batch_free frees fixed_port[0..n), NULL until made */
    for (size_t u = 0; u < n; u++) {
        b->units[u] = units[u];
        b->units[u].has_target = 0;
        b->fixed_port[u] = ps_malloc((units[u].sites->count + 1) * sizeof **b->fixed_port);
        if (!b->fixed_port[u]) {
            ps_batch_free(b);
            return NULL;
        }
        for (size_t k = 0; k < units[u].sites->count; k++)
            b->fixed_port[u][k] = -1;
    }
    return b;
}

int ps_batch_make(ps_batch **out, const ps_unit *units, size_t n, const ps_batch_options *opts,
                  const char *proc, ps_error *err)
{
    *out = NULL;
    ps_batch *b = batch_new(units, n);
    if (!b)
        return ps_error_oom(err);
    placer p = {.b = b, .proc = proc};
    if (placer_tables(&p) < 0) {
        ps_error_oom(err);
        goto fail;
    }
    if (set_options(b, &p, opts, err) < 0)
        goto fail;
    if (proc) {
        if (ps_sockets_read(&p.socks, proc, err) < 0)
            goto fail;
        p.bound = ps_calloc(NPORTS, sizeof *p.bound);
        if (!p.bound || ps_home_servers(&p.servers, &p.nservers, units, n, proc) < 0) {
            ps_error_oom(err);
            goto fail;
        }
    }
    if (group_homes(b) < 0) {
        ps_error_oom(err);
        goto fail;
    }
    for (size_t i = 0; i < b->nhomes; i++)
        count_ahead(&p, &b->homes[i], 1);
    for (size_t i = 0; i < b->nhomes; i++) {
        ps_batch_home *h = &b->homes[i];
        if (place(&p, h, err) < 0)
            goto fail;
        for (size_t u = h->first; u < h->first + h->count; u++) {
            b->units[u].home_has_target = 1;
            b->units[u].home_target = h->offset;
        }
    }
    placer_free(&p);
    *out = b;
    return 0;
fail:
    placer_free(&p);
    ps_batch_free(b);
    return -1;
}

void ps_batch_free(ps_batch *b)
{
    if (!b)
        return;
    for (size_t u = 0; u < b->nunits; u++)
        free(b->fixed_port[u]);
    free(b->fixed_port);
    free(b->units);
    free(b->offset);
    for (size_t i = 0; i < b->nhomes; i++)
        free(b->homes[i].reason);
    free(b->homes);
    free(b->rewrites);
    free(b->avoid);
    ps_free_strings(b->owned, b->nowned);
    free(b);
}

size_t ps_batch_home_count(const ps_batch *b)
{
    return b ? b->nhomes : 0;
}

int ps_batch_assignment(ps_assignment *out, const ps_batch *b, size_t i, ps_error *err)
{
    if (!out)
        return PS_NULL_ARG(err, "out");
    *out = (ps_assignment){0};
    if (!b)
        return PS_NULL_ARG(err, "batch");
    if (i >= b->nhomes) {
        ps_error_setc(err, PS_EINVALID, NULL, 0, 0, "no home %zu: the batch has %zu", i, b->nhomes);
        return PS_EINVALID;
    }
    const ps_batch_home *h = &b->homes[i];
    *out = (ps_assignment){.home = h->home->path,
                           .current_offset = h->current,
                           .offset = h->offset,
                           .kept = h->reason == NULL,
                           .reason = h->reason};
    return 0;
}

long ps_batch_runtime_offset(const ps_batch *b, size_t i)
{
    return b && i < b->nunits ? b->offset[i] : -1;
}

size_t ps_batch_rewrite_count(const ps_batch *b)
{
    return b ? b->nrewrites : 0;
}

const ps_rewrite *ps_batch_rewrite(const ps_batch *b, size_t i)
{
    return b && i < b->nrewrites ? &b->rewrites[i] : NULL;
}

int ps_batch_plan(ps_plan **out, ps_batch *b, unsigned flags, ps_error *err)
{
    if (!out)
        return PS_NULL_ARG(err, "out");
    *out = NULL;
    if (!b)
        return PS_NULL_ARG(err, "batch");
    /* The answer's targets are in b->units, its rewrites in b->fixed_port;
     * the call's flags go to the planner only: a batch is planned as often
     * as asked, with any flags, and stays as it was made. */
    const ps_plan_options opts = {.flags = flags, .fixed_port = (const long *const *)b->fixed_port};
    ps_error_begin();
    return ps_error_code(ps_plan_make(out, b->units, b->nunits, &opts, err));
}
