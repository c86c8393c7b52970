#include "fakeproc.h"

#include <check.h>
#include <stdio.h>
#include <string.h>
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
