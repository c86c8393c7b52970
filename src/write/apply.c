#define _GNU_SOURCE /* renameat2 */
#include "write/apply.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"
#include "base/path.h"
#include "base/strbuf.h"
#include "write/beneath.h"
#include "write/durable.h"
#include "write/journal.h"
#include "write/meta.h"
#include "write/owner.h"
#include "parse/file.h"

/* A home of the apply: its folder, its owner, its record. */
typedef struct home {
    const char *shown; /* as named */
    int fd;            /* the home folder */
    struct stat st;
    char *real;
    ps_owner owner;
    int restricted; /* its owner is not the caller: the privilege boundary applies */
    ps_journal rec;
    int recorded; /* rec is in place */
} home;

/*
 * What ps_apply_files knows about one entry between staging and commit. A
 * temp name is freed and set to NULL once the file is renamed into place, so
 * cleanup removes exactly the temp files that still exist.
 */
typedef struct slot {
    long h;       /* index of its home, -1 for none */
    int dirfd;    /* the folder of the target */
    char *name;   /* the target's name in it */
    char *link;   /* the home's config symlink, when its target lies outside the home */
    char *target; /* the record's name for the target: home-relative, absolute for a link */
    char *tmp;    /* staged new bytes, in dirfd */
    int bakfd;    /* the folder of the path as named, which holds its backup */
    char *bak;    /* the backup's name in bakfd (PS_APPLY_BACKUP, when there is none yet) */
    char *bak_rel;
    char *bak_tmp;  /* staged original bytes, renamed to `bak` */
    char *orig_tmp; /* during an undo: the original bytes, renamed back over the target */
    ps_meta origin; /* the original's owner, mode and extended attributes */
    dev_t dev;      /* of the target's folder: with `name`, which file is replaced */
    ino_t ino;
    uint64_t old_digest, new_digest;
    int skip;       /* same target and bytes as an earlier entry, */
    long dup;       /* which one: its home's record names that entry's staged file too */
    int renamed;    /* the target holds the new bytes */
    int outside;    /* a start file outside its home (ps_write.outside) */
    dev_t file_dev; /* outside: the target's device, */
    ino_t file_ino, staged_ino; /* its inode, the staged file's */
} slot;

/*
 * Compares the file behind `fd` with expect[0..len) without loading it: a
 * config file that grew past what was planned is as changed as one edited
 * in the middle. Sets *same; -1 (errno set) on a read error.
 */
static int same_bytes(int fd, const char *expect, size_t len, int *same)
{
    char buf[16384];
    size_t off = 0;
    *same = 0;
    for (;;) {
        ssize_t r = read(fd, buf, sizeof buf);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (r == 0)
            break;
        if ((size_t)r > len - off || memcmp(buf, expect + off, (size_t)r) != 0)
            return 0;
        off += (size_t)r;
    }
    *same = off == len;
    return 0;
}

/*
 * Writes data[0..len) to a new staged file for `base` in folder `dirfd`,
 * with the original's metadata (or an error saying what it cannot keep),
 * fsynced. *tmp receives its name in that folder (the caller unlinks and
 * frees it). Errors name `errpath`, the name the caller knows.
 */
static int stage(int dirfd, const char *base, const char *data, size_t len, const ps_meta *meta,
                 char **tmp, const char *errpath, ps_error *err)
{
    int rc = -1;
    char *name = NULL;
    int fd = ps_stage_at(dirfd, base, &name);
    if (fd < 0) {
        ps_error_set(err, errpath, 0, 0, "cannot create temporary file: %s", strerror(errno));
        goto done;
    }
    if (len > 0 && ps_write_all(fd, data, len) < 0) {
        ps_error_set(err, errpath, 0, 0, "cannot write: %s", strerror(errno));
        goto done;
    }
    /* After the bytes: a write clears set-id bits and security.capability. */
    if (ps_meta_apply(fd, meta, errpath, err) < 0)
        goto done;
    if (fsync(fd) < 0) {
        ps_error_set(err, errpath, 0, 0, "cannot sync: %s", strerror(errno));
        goto done;
    }
    rc = 0;
done:
    if (fd >= 0 && close(fd) < 0 && rc == 0) {
        /* NFS and friends may report a failed write only here. */
        rc = ps_error_set(err, errpath, 0, 0, "cannot write: %s", strerror(errno));
    }
    if (rc < 0 && name) {
        unlinkat(dirfd, name, 0);
        free(name);
        name = NULL;
    }
    *tmp = name;
    return rc;
}

