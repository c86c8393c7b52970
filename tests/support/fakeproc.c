#define _GNU_SOURCE
#include "fakeproc.h"

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tree.h"

void fake_file(const char *root, const char *rel, const char *text)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    ck_assert_int_eq(run_cmd("mkdir -p '%s'", path), 0);
    *slash = '/';
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    ck_assert_int_eq(fclose(f), 0);
}

void fake_socket_fd(const char *root, long pid, int fd, unsigned long inode)
{
    char dir[4096], link[4096], target[64];
    snprintf(dir, sizeof dir, "%s/%ld/fd", root, pid);
    ck_assert_int_eq(run_cmd("mkdir -p '%s'", dir), 0);
    snprintf(link, sizeof link, "%s/%d", dir, fd);
    snprintf(target, sizeof target, "socket:[%lu]", inode);
    ck_assert_int_eq(symlink(target, link), 0);
}

long sleeper_start(void)
{
    pid_t child = fork();
    ck_assert_int_ge(child, 0);
    if (child == 0) {
        execlp("sleep", "sleep", "60", (char *)NULL);
        _exit(127);
    }
    char comm[64], path[64];
    snprintf(path, sizeof path, "/proc/%ld/comm", (long)child);
    for (int i = 0; i < 500; i++) {
        FILE *c = fopen(path, "r");
        int got = c && fgets(comm, sizeof comm, c) && strcmp(comm, "sleep\n") == 0;
        if (c)
            fclose(c);
        if (got)
            break;
        usleep(10000);
    }
    return (long)child;
}

void sleeper_stop(long pid)
{
    kill((pid_t)pid, SIGKILL);
    waitpid((pid_t)pid, NULL, 0);
}
