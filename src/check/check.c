#include "check/check.h"

#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/path.h"
#include "base/strbuf.h"
#include "check/bound.h"
#include "detect/running.h"
#include "model/owners.h"

/* A finding while the check is built, with where it is reported: findings
 * before notes, then in the order the homes were named, then by position. */
typedef struct draft {
    ps_finding f;
    ps_party *parties;
    size_t nparties, cap;
    size_t unit, site;
    int order; /* among findings at one site: clash, listening, stale, ambiguous, unowned */
} draft;

typedef struct builder {
    ps_check *c;
    draft *drafts;
    size_t count, cap;
} builder;

/* Hands string s (from an allocation that may have failed) to the check,
 * which frees it; NULL when s is NULL or out of memory (s freed). */
static const char *own(ps_check *c, char *s)
{
    char **slot = s ? PS_TRY_PUSH(c->owned, c->nowned, c->owned_cap) : NULL;
    if (!slot) {
        free(s);
        return NULL;
    }
    *slot = s;
    return s;
}

static ps_party site_party(const ps_check *c, size_t u, size_t k)
{
    const ps_unit *unit = &c->units[u];
    const ps_site *s = &unit->sites->items[k];
    ps_party p = {.home = unit->home->path,
                  .runtime = unit->rt->name,
                  .what = s->what ? s->what : "literal local reference",
                  .port = s->kind == PS_SITE_LISTENER ? ps_listener_now(unit->sites, s) : s->value,
                  .pid = -1};
    if (s->file) {
        p.file = s->file->rel;
        p.path = s->file->path;
        p.line = s->line;
        p.col = s->col;
    }
    return p;
}

/* A finding saying `message` (the check's from now on); NULL when out of
 * memory, or when message is NULL (an allocation that failed). */
static draft *add(builder *b, ps_finding_kind kind, int note, size_t u, size_t k, long port,
                  char *message)
{
    if (!own(b->c, message))
        return NULL;
    draft *d = PS_TRY_PUSH(b->drafts, b->count, b->cap);
    if (!d)
        return NULL;
    memset(d, 0, sizeof *d);
    d->f.message = message;
    d->f.kind = kind;
    d->f.note = note;
    d->f.port = port;
    d->f.should = -1;
    d->unit = u;
    d->site = k;
    d->order = (int)kind;
    return d;
}

/* -1 when out of memory. */
static int party(draft *d, ps_party p)
{
    ps_party *slot = PS_TRY_PUSH(d->parties, d->nparties, d->cap);
    if (!slot)
        return -1;
    *slot = p;
    return 0;
}

/* Two active listeners on one port, at the current offsets. -1 when out
 * of memory. */
static int clashes(builder *b)
{
    ps_check *c = b->c;
    ps_port_index ix;
    if (ps_port_index_now(&ix, c->units, c->nunits, PS_INDEX_ACTIVE) < 0)
        return -1;
    int rc = 0;
    for (size_t lo = 0, hi; lo < ix.count && rc == 0; lo = hi) {
        for (hi = lo + 1; hi < ix.count && ix.items[hi].port == ix.items[lo].port;)
            hi++;
        if (hi - lo < 2)
            continue;
        const ps_port_entry *first = &ix.items[lo];
        draft *d =
            add(b, PS_FINDING_CLASH, 0, (size_t)first->unit, (size_t)first->site, first->port,
                ps_asprintf("port %ld is opened by %zu active listeners", first->port, hi - lo));
        rc = d ? 0 : -1;
        for (size_t j = lo; j < hi && rc == 0; j++)
            rc = party(d, site_party(c, (size_t)ix.items[j].unit, (size_t)ix.items[j].site));
    }
    ps_port_index_free(&ix);
    return rc;
}

/* -1 when out of memory. */
static int add_server(ps_home_server *s, const char *dir, const char *proc)
{
    long pid;
    if (!ps_home_running(dir, &pid))
        return 0;
    s->pid = pid;
    unsigned long *inodes;
    size_t n;
    int rc = ps_process_sockets(&inodes, &n, proc, pid);
    if (rc != 0) {
        s->unreadable = rc > 0;
        return rc < 0 ? -1 : 0;
    }
    unsigned long *all = ps_realloc(s->inodes, (s->ninodes + n + 1) * sizeof *s->inodes);
    if (!all) {
        free(inodes);
        return -1;
    }
    s->inodes = all;
    if (n)
        memcpy(s->inodes + s->ninodes, inodes, n * sizeof *inodes);
    s->ninodes += n;
    free(inodes);
    return 0;
}

