#define _GNU_SOURCE /* renameat2 */
#include "write/recover.h"

#include <dirent.h>
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
#include "detect/running.h"
#include "write/beneath.h"
#include "write/durable.h"
#include "write/journal.h"
#include "write/owner.h"
#include "parse/file.h"

/* What a target holds, against the digests of its move. */
enum held { HELD_OLD, HELD_NEW, HELD_NOTHING, HELD_OTHER };

/* One move of a record, checked against the disk. */
typedef struct checked {
    const ps_journal_move *m;
    int dirfd;        /* the folder of target and staged file */
    const char *name; /* the target's name there (points into m->target) */
    const char *tmp;  /* the staged file's name there */
    int staged;       /* the staged file is there, and holds the new bytes */
    enum held held;
} checked;

/* What fd_digest and id_held give when out of memory: not "unreadable",
 * which is a verdict on the file; the call fails instead. */
#define NO_MEMORY (-2)

/* The digest of an open regular file's bytes (at most PS_MAX_FILE_SIZE):
 * 0, -1 when it cannot be read, or NO_MEMORY. */
static int fd_digest(int fd, uint64_t *out)
{
    struct stat st;
    if (fstat(fd, &st) < 0 || (size_t)st.st_size > PS_MAX_FILE_SIZE)
        return -1;
    size_t len = (size_t)st.st_size, got = 0;
    char *buf = ps_malloc(len + 1);
    if (!buf)
        return NO_MEMORY;
    while (got < len) {
        ssize_t n = read(fd, buf + got, len - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    int rc = got == len ? 0 : -1;
    *out = ps_bytes_digest(buf, len);
    free(buf);
    return rc;
}

/* Shown paths: the home as named, then the record's path. NULL when out of memory. */
static char *shown_at(const char *home, const char *path)
{
    return path[0] == '/' ? ps_strdup(path) : ps_path_join(home, path);
}

static int fail(ps_error *err, const char *home, const char *path, const char *why)
{
    char *p = shown_at(home, path);
    if (!p)
        return ps_error_oom(err);
    ps_error_set(err, p, 0, 0, "%s", why);
    free(p);
    return -1;
}

/* What a call brings to a record: its flags and the start files it names. */
typedef struct recover_call {
    unsigned flags;
    const char *const *start_files; /* --start-file, as named */
    size_t nstart_files;
    int unnamed; /* a record names a start file the call does not: the error says so */
    int own;     /* the record is the home's own, not a copy's */
} recover_call;

/*
 * A start file outside the home is acted on only when the call names it
 * again: the same real path, device and inode (the one it had before the
 * rename, or the staged file's it has after). The operator named it once;
 * a record alone never makes portshift write outside a home. 1: named; 0:
 * not named; -1: named, but another file has taken its path since.
 */
static int start_file_named(const recover_call *call, const ps_journal_move *m)
{
    int found = 0;
    for (size_t i = 0; i < call->nstart_files && found != 1; i++) {
        struct stat st;
        char *real = realpath(call->start_files[i], NULL);
        if (real && strcmp(real, m->target) == 0)
            found = stat(real, &st) == 0 && st.st_dev == m->dev &&
                            (st.st_ino == m->ino || st.st_ino == m->staged_ino)
                        ? 1
                        : -1;
        free(real);
    }
    return found;
}

/*
 * Opens the folder of one move beneath the home (a link: where the home's
 * symlink still leads; a start file: where it was, when the call names it
 * again) and reads what its target and staged file hold. A path that
 * leaves the home, or a link that leads elsewhere now, makes the record
 * invalid: -1.
 */
static int check_move(int homefd, const char *shown, const ps_journal_move *m,
                      const ps_owner *owner, recover_call *call, checked *c, ps_error *err)
{
    *c = (checked){.m = m, .dirfd = -1};
    const char *leaf;
    if (m->outside && !call->own) {
        /* A copy of the home is finished for its own files: the start file
         * belongs to the original. Nothing to do here (dirfd stays -1). */
        c->held = HELD_NEW;
        return 0;
    }
    if (m->outside) {
        /* --discard only removes the staged file it recorded: no naming needed */
        int named = call->flags & PS_RECOVER_DISCARD ? 1 : start_file_named(call, m);
        if (named == 0) {
            call->unnamed = 1;
            ps_error_set(err, m->target, 0, 0,
                         "a start file the interrupted apply of %s was writing; name it again: "
                         "'portshift recover --start-file %s %s'",
                         shown, m->target, shown);
            return -1;
        }
        if (named < 0) /* the record cannot be finished: the caller says how to drop it */
            return ps_error_set(err, m->target, 0, 0,
                                "not the file the interrupted apply of %s was writing: another "
                                "file has taken its path",
                                shown);
        owner = NULL; /* the operator's file: the caller's rights, no privilege boundary */
        if (ps_resolved_dir(m->target, &c->dirfd, &c->name, m->target, err) < 0)
            return -1;
    } else if (m->link) {
        /* The link as apply found it: beneath the home in a home of another
         * user, through the caller's own symlinks in its own. */
        int linkdir = homefd;
        leaf = m->link;
        if (owner && ps_beneath_dir(homefd, m->link, &linkdir, &leaf, shown, err) < 0)
            return -1;
        char fdpath[64 + PATH_MAX];
        snprintf(fdpath, sizeof fdpath, "/proc/self/fd/%d/%s", linkdir, leaf);
        char *real = realpath(fdpath, NULL);
        if (linkdir != homefd)
            close(linkdir);
        int same = real && strcmp(real, m->target) == 0;
        free(real);
        if (!same)
            return fail(err, shown, m->link, "no longer leads to the file its record names");
        if (ps_resolved_dir(m->target, &c->dirfd, &c->name, m->target, err) < 0)
            return -1;
    } else {
        char *p = shown_at(shown, m->target);
        if (!p)
            return ps_error_oom(err);
        int rc = ps_beneath_dir(homefd, m->target, &c->dirfd, &c->name, p, err);
        free(p);
        if (rc < 0)
            return -1;
    }
    c->tmp = ps_path_base(m->staged);

    int fd = ps_open_regular_at(c->dirfd, c->name);
    struct stat st;
    if (fd < 0 && errno == ENOENT) {
        c->held = HELD_NOTHING;
    } else if (fd < 0) {
        c->held = HELD_OTHER; /* a symlink, a FIFO: never portshift's */
    } else {
        uint64_t d;
        int got = fd_digest(fd, &d);
        c->held = HELD_OTHER;
        if (got == NO_MEMORY) {
            close(fd);
            return ps_error_oom(err);
        }
        if (got == 0)
            c->held = m->had_old && d == m->old_digest ? HELD_OLD
                      : d == m->new_digest             ? HELD_NEW
                                                       : HELD_OTHER;
        if (c->held == HELD_OLD && owner && fstat(fd, &st) == 0 &&
            !ps_owner_can_write(owner, fd, &st)) {
            close(fd);
            return fail(err, shown, m->link ? m->link : m->target,
                        "the home's owner may not write it, so portshift will not");
        }
        close(fd);
    }
    /* A staged file is portshift's: one name, the new bytes, and the owner it
     * was created with or given (the caller, or the target's owner). */
    uid_t target_uid =
        fstatat(c->dirfd, c->name, &st, AT_SYMLINK_NOFOLLOW) == 0 ? st.st_uid : geteuid();
    fd = ps_open_regular_at(c->dirfd, c->tmp);
    if (fd >= 0) {
        uint64_t d;
        int got = -1;
        c->staged = fstat(fd, &st) == 0 && st.st_nlink == 1 &&
                    (st.st_uid == geteuid() || st.st_uid == target_uid ||
                     (owner && st.st_uid == owner->uid)) &&
                    (got = fd_digest(fd, &d)) == 0 && d == m->new_digest;
        close(fd);
        if (got == NO_MEMORY)
            return ps_error_oom(err);
    }
    return 0;
}

static void checked_free(checked *c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (c[i].dirfd >= 0)
            close(c[i].dirfd);
    free(c);
}

/* Checks every move of p; *c gets one entry a move. */
static int check_part(int homefd, const char *shown, const ps_journal_part *p,
                      const ps_owner *owner, recover_call *call, checked **c, ps_error *err)
{
    *c = ps_calloc(p->nmoves + 1, sizeof **c);
    if (!*c)
        return ps_error_oom(err);
    /* Every entry first: a move refused leaves those after it unchecked, and
     * checked_free closes what each holds (calloc's 0 would be stdin). */
    for (size_t i = 0; i < p->nmoves; i++)
        (*c)[i].dirfd = -1;
    for (size_t i = 0; i < p->nmoves; i++)
        if (check_move(homefd, shown, &p->moves[i], owner, call, &(*c)[i], err) < 0)
            return -1;
    return 0;
}

/* Why move c cannot be finished, or NULL. */
static const char *unfinishable(const checked *c)
{
    if (c->held == HELD_NEW)
        return NULL; /* renamed already (a staged file left is only removed) */
    if (c->held == HELD_OTHER || (c->held == HELD_NOTHING && c->m->had_old) ||
        (c->held == HELD_OLD && !c->m->had_old))
        return "changed since the interrupted apply";
    if (!c->staged)
        return "its staged file is missing or does not hold what the record says";
    return NULL;
}

/* A staged file named by a move or a drop, removed if it is one. */
static int remove_staged(int dirfd, const char *name, const char *shown, ps_error *err)
{
    struct stat st;
    if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode) ||
        !ps_is_staged_name(name))
        return 0;
    if (unlinkat(dirfd, name, 0) < 0 && errno != ENOENT)
        return ps_error_set(err, shown, 0, 0, "cannot remove: %s", strerror(errno));
    return 0;
}

