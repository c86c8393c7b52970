#define _GNU_SOURCE /* renameat2 */
#include "write/apply.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"
#include "base/keyset.h"
#include "base/ordered.h"
#include "base/path.h"
#include "base/strbuf.h"
#include "write/beneath.h"
#include "write/durable.h"
#include "write/journal.h"
#include "write/meta.h"
#include "write/owner.h"
#include "write/syncs.h"
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
    long first;   /* its first entry (slot.next chains the rest, in order), -1 for none */
    long last;
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
    dev_t file_dev; /* the target's device, */
    ino_t file_ino, staged_ino; /* its inode, the staged file's (outside) */
    int origfd;                 /* the original, kept open across the renames (see room_to_hold) */
    long next;                  /* the next entry of the same home, -1 for none */
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
 * Closes a staged file whose fsync said `sync_err` (0, or its errno): its
 * bytes durable before anything is renamed. Errors name `errpath`.
 */
static int close_staged(int fd, int sync_err, const char *errpath, ps_error *err)
{
    int rc = 0;
    if (sync_err)
        rc = ps_error_set(err, errpath, 0, 0, "cannot sync: %s", strerror(sync_err));
    /* NFS and friends may report a failed write only here. */
    if (close(fd) < 0 && rc == 0)
        rc = ps_error_set(err, errpath, 0, 0, "cannot write: %s", strerror(errno));
    return rc;
}

/* Syncs and closes a staged file. */
static int sync_staged(int fd, const char *errpath, ps_error *err)
{
    return close_staged(fd, fsync(fd) < 0 ? errno : 0, errpath, err);
}

/*
 * Writes data[0..len) to a new staged file for `base` in folder `dirfd`,
 * with the original's metadata (or an error saying what it cannot keep),
 * synced and closed. *tmp receives its name in that folder (the caller
 * unlinks and frees it). Errors name `errpath`, the name the caller knows.
 */
