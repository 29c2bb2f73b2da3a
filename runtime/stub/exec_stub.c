/* The sealed exec stub (x86_64, freestanding: no libc, a few hundred
 * bytes). The container init and `exec` run it from a sealed memfd as the
 * very last step, and it execs the user's program:
 *     argv = [path, argv0, arg1, ...]  ->  execve(path, argv + 1, envp)
 * Why: at that execve, /proc/self/exe is what the kernel runs for a
 * "#!/proc/self/exe" script or ELF interpreter. Were it the runtime's own
 * host binary, the container could run it and then rewrite it on the host
 * (CVE-2019-5736). Here it is a sealed, anonymous, unwritable copy of this
 * stub. Built by the Makefile into a byte array (runtime/exec_stub_blob). */
#include <asm/unistd.h>

static long sys3(long n, long a, long b, long c)
{
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
    return r;
}

__attribute__((used)) void stub_main(long *sp)
{
    long argc = sp[0];
    char **argv = (char **)(sp + 1);
    char **envp = argv + argc + 1;
    long r = -22; /* EINVAL when called without a program */
    if (argc >= 2)
        r = sys3(__NR_execve, (long)argv[0], (long)(argv + 1), (long)envp);
    sys3(__NR_exit_group, r == -2 ? 127 : 126, 0, 0);
}

__asm__(".text\n.global _start\n_start:\n  mov %rsp, %rdi\n  and $-16, %rsp\n  call stub_main\n  "
        "hlt\n");
