/* Root filesystem setup against the real kernel (needs root). Each
 * scenario runs in a forked child that unshares a mount and a pid namespace;
 * its own child (pid 1 there) plays the container's init: prepare, mount,
 * /dev, pivot, finalize, then checks from inside the new root and reports
 * through its exit status. The parent asserts that status and that its own
 * mount table did not change. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <linux/magic.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "runtime/kernel/sysctl.h"
#include "runtime/launch/init.h"
#include "runtime/rootfs/mount_options.h"
#include "runtime/rootfs/resolve_in_root.h"
#include "runtime/rootfs/rootfs.h"

#define OPTS(...)                                                                                  \
    {                                                                                              \
        .v = (char *[]){__VA_ARGS__, NULL}, .n = sizeof((char *[]){__VA_ARGS__}) / sizeof(char *)  \
    }
#define NOOPTS                                                                                     \
    {                                                                                              \
        .v = (char *[]){NULL}, .n = 0                                                              \
    }
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---- checks inside the container (no cmocka: we are a forked child) ---- */

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "CHECK %s:%d: %s: ", __FILE__, __LINE__, #cond);                       \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fprintf(stderr, " (errno %s)\n", strerror(errno));                                     \
            return 1;                                                                              \
        }                                                                                          \
    } while (0)

struct env {
    char tmp[256];
    char rootfs[PATH_MAX];
    char hostdir[PATH_MAX]; /* a host directory to bind, holds "hello" */
    char hostfile[PATH_MAX];
};

struct scenario {
    struct env *env;
    struct spec_config *cfg;
    bool no_pivot;
    int unshare_extra;
    int (*pre_mount)(const struct scenario *s); /* in the new mount ns, before prepare */
    int (*pre_pivot)(const struct scenario *s); /* after the mounts, before the pivot */
    int (*check)(const struct scenario *s);     /* after pivot + finalize */
};

static int write_file(const char *path, const char *content)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    ssize_t n = write(fd, content, strlen(content));
    close(fd);
    return n == (ssize_t)strlen(content) ? 0 : -1;
}

/* Reads at most cap-1 bytes; returns the count or -1. */
static ssize_t read_file(const char *path, char *buf, size_t cap)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, cap - 1);
    close(fd);
    if (n >= 0)
        buf[n] = '\0';
    return n;
}

static int count_mountinfo(void)
{
    FILE *f = fopen("/proc/self/mountinfo", "re");
    int n = 0, ch;
    if (!f)
        return -1;
    while ((ch = fgetc(f)) != EOF)
        n += ch == '\n';
    fclose(f);
    return n;
}

/* True if /proc/self/mountinfo has a mount point exactly at path. */
static bool is_mount_point(const char *path)
{
    FILE *f = fopen("/proc/self/mountinfo", "re");
    char *line = NULL;
    size_t cap = 0;
    bool found = false;
    while (f && !found && getline(&line, &cap, f) > 0) {
        char mp[PATH_MAX];
        if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) == 1 && !strcmp(mp, path))
            found = true;
    }
    free(line);
    if (f)
        fclose(f);
    return found;
}

static int copy_file(const char *from, const char *to, mode_t mode)
{
    int in = open(from, O_RDONLY | O_CLOEXEC);
    int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    char buf[65536];
    ssize_t n;
    int r = in >= 0 && out >= 0 ? 0 : -1;
    while (r == 0 && (n = read(in, buf, sizeof(buf))) > 0)
        if (write(out, buf, (size_t)n) != n)
            r = -1;
    if (in >= 0)
        close(in);
    if (out >= 0)
        close(out);
    return r;
}

static int env_setup(void **state)
{
    struct env *e = calloc(1, sizeof(*e));
    assert_non_null(e);
    strcpy(e->tmp, "/tmp/aisbx-test-rootfs-XXXXXX");
    assert_non_null(mkdtemp(e->tmp));
    snprintf(e->rootfs, sizeof(e->rootfs), "%s/rootfs", e->tmp);
    snprintf(e->hostdir, sizeof(e->hostdir), "%s/hostdir", e->tmp);
    snprintf(e->hostfile, sizeof(e->hostfile), "%s/hostfile", e->tmp);
    char p[PATH_MAX + 64];
    assert_int_equal(mkdir(e->rootfs, 0755), 0);
    static const char *const dirs[] = {"bin", "proc", "sys", "dev", "tmp", "etc"};
    for (size_t i = 0; i < NELEM(dirs); i++) {
        snprintf(p, sizeof(p), "%s/%s", e->rootfs, dirs[i]);
        assert_int_equal(mkdir(p, 0755), 0);
    }
    snprintf(p, sizeof(p), "%s/bin/busybox", e->rootfs);
    assert_int_equal(copy_file("/bin/busybox", p, 0755), 0);
    static const char *const applets[] = {"sh", "cat", "ls", "test", "echo"};
    for (size_t i = 0; i < NELEM(applets); i++) {
        snprintf(p, sizeof(p), "%s/bin/%s", e->rootfs, applets[i]);
        assert_int_equal(symlink("busybox", p), 0);
    }
    assert_int_equal(mkdir(e->hostdir, 0755), 0);
    snprintf(p, sizeof(p), "%s/hello", e->hostdir);
    assert_int_equal(write_file(p, "hello from host\n"), 0);
    assert_int_equal(write_file(e->hostfile, "host file\n"), 0);
    *state = e;
    return 0;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    return remove(path);
}