static int stage(int dirfd, const char *base, const char *data, size_t len, const ps_meta *meta,
                 char **tmp, const char *errpath, ps_error *err)
{
    int rc = -1;
    char *name = NULL;
    int fd = ps_stage_at(dirfd, base, &name);
    if (fd < 0) {
        if (errno == ENOMEM)
            ps_error_oom(err);
        else
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
    rc = sync_staged(fd, errpath, err);
    fd = -1;
done:
    if (fd >= 0)
        close(fd);
    if (rc < 0 && name) {
        unlinkat(dirfd, name, 0);
        free(name);
        name = NULL;
    }
    *tmp = name;
    return rc;
}

#define BAK ".bak"

char *ps_backup_name(const char *path)
{
    return ps_asprintf("%s" BAK, path);
}

int ps_backup_exists(const char *path)
{
    struct stat st;
    /* On the stack, so the answer needs no memory: a name longer than this
     * is one lstat could not take either. */
    char bak[PATH_MAX + sizeof BAK];
    size_t n = strlen(path);
    if (n + sizeof BAK > sizeof bak)
        return 0;
    memcpy(bak, path, n);
    memcpy(bak + n, BAK, sizeof BAK);
    /* lstat: a symlink there, even a dangling one, is somebody's backup too. */
    return lstat(bak, &st) == 0;
}

/* `name` in the folder of `path`, spelled as in `path` ("a/b/x" + "y" = "a/b/y"); NULL when out
 * of memory. */
static char *sibling(const char *path, const char *name)
{
    const char *base = ps_path_base(path);
    return ps_asprintf("%.*s%s", (int)(base - path), path, name);
}

/* ---- the homes ---- */

/*
 * The index of the home named `shown`, opened on first sight. The caller's
 * entries come home by home, so the home of the entry before (*hint) is
 * asked first; any other name is opened and told from the known homes by
 * identity through `ids` (the same folder by two names, or named again
 * after another home's entries, is one home), so that finding homes stays
 * linear in the entries.
 */
static long home_index(home *homes, size_t *nhomes, long *hint, ps_keyset *ids, const char *shown,
                       ps_error *err)
{
    if (*hint >= 0 && strcmp(homes[*hint].shown, shown) == 0)
        return *hint;
    home *h = &homes[*nhomes];
    *h = (home){.shown = shown, .fd = -1, .first = -1, .last = -1};
    h->fd = open(shown, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (h->fd < 0 || fstat(h->fd, &h->st) < 0) {
        ps_error_set(err, shown, 0, 0, "cannot open home: %s", strerror(errno));
        if (h->fd >= 0)
            close(h->fd);
        h->fd = -1;
        return -1;
    }
    int added = ps_keyset_add(ids, (uint64_t)h->st.st_dev, (uint64_t)h->st.st_ino);
    for (size_t i = 0; added == 0 && i < *nhomes; i++) {
        if (homes[i].st.st_dev == h->st.st_dev && homes[i].st.st_ino == h->st.st_ino) {
            close(h->fd);
            h->fd = -1;
            return *hint = (long)i;
        }
    }
    if (added < 0) {
        close(h->fd);
        h->fd = -1;
        return ps_error_oom(err);
    }
    h->real = realpath(shown, NULL);
    if (!h->real) {
        if (errno == ENOMEM)
            ps_error_oom(err);
        else
            ps_error_set(err, shown, 0, 0, "cannot resolve: %s", strerror(errno));
        close(h->fd);
        h->fd = -1;
        return -1;
    }
    h->restricted = h->st.st_uid != geteuid();
    if (h->restricted && ps_owner_of(&h->owner, h->st.st_uid, h->st.st_gid) < 0) {
        free(h->real);
        close(h->fd);
        return ps_error_oom(err);
    }
    return *hint = (long)(*nhomes)++;
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

/* A copy of `s` into *out: 0, or -1 (err set) when out of memory. */
static int copy(char **out, const char *s, ps_error *err)
{
    *out = ps_strdup(s);
    return *out ? 0 : ps_error_oom(err);
}

/* Without trailing slashes, the length of p[0..n). */
static size_t trim_slashes(const char *p, size_t n)
{
    while (n > 0 && p[n - 1] == '/')
        n--;
    return n;
}

/* 1 when w->path is its home joined with w->rel (ps_path_join's spelling), as the load names
 * the files of a home. */
static int named_in_home(const ps_write *w)
{
    size_t lp = strlen(w->path), lr = strlen(w->rel), lh = strlen(w->home);
    if (lp <= lr || w->path[lp - lr - 1] != '/' || memcmp(w->path + lp - lr, w->rel, lr) != 0)
        return 0;
    size_t head = trim_slashes(w->path, lp - lr - 1), hlen = trim_slashes(w->home, lh);
    return head == hlen && memcmp(w->path, w->home, head) == 0;
}

/*
 * Where entry w is written. In a home another user owns (the privilege
 * boundary): the path beneath the home, no symlink followed but the file's
 * own. In the caller's own home, and for a file of no home: the path as
 * named, symlinks and all (nothing there can lead the caller anywhere its
 * own rights do not). Either way a target back in the home is a file of the
 * home; one outside it is a "link" of the record.
 *
 * In the caller's own home, a path that reaches its folder beneath the home
 * without a symlink names the same folder as the path as named: that walk
 * answers where the file is, with no realpath of it (a readlink per folder
 * of the whole path, for every file of every home).
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
        s->bakfd = s->dirfd; /* one descriptor, closed once */
        if (copy(&s->name, leaf, err) < 0 || copy(&s->target, w->rel, err) < 0)
            return -1;
        return 0;
    }
    int beneath = h && (h->restricted || named_in_home(w));
    if (beneath &&
        ps_beneath_dir(h->fd, w->rel, &s->bakfd, &leaf, w->path, h->restricted ? err : NULL) < 0) {
        if (h->restricted)
            return -1;
        beneath = 0; /* a symlinked folder on the way: the path as named, resolved */
    }
    if (!beneath) {
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
    if (h && !(s->bak_rel = ps_backup_name(w->rel)))
        return ps_error_oom(err);
    if (!(s->bak = ps_backup_name(leaf)))
        return ps_error_oom(err);
    if (!S_ISLNK(st.st_mode) && (!h || beneath)) {
        s->dirfd = s->bakfd; /* one descriptor, closed once */
        if (copy(&s->name, leaf, err) < 0 || (h && copy(&s->target, w->rel, err) < 0))
            return -1;
        return 0;
    }
    /* Resolved from the folder it was found in. */
    char fdpath[64 + NAME_MAX];
    snprintf(fdpath, sizeof fdpath, "/proc/self/fd/%d/%s", s->bakfd, leaf);
    char *real = realpath(fdpath, NULL);
    if (!real)
        return errno == ENOMEM
                   ? ps_error_oom(err)
                   : ps_error_set(err, w->path, 0, 0, "cannot resolve: %s", strerror(errno));
    size_t in = h ? ps_path_under(real, h->real) : 0;
    int rc;
    if (in && real[in]) {
        /* In its home: that file, beneath the home like any other. */
        rc = copy(&s->target, real + in + (real[in] == '/'), err);
        if (rc == 0)
            rc = ps_beneath_dir(h->fd, s->target, &s->dirfd, &leaf, w->path, err);
    } else {
        rc = h ? copy(&s->link, w->rel, err) : 0;
        if (rc == 0 && h)
            rc = copy(&s->target, real, err);
        if (rc == 0)
            rc = ps_resolved_dir(real, &s->dirfd, &leaf, w->path, err);
    }
    if (rc == 0)
        rc = copy(&s->name, leaf, err);
    free(real);
    return rc;
}

/*
 * Resolves and re-checks one entry. Opened as a descriptor below `room`, the
 * original stays open in s->origfd until after the renames (see
 * room_to_hold).
 */
static int stage_one(const ps_write *w, slot *s, home *homes, size_t room, ps_error *err)
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
    if ((size_t)fd < room) {
        s->origfd = fd;
        return 0;
    }
done:
    close(fd);
    return rc;
}

/* Stages the new bytes (unless an earlier entry has: `skip`) and the backup, each synced: a path
 * sharing its target with an earlier entry still gets a backup of its own. */
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
    if (!shown)
        return ps_error_oom(err);
    int rc = stage(s->bakfd, s->bak, w->expect, w->expect_len, &s->origin, &s->bak_tmp, shown, err);
    free(shown);
    return rc;
}

