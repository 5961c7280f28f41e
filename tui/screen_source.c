/* Step 2, the source: protocol, server, user, password or SSH key.  Next
 * logs in with the engine (v2v_check_source); a certificate or host key
 * the engine does not trust (error kind V2V_ERR_TRUST_CERT or
 * V2V_ERR_TRUST_HOST_KEY, the fingerprint as the error's detail) is shown
 * for the operator to trust, and the login is tried again with it.
 */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "wizard.h"

static const char *const src_types[] = {
  [SRC_HTTPS] = "HTTPS (ESXi or web server)",
  [SRC_SSH] = "SSH (ESXi shell or Linux)",
  [SRC_VSPHERE] = "vSphere (ESXi or vCenter API)",
  NULL
};

/* The fingerprint the engine asks trust for, by the error's kind; false
 * for any other error (or a detail that does not fit in buf).
 */
static bool
trust_wanted (enum v2v_error_kind kind, char *buf, size_t len)
{
  const char *fp = v2v_last_error_detail ();

  if (v2v_last_error_kind () != kind || fp == NULL || !fp[0] ||
      strlen (fp) >= len)
    return false;
  snprintf (buf, len, "%s", fp);
  return true;
}

/* The server's certificate: pinned if the operator trusts it. */
static bool
trust_cert (struct wizard *w, const char *fp)
{
  if (!ui_confirm ("The server's certificate is not signed by a known CA."
                   " Trust it?", fp)) {
    ui_error ("certificate not trusted (SHA-256 fingerprint %s): compare "
              "it with the one the ESXi console shows", fp);
    return false;
  }
  snprintf (w->thumbprint, sizeof w->thumbprint, "%s", fp);
  return true;
}

/* The SSH host key: added to the wizard's known_hosts if trusted. */
static bool
trust_host_key (const struct v2v_config *cfg, const char *fp)
{
  if (!ui_confirm ("The SSH host key is not known. Trust it?", fp)) {
    ui_error ("unknown host key %s: compare it with ssh-keygen -lf "
              "/etc/ssh/ssh_host_*_key.pub on the host", fp);
    return false;
  }
  if (v2v_ssh_trust_host (cfg, fp) == -1) {
    ui_error ("%s", v2v_last_error ());
    return false;
  }
  return true;
}

/* Log in; on a trust question, ask and try again.  Shows the error. */
static bool
check_source (struct wizard *w)
{
  for (;;) {
    struct v2v_config cfg;
    char fp[128];
    bool again = false;

    if (wizard_config (w, &cfg) == -1) {
      ui_error ("out of memory");
      return false;
    }
    ui_status (-6, "Connecting to %s ...", w->server);
    if (v2v_check_source (&cfg) == 0) {
      ui_status (-6, "%s: connected, logged in as %s", w->server, w->user);
      v2v_config_free (&cfg);
      return true;
    }
    ui_status (-6, "%s", "");
    if (w->src_type != SRC_SSH &&
        trust_wanted (V2V_ERR_TRUST_CERT, fp, sizeof fp))
      again = trust_cert (w, fp);
    else if (w->src_type == SRC_SSH &&
             trust_wanted (V2V_ERR_TRUST_HOST_KEY, fp, sizeof fp))
      again = trust_host_key (&cfg, fp);
    else
      ui_error ("%s", v2v_last_error ());
    v2v_config_free (&cfg);
    if (!again)
      return false;
  }
}

enum wiz_screen
screen_source (struct wizard *w)
{
  struct field f[] = {
    { "Protocol", F_CHOICE, NULL, &w->src_type, src_types, false, 0 },
    { "Server", F_TEXT, w->server, NULL, NULL, false, 0 },
    { "User", F_TEXT, w->user, NULL, NULL, false, 0 },
    { "Password", F_SECRET, w->password, NULL, NULL, false, 0 },
    { "SSH key file", F_TEXT, w->identity, NULL, NULL, false, 0 },
    { "LUKS key", F_SECRET, w->luks_key, NULL, NULL, false, 0 },
    { "Back", F_BUTTON, NULL, NULL, NULL, false, ACT_BACK },
    { "Next", F_BUTTON, NULL, NULL, NULL, false, ACT_NEXT },
  };
  bool ssh;

  ui_frame ("Source", 2, UI_FORM_HELP);
  for (;;) {
    int a;
    ssh = w->src_type == SRC_SSH;
    mvprintw (2, 2, "Where does the VM live?  Server as HOST or HOST:PORT.");
    mvprintw (3, 2, "%-76s", ssh
              ? "SSH: give a password or a key file (without passphrase)."
              : w->src_type == SRC_VSPHERE
              ? "vSphere: an ESXi host's or a vCenter's user and password."
              : "HTTPS: the ESXi host's user (root) and password.");
    f[4].hidden = !ssh;
    a = ui_form (f, sizeof f / sizeof f[0], 5, &w->source_scr.focus);
    ssh = w->src_type == SRC_SSH;
    if (a == ACT_NONE) {
      ui_frame ("Source", 2, UI_FORM_HELP);
      continue;
    }
    if (a == ACT_BACK)
      return SCR_NETWORK;
    if (a == ACT_CANCEL) {
      if (ui_confirm_quit ())
        return SCR_QUIT;
      continue;
    }
    if (a != ACT_NEXT)
      continue;
    if (!w->server[0] || !w->user[0]) {
      ui_error ("give the server and the user");
      continue;
    }
    if (!w->password[0] && !(ssh && w->identity[0])) {
      ui_error ("give the password%s", ssh ? " or an SSH key file" : "");
      continue;
    }
    if (check_source (w)) {
      w->nr_vms = 0;            /* list again for this source */
      return SCR_VM;
    }
  }
}
