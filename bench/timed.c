/*
 * Runs one command and appends "wall user sys status" (seconds, microsecond
 * resolution) to a file: wall from CLOCK_MONOTONIC around fork and wait, CPU
 * from wait4's rusage of the child, so every thread of the command counts and
 * nothing of the shell that started it does. /usr/bin/time prints CPU in
 * hundredths, too coarse for a cat over ten homes.
 *
 * usage: timed OUT_FILE COMMAND [ARG...]   (built by bench/apply.sh)
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double seconds(struct timeval tv)
{
    return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: timed OUT_FILE COMMAND [ARG...]\n");
        return 2;
    }
    FILE *out = fopen(argv[1], "a");
    if (!out) {
        perror(argv[1]);
        return 2;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 2;
    }
    if (pid == 0) {
        execvp(argv[2], argv + 2);
        perror(argv[2]);
        _exit(127);
    }
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0) {
        perror("wait4");
        return 2;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    fprintf(out, "%.6f %.6f %.6f %d\n", wall, seconds(ru.ru_utime), seconds(ru.ru_stime), code);
    return fclose(out) == 0 ? 0 : 2;
}
