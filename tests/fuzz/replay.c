/*
 * Runs saved inputs through a libFuzzer entry point built as an ordinary
 * program, with any compiler and no libFuzzer: how CTest replays each
 * target's seeds and regressions (replay.sh). Each argument is a file, or a
 * folder whose files are replayed in name order. A finding aborts, which
 * fails the test; no input at all exits 77.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/path.h"
#include "parse/file.h"

#include "fuzz.h"

static int replay_file(const char *path)
{
    char *data;
    size_t len;
    ps_error err;
    if (ps_file_read(path, &data, &len, &err) < 0) {
        fprintf(stderr, "replay: %s: %s\n", path, err.message);
        exit(1);
    }
    printf("replay %s (%zu bytes)\n", path, len);
    fflush(stdout);
    LLVMFuzzerTestOneInput((const uint8_t *)data, len);
    free(data);
    return 1;
}

static int replay(const char *path)
{
    struct stat st;
    if (stat(path, &st) < 0) {
        perror(path);
        exit(1);
    }
    if (!S_ISDIR(st.st_mode))
        return replay_file(path);
    struct dirent **names;
    int n = scandir(path, &names, NULL, alphasort);
    if (n < 0) {
        perror(path);
        exit(1);
    }
    int count = 0;
    for (int i = 0; i < n; i++) {
        if (names[i]->d_name[0] != '.') {
            char *child = ps_path_join(path, names[i]->d_name);
            count += replay(child);
            free(child);
        }
        free(names[i]);
    }
    free(names);
    return count;
}

int main(int argc, char **argv)
{
    int count = 0;
    for (int i = 1; i < argc; i++)
        count += replay(argv[i]);
    printf("%d inputs replayed\n", count);
    return count ? 0 : 77;
}
