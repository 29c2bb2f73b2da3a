#include "runtime/kernel/signals.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/syscall.h>
#include <unistd.h>

struct sig_entry {
    const char *name; /* with "SIG"; matched with or without it */
    int num;
};

/* The Linux signals runc knows (moby/sys/signal's table); aliases come
 * after the canonical name so that signal_name() finds the canonical one. */
static const struct sig_entry sig_table[] = {
    {"SIGHUP", SIGHUP},   {"SIGINT", SIGINT},       {"SIGQUIT", SIGQUIT},  {"SIGILL", SIGILL},
    {"SIGTRAP", SIGTRAP}, {"SIGABRT", SIGABRT},     {"SIGBUS", SIGBUS},    {"SIGFPE", SIGFPE},
    {"SIGKILL", SIGKILL}, {"SIGUSR1", SIGUSR1},     {"SIGSEGV", SIGSEGV},  {"SIGUSR2", SIGUSR2},
    {"SIGPIPE", SIGPIPE}, {"SIGALRM", SIGALRM},     {"SIGTERM", SIGTERM},  {"SIGSTKFLT", SIGSTKFLT},
    {"SIGCHLD", SIGCHLD}, {"SIGCONT", SIGCONT},     {"SIGSTOP", SIGSTOP},  {"SIGTSTP", SIGTSTP},
    {"SIGTTIN", SIGTTIN}, {"SIGTTOU", SIGTTOU},     {"SIGURG", SIGURG},    {"SIGXCPU", SIGXCPU},
    {"SIGXFSZ", SIGXFSZ}, {"SIGVTALRM", SIGVTALRM}, {"SIGPROF", SIGPROF},  {"SIGWINCH", SIGWINCH},
    {"SIGIO", SIGIO},     {"SIGPWR", SIGPWR},       {"SIGSYS", SIGSYS},    {"SIGIOT", SIGIOT},
    {"SIGPOLL", SIGPOLL}, {"SIGCLD", SIGCHLD},      {"SIGUNUSED", SIGSYS},
};

/* Strict unsigned decimal: no sign, no spaces, no trailing junk. */
static bool parse_uint(const char *s, long *out)
{
    if (*s < '0' || *s > '9')
        return false;
    errno = 0;
    char *end;
    long v = strtol(s, &end, 10);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

/* Note SIGRTMIN is glibc's (34), not the kernel's 32: glibc reserves two
 * for NPTL, and that is also the value userspace `kill -l` shows. */
static bool parse_rt(const char *n, int *sig)
{
    long off = 0;
    if (strncasecmp(n, "RTMIN", 5) == 0) {
        n += 5;
        if (*n == '+' && !parse_uint(n + 1, &off))
            return false;
        if (*n && *n != '+')
            return false;
        if (off > SIGRTMAX - SIGRTMIN)
            return false;
        *sig = SIGRTMIN + (int)off;
        return true;
    }
    if (strncasecmp(n, "RTMAX", 5) == 0) {
        n += 5;
        if (*n == '-' && !parse_uint(n + 1, &off))
            return false;
        if (*n && *n != '-')
            return false;
        if (off > SIGRTMAX - SIGRTMIN)
            return false;
        *sig = SIGRTMAX - (int)off;
        return true;
    }
    return false;
}

int signal_parse(const char *s, int *sig, aisbx_error **err)
{
    if (!s || !*s)
        return aisbx_error_make(err, 0, "signal is empty");
    long num;
    if (*s >= '0' && *s <= '9') {
        if (!parse_uint(s, &num))
            return aisbx_error_make(err, 0, "invalid signal \"%s\"", s);
        if (num < 1 || num >= _NSIG)
            return aisbx_error_make(err, 0, "invalid signal number %s: must be 1..%d", s,
                                    _NSIG - 1);
        *sig = (int)num;
        return 0;
    }
    const char *n = s;
    if (strncasecmp(n, "SIG", 3) == 0)
        n += 3;
    for (size_t i = 0; i < sizeof(sig_table) / sizeof(sig_table[0]); i++) {
        if (strcasecmp(n, sig_table[i].name + 3) == 0) {
            *sig = sig_table[i].num;
            return 0;
        }
    }
    if (parse_rt(n, sig))
        return 0;
    return aisbx_error_make(err, 0, "unknown signal \"%s\"", s);
}

const char *signal_name(int sig)
{
    /* Realtime and unnamed signals are formatted; per thread so that two
     * threads naming signals do not share a buffer. */
    static __thread char buf[32];
    for (size_t i = 0; i < sizeof(sig_table) / sizeof(sig_table[0]); i++)
        if (sig_table[i].num == sig)
            return sig_table[i].name;
    if (sig >= SIGRTMIN && sig <= SIGRTMAX) {
        int mid = (SIGRTMIN + SIGRTMAX) / 2;
        if (sig == SIGRTMIN)
            return "SIGRTMIN";
        if (sig == SIGRTMAX)
            return "SIGRTMAX";
        if (sig <= mid)
            snprintf(buf, sizeof(buf), "SIGRTMIN+%d", sig - SIGRTMIN);
        else
            snprintf(buf, sizeof(buf), "SIGRTMAX-%d", SIGRTMAX - sig);
        return buf;
    }
    if (sig > 0 && sig < _NSIG) {
        snprintf(buf, sizeof(buf), "SIG%d", sig);
        return buf;
    }
    return NULL;
}

void signals_reset_all(void)
{
    struct {
        void (*handler)(int);
        unsigned long flags;
        void (*restorer)(void);
        uint64_t mask;
    } act = {.handler = SIG_DFL};
    sigset_t none;
    for (int s = 1; s <= 64; s++)
        if (s != SIGKILL && s != SIGSTOP)
            syscall(SYS_rt_sigaction, s, &act, NULL, sizeof(act.mask));
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}
