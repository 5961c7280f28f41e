/* Windows decisions that need no guest (pure, unit-tested):
 *
 *   - which virtio-win directories fit a Windows version, best first;
 *   - what a hiberfil.sys header or a partition's first sector says;
 *   - the product code in a VMware Tools uninstall string;
 *   - the first-boot PowerShell script.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* virtio-win's names for Windows versions, newest first within a line:
 * a newer Windows runs the drivers of the one before when its own
 * directory is missing.
 */
const char *const *
v2v_win_os_dirs (int major, int minor, bool server, int build)
{
  static const char *const w11[] = { "w11", "w10", NULL };
  static const char *const w10[] = { "w10", NULL };
  static const char *const s2025[] = { "2k25", "2k22", "2k19", "2k16", NULL };
  static const char *const s2022[] = { "2k22", "2k19", "2k16", NULL };
  static const char *const s2019[] = { "2k19", "2k16", NULL };
  static const char *const s2016[] = { "2k16", NULL };
  static const char *const w81[] = { "w8.1", "w8", NULL };
  static const char *const s2012r2[] = { "2k12R2", "2k12", NULL };
  static const char *const w8[] = { "w8", NULL };
  static const char *const s2012[] = { "2k12", NULL };
  static const char *const w7[] = { "w7", NULL };
  static const char *const s2008r2[] = { "2k8R2", NULL };
  static const char *const s2008[] = { "2k8", NULL };

  if (major == 10 && minor == 0) {
    if (!server)
      return build >= 22000 ? w11 : w10;
    return build >= 26100 ? s2025 : build >= 20348 ? s2022
      : build >= 17763 ? s2019 : s2016;
  }
  if (major == 6 && minor == 3)
    return server ? s2012r2 : w81;
  if (major == 6 && minor == 2)
    return server ? s2012 : w8;
  if (major == 6 && minor == 1)
    return server ? s2008r2 : w7;
  if (major == 6 && minor == 0)
    return s2008;
  return NULL;
}

/* hiberfil.sys starts with "hibr" (or "HIBR") while Windows is
 * hibernated or was shut down with Fast Startup; "wake" or zeros after
 * a resume or a full shutdown.
 */
bool
v2v_win_hiberfil_in_use (const char *hdr, size_t len)
{
  return len >= 4 && strncasecmp (hdr, "hibr", 4) == 0;
}

/* BitLocker volumes (Windows 7 and later) carry "-FVE-FS-" where an
 * NTFS boot sector has "NTFS    ".
 */
bool
v2v_win_is_bitlocker (const char *sector, size_t len)
{
  return len >= 11 && memcmp (sector + 3, "-FVE-FS-", 8) == 0;
}

/* Dynamic disks: MBR type 0x42, or the GPT types of LDM metadata and
 * data partitions.
 */
bool
v2v_win_is_ldm (int mbr_id, const char *gpt_type)
{
  if (mbr_id == 0x42)
    return true;
  return gpt_type &&
    (strcasecmp (gpt_type, "5808C8AA-7E8F-42E0-85D2-E1E90434CFB3") == 0 ||
     strcasecmp (gpt_type, "AF9B60A0-1431-4F62-BC68-3311714A69AD") == 0);
}

/* "MsiExec.exe /X{GUID}" or "/I{GUID}": the {GUID}.  Caller frees; NULL
 * when the uninstaller is not an MSI.
 */
char *
v2v_win_msi_product (const char *uninstall)
{
  const char *p = strchr (uninstall ? uninstall : "", '{');
  size_t n;

  if (p == NULL || strncasecmp (uninstall, "msiexec", 7) != 0)
    return NULL;
  n = strspn (p + 1, "0123456789abcdefABCDEF-");
  if (n != 36 || p[n + 1] != '}')
    return NULL;
  return strndup (p, n + 2);
}

/* Only what cannot break the script's quoting goes into it. */
static bool
safe_word (const char *s)
{
  return s && *s && strspn (s, "0123456789abcdefABCDEF.:,-{}") == strlen (s);
}

static void
upper_mac (char *dst, const char *mac)
{
  size_t i;

  for (i = 0; mac[i] && i < 17; ++i)
    dst[i] = (char) toupper ((unsigned char) mac[i]);
  dst[i] = '\0';
}

/* The first-boot script: each step logs to firstboot.log beside it.
 * Written for Windows PowerShell 2.0 (Windows 7) and later.
 */
