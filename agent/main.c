/* v2vboot-agent: convert a VM as a kickstart file says.
 *
 *   v2vboot-agent run --kickstart FILE      convert
 *   v2vboot-agent check --kickstart FILE    every check, no copy
 *   v2vboot-agent dump-config --kickstart FILE
 *   v2vboot-agent list-kickstart-options
 *
 * Exit status: 0 converted (or checked), 1 failed, 2 bad usage or kickstart.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "v2v.h"
#include "kickstart.h"

static bool machine_readable;
static bool tty;
static bool copy_line_open;

static void
usage (FILE *f)
{
  fprintf (f,
           "Usage: v2vboot-agent COMMAND [OPTIONS]\n"
           "\n"
           "Commands:\n"
           "  run --kickstart FILE     convert the VM the file describes\n"
           "  check --kickstart FILE   run every check, stop before the copy\n"
           "  dump-config --kickstart FILE\n"
           "                           print the parsed configuration\n"
           "  list-kickstart-options   print every kickstart option\n"
           "\n"
           "Options:\n"
           "  -k, --kickstart FILE     the kickstart file\n"
           "  --machine-readable       one JSON event per line on stdout\n"
           "  --workdir DIR            where overlays go (default /var/tmp)\n"
           "  -v, --verbose            debug messages on stderr\n"
           "  -V, --version            print the version\n"
           "  -h, --help               this help\n"
           "\n"
           "See v2vboot-agent(1) and docs/kickstart.md.\n");
}

static void
json_string (const char *s)
{
  putchar ('"');
  for (; s && *s; ++s) {
    unsigned char c = (unsigned char) *s;
    if (c == '"' || c == '\\')
      printf ("\\%c", c);
    else if (c == '\n')
      fputs ("\\n", stdout);
    else if (c < 0x20)
      printf ("\\u%04x", c);
    else
      putchar (c);
  }
  putchar ('"');
}

static void
print_json (const struct v2v_event *ev)
{
  switch (ev->type) {
  case V2V_EVENT_STAGE:
    fputs ("{\"event\":\"stage\",\"stage\":", stdout);
    json_string (ev->stage);
    if (ev->disk >= 0)
      printf (",\"disk\":%d", ev->disk);
    break;
  case V2V_EVENT_COPY:
    printf ("{\"event\":\"copy\",\"disk\":%d,\"done\":%llu,\"total\":%llu,"
            "\"rate\":%.4g", ev->disk, (unsigned long long) ev->done,
            (unsigned long long) ev->total, ev->rate);
    break;
  case V2V_EVENT_INFO:
  case V2V_EVENT_WARNING:
    printf ("{\"event\":\"%s\",\"stage\":",
            ev->type == V2V_EVENT_INFO ? "info" : "warning");
    json_string (ev->stage);
    fputs (",\"message\":", stdout);
    json_string (ev->message);
    break;
  case V2V_EVENT_ERROR:
    fputs ("{\"event\":\"error\",\"stage\":", stdout);
    json_string (ev->stage);
    fputs (",\"message\":", stdout);
    json_string (ev->message);
    break;
  case V2V_EVENT_DONE:
    printf ("{\"event\":\"done\",\"ok\":%s,\"message\":",
            ev->ok ? "true" : "false");
    json_string (ev->message);
    break;
  }
  fputs ("}\n", stdout);
  fflush (stdout);
}

static void
print_human (const struct v2v_event *ev)
{
  if (copy_line_open && ev->type != V2V_EVENT_COPY) {
    fputc ('\n', stderr);
    copy_line_open = false;
  }
  switch (ev->type) {
  case V2V_EVENT_STAGE:
    if (ev->disk >= 0)
      fprintf (stderr, "v2vboot: == %s (disk %d)\n", ev->stage, ev->disk);
    else
      fprintf (stderr, "v2vboot: == %s\n", ev->stage);
    break;
  case V2V_EVENT_COPY: {
    double pct = ev->total ? 100.0 * ev->done / ev->total : 100.0;
    fprintf (stderr, "%sv2vboot: copy disk %d: %5.1f%% %llu/%llu MiB "
             "%.1f MiB/s%s", tty ? "\r" : "", ev->disk, pct,
             (unsigned long long) ev->done >> 20,
             (unsigned long long) ev->total >> 20, ev->rate / 1048576.0,
             tty ? "" : "\n");
    copy_line_open = tty;
    break;
  }
  case V2V_EVENT_INFO:
    fprintf (stderr, "v2vboot: %s: %s\n", ev->stage, ev->message);
    break;
  case V2V_EVENT_WARNING:
    fprintf (stderr, "v2vboot: warning: %s\n", ev->message);
    break;
  case V2V_EVENT_ERROR:
    break;                      /* main prints the error once */
  case V2V_EVENT_DONE:
    if (ev->ok)
      fprintf (stderr, "v2vboot: %s\n", ev->message);
    break;
  }
}

