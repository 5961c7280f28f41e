/* Children of the engine are tracked for cancel until they are reaped,
 * and never signalled after that, even when their pid is someone else's
 * now (issue 12, defect 8).
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/sched.h>

#include "internal.h"
#include "unit.h"

/* A process with exactly this pid (clone3's set_tid; needs root), which
 * waits for a signal.  Returns its pid, or -1.
 */
static pid_t
spawn_with_pid (pid_t want)
{
  struct clone_args ca;
  pid_t tid = want;
  long r;

  memset (&ca, 0, sizeof ca);
  ca.exit_signal = SIGCHLD;
  ca.set_tid = (uint64_t) (uintptr_t) &tid;
  ca.set_tid_size = 1;
  r = syscall (SYS_clone3, &ca, sizeof ca);
  if (r == 0) {
    signal (SIGTERM, SIG_DFL);
    pause ();
    _exit (0);
  }
  return (pid_t) r;
}

/* An nbdkit that exits at once: v2v_nbdkit_start reaps it and fails;
 * its pid must not stay in the table.
 */
static void
nbdkit_that_exits (const char *dir)
{
  struct v2v_config cfg = { 0 };
  struct run run = { .cfg = &cfg };
  struct disk_state d = { 0 };
  char path[512], fake[512];
  const char *old = getenv ("PATH");
  FILE *f;

  snprintf (fake, sizeof fake, "%s/nbdkit", dir);
  f = fopen (fake, "w");
  CHECK (f != NULL);
  if (f == NULL)
    return;
  fputs ("#!/bin/sh\nexit 1\n", f);
  fclose (f);
  chmod (fake, 0755);
  snprintf (path, sizeof path, "%s:%s", dir, old ? old : "/usr/bin:/bin");
  setenv ("PATH", path, 1);
  cfg.source.type = V2V_SOURCE_HTTPS;
  cfg.source.server = (char *) "127.0.0.1:1";
  d.url = (char *) "https://127.0.0.1:1/disk";
  run.workdir = (char *) dir;
  CHECK (v2v_nbdkit_start (&run, &d, 0) == -1);
  CHECK_CONTAINS (v2v_last_error (), "nbdkit exited before serving");
  CHECK (!v2v_child_tracked (-1));
  free (d.socket);
  setenv ("PATH", old ? old : "/usr/bin:/bin", 1);
}

/* A child reaped behind the engine's back (as libguestfs reaps its
 * appliance), then a new process with the same pid: a cancel must not
 * signal the newcomer.
 */
static void
recycled_pid (void)
{
  pid_t a, b;
  int status;
  struct timespec ts = { 0, 200 * 1000 * 1000 };

  a = fork ();
  if (a == 0) {
    pause ();
    _exit (0);
  }
  v2v_track_child (a);
  CHECK (v2v_child_tracked (a));
  kill (a, SIGKILL);
  CHECK (waitpid (a, &status, 0) == a);      /* reaped by "libguestfs" */
  b = spawn_with_pid (a);
  CHECK (b == a);                            /* needs root: no skip */
  if (b != a)
    return;
  v2v_kill_children (SIGTERM);
  nanosleep (&ts, NULL);
  CHECK (waitpid (b, &status, WNOHANG) == 0); /* still alive */
  kill (b, SIGKILL);
  waitpid (b, &status, 0);
  v2v_untrack_child (a);
}

/* v2v_command and v2v_reap untrack what they reap. */
static void
reaped_are_untracked (const char *dir)
{
  const char *argv[] = { "sh", "-c", "exit 3", NULL };
  char log[512];
  pid_t pid;
  int status;

  CHECK (v2v_command (argv, NULL) == 3);
  snprintf (log, sizeof log, "%s/log", dir);
  pid = v2v_spawn_logged (argv, log);
  CHECK (pid > 0);
  CHECK (v2v_child_tracked (pid));
  while (v2v_reap (pid, &status, WNOHANG) == 0)
    usleep (10000);
  CHECK (WIFEXITED (status) && WEXITSTATUS (status) == 3);
  CHECK (!v2v_child_tracked (pid));
}

int
main (void)
{
  char dir[] = "/tmp/v2vboot-test-command.XXXXXX";

  if (mkdtemp (dir) == NULL) {
    perror ("mkdtemp");
    return 1;
  }
  nbdkit_that_exits (dir);
  reaped_are_untracked (dir);
  recycled_pid ();
  {
    char cmd[600];
    snprintf (cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK (system (cmd) == 0);
  }
  return unit_done ("command");
}