static int remove_drops(int homefd, const char *shown, const ps_journal_part *p, ps_error *err)
{
    for (size_t i = 0; i < p->ndrops; i++) {
        int dirfd;
        const char *leaf;
        char *path = shown_at(shown, p->drops[i]);
        if (!path)
            return ps_error_oom(err);
        int rc = ps_beneath_dir(homefd, p->drops[i], &dirfd, &leaf, path, err);
        if (rc == 0) {
            rc = remove_staged(dirfd, leaf, path, err);
            close(dirfd);
        }
        free(path);
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* The staged files of checked moves c[0..n) go (outside a home, only the one recorded). */
static int remove_checked(const checked *c, size_t n, const char *shown, ps_error *err)
{
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (c[i].dirfd < 0)
            continue; /* a copy's start file: the original's */
        if (c[i].m->outside && (fstatat(c[i].dirfd, c[i].tmp, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
                                st.st_ino != c[i].m->staged_ino))
            continue;
        char *path = shown_at(shown, c[i].m->staged);
        if (!path)
            return ps_error_oom(err);
        int rc = remove_staged(c[i].dirfd, c[i].tmp, path, err);
        free(path);
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* Opens a home a record names, for reading: -1 when it is not there (or another folder is). */
static int open_named(const ps_home_id *id)
{
    int fd = open(id->path, O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    if (fd >= 0 && (fstat(fd, &st) < 0 || st.st_dev != id->dev || st.st_ino != id->ino)) {
        close(fd);
        fd = -1;
    }
    return fd;
}

/*
 * The id of the record the home `id` holds: 1 and *out (caller frees; with
 * *done set when that record is a "done" one), 0 none, -1 cannot tell,
 * NO_MEMORY.
 */
static int id_held(const ps_home_id *id, char **out, int *done, ps_error *err)
{
    *out = NULL;
    *done = 0;
    int fd = open_named(id);
    if (fd < 0)
        return -1;
    ps_journal j;
    int rc = ps_journal_read(fd, id->path, &j, err);
    close(fd);
    if (rc < 0 && ps_error_last() == PS_ENOMEM)
        return NO_MEMORY;
    if (rc == 1) {
        *out = j.id;
        *done = ps_journal_is_done(&j);
        j.id = NULL;
        ps_journal_free(&j);
    }
    return rc;
}

/*
 * 1 when a home of j other than its own may still hold a record of the same
 * apply: it does, or it is not where the record says (moved: it may still
 * need this home's record to learn that the apply counted). NO_MEMORY when
 * out of memory.
 */
static int peer_holds(const ps_journal *j)
{
    for (size_t i = 0; i < j->npeers; i++) {
        char *id;
        int done;
        int rc = id_held(&j->peers[i], &id, &done, NULL);
        if (rc == NO_MEMORY)
            return NO_MEMORY;
        int same = rc < 0 || (rc == 1 && strcmp(id, j->id) == 0);
        free(id);
        if (same)
            return 1;
    }
    return 0;
}

/* The part of j that counts; COUNTS_NO_MEMORY: no verdict, out of memory. */
enum verdict { COUNTS_APPLY, COUNTS_UNDO, COUNTS_NONE, COUNTS_UNKNOWN, COUNTS_NO_MEMORY };

static enum verdict which_counts(const ps_journal *j, const checked *c, ps_error *err)
{
    if (ps_journal_is_commit(j))
        return COUNTS_APPLY;
    char *id;
    int done;
    int rc = id_held(&j->commit, &id, &done, err);
    if (rc == NO_MEMORY)
        return COUNTS_NO_MEMORY;
    enum verdict v = COUNTS_UNKNOWN;
    if (rc == 1 && strcmp(id, j->id) == 0)
        v = COUNTS_APPLY;
    else if (rc == 1 && j->undo_id && strcmp(id, j->undo_id) == 0)
        v = COUNTS_UNDO;
    else if (rc >= 0 && j->undo_id)
        v = COUNTS_UNDO; /* the commit home finished the undo and let it go */
    free(id);
    if (v != COUNTS_UNKNOWN)
        return v;
    /* A target with its new bytes and no staged file left was renamed: only
     * an apply that counted renames anything. */
    for (size_t i = 0; i < j->part.nmoves; i++)
        if (c[i].held == HELD_NEW && !c[i].staged)
            return COUNTS_APPLY;
    return rc >= 0 ? COUNTS_NONE : COUNTS_UNKNOWN;
}

/* Names the other homes of the apply that still hold their part (or are
 * gone). -1 when out of memory. */
static int report_peers(ps_strbuf *report, const ps_journal *j)
{
    size_t held = 0, gone = 0;
    for (size_t i = 0; i < j->npeers; i++) {
        char *id, *shown = ps_path_shown(j->peers[i].path);
        int done;
        int rc = id_held(&j->peers[i], &id, &done, NULL);
        if (rc == NO_MEMORY) {
            free(shown);
            return -1;
        }
        if (rc == 1 && !done && strcmp(id, j->id) == 0)
            ps_strbuf_printf(report, "%s%s",
                             held++ ? " "
                                    : "; its other homes still hold theirs: 'portshift recover ",
                             shown ? shown : j->peers[i].path); /* as recorded, without memory */
        gone += rc < 0;
        free(id);
        free(shown);
    }
    if (held)
        ps_strbuf_puts(report, "' finishes them");
    if (gone)
        ps_strbuf_puts(report, "; a home of the apply is not where its record says: 'portshift "
                               "recover' finishes it where it is now");
    return 0;
}

/* What the command that reads says when it meets j, after `why` (NULL: it can be finished). */
static int refuse(const char *shown, const char *record, const ps_journal *j, int own,
                  enum verdict v, const char *why, ps_error *err)
{
    if (why)
        return ps_error_setc(err, PS_ELOCKED, record, 0, 0,
                             "%s; 'portshift recover --discard %s' removes the record and keeps "
                             "the files as they are",
                             why, shown);
    if (!own) {
        char *orig = ps_path_shown(j->home.path);
        ps_error_setc(err, PS_ELOCKED, record, 0, 0,
                      "a copy of %s, with the record of an apply interrupted there; 'portshift "
                      "recover %s' finishes it here",
                      orig ? orig : j->home.path, shown);
        free(orig);
        return -1;
    }
    return ps_error_setc(err, PS_ELOCKED, record, 0, 0,
                         "an apply was interrupted here; 'portshift recover %s' %s", shown,
                         v == COUNTS_NONE ? "cleans it up" : "finishes it");
}

enum { ASSESS_ONLY = 1 << 8, SKIP_COMMIT = 1 << 9 };

static int recover_home(int homefd, const char *shown, recover_call *call, ps_strbuf *report,
                        ps_error *err)
{
    unsigned flags = call->flags;
    ps_journal j;
    checked *apply = NULL, *undo = NULL;
    ps_owner owner = {0}, *restrict_to = NULL;
    char *record = ps_path_join(shown, PS_JOURNAL_NAME);
    if (!record)
        return ps_error_oom(err);
    int rc = ps_journal_read(homefd, shown, &j, err);
    /* Out of memory says nothing of the record: it is never "untrusted" for it. */
    int no_memory = rc < 0 && ps_error_last() == PS_ENOMEM;
    if (rc <= 0) {
        if (rc < 0 && !no_memory && (flags & PS_RECOVER_DISCARD) && !(flags & ASSESS_ONLY)) {
            /* A record that cannot be trusted names nothing portshift acts on. */
            rc = ps_journal_erase(homefd, shown, err) == -1 ? -1 : 0;
            if (rc == 0)
                ps_strbuf_printf(report, "removed %s, which could not be trusted\n", record);
        } else if (rc < 0 && !no_memory) {
            ps_error_append(err, "; 'portshift recover --discard %s' removes it", shown);
        }
        free(record);
        return rc;
    }
    rc = -1;
    struct stat st;
    if (fstat(homefd, &st) < 0) {
        ps_error_set(err, shown, 0, 0, "cannot stat: %s", strerror(errno));
        goto done;
    }
    int own = st.st_dev == j.home.dev && st.st_ino == j.home.ino;
    call->own = own;
    if (ps_journal_is_done(&j)) {
        /* Evidence for other homes; a copy's has no one to tell. */
        int held =
            (flags & ASSESS_ONLY) || !own || (flags & PS_RECOVER_DISCARD) ? 0 : peer_holds(&j);
        rc = held == NO_MEMORY ? ps_error_oom(err) : 0;
        if (!(flags & ASSESS_ONLY) && !held)
            rc = ps_journal_erase(homefd, shown, err) == -1 ? -1 : 0;
        goto done;
    }
    if ((flags & SKIP_COMMIT) && own && ps_journal_is_commit(&j)) {
        rc = 0; /* after the other homes of the call: see ps_recover */
        goto done;
    }
    if (st.st_uid != geteuid()) {
        if (ps_owner_of(&owner, st.st_uid, st.st_gid) < 0) {
            ps_error_oom(err);
            goto done;
        }
        restrict_to = &owner;
    }
    if (check_part(homefd, shown, &j.part, restrict_to, call, &apply, err) < 0 ||
        check_part(homefd, shown, &j.undo, restrict_to, call, &undo, err) < 0) {
        if (ps_error_last() == PS_ENOMEM)
            goto done; /* the record is as good as it was: kept */
        if ((flags & PS_RECOVER_DISCARD) && !(flags & ASSESS_ONLY)) {
            /* Nothing it names is acted on: it goes alone. */
            rc = ps_journal_erase(homefd, shown, err) == -1 ? -1 : 0;
            if (rc == 0)
                ps_strbuf_printf(report, "removed %s, which could not be trusted\n", record);
            goto done;
        }
        if (!call->unnamed)
            ps_error_append(err,
                            "; %s cannot be trusted: 'portshift recover --discard %s' removes it",
                            record, shown);
        goto done;
    }
    enum verdict v = own ? which_counts(&j, apply, err) : COUNTS_APPLY;
    if (v == COUNTS_NO_MEMORY) {
        ps_error_oom(err);
        goto done;
    }
    if (v == COUNTS_UNKNOWN && !(flags & PS_RECOVER_DISCARD)) {
        char *first = ps_path_shown(j.commit.path);
        ps_error_set(err, record, 0, 0,
                     "cannot tell whether the interrupted apply counts: its first home %s is not "
                     "there or holds no readable record; 'portshift recover' that home where it "
                     "is now, or 'portshift recover --discard %s'",
                     first ? first : j.commit.path, shown);
        free(first);
        goto done;
    }
    const ps_journal_part *part = v == COUNTS_UNDO ? &j.undo : &j.part;
    checked *c = v == COUNTS_UNDO ? undo : apply;
    const char *why = NULL, *where = NULL;
    for (size_t i = 0; v != COUNTS_NONE && !why && i < part->nmoves; i++) {
        why = unfinishable(&c[i]);
        where = c[i].m->link ? c[i].m->link : c[i].m->target;
    }
    if (flags & ASSESS_ONLY) {
        char *at = why ? shown_at(shown, where) : NULL;
        rc =
            why && !at ? ps_error_oom(err) : refuse(shown, why ? at : record, &j, own, v, why, err);
        free(at);
        goto done;
    }
    if (flags & PS_RECOVER_DISCARD) {
        if (remove_checked(apply, j.part.nmoves, shown, err) < 0 ||
            remove_checked(undo, j.undo.nmoves, shown, err) < 0 ||
            remove_drops(homefd, shown, &j.part, err) < 0 ||
            remove_drops(homefd, shown, &j.undo, err) < 0 ||
            ps_journal_erase(homefd, shown, err) == -1)
            goto done;
        ps_strbuf_printf(report,
                         "dropped the interrupted apply of %s: its record and staged files are "
                         "removed, every file is as it was found\n",
                         shown);
        rc = 0;
        goto done;
    }
    if (why) {
        char *at = shown_at(shown, where);
        rc = at ? refuse(shown, at, &j, own, v, why, err) : ps_error_oom(err);
        free(at);
        goto done;
    }
    long pid;
    if (v != COUNTS_NONE && !(flags & PS_RECOVER_FORCE) && ps_home_running(shown, &pid)) {
        char *who = ps_process_label("/proc", pid);
        if (!who) {
            ps_error_oom(err);
            goto done;
        }
        ps_error_setc(err, PS_ERUNNING, shown, 0, 0,
                      "an interrupted apply must be finished here, but the server is running "
                      "(wso2carbon.pid: %s); stop it or use --force",
                      who);
        free(who);
        goto done;
    }
    for (size_t i = 0; v != COUNTS_NONE && i < part->nmoves; i++) {
        if (c[i].held == HELD_NEW)
            continue;
        int r = c[i].m->had_old
                    ? renameat(c[i].dirfd, c[i].tmp, c[i].dirfd, c[i].name)
                    : renameat2(c[i].dirfd, c[i].tmp, c[i].dirfd, c[i].name, RENAME_NOREPLACE);
        if (r < 0 || fsync(c[i].dirfd) < 0) {
            int e = errno;
            char *at = shown_at(shown, c[i].m->link ? c[i].m->link : c[i].m->target);
            /* the rename's failure is the news: the home's path names it when memory does not */
            ps_error_set(err, at ? at : shown, 0, 0, "cannot replace: %s", strerror(e));
            free(at);
            goto done;
        }
        c[i].staged = 0;
    }
    /* What does not count goes: the other part's staged files, the drops. */
    if (remove_checked(apply, j.part.nmoves, shown, err) < 0 ||
        remove_checked(undo, j.undo.nmoves, shown, err) < 0 ||
        remove_drops(homefd, shown, &j.part, err) < 0 ||
        remove_drops(homefd, shown, &j.undo, err) < 0)
        goto done;
    int held = v != COUNTS_NONE && own && ps_journal_is_commit(&j) ? peer_holds(&j) : 0;
    if (held == NO_MEMORY) {
        ps_error_oom(err);
        goto done; /* the record stays: the next recover finishes the rest */
    }
    if (held) {
        /* The other homes still need to learn that the apply counted. */
        ps_journal done = {0};
        if (ps_journal_copy_head(&done, &j, j.id) < 0) {
            ps_journal_free(&done);
            ps_error_oom(err);
            goto done; /* the record stays: the next recover finishes the rest */
        }
        int w = ps_journal_write(homefd, shown, &done, err);
        ps_journal_free(&done);
        if (w == -1)
            goto done;
    } else if (ps_journal_erase(homefd, shown, err) == -1) {
        goto done;
    }
    if (v == COUNTS_NONE) {
        ps_strbuf_printf(report,
                         "cleaned up after an interrupted apply of %s (nothing was renamed yet)\n",
                         shown);
    } else {
        ps_strbuf_printf(report, "finished the interrupted %s of %s%s",
                         v == COUNTS_UNDO ? "restore" : "apply", shown,
                         own ? "" : " (a copy: finished in place)");
        if (own && report_peers(report, &j) < 0) {
            ps_error_oom(err);
            goto done;
        }
        ps_strbuf_puts(report, "\n");
    }
    rc = 0;
done:
    checked_free(apply, apply ? j.part.nmoves : 0);
    checked_free(undo, undo ? j.undo.nmoves : 0);
    ps_owner_free(&owner);
    ps_journal_free(&j);
    free(record);
    return rc;
}

int ps_recover_home(int homefd, const char *shown, unsigned flags, ps_strbuf *report, ps_error *err)
{
    recover_call call = {.flags = flags & ~(unsigned)(ASSESS_ONLY | SKIP_COMMIT)};
    return recover_home(homefd, shown, &call, report, err);
}

/*
 * The other homes' parts first, the commit homes' after: a commit home
 * finished while another home of the call still holds its part would keep
 * a "done" record for it. A last pass lets go of the "done" records that
 * the homes of this call no longer need.
 */
int ps_recover_start(const ps_locks *locks, unsigned flags, const char *const *start_files,
                     size_t nstart_files, ps_strbuf *report, ps_error *err)
{
    flags &= ~(unsigned)(ASSESS_ONLY | SKIP_COMMIT);
    for (int pass = 0; pass < 3; pass++)
        for (size_t i = 0; i < locks->n; i++) {
            recover_call call = {.flags = flags | (pass == 0 ? SKIP_COMMIT : 0),
                                 .start_files = start_files,
                                 .nstart_files = nstart_files};
            if (recover_home(locks->items[i].fd, locks->items[i].home, &call, report, err) < 0)
                return -1;
        }
    return 0;
}

int ps_recover(const ps_locks *locks, unsigned flags, ps_strbuf *report, ps_error *err)
{
    return ps_recover_start(locks, flags, NULL, 0, report, err);
}

int ps_recover_refuse(const char *home, ps_error *err)
{
    int fd = open(home, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return ps_error_set(err, home, 0, 0, "cannot open home: %s", strerror(errno));
    int found = ps_journal_exists(fd, home, err);
    int rc = found;
    recover_call call = {.flags = ASSESS_ONLY};
    if (found == 1)
        rc = recover_home(fd, home, &call, NULL, err);
    close(fd);
    return rc < 0 ? -1 : 0;
}

/* Removes the staged files in the folder `dirfd` (with `only`: those staged for that name). */
static int sweep(int dirfd, const char *shown, const char *only, ps_error *err)
{
    int fd = dup(dirfd);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        if (fd >= 0)
            close(fd);
        return ps_error_set(err, shown, 0, 0, "cannot open folder: %s", strerror(errno));
    }
    rewinddir(d);
    int rc = 0;
    for (struct dirent *e; rc == 0 && (e = readdir(d));) {
        if (!ps_is_staged_name(e->d_name) || (only && !ps_is_staged_for(e->d_name, only)))
            continue;
        char *path = ps_path_join(shown, e->d_name);
        rc = path ? remove_staged(dirfd, e->d_name, path, err) : ps_error_oom(err);
        free(path);
    }
    closedir(d);
    return rc;
}

/* The length of rel's folder part ("a/b/c.xml": 3), 0 for a file of the home folder. */
static size_t folder_len(const char *rel)
{
    const char *slash = strrchr(rel, '/');
    return slash ? (size_t)(slash - rel) : 0;
}

/* rels[i] in ps_recover_staged, told apart by folder, then by place. */
typedef struct named {
    const char *rel;
    size_t order;
    int first; /* the first of its folder: the one that sweeps it */
} named;

static int folder_cmp(const void *a, const void *b)
{
    const named *x = a, *y = b;
    size_t lx = folder_len(x->rel), ly = folder_len(y->rel);
    int c = memcmp(x->rel, y->rel, lx < ly ? lx : ly);
    if (c == 0 && lx != ly)
        c = lx < ly ? -1 : 1;
    return c ? c : (x->order > y->order) - (x->order < y->order);
}

static int order_cmp(const void *a, const void *b)
{
    const named *x = a, *y = b;
    return (x->order > y->order) - (x->order < y->order);
}

int ps_recover_staged(int homefd, const char *shown, const char *const *rels, size_t n,
                      ps_error *err)
{
    /* A home's config files share a few folders: each is reached and swept
     * once, from its first file in the order given (sorted by folder to find
     * those, so that many files do not square). */
    named *by = ps_calloc(n + 1, sizeof *by);
    if (!by)
        return ps_error_oom(err);
    for (size_t i = 0; i < n; i++)
        by[i] = (named){rels[i], i, 0};
    ps_sort(by, n, sizeof *by, folder_cmp);
    for (size_t i = 0; i < n; i++) {
        size_t len = folder_len(by[i].rel);
        by[i].first = len > 0 && (i == 0 || folder_len(by[i - 1].rel) != len ||
                                  memcmp(by[i - 1].rel, by[i].rel, len) != 0);
    }
    ps_sort(by, n, sizeof *by, order_cmp);
    int rc = sweep(homefd, shown, NULL, err);
    for (size_t i = 0; i < n && rc == 0; i++) {
        int dirfd;
        const char *leaf;
        if (!by[i].first)
            continue; /* the home folder itself (swept), or a folder swept already */
        if (ps_beneath_dir(homefd, by[i].rel, &dirfd, &leaf, by[i].rel, NULL) < 0)
            continue; /* through a symlinked folder: not this home's to sweep */
        char *dir = ps_path_join(shown, by[i].rel);
        char *folder = dir ? ps_path_dir(dir) : NULL;
        rc = folder ? sweep(dirfd, folder, NULL, err) : ps_error_oom(err);
        free(folder);
        free(dir);
        close(dirfd);
    }
    free(by);
    return rc;
}

int ps_recover_staged_beside(const char *real, ps_error *err)
{
    int dirfd;
    const char *leaf;
    if (ps_resolved_dir(real, &dirfd, &leaf, real, err) < 0)
        return -1;
    char *folder = ps_path_dir(real);
    int rc = folder ? sweep(dirfd, folder, leaf, err) : ps_error_oom(err);
    free(folder);
    close(dirfd);
    return rc;
}