char *ps_backup_name(const char *path)
{
    return ps_xasprintf("%s.bak", path);
}

int ps_backup_exists(const char *path)
{
    struct stat st;
    char *bak = ps_backup_name(path);
    /* lstat: a symlink there, even a dangling one, is somebody's backup too. */
    int exists = lstat(bak, &st) == 0;
    free(bak);
    return exists;
}

/* `name` in the folder of `path`, spelled as in `path` ("a/b/x" + "y" = "a/b/y"). */
static char *sibling(const char *path, const char *name)
{
    const char *base = ps_path_base(path);
    return ps_xasprintf("%.*s%s", (int)(base - path), path, name);
}

/* ---- the homes ---- */

static long home_index(home *homes, size_t *nhomes, const char *shown, ps_error *err)
{
    for (size_t i = 0; i < *nhomes; i++)
        if (strcmp(homes[i].shown, shown) == 0)
            return (long)i;
    home *h = &homes[*nhomes];
    *h = (home){.shown = shown, .fd = -1};
    h->fd = open(shown, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (h->fd < 0 || fstat(h->fd, &h->st) < 0) {
        ps_error_set(err, shown, 0, 0, "cannot open home: %s", strerror(errno));
        if (h->fd >= 0)
            close(h->fd);
        return -1;
    }
    /* The same folder named twice (by two spellings) is one home. */
    for (size_t i = 0; i < *nhomes; i++) {
        if (homes[i].st.st_dev == h->st.st_dev && homes[i].st.st_ino == h->st.st_ino) {
            close(h->fd);
            return (long)i;
        }
    }
    h->real = realpath(shown, NULL);
    if (!h->real) {
        ps_error_set(err, shown, 0, 0, "cannot resolve: %s", strerror(errno));
        close(h->fd);
        return -1;
    }
    h->restricted = h->st.st_uid != geteuid();
    if (h->restricted && ps_owner_of(&h->owner, h->st.st_uid, h->st.st_gid) < 0) {
        free(h->real);
        close(h->fd);
        return ps_error_oom(err);
    }
    return (long)(*nhomes)++;
}

static void homes_free(home *homes, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (homes[i].fd >= 0)
            close(homes[i].fd);
        free(homes[i].real);
        ps_owner_free(&homes[i].owner);
        ps_journal_free(&homes[i].rec);
    }
    free(homes);
}

/* ---- one entry ---- */

/* 1 when the resolved `path` is `dir` or lies beneath it; *rest gets what follows. */
static int under(const char *path, const char *dir, const char **rest)
{
    size_t n = strlen(dir);
    if (n == 1) {
        *rest = path + 1;
        return 1;
    }
    if (strncmp(path, dir, n) != 0 || path[n] != '/')
        return 0;
    *rest = path + n + 1;
    return 1;
}

/*
 * Where entry w is written. In a home another user owns (the privilege
 * boundary): the path beneath the home, no symlink followed but the file's
 * own. In the caller's own home, and for a file of no home: the path as
 * named, symlinks and all (nothing there can lead the caller anywhere its
 * own rights do not). Either way a target back in the home is a file of the
 * home; one outside it is a "link" of the record.
 */
