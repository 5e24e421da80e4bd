/*
 * pg-helper: a small process between a Node process (the "owner") and the commands it starts.
 *
 * Per-group mode: it starts one command (the "leader"), reaps it (and, as a child subreaper,
 * every orphan of its tree), forwards signals to it, tells the owner on a control socket when the
 * leader started and how it ended, and kills the whole group when the owner dies, even by
 * SIGKILL, because the owner's end of the control socket then closes.
 *
 * Spawner mode (--spawner): one per owner process. It reads spawn requests (the leader's stdio
 * fds passed with SCM_RIGHTS) from a SOCK_SEQPACKET socket, creates each leader itself (clone3
 * with CLONE_INTO_CGROUP straight into its group's cgroup, or a plain fork), reports pid, pidfd
 * id, exec failures and exit statuses on fd 1, and when the owner's end of the socket closes it
 * kills every cgroup group that was not asked to be kept.
 *
 *   pg-helper [--subreaper] [--keep] [--control-fd N] [--forward leader|group] [--cgroup DIR]
 *             [--stop-after-leader MS] [--signal-exit-code] [--owner PID.TOKEN]
 *             [--name NAME] -- FILE [ARGS...]
 *   pg-helper --spawner (--control-fd N | --connect PATH) [--owner PID.TOKEN]
 *
 * Per-group status lines on the control fd, one write(2) each: "started <pid> <pidfd id>",
 * "exec-failed <ERRNO>", "exit code <n>", "exit signal <n>", "error <text>". Nothing is read
 * from it but its end: EOF means the owner is gone. Spawner requests and replies, and every exit
 * status: packages/helper/README.md.
 *
 * C11, libc only, Linux. The kernel behaviour relied on here (subreapers, pidfds, clone3 into a
 * cgroup, cgroup.kill and cgroup.events) is described in the repository's docs/linux.md; man
 * pages are named next to each call.
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
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
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
/*
 * The stop-then-kill walk (owner death without a cgroup) gives up stopping after this long and
 * sends the SIGKILLs anyway. It mirrors core: HOLD_BOUND_MS in packages/core/src/group-loops.ts
 * (the one bound of a hold) and STOPPED_STATES in packages/core/src/backends/reaper/
 * reaper-group.ts (the states that count as not running, is_stopped_state here). Core does every
 * kill while the owner lives; this copy exists because when the owner is dead, Node is gone too.
 */
#define STOP_BOUND_MS 1000

/* struct clone_args up to .cgroup (CLONE_ARGS_SIZE_VER2, Linux 5.7): clone3(2). */
struct clone_args_v2 {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
	uint64_t set_tid, set_tid_size, cgroup;
};

/*
 * fork(2) semantics, but the child is born in the cgroup whose directory `cgfd` is open on: no
 * migration (CLONE_INTO_CGROUP, clone3(2), Linux 5.7). Returns as fork does.
 */
static pid_t clone_into_cgroup(int cgfd)
{
	struct clone_args_v2 args;
	memset(&args, 0, sizeof args);
	args.flags = PG_CLONE_INTO_CGROUP;
	args.exit_signal = SIGCHLD;
	args.cgroup = (uint64_t)cgfd;
	return (pid_t)syscall(SYS_clone3, &args, sizeof args);
}

static struct {
	bool spawner; /* --spawner: serve spawn requests (spawner mode, below) */
	bool subreaper, keep, forward_group;
	bool signal_exit_code; /* end with 128+N, as a shell or tini, not by signal N itself */
	long stop_after_leader_ms; /* -1: none given; else stop the rest this long after the leader */
	int control_fd;         /* -1: none given */
	const char *connect_path; /* --connect: the spawner's two ends come from this socket */
	const char *cgroup_dir; /* NULL: none */
	char **command;         /* FILE ARGS..., NULL-terminated */
} opt = {.control_fd = -1, .stop_after_leader_ms = -1};

