/* The kind and detail of the source's errors (v2v_last_error_kind,
 * v2v_last_error_detail), which the wizard acts on instead of reading the
 * message: v2v_check_source and v2v_list_vms against sources that
 * refuse in each way.
 *
 * With no arguments: the checks that need no server (nothing listens on
 * the port: unreachable, over HTTPS and over SSH).  With arguments, as
 * tests/integration/test-error-kinds.sh runs it against its nginx and
 * sshd:
 *
 *   test-source-errors https HOST:PORT FINGERPRINT USER PWFILE WRONG_PWFILE
 *   test-source-errors ssh HOST:PORT USER PWFILE WRONG_PWFILE KNOWN_HOSTS HOST_FP
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "internal.h"
#include "unit.h"

static char workdir[] = "/tmp/test-source-errors.XXXXXX";

static struct v2v_config
config (enum v2v_source_type type, const char *server, const char *user,
        const char *pwfile)
{
  struct v2v_config cfg = { .workdir = workdir };

  cfg.source.type = type;
  cfg.source.server = (char *) server;
  cfg.source.user = (char *) user;
  cfg.source.password_file = (char *) pwfile;
  return cfg;
}

/* v2v_check_source fails with this kind; the message and detail are
 * printed for the log.
 */
static void
check_kind (const struct v2v_config *cfg, enum v2v_error_kind want,
            const char *what)
{
  int r = v2v_check_source (cfg);

  fprintf (stderr, "%s: %d, %s [%s] %s\n", what, r,
           v2v_error_kind_name (v2v_last_error_kind ()),
           v2v_last_error_detail (),
           v2v_last_error () ? v2v_last_error () : "(no error)");
  CHECK (r == -1);
  CHECK_STR (v2v_error_kind_name (v2v_last_error_kind ()),
             v2v_error_kind_name (want));
}

/* A port on 127.0.0.1 that refuses connections: bound, not listening. */
static int
closed_port (char *server, size_t len)
{
  struct sockaddr_in a = { .sin_family = AF_INET };
  socklen_t alen = sizeof a;
  int fd = socket (AF_INET, SOCK_STREAM, 0);

  a.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (fd == -1 || bind (fd, (struct sockaddr *) &a, sizeof a) == -1 ||
      getsockname (fd, (struct sockaddr *) &a, &alen) == -1) {
    perror ("closed_port");
    exit (1);
  }
  snprintf (server, len, "127.0.0.1:%u", ntohs (a.sin_port));
  return fd;
}

static void
offline (void)
{
  char server[64];
  int fd = closed_port (server, sizeof server);
  struct v2v_config cfg = config (V2V_SOURCE_HTTPS, server, "root", NULL);

  check_kind (&cfg, V2V_ERR_UNREACHABLE, "https, nothing listening");
  CHECK_CONTAINS (v2v_last_error (), "cannot connect");
  CHECK_STR (v2v_last_error_detail (), "");
  cfg = config (V2V_SOURCE_SSH, server, "root", NULL);
  check_kind (&cfg, V2V_ERR_UNREACHABLE, "ssh, nothing listening");
  CHECK_CONTAINS (v2v_last_error (), "cannot connect");
  close (fd);
  /* A server with an empty host name: refused, and nothing left for the
   * caller to free (it frees host on failure too).
   */
  {
    char *host = NULL;
    unsigned port = 22;
    CHECK (v2v_split_server ("[]:22", &host, &port) == -1);
    CHECK (host == NULL);
    free (host);
    CHECK_CONTAINS (v2v_last_error (), "expected HOST[:PORT]");
  }
  /* Success clears the kind: a kind is never left from an earlier call. */
  v2v_clear_error ();
  CHECK (v2v_last_error_kind () == V2V_ERR_OTHER);
  CHECK_STR (v2v_last_error_detail (), "");
}

static void
https (char **argv)
{
  const char *server = argv[0], *fp = argv[1], *user = argv[2];
  const char *pw = argv[3], *wrong = argv[4];
  struct v2v_config cfg = config (V2V_SOURCE_HTTPS, server, user, pw);
  char *msg;

  /* a self-signed certificate and no pin: the fingerprint to pin */
  check_kind (&cfg, V2V_ERR_TRUST_CERT, "https, not trusted");
  CHECK_STR (v2v_last_error_detail (), fp);
  if (asprintf (&msg, "certificate not trusted (SHA-256 fingerprint %s)",
                fp) == -1)
    abort ();
  CHECK_CONTAINS (v2v_last_error (), msg);
  free (msg);

  /* pinned: the login is checked */
  cfg.source.thumbprint = (char *) fp;
  cfg.source.password_file = (char *) wrong;
  check_kind (&cfg, V2V_ERR_AUTH, "https, wrong password");
  CHECK_CONTAINS (v2v_last_error (), "(HTTP 401)");
  CHECK_STR (v2v_last_error_detail (), "");

  cfg.source.password_file = (char *) pw;
  cfg.vm.datacenter = (char *) "no-such-datacenter";
  check_kind (&cfg, V2V_ERR_NOT_FOUND, "https, no such datacenter");
  CHECK_CONTAINS (v2v_last_error (), "(HTTP 404)");

  cfg.vm.datacenter = NULL;
  CHECK (v2v_check_source (&cfg) == 0);
  CHECK (v2v_last_error () == NULL);
  CHECK (v2v_last_error_kind () == V2V_ERR_OTHER);
}

static void
ssh (char **argv)
{
  const char *server = argv[0], *user = argv[1], *pw = argv[2];
  const char *wrong = argv[3], *kh = argv[4], *fp = argv[5];
  struct v2v_config cfg = config (V2V_SOURCE_SSH, server, user, pw);
  char empty[4096], *msg;
  FILE *f;

  /* a known-hosts file without the host: the host key to trust */
  snprintf (empty, sizeof empty, "%s/empty-known-hosts", workdir);
  f = fopen (empty, "w");
  if (f == NULL || fclose (f) != 0)
    abort ();
  cfg.source.known_hosts = empty;
  check_kind (&cfg, V2V_ERR_TRUST_HOST_KEY, "ssh, unknown host key");
  CHECK_STR (v2v_last_error_detail (), fp);
  if (asprintf (&msg, "unknown host key %s:", fp) == -1)
    abort ();
  CHECK_CONTAINS (v2v_last_error (), msg);
  free (msg);

  cfg.source.known_hosts = (char *) kh;
  cfg.source.password_file = (char *) wrong;
  check_kind (&cfg, V2V_ERR_AUTH, "ssh, wrong password");
  CHECK_CONTAINS (v2v_last_error (), "refused: wrong user or password");
  CHECK_STR (v2v_last_error_detail (), "");

  cfg.source.password_file = (char *) pw;
  CHECK (v2v_check_source (&cfg) == 0);
  CHECK (v2v_last_error_kind () == V2V_ERR_OTHER);
}

int
main (int argc, char **argv)
{
  if (mkdtemp (workdir) == NULL) {
    perror ("mkdtemp");
    return 1;
  }
  if (argc == 1)
    offline ();
  else if (argc == 7 && strcmp (argv[1], "https") == 0)
    https (argv + 2);
  else if (argc == 8 && strcmp (argv[1], "ssh") == 0)
    ssh (argv + 2);
  else {
    fprintf (stderr, "usage: see the comment at the top of %s\n", __FILE__);
    return 2;
  }
  {
    char empty[4096];
    snprintf (empty, sizeof empty, "%s/empty-known-hosts", workdir);
    unlink (empty);
  }
  rmdir (workdir);
  return unit_done ("test-source-errors");
}
