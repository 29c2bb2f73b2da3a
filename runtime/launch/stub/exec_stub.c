/* The sealed exec stub (x86_64, freestanding: no libc, a few KB). The
 * container init and `exec` run it from a sealed memfd as the very last
 * step, and it execs the user's program:
 *     argv = [path, argv0, arg1, ...]  ->  execve(path, argv + 1, envp)
 * Why: at that execve, /proc/self/exe is what the kernel runs for a
 * "#!/proc/self/exe" script or ELF interpreter. Were it the runtime's own
 * host binary, the container could run it and then rewrite it on the host
 * (CVE-2019-5736). Here it is a sealed, anonymous, unwritable copy of this
 * stub. Built by the Makefile into a byte array (runtime/exec_stub_blob).
 *
 * Wait mode (argv[0] == ""): the container init, already hardened (caps,
 * user, no_new_privs, seccomp), waits here for `start` instead of in the
 * runtime binary, so the created container's /proc/<pid>/exe is this sealed
 * copy too, and the startContainer hooks it runs have exactly the
 * container process's privileges. runtime/sealed_exec.c builds the argv:
 *     "", FIFO_FD, STATE_FD, NHOOKS,
 *     NHOOKS x { TIMEOUT_S, NARGS, NENV, path, args..., "", env..., "" },
 *     path, argv0, args...
 * FIFO_FD: O_PATH fd of exec.fifo, reopened for writing (blocks until
 * `start` opens it), "0" written, then every hook run in order with STATE_FD
 * (a memfd with the state JSON) on stdin. Any failure is written into the
 * fifo as one line for `start` to report; a successful execve closes the
 * (close-on-exec) fifo, which `start` sees as EOF. */
#include <asm/unistd.h>

#define O_WRONLY_ 01
#define O_CLOEXEC_ 02000000
#define AT_FDCWD_ -100
#define SIGKILL_ 9
#define SIGCHLD_ 17
#define EINTR_ 4
#define POLLIN_ 1
#define CLOSE_RANGE_CLOEXEC_ 4