/* fds 0..keep_fds-1 are the caller's and go to the leader as they are. */
static int keep_fds = 3;
static int control = -1;        /* the control fd while the owner listens, else -1 */
static bool stderr_held = true; /* fd 2 is still the caller's stderr */
static bool owner_gone, owner_kill_done;

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
static int ms_until(const struct timespec *t);

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
		NAME ": %s\n"
		"usage: " NAME " [--subreaper] [--keep] [--control-fd N] [--forward leader|group] [--cgroup DIR]\n"
		"                 [--stop-after-leader MS] [--signal-exit-code] [--owner PID.TOKEN]\n"
		"                 [--name NAME] -- FILE [ARGS...]\n"
		"       " NAME " --spawner (--control-fd N | --connect PATH) [--owner PID.TOKEN]\n"
		"  --subreaper           adopt every orphan of the leader's tree; exit when no child is left\n"
		"  --keep                when the owner goes away, leave the group running\n"
		"  --control-fd N        the owner's socket (N >= 3); the caller's stdio is fds 0..N-1\n"
		"  --forward leader|group  where forwarded signals go (default: leader)\n"
		"  --cgroup DIR          create the leader in cgroup v2 directory DIR (clone3)\n"
		"  --stop-after-leader MS  after the leader's exit, TERM the rest, KILL it MS ms later\n"
		"  --signal-exit-code    end with 128+N when signal N killed the leader\n"
		"  --owner PID.TOKEN, --name NAME  read by others from /proc/PID/cmdline only\n"
		"  --spawner             serve spawn requests from the socket at --control-fd\n"
		"See packages/helper/README.md.\n",
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

/* Not running, so cannot fork: stopped, traced, zombie or dead (core's STOPPED_STATES). */
static bool is_stopped_state(char state)
{
	return state == 'T' || state == 't' || state == 'Z' || state == 'X' || state == 'x';
}

/* ---------------------------------------------------------------- the leader */

/*
 * In a child, between fork and exec: only async-signal-safe calls (signal-safety(7)). Every
 * disposition back to default (an ignored signal would stay ignored across execve), the mask
 * cleared.
 */
static void reset_signals(void)
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
}

/* Then execv; on failure the errno goes up the CLOEXEC pipe. */
static _Noreturn void exec_leader(int status_pipe)
{
	reset_signals();
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
		pid = clone_into_cgroup(cgroup_fd);
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
 * stopped processes). Bounded: after STOP_BOUND_MS the SIGKILLs go out anyway.
 */
