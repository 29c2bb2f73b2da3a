/* Watches the container's /proc for new processes and reports what a
 * process that appears there shows before it is fully inside: its network
 * (/proc/PID/net/dev: any interface but lo is the host's), its command line
 * (the runtime's, with the engine's arguments). Both are readable whatever
 * the process's dumpable flag. Used by races.bats against `exec`.
 *   nswatch SECONDS  -> prints one line per leak seen, then "done N" */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char seen[1 << 22];

static int slurp(const char *path, char *buf, size_t len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, len - 1);
    close(fd);
    if (n < 0)
        return -1;
    buf[n] = '\0';
    return (int)n;
}

static void inspect(int pid)
{
    char path[64], buf[8192];
    snprintf(path, sizeof(path), "/proc/%d/net/dev", pid);
    if (slurp(path, buf, sizeof(buf)) > 0) {
        /* two header lines, then "  name: ..." */
        char *line = strchr(buf, '\n');
        line = line ? strchr(line + 1, '\n') : NULL;
        while (line && *++line) {
            char *colon = strchr(line, ':');
            if (!colon)
                break;
            char *name = line;
            while (*name == ' ')
                name++;
            if (strncmp(name, "lo:", 3) != 0)
                printf("LEAK net pid %d: %.*s\n", pid, (int)(colon - name), name);
            line = strchr(line, '\n');
        }
    }
    snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
    int n = slurp(path, buf, sizeof(buf));
    for (int i = 0; i < n; i++)
        if (!buf[i])
            buf[i] = ' ';
    if (n > 0 && (strstr(buf, "--root") || strstr(buf, "exec ")))
        printf("LEAK cmdline pid %d: %s\n", pid, buf);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    int secs = argc > 1 ? atoi(argv[1]) : 10, checked = 0;
    time_t end = time(NULL) + secs;
    seen[getpid()] = 1;
    while (time(NULL) < end) {
        DIR *d = opendir("/proc");
        if (!d)
            return 1;
        struct dirent *e;
        while ((e = readdir(d))) {
            int pid = atoi(e->d_name);
            if (pid <= 0 || pid >= (int)sizeof(seen) || seen[pid])
                continue;
            seen[pid] = 1;
            checked++;
            inspect(pid);
        }
        closedir(d);
    }
    printf("done %d\n", checked);
    return 0;
}
