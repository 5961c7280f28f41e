/* This host's NICs, as the network screen lists them: name, MAC, link
 * (from /sys/class/net) and IPv4 address (getifaddrs), at most five.
 */
#include <arpa/inet.h>
#include <curses.h>
#include <dirent.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "wizard.h"

/* The table, from row top down. */
void
host_nics_show (int top)
{
  DIR *d = opendir ("/sys/class/net");
  struct ifaddrs *ifa = NULL, *a;
  struct dirent *e;
  int row = top;

  getifaddrs (&ifa);
  mvprintw (row++, 2, "%-12s %-18s %-6s %s", "NIC", "MAC", "link",
            "IPv4 address");
  while (d && (e = readdir (d)) != NULL && row < top + 5) {
    char path[512], mac[32] = "", carrier[8] = "0", addr[64] = "-";
    FILE *f;
    if (e->d_name[0] == '.' || strcmp (e->d_name, "lo") == 0)
      continue;
    snprintf (path, sizeof path, "/sys/class/net/%s/address", e->d_name);
    if ((f = fopen (path, "re"))) {
      if (fscanf (f, "%31s", mac) != 1)
        mac[0] = '\0';
      fclose (f);
    }
    snprintf (path, sizeof path, "/sys/class/net/%s/carrier", e->d_name);
    if ((f = fopen (path, "re"))) {
      if (fscanf (f, "%7s", carrier) != 1)
        carrier[0] = '0';
      fclose (f);
    }
    for (a = ifa; a; a = a->ifa_next)
      if (a->ifa_addr && a->ifa_addr->sa_family == AF_INET &&
          strcmp (a->ifa_name, e->d_name) == 0)
        inet_ntop (AF_INET, &((struct sockaddr_in *) a->ifa_addr)->sin_addr,
                   addr, sizeof addr);
    mvprintw (row++, 2, "%-12.12s %-18s %-6s %s", e->d_name, mac,
              carrier[0] == '1' ? "up" : "down", addr);
  }
  if (d)
    closedir (d);
  freeifaddrs (ifa);
}