static void stop_and_kill_descendants(void)
{
	struct members m = {0};
	struct timespec deadline;
	deadline_in(&deadline, STOP_BOUND_MS);
	raise_fd_limit();
	for (;;) {
		size_t known = m.n, running = 0;
		walk_descendants(&m);
		for (size_t i = 0; i < m.n; i++) {
			char state;
			pid_t ppid;
			if (m.v[i].pid == 0 || proc_stat(m.v[i].pid, &state, &ppid) < 0)
				continue;
			if (is_stopped_state(state))
				continue;
			if (send_signal(m.v[i].pidfd, m.v[i].pid, SIGSTOP) == 0)
				running++;
			else if (errno == ESRCH)
				m.v[i].pid = 0;
			else
				report("SIGSTOP %d", (int)m.v[i].pid);
		}
		if ((m.n == known && running == 0) || ms_until(&deadline) == 0)
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

/* cgroup.kill (Linux 5.14) of `dir` (open as `dfd`): SIGKILL to the whole cgroup, atomic against forks. */
static int cgroup_kill_at(int dfd, const char *dir)
{
	int fd = openat(dfd, "cgroup.kill", O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		report("open %s/cgroup.kill", dir);
		return -1;
	}
	ssize_t w;
	do
		w = write(fd, "1", 1);
	while (w < 0 && errno == EINTR);
	if (w < 0)
		report("write %s/cgroup.kill", dir);
	close(fd);
	return w < 0 ? -1 : 0;
}

/*
 * Kill the whole group once the owner is gone (core does every kill while it lives). With a
 * cgroup, cgroup.kill; if that fails (reported) or there is none, the stop-then-kill walk. The
 * main loop reaps what dies.
 */
static void kill_group(void)
{
	killing = true;
	if (cgroup_fd >= 0 && cgroup_kill_at(cgroup_fd, opt.cgroup_dir) == 0)
		return;
	stop_and_kill_descendants();
}

/* "populated 0" in `dir`/cgroup.events: nothing alive in the cgroup or below (zombies do not count). */
static bool cgroup_empty_at(int dfd, const char *dir)
{
	char buf[256];
	int fd = openat(dfd, "cgroup.events", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		report("open %s/cgroup.events", dir);
		return errno == ENOENT; /* the directory itself is gone */
	}
	ssize_t n;
	do
		n = read(fd, buf, sizeof buf - 1);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		report("read %s/cgroup.events", dir);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return strstr(buf, "populated 0") != NULL;
}

/* rmdir a cgroup; EBUSY can linger a moment after the last task went (retried, bounded). */
static void remove_cgroup(const char *dir)
{
	for (int attempt = 0; attempt < 200; attempt++) {
		if (rmdir(dir) == 0 || errno == ENOENT)
			return;
		if (errno != EBUSY && errno != EINTR)
			break;
		struct timespec ms = {0, 10000000};
		nanosleep(&ms, NULL);
	}
	report("rmdir %s", dir);
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

/*
 * Drain the signalfd. Returns whether SIGCHLD came (the caller reaps); every other signal goes to
 * `other`, when there is one.
 */
static bool drain_signals(int sfd, void (*other)(int sig))
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
		else if (other != NULL)
			other((int)si.ssi_signo);
	}
	return reap;
}

static void forward_if_forwarded(int sig)
{
	if (is_forwarded(sig))
		forward_signal(sig);
}

/* SIGCHLD means reap, the forwarded ones go on, the rest is ignored. */
static void handle_signals(int sfd)
{
	if (drain_signals(sfd, forward_if_forwarded))
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

/*
 * The owner sends nothing: only its end matters. EOF, a reset or an error means the owner is
 * gone; stray bytes are read and dropped.
 */
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
		} else if (strcmp(a, "--spawner") == 0) {
			opt.spawner = true;
		} else if (strcmp(a, "--subreaper") == 0) {
			opt.subreaper = true;
		} else if (strcmp(a, "--keep") == 0) {
			opt.keep = true;
		} else if (strcmp(a, "--control-fd") == 0 && has_value) {
			long fd;
			if (parse_int(argv[++i], 3, INT_MAX - 1, &fd) < 0)
				usage("--control-fd expects an fd number >= 3");
			opt.control_fd = (int)fd;
		} else if (strcmp(a, "--connect") == 0 && has_value) {
			opt.connect_path = argv[++i];
			if (opt.connect_path[0] != '/' || strlen(opt.connect_path) >= sizeof((struct sockaddr_un *)0)->sun_path)
				usage("--connect expects an absolute socket path of at most 107 bytes");
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
	if (opt.spawner) {
		if (i < argc)
			usage("--spawner takes no command: it spawns what its requests name");
		if ((opt.control_fd < 0) == (opt.connect_path == NULL))
			usage("--spawner needs one of --control-fd N (the request socket) or --connect PATH (where to fetch it)");
		if (opt.subreaper || opt.keep || opt.forward_group || opt.cgroup_dir != NULL || opt.stop_after_leader_ms >= 0 || opt.signal_exit_code)
			usage("--spawner takes only --control-fd or --connect, and --owner: the rest is per request");
		return;
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
		cgroup_empty = cgroup_empty_at(cgroup_fd, opt.cgroup_dir);
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
			cgroup_empty = cgroup_empty_at(cgroup_fd, opt.cgroup_dir);
	}
}

/* ---------------------------------------------------------------- spawner mode */

/*
 * One spawner per owner process (--spawner). Requests arrive as SOCK_SEQPACKET messages on the
 * --control-fd socket, one message per request, the leader's fds attached with SCM_RIGHTS;
 * replies are text lines on fd 1 (a pipe the owner reads as a stream), each one write(2).
 * The owner's end of the request socket is the lifeline: when it closes (the owner died, by
 * any means), every cgroup group not marked keep is killed (cgroup.kill) and its directory
 * removed, and the spawner exits. A reaper group's lifeline is not the spawner's: its pg-helper
 * holds its own control socket to the owner. The protocol: packages/helper/README.md.
 */
#define SPAWN_MAX_FDS 64 /* fds one request may pass: the leader's fds up to 63 */
#define OWNER_GONE_WAIT_MS 10000 /* how long killed groups may take to empty before rmdir */

struct sgroup {
	unsigned long long id; /* chosen by the owner */
	pid_t pid;             /* the leader (or a reaper group's pg-helper); 0 once reaped */
	bool keep;             /* survives the owner */
	bool released;         /* the owner is done with it: no more reports, no kill */
	char *cgroup;          /* the group's cgroup directory, NULL without one */
};
static struct sgroup *sgroups;
static size_t n_sgroups, cap_sgroups;
static int requests = -1; /* the request socket */
static int devnull = -1;  /* /dev/null, for a leader's fds 0..2 that the request leaves out */

/* A decoded "spawn" request; the strings point into the received message. */
struct request {
	unsigned long long id;
	bool keep;
	const char *cgroup, *cwd, *file; /* cgroup and cwd NULL when empty */
	char **argv, **envp;
	int fds[SPAWN_MAX_FDS], targets[SPAWN_MAX_FDS];
	size_t nfds;
};

/* A step in the child that failed, sent up the exec status pipe. */
struct child_failure {
	int stage, err;
};
enum { STAGE_SETSID, STAGE_FDS, STAGE_CHDIR, STAGE_EXEC };
static const char *const stage_names[] = {"setsid", "fds", "chdir", "exec"};

static void reply_failed(unsigned long long id, const char *stage, int e)
{
	char name[16];
	send_line("failed %llu %s %s", id, stage, errno_name(e, name));
}

static _Noreturn void child_fail(int status_pipe, int stage)
{
	struct child_failure f = {stage, errno};
	ssize_t w;
	do
		w = write(status_pipe, &f, sizeof f);
	while (w < 0 && errno == EINTR);
	_exit(EXIT_EXEC);
}

/*
 * The new leader, between clone and exec (async-signal-safe calls only): its own session (as
 * every backend's leader: a terminal's signals reach the owner, never the members directly),
 * the passed fds at their targets, /dev/null at 0..2 where the request has none (the spawner's
 * own 0..2 must not leak), blocking stdio, the cwd, default signals, then execve.
 */
static _Noreturn void spawn_child(const struct request *r, int status_pipe)
{
	if (setsid() < 0)
		child_fail(status_pipe, STAGE_SETSID);
	/* First lift every fd above all targets, so no dup2 below overwrites one not yet placed. */
	int high = 3;
	for (size_t i = 0; i < r->nfds; i++)
		if (r->targets[i] >= high)
			high = r->targets[i] + 1;
	int moved[SPAWN_MAX_FDS];
	int pipe_fd = fcntl(status_pipe, F_DUPFD_CLOEXEC, high);
	if (pipe_fd < 0)
		child_fail(status_pipe, STAGE_FDS);
	int null = fcntl(devnull, F_DUPFD_CLOEXEC, high);
	if (null < 0)
		child_fail(pipe_fd, STAGE_FDS);
	for (size_t i = 0; i < r->nfds; i++)
		if ((moved[i] = fcntl(r->fds[i], F_DUPFD_CLOEXEC, high)) < 0)
			child_fail(pipe_fd, STAGE_FDS);
	bool placed[3] = {false, false, false};
	for (size_t i = 0; i < r->nfds; i++) {
		if (dup2(moved[i], r->targets[i]) < 0) /* dup2 clears FD_CLOEXEC on the target */
			child_fail(pipe_fd, STAGE_FDS);
		if (r->targets[i] <= 2)
			placed[r->targets[i]] = true;
	}
	for (int fd = 0; fd <= 2; fd++) {
		if (!placed[fd] && dup2(null, fd) < 0)
			child_fail(pipe_fd, STAGE_FDS);
		/*
		 * Node makes its end of a pipe O_NONBLOCK, and an inherited fd shares its file
		 * description with the owner: a program expects blocking stdio, so clear it, as libuv
		 * does for fds 0..2 of what it spawns.
		 */
		int fl = fcntl(fd, F_GETFL);
		if (fl >= 0 && (fl & O_NONBLOCK) && fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0)
			child_fail(pipe_fd, STAGE_FDS);
	}
	if (r->cwd != NULL && chdir(r->cwd) < 0)
		child_fail(pipe_fd, STAGE_CHDIR);
	reset_signals();
	execve(r->file, r->argv, r->envp);
	child_fail(pipe_fd, STAGE_EXEC);
}

/*
 * Field 22 of /proc/PID/stat, the start time in clock ticks since boot: with the pid, the
 * process's identity (a reaper group's id). Read while `pid` is our unreaped child, so it is
 * there even if it has already exited. 0 when unreadable.
 */
static unsigned long long start_time(pid_t pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n;
	do
		n = read(fd, buf, sizeof buf - 1);
	while (n < 0 && errno == EINTR);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	char *p = strrchr(buf, ')'); /* the command name (field 2) may hold spaces and ')' */
	for (int field = 2; p != NULL && field < 22; field++)
		p = strchr(p + 1, ' ');
	return p == NULL ? 0 : strtoull(p + 1, NULL, 10);
}

static struct sgroup *sgroup_by_pid(pid_t pid)
{
	for (size_t i = 0; i < n_sgroups; i++)
		if (sgroups[i].pid == pid)
			return &sgroups[i];
	return NULL;
}

static void sgroup_drop(struct sgroup *g)
{
	free(g->cgroup);
	*g = sgroups[--n_sgroups];
}

static bool sgroup_add(const struct request *r, pid_t pid)
{
	char *cgroup = NULL;
	if (r->cgroup != NULL && (cgroup = strdup(r->cgroup)) == NULL)
		return false;
	if (n_sgroups == cap_sgroups) {
		size_t cap = cap_sgroups ? cap_sgroups * 2 : 16;
		struct sgroup *v = realloc(sgroups, cap * sizeof *v);
		if (v == NULL) {
			free(cgroup);
			return false;
		}
		sgroups = v;
		cap_sgroups = cap;
	}
	sgroups[n_sgroups++] = (struct sgroup){.id = r->id, .pid = pid, .keep = r->keep, .cgroup = cgroup};
	return true;
}

/*
 * Create one leader: clone3(CLONE_INTO_CGROUP) into its cgroup (born inside: no migration, no
 * window to fork outside; clone3(2)), else fork. fork-style, no CLONE_VM: the spawner is small,
 * so copying its page tables is cheap, and CLONE_VM would need a per-architecture trampoline.
 * The exec status pipe is close-on-exec: EOF means execve worked.
 */
static void serve_spawn(const struct request *r)
{
	int cgfd = -1;
	if (r->cgroup != NULL && (cgfd = open(r->cgroup, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
		reply_failed(r->id, "cgroup", errno);
		return;
	}
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0) {
		reply_failed(r->id, "pipe", errno);
		if (cgfd >= 0)
			close(cgfd);
		return;
	}
	pid_t pid;
	if (cgfd >= 0) {
		pid = clone_into_cgroup(cgfd);
	} else {
		pid = fork();
	}
	if (pid == 0)
		spawn_child(r, p[1]);
	int e = errno;
	if (cgfd >= 0)
		close(cgfd);
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		reply_failed(r->id, cgfd >= 0 ? "clone3" : "fork", e);
		return;
	}
	/* Our unreaped child: its pid cannot be recycled, so this pidfd is the leader's. */
	int pidfd = pidfd_open(pid);
	struct child_failure f;
	ssize_t n;
	do
		n = read(p[0], &f, sizeof f);
	while (n < 0 && errno == EINTR);
	close(p[0]);
	if (n == (ssize_t)sizeof f) {
		int status;
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		if (pidfd >= 0)
			close(pidfd);
		reply_failed(r->id, f.stage >= 0 && f.stage <= STAGE_EXEC ? stage_names[f.stage] : "exec", f.err);
		return;
	}
	unsigned long long id = pidfd_id(pidfd);
	if (pidfd >= 0)
		close(pidfd);
	if (!sgroup_add(r, pid)) {
		/* Without an entry nothing would kill it when the owner dies: take it back. */
		int status;
		e = errno;
		if (kill(pid, SIGKILL) < 0)
			report("kill %d", (int)pid);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		reply_failed(r->id, "track", e);
		return;
	}
	send_line("spawned %llu %d %llu %llu", r->id, (int)pid, id, start_time(pid));
}

static void serve_release(unsigned long long id)
{
	for (size_t i = 0; i < n_sgroups; i++) {
		if (sgroups[i].id != id || sgroups[i].released)
			continue;
		if (sgroups[i].pid == 0)
			sgroup_drop(&sgroups[i]);
		else
			sgroups[i].released = true;
		return;
	}
}

/* Reap every child that has ended and report each leader's status to the owner. */
static void spawner_reap(void)
{
	for (;;) {
		int status;
		pid_t pid = waitpid(-1, &status, WNOHANG | __WALL);
		if (pid == 0)
			return;
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			if (errno != ECHILD)
				report("waitpid");
			return;
		}
		struct sgroup *g = sgroup_by_pid(pid);
		if (g == NULL)
			continue;
		g->pid = 0;
		if (g->released) {
			sgroup_drop(g);
			continue;
		}
		if (WIFEXITED(status))
			send_line("exit %llu code %d", g->id, WEXITSTATUS(status));
		else if (WIFSIGNALED(status))
			send_line("exit %llu signal %d", g->id, WTERMSIG(status));
		/* Without a cgroup there is nothing left to kill for the owner: forget it now. */
		if (g->cgroup == NULL)
			sgroup_drop(g);
	}
}