/* ---- the records ---- */

/*
 * How many records stay open between their write and their fsync: enough
 * for the disk to take them together, few enough to leave descriptors for
 * the largest apply.
 */
#define SYNC_BATCH 64

/* The move of entry s, with staged file `tmp` (the new bytes, or for an undo the original ones). */
static int add_move(ps_journal_part *p, const slot *s, const char *tmp, int undo)
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
    if (!staged)
        return -1;
    m.staged = staged;
    m.target = s->target;
    m.old_digest = undo ? s->new_digest : s->old_digest;
    m.new_digest = undo ? s->old_digest : s->new_digest;
    int rc = ps_journal_add_move(p, &m);
    free(staged);
    return rc;
}

static int add_backup(ps_journal_part *p, const slot *s)
{
    char *staged = sibling(s->bak_rel, s->bak_tmp);
    if (!staged)
        return -1;
    ps_journal_move m = {
        .staged = staged, .target = s->bak_rel, .had_old = 0, .new_digest = s->old_digest};
    int rc = ps_journal_add_move(p, &m);
    free(staged);
    return rc;
}

/* A drop of staged file `tmp` beside `target`. */
static int add_drop(ps_journal_part *p, const char *target, const char *tmp)
{
    char *d = sibling(target, tmp);
    int rc = d ? ps_journal_add_drop(p, d) : -1;
    free(d);
    return rc;
}

/*
 * What is left of the apply in home h: the renames not yet made. A file
 * shared with an earlier entry (of another home) is named in both homes'
 * records, with the one staged file: whichever home is dealt with first
 * renames it (or removes it), and the other finds it done. -1 when out of
 * memory.
 */
static int add_pending(ps_journal_part *p, const slot *s, const home *h)
{
    for (long i = h->first; i >= 0; i = s[i].next) {
        const slot *own = s[i].skip ? &s[s[i].dup] : &s[i];
        if (own->tmp && (!s[i].skip || s[i].target) && add_move(p, &s[i], own->tmp, 0) < 0)
            return -1;
    }
    for (long i = h->first; i >= 0; i = s[i].next)
        if (s[i].bak_tmp && add_backup(p, &s[i]) < 0)
            return -1;
    return 0;
}

/* The k-th home to receive a record: every other home, then the commit home. */
static size_t commit_last(size_t k, size_t commit, size_t nhomes)
{
    return k + 1 == nhomes ? commit : k < commit ? k : k + 1;
}

