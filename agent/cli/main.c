/* v2vboot-agent: convert VMs as a kickstart says.
 *
 *   v2vboot-agent run --kickstart FILE|URL      convert
 *   v2vboot-agent run --cmdline[=FILE]          as the kernel command line
 *                                               says (v2v.ks= or v2v.*)
 *   v2vboot-agent check ...                     every check, no copy
 *   v2vboot-agent dump-config ...               the parsed kickstart
 *   v2vboot-agent list-vms -k FILE              the source's VMs
 *   v2vboot-agent list-destination -k FILE      its pools and networks
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

#include "common/cleanup.h"
#include "cli.h"

static bool partial;            /* list-*: parts of a kickstart */

static void
usage (FILE *f)
{
  fprintf (f,
           "Usage: v2vboot-agent COMMAND [OPTIONS]\n"
           "\n"
           "Commands:\n"
           "  run                      convert the VMs the kickstart describes\n"
           "  check                    run every check, stop before the copy\n"
           "  dump-config              print the parsed kickstart\n"
           "  list-vms                 list the VMs (.vmx) on the source\n"
           "  list-destination         list the destination's pools and "
           "networks\n"
           "  list-kickstart-options   print every kickstart option\n"
           "\n"
           "Options:\n"
           "  -k, --kickstart FILE|URL the kickstart (file, http(s)://, "
           "tftp://,\n"
           "                           cdrom:/PATH, usb:/PATH)\n"
           "  --cmdline[=FILE]         take it from the kernel command line\n"
           "                           (default /proc/cmdline)\n"
           "  --cacert FILE            trust this CA for https kickstarts\n"
           "  --thumbprint SHA256      pin the https kickstart server's "
           "certificate\n"
           "  --parallel N             convert up to N VMs at once\n"
           "  --summary FILE           write the batch summary as JSON\n"
           "  --machine-readable       one JSON event per line on stdout\n"
           "  --workdir DIR            where overlays go (default /var/tmp)\n"
           "  -v, --verbose            debug messages on stderr\n"
           "  -V, --version            print the version\n"
           "  -h, --help               this help\n"
           "\n"
           "See v2vboot-agent(1) and docs/kickstart.md.\n");
}

/* SIGTERM, SIGINT, SIGHUP: cancel through the engine's cancel path (its
 * children stopped, the run fails at its next step and cleans up).
 */
static void
on_signal (int sig)
{
  (void) sig;
  cli_stop ();
}

/* SIGPIPE: caught, not ignored (programs we start must not inherit
 * SIG_IGN), and harmless: the write fails with EPIPE, and print.c
 * cancels the run if that was the progress channel.
 */
static void
on_sigpipe (int sig)
{
  (void) sig;
}

struct source {
  const char *kickstart;    /* file or URL, or NULL */
  const char *cmdline;      /* file with a kernel command line, or NULL */
  struct cli_trust trust;
  unsigned retries;
};

static int
fetch_include (const char *url, char **text, size_t *len, char **error,
               void *opaque)
{
  const struct source *src = opaque;

  return cli_fetch (url, &src->trust, src->retries, text, len, error);
}

static bool
is_url (const char *s)
{
  return strstr (s, "://") != NULL || strncmp (s, "cdrom:", 6) == 0 ||
         strncmp (s, "usb:", 4) == 0 || strncmp (s, "file:", 5) == 0;
}

static int
parse_url (struct source *src, const char *url, struct ks_file *ks)
{
  struct ks_parse_opts opts = { fetch_include, src, partial };
  char *text = NULL, *error = NULL;
  size_t len = 0;
  int r;

  if (cli_fetch (url, &src->trust, src->retries, &text, &len, &error) == -1) {
    CLEANUP_FREE char *msg = NULL, *shown = NULL;
    if (asprintf (&msg, "kickstart %s: %s", url,
                  error ? error : "cannot fetch") != -1)
      shown = ks_mask_urls (msg);
    fprintf (stderr, "v2vboot-agent: %s\n", shown ? shown : "out of memory");
    free (error);
    return -1;
  }
  r = ks_parse_string (url, text, len, &opts, ks, stderr);
  free (text);
  return r;
}

/* The kernel command line: v2v.ks=URL, or the commands as v2v.* keys. */
static int
parse_cmdline (struct source *src, struct ks_file *ks)
{
  struct ks_parse_opts opts = { fetch_include, src, partial };
  struct ks_cmdline cl;
  char *text = NULL, *error = NULL;
  size_t len = 0;
  int r = -1;

  if (cli_fetch (src->cmdline, NULL, 0, &text, &len, &error) == -1) {
    fprintf (stderr, "v2vboot-agent: %s: %s\n", src->cmdline,
             error ? error : "cannot read");
    free (error);
    return -1;
  }
  if (ks_cmdline_parse (text, &cl, stderr) == -1)
    goto out;
  if (cl.ks_url) {
    src->trust.cacert = cl.ks_cacert;
    src->trust.thumbprint = cl.ks_thumbprint;
    src->retries = cl.ks_retry;
    r = parse_url (src, cl.ks_url, ks);
  }
  else if (cl.text)
    r = ks_parse_string ("kernel command line", cl.text, strlen (cl.text),
                         &opts, ks, stderr);
  else
    fprintf (stderr, "v2vboot-agent: %s: no v2v.ks= and no v2v.* keys: "
             "nothing to convert (the image starts the wizard then)\n",
             src->cmdline);
  src->trust.cacert = src->trust.thumbprint = NULL;
  ks_cmdline_free (&cl);
 out:
  free (text);
  return r;
}