/* The next NUL-terminated field of a request, or NULL when the message ends first. */
static char *next_field(char **cursor, const char *end)
{
	char *field = *cursor;
	char *nul = field < end ? memchr(field, '\0', (size_t)(end - field)) : NULL;
	if (nul == NULL)
		return NULL;
	*cursor = nul + 1;
	return field;
}

static bool parse_ull(const char *s, unsigned long long *out)
{
	char *end;
	errno = 0;
	if (s == NULL || *s < '0' || *s > '9')
		return false;
	*out = strtoull(s, &end, 10);
	return errno == 0 && *end == '\0';
}

/* `count` fields into a NULL-terminated array (malloc'd; the strings stay in the message). */
static char **field_list(char **cursor, const char *end, unsigned long long count)
{
	if (count > (unsigned long long)(end - *cursor))
		return NULL; /* every field takes at least its NUL */
	char **v = malloc(((size_t)count + 1) * sizeof *v);
	if (v == NULL)
		return NULL;
	for (size_t i = 0; i < count; i++)
		if ((v[i] = next_field(cursor, end)) == NULL) {
			free(v);
			return NULL;
		}
	v[count] = NULL;
	return v;
}

/*
 * "spawn" ID FLAGS CGROUP CWD TARGETS FILE ARGC ARGV... ENVC ENV..., every field NUL-terminated;
 * TARGETS lists, comma-separated, the leader's fd number for each passed fd in order.
 */