static void
progress (const struct v2v_event *ev, void *opaque)
{
  (void) opaque;
  if (machine_readable)
    print_json (ev);
  else
    print_human (ev);
}

static void
on_signal (int sig)
{
  (void) sig;
  v2v_kill_children (SIGTERM);
}

int
main (int argc, char *argv[])
{
  static const struct option long_opts[] = {
    { "kickstart", required_argument, NULL, 'k' },
    { "machine-readable", no_argument, NULL, 'M' },
    { "workdir", required_argument, NULL, 'w' },
    { "verbose", no_argument, NULL, 'v' },
    { "version", no_argument, NULL, 'V' },
    { "help", no_argument, NULL, 'h' },
    { NULL }
  };
  const char *cmd, *ks = NULL, *workdir = NULL;
  struct v2v_config cfg = { 0 };
  bool verbose = false;
  struct sigaction sa = { .sa_handler = on_signal };
  int c, r;

  if (argc >= 2 && (strcmp (argv[1], "--help") == 0 ||
                    strcmp (argv[1], "-h") == 0)) {
    usage (stdout);
    return 0;
  }
  if (argc >= 2 && (strcmp (argv[1], "--version") == 0 ||
                    strcmp (argv[1], "-V") == 0)) {
    printf ("v2vboot-agent %s\n", V2V_VERSION);
    return 0;
  }
  if (argc < 2 || argv[1][0] == '-') {
    usage (stderr);
    return 2;
  }
  cmd = argv[1];
  optind = 2;
  while ((c = getopt_long (argc, argv, "k:vVh", long_opts, NULL)) != -1) {
    switch (c) {
    case 'k': ks = optarg; break;
    case 'M': machine_readable = true; break;
    case 'w': workdir = optarg; break;
    case 'v': verbose = true; break;
    case 'V': printf ("v2vboot-agent %s\n", V2V_VERSION); return 0;
    case 'h': usage (stdout); return 0;
    default: usage (stderr); return 2;
    }
  }
  if (optind != argc) {
    fprintf (stderr, "v2vboot-agent: unexpected argument '%s'\n",
             argv[optind]);
    return 2;
  }
  if (strcmp (cmd, "list-kickstart-options") == 0) {
    ks_list_options (stdout);
    return 0;
  }
  if (strcmp (cmd, "run") != 0 && strcmp (cmd, "check") != 0 &&
      strcmp (cmd, "dump-config") != 0) {
    fprintf (stderr, "v2vboot-agent: unknown command '%s' (try --help)\n",
             cmd);
    return 2;
  }
  if (ks == NULL) {
    fprintf (stderr, "v2vboot-agent: %s: --kickstart FILE is required\n",
             cmd);
    return 2;
  }
  if (ks_parse_file (ks, &cfg, stderr) == -1) {
    v2v_config_free (&cfg);
    return 2;
  }
  if (strcmp (cmd, "dump-config") == 0) {
    ks_dump_config (&cfg, stdout);
    v2v_config_free (&cfg);
    return 0;
  }
  cfg.verbose = verbose;
  if (workdir)
    cfg.workdir = strdup (workdir);
  tty = isatty (2);
  sigaction (SIGINT, &sa, NULL);
  sigaction (SIGTERM, &sa, NULL);
  sigaction (SIGHUP, &sa, NULL);

  r = v2v_run (&cfg, strcmp (cmd, "check") == 0 ? V2V_MODE_CHECK
               : V2V_MODE_RUN, progress, NULL);
  if (r == -1)
    fprintf (stderr, "v2vboot-agent: error: %s\n", v2v_last_error ());
  v2v_config_free (&cfg);
  return r == -1 ? 1 : 0;
}
