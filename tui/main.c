/* v2vboot-tui: the console wizard (see wizard.h and docs/wizard.md).
 *
 *   v2vboot-tui [--agent PATH]
 *
 * Works on an 80x25 VGA console and on a serial console (TERM=vt100 or
 * linux), without colour.  The terminal is restored however it ends:
 * normally, on a signal, or on a crash.
 */
#include <curses.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wizard.h"

static struct wizard w;

static void
remove_private_dir (void)
{
  char path[FIELD + 32];
  static const char *const files[] = { "password", "run.ks", "agent.log",
                                       "known_hosts", "run.ks.luks-key",
                                       NULL };
  size_t i;

  if (!w.dir[0])
    return;
  /* Kept for debugging, but never with the password in it. */
  if (getenv ("V2VBOOT_KEEP_WORKDIR")) {
    snprintf (path, sizeof path, "%s/password", w.dir);
    unlink (path);
    snprintf (path, sizeof path, "%s/run.ks.luks-key", w.dir);
    unlink (path);
    return;
  }
  for (i = 0; files[i]; ++i) {
    snprintf (path, sizeof path, "%s/%s", w.dir, files[i]);
    unlink (path);
  }
  rmdir (w.dir);
}

static void
on_fatal (int sig)
{
  ui_end ();
  remove_private_dir ();
  signal (sig, SIG_DFL);
  raise (sig);
}

/* The agent beside this program, else the one in PATH. */
static void
find_agent (char *buf, size_t len)
{
  char self[PATH_MAX];
  ssize_t n = readlink ("/proc/self/exe", self, sizeof self - 1);

  if (n > 0) {
    self[n] = '\0';
    snprintf (buf, len, "%s/v2vboot-agent", dirname (self));
    if (access (buf, X_OK) == 0)
      return;
  }
  snprintf (buf, len, "/usr/bin/v2vboot-agent");
}

static void
defaults (void)
{
  snprintf (w.user, sizeof w.user, "root");
  snprintf (w.dest_dir, sizeof w.dest_dir, "/var/lib/libvirt/images");
  snprintf (w.uri, sizeof w.uri, "qemu+ssh://root@kvm-host/system");
  snprintf (w.known_hosts, sizeof w.known_hosts, "%s/known_hosts", w.dir);
  /* The field first focused: Source's Server, Destination's second. */
  w.source_scr.focus = 1;
  w.dest_scr.focus = 1;
}

int
main (int argc, char *argv[])
{
  static const struct option opts[] = {
    { "agent", required_argument, NULL, 'a' },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { NULL }
  };
  const int fatal[] = { SIGTERM, SIGINT, SIGHUP, SIGSEGV, SIGABRT, SIGBUS,
                        SIGFPE };
  enum wiz_screen s = SCR_NETWORK;
  const char *tmp = getenv ("TMPDIR");
  size_t i;
  int c;

  find_agent (w.agent, sizeof w.agent);
  while ((c = getopt_long (argc, argv, "hV", opts, NULL)) != -1) {
    switch (c) {
    case 'a': snprintf (w.agent, sizeof w.agent, "%s", optarg); break;
    case 'V': printf ("v2vboot-tui %s\n", V2V_VERSION); return 0;
    case 'h':
      printf ("Usage: v2vboot-tui [--agent PATH]\n"
              "The v2vboot console wizard: see docs/wizard.md.\n");
      return 0;
    default: return 2;
    }
  }
  snprintf (w.dir, sizeof w.dir, "%s/v2vboot-tui.XXXXXX", tmp ? tmp : "/tmp");
  if (mkdtemp (w.dir) == NULL) {
    perror ("mkdtemp");
    return 1;
  }
  defaults ();
  for (i = 0; i < sizeof fatal / sizeof fatal[0]; ++i)
    signal (fatal[i], on_fatal);
  atexit (ui_end);
  ui_init ();
  if (LINES < 24 || COLS < 80) {
    ui_end ();
    fprintf (stderr, "v2vboot-tui: the terminal is %dx%d; 80x24 or more "
             "is needed\n", COLS, LINES);
    remove_private_dir ();
    return 1;
  }
  while (s != SCR_QUIT) {
    switch (s) {
    case SCR_NETWORK: s = screen_network (&w); break;
    case SCR_SOURCE: s = screen_source (&w); break;
    case SCR_VM: s = screen_vm (&w); break;
    case SCR_DEST: s = screen_dest (&w); break;
    case SCR_REVIEW: s = screen_review (&w); break;
    case SCR_PROGRESS: s = screen_progress (&w); break;
    case SCR_RESULT: s = screen_result (&w); break;
    case SCR_QUIT: break;
    }
  }
  ui_end ();
  explicit_bzero (w.password, sizeof w.password);
  explicit_bzero (w.luks_key, sizeof w.luks_key);
  remove_private_dir ();
  return w.ok ? 0 : 1;
}