int
main (int argc, char *argv[])
{
  enum { OPT_MR = 256, OPT_WORKDIR, OPT_CMDLINE, OPT_CACERT, OPT_THUMB,
         OPT_PARALLEL, OPT_SUMMARY };
  static const struct option long_opts[] = {
    { "kickstart", required_argument, NULL, 'k' },
    { "cmdline", optional_argument, NULL, OPT_CMDLINE },
    { "cacert", required_argument, NULL, OPT_CACERT },
    { "thumbprint", required_argument, NULL, OPT_THUMB },
    { "parallel", required_argument, NULL, OPT_PARALLEL },
    { "summary", required_argument, NULL, OPT_SUMMARY },
    { "machine-readable", no_argument, NULL, OPT_MR },
    { "workdir", required_argument, NULL, OPT_WORKDIR },
    { "verbose", no_argument, NULL, 'v' },
    { "version", no_argument, NULL, 'V' },
    { "help", no_argument, NULL, 'h' },
    { NULL }
  };
  const char *cmd, *workdir = NULL, *summary = NULL;
  struct source src = { .retries = 3 };
  struct ks_file ks = { 0 };
  unsigned parallel = 0;
  bool verbose = false;
  struct sigaction sa = { .sa_handler = on_signal };
  struct sigaction sa_pipe = { .sa_handler = on_sigpipe,
                               .sa_flags = SA_RESTART };
  int c, r;

  cli_out.on_reader_gone = cli_stop;
  sigaction (SIGPIPE, &sa_pipe, NULL);
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
    case 'k': src.kickstart = optarg; break;
    case OPT_CMDLINE: src.cmdline = optarg ? optarg : "/proc/cmdline"; break;
    case OPT_CACERT: src.trust.cacert = optarg; break;
    case OPT_THUMB: src.trust.thumbprint = optarg; break;
    case OPT_PARALLEL: {
      char *end;
      long n = strtol (optarg, &end, 10);
      if (*end || n < 1 || n > 16) {
        fprintf (stderr, "v2vboot-agent: --parallel=%s: expected 1 to 16\n",
                 optarg);
        return 2;
      }
      parallel = (unsigned) n;
      break;
    }
    case OPT_SUMMARY: summary = optarg; break;
    case OPT_MR: cli_out.machine_readable = true; break;
    case OPT_WORKDIR: workdir = optarg; break;
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
  partial = strcmp (cmd, "list-vms") == 0 ||
            strcmp (cmd, "list-destination") == 0;
  if (strcmp (cmd, "run") != 0 && strcmp (cmd, "check") != 0 &&
      strcmp (cmd, "dump-config") != 0 && !partial) {
    fprintf (stderr, "v2vboot-agent: unknown command '%s' (try --help)\n",
             cmd);
    return 2;
  }
  if (!src.kickstart == !src.cmdline) {
    fprintf (stderr, "v2vboot-agent: %s: give --kickstart FILE|URL or "
             "--cmdline\n", cmd);
    return 2;
  }
  if (src.cmdline)
    r = parse_cmdline (&src, &ks);
  else if (is_url (src.kickstart))
    r = parse_url (&src, src.kickstart, &ks);
  else {
    struct ks_parse_opts opts = { fetch_include, &src, partial };
    r = ks_parse_file (src.kickstart, &opts, &ks, stderr);
  }
  if (r == -1) {
    ks_free (&ks);
    return 2;
  }
  if (strcmp (cmd, "dump-config") == 0) {
    ks_dump (&ks, stdout);
    ks_free (&ks);
    return 0;
  }
  if (partial) {
    r = cli_list (cmd, &ks);
    ks_free (&ks);
    return r;
  }
  ks.base.verbose = verbose;
  if (workdir)
    ks.base.workdir = strdup (workdir);
  cli_out.tty = isatty (2);
  if (cli_log_open (ks.log_file, ks.log_remote) == -1) {
    ks_free (&ks);
    return 2;
  }
  sigaction (SIGINT, &sa, NULL);
  sigaction (SIGTERM, &sa, NULL);
  sigaction (SIGHUP, &sa, NULL);

  r = cli_run_batch (&ks, src.kickstart ? src.kickstart : src.cmdline,
                     strcmp (cmd, "check") == 0 ? V2V_MODE_CHECK
                     : V2V_MODE_RUN, parallel ? parallel : ks.parallel,
                     summary);
  cli_log_close ();
  ks_free (&ks);
  return r == -1 ? 1 : 0;
}