static int cmp_ulong(const void *a, const void *b)
{
    unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;
    return (x > y) - (x < y);
}

int ps_home_servers(ps_home_server **out, size_t *count, const ps_unit *units, size_t n,
                    const char *proc)
{
    ps_home_server *sv = ps_calloc(n + 1, sizeof *sv);
    size_t nsv = 0;
    *out = NULL;
    *count = 0;
    if (!sv)
        return -1;
    int rc = 0;
    for (size_t u = 0; u < n && rc == 0; u++) {
        const ps_unit *unit = &units[u];
        size_t h = 0;
        while (h < nsv && sv[h].home != unit->home)
            h++;
        if (h == nsv) {
            sv[nsv++].home = unit->home;
            if (!*unit->rt->name)
                rc = add_server(&sv[h], unit->home->path, proc);
        }
        if (rc == 0 && *unit->rt->name) {
            char *dir = ps_path_join(unit->home->path, unit->rt->name);
            rc = dir ? add_server(&sv[h], dir, proc) : -1;
            free(dir);
        }
    }
    if (rc < 0) {
        ps_home_servers_free(sv, nsv);
        return -1;
    }
    for (size_t h = 0; h < nsv; h++)
        ps_sort(sv[h].inodes, sv[h].ninodes, sizeof *sv[h].inodes, cmp_ulong);
    *out = sv;
    *count = nsv;
    return 0;
}

const ps_home_server *ps_home_server_of(const ps_home_server *sv, size_t count, const ps_home *home)
{
    for (size_t h = 0; h < count; h++)
        if (sv[h].home == home)
            return &sv[h];
    return NULL;
}

void ps_home_servers_free(ps_home_server *sv, size_t count)
{
    for (size_t h = 0; h < count; h++)
        free(sv[h].inodes);
    free(sv);
}

/* A listener whose port some socket of this host listens on. */
typedef struct bound_hit {
    size_t unit, site;
    size_t *sockets; /* foreign: not its home's server's */
    size_t nsockets, cap;
    long unknown_pid; /* >0: the home's server runs, its sockets unreadable */
} bound_hit;

static int socket_party(draft *d, ps_check *c, const ps_socket *s)
{
    const char *what =
        own(c, s->pid < 0 ? ps_asprintf("a socket listening on port %ld, held by a process "
                                        "this user cannot look into",
                                        s->port)
                          : ps_asprintf("a socket listening on port %ld, held by process %ld%s%s%s",
                                        s->port, s->pid, s->comm ? " (" : "",
                                        s->comm ? s->comm : "", s->comm ? ")" : ""));
    if (!what)
        return -1;
    return party(d, (ps_party){.what = what, .port = s->port, .pid = s->pid});
}

/* Appends i to the array (*arr)[0, *n); -1 when out of memory. */
static int push_index(size_t **arr, size_t *n, size_t *cap, size_t i)
{
    size_t *slot = PS_TRY_PUSH(*arr, *n, *cap);
    if (!slot)
        return -1;
    *slot = i;
    return 0;
}

/* The finding of one listener whose port is bound: -1 when out of memory. */
static int listening_finding(builder *b, const bound_hit *hit, const ps_sockets *socks)
{
    ps_check *c = b->c;
    ps_party l = site_party(c, hit->unit, hit->site);
    char *message =
        hit->nsockets
            ? ps_asprintf("port %ld is already listening on this host", l.port)
            : ps_asprintf("port %ld is listening on this host, maybe by this home's own "
                          "server (process %ld of wso2carbon.pid), whose sockets this user "
                          "cannot read",
                          l.port, hit->unknown_pid);
    draft *d =
        add(b, PS_FINDING_LISTENING, hit->nsockets == 0, hit->unit, hit->site, l.port, message);
    if (!d || party(d, l) < 0)
        return -1;
    for (size_t j = 0; j < hit->nsockets; j++)
        if (socket_party(d, c, &socks->items[hit->sockets[j]]) < 0)
            return -1;
    return 0;
}

