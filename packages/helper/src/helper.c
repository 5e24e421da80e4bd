/*
 * pg-helper: a small process between a Node process (the "owner") and one command (the
 * "leader"). It starts the leader, reaps it (and, as a child subreaper, every orphan of its tree),
 * forwards signals to it, tells the owner on a control socket when the leader started and how it
 * ended, kills the whole group on request, and kills it when the owner dies, even by SIGKILL,
 * because the owner's end of the control socket then closes.
 *
 *   pg-helper [--subreaper] [--keep] [--control-fd N] [--forward leader|group] [--cgroup DIR]
 *             [--owner PID.TOKEN] [--name NAME] -- FILE [ARGS...]
 *
 * Status lines on the control fd, one write(2) each: "started <pid> <pidfd id>",
 * "exec-failed <ERRNO>", "exit code <n>", "exit signal <n>", "error <text>".
 * Commands read from it: "kill". Protocol and exit statuses: packages/helper/README.md.
 *
 * C11, libc only, Linux. Kernel facts used here are in /work/shared/reference/linux.md and the
 * man pages named next to each call.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The same numbers on every architecture (they came after the syscall table was unified). */
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif
#define PG_CLONE_INTO_CGROUP 0x200000000ULL
#define PIDFS_MAGIC 0x50494446

#define NAME "pg-helper"
#define EXIT_HELPER 125 /* the helper itself failed before the leader ran (usage, a syscall) */
#define EXIT_CLONE3 126 /* clone3 could not create the leader in the cgroup */
#define EXIT_EXEC 127   /* execv of FILE failed */
#define MAX_STOP_PASSES 1000

/* struct clone_args up to .cgroup (CLONE_ARGS_SIZE_VER2, Linux 5.7): clone3(2). */
struct clone_args_v2 {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
	uint64_t set_tid, set_tid_size, cgroup;
};

static struct {
	bool subreaper, keep, forward_group;
	bool signal_exit_code; /* end with 128+N, as a shell or tini, not by signal N itself */
	long stop_after_leader_ms; /* -1: none given; else stop the rest this long after the leader */
	int control_fd;         /* -1: none given */
	const char *cgroup_dir; /* NULL: none */
	char **command;         /* FILE ARGS..., NULL-terminated */
} opt = {.control_fd = -1, .stop_after_leader_ms = -1};

/* fds 0..keep_fds-1 are the caller's and go to the leader as they are. */
static int keep_fds = 3;
static int control = -1;        /* the control fd while the owner listens, else -1 */
static bool stderr_held = true; /* fd 2 is still the caller's stderr */
static bool owner_gone, owner_kill_done;
static char line_buf[64];
static size_t line_len;
static bool line_overlong;

static pid_t leader = -1;
static int leader_pidfd = -1;
static bool leader_reaped;
static int leader_status;
static bool no_children; /* waitpid(-1) said ECHILD */

static int cgroup_fd = -1, inotify_fd = -1;
static bool cgroup_empty, killing;
/* Until when cgroup.events is re-read every millisecond after the leader's exit (see main_loop). */
static struct timespec fast_reads_until;
#define FAST_READ_WINDOW_MS 200

/* --stop-after-leader: the rest of the group got SIGTERM at stop_started; SIGKILL once the deadline passes. */
static bool stop_started, stop_killed;
static struct timespec stop_deadline;

/* ---------------------------------------------------------------- reporting */

static const char *errno_name(int e, char buf[16])
{
	switch (e) {
#define NAMED(x) case x: return #x;
	NAMED(EPERM) NAMED(ENOENT) NAMED(ESRCH) NAMED(EINTR) NAMED(EIO) NAMED(E2BIG)
	NAMED(ENOEXEC) NAMED(EBADF) NAMED(ECHILD) NAMED(EAGAIN) NAMED(ENOMEM) NAMED(EACCES)
	NAMED(EFAULT) NAMED(EBUSY) NAMED(EEXIST) NAMED(ENOTDIR) NAMED(EISDIR) NAMED(EINVAL)
	NAMED(ENFILE) NAMED(EMFILE) NAMED(ETXTBSY) NAMED(ENOSPC) NAMED(EROFS) NAMED(EPIPE)
	NAMED(ENAMETOOLONG) NAMED(ENOSYS) NAMED(ELOOP) NAMED(ELIBBAD) NAMED(EOPNOTSUPP)
	NAMED(ECONNRESET)
#undef NAMED
	}
	snprintf(buf, 16, "E%d", e);
	return buf;
}

static void note_owner_gone(void);

