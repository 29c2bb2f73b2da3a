/* Root filesystem scenarios, hardening: masked and read-only paths, the
 * read-only root, cgroup, /dev, and --no-pivot. */
#include "tests/rootfs_helpers.h"

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

int main(void)
{
    if (geteuid() != 0) {
        fprintf(stderr, "test_rootfs_hardening needs root\n");
        return 77;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_hardened_root, env_setup, env_teardown),
        cmocka_unit_test_setup_teardown(test_dev, env_setup, env_teardown),
        cmocka_unit_test_setup_teardown(test_no_pivot, env_setup, env_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