/* Says why home h's record may still be there after every file is in place: -1 when out of
 * memory. */
static int warn_erase(ps_diags *warnings, int rc, const ps_error *e, const home *h)
{
    if (!warnings)
        return 0;
    if (rc == -1)
        return ps_diag_add(warnings, e->path, 0, 0,
                           "%s; every file is updated: 'portshift recover %s' removes the "
                           "record",
                           e->message, h->shown);
    return ps_diag_add(warnings, e->path, 0, 0,
                       "%s; every file is updated, but the record's removal may not survive a "
                       "crash",
                       e->message);
}

/*
 * fsyncs the folders of the homes other than the commit home (in the order
 * commit_last gives them), together. With `recorded`, only those whose
 * record was removed (recorded == 1, then set to 0), and a failure is a
 * warning for each (-1 when one cannot be kept); without, all of them, and
 * the first to fail is the error.
 */
static int sync_homes(home *homes, size_t nhomes, size_t commit, ps_diags *warnings, int recorded,
                      ps_error *err)
{
    size_t others = nhomes ? nhomes - 1 : 0;
    int oom = 0;
    for (size_t k0 = 0; k0 < others; k0 += SYNC_BATCH) {
        ps_fsync_job jobs[SYNC_BATCH];
        size_t at[SYNC_BATCH], n = 0;
        for (size_t k = k0; k < others && k < k0 + SYNC_BATCH; k++) {
            size_t i = commit_last(k, commit, nhomes);
            if (recorded && homes[i].recorded != 1)
                continue;
            if (recorded)
                homes[i].recorded = 0;
            at[n] = i;
            jobs[n++] = (ps_fsync_job){homes[i].fd, 0};
        }
        ps_fsync_each(jobs, n);
        for (size_t k = 0; k < n; k++) {
            if (!jobs[k].err)
                continue;
            ps_error e = {{0}, 0, 0, {0}};
            ps_error_set(recorded ? &e : err, homes[at[k]].shown, 0, 0, "cannot sync: %s",
                         strerror(jobs[k].err));
            if (!recorded)
                return -1;
            oom |= warn_erase(warnings, -2, &e, &homes[at[k]]) < 0;
        }
    }
    return oom ? -1 : 0;
}

/* Every home's record of the apply: the same id, the first home commits. */
static int plan_records(home *homes, size_t nhomes, size_t commit, const slot *s, ps_error *err)
{
    ps_journal first = {0};
    int rc = ps_journal_new_id(&first);
    for (size_t k = 0; k < nhomes && rc == 0; k++) {
        ps_journal *j = &homes[k].rec;
        if (!(j->id = ps_strdup(first.id)) ||
            ps_home_id_set(&j->home, homes[k].st.st_dev, homes[k].st.st_ino, homes[k].real) < 0 ||
            ps_home_id_set(&j->commit, homes[commit].st.st_dev, homes[commit].st.st_ino,
                           homes[commit].real) < 0) {
            rc = -1;
            break;
        }
        for (size_t o = 0; o < nhomes && rc == 0; o++)
            if (o != k)
                rc = ps_journal_add_peer(j, homes[o].st.st_dev, homes[o].st.st_ino, homes[o].real);
        if (rc == 0)
            rc = add_pending(&j->part, s, &homes[k]);
    }
    ps_journal_free(&first);
    return rc < 0 ? ps_error_oom(err) : 0;
}

/*
 * Puts every home's record in place, the commit home's last, so that it
 * holding the record means every home holds its own. The other homes'
 * records go SYNC_BATCH at a time: staged together, synced and renamed,
 * then each of their folders synced once; only then is the commit home's
 * written. -1 leaves none.
 */