static int locate(const ps_write *w, slot *s, home *homes, ps_error *err)
{
    const char *leaf;
    struct stat st;
    home *h = s->h >= 0 ? &homes[s->h] : NULL;
    if (h && w->outside) {
        /* Where it resolved when read, walked again without following a
         * symlink; no backup (its folder is the operator's, not the home's). */
        s->outside = 1;
        if (ps_resolved_dir(w->rel, &s->dirfd, &leaf, w->path, err) < 0)
            return -1;
        s->bakfd = fcntl(s->dirfd, F_DUPFD_CLOEXEC, 0);
        s->name = ps_xstrdup(leaf);
        s->target = ps_xstrdup(w->rel);
        return 0;
    }
    if (h && h->restricted) {
        if (ps_beneath_dir(h->fd, w->rel, &s->bakfd, &leaf, w->path, err) < 0)
            return -1;
    } else {
        char *dir = ps_path_dir(w->path);
        if (!dir)
            return ps_error_oom(err);
        s->bakfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        free(dir);
        if (s->bakfd < 0)
            return ps_error_set(err, w->path, 0, 0, "cannot open its folder: %s", strerror(errno));
        leaf = ps_path_base(w->path);
    }
    if (fstatat(s->bakfd, leaf, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return ps_error_set(err, w->path, 0, 0, "cannot stat: %s", strerror(errno));
    if (h)
        s->bak_rel = ps_backup_name(w->rel);
    s->bak = ps_backup_name(leaf);
    if (!S_ISLNK(st.st_mode) && (!h || h->restricted)) {
        s->dirfd = fcntl(s->bakfd, F_DUPFD_CLOEXEC, 0);
        s->name = ps_xstrdup(leaf);
        s->target = h ? ps_xstrdup(w->rel) : NULL;
        return 0;
    }
    /* Resolved from the folder it was found in. */
    char fdpath[64 + NAME_MAX];
    snprintf(fdpath, sizeof fdpath, "/proc/self/fd/%d/%s", s->bakfd, leaf);
    char *real = realpath(fdpath, NULL);
    if (!real)
        return ps_error_set(err, w->path, 0, 0, "cannot resolve: %s", strerror(errno));
    const char *rest;
    int rc;
    if (h && under(real, h->real, &rest)) {
        /* In its home: that file, beneath the home like any other. */
        s->target = ps_xstrdup(rest);
        rc = ps_beneath_dir(h->fd, s->target, &s->dirfd, &leaf, w->path, err);
    } else {
        s->link = h ? ps_xstrdup(w->rel) : NULL;
        s->target = h ? ps_xstrdup(real) : NULL;
        rc = ps_resolved_dir(real, &s->dirfd, &leaf, w->path, err);
    }
    if (rc == 0)
        s->name = ps_xstrdup(leaf);
    free(real);
    return rc;
}

/* Resolves, re-checks and stages one entry (and its backup). */
static int stage_one(const ps_write *w, slot *s, home *homes, ps_error *err)
{
    int rc = -1, same;
    struct stat st;
    if (locate(w, s, homes, err) < 0)
        return -1;
    int fd = ps_open_regular_at(s->dirfd, s->name);
    if (fd < 0)
        return ps_error_set(err, w->path, 0, 0, "%s",
                            errno == ELOOP    ? "its target was replaced by a symlink"
                            : errno == EINVAL ? "not a regular file"
                                              : strerror(errno));
    if (fstat(fd, &st) < 0) {
        ps_error_set(err, w->path, 0, 0, "cannot stat: %s", strerror(errno));
        goto done;
    }
    s->file_dev = st.st_dev;
    s->file_ino = st.st_ino;
    if (s->h >= 0 && !s->outside && homes[s->h].restricted &&
        !ps_owner_can_write(&homes[s->h].owner, fd, &st)) {
        ps_error_set(err, w->path, 0, 0,
                     "the home's owner (uid %lu) may not write it, so portshift will not",
                     (unsigned long)homes[s->h].st.st_uid);
        goto done;
    }
    if (same_bytes(fd, w->expect, w->expect_len, &same) < 0) {
        ps_error_set(err, w->path, 0, 0, "cannot read: %s", strerror(errno));
        goto done;
    }
    if (!same) {
        ps_error_set(err, w->path, 0, 0, "changed since it was read");
        goto done;
    }
    struct stat dir;
    if (fstat(s->dirfd, &dir) < 0) {
        ps_error_set(err, w->path, 0, 0, "cannot stat its folder: %s", strerror(errno));
        goto done;
    }
    s->dev = dir.st_dev;
    s->ino = dir.st_ino;
    s->old_digest = ps_bytes_digest(w->expect, w->expect_len);
    s->new_digest = ps_bytes_digest(w->data, w->len);
    if (ps_meta_read(&s->origin, fd, &st, w->path, err) < 0)
        goto done;
    rc = 0;
done:
    close(fd);
    return rc;
}

/* Stages the new bytes (unless an earlier entry has: `skip`) and the backup. */
static int stage_files(const ps_write *w, slot *s, unsigned flags, ps_error *err)
{
    if (!s->skip &&
        stage(s->dirfd, s->name, w->data, w->len, &s->origin, &s->tmp, w->path, err) < 0)
        return -1;
    struct stat st;
    if (s->outside && s->tmp) {
        if (fstatat(s->dirfd, s->tmp, &st, AT_SYMLINK_NOFOLLOW) < 0)
            return ps_error_set(err, w->path, 0, 0, "cannot stat its staged file: %s",
                                strerror(errno));
        s->staged_ino = st.st_ino;
    }
    /* An existing backup holds an earlier original: never replaced. */
    if (!(flags & PS_APPLY_BACKUP) || s->outside ||
        fstatat(s->bakfd, s->bak, &st, AT_SYMLINK_NOFOLLOW) == 0) {
        free(s->bak);
        s->bak = NULL;
        return 0;
    }
    char *shown = ps_backup_name(w->path);
    int rc = stage(s->bakfd, s->bak, w->expect, w->expect_len, &s->origin, &s->bak_tmp, shown, err);
    free(shown);
    return rc;
}

/* ---- the records ---- */

/* The move of entry s, with staged file `tmp` (the new bytes, or for an undo the original ones). */
static void add_move(ps_journal_part *p, const slot *s, const char *tmp, int undo)
{
    ps_journal_move m = {.link = s->link, .had_old = 1, .outside = s->outside};
    if (s->outside) {
        /* Its identity: the file there before this move's rename, the staged one after. */
        struct stat st;
        m.dev = s->file_dev;
        m.ino = undo ? s->staged_ino : s->file_ino;
        m.staged_ino = s->staged_ino;
        if (undo) /* the original bytes, staged again */
            m.staged_ino = fstatat(s->dirfd, tmp, &st, AT_SYMLINK_NOFOLLOW) == 0 ? st.st_ino : 0;
    }
    /* Beside the target: home-relative, or absolute for a link or a start file. */
    char *staged = sibling(s->target, tmp);
    m.staged = staged;
    m.target = s->target;
    m.old_digest = undo ? s->new_digest : s->old_digest;
    m.new_digest = undo ? s->old_digest : s->new_digest;
    ps_journal_add_move(p, &m);
    free(staged);
}

static void add_backup(ps_journal_part *p, const slot *s)
{
    char *staged = sibling(s->bak_rel, s->bak_tmp);
    ps_journal_move m = {
        .staged = staged, .target = s->bak_rel, .had_old = 0, .new_digest = s->old_digest};
    ps_journal_add_move(p, &m);
    free(staged);
}

/*
 * What is left of the apply in home h: the renames not yet made. A file
 * shared with an earlier entry (of another home) is named in both homes'
 * records, with the one staged file: whichever home is dealt with first
 * renames it (or removes it), and the other finds it done.
 */
static void add_pending(ps_journal_part *p, const slot *s, size_t n, long h)
{
    for (size_t i = 0; i < n; i++) {
        const slot *own = s[i].skip ? &s[s[i].dup] : &s[i];
        if (s[i].h == h && own->tmp && (!s[i].skip || s[i].target))
            add_move(p, &s[i], own->tmp, 0);
    }
    for (size_t i = 0; i < n; i++)
        if (s[i].h == h && s[i].bak_tmp)
            add_backup(p, &s[i]);
}

/* The k-th home to receive a record: every other home, then the commit home. */
static size_t commit_last(size_t k, size_t commit, size_t nhomes)
{
    return k + 1 == nhomes ? commit : k < commit ? k : k + 1;
}

/* Every home's record of the apply: the same id, the first home commits. */
static void plan_records(home *homes, size_t nhomes, size_t commit, const slot *s, size_t n)
{
    char *id;
    ps_journal first = {0};
    ps_journal_new_id(&first);
    id = first.id;
    for (size_t k = 0; k < nhomes; k++) {
        ps_journal *j = &homes[k].rec;
        j->id = ps_xstrdup(id);
        ps_home_id_set(&j->home, homes[k].st.st_dev, homes[k].st.st_ino, homes[k].real);
        ps_home_id_set(&j->commit, homes[commit].st.st_dev, homes[commit].st.st_ino,
                       homes[commit].real);
        for (size_t o = 0; o < nhomes; o++)
            if (o != k)
                ps_journal_add_peer(j, homes[o].st.st_dev, homes[o].st.st_ino, homes[o].real);
        add_pending(&j->part, s, n, (long)k);
    }
    ps_journal_free(&first);
}

/*
 * Puts every home's record in place, the commit home's last, so that it
 * holding the record means every home holds its own. -1 leaves none.
 */
static int write_records(home *homes, size_t nhomes, size_t commit, ps_error *err)
{
    for (size_t k = 0; k < nhomes; k++) {
        size_t i = commit_last(k, commit, nhomes);
        /* A record whose folder could not be synced might not survive a
         * crash: not good enough to rename anything after. */
        if (ps_journal_write(homes[i].fd, homes[i].shown, &homes[i].rec, err) != 0) {
            for (size_t o = 0; o < nhomes; o++)
                if (homes[o].recorded || o == i)
                    (void)ps_journal_erase(homes[o].fd, homes[o].shown, NULL);
            for (size_t o = 0; o < nhomes; o++)
                homes[o].recorded = 0;
            return -1;
        }
        homes[i].recorded = 1;
    }
    return 0;
}

/*
 * Removes the records, the commit home's first: from then on no home's
 * record counts. A failure here is after every file is in place: a warning.
 */
static void erase_records(home *homes, size_t nhomes, size_t commit, ps_diags *warnings)
{
    for (size_t k = 0; k < nhomes; k++) {
        size_t i = k == 0 ? commit : k <= commit ? k - 1 : k;
        if (!homes[i].recorded)
            continue;
        ps_error e = {{0}, 0, 0, {0}};
        int rc = ps_journal_erase(homes[i].fd, homes[i].shown, &e);
        if (rc == 0) {
            homes[i].recorded = 0;
            continue;
        }
        if (warnings && rc == -1)
            ps_diag_add(warnings, e.path, 0, 0,
                        "%s; every file is updated: 'portshift recover %s' removes the record",
                        e.message, homes[i].shown);
        else if (warnings)
            ps_diag_add(warnings, e.path, 0, 0,
                        "%s; every file is updated, but the record's removal may not survive a "
                        "crash",
                        e.message);
        if (rc == -2)
            homes[i].recorded = 0;
    }
}

/* ---- undo ---- */

/* fsyncs folder `fd` unless an earlier call synced the same folder. */
static int sync_once(int fd, struct stat *seen, size_t *nseen, const char *shown, ps_error *err)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return ps_error_set(err, shown, 0, 0, "cannot stat: %s", strerror(errno));
    for (size_t i = 0; i < *nseen; i++)
        if (seen[i].st_dev == st.st_dev && seen[i].st_ino == st.st_ino)
            return 0;
    seen[(*nseen)++] = st;
    if (fsync(fd) < 0)
        return ps_error_set(err, shown, 0, 0, "cannot sync: %s", strerror(errno));
    return 0;
}

/* fsyncs each folder the apply renamed into, once. */
static int sync_folders(const ps_write *w, const slot *s, size_t n, ps_error *err)
{
    struct stat *seen = ps_xcalloc(2 * n, sizeof *seen);
    size_t nseen = 0;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        /* Named as the caller knows it: the folder of the path as named, or
         * for a link the folder its target lies in. */
        char *named = ps_path_dir(w[i].path), *target = NULL;
        if (named && s[i].link) {
            char *dir = ps_path_dir(s[i].target);
            target = dir ? ps_path_shown(dir) : NULL;
            free(dir);
        }
        if (!named || (s[i].link && !target))
            rc = ps_error_oom(err);
        else if (!s[i].skip)
            rc = sync_once(s[i].dirfd, seen, &nseen, target ? target : named, err);
        if (rc == 0 && s[i].bak)
            rc = sync_once(s[i].bakfd, seen, &nseen, named, err);
        free(named);
        free(target);
    }
    free(seen);
    return rc;
}