char *
v2v_win_firstboot_script (const struct v2v_win_firstboot *fb)
{
  struct v2v_strbuf sb = { 0 };
  size_t i;

  v2v_sb_puts (&sb,
    "# v2vboot first boot: finish the move to KVM.  Written by\r\n"
    "# v2vboot-agent; run once by the v2vboot-firstboot service, which it\r\n"
    "# then deletes.  Each step is logged to firstboot.log beside it.\r\n"
    "$ErrorActionPreference = 'Continue'\r\n"
    "$here = Split-Path -Parent $MyInvocation.MyCommand.Path\r\n"
    "$log = Join-Path $here 'firstboot.log'\r\n"
    "function Log ($m) {\r\n"
    "  (Get-Date -Format s) + ' ' + $m | Out-File -Append -Encoding ascii $log\r\n"
    "}\r\n"
    "Log 'first boot on KVM: start'\r\n"
    "$win10 = [Environment]::OSVersion.Version.Major -ge 10\r\n");
  if (fb->driver_dir) {
    v2v_sb_printf (&sb,
      "\r\n# 1. The virtio drivers into the driver store.\r\n"
      "$drivers = Join-Path $env:SystemRoot '%s'\r\n"
      "Get-ChildItem -Recurse -Filter *.inf $drivers | ForEach-Object {\r\n"
      "  if ($win10) { $out = & pnputil.exe /add-driver $_.FullName /install 2>&1 }\r\n"
      "  else { $out = & pnputil.exe -i -a $_.FullName 2>&1 }\r\n"
      "  Log (\"pnputil \" + $_.Name + \": exit \" + $LASTEXITCODE)\r\n"
      "}\r\n", fb->driver_dir);
  }
  if (fb->guest_agent) {
    v2v_sb_printf (&sb,
      "\r\n# 2. The QEMU guest agent.\r\n"
      "$p = Start-Process msiexec.exe -Wait -PassThru -ArgumentList "
      "@('/i', (Join-Path $here '%s'), '/qn', '/norestart')\r\n"
      "Log (\"qemu-ga install: exit \" + $p.ExitCode)\r\n", fb->guest_agent);
  }
  for (i = 0; fb->uninstall && fb->uninstall[i]; ++i) {
    if (!safe_word (fb->uninstall[i]))
      continue;
    v2v_sb_printf (&sb,
      "\r\n# 3. Remove VMware Tools.\r\n"
      "$p = Start-Process msiexec.exe -Wait -PassThru -ArgumentList "
      "@('/x', '%s', '/qn', '/norestart')\r\n"
      "Log (\"VMware Tools %s uninstall: exit \" + $p.ExitCode)\r\n",
      fb->uninstall[i], fb->uninstall[i]);
  }
  v2v_sb_puts (&sb,
    "\r\n# 4. Disks that came up offline (SAN policy) go online.\r\n"
    "if (Get-Command Get-Disk -ErrorAction SilentlyContinue) {\r\n"
    "  Get-Disk | Where-Object { $_.IsOffline -or $_.IsReadOnly } | ForEach-Object {\r\n"
    "    Set-Disk -Number $_.Number -IsOffline $false\r\n"
    "    Set-Disk -Number $_.Number -IsReadOnly $false\r\n"
    "    Log (\"disk \" + $_.Number + \" online\")\r\n"
    "  }\r\n"
    "} else {\r\n"
    "  'san policy=OnlineAll' | diskpart.exe | Out-Null\r\n"
    "  Log 'diskpart: san policy OnlineAll'\r\n"
    "}\r\n");
  if (fb->nr_ips > 0) {
    v2v_sb_puts (&sb,
      "\r\n# 5. Static addresses of the old NICs onto the new ones.\r\n"
      "function Set-StaticIp ($mac, $ip, $mask, $gw, $dns) {\r\n"
      "  $nic = $null\r\n"
      "  for ($i = 0; $i -lt 60 -and -not $nic; $i++) {\r\n"
      "    $nic = Get-WmiObject Win32_NetworkAdapterConfiguration |\r\n"
      "      Where-Object { $_.MACAddress -eq $mac }\r\n"
      "    if (-not $nic) { Start-Sleep 2 }\r\n"
      "  }\r\n"
      "  if (-not $nic) { Log (\"no NIC with MAC \" + $mac + \": \" + $ip + \" not set\"); return }\r\n"
      "  $r = $nic.EnableStatic(@($ip), @($mask))\r\n"
      "  Log (\"NIC \" + $mac + \": \" + $ip + \"/\" + $mask + \": \" + $r.ReturnValue)\r\n"
      "  if ($gw) { $r = $nic.SetGateways(@($gw)); Log (\"gateway \" + $gw + \": \" + $r.ReturnValue) }\r\n"
      "  if ($dns) { $r = $nic.SetDNSServerSearchOrder($dns.Split(',')); Log (\"DNS \" + $dns + \": \" + $r.ReturnValue) }\r\n"
      "}\r\n");
    for (i = 0; i < fb->nr_ips; ++i) {
      const struct v2v_win_ip *ip = &fb->ips[i];
      char mac[18];

      if (!safe_word (ip->mac) || !safe_word (ip->address) ||
          !safe_word (ip->netmask))
        continue;
      upper_mac (mac, ip->mac);
      v2v_sb_printf (&sb, "Set-StaticIp '%s' '%s' '%s' '%s' '%s'\r\n", mac,
                     ip->address, ip->netmask,
                     safe_word (ip->gateway) ? ip->gateway : "",
                     safe_word (ip->dns) ? ip->dns : "");
    }
  }
  v2v_sb_puts (&sb,
    "\r\n& sc.exe delete v2vboot-firstboot | Out-Null\r\n"
    "Log 'first boot on KVM: done'\r\n");
  return v2v_sb_finish (&sb);
}