static int env_teardown(void **state)
{
    struct env *e = *state;
    assert_int_equal(nftw(e->tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS), 0);
    free(e);
    return 0;
}

static int fail_err(const char *what, aisbx_error *err)
{
    fprintf(stderr, "%s: %s\n", what, err && err->msg ? err->msg : "?");
    aisbx_error_free(&err);
    return 2;
}

/* Runs the scenario's hooks at their named steps of the real sequence;
 * a hook's non-zero result becomes the init's exit code. */
static int hook_code;

static int before_step(const char *step, void *arg)
{
    const struct scenario *s = arg;
    if (!strcmp(step, "rootfs-prepare") && s->pre_mount)
        hook_code = s->pre_mount(s);
    else if (!strcmp(step, "pivot") && s->pre_pivot)
        hook_code = s->pre_pivot(s);
    return hook_code;
}

/* The container's init (pid 1 of the new pid namespace): the init's own
 * rootfs stage (runtime/init.c), not a copy of its order. */
static int container_init(const struct scenario *s)
{
    aisbx_error *err = NULL;
    struct launch_plan plan = {.console_fd = -1};
    struct init_args a = {
        .cfg = s->cfg,
        .plan = &plan,
        .rootfs = s->env->rootfs,
        .bundle = s->env->tmp,
        .sync_fd = -1,
        .fifo_fd = -1,
        .state_dirfd = -1,
        .no_pivot = s->no_pivot,
    };
    if (init_run_stage(&a, "rootfs", before_step, (void *)s, &err) < 0) {
        if (hook_code) {
            aisbx_error_free(&err);
            return hook_code;
        }
        return fail_err("init rootfs stage", err);
    }
    return s->check ? s->check(s) : 0;
}

static void run_scenario(const struct scenario *s)
{
    int before = count_mountinfo();
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (unshare(CLONE_NEWNS | CLONE_NEWPID | s->unshare_extra) < 0) {
            perror("unshare");
            _exit(3);
        }
        pid_t init = fork();
        if (init < 0)
            _exit(3);
        if (init == 0)
            _exit(container_init(s));
        int st;
        if (waitpid(init, &st, 0) < 0)
            _exit(3);
        _exit(WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st));
    }
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    assert_int_equal(count_mountinfo(), before);
}

/* ---- scenario: binds, tmpfs, proc, sysctl ------------------------------ */