/*
 * One status line on the control fd, in one write(2). A failed write means the owner's end is
 * closed (EPIPE: SIGPIPE is ignored) or unusable: either way the owner is gone.
 */
static void send_line(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	if (control < 0)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof buf - 2)
		n = sizeof buf - 2;
	buf[n++] = '\n';
	ssize_t w;
	do
		w = write(control, buf, (size_t)n);
	while (w < 0 && errno == EINTR);
	if (w < 0)
		note_owner_gone();
}

/*
 * "pg-helper: <what was attempted>: <strerror>" on stderr while the helper holds the caller's
 * stderr, and as "error <what>: <strerror>" on the control fd. Call right after the failure:
 * errno is read first.
 */
static void report(const char *fmt, ...)
{
	int e = errno;
	char what[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	if (stderr_held)
		dprintf(STDERR_FILENO, NAME ": %s: %s\n", what, strerror(e));
	send_line("error %s: %s", what, strerror(e));
}

/* `*t` becomes `ms` milliseconds from now (CLOCK_MONOTONIC); now itself if the clock fails. */
static void deadline_in(struct timespec *t, long ms)
{
	if (clock_gettime(CLOCK_MONOTONIC, t) < 0)
		report("clock_gettime CLOCK_MONOTONIC");
	t->tv_sec += ms / 1000;
	t->tv_nsec += (ms % 1000) * 1000000L;
	if (t->tv_nsec >= 1000000000L) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000L;
	}
}

static _Noreturn void usage(const char *problem)
{
	dprintf(STDERR_FILENO,
		NAME ": %s\nusage: " NAME " [--subreaper] [--keep] [--control-fd N] [--forward leader|group]"
		" [--stop-after-leader MS] [--signal-exit-code] [--cgroup DIR] [--owner PID.TOKEN] [--name NAME] -- FILE [ARGS...]\n",
		problem);
	exit(EXIT_HELPER);
}

/* ---------------------------------------------------------------- small syscall wrappers */

static int pidfd_open(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

/* pidfd_send_signal(2) when there is a pidfd; kill(2) otherwise (kernel < 5.3, or no fd left). */
static int send_signal(int pidfd, pid_t pid, int sig)
{
	if (pidfd >= 0)
		return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
	return kill(pid, sig);
}

/* The pidfd id: the pidfs inode (Linux 6.9), unique for the boot. 0 when pidfs is not there. */
static unsigned long long pidfd_id(int pidfd)
{
	struct statfs fs;
	struct stat st;
	if (pidfd < 0)
		return 0;
	if (fstatfs(pidfd, &fs) < 0) {
		report("fstatfs the leader's pidfd");
		return 0;
	}
	if (fs.f_type != PIDFS_MAGIC || sizeof st.st_ino < 8)
		return 0;
	if (fstat(pidfd, &st) < 0) {
		report("fstat the leader's pidfd");
		return 0;
	}
	return (unsigned long long)st.st_ino;
}

/*
 * Move a helper-owned fd above the caller's range: fds 0..keep_fds-1 may have holes (an
 * 'ignore' entry), and a helper fd there would be closed by the stdio hand-off.
 */
static int above_caller_fds(int fd)
{
	if (fd < 0 || fd >= keep_fds)
		return fd;
	int moved = fcntl(fd, F_DUPFD_CLOEXEC, keep_fds);
	if (moved < 0)
		report("move fd %d above %d", fd, keep_fds);
	close(fd);
	return moved;
}

/* Read /proc/PID/stat: state (field 3) and ppid (field 4). -1 when the process is gone. */
static int proc_stat(pid_t pid, char *state, pid_t *ppid)
{
	char path[64], buf[512];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n;
	do
		n = read(fd, buf, sizeof buf - 1);
	while (n < 0 && errno == EINTR);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* The command name (field 2) may hold spaces and parentheses: parse after the last ')'. */
	char *p = strrchr(buf, ')');
	int parent;
	if (p == NULL || sscanf(p + 1, " %c %d", state, &parent) != 2)
		return -1;
	*ppid = parent;
	return 0;
}

/* ---------------------------------------------------------------- the leader */

/*
 * In the child, between fork and exec: only async-signal-safe calls (signal-safety(7)). Every
 * disposition back to default (an ignored signal would stay ignored across execve), the mask
 * cleared, then execv. On failure the errno goes up the CLOEXEC pipe.
 */
static _Noreturn void exec_leader(int status_pipe)
{
	struct sigaction dfl;
	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			sigaction(sig, &dfl, NULL); /* EINVAL for glibc's reserved ones: nothing to do */
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execv(opt.command[0], opt.command);
	int e = errno;
	ssize_t w;
	do
		w = write(status_pipe, &e, sizeof e);
	while (w < 0 && errno == EINTR);
	_exit(EXIT_EXEC);
}

/*
 * Fork the leader (or clone3 it straight into the cgroup), open its pidfd before anything is
 * reaped, and learn through a CLOEXEC pipe whether execv worked: EOF means it did.
 * Returns false when exec failed (the child is reaped, "exec-failed" sent).
 */
static bool spawn_leader(void)
{
	int pipefd[2];
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		report("create the exec status pipe");
		exit(EXIT_HELPER);
	}
	pipefd[0] = above_caller_fds(pipefd[0]);
	pipefd[1] = above_caller_fds(pipefd[1]);
	if (pipefd[0] < 0 || pipefd[1] < 0)
		exit(EXIT_HELPER);

	pid_t pid;
	if (cgroup_fd >= 0) {
		/* CLONE_INTO_CGROUP: the child is born in the cgroup, no migration (clone3(2)). */
		struct clone_args_v2 args;
		memset(&args, 0, sizeof args);
		args.flags = PG_CLONE_INTO_CGROUP;
		args.exit_signal = SIGCHLD;
		args.cgroup = (uint64_t)cgroup_fd;
		pid = (pid_t)syscall(SYS_clone3, &args, sizeof args);
		if (pid < 0) {
			char name[16];
			int e = errno;
			report("clone3 into %s", opt.cgroup_dir);
			send_line("error clone3 %s", errno_name(e, name));
			exit(EXIT_CLONE3);
		}
	} else {
		pid = fork();
		if (pid < 0) {
			report("fork");
			exit(EXIT_HELPER);
		}
	}
	if (pid == 0)
		exec_leader(pipefd[1]);

	leader = pid;
	close(pipefd[1]);
	/* Our unreaped child: its pid cannot be recycled, so this pidfd is the leader's. */
	leader_pidfd = above_caller_fds(pidfd_open(pid));
	if (leader_pidfd < 0 && errno != ENOSYS)
		report("pidfd_open the leader (pid %d)", (int)pid);

	int exec_errno;
	ssize_t n;
	do
		n = read(pipefd[0], &exec_errno, sizeof exec_errno);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		report("read the exec status pipe");
	close(pipefd[0]);
	if (n != (ssize_t)sizeof exec_errno)
		return true; /* EOF: execv succeeded (a failed read is taken as success too: reported) */

	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	leader_reaped = true;
	char name[16];
	if (control >= 0)
		send_line("exec-failed %s", errno_name(exec_errno, name));
	else
		dprintf(STDERR_FILENO, NAME ": execv %s: %s\n", opt.command[0], strerror(exec_errno));
	return false;
}

