/* Windows decisions without a guest: virtio-win directories per version,
 * hibernation, BitLocker and dynamic-disk signatures, MSI product codes,
 * and the first-boot script.
 */
#include "internal.h"
#include "unit.h"

static const char *
dirs (int major, int minor, bool server, int build)
{
  static char buf[128];
  const char *const *d = v2v_win_os_dirs (major, minor, server, build);
  size_t i;

  buf[0] = '\0';
  for (i = 0; d && d[i]; ++i) {
    if (i)
      strcat (buf, " ");
    strcat (buf, d[i]);
  }
  return d ? buf : "(none)";
}

int
main (void)
{
  char sector[512] = { 0 };
  char *s;
  struct v2v_win_ip ips[] = {
    { (char *) "00:50:56:aa:bb:cc", (char *) "10.0.0.5",
      (char *) "255.255.255.0", (char *) "10.0.0.1",
      (char *) "10.0.0.53,10.0.0.54" },
    { NULL, (char *) "10.1.0.5", (char *) "255.255.0.0", NULL, NULL },
    { (char *) "00:50:56:aa:bb:cd", (char *) "10.2.0.5'; rm -r C:\\",
      (char *) "255.0.0.0", NULL, NULL },
  };
  char *codes[] = { (char *) "{B52A2B9D-5D33-4C33-9B5C-BFA0C1D2E3F4}", NULL };
  struct v2v_win_firstboot fb = {
    .driver_dir = "Drivers\\VirtIO", .guest_agent = "qemu-ga-x86_64.msi",
    .uninstall = codes, .ips = ips, .nr_ips = 3,
  };

  CHECK_STR (dirs (10, 0, false, 19045), "w10");
  CHECK_STR (dirs (10, 0, false, 22631), "w11 w10");
  CHECK_STR (dirs (10, 0, true, 14393), "2k16");
  CHECK_STR (dirs (10, 0, true, 17763), "2k19 2k16");
  CHECK_STR (dirs (10, 0, true, 20348), "2k22 2k19 2k16");
  CHECK_STR (dirs (10, 0, true, 26100), "2k25 2k22 2k19 2k16");
  CHECK_STR (dirs (6, 3, false, 9600), "w8.1 w8");
  CHECK_STR (dirs (6, 3, true, 9600), "2k12R2 2k12");
  CHECK_STR (dirs (6, 2, true, 9200), "2k12");
  CHECK_STR (dirs (6, 1, false, 7601), "w7");
  CHECK_STR (dirs (6, 1, true, 7601), "2k8R2");
  CHECK_STR (dirs (5, 2, true, 3790), "(none)");

  CHECK (v2v_win_hiberfil_in_use ("HIBR\0\0", 6));
  CHECK (v2v_win_hiberfil_in_use ("hibr", 4));
  CHECK (!v2v_win_hiberfil_in_use ("wake", 4));
  CHECK (!v2v_win_hiberfil_in_use ("\0\0\0\0", 4));
  CHECK (!v2v_win_hiberfil_in_use ("hib", 3));

  memcpy (sector, "\xeb\x52\x90NTFS    ", 11);
  CHECK (!v2v_win_is_bitlocker (sector, sizeof sector));
  memcpy (sector, "\xeb\x58\x90-FVE-FS-", 11);
  CHECK (v2v_win_is_bitlocker (sector, sizeof sector));
  CHECK (!v2v_win_is_bitlocker (sector, 8));

  CHECK (v2v_win_is_ldm (0x42, NULL));
  CHECK (!v2v_win_is_ldm (0x07, NULL));
  CHECK (v2v_win_is_ldm (-1, "5808c8aa-7e8f-42e0-85d2-e1e90434cfb3"));
  CHECK (v2v_win_is_ldm (-1, "AF9B60A0-1431-4F62-BC68-3311714A69AD"));
  CHECK (!v2v_win_is_ldm (-1, "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7"));

  s = v2v_win_msi_product ("MsiExec.exe /X{B52A2B9D-5D33-4C33-9B5C-BFA0C1D2E3F4}");
  CHECK_STR (s, "{B52A2B9D-5D33-4C33-9B5C-BFA0C1D2E3F4}");
  free (s);
  s = v2v_win_msi_product ("MsiExec.exe /I{B52A2B9D-5D33-4C33-9B5C-BFA0C1D2E3F4} /quiet");
  CHECK_STR (s, "{B52A2B9D-5D33-4C33-9B5C-BFA0C1D2E3F4}");
  free (s);
  CHECK (v2v_win_msi_product ("C:\\Program Files\\VMware\\uninst.exe") == NULL);
  CHECK (v2v_win_msi_product ("MsiExec.exe /X{B52A2B9D}") == NULL);
  CHECK (v2v_win_msi_product (NULL) == NULL);

  s = v2v_win_firstboot_script (&fb);
  CHECK_CONTAINS (s, "$drivers = Join-Path $env:SystemRoot 'Drivers\\VirtIO'");
  CHECK_CONTAINS (s, "pnputil.exe /add-driver $_.FullName /install");
  CHECK_CONTAINS (s, "pnputil.exe -i -a $_.FullName");
  CHECK_CONTAINS (s, "(Join-Path $here 'qemu-ga-x86_64.msi')");
  CHECK_CONTAINS (s, "@('/x', '{B52A2B9D-5D33-4C33-9B5C-BFA0C1D2E3F4}', "
                  "'/qn', '/norestart')");
  CHECK_CONTAINS (s, "Set-Disk -Number $_.Number -IsOffline $false");
  CHECK_CONTAINS (s, "'san policy=OnlineAll' | diskpart.exe");
  CHECK_CONTAINS (s, "Set-StaticIp '00:50:56:AA:BB:CC' '10.0.0.5' "
                  "'255.255.255.0' '10.0.0.1' '10.0.0.53,10.0.0.54'\r\n");
  /* No MAC to put it on, or a value that would break the quoting: left out. */
  CHECK (strstr (s, "10.1.0.5") == NULL);
  CHECK (strstr (s, "rm -r") == NULL);
  CHECK_CONTAINS (s, "sc.exe delete v2vboot-firstboot");
  {                             /* Windows line ends throughout */
    const char *p;
    bool crlf = true;
    for (p = strchr (s, '\n'); p; p = strchr (p + 1, '\n'))
      crlf = crlf && p > s && p[-1] == '\r';
    CHECK (crlf);
  }
  free (s);

  fb.driver_dir = NULL;
  fb.guest_agent = NULL;
  fb.uninstall = NULL;
  fb.nr_ips = 0;
  s = v2v_win_firstboot_script (&fb);
  CHECK (strstr (s, "pnputil") == NULL);
  CHECK (strstr (s, "msiexec") == NULL);
  CHECK (strstr (s, "Set-StaticIp") == NULL);
  CHECK_CONTAINS (s, "diskpart");
  free (s);
  return unit_done ("windows-plan");
}
