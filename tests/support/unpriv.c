#define _GNU_SOURCE
#include "unpriv.h"

#include <check.h>
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runner.h"
#include "tree.h"

enum { DROP_FAILED = 255 };

int as_nobody(int (*fn)(void *), void *arg)
{
    fflush(NULL); /* what stdio holds would otherwise be written twice */
    pid_t pid = fork();
    if (pid < 0) {
        perror("as_nobody: fork");
        return -1;
    }
    if (pid == 0) {
        /* Groups first: once the uid is gone, so is the right to change them. */
        if (setgroups(0, NULL) < 0 || setresgid(PS_NOBODY, PS_NOBODY, PS_NOBODY) < 0 ||
            setresuid(PS_NOBODY, PS_NOBODY, PS_NOBODY) < 0) {
            perror("as_nobody: dropping privileges");
            _exit(DROP_FAILED);
        }
        /* The caller's folder (CTest's is the build folder) may be in a checkout
         * only root can enter; every path the child is given is absolute. */
        if (chdir("/") < 0) {
            perror("as_nobody: chdir /");
            _exit(DROP_FAILED);
        }
        int rc = fn(arg);
        fflush(NULL);
        _exit(rc & 0xff);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) {
            perror("as_nobody: waitpid");
            return -1;
        }
    if (!WIFEXITED(status)) {
        fprintf(stderr, "as_nobody: the child died (status %#x)\n", status);
        return -1;
    }
    if (WEXITSTATUS(status) == DROP_FAILED)
        return -1;
    return WEXITSTATUS(status);
}

void *shared_new(size_t n)
{
    void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        perror("shared_new");
        abort();
    }
    return p;
}

void shared_free(void *p, size_t n)
{
    munmap(p, n);
}

int give_to_nobody(const char *dir)
{
    return run_cmd("chown -R -h %d:%d '%s'", PS_NOBODY, PS_NOBODY, dir);
}

static int can_write(void *dir)
{
    return access(dir, W_OK | X_OK) == 0;
}

int nobody_can_write(const char *dir)
{
    return as_nobody(can_write, (void *)dir) == 1;
}

static int can_enter(void *dir)
{
    return access(dir, X_OK) == 0;
}

int tmpdir_for_nobody(void)
{
    const char *tmp = getenv("TMPDIR");
    if (geteuid() != 0 || !tmp || !*tmp || as_nobody(can_enter, (void *)tmp) == 1)
        return 0;
    printf("TMPDIR %s: nobody (65534) cannot enter it; scratch folders go in /tmp\n", tmp);
    return setenv("TMPDIR", "/tmp", 1);
}

void unprivileged_dir(const char *dir, const char *test)
{
    if (geteuid() != 0)
        return;
    ck_assert_msg(give_to_nobody(dir) == 0, "cannot give %s to nobody", dir);
    ck_assert_msg(nobody_can_write(dir),
                  "%s: nobody (65534) cannot reach scratch folder %s (made under TMPDIR after "
                  "tmpdir_for_nobody?)",
                  test, dir);
}

/* One ps_apply_files call; the child writes rc and err into shared memory. */
typedef struct apply_call {
    const ps_write *w;
    size_t n;
    unsigned flags;
    int rc;
    ps_error err;
} apply_call;

static int apply_child(void *arg)
{
    apply_call *c = arg;
    c->rc = ps_apply_files(c->w, c->n, c->flags, &c->err);
    return 0;
}

int apply_unprivileged(const ps_write *w, size_t n, unsigned flags, ps_error *err)
{
    if (geteuid() != 0)
        return ps_apply_files(w, n, flags, err);
    apply_call *c = shared_new(sizeof *c);
    c->w = w;
    c->n = n;
    c->flags = flags;
    ck_assert_msg(as_nobody(apply_child, c) == 0, "ps_apply_files as nobody: the child failed");
    int rc = c->rc;
    *err = c->err;
    shared_free(c, sizeof *c);
    return rc;
}