/*
 * Give the caller's stdio back: the helper's copies of 0..keep_fds-1 would keep a reader of the
 * leader's stdout from seeing EOF. 0, 1, 2 point to /dev/null afterwards, so no later open()
 * lands there; from now on diagnostics go to the control fd only.
 */
static void handoff_stdio(void)
{
	for (int fd = 3; fd < keep_fds; fd++)
		close(fd); /* EBADF for a hole: nothing was there */
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0)
		report("open /dev/null");
	stderr_held = false;
	for (int fd = 0; fd <= 2; fd++) {
		if (null < 0)
			close(fd);
		else if (fd != null && dup2(null, fd) < 0)
			report("dup2 /dev/null onto fd %d", fd);
	}
	if (null > 2)
		close(null);
}

static void leader_exited(int status)
{
	leader_reaped = true;
	leader_status = status;
	if (cgroup_fd >= 0)
		deadline_in(&fast_reads_until, FAST_READ_WINDOW_MS);
	if (leader_pidfd >= 0)
		close(leader_pidfd);
	leader_pidfd = -1;
	if (WIFEXITED(status))
		send_line("exit code %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		send_line("exit signal %d", WTERMSIG(status));
}

/* Reap every child that has exited; as a subreaper that includes the leader's orphans. */
static void reap_children(void)
{
	for (;;) {
		int status;
		/* __WALL: also children whose exit signal is not SIGCHLD (clone(2) with other flags). */
		pid_t pid = waitpid(-1, &status, WNOHANG | __WALL);
		if (pid > 0) {
			if (pid == leader)
				leader_exited(status);
			continue;
		}
		if (pid == 0)
			return;
		if (errno == EINTR)
			continue;
		if (errno == ECHILD)
			no_children = true;
		else
			report("waitpid");
		return;
	}
}

/* ---------------------------------------------------------------- the group */

struct member {
	pid_t pid; /* 0 once known dead */
	int pidfd; /* -1 when pidfd_open was not possible: signalled by pid */
};
struct members {
	struct member *v;
	size_t n, cap;
};

static bool members_has(const struct members *m, pid_t pid)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->v[i].pid == pid)
			return true;
	return false;
}

