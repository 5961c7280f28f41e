/* Step 6, the progress screen: write the kickstart, start v2vboot-agent
 * on it with --machine-readable, and draw its events: every stage of
 * v2v_stages[] with a tick, a bar per disk with bytes, rate and time
 * left, the last messages; Esc cancels (the agent then removes what it
 * wrote).  The outcome goes into w for the result screen.
 */
#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "wizard.h"

#define MAX_DISKS 16
#define LOG_LINES 5

struct progress {
  int stage;                 /* index in v2v_stages, -1 before */
  double done[MAX_DISKS], total[MAX_DISKS], rate[MAX_DISKS];
  int nr_disks;
  char log[LOG_LINES][160];
  int nr_log;
};

static void
add_log (struct progress *p, const char *fmt, const char *a, const char *b)
{
  if (p->nr_log == LOG_LINES) {
    memmove (p->log[0], p->log[1], sizeof p->log[0] * (LOG_LINES - 1));
    p->nr_log--;
  }
  snprintf (p->log[p->nr_log++], sizeof p->log[0], fmt, a, b);
}

static void
draw (const struct wizard *w, const struct progress *p)
{
  int row = 2, i;

  ui_frame ("Converting", 6, "Esc cancel the conversion");
  mvprintw (row++, 2, "%.40s -> %.30s", w->vm_name[0] ? w->vm_name : w->vmx,
            w->dest_type == DEST_LIBVIRT ? w->pool : w->dest_dir);
  row++;
  for (i = 0; v2v_stages[i].name; ++i) {
    const char *mark = i < p->stage ? "[x]" : i == p->stage ? "[>]" : "[ ]";
    if (strcmp (v2v_stages[i].name, "verify") == 0 && !w->verify_boot)
      continue;                 /* only with options --verify-boot */
    if (i == p->stage)
      attron (A_BOLD);
    mvprintw (row++, 4, "%s %s", mark, v2v_stages[i].text);
    attroff (A_BOLD);
  }
  row++;
  for (i = 0; i < p->nr_disks && row < LINES - 9; ++i) {
    double frac = p->total[i] > 0 ? p->done[i] / p->total[i] : 0;
    int width = 30, k, fill = (int) (frac * width);
    double left = p->rate[i] > 0 ? (p->total[i] - p->done[i]) / p->rate[i] : 0;
    move (row, 4);
    printw ("disk %d [", i);
    for (k = 0; k < width; ++k)
      addch (k < fill ? '#' : '.');
    printw ("] %3.0f%% %6.0f/%.0f MiB %5.1f MiB/s %3.0f s left", frac * 100,
            p->done[i] / 1048576, p->total[i] / 1048576,
            p->rate[i] / 1048576, left);
    row++;
  }
  for (i = 0; i < p->nr_log; ++i)
    mvprintw (LINES - 2 - LOG_LINES + i, 2, "%.76s", p->log[i]);
  refresh ();
}

/* One JSON event line from the agent. */
static void
event (struct wizard *w, struct progress *p, const char *line)
{
  char ev[32] = "", s[1024] = "", m[1024] = "";
  double d;
  int i;

  json_get_string (line, "event", ev, sizeof ev);
  if (strcmp (ev, "stage") == 0 && json_get_string (line, "stage", s,
                                                    sizeof s)) {
    for (i = 0; v2v_stages[i].name; ++i)
      if (strcmp (v2v_stages[i].name, s) == 0)
        p->stage = i;
  }
  else if (strcmp (ev, "copy") == 0 && json_get_number (line, "disk", &d) &&
           d >= 0 && d < MAX_DISKS) {
    i = (int) d;
    if (i >= p->nr_disks)
      p->nr_disks = i + 1;
    json_get_number (line, "done", &p->done[i]);
    json_get_number (line, "total", &p->total[i]);
    json_get_number (line, "rate", &p->rate[i]);
  }
  else if (strcmp (ev, "info") == 0 || strcmp (ev, "warning") == 0) {
    json_get_string (line, "message", m, sizeof m);
    add_log (p, strcmp (ev, "warning") == 0 ? "warning: %s%s" : "%s%s", m,
             "");
  }
  else if (strcmp (ev, "error") == 0) {
    json_get_string (line, "stage", w->failed_stage,
                     sizeof w->failed_stage);
    json_get_string (line, "message", w->result, sizeof w->result);
  }
  else if (strcmp (ev, "done") == 0) {
    json_get_bool (line, "ok", &w->ok);
    json_get_string (line, "verify", w->verify, sizeof w->verify);
    if (w->ok) {
      json_get_string (line, "message", w->result, sizeof w->result);
      json_get_string (line, "name", w->new_name, sizeof w->new_name);
      json_get_string (line, "output", w->output, sizeof w->output);
      json_get_string (line, "next", w->next, sizeof w->next);
    }
  }
}

