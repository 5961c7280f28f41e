/* The VMs of a kickstart: each converted by the engine in its own child
 * process (so one VM's failure, crash or cancel cannot touch another's),
 * one after another or up to N at once; %pre before them, %post or
 * %onerror after each; then a summary of which converted and why the
 * others did not, as text and as JSON.
 *
 * Deaths: a child whose parent dies gets SIGTERM (PR_SET_PDEATHSIG) and
 * cancels; a child that dies by a signal (SIGKILL, a crash) had no
 * cleanup, so the parent removes its work directory and says so; the
 * parent watches the progress channel and cancels when its reader goes
 * away (a wizard that died, `| head`).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

struct vm_result {
  const char *label;        /* name given, or the .vmx */
  pid_t pid;
  int fd;                   /* the child's result line */
  bool started, finished, ok;
  bool result_in;           /* its pipe is readable: it is about to exit */
  volatile sig_atomic_t exited;  /* a zombie or reaped: never signal it */
  char *name, *stage, *error, *output;
  char *verify, *screenshot;  /* --verify-boot: the report, the PNG */
  bool booted;
  double seconds;
};

static volatile sig_atomic_t cancelled;
static struct vm_result *running_results;
static size_t running_n;

/* Signal-safe: stop starting VMs and stop the ones running. */
void
cli_cancel (void)
{
  size_t i;

  cancelled = 1;
  for (i = 0; i < running_n; ++i)
    if (running_results[i].started && !running_results[i].exited &&
        running_results[i].pid > 0)
      kill (running_results[i].pid, SIGTERM);
}

void
cli_stop (void)
{
  cli_cancel ();
  v2v_kill_children (SIGTERM);
}

/* ---- in the child ---- */

static double
now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* From the done event, for the result line. */
static char *done_name, *done_output, *done_verify, *done_screenshot;
static bool done_booted;

static void
child_progress (const struct v2v_event *ev, void *opaque)
{
  if (ev->type == V2V_EVENT_DONE && ev->ok) {
    done_name = ev->vm_name ? strdup (ev->vm_name) : NULL;
    done_output = ev->output ? strdup (ev->output) : NULL;
  }
  if (ev->type == V2V_EVENT_DONE) {   /* a VM that did not boot too */
    done_verify = ev->verify ? strdup (ev->verify) : NULL;
    done_screenshot = ev->screenshot ? strdup (ev->screenshot) : NULL;
    done_booted = ev->verify_ok;
  }
  cli_progress (ev, opaque);
}

/* Tabs and newlines would break the result line. */
static void
put_field (FILE *f, const char *s)
{
  for (; s && *s; ++s)
    fputc (*s == '\t' || *s == '\n' ? ' ' : *s, f);
  fputc ('\t', f);
}

/* The child process's main: convert VM i, write the result line to fd,
 * exit with 0 or 1.
 */
static void __attribute__ ((noreturn))
child (const struct ks_file *ks, size_t i, enum v2v_mode mode, int fd,
       bool label)
{
  struct v2v_config cfg;
  double start = now ();
  FILE *f;
  int r;

  if (label)
    cli_out.vm = running_results[i].label;
  ks_vm_config (ks, i, &cfg);
  r = v2v_run (&cfg, mode, child_progress, NULL);
  f = fdopen (fd, "w");
  if (r == 0) {
    fputs ("ok\t", f);
    put_field (f, done_name);
    put_field (f, done_output);
  }
  else {
    const char *last = v2v_last_error () ? v2v_last_error () : "failed";
    char *masked = ks_mask_urls (last);   /* no URL's password, anywhere */
    const char *e = masked ? masked : last;
    const char *colon = strstr (e, ": ");
    char *stage = colon ? strndup (e, (size_t) (colon - e)) : NULL;
    /* (the log sinks have it from the error event) */
    if (label)
      fprintf (stderr, "v2vboot[%s]: error: %s\n", cli_out.vm, e);
    else
      fprintf (stderr, "v2vboot-agent: error: %s\n", e);
    fputs ("error\t", f);
    put_field (f, stage ? stage : "");
    put_field (f, colon ? colon + 2 : e);
    free (stage);
    free (masked);
  }
  fputs (done_booted ? "1\t" : "0\t", f);
  put_field (f, done_verify);
  put_field (f, done_screenshot);
  fprintf (f, "%.1f\n", now () - start);
  fclose (f);
  fflush (stdout);
  exit (r == 0 ? 0 : 1);
}