/*
 * Puts the original bytes back in every target already renamed, after a
 * rename or a folder sync failed. It is an apply of its own, recorded like
 * one: the originals are staged; each other home's record is rewritten to
 * carry both what is left of the apply and the undo; the commit home's
 * record then switches to the undo (until then a crash finishes the apply;
 * from then on it finishes the undo); the originals are renamed, synced,
 * and the records removed. Backups already renamed stay: they hold the
 * original bytes.
 *
 * Returns 1 when staged files must stay because a record still names them
 * (the message says what finishes the job), 0 when they can go.
 */
static int undo(const ps_write *w, slot *s, size_t n, home *homes, size_t nhomes, size_t commit,
                ps_error *err)
{
    ps_error uerr = {{0}, 0, 0, {0}};
    int failed = 0;
    ps_journal ids = {0};
    ps_journal_new_id(&ids);
    for (size_t j = 0; j < n && !failed; j++)
        if (s[j].renamed)
            failed = stage(s[j].dirfd, s[j].name, w[j].expect, w[j].expect_len, &s[j].origin,
                           &s[j].orig_tmp, w[j].path, &uerr) < 0;
    for (size_t k = 0; k < nhomes && !failed; k++) {
        size_t i = commit_last(k, commit, nhomes);
        ps_journal *rec = &homes[i].rec;
        ps_journal next = {0};
        next.id = ps_xstrdup(i == commit ? ids.id : rec->id);
        ps_home_id_set(&next.home, rec->home.dev, rec->home.ino, rec->home.path);
        ps_home_id_set(&next.commit, rec->commit.dev, rec->commit.ino, rec->commit.path);
        for (size_t p = 0; p < rec->npeers; p++)
            ps_journal_add_peer(&next, rec->peers[p].dev, rec->peers[p].ino, rec->peers[p].path);
        ps_journal_part *u = &next.part;
        if (i != commit) {
            add_pending(&next.part, s, n, (long)i);
            next.undo_id = ps_xstrdup(ids.id);
            u = &next.undo;
        }
        for (size_t j = 0; j < n; j++) {
            const slot *own = s[j].skip ? &s[s[j].dup] : &s[j];
            if (s[j].h == (long)i && own->orig_tmp)
                add_move(u, &s[j], own->orig_tmp, 1);
        }
        for (size_t j = 0; j < n; j++) {
            if (s[j].h != (long)i)
                continue;
            if (s[j].tmp && !s[j].link) {
                char *d = sibling(s[j].target, s[j].tmp);
                ps_journal_add_drop(u, d);
                free(d);
            }
            if (s[j].bak_tmp) {
                char *d = sibling(s[j].bak_rel, s[j].bak_tmp);
                ps_journal_add_drop(u, d);
                free(d);
            }
        }
        int rc = ps_journal_write(homes[i].fd, homes[i].shown, &next, &uerr);
        ps_journal_free(&next);
        if (rc == -1)
            failed = 1;
        homes[i].recorded = 1;
        if (rc == -2 && i == commit)
            failed = 1;
    }
    ps_journal_free(&ids);
    if (failed) {
        /* Not a single original is back, and the apply's records still
         * count: its staged files stay for 'portshift recover'. */
        for (size_t j = 0; j < n; j++)
            if (s[j].orig_tmp)
                unlinkat(s[j].dirfd, s[j].orig_tmp, 0);
        ps_error_append(err, "; the originals could not be restored: %s%s%s", uerr.path,
                        uerr.path[0] ? ": " : "", uerr.message);
        if (nhomes)
            ps_error_append(err, "; 'portshift recover %s' finishes the apply",
                            homes[commit].shown);
        return nhomes > 0;
    }
    /* Every file gets its chance, even after one fails. */
    for (size_t j = 0; j < n; j++) {
        if (!s[j].orig_tmp)
            continue;
        if (renameat(s[j].dirfd, s[j].orig_tmp, s[j].dirfd, s[j].name) < 0) {
            ps_error_append(err, "; %s could not be restored: cannot replace: %s", w[j].path,
                            strerror(errno));
            failed = 1;
            continue;
        }
        free(s[j].orig_tmp);
        s[j].orig_tmp = NULL;
        s[j].renamed = 0;
        if (fsync(s[j].dirfd) < 0) {
            ps_error_append(err, "; the restored %s may not survive a crash: %s", w[j].path,
                            strerror(errno));
            failed = 1;
        }
    }
    if (failed && nhomes) {
        ps_error_append(err, "; 'portshift recover %s' finishes the restore", homes[commit].shown);
        return 1;
    }
    ps_diags ignored = {0};
    erase_records(homes, nhomes, commit, &ignored);
    ps_diags_free(&ignored);
    return 0;
}