static void members_free(struct members *m)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->v[i].pidfd >= 0)
			close(m->v[i].pidfd);
	free(m->v);
	m->v = NULL;
	m->n = m->cap = 0;
}

/* Forget members from index `from` on (their parent turned out gone while we read). */
static void members_truncate(struct members *m, size_t from)
{
	for (size_t i = from; i < m->n; i++)
		if (m->v[i].pidfd >= 0)
			close(m->v[i].pidfd);
	m->n = from;
}

/*
 * Add `child`, seen in the children list of `parent`, if it is still that parent's child once we
 * hold a pidfd on it: then the pidfd is the process we saw (or a newer child of the same parent,
 * also a member), never an unrelated process that took a recycled pid.
 */
static void add_child(struct members *m, pid_t parent, pid_t child)
{
	if (child <= 1 || child == getpid() || members_has(m, child))
		return;
	int pidfd = pidfd_open(child);
	if (pidfd < 0) {
		if (errno == ESRCH)
			return;
		if (errno != ENOSYS && errno != EMFILE && errno != ENFILE) {
			report("pidfd_open %d", (int)child);
			return;
		}
	}
	char state;
	pid_t ppid;
	if (proc_stat(child, &state, &ppid) < 0 || ppid != parent) {
		if (pidfd >= 0)
			close(pidfd);
		return;
	}
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 64;
		struct member *v = realloc(m->v, cap * sizeof *v);
		if (v == NULL) {
			report("allocate the member list (%zu entries)", cap);
			if (pidfd >= 0)
				close(pidfd);
			return;
		}
		m->v = v;
		m->cap = cap;
	}
	m->v[m->n++] = (struct member){.pid = child, .pidfd = pidfd};
}

/*
 * Add the children of `parent`: the kernel lists them per thread in
 * /proc/PID/task/TID/children (proc(5)), so every task is read. `parent_pidfd` proves afterwards
 * that the pid still named the same process while we read (a reaped process answers ESRCH).
 */
static void add_children(struct members *m, pid_t parent, int parent_pidfd)
{
	char path[96];
	size_t before = m->n;
	snprintf(path, sizeof path, "/proc/%d/task", (int)parent);
	DIR *tasks = opendir(path);
	if (tasks == NULL) {
		if (errno != ENOENT && errno != ESRCH)
			report("open %s", path);
		return;
	}
	struct dirent *task;
	while ((errno = 0, task = readdir(tasks)) != NULL) {
		if (task->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "/proc/%d/task/%.16s/children", (int)parent, task->d_name);
		FILE *f = fopen(path, "re");
		if (f == NULL)
			continue; /* the thread or the process ended meanwhile */
		int child;
		while (fscanf(f, "%d", &child) == 1)
			add_child(m, parent, child);
		fclose(f);
	}
	closedir(tasks);
	if (parent_pidfd >= 0 && send_signal(parent_pidfd, parent, 0) < 0 && errno == ESRCH)
		members_truncate(m, before);
}

/* Breadth-first from the helper itself: the list grows while it is walked. */
static void walk_descendants(struct members *m)
{
	add_children(m, getpid(), -1);
	for (size_t i = 0; i < m->n; i++)
		if (m->v[i].pid != 0)
			add_children(m, m->v[i].pid, m->v[i].pidfd);
}

/* Lift the soft fd limit to the hard one: one pidfd per member. Only the helper, after fork. */
static void raise_fd_limit(void)
{
	struct rlimit lim;
	if (getrlimit(RLIMIT_NOFILE, &lim) < 0) {
		report("getrlimit RLIMIT_NOFILE");
		return;
	}
	if (lim.rlim_cur == lim.rlim_max)
		return;
	lim.rlim_cur = lim.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &lim) < 0)
		report("setrlimit RLIMIT_NOFILE");
}

/* `sig` to every descendant, by pidfd: "--forward group". */
static void signal_descendants(int sig)
{
	struct members m = {0};
	raise_fd_limit();
	walk_descendants(&m);
	for (size_t i = 0; i < m.n; i++)
		if (send_signal(m.v[i].pidfd, m.v[i].pid, sig) < 0 && errno != ESRCH)
			report("forward signal %d to %d", sig, (int)m.v[i].pid);
	members_free(&m);
}

/*
 * Without a cgroup there is no atomic kill: stop every descendant until a pass finds nobody new
 * and nobody running (a stopped process cannot fork), then SIGKILL them all (SIGKILL ends
 * stopped processes). Bounded: after MAX_STOP_PASSES passes the SIGKILLs go out anyway.
 */