static int write_records(home *homes, size_t nhomes, size_t commit, ps_error *err)
{
    ps_journal_staged st[SYNC_BATCH];
    size_t others = nhomes ? nhomes - 1 : 0;
    int rc = 0, tried_commit = 0;
    for (size_t k0 = 0; k0 < others && rc == 0; k0 += SYNC_BATCH) {
        size_t end = others - k0 < SYNC_BATCH ? others : k0 + SYNC_BATCH, staged = 0;
        for (size_t k = k0; k < end && rc == 0; k++) {
            size_t i = commit_last(k, commit, nhomes);
            rc = ps_journal_stage(homes[i].fd, homes[i].shown, &homes[i].rec, &st[k - k0], err);
            staged += rc == 0;
        }
        ps_fsync_job jobs[SYNC_BATCH];
        for (size_t k = 0; k < staged && rc == 0; k++)
            jobs[k] = (ps_fsync_job){st[k].fd, 0};
        if (rc == 0)
            ps_fsync_each(jobs, staged);
        for (size_t k = k0; k < k0 + staged; k++) {
            size_t i = commit_last(k, commit, nhomes);
            if (rc == 0)
                rc = ps_journal_place_synced(homes[i].fd, homes[i].shown, &st[k - k0],
                                             jobs[k - k0].err, err);
            else
                ps_journal_unstage(homes[i].fd, &st[k - k0]);
            homes[i].recorded |= rc == 0;
        }
    }
    /* A record whose folder could not be synced might not survive a
     * crash: not good enough to rename anything after. */
    if (rc == 0)
        rc = sync_homes(homes, nhomes, commit, NULL, 0, err);
    if (rc == 0 && nhomes) {
        tried_commit = 1;
        rc = ps_journal_write(homes[commit].fd, homes[commit].shown, &homes[commit].rec, err);
        homes[commit].recorded = rc == 0;
    }
    if (rc == 0)
        return 0;
    for (size_t o = 0; o < nhomes; o++)
        if (homes[o].recorded || (o == commit && tried_commit))
            (void)ps_journal_erase(homes[o].fd, homes[o].shown, NULL);
    for (size_t o = 0; o < nhomes; o++)
        homes[o].recorded = 0;
    return -1;
}

/*
 * Removes the records, the commit home's first and durably: from then on no
 * home's record counts. Then the others, each folder synced once after.
 * A failure here is after every file is in place: a warning. -1 when a
 * warning could not be kept for want of memory.
 */
static int erase_records(home *homes, size_t nhomes, size_t commit, ps_diags *warnings)
{
    int oom = 0;
    for (size_t k = 0; k < nhomes; k++) {
        size_t i = k == 0 ? commit : k <= commit ? k - 1 : k;
        if (!homes[i].recorded)
            continue;
        ps_error e = {{0}, 0, 0, {0}};
        int rc = i == commit ? ps_journal_erase(homes[i].fd, homes[i].shown, &e)
                             : ps_journal_remove(homes[i].fd, homes[i].shown, &e);
        if (rc == 0 && i != commit)
            continue; /* synced below */
        if (rc == 0) {
            homes[i].recorded = 0;
            continue;
        }
        oom |= warn_erase(warnings, rc, &e, &homes[i]) < 0;
        if (rc == -2)
            homes[i].recorded = 0;
        if (rc == -1 && i != commit)
            homes[i].recorded = -1; /* still there: no sync below */
    }
    oom |= sync_homes(homes, nhomes, commit, warnings, 1, NULL) < 0;
    for (size_t i = 0; i < nhomes; i++)
        if (homes[i].recorded == -1)
            homes[i].recorded = 1;
    return oom ? -1 : 0;
}

/* ---- undo ---- */

/* A folder the apply renamed into, in the order the apply first named it. */
typedef struct folder {
    dev_t dev;
    ino_t ino;
    size_t order;
    size_t entry;
    int bak;   /* the folder of the backup (bakfd), else of the target (dirfd) */
    int first; /* the first with its (dev, ino): the one synced */
} folder;

