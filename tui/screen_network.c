/* Step 1, the network of this host: keep it, DHCP, or a static address;
 * the NICs it has; a TCP test to the source.
 */
#include <curses.h>

#include "wizard.h"

static const char *const net_modes[] = {
  [NET_KEEP] = "keep as it is", [NET_DHCP] = "DHCP", [NET_STATIC] = "static",
  NULL
};

enum { ACT_TEST = 100 };

enum wiz_screen
screen_network (struct wizard *w)
{
  struct field f[] = {
    { "Address", F_CHOICE, NULL, &w->net_mode, net_modes, false, 0 },
    { "NIC", F_TEXT, w->net_dev, NULL, NULL, false, 0 },
    { "IP address", F_TEXT, w->net_ip, NULL, NULL, false, 0 },
    { "Netmask", F_TEXT, w->net_mask, NULL, NULL, false, 0 },
    { "Gateway", F_TEXT, w->net_gw, NULL, NULL, false, 0 },
    { "DNS server", F_TEXT, w->net_dns, NULL, NULL, false, 0 },
    { "Test host", F_TEXT, w->net_test, NULL, NULL, false, 0 },
    { "Test", F_BUTTON, NULL, NULL, NULL, false, ACT_TEST },
    { "Next", F_BUTTON, NULL, NULL, NULL, false, ACT_NEXT },
  };

  for (;;) {
    int a;
    ui_frame ("Network of this host", 1, UI_FORM_HELP);
    mvprintw (2, 2, "The network this machine uses to reach the source and "
              "the destination.");
    host_nics_show (4);
    f[1].hidden = w->net_mode == NET_KEEP;
    f[2].hidden = f[3].hidden = f[4].hidden = w->net_mode != NET_STATIC;
    f[5].hidden = w->net_mode == NET_KEEP;
    a = ui_form (f, sizeof f / sizeof f[0], 10, &w->network_scr.focus);
    if (a == ACT_CANCEL && ui_confirm_quit ())
      return SCR_QUIT;
    if (a == ACT_TEST)
      tcp_probe (w->net_test[0] ? w->net_test : w->server);
    if (a == ACT_NEXT) {
      if (w->net_mode == NET_STATIC && (!w->net_ip[0] || !w->net_mask[0])) {
        ui_error ("static: give the IP address and the netmask");
        continue;
      }
      return SCR_SOURCE;
    }
  }
}