static void stop_and_kill_descendants(void)
{
	struct members m = {0};
	raise_fd_limit();
	for (int pass = 0; pass < MAX_STOP_PASSES; pass++) {
		size_t known = m.n, running = 0;
		walk_descendants(&m);
		for (size_t i = 0; i < m.n; i++) {
			char state;
			pid_t ppid;
			if (m.v[i].pid == 0 || proc_stat(m.v[i].pid, &state, &ppid) < 0)
				continue;
			if (state == 'T' || state == 't' || state == 'Z' || state == 'X')
				continue;
			if (send_signal(m.v[i].pidfd, m.v[i].pid, SIGSTOP) == 0)
				running++;
			else if (errno == ESRCH)
				m.v[i].pid = 0;
			else
				report("SIGSTOP %d", (int)m.v[i].pid);
		}
		if (m.n == known && running == 0)
			break;
		if (m.n == known) {
			/* Only stops still in flight (or a task in D state): let them land. */
			struct timespec ms = {0, 1000000};
			nanosleep(&ms, NULL);
		}
	}
	for (size_t i = 0; i < m.n; i++)
		if (m.v[i].pid != 0 && send_signal(m.v[i].pidfd, m.v[i].pid, SIGKILL) < 0 && errno != ESRCH)
			report("SIGKILL %d", (int)m.v[i].pid);
	members_free(&m);
}

/* cgroup.kill (Linux 5.14): SIGKILL to the whole cgroup, atomic against forks. */
static int cgroup_kill(void)
{
	int fd = openat(cgroup_fd, "cgroup.kill", O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		report("open %s/cgroup.kill", opt.cgroup_dir);
		return -1;
	}
	ssize_t w;
	do
		w = write(fd, "1", 1);
	while (w < 0 && errno == EINTR);
	if (w < 0)
		report("write %s/cgroup.kill", opt.cgroup_dir);
	close(fd);
	return w < 0 ? -1 : 0;
}

/*
 * Kill the whole group: the "kill" command and the owner's death trigger it. With a cgroup,
 * cgroup.kill; if that fails (reported) or there is none, the stop-then-kill walk. The main loop
 * reaps what dies.
 */
static void kill_group(void)
{
	killing = true;
	if (cgroup_fd >= 0 && cgroup_kill() == 0)
		return;
	stop_and_kill_descendants();
}

/* "populated 0" in cgroup.events: nothing alive in the cgroup or below (zombies do not count). */
static bool read_cgroup_empty(void)
{
	char buf[256];
	int fd = openat(cgroup_fd, "cgroup.events", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		report("open %s/cgroup.events", opt.cgroup_dir);
		return errno == ENOENT; /* the directory itself is gone */
	}
	ssize_t n;
	do
		n = read(fd, buf, sizeof buf - 1);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		report("read %s/cgroup.events", opt.cgroup_dir);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return strstr(buf, "populated 0") != NULL;
}

/* rmdir the cgroup; EBUSY can linger a moment after the last task went (retried, bounded). */
static void remove_cgroup(void)
{
	for (int attempt = 0; attempt < 200; attempt++) {
		if (rmdir(opt.cgroup_dir) == 0 || errno == ENOENT)
			return;
		if (errno != EBUSY && errno != EINTR)
			break;
		struct timespec ms = {0, 10000000};
		nanosleep(&ms, NULL);
	}
	report("rmdir %s", opt.cgroup_dir);
}

/* ---------------------------------------------------------------- signals and the owner */

static bool is_forwarded(int sig)
{
	switch (sig) {
	case SIGTERM: case SIGINT: case SIGHUP: case SIGQUIT: case SIGUSR1: case SIGUSR2:
	case SIGWINCH: case SIGCONT: case SIGALRM: case SIGTSTP: case SIGTTIN: case SIGTTOU:
		return true;
	default:
		return false;
	}
}

static void forward_signal(int sig)
{
	if (opt.forward_group) {
		signal_descendants(sig);
		return;
	}
	if (leader_reaped)
		return;
	/* pidfd when we have one; else kill(2), still safe: the leader is our unreaped child. */
	if (send_signal(leader_pidfd, leader, sig) < 0 && errno != ESRCH)
		report("forward signal %d to the leader", sig);
}

