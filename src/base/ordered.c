#include "base/ordered.h"

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/error.h"
#include "base/strbuf.h"

typedef struct slot {
    int done;
    void *result;
    ps_error err;
    int code; /* the error's kind, noted on the worker's thread (ps_error_last) */
} slot;

typedef struct map {
    size_t n, window;
    ps_work_fn work;
    void *ctx;
    pthread_mutex_t mu;
    pthread_cond_t cv; /* a slot filled, an item taken, or the run stopped */
    size_t next;       /* the next item to start */
    size_t taken;      /* items taken so far */
    size_t failed;     /* the first item known to have failed; n while none has */
    int stop;          /* the caller takes no more */
    slot *slots;       /* item i in slots[i % window] */
} map;

static void *worker(void *arg)
{
    map *m = arg;
    pthread_mutex_lock(&m->mu);
    for (;;) {
        while (!m->stop && m->next < m->n && m->next >= m->taken + m->window)
            pthread_cond_wait(&m->cv, &m->mu);
        if (m->stop || m->next >= m->n || m->next > m->failed)
            break;
        size_t i = m->next++;
        pthread_mutex_unlock(&m->mu);
        ps_error err = {{0}, 0, 0, {0}};
        ps_error_begin();
        void *result = m->work(m->ctx, i, &err);
        pthread_mutex_lock(&m->mu);
        slot *s = &m->slots[i % m->window];
        *s = (slot){.done = 1, .result = result, .err = err, .code = ps_error_last()};
        if (!result && i < m->failed)
            m->failed = i;
        pthread_cond_broadcast(&m->cv);
    }
    pthread_mutex_unlock(&m->mu);
    return NULL;
}

/* One thread: each item worked on and taken in turn. */
static int map_inline(size_t n, ps_work_fn work, ps_take_fn take, void *ctx, ps_error *err)
{
    for (size_t i = 0; i < n; i++) {
        void *result = work(ctx, i, err);
        if (!result)
            return -1;
        if (take)
            take(ctx, i, result);
    }
    return 0;
}

int ps_ordered_map(size_t n, unsigned jobs, size_t window, ps_work_fn work, ps_take_fn take,
                   ps_drop_fn drop, void *ctx, ps_error *err)
{
    unsigned threads = ps_jobs_for(jobs, n);
    if (threads == 1)
        return map_inline(n, work, take, ctx, err);
    if (window < threads)
        window = threads;
    map m = {.n = n, .window = window, .work = work, .ctx = ctx, .failed = n};
    m.slots = ps_calloc(window, sizeof *m.slots);
    pthread_t *tids = ps_calloc(threads, sizeof *tids);
    if (!m.slots || !tids) {
        free(m.slots);
        free(tids);
        return ps_error_oom(err);
    }
    pthread_mutex_init(&m.mu, NULL);
    pthread_cond_init(&m.cv, NULL);
    unsigned started = 0;
    while (started < threads && pthread_create(&tids[started], NULL, worker, &m) == 0)
        started++;
    int rc = 0;
    if (started == 0) { /* no thread to be had: this one does it all */
        free(tids);
        free(m.slots);
        pthread_cond_destroy(&m.cv);
        pthread_mutex_destroy(&m.mu);
        return map_inline(n, work, take, ctx, err);
    }
    for (size_t i = 0; i < n; i++) {
        slot *s = &m.slots[i % window];
        pthread_mutex_lock(&m.mu);
        while (!s->done)
            pthread_cond_wait(&m.cv, &m.mu);
        slot got = *s;
        *s = (slot){0};
        if (!got.result) {
            m.stop = 1;
            if (err)
                *err = got.err;
            ps_error_restore(got.code);
            rc = -1;
        } else {
            m.taken = i + 1;
        }
        pthread_cond_broadcast(&m.cv);
        pthread_mutex_unlock(&m.mu);
        if (rc < 0)
            break;
        if (take)
            take(ctx, i, got.result);
    }
    for (unsigned t = 0; t < started; t++)
        pthread_join(tids[t], NULL);
    for (size_t k = 0; k < window; k++) /* worked on past a failure: never taken */
        if (drop && m.slots[k].done && m.slots[k].result)
            drop(ctx, m.slots[k].result);
    free(tids);
    free(m.slots);
    pthread_cond_destroy(&m.cv);
    pthread_mutex_destroy(&m.mu);
    return rc;
}

unsigned ps_jobs_for(unsigned jobs, size_t n)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    size_t w = jobs ? jobs : cpus > 0 ? (size_t)cpus : 1;
    if (w > n)
        w = n;
    return w ? (unsigned)w : 1;
}