static int check_basic(const struct scenario *s)
{
    char buf[256];
    struct statfs sf;
    CHECK(getpid() == 1, "pid %d", getpid());
    CHECK(read_file("/data/hello", buf, sizeof(buf)) > 0 && !strcmp(buf, "hello from host\n"),
          "bind content");
    CHECK(write_file("/data/new", "x") == 0, "rw bind writable");
    CHECK(unlink("/data/new") == 0, "cleanup rw bind");
    CHECK(read_file("/ro/hello", buf, sizeof(buf)) > 0, "ro bind readable");
    CHECK(write_file("/ro/new", "x") < 0 && errno == EROFS, "ro bind refuses writes");
    CHECK(read_file("/etc/hostfile", buf, sizeof(buf)) > 0 && !strcmp(buf, "host file\n"),
          "file bind");
    CHECK(statfs("/tmp", &sf) == 0 && sf.f_type == TMPFS_MAGIC, "tmpfs at /tmp");
    CHECK((unsigned long long)sf.f_blocks * sf.f_bsize == 1024 * 1024, "tmpfs size %llu",
          (unsigned long long)sf.f_blocks * sf.f_bsize);
    CHECK(write_file("/tmp/x", "x") == 0, "tmpfs writable");
    ssize_t n = readlink("/proc/self", buf, sizeof(buf) - 1);
    CHECK(n > 0, "readlink /proc/self");
    buf[n] = '\0';
    CHECK(!strcmp(buf, "1"), "/proc/self is %s", buf);
    CHECK(statfs("/proc", &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC, "proc at /proc");
    CHECK(gethostname(buf, sizeof(buf)) == 0 && !strcmp(buf, "aisbx-sysctl"), "hostname %s", buf);
    /* rootfsPropagation "shared" was applied to "/" by finalize (until then
     * "/" stays private: pivot_root refuses shared mounts). */
    FILE *f = fopen("/proc/self/mountinfo", "re");
    CHECK(f != NULL, "open mountinfo");
    char line[1024];
    bool root_seen = false;
    while (fgets(line, sizeof(line), f)) {
        char mp[256];
        if (sscanf(line, "%*s %*s %*s %*s %255s", mp) == 1 && !strcmp(mp, "/")) {
            root_seen = true;
            if (!strstr(line, " shared:")) {
                fclose(f);
                CHECK(false, "/ not shared: %s", line);
            }
        }
    }
    fclose(f);
    CHECK(root_seen, "no / in mountinfo");
    /* The old root is gone: the host's temp dir is not reachable. */
    CHECK(access(s->env->tmp, F_OK) < 0, "host path %s visible", s->env->tmp);
    return 0;
}

/* Gives "/" a master (as on a systemd host, where / is shared): shared in
 * the scenario's namespace, then a second mount namespace whose copies are
 * peers of it; rootfs_prepare turns them into slaves ("master:N"). */
static int pre_mount_shared_root(const struct scenario *s)
{
    CHECK(mount("", "/", NULL, MS_SHARED | MS_REC, NULL) == 0, "make / shared");
    CHECK(unshare(CLONE_NEWNS) == 0, "second mount namespace");
    return 0;
}

static void test_basic_mounts(void **state)
{
    struct env *e = *state;
    struct spec_mount mounts[] = {
        {.destination = "/proc", .type = "proc", .source = "proc", .options = NOOPTS},
        {.destination = "/tmp",
         .type = "tmpfs",
         .source = "tmpfs",
         .options = OPTS("nosuid", "nodev", "size=1m", "mode=1777")},
        {.destination = "/data",
         .type = "bind",
         .source = e->hostdir,
         .options = OPTS("rbind", "rprivate")},
        {.destination = "/ro",
         .type = "none",
         .source = "hostdir", /* relative to the bundle */
         .options = OPTS("bind", "ro", "nosuid", "nodev")},
        {.destination = "/etc/hostfile",
         .type = "bind",
         .source = e->hostfile,
         .options = OPTS("bind", "ro")},
    };
    struct spec_kv kv[] = {{"kernel.hostname", "aisbx-sysctl"}};
    struct spec_linux l = {.sysctl = {.v = kv, .n = 1}, .rootfs_propagation = "shared"};
    struct spec_root root = {.path = "rootfs"};
    struct spec_config c = {
        .root = &root, .mounts = mounts, .n_mounts = NELEM(mounts), .linux_ = &l};
    struct scenario s = {.env = e,
                         .cfg = &c,
                         .pre_mount = pre_mount_shared_root,
                         .check = check_basic,
                         .unshare_extra = CLONE_NEWUTS};
    run_scenario(&s);
}

/* ---- scenario: symlinks in the rootfs cannot send a mount outside -------- */

static int check_no_escape_pre_pivot(const struct scenario *s)
{
    char p[PATH_MAX + 64];
    struct stat st;
    /* etc -> / and x -> ../../.. : both must land inside the rootfs. */
    CHECK(stat("/aisbx-escape-1", &st) < 0 && errno == ENOENT, "host /aisbx-escape-1 created");
    CHECK(!is_mount_point("/aisbx-escape-1"), "mount on host /aisbx-escape-1");
    snprintf(p, sizeof(p), "%s/aisbx-escape-1", s->env->rootfs);
    CHECK(is_mount_point(p), "no mount at %s", p);
    snprintf(p, sizeof(p), "/tmp/aisbx-escape-2-%s", strrchr(s->env->tmp, '-') + 1);
    CHECK(stat(p, &st) < 0 && errno == ENOENT, "host %s created", p);
    CHECK(!is_mount_point(p), "mount on host %s", p);
    snprintf(p, sizeof(p), "%s/tmp/aisbx-escape-2-%s", s->env->rootfs,
             strrchr(s->env->tmp, '-') + 1);
    CHECK(is_mount_point(p), "no mount at %s", p);
    /* A bind whose target is the escaping symlink itself lands on the rootfs's /. */
    snprintf(p, sizeof(p), "%s/hello", s->env->rootfs);
    CHECK(access(p, F_OK) == 0, "bind onto x/../.. did not land on the rootfs");
    return 0;
}

static int check_no_escape(const struct scenario *s)
{
    struct statfs sf;
    CHECK(statfs("/aisbx-escape-1", &sf) == 0 && sf.f_type == TMPFS_MAGIC, "inside mount 1");
    return 0;
}

static void test_symlink_escape(void **state)
{
    struct env *e = *state;
    char p[PATH_MAX + 64], dest2[128];
    snprintf(p, sizeof(p), "%s/etc", e->rootfs);
    assert_int_equal(rmdir(p), 0);
    assert_int_equal(symlink("/", p), 0);
    snprintf(p, sizeof(p), "%s/x", e->rootfs);
    assert_int_equal(symlink("../../..", p), 0);
    snprintf(dest2, sizeof(dest2), "/x/tmp/aisbx-escape-2-%s", strrchr(e->tmp, '-') + 1);
    struct spec_mount mounts[] = {
        {.destination = "/etc/aisbx-escape-1",
         .type = "tmpfs",
         .source = "tmpfs",
         .options = OPTS("size=64k")},
        {.destination = dest2, .type = "tmpfs", .source = "tmpfs", .options = OPTS("size=64k")},
        {.destination = "/x/hello",
         .type = "bind",
         .source = e->hostfile,
         .options = OPTS("bind", "ro")},
    };
    struct spec_root root = {.path = "rootfs"};
    struct spec_config c = {.root = &root, .mounts = mounts, .n_mounts = NELEM(mounts)};
    struct scenario s = {
        .env = e, .cfg = &c, .pre_pivot = check_no_escape_pre_pivot, .check = check_no_escape};
    run_scenario(&s);
    /* And from the host's side: nothing was created outside. */
    assert_int_equal(access("/aisbx-escape-1", F_OK), -1);
    snprintf(p, sizeof(p), "/tmp/aisbx-escape-2-%s", strrchr(e->tmp, '-') + 1);
    assert_int_equal(access(p, F_OK), -1);
    assert_false(is_mount_point(p));
}

/* ---- scenario: masked / read-only paths, read-only root, cgroup --------- */

static int check_hardened(const struct scenario *s)
{
    char buf[256];
    struct statfs sf;
    struct stat st;
    /* (this kernel has no /proc/kcore: it is in the list and skipped as ENOENT) */
    CHECK(read_file("/proc/interrupts", buf, sizeof(buf)) == 0, "/proc/interrupts not empty");
    CHECK(stat("/proc/interrupts", &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3),
          "/proc/interrupts is not /dev/null");
    CHECK(statfs("/sys/firmware", &sf) == 0 && sf.f_type == TMPFS_MAGIC, "/sys/firmware masked");
    CHECK(write_file("/sys/firmware/x", "x") < 0 && errno == EROFS, "mask is read-only");
    CHECK(write_file("/proc/sys/kernel/hostname", "x") < 0 && errno == EROFS, "/proc/sys writable");
    CHECK(read_file("/proc/sys/kernel/ostype", buf, sizeof(buf)) > 0, "/proc/sys readable");
    /* The sysctl was written (in this scenario's netns) before /proc/sys froze. */
    CHECK(read_file("/proc/sys/net/ipv4/ip_forward", buf, sizeof(buf)) > 0 && buf[0] == '1',
          "sysctl net.ipv4.ip_forward = %s", buf);
    CHECK(write_file("/x", "x") < 0 && errno == EROFS, "root writable");
    CHECK(mkdir("/newdir", 0755) < 0 && errno == EROFS, "root writable (mkdir)");
    CHECK(write_file("/tmp/x", "x") == 0, "tmpfs on a read-only root not writable");
    CHECK(statfs("/sys", &sf) == 0 && sf.f_type == SYSFS_MAGIC, "sysfs at /sys");
    CHECK(write_file("/sys/kernel/uevent_helper", "x") < 0, "/sys writable");
    CHECK(statfs("/sys/fs/cgroup", &sf) == 0 && sf.f_type == TMPFS_MAGIC, "cgroup tmpfs");
    CHECK(statfs("/sys/fs/cgroup/pids", &sf) == 0 && sf.f_type == CGROUP_SUPER_MAGIC,
          "pids hierarchy");
    CHECK(access("/sys/fs/cgroup/pids/cgroup.procs", R_OK) == 0, "pids hierarchy content");
    CHECK(mkdir("/sys/fs/cgroup/pids/aisbx-x", 0755) < 0 && errno == EROFS,
          "cgroup hierarchy writable");
    CHECK(mkdir("/sys/fs/cgroup/aisbx-x", 0755) < 0 && errno == EROFS, "cgroup tmpfs writable");
    if (access("/sys/fs/cgroup/unified", F_OK) == 0)
        CHECK(statfs("/sys/fs/cgroup/unified", &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC,
              "unified hierarchy");
    return 0;
}

static void test_hardened_root(void **state)
{
    struct env *e = *state;
    struct spec_mount mounts[] = {
        {.destination = "/proc",
         .type = "proc",
         .source = "proc",
         .options = OPTS("nosuid", "nodev", "noexec")},
        {.destination = "/sys",
         .type = "sysfs",
         .source = "sysfs",
         .options = OPTS("nosuid", "noexec", "nodev", "ro")},
        {.destination = "/sys/fs/cgroup",
         .type = "cgroup",
         .source = "cgroup",
         .options = OPTS("nosuid", "noexec", "nodev", "relatime", "ro")},
        {.destination = "/dev",
         .type = "tmpfs",
         .source = "tmpfs",
         .options = OPTS("nosuid", "strictatime", "mode=755", "size=65536k")},
        {.destination = "/tmp",
         .type = "tmpfs",
         .source = "tmpfs",
         .options = OPTS("nosuid", "nodev", "size=1m")},
    };
    struct spec_linux l = {
        .masked_paths = OPTS("/proc/kcore", "/proc/interrupts", "/proc/aisbx-missing",
                             "/sys/firmware", "/nope/x"),
        .readonly_paths = OPTS("/proc/sys", "/proc/aisbx-missing"),
        .has_masked_paths = true,
        .has_readonly_paths = true,
        .sysctl = {.v = (struct spec_kv[]){{"net.ipv4.ip_forward", "1"}}, .n = 1},
    };
    struct spec_root root = {.path = "rootfs", .readonly = true};
    struct spec_config c = {
        .root = &root, .mounts = mounts, .n_mounts = NELEM(mounts), .linux_ = &l};
    struct scenario s = {.env = e,
                         .cfg = &c,
                         .check = check_hardened,
                         .unshare_extra = CLONE_NEWCGROUP | CLONE_NEWNET};
    run_scenario(&s);
}

/* ---- scenario: /dev ----------------------------------------------------- */

static int check_char(const char *path, unsigned maj, unsigned min, mode_t mode)
{
    struct stat st;
    CHECK(lstat(path, &st) == 0, "%s missing", path);
    CHECK(S_ISCHR(st.st_mode), "%s not a char device", path);
    CHECK(major(st.st_rdev) == maj && minor(st.st_rdev) == min, "%s is %u:%u", path,
          major(st.st_rdev), minor(st.st_rdev));
    CHECK((st.st_mode & 07777) == mode, "%s mode %o", path, st.st_mode & 07777);
    return 0;
}

static int check_link(const char *path, const char *target)
{
    char buf[PATH_MAX];
    ssize_t n = readlink(path, buf, sizeof(buf) - 1);
    CHECK(n > 0, "%s not a symlink", path);
    buf[n] = '\0';
    CHECK(!strcmp(buf, target), "%s -> %s", path, buf);
    return 0;
}

static int check_dev(const struct scenario *s)
{
    struct stat st;
    char buf[16];
    int r = check_char("/dev/null", 1, 3, 0666) || check_char("/dev/zero", 1, 5, 0666) ||
            check_char("/dev/full", 1, 7, 0666) || check_char("/dev/random", 1, 8, 0666) ||
            check_char("/dev/urandom", 1, 9, 0666) || check_char("/dev/tty", 5, 0, 0666) ||
            check_char("/dev/aisbx-null", 1, 3, 0600);
    if (r)
        return r;
    CHECK(stat("/dev/aisbx-null", &st) == 0 && st.st_uid == 1000 && st.st_gid == 1001,
          "config device owner %u:%u", st.st_uid, st.st_gid);
    r = check_link("/dev/fd", "/proc/self/fd") || check_link("/dev/stdin", "/proc/self/fd/0") ||
        check_link("/dev/stdout", "/proc/self/fd/1") ||
        check_link("/dev/stderr", "/proc/self/fd/2") || check_link("/dev/ptmx", "pts/ptmx");
    if (r)
        return r;
    CHECK(write_file("/dev/null", "x") == 0, "write /dev/null");
    CHECK(read_file("/dev/zero", buf, sizeof(buf)) == sizeof(buf) - 1 && buf[0] == 0,
          "read /dev/zero");
    int fd = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
    CHECK(fd >= 0, "open /dev/ptmx");
    close(fd);
    CHECK(stat("/dev/pts/ptmx", &st) == 0 && (st.st_mode & 0777) == 0666, "ptmxmode");
    /* The busybox rootfs works: a shell sees the same /dev. */
    pid_t pid = fork();
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", "test -c /dev/null && ls /dev/pts >/dev/null", (char *)NULL);
        _exit(127);
    }
    int wst;
    CHECK(pid > 0 && waitpid(pid, &wst, 0) == pid && WIFEXITED(wst) && WEXITSTATUS(wst) == 0,
          "busybox sh in the rootfs");
    return 0;
}

static void test_dev(void **state)
{
    struct env *e = *state;
    struct spec_mount mounts[] = {
        {.destination = "/proc", .type = "proc", .source = "proc", .options = NOOPTS},
        {.destination = "/dev",
         .type = "tmpfs",
         .source = "tmpfs",
         .options = OPTS("nosuid", "strictatime", "mode=755", "size=65536k")},
        {.destination = "/dev/pts",
         .type = "devpts",
         .source = "devpts",
         .options = OPTS("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5")},
        {.destination = "/dev/shm",
         .type = "tmpfs",
         .source = "shm",
         .options = OPTS("nosuid", "noexec", "nodev", "mode=1777", "size=65536k")},
        {.destination = "/dev/mqueue",
         .type = "mqueue",
         .source = "mqueue",
         .options = OPTS("nosuid", "noexec", "nodev")},
    };
    struct spec_device devs[] = {{.path = "/dev/aisbx-null",
                                  .type = "c",
                                  .major = 1,
                                  .minor = 3,
                                  .has_file_mode = true,
                                  .file_mode = 0600,
                                  .has_uid = true,
                                  .uid = 1000,
                                  .has_gid = true,
                                  .gid = 1001}};
    struct spec_linux l = {.devices = devs, .n_devices = 1};
    struct spec_root root = {.path = "rootfs", .readonly = true};
    struct spec_config c = {
        .root = &root, .mounts = mounts, .n_mounts = NELEM(mounts), .linux_ = &l};
    struct scenario s = {.env = e, .cfg = &c, .check = check_dev, .unshare_extra = CLONE_NEWIPC};
    run_scenario(&s);
}

/* ---- scenario: --no-pivot ----------------------------------------------- */

static int check_no_pivot(const struct scenario *s)
{
    char buf[64];
    CHECK(access("/bin/busybox", X_OK) == 0, "rootfs is /");
    ssize_t n = readlink("/proc/self", buf, sizeof(buf) - 1);
    CHECK(n > 0, "readlink /proc/self");
    buf[n] = '\0';
    CHECK(!strcmp(buf, "1"), "/proc/self is %s", buf);
    CHECK(access(s->env->tmp, F_OK) < 0, "host path visible");
    CHECK(write_file("/x", "x") < 0 && errno == EROFS, "root writable");
    return 0;
}

static void test_no_pivot(void **state)
{
    struct env *e = *state;
    struct spec_mount mounts[] = {
        {.destination = "/proc", .type = "proc", .source = "proc", .options = NOOPTS},
    };
    struct spec_root root = {.path = "rootfs", .readonly = true};
    struct spec_config c = {.root = &root, .mounts = mounts, .n_mounts = NELEM(mounts)};
    struct scenario s = {.env = e, .cfg = &c, .no_pivot = true, .check = check_no_pivot};
    run_scenario(&s);
}

/* ---- scenario: recursive attributes (rro) via mount_setattr -------------- */

static int pre_mount_submount(const struct scenario *s)
{
    char p[PATH_MAX + 16];
    snprintf(p, sizeof(p), "%s/sub", s->env->hostdir);
    CHECK(mkdir(p, 0755) == 0 || errno == EEXIST, "mkdir %s", p);
    /* In the scenario's own mount namespace: the host never sees it. */
    CHECK(mount("tmpfs", p, "tmpfs", 0, "size=64k") == 0, "submount");
    snprintf(p, sizeof(p), "%s/sub/inner", s->env->hostdir);
    CHECK(write_file(p, "inner") == 0, "write inner");
    return 0;
}

static int check_rro(const struct scenario *s)
{
    char buf[64];
    CHECK(read_file("/rdata/sub/inner", buf, sizeof(buf)) > 0, "submount visible");
    CHECK(write_file("/rdata/new", "x") < 0 && errno == EROFS, "top not read-only");
    CHECK(write_file("/rdata/sub/new", "x") < 0 && errno == EROFS, "submount not read-only");
    /* Plain "ro" on an rbind is only the top mount (runc semantics). */
    CHECK(write_file("/pdata/new", "x") < 0 && errno == EROFS, "ro top");
    CHECK(write_file("/pdata/sub/new", "x") == 0, "ro is not recursive");
    return 0;
}

static void test_recursive_ro(void **state)
{
    struct env *e = *state;
    struct spec_mount mounts[] = {
        {.destination = "/rdata",
         .type = "bind",
         .source = e->hostdir,
         .options = OPTS("rbind", "rro", "rnosuid", "rprivate")},
        {.destination = "/pdata",
         .type = "bind",
         .source = e->hostdir,
         .options = OPTS("rbind", "ro")},
    };
    struct spec_root root = {.path = "rootfs"};
    struct spec_config c = {.root = &root, .mounts = mounts, .n_mounts = NELEM(mounts)};
    struct scenario s = {.env = e, .cfg = &c, .pre_mount = pre_mount_submount, .check = check_rro};
    run_scenario(&s);
}

/* ---- scenario: errors --------------------------------------------------- */

static int pre_pivot_errors(const struct scenario *s)
{
    aisbx_error *err = NULL;
    int rootfd = open(s->env->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
    CHECK(rootfd >= 0, "open rootfs");
    struct spec_mount idm = {.destination = "/idm",
                             .type = "bind",
                             .source = s->env->hostdir,
                             .options = OPTS("rbind", "idmap")};
    CHECK(rootfs_mount_one(&idm, rootfd, NULL, -1, &err) < 0 && err->errnum == ENOTSUP,
          "idmap accepted");
    CHECK(strstr(err->msg, "idmap") != NULL, "message: %s", err->msg);
    aisbx_error_free(&err);
    struct spec_mount bad = {.destination = "/bad",
                             .type = "tmpfs",
                             .source = "tmpfs",
                             .options = OPTS("size=notanumber")};
    CHECK(rootfs_mount_one(&bad, rootfd, NULL, -1, &err) < 0 && err->errnum == EINVAL,
          "bad tmpfs data accepted");
    aisbx_error_free(&err);
    struct spec_mount nosrc = {
        .destination = "/nosrc", .type = "bind", .source = "/nonexistent", .options = OPTS("bind")};
    CHECK(rootfs_mount_one(&nosrc, rootfd, NULL, -1, &err) < 0 && err->errnum == ENOENT,
          "missing bind source accepted");
    aisbx_error_free(&err);
    close(rootfd);
    return 0;
}

static void test_mount_errors(void **state)
{
    struct env *e = *state;
    struct spec_root root = {.path = "rootfs"};
    struct spec_config c = {.root = &root};
    struct scenario s = {.env = e, .cfg = &c, .pre_pivot = pre_pivot_errors};
    run_scenario(&s);
}

/* ---- pure units ----------------------------------------------------------- */

static void test_mount_options(void **state)
{
    aisbx_error *err = NULL;
    struct mount_opts o;
    struct spec_strlist l = OPTS("rbind", "ro", "nosuid", "nodev", "noexec", "noatime", "rprivate",
                                 "size=64m", "mode=755", "tmpcopyup", "rw", "ro");
    assert_int_equal(mount_options_parse(&l, &o, &err), 0);
    assert_true(o.bind && o.rec_bind && o.tmpcopyup);
    assert_int_equal(o.flags, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME);
    assert_int_equal(o.n_propagation, 1);
    assert_int_equal(o.propagation[0], MS_PRIVATE | MS_REC);
    assert_string_equal(o.data, "size=64m,mode=755");
    assert_true(mount_opts_need_remount(&o));
    mount_options_free(&o);

    struct spec_strlist l2 = OPTS("noatime", "strictatime", "suid", "dev", "exec", "shared",
                                  "runbindable", "rro", "rnoexec", "rrelatime", "rexec");
    assert_int_equal(mount_options_parse(&l2, &o, &err), 0);
    assert_int_equal(o.flags, MS_STRICTATIME);
    assert_null(o.data);
    assert_int_equal(o.n_propagation, 2);
    assert_int_equal(o.propagation[0], MS_SHARED);
    assert_int_equal(o.propagation[1], MS_UNBINDABLE | MS_REC);
    assert_int_equal(o.attr_set, MOUNT_ATTR_RDONLY | MOUNT_ATTR_RELATIME);
    assert_int_equal(o.attr_clr, MOUNT_ATTR__ATIME | MOUNT_ATTR_NOEXEC);
    mount_options_free(&o);

    struct spec_strlist l3 = OPTS("bind");
    assert_int_equal(mount_options_parse(&l3, &o, &err), 0);
    assert_false(mount_opts_need_remount(&o));
    mount_options_free(&o);

    /* a comma-joined element is judged option by option (issue 10 item 8),
     * the way the overlay judged it; quoted commas stay in the value */
    struct spec_strlist l5 = OPTS("nosuid,rrw", "size=1k,,mode=1777", "context=\"a:s0:c1,c2\"");
    assert_int_equal(mount_options_parse(&l5, &o, &err), 0);
    assert_int_equal(o.flags, MS_NOSUID);
    assert_int_equal(o.attr_clr, MOUNT_ATTR_RDONLY);
    assert_string_equal(o.data, "size=1k,mode=1777,context=\"a:s0:c1,c2\"");
    mount_options_free(&o);
    assert_true(spec_mount_options_has(&l5, "rrw"));
    assert_false(spec_mount_options_has(&l5, "c2\""));

    struct spec_strlist l4 = OPTS("rbind", "idmap");
    assert_int_equal(mount_options_parse(&l4, &o, &err), -1);
    assert_int_equal(err->errnum, ENOTSUP);
    aisbx_error_free(&err);
    mount_options_free(&o);
}

static void test_resolve_in_root(void **state)
{
    struct env *e = *state;
    aisbx_error *err = NULL;
    char p[PATH_MAX + 64];
    snprintf(p, sizeof(p), "%s/up", e->rootfs);
    assert_int_equal(symlink("../../../../../..", p), 0);
    snprintf(p, sizeof(p), "%s/abs", e->rootfs);
    assert_int_equal(symlink("/etc", p), 0);
    snprintf(p, sizeof(p), "%s/self", e->rootfs);
    assert_int_equal(symlink("/proc/self/root", p), 0);
    snprintf(p, sizeof(p), "%s/dangling", e->rootfs);
    assert_int_equal(symlink("/nonexistent-dir/x", p), 0);
    int rootfd = open(e->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
    assert_true(rootfd >= 0);
    struct stat want, got;
    assert_int_equal(fstat(rootfd, &want), 0);

    int fd = resolve_in_root(rootfd, "/up", RESOLVE_CREATE_NONE, 0, &err);
    assert_true(fd >= 0);
    assert_int_equal(fstat(fd, &got), 0);
    assert_true(got.st_ino == want.st_ino && got.st_dev == want.st_dev);
    close(fd);

    /* /abs/a/b -> <rootfs>/etc/a/b, created component by component. */
    fd = resolve_in_root(rootfd, "/abs/a/b", RESOLVE_CREATE_DIR, 0700, &err);
    assert_true(fd >= 0);
    close(fd);
    snprintf(p, sizeof(p), "%s/etc/a/b", e->rootfs);
    assert_int_equal(stat(p, &got), 0);
    assert_true(S_ISDIR(got.st_mode) && (got.st_mode & 0777) == 0700);
    assert_int_equal(access("/etc/a/b", F_OK), -1);

    fd = resolve_in_root(rootfd, "up/up/newdir/file", RESOLVE_CREATE_FILE, 0600, &err);
    assert_true(fd >= 0);
    close(fd);
    snprintf(p, sizeof(p), "%s/newdir/file", e->rootfs);
    assert_int_equal(stat(p, &got), 0);
    assert_true(S_ISREG(got.st_mode));

    /* An absolute link to /proc/self/root stays in the rootfs (which has no proc)... */
    assert_int_equal(resolve_in_root(rootfd, "/self/etc", RESOLVE_CREATE_NONE, 0, &err), -1);
    assert_int_equal(err->errnum, ENOENT);
    aisbx_error_free(&err);
    /* ...and magic links are refused even where a procfs is present. */
    int hostroot = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    assert_true(hostroot >= 0);
    assert_int_equal(resolve_in_root(hostroot, "/proc/self/root/etc", RESOLVE_CREATE_NONE, 0, &err),
                     -1);
    assert_int_equal(err->errnum, ELOOP);
    aisbx_error_free(&err);
    close(hostroot);
    /* Dangling symlinks are not followed out (nor created through). */
    assert_int_equal(resolve_in_root(rootfd, "/dangling/y", RESOLVE_CREATE_DIR, 0755, &err), -1);
    aisbx_error_free(&err);
    assert_int_equal(access("/nonexistent-dir", F_OK), -1);
    snprintf(p, sizeof(p), "%s/nonexistent-dir", e->rootfs);
    assert_int_equal(access(p, F_OK), -1);
    assert_int_equal(resolve_in_root(rootfd, "/missing", RESOLVE_CREATE_NONE, 0, &err), -1);
    assert_int_equal(err->errnum, ENOENT);
    aisbx_error_free(&err);
    close(rootfd);
}

static void test_sysctl_keys(void **state)
{
    aisbx_error *err = NULL;
    char *p = sysctl_key_path("net.ipv4.ip_forward", &err);
    assert_string_equal(p, "net/ipv4/ip_forward");
    free(p);
    static const char *const bad[] = {"",     "..",   "net..ipv4",     "net/ipv4",
                                      ".net", "net.", "kernel.../../x"};
    for (size_t i = 0; i < NELEM(bad); i++) {
        assert_null(sysctl_key_path(bad[i], &err));
        assert_int_equal(err->errnum, EINVAL);
        aisbx_error_free(&err);
    }
    struct spec_kv kv[] = {{"net/../../kernel/hostname", "x"}};
    struct spec_kvlist l = {.v = kv, .n = 1};
    assert_int_equal(sysctl_apply(&l, &err), -1);
    assert_int_equal(err->errnum, EINVAL);
    aisbx_error_free(&err);
}

int main(void)
{
    if (geteuid() != 0) {
        fprintf(stderr, "test_rootfs needs root\n");
        return 77;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mount_options),
        cmocka_unit_test(test_sysctl_keys),
        cmocka_unit_test_setup_teardown(test_resolve_in_root, env_setup, env_teardown),
        cmocka_unit_test_setup_teardown(test_basic_mounts, env_setup, env_teardown),
        cmocka_unit_test_setup_teardown(test_symlink_escape, env_setup, env_teardown),
        cmocka_unit_test_setup_teardown(test_hardened_root, env_setup, env_teardown),
        cmocka_unit_test_setup_teardown(test_dev, env_setup, env_teardown),
        cmocka_unit_test_setup_teardown(test_no_pivot, env_setup, env_teardown),
        cmocka_unit_test_setup_teardown(test_recursive_ro, env_setup, env_teardown),
        cmocka_unit_test_setup_teardown(test_mount_errors, env_setup, env_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