static bool parse_spawn(struct request *r, char *cursor, const char *end)
{
	char *flags = next_field(&cursor, end), *cgroup = next_field(&cursor, end);
	char *cwd = next_field(&cursor, end), *targets = next_field(&cursor, end);
	r->file = next_field(&cursor, end);
	unsigned long long argc, envc;
	if (flags == NULL || cgroup == NULL || cwd == NULL || targets == NULL || r->file == NULL || r->file[0] != '/' ||
	    !parse_ull(next_field(&cursor, end), &argc) || (r->argv = field_list(&cursor, end, argc)) == NULL)
		return false;
	if (!parse_ull(next_field(&cursor, end), &envc) || (r->envp = field_list(&cursor, end, envc)) == NULL)
		return false;
	r->keep = strchr(flags, 'k') != NULL;
	r->cgroup = cgroup[0] == '\0' ? NULL : cgroup;
	r->cwd = cwd[0] == '\0' ? NULL : cwd;
	size_t n = 0;
	for (char *t = targets; *t != '\0'; n++) {
		char *next;
		long v = strtol(t, &next, 10);
		if (next == t || v < 0 || v >= SPAWN_MAX_FDS || n >= r->nfds || (*next != ',' && *next != '\0'))
			return false;
		r->targets[n] = (int)v;
		t = *next == ',' ? next + 1 : next;
	}
	return n == r->nfds;
}