static int folder_cmp(const void *a, const void *b)
{
    const folder *x = a, *y = b;
    if (x->dev != y->dev)
        return x->dev < y->dev ? -1 : 1;
    if (x->ino != y->ino)
        return x->ino < y->ino ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

static int order_cmp(const void *a, const void *b)
{
    const folder *x = a, *y = b;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* The descriptor of folder f: the backup's folder, or the target's. */
static int folder_fd(const slot *s, const folder *f)
{
    return f->bak ? s->bakfd : s->dirfd;
}

/* Says that one folder's fsync failed with `sync_err`, naming it as the
 * caller knows it: the folder of the path as named, or for a link the
 * folder its target lies in. */
static int folder_failed(const ps_write *w, const slot *s, const folder *f, int sync_err,
                         ps_error *err)
{
    char *named = ps_path_dir(w->path), *target = NULL;
    int rc;
    if (named && !f->bak && s->link) {
        char *dir = ps_path_dir(s->target);
        target = dir ? ps_path_shown(dir) : NULL;
        free(dir);
    }
    if (!named || (!f->bak && s->link && !target))
        rc = ps_error_oom(err);
    else
        rc =
            ps_error_set(err, target ? target : named, 0, 0, "cannot sync: %s", strerror(sync_err));
    free(named);
    free(target);
    return rc;
}

/*
 * fsyncs each folder the apply renamed into, once, all together; the first
 * to fail in the order the entries name them is the one said. The folders
 * are sorted by identity to find each one's first naming, so the count of
 * entries does not square.
 */
static int sync_folders(const ps_write *w, const slot *s, size_t n, ps_error *err)
{
    /* The folders, then a job for each: one allocation. */
    folder *f = ps_calloc(2 * n + 1, sizeof *f + sizeof(ps_fsync_job));
    size_t nf = 0, njobs = 0;
    int rc = 0;
    if (!f)
        return ps_error_oom(err);
    ps_fsync_job *jobs = (ps_fsync_job *)(f + 2 * n + 1);
    for (size_t i = 0; i < n && rc == 0; i++) {
        for (int bak = 0; bak < 2 && rc == 0; bak++) {
            struct stat st;
            if (bak ? !s[i].bak : s[i].skip)
                continue;
            if (fstat(bak ? s[i].bakfd : s[i].dirfd, &st) < 0) {
                char *named = ps_path_dir(w[i].path);
                rc = named ? ps_error_set(err, named, 0, 0, "cannot stat: %s", strerror(errno))
                           : ps_error_oom(err);
                free(named);
                break;
            }
            f[nf] = (folder){st.st_dev, st.st_ino, nf, i, bak, 0};
            nf++;
        }
    }
    if (rc == 0) {
        ps_sort(f, nf, sizeof *f, folder_cmp);
        for (size_t k = 0; k < nf; k++)
            f[k].first = k == 0 || f[k].dev != f[k - 1].dev || f[k].ino != f[k - 1].ino;
        ps_sort(f, nf, sizeof *f, order_cmp);
        for (size_t k = 0; k < nf; k++)
            if (f[k].first)
                jobs[njobs++] = (ps_fsync_job){folder_fd(&s[f[k].entry], &f[k]), 0};
        ps_fsync_each(jobs, njobs);
    }
    for (size_t k = 0, j = 0; k < nf && rc == 0; k++)
        if (f[k].first && jobs[j++].err)
            rc = folder_failed(&w[f[k].entry], &s[f[k].entry], &f[k], jobs[j - 1].err, err);
    free(f);
    return rc;
}

/*
 * The record that undoes the apply in home i: for the commit home, the
 * undo itself under a new id; for another home, what is left of the apply
 * and the undo after it. -1 when out of memory.
 */
static int undo_record(ps_journal *next, const slot *s, const home *homes, size_t i, size_t commit,
                       const char *undo_id)
{
    const ps_journal *rec = &homes[i].rec;
    if (ps_journal_copy_head(next, rec, i == commit ? undo_id : rec->id) < 0)
        return -1;
    ps_journal_part *u = &next->part;
    if (i != commit) {
        if (add_pending(&next->part, s, &homes[i]) < 0 || !(next->undo_id = ps_strdup(undo_id)))
            return -1;
        u = &next->undo;
    }
    for (long j = homes[i].first; j >= 0; j = s[j].next) {
        const slot *own = s[j].skip ? &s[s[j].dup] : &s[j];
        if (own->orig_tmp && add_move(u, &s[j], own->orig_tmp, 1) < 0)
            return -1;
    }
    for (long j = homes[i].first; j >= 0; j = s[j].next) {
        if (s[j].tmp && !s[j].link && add_drop(u, s[j].target, s[j].tmp) < 0)
            return -1;
        if (s[j].bak_tmp && add_drop(u, s[j].bak_rel, s[j].bak_tmp) < 0)
            return -1;
    }
    return 0;
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
    if (ps_journal_new_id(&ids) < 0)
        failed = ps_error_oom(&uerr) < 0;
    for (size_t j = 0; j < n && !failed; j++)
        if (s[j].renamed)
            failed = stage(s[j].dirfd, s[j].name, w[j].expect, w[j].expect_len, &s[j].origin,
                           &s[j].orig_tmp, w[j].path, &uerr) < 0;
    for (size_t k = 0; k < nhomes && !failed; k++) {
        size_t i = commit_last(k, commit, nhomes);
        ps_journal next = {0};
        if (undo_record(&next, s, homes, i, commit, ids.id) < 0) {
            ps_journal_free(&next);
            failed = ps_error_oom(&uerr) < 0;
            break;
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
    (void)erase_records(homes, nhomes, commit, NULL);
    return 0;
}

/* ---- the originals ---- */

/*
 * The last close of a file a rename replaced frees its blocks, and where the
 * file system discards freed blocks at once (ext4 with -o discard and no
 * journal) that waits for the disk: renames one after another would each
 * wait (0.1 ms a file on a virtio disk, against 7 us for the rename). So an
 * original stays open from its check to the last rename, and the originals
 * are closed in the background while the folders are synced. It also keeps
 * the time between the first rename and the last short.
 *
 * Only as many as the descriptor limit leaves room for: the descriptor
 * numbers the kernel hands out tell how many are open, and each entry still
 * to stage needs up to two folders, besides the records open at once
 * (SYNC_BATCH), the staged files the stagers hold (two each) and a margin.
 */
static size_t fd_limit(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
        return 0;
    return rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > SIZE_MAX / 4 ? SIZE_MAX / 4
                                                                      : (size_t)rl.rlim_cur;
}

/* Below which descriptor number an original may stay open, `left` entries
 * (this one included) still to stage. */
static size_t room_to_hold(size_t limit, size_t left)
{
    size_t reserve = 2 * left + 3 * SYNC_BATCH;
    return limit > reserve ? limit - reserve : 0;
}

/*
 * Hands the originals kept open to ps_close_start; *held is the array it
 * closes (NULL, and the originals closed with the rest of the entry, when
 * there is no memory for it: nothing fails for that).
 */
static void release_originals(slot *s, size_t n, int **held, ps_closes *closes)
{
    size_t k = 0;
    *held = ps_calloc(n, sizeof **held);
    if (!*held)
        return;
    for (size_t i = 0; i < n; i++) {
        if (s[i].origfd >= 0)
            (*held)[k++] = s[i].origfd;
        s[i].origfd = -1;
    }
    ps_close_start(closes, *held, k);
}

/* ---- the whole ---- */

/*
 * Entry i's target is that of an earlier entry (two homes sharing a file
 * through symlinks): *dup is that entry, or -1. The same new bytes are one
 * write; different ones mean the plan contradicts itself. `files` holds the
 * (device, inode) of every target so far, so only a file seen before is
 * compared with the entries before it.
 */
static int find_dup(const ps_write *w, const slot *s, size_t i, ps_keyset *files, long *dup,
                    ps_error *err)
{
    *dup = -1;
    int added = ps_keyset_add(files, (uint64_t)s[i].file_dev, (uint64_t)s[i].file_ino);
    if (added < 0)
        return ps_error_oom(err);
    for (size_t j = 0; added == 0 && j < i; j++) {
        if (s[j].skip || s[i].dev != s[j].dev || s[i].ino != s[j].ino ||
            strcmp(s[i].name, s[j].name) != 0)
            continue;
        if (w[i].len != w[j].len || (w[i].len && memcmp(w[i].data, w[j].data, w[i].len)))
            return ps_error_set(err, w[i].path, 0, 0,
                                "same file as %s, with different new contents", w[j].path);
        *dup = (long)j;
        break;
    }
    return 0;
}

/*
 * Staging on several threads: an entry's files are written, their owner,
 * mode and attributes set, and synced, while other entries' are. Creating
 * and writing files is most of an apply's own work, and an fsync waits for
 * the disk, so several at once keep both cores and the disk's queue busy.
 * As the first entry in order to fail stops the rest (ps_ordered_map), the
 * error said is the one a single thread would have met first. Sixteen: on
 * a two-core virtio disk, staging 350 files took 130 ms on 2 threads, 76 on
 * 8 and 60 on 16, and no less on 32. (The checks before, which read, gain
 * nothing on more threads: 14 ms on one, 14 on two, 21 on sixteen.)
 */
#define STAGERS 16

typedef struct staging {
    const ps_write *w;
    slot *s;
    unsigned flags;
} staging;

/* Its result is only a token of success: what it staged stays in the slot,
 * whose cleanup is the apply's, so there is nothing to take or drop. */
static void *stage_work(void *ctx, size_t i, ps_error *err)
{
    staging *g = ctx;
    return stage_files(&g->w[i], &g->s[i], g->flags, err) < 0 ? NULL : &g->s[i];
}

int ps_apply_write(const ps_write *w, size_t n, unsigned flags, ps_diags *warnings, ps_error *err)
{
    int rc = -1, keep = 0, *held = NULL;
    ps_closes closes;
    slot *s;
    home *homes;
    size_t nhomes = 0, commit = 0, limit = fd_limit();
    long hint = -1;
    ps_keyset ids = PS_KEYSET_INIT, files = PS_KEYSET_INIT;
    if (n == 0)
        return 0;
    s = ps_calloc(n, sizeof *s);
    homes = ps_calloc(n, sizeof *homes);
    if (!s || !homes) {
        free(s);
        free(homes);
        return ps_error_oom(err);
    }
    for (size_t i = 0; i < n; i++) {
        s[i].dirfd = s[i].bakfd = s[i].origfd = -1;
        s[i].h = s[i].next = -1;
    }

    for (size_t i = 0; i < n; i++) {
        if (w[i].home && !w[i].rel) {
            ps_error_set(err, w[i].path, 0, 0, "no path relative to its home");
            goto done;
        }
        if (w[i].home) {
            if ((s[i].h = home_index(homes, &nhomes, &hint, &ids, w[i].home, err)) < 0)
                goto done;
            home *h = &homes[s[i].h];
            if (h->last >= 0)
                s[h->last].next = (long)i;
            else
                h->first = (long)i;
            h->last = (long)i;
        }
        if (stage_one(&w[i], &s[i], homes, room_to_hold(limit, n - i), err) < 0)
            goto done;
        if (find_dup(w, s, i, &files, &s[i].dup, err) < 0)
            goto done;
        s[i].skip = s[i].dup >= 0;
    }
    staging g = {w, s, flags};
    if (ps_ordered_map(n, STAGERS, 2 * STAGERS, stage_work, NULL, NULL, &g, err) < 0)
        goto done;
    /* The commit home is the first home with a file of its own to write. */
    for (size_t i = 0; i < n; i++) {
        if (!s[i].skip && s[i].h >= 0) {
            commit = (size_t)s[i].h;
            break;
        }
    }

    /* Every file is staged and synced: record what follows before the first rename. */
    if (plan_records(homes, nhomes, commit, s, err) < 0 ||
        write_records(homes, nhomes, commit, err) < 0)
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
            int e = errno;
            char *bak = ps_backup_name(w[i].path);
            ps_error_set(err, bak ? bak : w[i].path, 0, 0, "cannot put the backup in place: %s",
                         strerror(e));
            free(bak);
            goto undo;
        }
        free(s[i].bak_tmp);
        s[i].bak_tmp = NULL;
    }
    release_originals(s, n, &held, &closes);
    /* Until the folders are synced the renames may not survive a crash:
     * a failure here is a failed apply, undone like a failed rename. */
    if (sync_folders(w, s, n, err) < 0)
        goto undo;
    /* Every file is in place: only a warning that could not be kept fails the call now. */
    rc = erase_records(homes, nhomes, commit, warnings) < 0 ? ps_error_oom(err) : 0;
    goto done;
undo:
    keep = undo(w, s, n, homes, nhomes, commit, err);
done:
    if (held) {
        ps_close_wait(&closes);
        free(held);
    }
    for (size_t i = 0; i < n; i++) {
        if (s[i].origfd >= 0)
            close(s[i].origfd);
        if (s[i].tmp && !keep)
            unlinkat(s[i].dirfd, s[i].tmp, 0);
        if (s[i].bak_tmp && !keep)
            unlinkat(s[i].bakfd, s[i].bak_tmp, 0);
        if (s[i].dirfd >= 0 && s[i].dirfd != s[i].bakfd)
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
    ps_keyset_free(&ids);
    ps_keyset_free(&files);
    free(s);
    return rc;
}

int ps_apply_files(const ps_write *w, size_t n, unsigned flags, ps_error *err)
{
    return ps_apply_write(w, n, flags, NULL, err);
}