static int listening(builder *b, const char *proc, ps_error *err)
{
    ps_check *c = b->c;
    ps_sockets socks = {0};
    if (ps_sockets_read(&socks, proc, err) < 0)
        return -1;
    size_t nsv;
    ps_home_server *sv;
    bound_hit *hits = NULL;
    size_t nhits = 0, hcap = 0;
    size_t *foreign = NULL, nforeign = 0, fcap = 0;
    int rc = ps_home_servers(&sv, &nsv, c->units, c->nunits, proc);
    for (size_t u = 0; u < c->nunits && rc == 0; u++) {
        const ps_sites *ss = c->units[u].sites;
        const ps_home_server *own = ps_home_server_of(sv, nsv, c->units[u].home);
        for (size_t k = 0; k < ss->count && rc == 0; k++) {
            const ps_site *s = &ss->items[k];
            if (!ps_listener_exclusive(s))
                continue;
            long port = ps_listener_now(ss, s);
            bound_hit hit = {.unit = u, .site = k};
            for (size_t i = 0; i < socks.count && rc == 0; i++) {
                if (socks.items[i].port != port ||
                    ps_inode_in(own->inodes, own->ninodes, socks.items[i].inode))
                    continue;
                if (own->unreadable) {
                    hit.unknown_pid = own->pid;
                    continue;
                }
                if (push_index(&hit.sockets, &hit.nsockets, &hit.cap, i) < 0 ||
                    push_index(&foreign, &nforeign, &fcap, i) < 0)
                    rc = -1;
            }
            bound_hit *slot = NULL;
            if (rc == 0 && (hit.nsockets || hit.unknown_pid) &&
                !(slot = PS_TRY_PUSH(hits, nhits, hcap)))
                rc = -1;
            if (slot)
                *slot = hit;
            else
                free(hit.sockets);
        }
    }
    if (rc == 0)
        rc = ps_sockets_owners(&socks, foreign, nforeign, proc);
    for (size_t i = 0; i < nhits && rc == 0; i++)
        rc = listening_finding(b, &hits[i], &socks);
    for (size_t i = 0; i < nhits; i++)
        free(hits[i].sockets);
    free(hits);
    free(foreign);
    ps_home_servers_free(sv, nsv);
    ps_sockets_free(&socks);
    return rc < 0 ? ps_error_oom(err) : 0;
}

/* *path = longer, the old one freed; -1 when longer is NULL (out of memory). */
static int lengthen(char **path, char *longer)
{
    if (!longer)
        return -1;
    free(*path);
    *path = longer;
    return 0;
}

/* The XPath of the element (and attribute) of doc that holds site s in
 * *out, NULL when none; -1 when out of memory. */
static int element_path(char **out, const ps_xmldoc *doc, const char *data, const ps_site *s)
{
    int elem = -1;
    const char *attr = NULL;
    *out = NULL;
    for (size_t i = 0; i < doc->nattrs && elem < 0; i++)
        if (doc->attrs[i].value.start <= s->span.start && s->span.end <= doc->attrs[i].value.end) {
            elem = doc->attrs[i].elem;
            attr = doc->attrs[i].name;
        }
    for (size_t i = 0; i < doc->ntexts && elem < 0; i++)
        if (doc->texts[i].span.start <= s->span.start && s->span.end <= doc->texts[i].span.end)
            elem = doc->texts[i].elem;
    if (elem < 0)
        return 0;
    char *path = attr ? ps_asprintf("/@%s", attr) : ps_strdup("");
    int rc = path ? 0 : -1;
    for (int e = elem; e >= 0 && rc == 0; e = doc->elems[e].parent) {
        rc = lengthen(&path, ps_asprintf("/%s%s", doc->elems[e].name, path));
        /* Elements told apart by a name attribute (<Parameter name="...">) say which. */
        const ps_xelem *x = &doc->elems[e];
        for (size_t a = x->first_attr; a < x->first_attr + x->nattrs && rc == 0; a++) {
            const ps_xattr *at = &doc->attrs[a];
            if (strcmp(at->name, "name") != 0 || at->name == attr)
                continue;
            size_t at_end = strlen(doc->elems[e].name) + 1;
            rc = lengthen(&path, ps_asprintf("%.*s[@name='%.*s']%s", (int)at_end, path,
                                             (int)(at->value.end - at->value.start),
                                             data + at->value.start, path + at_end));
        }
    }
    if (rc < 0) {
        free(path);
        return -1;
    }
    *out = path;
    return 0;
}