/* ---- in the parent ---- */

static char *
next_field (char **p)
{
  char *s = *p, *tab = strchr (s, '\t');

  if (tab) {
    *tab = '\0';
    *p = tab + 1;
  }
  else
    *p = s + strlen (s);
  return s[0] ? strdup (s) : NULL;
}

static void
collect (struct vm_result *v, int status)
{
  char buf[8192], *p = buf;
  ssize_t n = read (v->fd, buf, sizeof buf - 1);
  char *kind;

  close (v->fd);
  v->finished = true;
  buf[n > 0 ? n : 0] = '\0';
  buf[strcspn (buf, "\n")] = '\0';
  kind = next_field (&p);
  if (kind && strcmp (kind, "ok") == 0 && WIFEXITED (status) &&
      WEXITSTATUS (status) == 0) {
    v->ok = true;
    v->name = next_field (&p);
    v->output = next_field (&p);
  }
  else if (kind && strcmp (kind, "error") == 0) {
    v->stage = next_field (&p);
    v->error = next_field (&p);
  }
  else {
    v->stage = strdup ("agent");
    if (asprintf (&v->error, "the conversion process died (%s %d)",
                  WIFSIGNALED (status) ? "signal" : "exit status",
                  WIFSIGNALED (status) ? WTERMSIG (status)
                  : WEXITSTATUS (status)) == -1)
      v->error = NULL;
  }
  if (kind && (strcmp (kind, "ok") == 0 || strcmp (kind, "error") == 0)) {
    char *booted = next_field (&p);
    v->booted = booted && strcmp (booted, "1") == 0;
    free (booted);
    v->verify = next_field (&p);
    v->screenshot = next_field (&p);
  }
  v->seconds = strtod (p, NULL);
  free (kind);
}

struct leftover {
  const char *label;
  int sig;
};

static void
say_removed (const char *dir, long pid, long long started, void *opaque)
{
  const struct leftover *l = opaque;

  (void) started;
  cli_say ("%s: its process (pid %ld) died by signal %d: removed its work "
           "directory %s", l->label, pid, l->sig, dir);
}

/* v2v_dest_sweep's report: what the dead process left at the destination. */
static void
say_left (const char *msg, void *opaque)
{
  const struct leftover *l = opaque;

  cli_say ("%s: %s", l->label, msg);
}

/* VM i's process died by a signal, so it did not clean up: remove its
 * work directory (once what it left, such as libguestfs's recovery
 * process, lets go of it: up to 10 s).
 */
static void
remove_leftovers (const struct ks_file *ks, size_t i, int sig)
{
  struct vm_result *v = &running_results[i];
  struct leftover l = { v->label, sig };
  struct timespec ts = { 0, 100 * 1000 * 1000 };
  struct v2v_config cfg;
  int k;

  ks_vm_config (ks, i, &cfg);
  for (k = 0; k < 100; ++k) {
    if (v2v_clean_workdirs (&cfg, (long) v->pid, say_removed, &l) >= 0) {
      v2v_dest_sweep (&cfg, say_left, &l);
      return;
    }
    nanosleep (&ts, NULL);
  }
  cli_say ("%s: its process (pid %ld) died by signal %d; its work "
           "directory is still in use, left in place", v->label,
           (long) v->pid, sig);
}

/* Until a child ends: poll the children's result pipes (and the progress
 * channel, whose reader may go away), then reap.  A child whose result
 * is in (or whose pipe closed) is about to exit: then poll in short
 * steps.  Returns a pid and its status, or -1 when no child is left.
 */