/*
 * The whole content of `fd` (a memfd, read from offset 0) in a malloc'd buffer, its length in
 * `*len`; NULL on failure, with the errno in `*err` (reported).
 */
static char *read_whole_fd(int fd, ssize_t *len, int *err)
{
	struct stat st;
	if (fstat(fd, &st) < 0) {
		*err = errno;
		report("fstat the request fd %d", fd);
		return NULL;
	}
	if (st.st_size <= 0 || st.st_size > (64 << 20)) {
		*err = errno = E2BIG;
		report("read a request of %lld bytes from fd %d", (long long)st.st_size, fd);
		return NULL;
	}
	char *buf = malloc((size_t)st.st_size);
	if (buf == NULL) {
		*err = errno = ENOMEM;
		report("allocate %lld bytes for a request", (long long)st.st_size);
		return NULL;
	}
	size_t got = 0;
	while (got < (size_t)st.st_size) {
		ssize_t k = pread(fd, buf + got, (size_t)st.st_size - got, (off_t)got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			*err = errno = k == 0 ? EIO : errno; /* EIO: shorter than fstat said */
			report("read a request from fd %d", fd);
			free(buf);
			return NULL;
		}
		got += (size_t)k;
	}
	*len = (ssize_t)got;
	return buf;
}

/* One message from the request socket. EOF: the owner is gone. */
static void spawner_read_request(void)
{
	/* With MSG_PEEK|MSG_TRUNC, recv returns the whole packet's length (unix(7)). */
	ssize_t len = recv(requests, NULL, 0, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
	if (len < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (len <= 0) {
		if (len < 0 && errno != ECONNRESET)
			report("read the request socket");
		note_owner_gone();
		return;
	}
	char *buf = malloc((size_t)len);
	if (buf == NULL) {
		report("allocate %zd bytes for a request", len);
		/* Still take the message off the socket (and close its fds), or it would come back forever. */
	}
	union {
		struct cmsghdr align;
		char space[CMSG_SPACE(sizeof(int) * SPAWN_MAX_FDS)];
	} cbuf;
	char dummy;
	struct iovec iov = {.iov_base = buf != NULL ? buf : &dummy, .iov_len = buf != NULL ? (size_t)len : 1};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf.space, .msg_controllen = sizeof cbuf.space};
	ssize_t n;
	do
		n = recvmsg(requests, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		report("recvmsg the request socket");
		free(buf);
		return;
	}
	struct request r;
	memset(&r, 0, sizeof r);
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < count; i++) {
			int fd;
			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
			if (r.nfds < SPAWN_MAX_FDS)
				r.fds[r.nfds++] = fd;
			else
				close(fd);
		}
	}
	/*
	 * "in-fd": a request too large for one message (the socket's send buffer, ~200 kB, against
	 * ARG_MAX's 2 MB) comes whole in a memfd, passed as the last fd.
	 */
	if (buf != NULL && n > (ssize_t)sizeof "in-fd" && memcmp(buf, "in-fd", sizeof "in-fd") == 0 && r.nfds > 0) {
		char *c = buf + sizeof "in-fd";
		unsigned long long id;
		bool has_id = parse_ull(next_field(&c, buf + n), &id);
		int e = EINVAL;
		char *whole = read_whole_fd(r.fds[--r.nfds], &n, &e);
		close(r.fds[r.nfds]);
		free(buf);
		buf = whole;
		if (buf == NULL) {
			if (has_id)
				reply_failed(id, "request", e);
			for (size_t i = 0; i < r.nfds; i++)
				close(r.fds[i]);
			return;
		}
	}
	char *cursor = buf, *end = buf + (buf != NULL ? n : 0);
	char *verb = buf != NULL ? next_field(&cursor, end) : NULL;
	bool known_id = parse_ull(next_field(&cursor, end), &r.id);
	if (verb != NULL && known_id && strcmp(verb, "release") == 0) {
		serve_release(r.id);
	} else if (verb != NULL && known_id && strcmp(verb, "spawn") == 0) {
		if (msg.msg_flags & MSG_CTRUNC)
			reply_failed(r.id, "request", EMFILE); /* more fds than SPAWN_MAX_FDS, or no fd left here */
		else if (!parse_spawn(&r, cursor, end))
			reply_failed(r.id, "request", EINVAL);
		else
			serve_spawn(&r);
	} else {
		errno = EINVAL;
		report("malformed request (%zd bytes)", n);
		if (known_id)
			reply_failed(r.id, "request", EINVAL);
	}
	for (size_t i = 0; i < r.nfds; i++)
		close(r.fds[i]);
	free(r.argv);
	free(r.envp);
	free(buf);
}