/* v2vboot-agent run on the kickstart ks, its events on out[1], its
 * messages in log.  Returns the child's pid (-1 if fork failed).
 */
static pid_t
start_agent (const struct wizard *w, const char *ks, const char *log,
             int out[2])
{
  pid_t pid = fork ();

  if (pid == 0) {
    int fd = open (log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int nul = open ("/dev/null", O_RDONLY);
    if (nul >= 0)
      dup2 (nul, 0);
    dup2 (out[1], 1);
    if (fd >= 0)
      dup2 (fd, 2);
    setpgid (0, 0);             /* Ctrl-C on the console is ours */
    execl (w->agent, "v2vboot-agent", "run", "--kickstart", ks,
           "--machine-readable", (char *) NULL);
    _exit (127);
  }
  close (out[1]);
  return pid;
}

/* Draw the agent's events from fd until it closes it (the first
 * drawing is the caller's); Esc asks, then
 * cancels the run (SIGTERM).
 */
static void
follow_agent (struct wizard *w, struct progress *p, int fd, pid_t pid)
{
  char buf[8192];
  size_t have = 0;

  while (pid > 0) {
    struct pollfd fds[2] = { { fd, POLLIN, 0 }, { 0, POLLIN, 0 } };
    int n = poll (fds, 2, 1000);
    if (n > 0 && (fds[1].revents & POLLIN)) {
      int ch = ui_key (stdscr);
      if (ch == 27 && ui_confirm ("Cancel the conversion?",
                                  "What was written to the destination "
                                  "is removed."))
        kill (pid, SIGTERM);
    }
    if (n > 0 && (fds[0].revents & (POLLIN | POLLHUP))) {
      ssize_t r = read (fd, buf + have, sizeof buf - 1 - have);
      char *nl;
      if (r <= 0)
        break;
      have += (size_t) r;
      buf[have] = '\0';
      while ((nl = strchr (buf, '\n')) != NULL) {
        *nl = '\0';
        event (w, p, buf);
        have -= (size_t) (nl + 1 - buf);
        memmove (buf, nl + 1, have + 1);
      }
      if (have == sizeof buf - 1)
        have = 0;               /* an absurd line: drop it */
    }
    draw (w, p);
  }
}

enum wiz_screen
screen_progress (struct wizard *w)
{
  char ks[FIELD + 16], pw[FIELD + 16], log[FIELD + 16];
  struct progress p = { .stage = -1 };
  int out[2], status = 0;
  time_t start;
  pid_t pid;

  snprintf (ks, sizeof ks, "%s/run.ks", w->dir);
  snprintf (pw, sizeof pw, "%s/password", w->dir);
  snprintf (log, sizeof log, "%s/agent.log", w->dir);
  w->ok = false;
  w->result[0] = w->failed_stage[0] = '\0';
  if (ks_write (w, ks, pw) == -1 || pipe2 (out, O_CLOEXEC) == -1) {
    snprintf (w->result, sizeof w->result, "cannot write %s: %s", ks,
              strerror (errno));
    return SCR_RESULT;
  }
  pid = start_agent (w, ks, log, out);
  draw (w, &p);
  start = time (NULL);
  follow_agent (w, &p, out[0], pid);
  close (out[0]);
  while (pid > 0 && waitpid (pid, &status, 0) == -1 && errno == EINTR)
    ;
  w->seconds = difftime (time (NULL), start);
  if (!w->ok && !w->result[0])
    snprintf (w->result, sizeof w->result, "the agent ended without a "
              "result (exit status %d): see %s", WEXITSTATUS (status), log);
  return SCR_RESULT;
}
