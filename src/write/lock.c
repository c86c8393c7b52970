#include "write/lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/error.h"
#include "base/strbuf.h"

static long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void nap_ms(long ms)
{
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&t, &t) < 0 && errno == EINTR)
        ;
}

/*
 * Polls rather than blocks: a blocking flock cannot time out without a
 * signal, and a library must not take SIGALRM from its caller. The pauses
 * are short and random: the other side may release its lock only for a
 * moment between two runs (a script applying in a loop), and a fixed pause
 * could fall into step with it and never see that moment.
 */
static int lock_fd(int fd, const char *home, ps_lock_mode mode, int wait_ms, ps_error *err)
{
    long start = now_ms();
    unsigned seed = (unsigned)getpid() ^ (unsigned)start;
    int op = mode == PS_LOCK_EXCLUSIVE ? LOCK_EX : LOCK_SH;
    for (;;) {
        if (flock(fd, op | LOCK_NB) == 0)
            return 0;
        if (errno == EINTR)
            continue;
        if (errno != EWOULDBLOCK)
            return ps_error_set(err, home, 0, 0, "cannot lock: %s", strerror(errno));
        int readers = mode == PS_LOCK_SHARED ? 0 : flock(fd, LOCK_SH | LOCK_NB) == 0;
        if (readers)
            (void)flock(fd, LOCK_UN);
        else if (mode == PS_LOCK_EXCLUSIVE)
            return ps_error_setc(err, PS_ELOCKED, home, 0, 0,
                                 "another portshift is applying to this home");
        if (now_ms() - start >= wait_ms)
            return ps_error_setc(err, PS_ELOCKED, home, 0, 0, "another portshift is %s this home",
                                 readers ? "reading" : "applying to");
        nap_ms(1 + rand_r(&seed) % 4);
    }
}

static int open_home(const char *home, int *fd, ps_error *err)
{
    *fd = open(home, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (*fd < 0)
        return ps_error_set(err, home, 0, 0, "cannot open home: %s", strerror(errno));
    return 0;
}

int ps_home_lock(const char *home, ps_lock_mode mode, int wait_ms, int *fd, ps_error *err)
{
    int d;
    *fd = -1;
    if (open_home(home, &d, err) < 0)
        return -1;
    if (lock_fd(d, home, mode, wait_ms, err) < 0) {
        close(d);
        return -1;
    }
    *fd = d;
    return 0;
}

void ps_home_unlock(int fd)
{
    if (fd < 0)
        return;
    /* Explicitly: a child that inherited the descriptor would otherwise keep the lock. */
    (void)flock(fd, LOCK_UN);
    close(fd);
}

static long find_id(const ps_locks *locks, dev_t dev, ino_t ino)
{
    for (size_t i = 0; i < locks->n; i++)
        if (locks->items[i].dev == dev && locks->items[i].ino == ino)
            return (long)i;
    return -1;
}

long ps_locks_find(const ps_locks *locks, const char *home)
{
    struct stat st;
    return stat(home, &st) < 0 ? -1 : find_id(locks, st.st_dev, st.st_ino);
}

static int by_id(const void *a, const void *b)
{
    const ps_lock *x = a, *y = b;
    if (x->dev != y->dev)
        return x->dev < y->dev ? -1 : 1;
    return x->ino < y->ino ? -1 : x->ino > y->ino;
}

/* Opens the homes not yet in `locks` and sorts the set; *added counts them. */
static int open_new(ps_locks *locks, const char *const *homes, size_t n, size_t *added,
                    ps_error *err)
{
    *added = 0;
    for (size_t i = 0; i < n; i++) {
        int fd;
        struct stat st;
        if (open_home(homes[i], &fd, err) < 0)
            return -1;
        if (fstat(fd, &st) < 0) {
            ps_error_set(err, homes[i], 0, 0, "cannot stat home: %s", strerror(errno));
            close(fd);
            return -1;
        }
        if (find_id(locks, st.st_dev, st.st_ino) >= 0) {
            close(fd);
            continue;
        }
        char *home = ps_strdup(homes[i]);
        ps_lock *slot = home ? PS_TRY_PUSH(locks->items, locks->n, locks->cap) : NULL;
        if (!slot) {
            free(home);
            close(fd);
            return ps_error_oom(err);
        }
        *slot = (ps_lock){home, st.st_dev, st.st_ino, fd};
        (*added)++;
    }
    if (locks->n > 1)
        qsort(locks->items, locks->n, sizeof *locks->items, by_id);
    return 0;
}

static int lock_all(ps_locks *locks, ps_error *err)
{
    for (size_t i = 0; i < locks->n; i++)
        if (lock_fd(locks->items[i].fd, locks->items[i].home, locks->mode, locks->wait_ms, err) < 0)
            return -1;
    return 0;
}

int ps_locks_take(ps_locks *locks, const char *const *homes, size_t n, ps_lock_mode mode,
                  int wait_ms, ps_error *err)
{
    size_t added;
    locks->mode = mode;
    locks->wait_ms = wait_ms;
    if (open_new(locks, homes, n, &added, err) < 0 || lock_all(locks, err) < 0) {
        ps_locks_release(locks);
        return -1;
    }
    return 0;
}

int ps_locks_add(ps_locks *locks, const char *const *homes, size_t n, ps_error *err)
{
    size_t added;
    if (open_new(locks, homes, n, &added, err) < 0) {
        ps_locks_release(locks);
        return -1;
    }
    if (added == 0)
        return 0;
    for (size_t i = 0; i < locks->n; i++)
        (void)flock(locks->items[i].fd, LOCK_UN);
    if (lock_all(locks, err) < 0) {
        ps_locks_release(locks);
        return -1;
    }
    return 1;
}

void ps_locks_release(ps_locks *locks)
{
    for (size_t i = 0; i < locks->n; i++) {
        ps_home_unlock(locks->items[i].fd);
        free(locks->items[i].home);
    }
    free(locks->items);
    locks->items = NULL;
    locks->n = locks->cap = 0;
}
