#include "runtime/sealed_exec.h"

#include <errno.h>
#include <fcntl.h>
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