/*
 * The owner is gone: cgroup.kill every group it did not ask to keep, wait (bounded) until each
 * is empty, reaping the leaders meanwhile, remove their directories, and exit. Kept groups and
 * reaper groups (whose pg-helper holds its own lifeline) are left as they are.
 */
static _Noreturn void spawner_owner_gone(void)
{
	struct timespec deadline;
	deadline_in(&deadline, OWNER_GONE_WAIT_MS);
	for (size_t i = 0; i < n_sgroups; i++) {
		struct sgroup *g = &sgroups[i];
		if (g->keep || g->released || g->cgroup == NULL)
			continue;
		int dfd = open(g->cgroup, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0) {
			if (errno != ENOENT)
				report("open cgroup directory %s", g->cgroup);
			continue;
		}
		if (cgroup_kill_at(dfd, g->cgroup) == 0) {
			while (!cgroup_empty_at(dfd, g->cgroup) && ms_until(&deadline) > 0) {
				spawner_reap();
				struct timespec ms = {0, 1000000};
				nanosleep(&ms, NULL);
			}
			spawner_reap();
			remove_cgroup(g->cgroup);
		}
		close(dfd);
	}
	exit(0);
}

/* SIGCHLD reaps; every other signal is ignored: the spawner ends only with its owner. */
static void spawner_signals(int sfd)
{
	if (drain_signals(sfd, NULL))
		spawner_reap();
}