static pid_t
wait_child (const struct ks_file *ks, int *status)
{
  struct pollfd fds[65];
  size_t idx[65], i;
  nfds_t n, k;
  bool soon;
  pid_t pid;

  for (;;) {
    siginfo_t si;

    /* Which child ended, without reaping it: while it is a zombie its pid
     * is still its own; cli_cancel leaves it alone from now on.
     */
    memset (&si, 0, sizeof si);
    if (waitid (P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) == -1)
      return -1;
    if (si.si_pid != 0) {
      for (i = 0; i < ks->nr_vms; ++i)
        if (running_results[i].started && running_results[i].pid == si.si_pid)
          running_results[i].exited = 1;
      while ((pid = waitpid (si.si_pid, status, 0)) == -1 && errno == EINTR)
        ;
      return pid;
    }
    n = 0;
    soon = false;
    if (!cli_out.reader_gone && cli_progress_fd () >= 0) {
      idx[n] = (size_t) -1;
      fds[n++] = (struct pollfd) { .fd = cli_progress_fd (), .events = 0 };
    }
    for (i = 0; i < ks->nr_vms && n < 65; ++i) {
      struct vm_result *v = &running_results[i];
      if (!v->started || v->finished)
        continue;
      if (v->result_in)
        soon = true;
      else {
        idx[n] = i;
        fds[n++] = (struct pollfd) { .fd = v->fd, .events = POLLIN };
      }
    }
    if (poll (fds, n, soon ? 20 : 1000) <= 0)
      continue;
    for (k = 0; k < n; ++k) {
      if (fds[k].revents == 0)
        continue;
      if (idx[k] == (size_t) -1)
        cli_check_reader ();
      else
        running_results[idx[k]].result_in = true;
    }
  }
}

static int
start_vm (const struct ks_file *ks, size_t i, enum v2v_mode mode, bool label)
{
  struct vm_result *v = &running_results[i];
  pid_t parent = getpid (), pid;
  sigset_t stop, old;
  int pfd[2];

  if (pipe2 (pfd, O_CLOEXEC) == -1)
    return -1;
  fflush (stdout);
  fflush (stderr);
  /* No cancel between the fork and the child's own set-up: in the child,
   * cli_cancel must not see its siblings.
   */
  sigemptyset (&stop);
  sigaddset (&stop, SIGTERM);
  sigaddset (&stop, SIGINT);
  sigaddset (&stop, SIGHUP);
  sigprocmask (SIG_BLOCK, &stop, &old);
  pid = fork ();
  if (pid == 0) {
    running_n = 0;              /* a signal stops this VM only */
    close (pfd[0]);
    /* If the batch's process dies, this VM is cancelled (on_signal). */
    prctl (PR_SET_PDEATHSIG, SIGTERM);
    sigprocmask (SIG_SETMASK, &old, NULL);
    if (getppid () != parent)
      cli_stop ();
    child (ks, i, mode, pfd[1], label);
  }
  v->pid = pid;
  if (pid != -1) {
    /* Before the signals are let in: a cancel that arrived during the
     * fork must reach this VM too.
     */
    v->fd = pfd[0];
    v->started = true;
  }
  sigprocmask (SIG_SETMASK, &old, NULL);
  if (pid == -1) {
    close (pfd[0]);
    close (pfd[1]);
    return -1;
  }
  close (pfd[1]);
  return 0;
}

static void
after_vm (const struct ks_file *ks, const char *kickstart, size_t i,
          enum v2v_mode mode)
{
  struct vm_result *v = &running_results[i];
  struct cli_facts f = {
    .kickstart = kickstart, .mode = mode == V2V_MODE_RUN ? "run" : "check",
    .ks = ks, .index = (int) i + 1, .vmx = ks->vms[i].vm.vmx,
  };

  if (mode != V2V_MODE_RUN)
    return;
  f.vm_name = v->name ? v->name : v->label;
  if (v->ok && ks->post) {
    f.status = "converted";
    f.output = v->output;
    if (cli_run_section ("%post", ks->post, &f) == 0)
      return;
    v->ok = false;
    v->stage = strdup ("post");
    v->error = strdup ("%post failed (the converted VM is left in place)");
  }
  if (!v->ok && ks->onerror) {
    f.status = "failed";
    f.stage = v->stage;
    f.error = v->error;
    f.output = NULL;
    cli_run_section ("%onerror", ks->onerror, &f);
  }
}