/* The element (or key) site `s` sits in, in its file `f` as read again, in
 * *out (NULL when none); -1 when out of memory. */
static int element_in(char **out, const ps_cfile *f, const ps_site *s)
{
    if (f->xml)
        return element_path(out, f->xml, f->data, s);
    *out = NULL;
    for (size_t i = 0; i < f->props.count; i++) {
        const ps_prop *p = &f->props.entries[i];
        if (p->value.start <= s->span.start && s->span.end <= p->value.end) {
            *out =
                ps_asprintf("key %.*s", (int)(p->key.end - p->key.start), f->data + p->key.start);
            return *out ? 0 : -1;
        }
    }
    return 0;
}

/* The element (or key) a site sits in: "/Server/Service/Connector/@redirectPort";
 * *out NULL when its file cannot be read again (the message then says "it").
 * -1 when out of memory. */
static int element_of(char **out, const ps_site *s)
{
    ps_cfile f;
    ps_error ignored = {0};
    *out = NULL;
    if (ps_cfile_open(&f, s->file, &ignored) < 0)
        return ps_error_last() == PS_ENOMEM ? -1 : 0;
    int rc = element_in(out, &f, s);
    ps_cfile_close(&f);
    return rc;
}

char *ps_generated_fix(const ps_site *ref, long should)
{
    const char *file = ref->file->rel;
    if (ref->toml_key) {
        const char *dot = strrchr(ref->toml_key, '.');
        if (!dot)
            return ps_asprintf("%ld should be %ld, but %s is generated from deployment.toml: "
                               "set %s = %ld at the top of deployment.toml",
                               ref->value, should, file, ref->toml_key, should);
        return ps_asprintf("%ld should be %ld, but %s is generated from deployment.toml: "
                           "set %s = %ld in its [%.*s] table",
                           ref->value, should, file, dot + 1, should, (int)(dot - ref->toml_key),
                           ref->toml_key);
    }
    char *where;
    if (element_of(&where, ref) < 0)
        return NULL;
    char *m = ps_asprintf("%ld should be %ld, but %s is generated from deployment.toml: set it "
                          "through the deployment.toml key that renders %s",
                          ref->value, should, file, where ? where : "it");
    free(where);
    return m;
}

/* A stale self reference: where the listener it means listens now. -1
 * when out of memory. */
static int stale(builder *b, size_t u, size_t k, const ps_ref_owner *owner)
{
    ps_check *c = b->c;
    const ps_sites *ss = c->units[u].sites;
    const ps_site *ref = &ss->items[k], *l = &ss->items[owner->site];
    long should = ps_listener_now(ss, l);
    int generated = ref->file->generated;
    /* a deployment.toml key portshift sets: absent, the product's default renders */
    char *message = generated     ? ps_generated_fix(ref, should)
                    : ref->insert ? ps_asprintf("%s is not set, so %ld is rendered; it should "
                                                "be %ld: its runtime listens there for %s",
                                                ref->key, ref->value, should, l->what)
                                  : ps_asprintf("%ld should be %ld: its runtime listens there "
                                                "for %s",
                                                ref->value, should, l->what);
    draft *f = add(b, PS_FINDING_STALE, generated, u, k, ref->value, message);
    if (!f)
        return -1;
    f->f.should = should;
    f->f.toml_key = generated ? ref->toml_key : ref->key;
    if (party(f, site_party(c, u, k)) < 0 || party(f, site_party(c, u, (size_t)owner->site)) < 0)
        return -1;
    if (!generated)
        c->nstale++;
    return 0;
}

/*
 * The planner calls a reference ambiguous when its owners move apart, which
 * only targets can do; the homes as they are have none. So a reference is
 * ambiguous here when the tier that owns it is "another home" (its own
 * runtime and its home win) and listeners of several homes are in it:
 * moving either home would split them.
 */
static int ambiguous(builder *b, const ps_owners *o, size_t u, size_t k, const ps_ref_owner *owner)
{
    ps_check *c = b->c;
    const ps_site *ref = &c->units[u].sites->items[k];
    draft *f = add(b, PS_FINDING_AMBIGUOUS, 0, u, k, ref->value,
                   ps_asprintf("port %ld: runtimes of several homes listen "
                               "on it, so it cannot tell which it means",
                               ref->value));
    if (!f || party(f, site_party(c, u, k)) < 0)
        return -1;
    for (size_t j = owner->lo; j < owner->hi; j++) {
        const ps_port_entry *e = &o->index.items[j];
        if (ps_owner_tier_of(c->units, u, (size_t)e->unit, ref) == owner->tier &&
            party(f, site_party(c, (size_t)e->unit, (size_t)e->site)) < 0)
            return -1;
    }
    return 0;
}

