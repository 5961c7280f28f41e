/* Run external programs (qemu-img, nbdkit) without a shell.
 *
 * Arguments never carry secrets (docs/hacking.md, Rules): passwords
 * reach programs through files in the 0600 work directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"

#define MAX_OUTPUT (1024 * 1024)
#define MAX_CHILDREN 64

/* Live children, so that a cancelled run can stop them (signal-safe).
 * A child is tracked from its fork until it is reaped, and no longer:
 * once reaped, its pid can be another process's.  Each also has a pidfd
 * (when the kernel has them), so that a child reaped behind our back
 * (libguestfs reaps its appliance's qemu) is never signalled under a
 * recycled pid.  pid 0: a free slot; pid is set last and cleared first.
 * Threads (copy_disks.c) change the table under children_lock; the
 * signal handler only reads it.
 *
 * Each child has the group of the thread that started it (0 unless the
 * thread said otherwise): a group can be stopped without cancelling the
 * run (the first disk whose copy fails stops the others' programs),
 * and a child started into a stopped group, or after the cancel, is
 * stopped at once.
 */
static struct {
  volatile pid_t pid;
  volatile int pidfd;       /* -1: none */
  unsigned group;
} children[MAX_CHILDREN];
static pthread_mutex_t children_lock = PTHREAD_MUTEX_INITIALIZER;
static __thread unsigned child_group;
static unsigned stopped_group;          /* 0: none */

static volatile sig_atomic_t cancelled;

static void
signal_child (size_t i, int sig)
{
  pid_t pid = children[i].pid;
  int fd = children[i].pidfd;

  if (pid <= 0)
    return;
  if (fd >= 0)
    pidfd_send_signal (fd, sig, NULL, 0);  /* ESRCH once it is gone */
  else
    kill (pid, sig);
}

static void
track (pid_t pid)
{
  size_t i;
  int pidfd;

  if (pid <= 0)
    return;
  pidfd = pidfd_open (pid, 0);   /* O_CLOEXEC already */
  pthread_mutex_lock (&children_lock);
  for (i = 0; i < MAX_CHILDREN; ++i)
    if (children[i].pid == 0) {
      children[i].pidfd = pidfd;
      children[i].group = child_group;
      children[i].pid = pid;
      if (cancelled || (child_group && child_group == stopped_group))
        signal_child (i, SIGTERM);
      pthread_mutex_unlock (&children_lock);
      return;
    }
  pthread_mutex_unlock (&children_lock);
  if (pidfd >= 0)
    close (pidfd);
}

static void
untrack (pid_t pid)
{
  size_t i;

  if (pid <= 0)
    return;
  pthread_mutex_lock (&children_lock);
  for (i = 0; i < MAX_CHILDREN; ++i)
    if (children[i].pid == pid) {
      int fd = children[i].pidfd;
      children[i].pid = 0;
      children[i].pidfd = -1;
      if (fd >= 0)
        close (fd);
    }
  pthread_mutex_unlock (&children_lock);
}

/* The group of the children this thread starts from now on. */
void
v2v_child_group_set (unsigned group)
{
  child_group = group;
}

/* SIGTERM to every live child of group (not 0), and to any it starts
 * from now on.
 */
void
v2v_child_group_stop (unsigned group)
{
  size_t i;

  pthread_mutex_lock (&children_lock);
  stopped_group = group;
  for (i = 0; i < MAX_CHILDREN; ++i)
    if (children[i].group == group)
      signal_child (i, SIGTERM);
  pthread_mutex_unlock (&children_lock);
}

bool
v2v_cancelled (void)
{
  return cancelled;
}

/* Send sig to every live child and mark the run cancelled, so that it
 * stops at the next stage.  Async-signal-safe.
 */
void
v2v_kill_children (int sig)
{
  size_t i;

  cancelled = 1;
  for (i = 0; i < MAX_CHILDREN; ++i)
    signal_child (i, sig);
}

void
v2v_track_child (pid_t pid)
{
  track (pid);
}

void
v2v_untrack_child (pid_t pid)
{
  untrack (pid);
}

/* Is pid tracked (pid -1: is any child)?  For the tests. */
bool
v2v_child_tracked (pid_t pid)
{
  size_t i;

  for (i = 0; i < MAX_CHILDREN; ++i)
    if (children[i].pid > 0 && (pid == -1 || children[i].pid == pid))
      return true;
  return false;
}

/* waitpid (pid, status, options) for our own children, untracking the
 * child as it is reaped: it is waited for without reaping (WNOWAIT), so
 * that while it is untracked it is still a zombie whose pid nobody else
 * can have.  Returns pid, 0 (WNOHANG and still running) or -1 (errno).
 */
pid_t
v2v_reap (pid_t pid, int *status, int options)
{
  siginfo_t si;
  pid_t r;

  memset (&si, 0, sizeof si);
  while (waitid (P_PID, (id_t) pid, &si,
                 WEXITED | WNOWAIT | (options & WNOHANG)) == -1) {
    if (errno != EINTR) {
      if (errno == ECHILD)
        untrack (pid);
      return -1;
    }
  }
  if (si.si_pid == 0)
    return 0;
  untrack (pid);
  while ((r = waitpid (pid, status, 0)) == -1 && errno == EINTR)
    ;
  return r;
}