/* Drain the signalfd: SIGCHLD means reap, the forwarded ones go on, the rest is ignored. */
static void handle_signals(int sfd)
{
	bool reap = false;
	for (;;) {
		struct signalfd_siginfo si;
		ssize_t n = read(sfd, &si, sizeof si);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n != (ssize_t)sizeof si) {
			report("read the signalfd");
			break;
		}
		if (si.ssi_signo == SIGCHLD)
			reap = true;
		else if (is_forwarded((int)si.ssi_signo))
			forward_signal((int)si.ssi_signo);
	}
	if (reap)
		reap_children();
}

/* The owner closed its end or died: stop reading and writing the control fd. */
static void note_owner_gone(void)
{
	owner_gone = true;
	if (control >= 0)
		close(control);
	control = -1;
}

static void run_command(const char *cmd)
{
	if (strcmp(cmd, "kill") == 0) {
		kill_group();
	} else {
		errno = EINVAL;
		report("unknown command '%.32s'", cmd);
	}
}

/* Read commands; partial lines wait for the rest. EOF, a reset or an error: the owner is gone. */
static void read_control(void)
{
	char buf[256];
	ssize_t n;
	do
		n = read(control, buf, sizeof buf);
	while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EAGAIN)
		return;
	if (n <= 0) {
		if (n < 0 && errno != ECONNRESET)
			report("read the control fd");
		note_owner_gone();
		return;
	}
	for (ssize_t i = 0; i < n; i++) {
		if (buf[i] != '\n') {
			if (line_len < sizeof line_buf - 1)
				line_buf[line_len++] = buf[i];
			else
				line_overlong = true;
			continue;
		}
		line_buf[line_len] = '\0';
		if (line_overlong) {
			errno = E2BIG;
			report("command longer than %zu bytes", sizeof line_buf - 1);
		} else {
			run_command(line_buf);
		}
		line_len = 0;
		line_overlong = false;
	}
}

/* ---------------------------------------------------------------- start and end */

/*
 * End like the leader: its exit code, or the same signal with the default action. The signal is
 * unblocked alone and raised; if it does not end us (its default is to ignore), 128+sig. No core
 * file: the leader dumped its own if it was going to.
 */
static _Noreturn void exit_like_leader(void)
{
	if (!leader_reaped || WIFEXITED(leader_status))
		exit(leader_reaped ? WEXITSTATUS(leader_status) : EXIT_HELPER);
	int sig = WTERMSIG(leader_status);
	if (opt.signal_exit_code)
		exit(128 + sig);
	struct rlimit none = {0, 0};
	if (setrlimit(RLIMIT_CORE, &none) < 0)
		report("setrlimit RLIMIT_CORE 0");
	/* SIGKILL and SIGSTOP have no disposition to reset and cannot be blocked. */
	if (sig != SIGKILL && sig != SIGSTOP && signal(sig, SIG_DFL) == SIG_ERR)
		report("reset signal %d to its default action", sig);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, sig);
	if (sigprocmask(SIG_UNBLOCK, &set, NULL) < 0)
		report("unblock signal %d", sig);
	if (raise(sig) != 0)
		report("raise signal %d", sig);
	_exit(128 + sig);
}