static void
write_summary (FILE *out, const struct ks_file *ks, enum v2v_mode mode,
               size_t ok)
{
  size_t i;

  fprintf (out, "{\"event\":\"summary\",\"version\":\"%s\",\"mode\":\"%s\","
           "\"ok\":%s,\"converted\":%zu,\"failed\":%zu,\"vms\":[",
           V2V_VERSION, mode == V2V_MODE_RUN ? "run" : "check",
           ok == ks->nr_vms ? "true" : "false", ok, ks->nr_vms - ok);
  for (i = 0; i < ks->nr_vms; ++i) {
    const struct vm_result *v = &running_results[i];
    fputs (i ? ",{\"name\":" : "{\"name\":", out);
    cli_json_string (out, v->name ? v->name : v->label);
    fprintf (out, ",\"status\":\"%s\"", v->ok ? (mode == V2V_MODE_RUN
                                                 ? "converted" : "checked")
             : v->started ? "failed" : "not started");
    if (v->ok) {
      fputs (",\"output\":", out);
      cli_json_string (out, v->output);
    }
    else {
      fputs (",\"stage\":", out);
      cli_json_string (out, v->stage ? v->stage : "");
      fputs (",\"error\":", out);
      cli_json_string (out, v->error ? v->error : "");
    }
    if (v->verify) {
      fprintf (out, ",\"booted\":%s,\"verify\":", v->booted ? "true" : "false");
      cli_json_string (out, v->verify);
    }
    if (v->screenshot) {
      fputs (",\"screenshot\":", out);
      cli_json_string (out, v->screenshot);
    }
    fprintf (out, ",\"seconds\":%.1f}", v->seconds);
  }
  fputs ("]}\n", out);
}

static void
print_summary (const struct ks_file *ks, enum v2v_mode mode, size_t ok,
               const char *summary_file)
{
  size_t i;

  if (ks->nr_vms > 1) {
    cli_say ("summary: %zu of %zu VMs %s", ok, ks->nr_vms,
             mode == V2V_MODE_RUN ? "converted" : "passed every check");
    for (i = 0; i < ks->nr_vms; ++i) {
      const struct vm_result *v = &running_results[i];
      const char *name = v->name ? v->name : v->label;
      if (v->ok)
        cli_say ("  %-10s %s -> %s (%.0f s)", mode == V2V_MODE_RUN
                 ? "converted" : "checked", name, v->output ? v->output : "",
                 v->seconds);
      else
        cli_say ("  %-10s %s: %s: %s", v->started ? "FAILED" : "NOT RUN",
                 name, v->stage ? v->stage : "", v->error ? v->error
                 : "not started (cancelled or %pre failed)");
    }
  }
  if (cli_out.machine_readable) {
    write_summary (stdout, ks, mode, ok);
    fflush (stdout);
  }
  if (summary_file) {
    FILE *f = fopen (summary_file, "we");
    if (f == NULL) {
      cli_say ("cannot write the summary to %s: %m", summary_file);
      return;
    }
    write_summary (f, ks, mode, ok);
    if (fclose (f) == EOF)
      cli_say ("cannot write the summary to %s: %m", summary_file);
  }
}

/* %pre: if it fails, no VM is converted. */
static int
run_pre (const struct ks_file *ks, const char *kickstart, enum v2v_mode mode)
{
  struct cli_facts f = {
    .kickstart = kickstart, .mode = mode == V2V_MODE_RUN ? "run" : "check",
    .ks = ks,
  };

  if (ks->pre == NULL || cli_run_section ("%pre", ks->pre, &f) == 0)
    return 0;
  if (mode == V2V_MODE_RUN && ks->onerror) {
    f.status = "failed";
    f.stage = "pre";
    f.error = "%pre failed";
    cli_run_section ("%onerror", ks->onerror, &f);
  }
  return -1;
}