static void
debug_argv (const char *const *argv)
{
  char line[2048];
  size_t len = 0, i;

  if (!v2v_verbose)
    return;
  line[0] = '\0';
  for (i = 0; argv[i] != NULL && len < sizeof line - 1; ++i) {
    int n = snprintf (line + len, sizeof line - len, "%s%s",
                      i ? " " : "", argv[i]);
    if (n < 0)
      break;
    len += (size_t) n;
  }
  v2v_debug ("exec: %s", line);
}

/* Fork and exec argv with stdin on /dev/null and stdout and stderr on
 * out_fd (which the parent keeps).  Returns the pid or -1.
 */
static pid_t
spawn (const char *const *argv, int out_fd)
{
  pid_t pid, parent;

  debug_argv (argv);
  parent = getpid ();
  pid = fork ();
  if (pid == -1) {
    v2v_error ("fork: %m");
    return -1;
  }
  if (pid == 0) {
    int null = open ("/dev/null", O_RDONLY);
    sigset_t none;

    /* A program starts with no signal blocked, whatever the thread that
     * started it blocks (copy_disks.c's leave SIGTERM to the main one).
     */
    sigemptyset (&none);
    sigprocmask (SIG_SETMASK, &none, NULL);
    if (null >= 0)
      dup2 (null, 0);
    dup2 (out_fd, 1);
    dup2 (out_fd, 2);
    signal (SIGPIPE, SIG_DFL);
    /* If the agent dies (even by SIGKILL), so do nbdkit and qemu-img. */
    prctl (PR_SET_PDEATHSIG, SIGTERM);
    if (getppid () != parent)
      _exit (127);
    execvp (argv[0], (char *const *) argv);
    /* Not stderr's FILE: another thread may have held its lock. */
    dprintf (2, "%s: %s\n", argv[0], strerror (errno));
    _exit (127);
  }
  track (pid);
  return pid;
}

/* spawn() with output on a pipe whose read end goes to *fd_ret. */
static pid_t
spawn_piped (const char *const *argv, int *fd_ret)
{
  int fds[2];
  pid_t pid;

  if (pipe2 (fds, O_CLOEXEC) == -1) {
    v2v_error ("pipe: %m");
    return -1;
  }
  pid = spawn (argv, fds[1]);
  close (fds[1]);
  if (pid == -1) {
    close (fds[0]);
    return -1;
  }
  *fd_ret = fds[0];
  return pid;
}

static int
wait_status (pid_t pid, const char *name)
{
  int status;

  if (v2v_reap (pid, &status, 0) == -1) {
    v2v_error ("waitpid: %s: %m", name);
    return -1;
  }
  if (WIFEXITED (status))
    return WEXITSTATUS (status);
  return 128 + WTERMSIG (status);
}

int
v2v_command_lines (const char *const *argv, char **output,
                   v2v_line_fn line_fn, void *opaque)
{
  int fd, r;
  pid_t pid;
  char *buf = NULL;
  size_t len = 0, cap = 0, line_start = 0;
  ssize_t n;

  pid = spawn_piped (argv, &fd);
  if (pid == -1)
    return -1;
  for (;;) {
    if (cap - len < 4096) {
      char *nb;
      if (cap >= MAX_OUTPUT) {
        /* Keep only the tail: programs can be chatty. */
        memmove (buf, buf + cap / 2, len - cap / 2);
        len -= cap / 2;
        line_start = line_start > cap / 2 ? line_start - cap / 2 : 0;
      }
      else {
        cap = cap ? cap * 2 : 8192;
        nb = realloc (buf, cap + 1);
        if (nb == NULL) {
          v2v_error ("realloc: %m");
          free (buf);
          close (fd);
          wait_status (pid, argv[0]);
          return -1;
        }
        buf = nb;
      }
    }
    n = read (fd, buf + len, cap - len);
    if (n == -1 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    len += (size_t) n;
    if (line_fn) {
      size_t i;
      for (i = line_start; i < len; ++i) {
        if (buf[i] == '\n' || buf[i] == '\r') {
          buf[i] = '\0';
          line_fn (buf + line_start, opaque);
          buf[i] = '\n';
          line_start = i + 1;
        }
      }
    }
  }
  close (fd);
  buf[len] = '\0';
  r = wait_status (pid, argv[0]);
  if (output)
    *output = buf;
  else
    free (buf);
  return r;
}

int
v2v_command (const char *const *argv, char **output)
{
  return v2v_command_lines (argv, output, NULL, NULL);
}

/* Trim trailing white space of a program's output for messages. */
char *
v2v_chomp (char *s)
{
  size_t len = strlen (s);

  while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == '\r' ||
                     s[len - 1] == ' '))
    s[--len] = '\0';
  return s;
}

/* The last line of a program's output, for short error messages.
 * Points into s.
 */
const char *
v2v_last_line (char *s)
{
  char *p;

  v2v_chomp (s);
  p = strrchr (s, '\n');
  return p ? p + 1 : s;
}

pid_t
v2v_spawn_logged (const char *const *argv, const char *logfile)
{
  pid_t pid;
  int fd;

  fd = open (logfile, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd == -1) {
    v2v_error ("%s: %m", logfile);
    return -1;
  }
  pid = spawn (argv, fd);
  close (fd);
  return pid;
}

void
v2v_kill_wait (pid_t pid)
{
  if (pid <= 0)
    return;
  kill (pid, SIGTERM);
  wait_status (pid, "child");
}