/* A reference no runtime of the call listens on: a note. -1 when out of memory. */
static int unowned(builder *b, size_t u, size_t k)
{
    ps_check *c = b->c;
    const ps_site *ref = &c->units[u].sites->items[k];
    char *message = ref->role ? ps_asprintf("port %ld: no %s runtime of this "
                                            "call listens on it, left alone",
                                            ref->value, ref->role)
                              : ps_asprintf("port %ld: no runtime of this call "
                                            "listens on it, left alone",
                                            ref->value);
    draft *f = add(b, PS_FINDING_UNOWNED, 1, u, k, ref->value, message);
    return f ? party(f, site_party(c, u, k)) : -1;
}

/* -1 when out of memory. */
static int references(builder *b)
{
    ps_check *c = b->c;
    ps_owners o;
    if (ps_owners_init(&o, c->units, c->nunits) < 0)
        return -1;
    int rc = 0;
    for (size_t u = 0; u < c->nunits && rc == 0; u++) {
        const ps_sites *ss = c->units[u].sites;
        for (size_t k = 0; k < ss->count && rc == 0; k++) {
            const ps_site *ref = &ss->items[k];
            if (ref->kind != PS_SITE_REFERENCE)
                continue;
            ps_ref_owner owner;
            ps_owners_find(&owner, &o, u, k);
            if (owner.kind == PS_OWNER_STALE)
                rc = stale(b, u, k, &owner);
            else if (owner.kind == PS_OWNER_LISTENER && owner.tier == PS_TIER_OTHER &&
                     owner.homes > 1)
                rc = ambiguous(b, &o, u, k, &owner);
            else if (owner.kind == PS_OWNER_NONE)
                rc = unowned(b, u, k);
        }
    }
    ps_owners_free(&o);
    return rc;
}

/* The party of remote site k of unit u: the site, named as a reference to
 * its host. NULL when out of memory. */
static int remote_party(builder *b, draft *d, size_t u, size_t k)
{
    const ps_site *ref = &b->c->units[u].sites->items[k];
    ps_party p = site_party(b->c, u, k);
    p.what = own(b->c, ps_asprintf("reference to %s", ref->host));
    return p.what ? party(d, p) : -1;
}

/* The listener a stale remote reference means, on its host: named by the
 * host's label before its home. -1 when out of memory. */
static int remote_owner(builder *b, draft *d, const ps_remote *r)
{
    const char *label = ps_remote_label(b->c->with, r);
    const ps_fleet_place *at = &r->listener->at;
    ps_party p = {.home = own(b->c, ps_asprintf("%s:%s", label, r->rt->home ? r->rt->home : "")),
                  .runtime = r->rt->runtime ? r->rt->runtime : "",
                  .what = r->listener->what,
                  .port = r->should,
                  .pid = -1};
    if (!p.home)
        return -1;
    if (at->file) {
        p.file = at->file;
        p.path = own(b->c, ps_asprintf("%s:%s", label, at->path ? at->path : at->file));
        p.line = at->line;
        p.col = at->col;
        if (!p.path)
            return -1;
    }
    return party(d, p);
}

/* A reference to another host that names a port nobody there listens on,
 * while the listener it means listens on r->should now. -1 when out of memory. */
static int remote_stale(builder *b, size_t u, size_t k, const ps_remote *r)
{
    ps_check *c = b->c;
    const ps_site *ref = &c->units[u].sites->items[k];
    const char *label = ps_remote_label(c->with, r);
    int generated = ref->file->generated;
    char *message = generated ? ps_generated_fix(ref, r->should)
                              : ps_asprintf("%ld should be %ld: %s listens there for %s",
                                            ref->value, r->should, label, r->listener->what);
    draft *f = add(b, PS_FINDING_STALE, generated, u, k, ref->value, message);
    if (!f)
        return -1;
    f->f.should = r->should;
    if (remote_party(b, f, u, k) < 0 || remote_owner(b, f, r) < 0)
        return -1;
    if (!generated)
        c->nstale++;
    return 0;
}