/* ---- the whole ---- */

int ps_apply_write(const ps_write *w, size_t n, unsigned flags, ps_diags *warnings, ps_error *err)
{
    int rc = -1, keep = 0;
    slot *s;
    home *homes;
    size_t nhomes = 0, commit = 0;
    if (n == 0)
        return 0;
    s = ps_xcalloc(n, sizeof *s);
    homes = ps_xcalloc(n, sizeof *homes);
    for (size_t i = 0; i < n; i++)
        s[i].dirfd = s[i].bakfd = -1;

    for (size_t i = 0; i < n; i++) {
        s[i].h = -1;
        if (w[i].home && !w[i].rel) {
            ps_error_set(err, w[i].path, 0, 0, "no path relative to its home");
            goto done;
        }
        if (w[i].home && (s[i].h = home_index(homes, &nhomes, w[i].home, err)) < 0)
            goto done;
        if (stage_one(&w[i], &s[i], homes, err) < 0)
            goto done;
        /*
         * Two homes may share a file through symlinks. The same new bytes
         * are one write; different ones mean the plan contradicts itself.
         */
        for (size_t j = 0; j < i; j++) {
            if (s[j].skip || s[i].dev != s[j].dev || s[i].ino != s[j].ino ||
                strcmp(s[i].name, s[j].name) != 0)
                continue;
            if (w[i].len != w[j].len || (w[i].len && memcmp(w[i].data, w[j].data, w[i].len))) {
                ps_error_set(err, w[i].path, 0, 0, "same file as %s, with different new contents",
                             w[j].path);
                goto done;
            }
            s[i].skip = 1;
            s[i].dup = (long)j;
            break;
        }
        /* A path sharing its target with an earlier one still gets its own backup. */
        if (stage_files(&w[i], &s[i], flags, err) < 0)
            goto done;
    }
    /* The commit home is the first home with a file of its own to write. */
    for (size_t i = 0; i < n; i++) {
        if (!s[i].skip && s[i].h >= 0) {
            commit = (size_t)s[i].h;
            break;
        }
    }

    /* Every file is staged and synced: record what follows before the first rename. */
    plan_records(homes, nhomes, commit, s, n);
    if (write_records(homes, nhomes, commit, err) < 0)
        goto done;
    for (size_t i = 0; i < n; i++) {
        if (s[i].skip)
            continue;
        if (renameat(s[i].dirfd, s[i].tmp, s[i].dirfd, s[i].name) < 0) {
            ps_error_set(err, w[i].path, 0, 0, "cannot replace: %s", strerror(errno));
            goto undo;
        }
        free(s[i].tmp);
        s[i].tmp = NULL;
        s[i].renamed = 1;
    }
    /*
     * Backups last, once every target holds its new bytes: a failure before
     * this point has written no backup at all. If a backup cannot be put in
     * place, the targets go back to their original bytes; backups already
     * renamed then hold exactly those bytes. RENAME_NOREPLACE: a backup that
     * appeared since it was looked for is somebody's, and stays.
     */
    for (size_t i = 0; i < n; i++) {
        if (!s[i].bak_tmp)
            continue;
        if (renameat2(s[i].bakfd, s[i].bak_tmp, s[i].bakfd, s[i].bak, RENAME_NOREPLACE) < 0) {
            char *bak = ps_backup_name(w[i].path);
            ps_error_set(err, bak, 0, 0, "cannot put the backup in place: %s", strerror(errno));
            free(bak);
            goto undo;
        }
        free(s[i].bak_tmp);
        s[i].bak_tmp = NULL;
    }
    /* Until the folders are synced the renames may not survive a crash:
     * a failure here is a failed apply, undone like a failed rename. */
    if (sync_folders(w, s, n, err) < 0)
        goto undo;
    erase_records(homes, nhomes, commit, warnings);
    rc = 0;
    goto done;
undo:
    keep = undo(w, s, n, homes, nhomes, commit, err);
done:
    for (size_t i = 0; i < n; i++) {
        if (s[i].tmp && !keep)
            unlinkat(s[i].dirfd, s[i].tmp, 0);
        if (s[i].bak_tmp && !keep)
            unlinkat(s[i].bakfd, s[i].bak_tmp, 0);
        if (s[i].dirfd >= 0)
            close(s[i].dirfd);
        if (s[i].bakfd >= 0)
            close(s[i].bakfd);
        free(s[i].tmp);
        free(s[i].bak_tmp);
        free(s[i].orig_tmp);
        free(s[i].bak);
        free(s[i].bak_rel);
        free(s[i].name);
        free(s[i].link);
        free(s[i].target);
        ps_meta_free(&s[i].origin);
    }
    /* A failure before the commit leaves no record. */
    for (size_t k = 0; rc < 0 && !keep && k < nhomes; k++)
        if (homes[k].recorded)
            (void)ps_journal_erase(homes[k].fd, homes[k].shown, NULL);
    homes_free(homes, nhomes);
    free(s);
    return rc;
}

int ps_apply_files(const ps_write *w, size_t n, unsigned flags, ps_error *err)
{
    return ps_apply_write(w, n, flags, NULL, err);
}
