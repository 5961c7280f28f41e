/* %pre, %post and %onerror: the section's body is written to a private
 * file and run by /bin/sh, its output on our stderr and in the log, with
 * the run's facts in V2V_* environment variables (docs/kickstart.md).
 * Passwords are never among them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

static void
set (const char *name, const char *value)
{
  if (value)
    setenv (name, value, 1);
  else
    unsetenv (name);
}

static void
set_facts (const struct cli_facts *f)
{
  const struct ks_file *ks = f->ks;
  const struct v2v_destination *d = &ks->base.dest;
  const char *dest_type;
  char *names = NULL, idx[16];
  size_t i;

  set ("V2V_VERSION", V2V_VERSION);
  set ("V2V_KICKSTART", f->kickstart);
  set ("V2V_MODE", f->mode);
  for (i = 0; i < ks->nr_vms; ++i) {
    const char *n = ks->vms[i].vm.name ? ks->vms[i].vm.name
                    : ks->vms[i].vm.vmx;
    char *s;
    if (asprintf (&s, "%s%s%s", names ? names : "", names ? "\n" : "",
                  n) == -1)
      break;
    free (names);
    names = s;
  }
  set ("V2V_VMS", names);
  free (names);
  set ("V2V_SOURCE_SERVER", ks->base.source.server);
  /* as destination --type names it; a file without one means local */
  dest_type = ks_dest_type_name (d->type);
  set ("V2V_DEST_TYPE", dest_type ? dest_type : "local");
  set ("V2V_DEST_DIR", d->dir);
  set ("V2V_DEST_URI", d->uri);
  set ("V2V_DEST_POOL", d->pool);
  set ("V2V_LOG", ks->log_file);
  snprintf (idx, sizeof idx, "%d", f->index);
  set ("V2V_VM_INDEX", f->index ? idx : NULL);
  set ("V2V_VM_NAME", f->vm_name);
  set ("V2V_VMX", f->vmx);
  set ("V2V_STATUS", f->status);
  set ("V2V_STAGE", f->stage);
  set ("V2V_ERROR", f->error);
  set ("V2V_OUTPUT", f->output);
}

/* Copy the child's output to stderr and the log, line by line. */
static void
relay (int fd, const char *section)
{
  char buf[4096], line[4096];
  size_t n = 0;
  ssize_t r;

  while ((r = read (fd, buf, sizeof buf)) > 0 ||
         (r == -1 && errno == EINTR)) {
    ssize_t i;
    for (i = 0; i < r; ++i) {
      if (buf[i] == '\n' || n == sizeof line - 1) {
        line[n] = '\0';
        cli_say ("%s: %s", section, line);
        n = 0;
        if (buf[i] == '\n')
          continue;
      }
      line[n++] = buf[i];
    }
  }
  if (n > 0) {
    line[n] = '\0';
    cli_say ("%s: %s", section, line);
  }
}

int
cli_run_section (const char *section, const char *body,
                 const struct cli_facts *facts)
{
  char file[] = "/tmp/v2vboot-section.XXXXXX";
  int fd, pfd[2], status = 0;
  size_t len = strlen (body);
  pid_t pid;

  fd = mkstemp (file);
  if (fd == -1 || write (fd, body, len) != (ssize_t) len) {
    cli_say ("%s: cannot write the script: %m", section);
    if (fd >= 0) {
      close (fd);
      unlink (file);
    }
    return -1;
  }
  close (fd);
  if (pipe2 (pfd, O_CLOEXEC) == -1) {
    unlink (file);
    return -1;
  }
  cli_say ("%s: running", section);
  pid = fork ();
  if (pid == 0) {
    set_facts (facts);
    dup2 (pfd[1], 1);
    dup2 (pfd[1], 2);
    execl ("/bin/sh", "sh", file, (char *) NULL);
    _exit (127);
  }
  close (pfd[1]);
  if (pid > 0)
    relay (pfd[0], section);
  close (pfd[0]);
  while (pid > 0 && waitpid (pid, &status, 0) == -1 && errno == EINTR)
    ;
  unlink (file);
  if (pid == -1 || !WIFEXITED (status) || WEXITSTATUS (status) != 0) {
    cli_say ("%s: failed (%s %d)", section,
             pid > 0 && WIFSIGNALED (status) ? "signal" : "exit status",
             pid > 0 && WIFSIGNALED (status) ? WTERMSIG (status)
             : pid > 0 ? WEXITSTATUS (status) : -1);
    return -1;
  }
  cli_say ("%s: done", section);
  return 0;
}