/* What the other hosts' facts say of site k of unit u (a remote site, or a
 * local reference by a name one of them claims too): a stale reference is
 * a finding, the rest that are not theirs to own are notes. -1 when out of
 * memory. */
static int remote_site(builder *b, size_t u, size_t k)
{
    ps_check *c = b->c;
    const ps_site *ref = &c->units[u].sites->items[k];
    ps_remote r;
    ps_remote_of(&r, c->with, c->units, c->nunits, ref);
    char *message = NULL;
    ps_finding_kind kind = PS_FINDING_UNOWNED;
    switch (r.kind) {
    case PS_REMOTE_LOCAL:
    case PS_REMOTE_OWNED:
        return 0;
    case PS_REMOTE_STALE:
        return remote_stale(b, u, k, &r);
    case PS_REMOTE_AMBIGUOUS:
        kind = PS_FINDING_AMBIGUOUS;
        message =
            ps_asprintf("port %ld: %zu hosts%s have the name %s, so it cannot tell "
                        "which it means, left alone",
                        ref->value, r.nclaims,
                        ref->kind == PS_SITE_REMOTE ? "" : " (this one among them)", ref->host);
        break;
    case PS_REMOTE_UNKNOWN:
        message = ps_asprintf("port %ld: no host of --with is named %s, left alone", ref->value,
                              ref->host);
        break;
    case PS_REMOTE_NOBODY:
        message = ps_asprintf("port %ld: nothing on %s listens on it or means it, left alone",
                              ref->value, ps_remote_label(c->with, &r));
        break;
    }
    draft *f = add(b, kind, 1, u, k, ref->value, message);
    return f ? remote_party(b, f, u, k) : -1;
}

/* The units' references to other hosts, when the call has some (--with).
 * -1 when out of memory. */
static int remotes(builder *b)
{
    ps_check *c = b->c;
    for (size_t u = 0; u < c->nunits && c->with; u++) {
        const ps_sites *ss = c->units[u].sites;
        for (size_t k = 0; k < ss->count; k++)
            if ((ss->items[k].kind == PS_SITE_REMOTE || ss->items[k].kind == PS_SITE_REFERENCE) &&
                remote_site(b, u, k) < 0)
                return -1;
    }
    return 0;
}

/* Two start-time offsets of the rank that decides, saying different
 * things. -1 when out of memory. */
static int start_rivals(builder *b)
{
    ps_check *c = b->c;
    for (size_t u = 0; u < c->nunits; u++) {
        const ps_sites *ss = c->units[u].sites;
        const ps_site *won = ss->start_site, *rival = ss->start_rival;
        if (!rival)
            continue;
        size_t k = (size_t)(won - ss->items), r = (size_t)(rival - ss->items);
        draft *d =
            add(b, PS_FINDING_START, 0, u, k, won->value,
                ps_asprintf("-DportOffset=%ld here, -DportOffset=%ld at %s:%d:%d: "
                            "which one the server starts with depends on how it "
                            "is started",
                            won->value, rival->value, rival->file->path, rival->line, rival->col));
        if (!d || party(d, site_party(c, u, k)) < 0 || party(d, site_party(c, u, r)) < 0)
            return -1;
    }
    return 0;
}

/* The finding of a server of unit u running (as process `pid`) at offset
 * `runs`, not its files' offset; -1 when out of memory. */
static int running_finding(builder *b, size_t u, long pid, long runs)
{
    ps_check *c = b->c;
    const ps_unit *unit = &c->units[u];
    draft *d = add(b, PS_FINDING_RUNNING, 0, u, 0, runs,
                   ps_asprintf("the server (process %ld) runs at offset %ld "
                               "(-DportOffset on its command line), its files say "
                               "%ld",
                               pid, runs, unit->sites->offset));
    if (!d)
        return -1;
    d->order = -1; /* before the findings at the runtime's first site */
    const char *rel = own(c, ps_path_join(unit->rt->name, "wso2carbon.pid"));
    const char *path = rel ? own(c, ps_path_join(unit->home->path, rel)) : NULL;
    if (!path)
        return -1;
    return party(d, (ps_party){.home = unit->home->path,
                               .runtime = unit->rt->name,
                               .file = rel,
                               .path = path,
                               .line = 1,
                               .col = 1,
                               .what = "the running server's pid file",
                               .port = runs,
                               .pid = pid});
}