static long sys6(long n, long a, long b, long c, long d, long e, long f)
{
    long r;
    register long r10 __asm__("r10") = d;
    register long r8 __asm__("r8") = e;
    register long r9 __asm__("r9") = f;
    __asm__ volatile("syscall"
                     : "=a"(r)
                     : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return r;
}

static long sys3(long n, long a, long b, long c)
{
    return sys6(n, a, b, c, 0, 0, 0);
}

static void __attribute__((noreturn)) die(long code)
{
    for (;;)
        sys3(__NR_exit_group, code, 0, 0);
}

static long slen(const char *s)
{
    long n = 0;
    while (s[n])
        n++;
    return n;
}

/* Decimal, non-negative; -1 for anything else. */
static long num(const char *s)
{
    long v = 0;
    if (!s || !*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        v = v * 10 + (*s - '0');
    }
    return v;
}

/* A message for `start`, assembled in a fixed buffer. */
struct msg {
    char b[512];
    long n;
};

static void put(struct msg *m, const char *s)
{
    while (*s && m->n < (long)sizeof(m->b) - 1)
        m->b[m->n++] = *s++;
}

static void put_num(struct msg *m, long v)
{
    char t[24];
    int i = 0;
    if (v < 0) {
        put(m, "-");
        v = -v;
    }
    do
        t[i++] = (char)('0' + v % 10);
    while ((v /= 10) && i < 23);
    while (i > 0 && m->n < (long)sizeof(m->b) - 1)
        m->b[m->n++] = t[--i];
}

/* glibc's strsignal() text with a lower-case first letter (what
 * runtime/kernel/hooks.c prints, and Go's, which runc's users grep for:
 * "bad system call" when a seccomp rule kills a hook); NULL for the rest. */
static const char *sig_text(long sig)
{
    switch (sig) {
    case 1:
        return "hangup";
    case 2:
        return "interrupt";
    case 3:
        return "quit";
    case 4:
        return "illegal instruction";
    case 5:
        return "trace/breakpoint trap";
    case 6:
        return "aborted";
    case 7:
        return "bus error";
    case 8:
        return "floating point exception";
    case 9:
        return "killed";
    case 10:
        return "user defined signal 1";
    case 11:
        return "segmentation fault";
    case 12:
        return "user defined signal 2";
    case 13:
        return "broken pipe";
    case 14:
        return "alarm clock";
    case 15:
        return "terminated";
    case 31:
        return "bad system call";
    default:
        return 0;
    }
}

static void put_hook(struct msg *m, long idx, const char *path)
{
    /* "error running hook": runc's prefix, which scripts grep for */
    put(m, "error running hook: startContainer hook #");
    put_num(m, idx);
    put(m, " (");
    put(m, path);
    put(m, ")");
}

static void __attribute__((noreturn)) fail(int fifo, struct msg *m, long code)
{
    sys3(__NR_write, fifo, (long)m->b, m->n);
    die(code);
}

/* fork + execve of one hook with the state on stdin; 0 if it exited 0. */
static int run_hook(int fifo, int state, long idx, long timeout_s, char *path, char **args,
                    char **env)
{
    struct msg m = {.n = 0};
    int ep[2];
    long status = 0, exec_errno = 0;
    if (sys3(__NR_pipe2, (long)ep, O_CLOEXEC_, 0) < 0) {
        put_hook(&m, idx, path);
        put(&m, ": pipe failed");
        fail(fifo, &m, 127);
    }
    long pid = sys3(__NR_fork, 0, 0, 0);
    if (pid == 0) {
        /* Own process group: a timeout kills the hook's children too. */
        sys3(__NR_setpgid, 0, 0, 0);
        if (state >= 0) {
            sys3(__NR_dup2, state, 0, 0);
            sys3(__NR_lseek, 0, 0, 0);
        } else {
            sys3(__NR_close, 0, 0, 0);
        }
        sys3(__NR_dup2, 2, 1, 0); /* stdout stays the container's stderr */
        /* No fd of ours (fifo, state, preserved fds) reaches the hook. */
        sys3(__NR_close_range, 3, ~0UL >> 32, CLOSE_RANGE_CLOEXEC_);
        long r = sys3(__NR_execve, (long)path, (long)args, (long)env);
        int e = (int)-r;
        sys3(__NR_write, ep[1], (long)&e, sizeof(e));
        die(127);
    }
    sys3(__NR_close, ep[1], 0, 0);
    if (pid < 0) {
        put_hook(&m, idx, path);
        put(&m, ": fork: errno ");
        put_num(&m, -pid);
        fail(fifo, &m, 127);
    }
    sys3(__NR_setpgid, pid, pid, 0);
    int timed_out = 0;
    if (timeout_s > 0) {
        long pidfd = sys3(__NR_pidfd_open, pid, 0, 0);
        if (pidfd >= 0) {
            if (timeout_s > 2000000)
                timeout_s = 2000000;
            struct {
                int fd;
                short events, revents;
            } p = {(int)pidfd, POLLIN_, 0};
            long r;
            do
                r = sys3(__NR_poll, (long)&p, 1, timeout_s * 1000);
            while (r == -EINTR_);
            if (r == 0) {
                sys3(__NR_kill, -pid, SIGKILL_, 0);
                sys3(__NR_kill, pid, SIGKILL_, 0);
                timed_out = 1;
            }
            sys3(__NR_close, pidfd, 0, 0);
        }
    }
    int st = 0;
    while (sys6(__NR_wait4, pid, (long)&st, 0, 0, 0, 0) == -EINTR_)
        ;
    status = st;
    int e = 0;
    if (sys3(__NR_read, ep[0], (long)&e, sizeof(e)) == sizeof(e))
        exec_errno = e;
    sys3(__NR_close, ep[0], 0, 0);
    put_hook(&m, idx, path);
    if (timed_out) {
        put(&m, " timed out after ");
        put_num(&m, timeout_s);
        put(&m, " s");
    } else if (exec_errno) {
        put(&m, " failed: exec ");
        put(&m, path);
        put(&m, ": errno ");
        put_num(&m, exec_errno);
    } else if ((status & 0x7f) == 0) {
        if (((status >> 8) & 0xff) == 0)
            return 0;
        put(&m, " failed: exit status ");
        put_num(&m, (status >> 8) & 0xff);
    } else {
        put(&m, " failed: killed by signal ");
        put_num(&m, status & 0x7f);
        if (sig_text(status & 0x7f)) {
            put(&m, " (");
            put(&m, sig_text(status & 0x7f));
            put(&m, ")");
        }
    }
    fail(fifo, &m, 127);
}

static void __attribute__((noreturn)) wait_mode(long argc, char **argv, char **envp)
{
    struct msg m = {.n = 0};
    long fifo_path_fd = argc > 3 ? num(argv[1]) : -1, state = -1, nhooks = -1, i = 4;
    if (argc > 3) {
        state = argv[2][0] == '-' ? -1 : num(argv[2]);
        nhooks = num(argv[3]);
    }
    if (fifo_path_fd < 0 || nhooks < 0)
        die(126);
    put(&m, "/proc/self/fd/");
    put(&m, argv[1]);
    m.b[m.n] = '\0';
    /* Blocks until `start` opens the fifo for reading. */
    long fifo;
    do
        fifo = sys6(__NR_openat, AT_FDCWD_, (long)m.b, O_WRONLY_ | O_CLOEXEC_, 0, 0, 0);
    while (fifo == -EINTR_);
    if (fifo < 0)
        die(126);
    sys3(__NR_close, fifo_path_fd, 0, 0);
    if (sys3(__NR_write, fifo, (long)"0", 1) != 1)
        die(126);
    for (long h = 0; h < nhooks; h++) {
        if (i + 4 > argc)
            die(126);
        long timeout = num(argv[i]), nargs = num(argv[i + 1]), nenv = num(argv[i + 2]);
        char *path = argv[i + 3];
        char **args = argv + i + 4;
        if (timeout < 0 || nargs < 0 || nenv < 0 || i + 4 + nargs + 1 + nenv + 1 > argc)
            die(126);
        char **env = args + nargs + 1;
        /* Terminate both lists in place: their "" slots become NULL. */
        args[nargs] = 0;
        env[nenv] = 0;
        run_hook((int)fifo, (int)state, h, timeout, path, args, env);
        i += 4 + nargs + 1 + nenv + 1;
    }
    if (state >= 0)
        sys3(__NR_close, state, 0, 0);
    if (i + 2 > argc)
        die(126);
    long r = sys3(__NR_execve, (long)argv[i], (long)(argv + i + 1), (long)envp);
    m.n = 0;
    put(&m, "exec ");
    put(&m, argv[i]);
    put(&m, ": errno ");
    put_num(&m, -r);
    fail((int)fifo, &m, r == -2 ? 127 : 126);
}

__attribute__((used)) void stub_main(long *sp)
{
    long argc = sp[0];
    char **argv = (char **)(sp + 1);
    char **envp = argv + argc + 1;
    long r = -22; /* EINVAL when called without a program */
    if (argc >= 1 && argv[0][0] == '\0')
        wait_mode(argc, argv, envp);
    if (argc >= 2)
        r = sys3(__NR_execve, (long)argv[0], (long)(argv + 1), (long)envp);
    die(r == -2 ? 127 : 126);
}

__asm__(".text\n.global _start\n_start:\n  mov %rsp, %rdi\n  and $-16, %rsp\n  call stub_main\n  "
        "hlt\n");