/*
 * --connect PATH: a spawner started by someone else (the systemd user manager, in a delegated
 * unit) cannot inherit the owner's ends. It connects to the owner's SOCK_SEQPACKET socket at PATH
 * (in the owner's private $XDG_RUNTIME_DIR) and receives one message with exactly two fds: the
 * request socket and the write end of the reply pipe, which becomes fd 1. Only this process then
 * holds them: the owner sees the reply pipe close when the spawner ends, and the spawner sees
 * the request socket close when the owner does. Returns the request socket's fd.
 */
static int fetch_spawner_fds(const char *path)
{
	int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (s < 0) {
		report("socket for --connect");
		exit(EXIT_HELPER);
	}
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	memcpy(addr.sun_path, path, strlen(path) + 1);
	/* The owner is waiting for us: bound the wait for its message, in case it is gone. */
	struct timeval limit = {.tv_sec = 10};
	if (connect(s, (struct sockaddr *)&addr, sizeof addr) < 0 ||
	    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit) < 0) {
		report("connect to %s", path);
		exit(EXIT_HELPER);
	}
	union {
		struct cmsghdr align;
		char space[CMSG_SPACE(sizeof(int) * 2)];
	} cbuf;
	char word[16];
	struct iovec iov = {.iov_base = word, .iov_len = sizeof word};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf.space, .msg_controllen = sizeof cbuf.space};
	ssize_t n;
	do
		n = recvmsg(s, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	int fds[2] = {-1, -1};
	size_t count = 0;
	struct cmsghdr *c = n > 0 ? CMSG_FIRSTHDR(&msg) : NULL;
	if (c != NULL && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
		count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		memcpy(fds, CMSG_DATA(c), sizeof(int) * (count < 2 ? count : 2));
	}
	if (count != 2 || (msg.msg_flags & MSG_CTRUNC) || n != 3 || memcmp(word, "fds", 3) != 0) {
		errno = n < 0 ? errno : EPROTO;
		report("receive the spawner's ends from %s (%zd bytes, %zu fds)", path, n, count);
		exit(EXIT_HELPER);
	}
	close(s);
	if (dup2(fds[1], STDOUT_FILENO) < 0) {
		report("dup2 the reply pipe to fd 1");
		exit(EXIT_HELPER);
	}
	close(fds[1]);
	return fds[0];
}

static _Noreturn void spawner_main(void)
{
	int sfd = setup_signals();
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull < 0) {
		report("open /dev/null");
		exit(EXIT_HELPER);
	}
	for (;;) {
		if (owner_gone)
			spawner_owner_gone();
		struct pollfd fds[2] = {{.fd = sfd, .events = POLLIN}, {.fd = requests, .events = POLLIN}};
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			report("poll");
			exit(EXIT_HELPER);
		}
		if (fds[0].revents)
			spawner_signals(sfd);
		if (fds[1].revents)
			spawner_read_request();
	}
}

int main(int argc, char **argv)
{
	parse_args(argc, argv);
	ensure_std_fds();
	if (opt.spawner) {
		if (opt.connect_path != NULL)
			opt.control_fd = fetch_spawner_fds(opt.connect_path);
		if (fcntl(opt.control_fd, F_GETFD) < 0) {
			report("use --control-fd %d", opt.control_fd);
			exit(EXIT_HELPER);
		}
		cloexec_from(3);
		requests = opt.control_fd;
		control = STDOUT_FILENO; /* replies */
		stderr_held = false;      /* a spawner stays quiet on the owner's stderr: it says "error" lines */
		spawner_main();
	}
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
		remove_cgroup(opt.cgroup_dir);
	exit_like_leader();
}