/*
 * A running server whose command line sets -DportOffset to another offset
 * than its files: it listens where nothing here says (until it restarts),
 * reported at its pid file. A runtime's pid file is in its own folder (the
 * home's root for the main runtime). -1 when out of memory.
 */
static int running_offsets(builder *b, const char *proc)
{
    ps_check *c = b->c;
    int rc = 0;
    for (size_t u = 0; u < c->nunits && rc == 0; u++) {
        const ps_unit *unit = &c->units[u];
        if (unit->rt->carbon5)
            continue; /* no offset: -DportOffset means nothing to it */
        char *dir = ps_path_join(unit->home->path, unit->rt->name);
        if (!dir)
            return -1;
        long pid, runs;
        if (ps_home_running(dir, &pid)) {
            int said = ps_process_offset(proc, pid, &runs);
            if (said < 0)
                rc = -1;
            else if (said && runs != unit->sites->offset)
                rc = running_finding(b, u, pid, runs);
        }
        free(dir);
    }
    return rc;
}

static int cmp_drafts(const void *a, const void *b)
{
    const draft *x = a, *y = b;
    if (x->f.note != y->f.note)
        return x->f.note - y->f.note;
    if (x->unit != y->unit)
        return x->unit < y->unit ? -1 : 1;
    /* Sites are in file then document order, built-in listeners last. */
    if (x->site != y->site)
        return x->site < y->site ? -1 : 1;
    return x->order - y->order;
}

void ps_check_free(ps_check *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->count; i++)
        free((void *)c->items[i].parties);
    free(c->items);
    for (size_t i = 0; i < c->nowned; i++)
        free(c->owned[i]);
    free(c->owned);
    ps_diags_free(&c->warnings);
    free(c);
}

int ps_check_make(ps_check **out, const ps_unit *units, size_t n, const char *proc, ps_error *err)
{
    return ps_check_make_with(out, units, n, proc, NULL, err);
}

int ps_check_make_with(ps_check **out, const ps_unit *units, size_t n, const char *proc,
                       const ps_with *with, ps_error *err)
{
    ps_check *c = ps_calloc(1, sizeof *c);
    if (!c)
        return ps_error_oom(err);
    c->units = units;
    c->nunits = n;
    c->with = with;
    builder b = {.c = c};
    for (size_t u = 0; u < n; u++) {
        /* A port past 65535 now: no server runs so, and nothing here can judge it. */
        ps_listeners l;
        if (ps_listeners_at(&l, units[u].sites, units[u].sites->offset) < 0) {
            ps_error_oom(err);
            goto fail;
        }
        if (!l.usable)
            ps_listener_range_error(err, &units[u], &units[u].sites->items[l.items[l.bad].site],
                                    l.offset, l.items[l.bad].port);
        int usable = l.usable;
        ps_listeners_free(&l);
        if (!usable)
            goto fail;
        if (ps_unit_warnings(&c->warnings, &units[u]) < 0) {
            ps_error_oom(err);
            goto fail;
        }
    }
    if (clashes(&b) < 0) {
        ps_error_oom(err);
        goto fail;
    }
    if (proc && listening(&b, proc, err) < 0)
        goto fail;
    if (references(&b) < 0 || remotes(&b) < 0 || start_rivals(&b) < 0 ||
        running_offsets(&b, proc ? proc : "/proc") < 0) {
        ps_error_oom(err);
        goto fail;
    }
    ps_sort(b.drafts, b.count, sizeof *b.drafts, cmp_drafts);
    c->items = ps_calloc(b.count + 1, sizeof *c->items);
    if (!c->items) {
        ps_error_oom(err);
        goto fail;
    }
    for (size_t i = 0; i < b.count; i++) {
        c->items[i] = b.drafts[i].f;
        c->items[i].parties = b.drafts[i].parties;
        c->items[i].nparties = b.drafts[i].nparties;
        if (!c->items[i].note)
            c->nfindings++;
    }
    c->count = b.count;
    free(b.drafts);
    *out = c;
    return 0;
fail:
    for (size_t i = 0; i < b.count; i++)
        free(b.drafts[i].parties);
    free(b.drafts);
    ps_check_free(c);
    return -1;
}
