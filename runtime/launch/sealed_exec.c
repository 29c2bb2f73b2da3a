#include "runtime/launch/sealed_exec.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/fd_util.h"

extern const unsigned char exec_stub_blob[];
extern const size_t exec_stub_blob_len;

int sealed_stub_open(aisbx_error **err)
{
    int fd;
    if (exec_stub_blob_len == 0)
        return -2;
    fd = memfd_create("aisbx-exec-stub", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0)
        return aisbx_error_make(err, errno, "memfd_create for the exec stub");
    if (write_all(fd, exec_stub_blob, exec_stub_blob_len) < 0 || fchmod(fd, 0555) < 0 ||
        fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0) {
        int e = errno;
        close(fd);
        return aisbx_error_make(err, e, "seal the exec stub");
    }
    return fd;
}

int sealed_execve(int stub_fd, const char *exe, char *const argv[], char *const envp[],
                  aisbx_error **err)
{
    size_t n = 0;
    while (argv[n])
        n++;
    /* The stub's contract: argv = [path, argv0, args...]. */
    char **sargv = xmalloc0((n + 2) * sizeof(char *));
    sargv[0] = (char *)exe;
    for (size_t i = 0; i < n; i++)
        sargv[i + 1] = argv[i];
    execveat(stub_fd, "", sargv, envp, AT_EMPTY_PATH);
    int e = errno;
    free(sargv);
    return aisbx_error_make(err, e, "exec %s through the sealed stub", exe);
}

/* The argv of the stub's wait mode (runtime/stub/exec_stub.c documents it);
 * every string is ours or the config's, only the numbers are made here. */
int sealed_execve_wait(int stub_fd, int fifo_fd, int state_fd, const struct spec_hooklist *hooks,
                       const char *exe, char *const argv[], char *const envp[], aisbx_error **err)
{
    size_t nh = hooks ? hooks->n : 0, n = 0, k = 0;
    while (argv[n])
        n++;
    size_t total = 4 + 1 + n + 1;
    for (size_t i = 0; i < nh; i++)
        total += 4 + (hooks->v[i].args.n ? hooks->v[i].args.n : 1) + 1 + hooks->v[i].env.n + 1;
    /* The numbers live as long as this frame: execve copies them. */
    char nums[3][24], *hnums = xmalloc0(nh * 3 * 24 + 1);
    char **sargv = xmalloc0(total * sizeof(char *));
    snprintf(nums[0], sizeof(nums[0]), "%d", fifo_fd);
    snprintf(nums[1], sizeof(nums[1]), "%d", state_fd);
    snprintf(nums[2], sizeof(nums[2]), "%zu", nh);
    sargv[k++] = (char *)"";
    sargv[k++] = nums[0];
    sargv[k++] = nums[1];
    sargv[k++] = nums[2];
    for (size_t i = 0; i < nh; i++) {
        const struct spec_hook *h = &hooks->v[i];
        char *t = hnums + i * 72;
        size_t nargs = h->args.n ? h->args.n : 1;
        snprintf(t, 24, "%d", h->has_timeout && h->timeout > 0 ? h->timeout : 0);
        snprintf(t + 24, 24, "%zu", nargs);
        snprintf(t + 48, 24, "%zu", h->env.n);
        sargv[k++] = t;
        sargv[k++] = t + 24;
        sargv[k++] = t + 48;
        sargv[k++] = h->path;
        for (size_t j = 0; j < nargs; j++)
            sargv[k++] = h->args.n ? h->args.v[j] : h->path;
        sargv[k++] = (char *)""; /* the stub turns it into the list's NULL */
        for (size_t j = 0; j < h->env.n; j++)
            sargv[k++] = h->env.v[j];
        sargv[k++] = (char *)"";
    }
    sargv[k++] = (char *)exe;
    for (size_t i = 0; i < n; i++)
        sargv[k++] = argv[i];
    sargv[k] = NULL;
    execveat(stub_fd, "", sargv, envp, AT_EMPTY_PATH);
    int e = errno;
    free(sargv);
    free(hnums);
    return aisbx_error_make(err, e, "exec the sealed stub to wait for start");
}