static int parse_int(const char *s, long min, long max, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static void parse_args(int argc, char **argv)
{
	int i = 1;
	for (; i < argc; i++) {
		const char *a = argv[i];
		bool has_value = i + 1 < argc;
		if (strcmp(a, "--") == 0) {
			i++;
			break;
		} else if (strcmp(a, "--subreaper") == 0) {
			opt.subreaper = true;
		} else if (strcmp(a, "--keep") == 0) {
			opt.keep = true;
		} else if (strcmp(a, "--control-fd") == 0 && has_value) {
			long fd;
			if (parse_int(argv[++i], 3, INT_MAX - 1, &fd) < 0)
				usage("--control-fd expects an fd number >= 3");
			opt.control_fd = (int)fd;
		} else if (strcmp(a, "--forward") == 0 && has_value) {
			const char *v = argv[++i];
			if (strcmp(v, "group") != 0 && strcmp(v, "leader") != 0)
				usage("--forward expects 'leader' or 'group'");
			opt.forward_group = strcmp(v, "group") == 0;
		} else if (strcmp(a, "--signal-exit-code") == 0) {
			opt.signal_exit_code = true;
		} else if (strcmp(a, "--stop-after-leader") == 0 && has_value) {
			long ms;
			if (parse_int(argv[++i], 0, INT_MAX, &ms) < 0)
				usage("--stop-after-leader expects milliseconds >= 0");
			opt.stop_after_leader_ms = ms;
		} else if (strcmp(a, "--cgroup") == 0 && has_value) {
			opt.cgroup_dir = argv[++i];
		} else if (strcmp(a, "--owner") == 0 && has_value) {
			/* Only read by others, from /proc/PID/cmdline; checked for shape: the owner's
			 * identity PID.TOKEN, TOKEN being i<pidfd id> or t<start time> (@pg/procfs). */
			const char *v = argv[++i];
			size_t digits = strspn(v, "0123456789");
			const char *token = v + digits + 1;
			if (digits == 0 || v[digits] != '.' || (token[0] != 'i' && token[0] != 't') || token[1] == '\0' ||
			    strspn(token + 1, "0123456789") != strlen(token + 1))
				usage("--owner expects the owner's identity PID.TOKEN (TOKEN: i<pidfd id> or t<start time>)");
		} else if (strcmp(a, "--name") == 0 && has_value) {
			i++; /* only read by others, from /proc/PID/cmdline */
		} else {
			char msg[128];
			snprintf(msg, sizeof msg, "unknown option or missing value: '%.60s'", a);
			usage(msg);
		}
	}
	if (i > argc || strcmp(argv[i - 1], "--") != 0)
		usage("missing '--' before FILE");
	if (i >= argc)
		usage("missing FILE after '--'");
	if (argv[i][0] != '/')
		usage("FILE must be an absolute path (the owner resolves PATH)");
	opt.command = &argv[i];
}

/*
 * Everything at or above keep_fds is close-on-exec from now on (the control fd included), so the
 * leader gets exactly 0..keep_fds-1. close_range(2) with CLOSE_RANGE_CLOEXEC (5.11), else a walk
 * of /proc/self/fd.
 */
static void cloexec_from(int first)
{
	if (syscall(SYS_close_range, (unsigned)first, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		return;
	if (errno != ENOSYS && errno != EINVAL) {
		report("close_range %d.. with CLOSE_RANGE_CLOEXEC", first);
		exit(EXIT_HELPER);
	}
	DIR *d = opendir("/proc/self/fd");
	if (d == NULL) {
		report("open /proc/self/fd");
		exit(EXIT_HELPER);
	}
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		long fd;
		if (parse_int(e->d_name, first, INT_MAX, &fd) == 0 && fd != dirfd(d) &&
		    fcntl((int)fd, F_SETFD, FD_CLOEXEC) < 0)
			report("set FD_CLOEXEC on fd %ld", fd);
	}
	closedir(d);
}

/*
 * 0, 1 and 2 must be open, or the helper's own fds would land there and reach the leader. Filled
 * in ascending order, so open() returns the lowest free fd: the one being filled.
 */
static void ensure_std_fds(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		if (open("/dev/null", O_RDWR) < 0) {
			report("open /dev/null for fd %d", fd);
			exit(EXIT_HELPER);
		}
	}
}

static int setup_signals(void)
{
	/* Synchronous fault signals stay deliverable: blocking them would hide a crash. */
	static const int faults[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP, SIGSYS};
	sigset_t set;
	sigfillset(&set);
	for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++)
		sigdelset(&set, faults[i]);
	/* A write to a closed control socket must give EPIPE, not kill us. */
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		report("ignore SIGPIPE");
	if (sigprocmask(SIG_SETMASK, &set, NULL) < 0) {
		report("block signals");
		exit(EXIT_HELPER);
	}
	int sfd = above_caller_fds(signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC));
	if (sfd < 0) {
		report("create a signalfd");
		exit(EXIT_HELPER);
	}
	return sfd;
}

static void setup_cgroup(void)
{
	char path[PATH_MAX];
	cgroup_fd = above_caller_fds(open(opt.cgroup_dir, O_PATH | O_DIRECTORY | O_CLOEXEC));
	if (cgroup_fd < 0) {
		report("open cgroup directory %s", opt.cgroup_dir);
		exit(EXIT_HELPER);
	}
	/* The kernel signals cgroup.events changes as a modification (cgroup-v2.rst). */
	inotify_fd = above_caller_fds(inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
	if (inotify_fd < 0) {
		report("create an inotify instance");
		exit(EXIT_HELPER);
	}
	snprintf(path, sizeof path, "%s/cgroup.events", opt.cgroup_dir);
	if (inotify_add_watch(inotify_fd, path, IN_MODIFY) < 0) {
		report("watch %s", path);
		exit(EXIT_HELPER);
	}
}

static void drain_inotify(void)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;
	do
		n = read(inotify_fd, buf, sizeof buf);
	while (n > 0 || (n < 0 && errno == EINTR));
	if (n < 0 && errno != EAGAIN)
		report("read the inotify fd");
}