/* Whether run_batch runs %pre, or it has run (and how it went). */
enum pre { PRE_RUN, PRE_DONE, PRE_FAILED };
static int run_batch (const struct ks_file *ks, const char *kickstart,
                      enum v2v_mode mode, unsigned parallel,
                      const char *summary_file, enum pre pre);

/* vm --inventory lines become the VMs they name, after %pre (which may
 * write the password file the vSphere login reads), then the batch runs.
 */
int
cli_run_batch (const struct ks_file *ks, const char *kickstart,
               enum v2v_mode mode, unsigned parallel,
               const char *summary_file)
{
  struct ks_file expanded;
  enum pre pre = PRE_RUN;
  size_t i;
  int r;

  for (i = 0; i < ks->nr_vms && !ks->vms[i].vm.inventory; ++i)
    ;
  if (i == ks->nr_vms)
    return run_batch (ks, kickstart, mode, parallel, summary_file, PRE_RUN);
  if (ks->pre) {
    if (run_pre (ks, kickstart, mode) == -1)
      return run_batch (ks, kickstart, mode, parallel, summary_file,
                        PRE_FAILED);
    pre = PRE_DONE;
  }
  if (cli_expand_inventory (ks, &expanded) == -1)
    return -1;
  r = run_batch (&expanded, kickstart, mode, parallel, summary_file, pre);
  cli_inventory_free (&expanded, ks);
  return r;
}

static int
run_batch (const struct ks_file *ks, const char *kickstart,
           enum v2v_mode mode, unsigned parallel,
           const char *summary_file, enum pre pre)
{
  size_t i, next = 0, running = 0, ok = 0;
  bool label = ks->nr_vms > 1;

  running_results = calloc (ks->nr_vms, sizeof *running_results);
  if (running_results == NULL)
    return -1;
  running_n = ks->nr_vms;
  for (i = 0; i < ks->nr_vms; ++i)
    running_results[i].label = ks->vms[i].vm.name ? ks->vms[i].vm.name
                               : ks->vms[i].vm.inventory
                               ? ks->vms[i].vm.inventory : ks->vms[i].vm.vmx;
  if (parallel < 1)
    parallel = 1;
  if (parallel > 1 && label)
    cli_out.tty = false;        /* one \r line cannot show several VMs */

  if (pre == PRE_FAILED ||
      (pre == PRE_RUN && run_pre (ks, kickstart, mode) == -1)) {
    for (i = 0; i < ks->nr_vms; ++i) {
      running_results[i].stage = strdup ("pre");
      running_results[i].error = strdup ("%pre failed: no VM was converted");
    }
    next = ks->nr_vms;
  }
  while (next < ks->nr_vms || running > 0) {
    int status;
    pid_t pid;

    while (!cancelled && next < ks->nr_vms && running < parallel) {
      if (label)
        cli_say ("starting %s (%zu of %zu)", running_results[next].label,
                 next + 1, ks->nr_vms);
      if (start_vm (ks, next, mode, label) == -1) {
        running_results[next].stage = strdup ("agent");
        running_results[next].error = strdup ("cannot start a process");
      }
      else
        running++;
      next++;
    }
    if (running == 0)
      break;
    pid = wait_child (ks, &status);
    if (pid == -1) {
      if (errno == EINTR)
        continue;
      break;
    }
    for (i = 0; i < ks->nr_vms; ++i) {
      struct vm_result *v = &running_results[i];
      if (v->started && !v->finished && v->pid == pid) {
        collect (v, status);
        if (WIFSIGNALED (status))
          remove_leftovers (ks, i, WTERMSIG (status));
        running--;
        after_vm (ks, kickstart, i, mode);
        ok += v->ok;
      }
    }
  }
  print_summary (ks, mode, ok, summary_file);
  for (i = 0; i < ks->nr_vms; ++i) {
    struct vm_result *v = &running_results[i];
    free (v->name); free (v->stage); free (v->error); free (v->output);
    free (v->verify); free (v->screenshot);
  }
  running_n = 0;                /* first: a signal now cancels nothing */
  free (running_results);
  running_results = NULL;
  return ok == ks->nr_vms ? 0 : -1;
}