/* Milliseconds from now until `t` (CLOCK_MONOTONIC), at least 0. */
static int ms_until(const struct timespec *t)
{
	struct timespec now;
	if (clock_gettime(CLOCK_MONOTONIC, &now) < 0) {
		report("clock_gettime CLOCK_MONOTONIC");
		return 0;
	}
	long long ms = (t->tv_sec - now.tv_sec) * 1000LL + (t->tv_nsec - now.tv_nsec) / 1000000;
	return ms <= 0 ? 0 : ms > INT_MAX ? INT_MAX : (int)ms;
}

/*
 * --stop-after-leader (pg init): once the leader has been reaped, what it left running gets
 * SIGTERM and SIGCONT (a stopped member must be able to act on it), and after the grace period
 * whatever is left is stopped and killed. The helper then exits, as always, when no child is left.
 */
static void stop_rest_of_group(void)
{
	if (opt.stop_after_leader_ms < 0 || !leader_reaped || no_children || stop_killed)
		return;
	if (!stop_started) {
		stop_started = true;
		signal_descendants(SIGTERM);
		signal_descendants(SIGCONT);
		deadline_in(&stop_deadline, opt.stop_after_leader_ms);
	}
	if (ms_until(&stop_deadline) == 0) {
		stop_killed = true;
		stop_and_kill_descendants();
	}
}

/* Done: no child left (subreaper) or the leader reaped, and with a cgroup, the cgroup empty. */
static bool finished(void)
{
	if (opt.subreaper ? !no_children : !leader_reaped)
		return false;
	return cgroup_fd < 0 || cgroup_empty;
}

static void main_loop(int sfd)
{
	if (cgroup_fd >= 0)
		cgroup_empty = read_cgroup_empty();
	while (!finished()) {
		if (owner_gone && !opt.keep && !owner_kill_done) {
			owner_kill_done = true;
			kill_group();
			continue;
		}
		struct pollfd fds[3];
		nfds_t n = 0;
		fds[n++] = (struct pollfd){.fd = sfd, .events = POLLIN};
		int control_at = -1, inotify_at = -1;
		if (control >= 0) {
			control_at = (int)n;
			fds[n++] = (struct pollfd){.fd = control, .events = POLLIN};
		}
		if (inotify_fd >= 0) {
			inotify_at = (int)n;
			fds[n++] = (struct pollfd){.fd = inotify_fd, .events = POLLIN};
		}
		stop_rest_of_group();
		if (finished())
			break;
		/*
		 * cgroup.events notifications are rate-limited (a freeze and thaw just before, say, delays
		 * the next by ~10 ms): re-read on a timer too, fast after a kill, and every millisecond for
		 * a short window after the leader's exit, when the rest of the group often ends too.
		 */
		int timeout = cgroup_fd < 0 ? -1 : killing ? 10 : 1000;
		if (cgroup_fd >= 0 && leader_reaped && ms_until(&fast_reads_until) > 0)
			timeout = 1;
		if (stop_started && !stop_killed) {
			int left = ms_until(&stop_deadline);
			timeout = timeout < 0 || left < timeout ? left : timeout;
		}
		int ready = poll(fds, n, timeout);
		if (ready < 0) {
			if (errno == EINTR)
				continue;
			report("poll");
			exit(EXIT_HELPER);
		}
		if (fds[0].revents)
			handle_signals(sfd);
		if (control_at >= 0 && fds[control_at].revents && control >= 0)
			read_control();
		if (inotify_at >= 0 && fds[inotify_at].revents)
			drain_inotify();
		if (cgroup_fd >= 0)
			cgroup_empty = read_cgroup_empty();
	}
}

int main(int argc, char **argv)
{
	parse_args(argc, argv);
	ensure_std_fds();
	if (opt.control_fd >= 0) {
		if (fcntl(opt.control_fd, F_GETFD) < 0) {
			report("use --control-fd %d", opt.control_fd);
			exit(EXIT_HELPER);
		}
		control = opt.control_fd;
		keep_fds = opt.control_fd; /* the owner puts the control fd right after its entries */
	}
	cloexec_from(keep_fds);
	int sfd = setup_signals();
	if (opt.cgroup_dir != NULL)
		setup_cgroup();
	/* Kept across execve, not inherited by fork: only the helper reaps orphans (prctl(2)). */
	if (opt.subreaper && prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) {
		report("prctl PR_SET_CHILD_SUBREAPER");
		exit(EXIT_HELPER);
	}
	if (!spawn_leader())
		exit(EXIT_EXEC);
	unsigned long long id = pidfd_id(leader_pidfd);
	if (control >= 0)
		handoff_stdio();
	send_line("started %d %llu", (int)leader, id);

	main_loop(sfd);
	if (cgroup_fd >= 0 && owner_gone)
		remove_cgroup();
	exit_like_leader();
}
